"""Crawler state carried from day to day: which models we track, which the hub hides from its
listing, which were first seen lately, and which ids are known gaps.

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
    hidden: set[str] = field(default_factory=set)
    """Tracked models served by id but not listed (Civitai ``poi``/``minor``): a batch skips them."""
    recent: dict[str, str] = field(default_factory=dict)
    """model_id → ISO day first seen, for models first seen within the sweep cycle."""

    @classmethod
    def load(cls, store: ObjectStore, hub: str, day: date | None) -> CrawlState:
        if day is None or not store.exists(state_key(hub, day)):
            return cls()
        raw = json.loads(gzip.decompress(store.get_bytes(state_key(hub, day))))
        return cls(
            tracked=raw["tracked"],
            missing=set(raw["missing"]),
            removed=raw["removed"],
            hidden=set(raw.get("hidden", [])),  # states written before these existed lack them
            recent=raw.get("recent", {}),
        )

    def save(self, store: ObjectStore, hub: str, day: date) -> None:
        payload = {
            "tracked": self.tracked,
            "missing": sorted(self.missing),
            "removed": self.removed,
            "hidden": sorted(self.hidden),
            "recent": self.recent,
        }
        store.put_bytes(
            state_key(hub, day), gzip.compress(json.dumps(payload, sort_keys=True).encode(), mtime=0)
        )
