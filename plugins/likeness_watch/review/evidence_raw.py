"""The raw records of a model as crawled, each with where it is stored and a SHA-256 a notice can cite.

Only committed partitions are read (a landed, quarantined or unreadable manifest is no data), and
every data file is verified against the sha256 its manifest recorded before a line of it is used,
as the build does. The record's hash is over its line exactly as stored: see ``RECORD_SHA256``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from likeness_watch.hubs.registry import hub_names
from likeness_watch.raw.layout import partition_prefix
from likeness_watch.raw.manifest import COMMITTED, ManifestError
from likeness_watch.raw.reader import ChecksumError, find_partition_lines, read_manifest
from likeness_watch.store import ObjectStore

RECORD_SHA256 = (
    "sha256 is the SHA-256 (hex) of the record's line in its data file exactly as stored: the UTF-8 "
    "bytes of the envelope's canonical JSON (keys sorted, ', ' and ': ' separators, non-ASCII "
    "characters unescaped), without the line's terminating newline, after decompressing the gzip "
    "file. file_sha256 is the manifest's SHA-256 of the compressed file itself; line counts from 1. "
    "Recompute it with: zcat <file> | sed -n '<line>p' | tr -d '\\n' | sha256sum"
)
"""The definition every pack carries (JSON and HTML), so a notice can cite a record by its hash."""

ModelKey = tuple[str, str]
PARTITION_READERS = 2
"""Partitions read at once: decompressing is most of a pack's time (about 1.2 s of CPU for a
full-sweep Civitai partition: 17,800 records, 48 MB gzip, 290 MB of JSON) and zlib runs outside
the GIL; each reader holds one decompressed data file (up to about 75 MB) at a time."""


def _needle(model_id: str) -> bytes:
    """How the model's id appears in its envelope line (the writer's ``json.dumps`` form): what the
    partition search looks for, before a matching line is parsed."""
    return b'"model_id": ' + json.dumps(model_id, ensure_ascii=False).encode()


def raw_records(
    store: ObjectStore, days: Mapping[ModelKey, Iterable[str]], runs: Mapping[tuple[ModelKey, str], str]
) -> tuple[dict[ModelKey, list[dict[str, Any]]], dict[ModelKey, list[str]]]:
    """The envelopes of each model (hub, model_id) on its ``days`` (ISO days the warehouse observed
    it), read partition by partition (each once, whatever the number of models), and a note per
    model for each day whose records could not be shown. ``runs``: the crawl run the warehouse
    loaded for a (model, day), so a re-crawl since the build is said."""
    wanted: dict[tuple[str, str], set[str]] = {}
    for (hub, model_id), model_days in days.items():
        for day in model_days:
            wanted.setdefault((hub, day), set()).add(model_id)
    records: dict[ModelKey, list[dict[str, Any]]] = {model: [] for model in days}
    notes: dict[ModelKey, list[str]] = {model: [] for model in days}
    partitions = sorted(wanted, key=lambda partition: (partition[1], partition[0]))
    with ThreadPoolExecutor(PARTITION_READERS) as pool:
        results = pool.map(
            lambda partition: _partition_records(store, *partition, wanted[partition]), partitions
        )
        read = list(zip(partitions, results, strict=True))
    for (hub, day), (found, problem) in read:
        for model_id in sorted(wanted[(hub, day)]):
            key = (hub, model_id)
            if problem:
                notes[key].append(problem)
                continue
            if not found.get(model_id):
                notes[key].append(
                    f"{partition_prefix(hub, date.fromisoformat(day))}: no record of this model"
                )
            for record in found.get(model_id, []):
                loaded = runs.get((key, day))
                if loaded and loaded != record["run_id"]:
                    notes[key].append(
                        f"{record['partition']}: re-crawled since the warehouse was built (run "
                        f"{record['run_id']}, the warehouse holds {loaded}); the committed record is shown"
                    )
                records[key].append(record)
    return records, notes


def _partition_records(
    store: ObjectStore, hub: str, day: str, model_ids: set[str]
) -> tuple[dict[str, list[dict[str, Any]]], str | None]:
    """The models' records in one partition, or why the partition cannot be shown."""
    if hub not in hub_names():
        return {}, f"hub {hub} is not in the hub registry: no raw partition read"
    prefix = partition_prefix(hub, date.fromisoformat(day))
    try:
        manifest = read_manifest(store, hub, date.fromisoformat(day))
    except ManifestError as exc:
        return {}, f"{prefix}: unreadable manifest ({exc}); records not shown"
    if manifest is None:
        return {}, f"{prefix}: no manifest in the store; records not shown"
    if manifest.status != COMMITTED:
        return {}, f"{prefix}: partition {manifest.status}, not committed; records not shown"
    found: dict[str, list[dict[str, Any]]] = {}
    try:
        for file, number, line in find_partition_lines(store, manifest, [_needle(m) for m in model_ids]):
            envelope = json.loads(line)
            if envelope.get("model_id") not in model_ids:  # the id inside another string
                continue
            found.setdefault(envelope["model_id"], []).append(
                {
                    "partition": prefix,
                    "day": day,
                    "run_id": manifest.run_id,
                    "file": file.key,
                    "file_sha256": file.sha256,
                    "line": number,
                    "sha256": hashlib.sha256(line).hexdigest(),
                    "fetched_at": envelope.get("fetched_at"),
                    "via": envelope.get("via"),
                    "http_status": envelope.get("http_status"),
                    "text": line.decode("utf-8"),
                }
            )
    except ChecksumError as exc:
        return {}, f"{prefix}: {exc}; the partition's records are not shown"
    return found, None


def file_hashes(records: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Every hash the hub sent for each file of the model's newest record, by file id: Civitai's
    ``files[].hashes`` (SHA256, AutoV1-3, CRC32, BLAKE3, by file ``id``) and Hugging Face's
    ``siblings[].lfs.sha256`` (by ``rfilename``), the ids ``int_model_files.file_id`` uses."""
    for record in reversed(records):
        found: dict[str, dict[str, str]] = {}
        _walk(json.loads(record["text"]).get("record"), found)
        if found:
            return found
    return {}


def _walk(node: Any, found: dict[str, dict[str, str]]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, found)
    elif isinstance(node, dict):
        hashes, lfs = node.get("hashes"), node.get("lfs")
        if isinstance(hashes, dict) and node.get("id") is not None:
            found[str(node["id"])] = {str(kind): str(value) for kind, value in hashes.items()}
        elif isinstance(lfs, dict) and lfs.get("sha256") and node.get("rfilename"):
            found[str(node["rfilename"])] = {"SHA256": str(lfs["sha256"])}
        for value in node.values():
            _walk(value, found)
