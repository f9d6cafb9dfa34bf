"""LW_ALERT_ROUTES: which configured channel receives which alert."""

from __future__ import annotations

from datetime import date

import pytest

from likeness_watch.alerts.model import Alert
from likeness_watch.alerts.routing import RoutingError, channels_for, parse_routes

CONFIGURED = ["email", "slack", "webhook"]


def alert(kind: str, severity: str) -> Alert:
    return Alert(kind=kind, hub="civitai", day=date(2025, 5, 1), severity=severity, title="t", observed=1)


def test_without_rules_every_configured_channel_gets_everything():
    assert channels_for(alert("data_missing", "low"), parse_routes(""), CONFIGURED) == CONFIGURED


def test_rules_filter_by_kind_and_minimum_severity():
    routes = parse_routes("slack=spike,watchlist_match@high; email=*@critical\n")
    assert channels_for(alert("spike", "high"), routes, CONFIGURED) == ["slack", "webhook"]
    assert channels_for(alert("spike", "medium"), routes, CONFIGURED) == ["webhook"]
    assert channels_for(alert("watchlist_match", "critical"), routes, CONFIGURED) == CONFIGURED
    assert channels_for(alert("data_missing", "medium"), routes, CONFIGURED) == ["webhook"]


def test_several_rules_for_one_channel_are_alternatives():
    routes = parse_routes("slack=data_missing; slack=*@high")
    assert channels_for(alert("data_missing", "medium"), routes, ["slack"]) == ["slack"]
    assert channels_for(alert("spike", "medium"), routes, ["slack"]) == []


def test_rules_for_unconfigured_channels_send_nothing_there():
    assert channels_for(alert("spike", "high"), parse_routes("email=*"), ["slack"]) == ["slack"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pager=*", "channel"),
        ("slack=spikes", "unknown kind"),
        ("slack=*@urgent", "severity"),
        ("slack", "expected"),
    ],
)
def test_bad_rules_are_named_in_the_error(text, message):
    with pytest.raises(RoutingError, match=message):
        parse_routes(text)
