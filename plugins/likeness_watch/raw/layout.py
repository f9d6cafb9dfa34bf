"""Key names of the raw layout (a stable interface: dbt sources and external checks rely on it)."""

from __future__ import annotations

import re
from datetime import date

RAW_ROOT = "raw"
MANIFEST = "manifest.json"
CHECKPOINT = "_checkpoint.json"
_PARTITION_RE = re.compile(r"^raw/hub=(?P<hub>[a-z0-9_]+)/dt=(?P<dt>\d{4}-\d{2}-\d{2})/manifest\.json$")


def partition_prefix(hub: str, day: date) -> str:
    return f"{RAW_ROOT}/hub={hub}/dt={day.isoformat()}/"


def manifest_key(hub: str, day: date) -> str:
    return partition_prefix(hub, day) + MANIFEST


def checkpoint_key(hub: str, day: date) -> str:
    return partition_prefix(hub, day) + CHECKPOINT


def part_key(hub: str, day: date, run_id: str, seq: int) -> str:
    return partition_prefix(hub, day) + f"part-{run_id}-{seq:05d}.jsonl.gz"


def state_key(hub: str, day: date) -> str:
    """Crawler state (tracked models, probed gaps) as of the end of ``day``."""
    return f"state/hub={hub}/dt={day.isoformat()}/state.json.gz"


def crawl_lock_prefix(hub: str, day: date) -> str:
    """The crawl lock's generations of a partition (``likeness_watch.raw.lock``), outside ``raw/``:
    a commit deletes what its manifest does not name under the partition."""
    return f"locks/hub={hub}/dt={day.isoformat()}/"


def crawl_lock_key(hub: str, day: date, generation: int) -> str:
    return crawl_lock_prefix(hub, day) + f"crawl-{generation:06d}.json"


def parse_manifest_key(key: str) -> tuple[str, date] | None:
    match = _PARTITION_RE.match(key)
    if not match:
        return None
    return match["hub"], date.fromisoformat(match["dt"])
