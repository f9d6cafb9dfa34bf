"""One typed settings object for the whole platform.

Every knob is read here (env vars, overridable by CLI flags / DAG code through keyword arguments),
so no other module reads ``os.environ`` directly. Secrets are ``SecretStr``: they never appear in
reprs or logs. An invalid value is a ``SettingsError``: one line naming each variable, its value
and what pydantic says is allowed, instead of a 40-line validation traceback.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    EmailStr,
    Field,
    HttpUrl,
    SecretStr,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from likeness_watch import __version__

USER_AGENT = (
    f"likeness-watch/{__version__} (+https://github.com/likeness-watch/likeness-watch; "
    "metadata-only research crawler for trust & safety)"
)


class SettingsError(ValueError):
    """Invalid ``LW_*`` settings; the message is one line (every CLI command prints it as is)."""


def _comma_separated(value: object) -> object:
    """``"a@x.org, b@y.org"`` as a list (env vars hold one string); other values pass through."""
    return [item.strip() for item in value.split(",") if item.strip()] if isinstance(value, str) else value


def _not_a_file(path: Path) -> Path:
    """A directory the code creates on demand: it may not exist yet, but it must not be a file."""
    if path.exists() and not path.is_dir():
        raise ValueError("should be a directory (or not exist yet), not a file")
    return path


def _not_a_directory(path: Path) -> Path:
    """A file the code creates on demand: it may not exist yet, but it must not be a directory."""
    if path.is_dir():
        raise ValueError("should be a file (or not exist yet), not a directory")
    return path


Directory = Annotated[Path, AfterValidator(_not_a_file)]
DatabaseFile = Annotated[Path, AfterValidator(_not_a_directory)]
Recipients = Annotated[list[EmailStr], NoDecode, BeforeValidator(_comma_separated)]
"""E-mail addresses, comma-separated in env vars and connection extras."""


def _site_root(url: HttpUrl) -> str:
    """A base to append paths to: no query or fragment (they would end up inside every link)."""
    if url.query or url.fragment:
        raise ValueError("should be a plain http(s) URL without query or fragment")
    return str(url).rstrip("/")


PublicBaseUrl = Annotated[HttpUrl, AfterValidator(_site_root)]
WebhookUrl = Annotated[HttpUrl, AfterValidator(str)]
"""An http(s) URL (pydantic's check), kept as the string channels post to."""


def _secret_url(url: SecretStr) -> SecretStr:
    """A URL that is a secret (a Slack webhook): checked as ``HttpUrl``, never echoed."""
    try:
        TypeAdapter(HttpUrl).validate_python(url.get_secret_value())
    except ValidationError:
        raise ValueError("should be an http(s) URL, e.g. https://hooks.slack.com/services/...") from None
    return url


def _one_token(token: SecretStr) -> SecretStr:
    """A token goes into a header: a space or line break would break it, and the error that
    follows would quote the header, token and all."""
    if not _VISIBLE_WORD.fullmatch(token.get_secret_value()):
        raise ValueError("should be one word of visible ASCII characters (no spaces or line breaks)")
    return token


def _mail_address(value: str) -> str:
    """An e-mail address as SMTP's ``From`` takes it (``localhost`` domains too, which EmailStr
    refuses): one ``@`` and nothing a header could be split or spoofed with."""
    if not _MAIL_ADDRESS.fullmatch(value):
        raise ValueError("should be an e-mail address such as likeness-watch@example.org")
    return value


_VISIBLE_WORD = re.compile(r"[!-~]+")
_MAIL_ADDRESS = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+")
SecretUrl = Annotated[SecretStr, AfterValidator(_secret_url)]
Token = Annotated[SecretStr, AfterValidator(_one_token)]


class _OneLineErrors(BaseSettings):
    """Raises ``SettingsError`` named by env var instead of pydantic's multi-line ``ValidationError``."""

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            prefix = str(values.get("_env_prefix") or self.model_config.get("env_prefix") or "")
            raise SettingsError(describe(exc, prefix, _secret_fields(type(self)))) from None


def _secret_fields(model: type[BaseSettings]) -> frozenset[str]:
    return frozenset(name for name, info in model.model_fields.items() if "SecretStr" in str(info.annotation))


def describe(exc: ValidationError, prefix: str = "LW_", secrets: frozenset[str] = frozenset()) -> str:
    """One line for all of a validation's errors: ``LW_X='value': what pydantic allows``.

    Values of secret fields are never shown.
    """
    problems = []
    for error in exc.errors(include_url=False):
        first = error["loc"][0] if error["loc"] else ""
        field = first if isinstance(first, str) else ""  # not a list item's index
        shown = "***" if field in secrets else repr(error["input"])[:80]
        problems.append(f"{prefix}{field.upper()}={shown}: {error['msg']}")
    return "invalid setting: " + "; ".join(problems)


class HubSettings(_OneLineErrors):
    """Per-hub knobs: registry defaults, overridden by ``LW_<HUB>_*`` env vars.

    Built by ``likeness_watch.hubs.registry.hub_settings`` (the registry holds the defaults; this
    module imports nothing of the package but its version, so every module can depend on it). The
    registry passes its defaults as init kwargs, so env vars are given priority over init kwargs
    here; CLI flags are applied afterwards.
    """

    model_config = SettingsConfigDict(extra="ignore", allow_inf_nan=False)

    base_url: str
    rps: float = Field(gt=0, description="Requests per second (token-bucket rate limit).")
    page_size: int = Field(gt=0, le=1000)
    timeout_s: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=6, ge=0)
    token: Token | None = None

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


class Settings(_OneLineErrors):
    """Platform-wide settings (``LW_*`` env vars)."""

    model_config = SettingsConfigDict(env_prefix="LW_", extra="ignore", allow_inf_nan=False)

    store: str = Field(
        default="./data/lake", min_length=1, description="Object store URI: a path or s3://bucket/prefix."
    )
    warehouse: Path = Field(default=Path("./data/warehouse.duckdb"), description="DuckDB warehouse file.")
    state: DatabaseFile = Field(
        default=Path("./data/state.duckdb"),
        description="Operational state store (DuckDB): alert history, deliveries, gate results.",
    )
    outbox: Directory = Field(default=Path("./data/outbox"), description="File alert channel directory.")
    watchlist: Path = Field(default=Path("./config/watchlist.csv"), description="Protected-persons CSV.")
    expectations: Path = Field(
        default=Path(__file__).resolve().parents[2] / "expectations",
        description="Versioned Great Expectations suites (one JSON file per layer and hub or table).",
    )
    report_dir: Directory = Field(default=Path("./data/report"), description="Study report output directory.")
    evidence_dir: Directory = Field(
        default=Path("./data/evidence"),
        description="Evidence packs, one folder per pack; served as <LW_PUBLIC_BASE_URL>/evidence/.",
    )
    public_base_url: PublicBaseUrl | None = Field(
        default=None,
        description="Public http(s) URL of the site serving LW_EVIDENCE_DIR under /evidence/: when set, "
        "alerts link to their evidence pack and the alert run writes it.",
    )
    duckdb_memory_limit: str = Field(
        default="512MB",
        pattern=r"(?i)^\d+(\.\d+)?\s*([KMGT]i?B|B)$",
        description="DuckDB memory limit of builds, e.g. 512MB or 2GiB (it spills to disk beyond it).",
    )
    sweep_every_days: int = Field(
        default=7, ge=1, description="Full sweep (takedown detection) when the day's ordinal is divisible."
    )
    crawl_schedule: Literal["priority", "legacy"] = Field(
        default="priority",
        description="What a crawl day spends its requests on (docs/crawl-schedule.md): priority, or legacy.",
    )
    crawl_utilisation: float = Field(
        default=0.8,
        gt=0,
        le=1,
        description="Share of a hub's rate limit a crawl day may use: budget = rps x 86,400 x this.",
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
    takedown_deadline_hours: int = Field(
        default=48,
        gt=0,
        le=24 * 365,
        description="Hours a hub has to take a reported model down before takedown_overdue alerts it.",
    )
    slack_webhook_url: SecretUrl | None = Field(default=None, description="Slack incoming-webhook URL.")
    webhook_url: WebhookUrl | None = Field(default=None, description="Generic webhook (signed JSON).")
    webhook_secret: SecretStr | None = Field(default=None, description="HMAC-SHA256 key of the webhook.")
    smtp_host: str | None = Field(default=None, description="SMTP relay for e-mail alerts.")
    smtp_port: int = Field(default=587, gt=0, le=65535)
    smtp_tls: Literal["starttls", "ssl", "none"] = Field(
        default="starttls", description="starttls, ssl (port 465) or none (local relay)."
    )
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: Annotated[str, AfterValidator(_mail_address)] = Field(
        default="likeness-watch@localhost", description="Sender of e-mail alerts."
    )
    smtp_to: Recipients = Field(
        default_factory=list, description="Comma-separated recipients of e-mail alerts."
    )

    @field_validator("store")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        """``./data/lake/`` is ``./data/lake``; a scheme keeps its ``//`` (``s3://`` stayed a
        local folder named ``s3:``)."""
        scheme, separator, rest = value.rpartition("://")
        return f"{scheme}{separator}{rest.rstrip('/')}" if separator else value.rstrip("/") or value

    @field_validator("state")
    @classmethod
    def _apart_from_the_warehouse(cls, value: Path, info: ValidationInfo) -> Path:
        """Publishing replaces the warehouse file: state kept in it would be lost."""
        warehouse = info.data.get("warehouse")
        if warehouse is not None and value.resolve() == Path(warehouse).resolve():
            raise ValueError("should be a file of its own, not the warehouse (LW_WAREHOUSE)")
        return value
