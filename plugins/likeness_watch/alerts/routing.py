"""Which channels receive which alerts: ``LW_ALERT_ROUTES``.

Rules are separated by ``;``; each is ``channel=kinds[@min_severity]`` where kinds is ``*`` or a
comma-separated list. A channel with no rule receives every alert; a channel with rules receives
an alert when any of its rules matches. Example::

    slack=spike,target_cluster,watchlist_match,takedown_evasion@medium; email=*@critical
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from likeness_watch.alerts.model import KINDS, SEVERITIES, Alert, severity_rank

CHANNELS = ("slack", "webhook", "email")


class RoutingError(ValueError):
    """``LW_ALERT_ROUTES`` cannot be parsed (the message names the bad rule)."""


@dataclass(frozen=True)
class Route:
    channel: str
    kinds: frozenset[str] | None
    """None: every kind."""
    min_severity: str = SEVERITIES[0]

    def matches(self, alert: Alert) -> bool:
        kind_ok = self.kinds is None or alert.kind in self.kinds
        return kind_ok and severity_rank(alert.severity) >= severity_rank(self.min_severity)


def parse_routes(text: str) -> list[Route]:
    """Parse the routing rules (empty text: no rules, every channel gets everything)."""
    routes = []
    for raw in text.replace("\n", ";").split(";"):
        rule = raw.strip()
        if not rule:
            continue
        channel, sep, rest = (part.strip() for part in rule.partition("="))
        if not sep or channel not in CHANNELS:
            raise RoutingError(
                f"bad route {rule!r}: expected channel=kinds[@severity], channel in {CHANNELS}"
            )
        kinds_text, _, severity = (part.strip() for part in rest.partition("@"))
        severity = severity or SEVERITIES[0]
        if severity not in SEVERITIES:
            raise RoutingError(f"bad route {rule!r}: severity must be one of {', '.join(SEVERITIES)}")
        kinds = None if kinds_text in ("", "*") else frozenset(k.strip() for k in kinds_text.split(","))
        unknown = sorted((kinds or frozenset()) - set(KINDS))
        if unknown:
            raise RoutingError(
                f"bad route {rule!r}: unknown kind(s) {', '.join(unknown)}; known: {', '.join(KINDS)}"
            )
        routes.append(Route(channel, kinds, severity))
    return routes


def channels_for(alert: Alert, routes: list[Route], configured: Iterable[str]) -> list[str]:
    """The configured channels this alert goes to."""
    chosen = []
    for channel in configured:
        rules = [route for route in routes if route.channel == channel]
        if not rules or any(rule.matches(alert) for rule in rules):
            chosen.append(channel)
    return chosen
