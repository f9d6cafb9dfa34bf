"""Crawler state carried from day to day: which models we track and which ids are known gaps.

Stored per day (``state/hub=<hub>/dt=<day>/state.json.gz``) so re-running any date starts from
the state of the partition before it: reruns are deterministic and never see the future.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from datetime import date

from likeness_watch.raw.layout import state_key
from likeness_watch.store import ObjectStore


@dataclass
class CrawlState:
    tracked: dict[str, str] = field(default_factory=dict)
    """model_id → ISO day it was last fetched successfully."""
    missing: set[str] = field(default_factory=set)
    """Ids that answered 404 when probed as gaps (never published, or removed before we saw them)."""
    removed: dict[str, str] = field(default_factory=dict)
    """model_id → ISO day a tracked model answered 404."""

    @classmethod
    def load(cls, store: ObjectStore, hub: str, day: date | None) -> CrawlState:
        if day is None or not store.exists(state_key(hub, day)):
            return cls()
        raw = json.loads(gzip.decompress(store.get_bytes(state_key(hub, day))))
        return cls(tracked=raw["tracked"], missing=set(raw["missing"]), removed=raw["removed"])

    def save(self, store: ObjectStore, hub: str, day: date) -> None:
        payload = {"tracked": self.tracked, "missing": sorted(self.missing), "removed": self.removed}
        store.put_bytes(
            state_key(hub, day), gzip.compress(json.dumps(payload, sort_keys=True).encode(), mtime=0)
        )
