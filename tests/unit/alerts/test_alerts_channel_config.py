"""Channels from env (CLI) and from Airflow connections (DAG) — the same objects either way."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from likeness_watch.alerts.channels.config import (
    ChannelConfigError,
    channels_from_settings,
    email_from_connection,
    slack_from_connection,
    webhook_from_connection,
)
from likeness_watch.settings import Settings


def conn(**fields) -> SimpleNamespace:
    base = {"conn_id": "c", "host": None, "schema": None, "login": None, "password": None, "port": None}
    extra = fields.pop("extra", {})
    return SimpleNamespace(**{**base, **fields}, extra_dejson=extra, extra=json.dumps(extra))


def test_nothing_configured_means_no_channels():
    assert channels_from_settings(Settings()) == {}


def test_env_configures_all_three_channels(monkeypatch):
    monkeypatch.setenv("LW_SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T/B/X")
    monkeypatch.setenv("LW_WEBHOOK_URL", "https://tns.example.org/hook")
    monkeypatch.setenv("LW_WEBHOOK_SECRET", "k")
    monkeypatch.setenv("LW_SMTP_HOST", "smtp.example.org")
    monkeypatch.setenv("LW_SMTP_TO", "a@example.org, b@example.org")
    channels = channels_from_settings(Settings())
    assert sorted(channels) == ["email", "slack", "webhook"]
    assert channels["email"].recipients == ["a@example.org", "b@example.org"]
    assert "services/T/B/X" not in repr(Settings())  # the Slack URL is a secret


def test_half_configured_channels_are_refused(monkeypatch):
    monkeypatch.setenv("LW_WEBHOOK_URL", "https://tns.example.org/hook")
    with pytest.raises(ChannelConfigError, match="LW_WEBHOOK_SECRET"):
        channels_from_settings(Settings())
    monkeypatch.delenv("LW_WEBHOOK_URL")
    monkeypatch.setenv("LW_SMTP_HOST", "smtp.example.org")
    with pytest.raises(ChannelConfigError, match="LW_SMTP_TO"):
        channels_from_settings(Settings())


def test_slack_connection_is_read_like_the_slack_provider():
    assert slack_from_connection(conn(password="T/B/X"))._url.get_secret_value() == (
        "https://hooks.slack.com/services/T/B/X"
    )
    full = slack_from_connection(conn(password="http://127.0.0.1:9/hook"))
    assert full._url.get_secret_value() == "http://127.0.0.1:9/hook"
    with pytest.raises(ChannelConfigError):
        slack_from_connection(conn())


def test_webhook_connection_builds_url_and_requires_secret():
    channel = webhook_from_connection(
        conn(host="127.0.0.1", schema="http", port=8080, password="k", extra={"endpoint": "/lw"})
    )
    assert channel._url == "http://127.0.0.1:8080/lw"
    with pytest.raises(ChannelConfigError, match="HMAC"):
        webhook_from_connection(conn(host="h"))


def test_smtp_connection_follows_provider_tls_extras():
    ssl = email_from_connection(conn(host="smtp", extra={"to": "t@example.org"}))
    assert (ssl.tls, ssl.port) == ("ssl", 465)
    plain = email_from_connection(
        conn(host="smtp", port=25, extra={"to": "t@example.org", "disable_ssl": True, "disable_tls": True,
                                          "from_email": "lw@example.org"})
    )  # fmt: skip
    assert (plain.tls, plain.port, plain.sender) == ("none", 25, "lw@example.org")
    with pytest.raises(ChannelConfigError, match="to"):
        email_from_connection(conn(host="smtp"))
