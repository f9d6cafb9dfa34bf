"""The manifest: the commit record of a raw partition, written last."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

LANDED = "landed"
"""Written by the crawl, not gated yet: invisible to every reader (they select ``committed``)."""
COMMITTED = "committed"
QUARANTINED = "quarantined"


class ManifestError(ValueError):
    """A ``manifest.json`` that does not parse as a manifest: its partition is not committed."""


@dataclass
class DataFile:
    key: str
    sha256: str
    records: int
    bytes: int


@dataclass
class Manifest:
    hub: str
    dt: str
    status: str
    record_count: int
    files: list[DataFile]
    pages_fetched: int
    requests: int
    started_at: str
    finished_at: str
    crawler_version: str
    run_id: str
    mode: str
    watermark: dict[str, Any] = field(default_factory=dict)
    via_counts: dict[str, int] = field(default_factory=dict)
    phases: dict[str, dict[str, int]] = field(default_factory=dict)
    anomalies: dict[str, int] = field(default_factory=dict)
    unread: dict[str, list[str]] = field(default_factory=dict)
    """Models the crawl meant to read and could not, by reason (a per-model call that failed after
    its retries): a loss is named here, never silent. Each is also counted in ``anomalies``."""
    plan: dict[str, Any] = field(default_factory=dict)
    """The crawl's request budget and the requests it sent, by kind (listing, batch, detail, card)."""
    quarantine: dict[str, Any] | None = None

    @property
    def new_models(self) -> int:
        """Models first seen in this partition (summed over crawl phases)."""
        return sum(stats.get("new", 0) for stats in self.phases.values())

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        """Parse a manifest; ``ManifestError`` (one line) when it is not one (truncated, hand-edited)."""
        try:
            raw = json.loads(data)
            raw["files"] = [DataFile(**item) for item in raw["files"]]
            known = cls.__dataclass_fields__
            return cls(**{key: value for key, value in raw.items() if key in known})
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ManifestError(f"not a manifest ({type(exc).__name__}: {detail})") from exc
