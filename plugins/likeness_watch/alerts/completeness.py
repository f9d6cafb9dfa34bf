"""Which (hub, day) partitions alerts may trust.

A spike computed from a partition the quality gate quarantined, or from a day the crawler never
committed, would be an alert about our pipeline, not about the hub. Such days are neither scored
nor used in baselines; they raise a ``data_missing`` operational alert instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from likeness_watch.raw import Manifest, committed_partitions
from likeness_watch.raw.manifest import COMMITTED, QUARANTINED
from likeness_watch.store import ObjectStore

MISSING = "missing"
NOT_STARTED = "not_started"


@dataclass(frozen=True)
class Completeness:
    """Partition status per (hub, day), and the first day each hub was crawled."""

    statuses: dict[tuple[str, date], str] = field(default_factory=dict)
    reasons: dict[tuple[str, date], str] = field(default_factory=dict)
    starts: dict[str, date] = field(default_factory=dict)

    @property
    def hubs(self) -> list[str]:
        return sorted(self.starts)

    def status(self, hub: str, day: date) -> str:
        """``committed``, ``quarantined``, ``missing``, or ``not_started`` (before the hub's first crawl)."""
        start = self.starts.get(hub)
        if start is None or day < start:
            return NOT_STARTED
        return self.statuses.get((hub, day), MISSING)

    def complete(self, hub: str, day: date) -> bool:
        return self.status(hub, day) == COMMITTED

    def with_hubs(self, hub_first_days: dict[str, date]) -> Completeness:
        """Also expect hubs seen only in the marts (from their first mart day): a warehouse whose
        hub has no manifests at all means LW_STORE and the warehouse disagree, which T&S ops must hear."""
        starts = dict(self.starts)
        for hub, first in hub_first_days.items():
            starts[hub] = min(first, starts.get(hub, first))
        return Completeness(self.statuses, self.reasons, starts)


def from_manifests(manifests: Iterable[Manifest]) -> Completeness:
    """Build the status map from committed and quarantined manifests."""
    statuses: dict[tuple[str, date], str] = {}
    reasons: dict[tuple[str, date], str] = {}
    starts: dict[str, date] = {}
    for manifest in manifests:
        day = date.fromisoformat(manifest.dt)
        statuses[(manifest.hub, day)] = manifest.status
        if manifest.status == QUARANTINED and manifest.quarantine:
            reasons[(manifest.hub, day)] = str(manifest.quarantine.get("reason", ""))
        starts[manifest.hub] = min(day, starts.get(manifest.hub, day))
    return Completeness(statuses, reasons, starts)


def read_completeness(store: ObjectStore) -> Completeness:
    """Adapter: every manifest in the store (committed and quarantined)."""
    return from_manifests(committed_partitions(store, statuses=(COMMITTED, QUARANTINED)))
