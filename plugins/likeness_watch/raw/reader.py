"""Readers see committed partitions only: no manifest, no data; a landed (ungated), quarantined or
corrupt manifest is no data either. Data files are checked against the manifest's sha256 where
they are read for the gate and before the build loads them."""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from collections.abc import Collection, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from likeness_watch.raw.layout import RAW_ROOT, manifest_key, parse_manifest_key
from likeness_watch.raw.manifest import COMMITTED, DataFile, Manifest, ManifestError
from likeness_watch.store import ObjectStore

log = logging.getLogger(__name__)

MANIFEST_READERS = 10
"""Manifests read at once (botocore's connection pool size): on S3 each is a GET, and a year of
two hubs has 730 of them."""


class ChecksumError(ValueError):
    """A data file's bytes do not match the sha256 its manifest recorded."""


def _parse(store: ObjectStore, key: str) -> Manifest:
    try:
        return Manifest.from_json(store.get_bytes(key))
    except ManifestError as exc:
        raise ManifestError(f"{key}: {exc}") from exc


def read_manifest(store: ObjectStore, hub: str, day: date) -> Manifest | None:
    """The partition's manifest, None without one; ``ManifestError`` naming the key when corrupt."""
    key = manifest_key(hub, day)
    return _parse(store, key) if store.exists(key) else None


def _readable(store: ObjectStore, key: str) -> Manifest | None:
    """A listed manifest, or None (one warning line) when corrupt: its partition is not committed,
    and one bad object must not block the hub's other days."""
    try:
        return _parse(store, key)
    except ManifestError as exc:
        log.warning("%s: partition skipped (re-crawl the day to replace it)", exc)
        return None


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
        manifests = pool.map(lambda key: _readable(store, key), keys)
        return sorted((m for m in manifests if m and m.status in wanted), key=lambda m: (m.dt, m.hub))


def latest_before(store: ObjectStore, hub: str, day: date) -> Manifest | None:
    """The newest committed partition of ``hub`` strictly before ``day`` (the crawl's baseline).

    Reads manifests newest first and stops at the first committed one: usually a single read.
    """
    for _, key in sorted((k for k in _manifest_keys(store, hub) if k[0] < day), reverse=True):
        manifest = _readable(store, key)
        if manifest is not None and manifest.status == COMMITTED:
            return manifest
    return None


def _decode(data: bytes) -> Iterator[dict[str, Any]]:
    for line in gzip.decompress(data).splitlines():
        if line.strip():
            yield json.loads(line)


def iter_envelopes(store: ObjectStore, keys: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Stream envelopes from data files, one file in memory at a time."""
    for key in keys:
        yield from _decode(store.get_bytes(key))


def verified_bytes(store: ObjectStore, file: DataFile) -> bytes:
    """A data file's bytes; ``ChecksumError`` naming the file when they are not what was committed."""
    data = store.get_bytes(file.key)
    actual = hashlib.sha256(data).hexdigest()
    if actual != file.sha256:
        raise ChecksumError(
            f"{file.key}: sha256 {actual[:12]}... does not match the manifest's {file.sha256[:12]}..."
        )
    return data


def iter_partition(store: ObjectStore, manifest: Manifest) -> Iterator[dict[str, Any]]:
    """Envelopes of a partition's files, each file verified against its sha256 before it is decoded."""
    for file in manifest.files:
        yield from _decode(verified_bytes(store, file))


def find_partition_lines(
    store: ObjectStore, manifest: Manifest, needles: Collection[bytes]
) -> Iterator[tuple[DataFile, int, bytes]]:
    """The envelope lines of a partition that contain any of ``needles``, exactly as stored (UTF-8
    bytes, without the newline), with their file and 1-based line number in the decompressed file;
    each file verified against its sha256 before it is read (``ChecksumError``). What evidence packs
    cite and hash. The search runs over each decompressed file as a whole, not line by line: a
    full-sweep Civitai partition is about 290 MB of JSON."""
    for file in manifest.files:
        data = gzip.decompress(verified_bytes(store, file))
        starts: set[int] = set()
        for needle in needles:
            found = data.find(needle)
            while found != -1:
                starts.add(data.rfind(b"\n", 0, found) + 1)
                found = data.find(needle, found + len(needle))
        for start in sorted(starts):
            end = data.find(b"\n", start)
            yield file, data.count(b"\n", 0, start) + 1, data[start : len(data) if end == -1 else end]


def checksum_mismatch(store: ObjectStore, manifest: Manifest) -> str | None:
    """The first file of the partition whose bytes changed since commit (None: all intact)."""
    try:
        for file in manifest.files:
            verified_bytes(store, file)
    except ChecksumError as exc:
        return str(exc)
    return None
