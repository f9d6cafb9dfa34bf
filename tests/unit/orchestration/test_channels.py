"""Channels from Airflow connections, read through the provider hooks, fall back to env per channel."""

from __future__ import annotations

import json

import pytest

from likeness_watch.alerts.channels.config import ChannelConfigError
from likeness_watch.orchestration.channels import channels_from_connections
from likeness_watch.settings import Settings


def define(monkeypatch: pytest.MonkeyPatch, conn_id: str, **fields: object) -> None:
    """An Airflow connection from the environment (``AIRFLOW_CONN_<ID>``, JSON form)."""
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(fields))


def test_no_connections_means_the_env_channels(monkeypatch):
    assert channels_from_connections(Settings()) == {}
    monkeypatch.setenv("LW_SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/E/N/V")
    assert sorted(channels_from_connections(Settings())) == ["slack"]


def test_slack_connection_is_read_by_the_slack_hook(monkeypatch):
    monkeypatch.setenv("LW_SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/E/N/V")
    define(monkeypatch, "lw_slack", conn_type="slackwebhook", password="T/B/X")
    slack = channels_from_connections(Settings())["slack"]
    assert slack._url.get_secret_value() == "https://hooks.slack.com/services/T/B/X"  # the connection wins
    define(monkeypatch, "lw_slack", conn_type="slackwebhook", password="http://127.0.0.1:9/hook")
    assert channels_from_connections(Settings())["slack"]._url.get_secret_value() == "http://127.0.0.1:9/hook"
    define(monkeypatch, "lw_slack", conn_type="slackwebhook")
    with pytest.raises(ChannelConfigError, match="token"):
        channels_from_connections(Settings())


def test_webhook_connection_builds_url_and_requires_secret(monkeypatch):
    define(monkeypatch, "lw_webhook", conn_type="http", host="127.0.0.1", schema="http", port=8080,
           password="k", extra={"endpoint": "/lw"})  # fmt: skip
    assert channels_from_connections(Settings())["webhook"]._url == "http://127.0.0.1:8080/lw"
    define(monkeypatch, "lw_webhook", conn_type="http", host="h")
    with pytest.raises(ChannelConfigError, match="HMAC"):
        channels_from_connections(Settings())


def test_smtp_connection_is_read_by_the_smtp_hook(monkeypatch):
    define(monkeypatch, "lw_smtp", conn_type="smtp", host="smtp", extra={"to": "t@example.org"})
    ssl = channels_from_connections(Settings())["email"]
    assert (ssl.tls, ssl.port, ssl.timeout_s) == ("ssl", 465, 30)
    define(monkeypatch, "lw_smtp", conn_type="smtp", host="smtp", port=25, login="u", password="p",
           extra={"to": "t@example.org", "disable_ssl": True, "disable_tls": True,
                  "from_email": "lw@example.org", "timeout": 5})  # fmt: skip
    plain = channels_from_connections(Settings())["email"]
    assert (plain.tls, plain.port, plain.sender, plain.timeout_s) == ("none", 25, "lw@example.org", 5)
    starttls = {"to": "t@example.org", "disable_ssl": True}
    define(monkeypatch, "lw_smtp", conn_type="smtp", host="smtp", extra=starttls)
    assert channels_from_connections(Settings())["email"].tls == "starttls"
    define(monkeypatch, "lw_smtp", conn_type="smtp", host="smtp")
    with pytest.raises(ChannelConfigError, match="to"):
        channels_from_connections(Settings())
