"""One typed settings object for the whole platform.

Every knob is read here (env vars, overridable by CLI flags / DAG code through keyword arguments),
so no other module reads ``os.environ`` directly. Secrets are ``SecretStr``: they never appear in
reprs or logs.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from likeness_watch import __version__

USER_AGENT = (
    f"likeness-watch/{__version__} (+https://github.com/likeness-watch/likeness-watch; "
    "metadata-only research crawler for trust & safety)"
)


class HubSettings(BaseSettings):
    """Per-hub knobs: registry defaults, overridden by ``LW_<HUB>_*`` env vars.

    The registry passes its defaults as init kwargs, so env vars are given priority over init
    kwargs here; CLI flags are applied afterwards with ``model_copy(update=...)``.
    """

    model_config = SettingsConfigDict(extra="ignore")

    base_url: str
    rps: float = Field(gt=0, description="Requests per second (token-bucket rate limit).")
    page_size: int = Field(gt=0, le=1000)
    timeout_s: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=6, ge=0)
    token: SecretStr | None = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return env_settings, init_settings

    def url(self, path: str, day: str | None = None) -> str:
        """Absolute URL for an API path; ``{date}`` in the base URL is the simulator's time travel."""
        base = self.base_url.replace("{date}", day) if day else self.base_url
        return base.rstrip("/") + "/" + path.lstrip("/")


class Settings(BaseSettings):
    """Platform-wide settings (``LW_*`` env vars)."""

    model_config = SettingsConfigDict(env_prefix="LW_", extra="ignore")

    store: str = Field(default="./data/lake", description="Object store URI: a path or s3://bucket/prefix.")
    warehouse: Path = Field(default=Path("./data/warehouse.duckdb"), description="DuckDB warehouse file.")
    outbox: Path = Field(default=Path("./data/outbox"), description="File alert channel directory.")
    watchlist: Path = Field(default=Path("./config/watchlist.csv"), description="Protected-persons CSV.")
    expectations: Path = Field(
        default=Path(__file__).resolve().parents[2] / "expectations",
        description="Versioned Great Expectations suites (one JSON file per layer and hub or table).",
    )
    report_dir: Path = Field(default=Path("./data/report"), description="Study report output directory.")
    duckdb_memory_limit: str = Field(
        default="512MB", description="DuckDB memory limit of warehouse builds (it spills to disk beyond it)."
    )
    sweep_every_days: int = Field(
        default=7, ge=1, description="Full sweep (takedown detection) when the day's ordinal is divisible."
    )
    gap_probe_budget: int = Field(default=300, ge=0, description="Max /models/:id probes per hub per day.")
    refresh_budget: int = Field(default=2000, ge=0, description="Max tracked models refreshed per day.")
    discovery_overlap: int = Field(
        default=1, ge=0, description="Extra pages read past the watermark (cursor paging skips items)."
    )
    alert_sensitivity: float = Field(
        default=1.0, gt=0, description="Spike sensitivity s: p < 10^(-3/s), excess ≥ 3/s, ratio ≥ 1+1/s."
    )
    alert_routes: str = Field(
        default="", description="Alert routing, e.g. 'slack=spike,watchlist_match@high; email=*@critical'."
    )
    slack_webhook_url: SecretStr | None = Field(default=None, description="Slack incoming-webhook URL.")
    webhook_url: str | None = Field(default=None, description="Generic webhook endpoint (signed JSON).")
    webhook_secret: SecretStr | None = Field(default=None, description="HMAC-SHA256 key of the webhook.")
    smtp_host: str | None = Field(default=None, description="SMTP relay for e-mail alerts.")
    smtp_port: int = Field(default=587, gt=0)
    smtp_tls: str = Field(default="starttls", description="starttls, ssl (port 465) or none (local relay).")
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = Field(default="likeness-watch@localhost", description="Sender of e-mail alerts.")
    smtp_to: str = Field(default="", description="Comma-separated recipients of e-mail alerts.")

    @field_validator("store")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/") or value

    def hub(self, hub: str, **overrides: object) -> HubSettings:
        """Settings for one registered hub: registry defaults < ``LW_<HUB>_*`` env < ``overrides``."""
        from likeness_watch.hubs.registry import get_hub

        spec = get_hub(hub)
        defaults: dict[str, object] = {
            "base_url": spec.base_url,
            "rps": spec.rps,
            "page_size": spec.page_size,
        }
        token = os.environ.get(spec.token_env)
        if token:
            defaults["token"] = token
        hub_settings = HubSettings(_env_prefix=f"LW_{hub.upper()}_", **defaults)
        given = {key: value for key, value in overrides.items() if value is not None}
        return hub_settings.model_validate({**hub_settings.model_dump(), **given}) if given else hub_settings
