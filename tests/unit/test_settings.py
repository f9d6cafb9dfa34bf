"""Invalid settings are one line naming each variable, its value and what is allowed; secrets stay hidden."""

from __future__ import annotations

import pytest

from likeness_watch.hubs.registry import hub_settings
from likeness_watch.settings import HubSettings, Settings, SettingsError


def test_every_invalid_setting_is_named_on_one_line(monkeypatch):
    monkeypatch.setenv("LW_SMTP_PORT", "0")
    monkeypatch.setenv("LW_REFRESH_BUDGET", "lots")
    with pytest.raises(SettingsError) as error:
        Settings()
    message = str(error.value)
    assert "\n" not in message
    assert "LW_REFRESH_BUDGET='lots': Input should be a valid integer" in message
    assert "LW_SMTP_PORT='0': Input should be greater than 0" in message


def test_hub_settings_are_named_by_the_hubs_prefix(monkeypatch):
    monkeypatch.setenv("LW_HUGGINGFACE_RPS", "-inf")
    with pytest.raises(SettingsError, match=r"^invalid setting: LW_HUGGINGFACE_RPS='-inf': .*finite number$"):
        hub_settings("huggingface")


def test_a_secret_value_is_never_shown():
    with pytest.raises(SettingsError) as error:
        HubSettings(base_url="x", rps=1, page_size=10, token=["s3cr3t-token"])
    assert "TOKEN=***: Input should be a valid string" in str(error.value)
    assert "s3cr3t" not in str(error.value)


def test_recipients_are_read_comma_separated(monkeypatch):
    monkeypatch.setenv("LW_SMTP_TO", " a@example.org,b@example.org , ")
    assert Settings().smtp_to == ["a@example.org", "b@example.org"]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("ftp://lw.example.org", "URL scheme should be 'http' or 'https'"),
        ("lw.example.org", "Input should be a valid URL"),
        ("https://lw.example.org/?token=1", "without query or fragment"),
    ],
)
def test_the_public_base_url_is_an_http_url_without_query(monkeypatch, value, problem):
    monkeypatch.setenv("LW_PUBLIC_BASE_URL", value)
    with pytest.raises(SettingsError, match=rf"^invalid setting: LW_PUBLIC_BASE_URL='[^']*': .*{problem}"):
        Settings()


def test_the_public_base_url_is_kept_without_its_trailing_slash(monkeypatch):
    assert Settings().public_base_url is None
    monkeypatch.setenv("LW_PUBLIC_BASE_URL", "https://lw.example.org/tns/")
    assert Settings().public_base_url == "https://lw.example.org/tns"


@pytest.mark.parametrize(
    ("value", "problem"),
    [("0", "greater than 0"), ("48h", "valid integer"), ("9000", "less than or equal to 8760")],
)
def test_the_takedown_deadline_is_a_positive_number_of_hours(monkeypatch, value, problem):
    assert Settings().takedown_deadline_hours == 48
    monkeypatch.setenv("LW_TAKEDOWN_DEADLINE_HOURS", value)
    with pytest.raises(
        SettingsError, match=rf"^invalid setting: LW_TAKEDOWN_DEADLINE_HOURS='{value}': .*{problem}"
    ):
        Settings()
