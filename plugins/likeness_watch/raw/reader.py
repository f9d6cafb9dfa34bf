"""Readers see committed partitions only: no manifest, no data."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from likeness_watch.raw.layout import RAW_ROOT, manifest_key, parse_manifest_key
from likeness_watch.raw.manifest import COMMITTED, Manifest
from likeness_watch.store import ObjectStore


def read_manifest(store: ObjectStore, hub: str, day: date) -> Manifest | None:
    key = manifest_key(hub, day)
    return Manifest.from_json(store.get_bytes(key)) if store.exists(key) else None


def committed_partitions(
    store: ObjectStore, hub: str | None = None, statuses: Iterable[str] = (COMMITTED,)
) -> list[Manifest]:
    """Manifests of visible partitions, oldest first (optionally one hub)."""
    wanted = set(statuses)
    prefix = f"{RAW_ROOT}/hub={hub}/" if hub else f"{RAW_ROOT}/"
    manifests = []
    for key in store.list(prefix):
        if parse_manifest_key(key):
            manifest = Manifest.from_json(store.get_bytes(key))
            if manifest.status in wanted:
                manifests.append(manifest)
    return sorted(manifests, key=lambda m: (m.dt, m.hub))


def latest_before(store: ObjectStore, hub: str, day: date) -> Manifest | None:
    """The newest committed partition of ``hub`` strictly before ``day`` (the crawl's baseline)."""
    earlier = [m for m in committed_partitions(store, hub) if m.dt < day.isoformat()]
    return earlier[-1] if earlier else None


def iter_envelopes(store: ObjectStore, keys: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Stream envelopes from data files, one file in memory at a time."""
    for key in keys:
        for line in gzip.decompress(store.get_bytes(key)).splitlines():
            if line.strip():
                yield json.loads(line)
