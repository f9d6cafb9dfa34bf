"""Channels from env (the CLI path; the DAG's connections: tests/unit/orchestration/test_channels.py)."""

from __future__ import annotations

import pytest

from likeness_watch.alerts.channels.config import ChannelConfigError, channels_from_settings
from likeness_watch.settings import Settings


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
