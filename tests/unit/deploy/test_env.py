"""The env names the deployment is checked against are the names the code really reads."""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from likeness_watch.deploy.env import env_names, field_env_names, hub_env_names, settings_env_names
from likeness_watch.hubs.registry import get_hub, hub_names, hub_settings
from likeness_watch.settings import Settings


def test_every_settings_field_is_listed_under_its_env_name(monkeypatch, tmp_path):
    names = settings_env_names()
    assert {"LW_STORE", "LW_WAREHOUSE", "LW_OUTBOX", "LW_WATCHLIST"} <= names
    monkeypatch.setenv("LW_STORE", str(tmp_path / "elsewhere"))
    assert Settings().store == str(tmp_path / "elsewhere")
    assert len(names) == len(Settings.model_fields)


def test_hub_names_are_read_by_the_hub_settings(monkeypatch):
    for hub in hub_names():
        names = hub_env_names(hub)
        assert get_hub(hub).token_env in names
        rps_name = f"LW_{hub.upper()}_RPS"
        assert rps_name in names
        monkeypatch.setenv(rps_name, "7.5")
        assert hub_settings(hub).rps == 7.5


def test_env_names_is_the_sorted_union():
    names = env_names()
    assert names == sorted(set(names))
    assert set(names) == settings_env_names().union(*(hub_env_names(hub) for hub in hub_names()))


def test_declared_aliases_win_over_the_prefix():
    class Aliased(BaseSettings):
        model_config = SettingsConfigDict(env_prefix="LW_")
        plain: str = "x"
        single: str = Field(default="x", validation_alias="SLACK_URL")
        several: str = Field(default="x", validation_alias=AliasChoices("lw_a", "B_NAME"))

    assert field_env_names(Aliased, "LW_") == {"LW_PLAIN", "SLACK_URL", "LW_A", "B_NAME"}
