"""What an alert is: the one record every detector produces and every channel renders.

The alert id is derived from what the alert is *about* (kind, hub, day, subject), never from
when it was computed, so a rerun or a backfill recomputes the same id and the history table
recognises it: that is what makes delivery exactly-once in effect.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

SPIKE = "spike"
TARGET_CLUSTER = "target_cluster"
WATCHLIST_MATCH = "watchlist_match"
TAKEDOWN_EVASION = "takedown_evasion"
DATA_MISSING = "data_missing"
SCHEMA_DRIFT = "schema_drift"
CHANNEL_FAILED = "channel_failed"
TAKEDOWN_OVERDUE = "takedown_overdue"
KINDS = (
    SPIKE,
    TARGET_CLUSTER,
    WATCHLIST_MATCH,
    TAKEDOWN_EVASION,
    TAKEDOWN_OVERDUE,
    DATA_MISSING,
    SCHEMA_DRIFT,
    CHANNEL_FAILED,
)

SEVERITIES = ("low", "medium", "high", "critical")
"""Ordered: routing rules such as ``@high`` mean "this severity or above"."""

ALL_HUBS = "all"
"""Hub value of alerts about all hubs together: the overall spike, and every target cluster (a
person is targeted across hubs; which hubs the data shows so far must not change the id)."""


def severity_rank(severity: str) -> int:
    """Position in ``SEVERITIES``; raises ValueError for an unknown severity."""
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class ModelRef:
    """A model as T&S needs to see it in an alert: enough to open it and judge it, metadata only."""

    hub: str
    model_id: str
    name: str
    url: str | None
    target: str | None = None
    nsfw_intent: bool | None = None


@dataclass(frozen=True)
class Alert:
    """One thing T&S should hear about once.

    ``subject`` distinguishes alerts of the same kind/hub/day (a target, a watchlist person);
    ``title`` and ``details`` may contain hub-provided strings: channels must escape them.
    """

    kind: str
    hub: str
    day: date
    severity: str
    title: str
    observed: float
    expected: float | None = None
    p_value: float | None = None
    subject: str = ""
    top_models: tuple[ModelRef, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)
    evidence_url: str | None = None
    """Link to the alert's evidence pack: set when it is sent with ``LW_PUBLIC_BASE_URL``
    configured (``likeness_watch.review.evidence``), never part of the id or the recorded payload."""

    @property
    def alert_id(self) -> str:
        """Stable, filename-safe id: ``<yyyymmdd>-<kind>-<hub>-<12 hex>``."""
        digest = hashlib.sha256(f"{self.kind}|{self.hub}|{self.day}|{self.subject}".encode()).hexdigest()
        return f"{self.day:%Y%m%d}-{self.kind.replace('_', '-')}-{self.hub}-{digest[:12]}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (outbox files, webhook bodies, the history table's payload)."""
        out = asdict(self)
        if self.evidence_url is None:
            del out["evidence_url"]
        out["alert_id"] = self.alert_id
        out["day"] = self.day.isoformat()
        out["top_models"] = [asdict(model) for model in self.top_models]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Alert:
        """Inverse of ``to_dict`` (reads payloads back from the history table)."""
        fields = {key: value for key, value in data.items() if key in cls.__dataclass_fields__}
        fields["day"] = date.fromisoformat(data["day"])
        fields["top_models"] = tuple(ModelRef(**model) for model in data.get("top_models", ()))
        return cls(**fields)
