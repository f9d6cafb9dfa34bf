"""Readers see committed partitions only: no manifest, no data."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from likeness_watch.raw.layout import RAW_ROOT, manifest_key, parse_manifest_key
from likeness_watch.raw.manifest import COMMITTED, Manifest
from likeness_watch.store import ObjectStore

MANIFEST_READERS = 10
"""Manifests read at once (botocore's connection pool size): on S3 each is a GET, and a year of
two hubs has 730 of them."""


def read_manifest(store: ObjectStore, hub: str, day: date) -> Manifest | None:
    key = manifest_key(hub, day)
    return Manifest.from_json(store.get_bytes(key)) if store.exists(key) else None


def _manifest_keys(store: ObjectStore, hub: str | None) -> list[tuple[date, str]]:
    """(day, key) of every manifest under the raw root (one listing, no reads)."""
    prefix = f"{RAW_ROOT}/hub={hub}/" if hub else f"{RAW_ROOT}/"
    return [(parsed[1], key) for key in store.list(prefix) if (parsed := parse_manifest_key(key))]


def committed_partitions(
    store: ObjectStore, hub: str | None = None, statuses: Iterable[str] = (COMMITTED,)
) -> list[Manifest]:
    """Manifests of visible partitions, oldest first (optionally one hub)."""
    wanted = set(statuses)
    keys = [key for _, key in _manifest_keys(store, hub)]
    with ThreadPoolExecutor(MANIFEST_READERS) as pool:
        manifests = pool.map(lambda key: Manifest.from_json(store.get_bytes(key)), keys)
        return sorted((m for m in manifests if m.status in wanted), key=lambda m: (m.dt, m.hub))


def latest_before(store: ObjectStore, hub: str, day: date) -> Manifest | None:
    """The newest committed partition of ``hub`` strictly before ``day`` (the crawl's baseline).

    Reads manifests newest first and stops at the first committed one: usually a single read.
    """
    for _, key in sorted((k for k in _manifest_keys(store, hub) if k[0] < day), reverse=True):
        manifest = Manifest.from_json(store.get_bytes(key))
        if manifest.status == COMMITTED:
            return manifest
    return None


def iter_envelopes(store: ObjectStore, keys: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Stream envelopes from data files, one file in memory at a time."""
    for key in keys:
        for line in gzip.decompress(store.get_bytes(key)).splitlines():
            if line.strip():
                yield json.loads(line)
