"""Status changes of a partition's manifest, and the check that data files are still what was
committed (a disk fault, a hand edit or a bad copy must not load silently)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from likeness_watch.raw.layout import manifest_key
from likeness_watch.raw.manifest import COMMITTED, QUARANTINED, Manifest
from likeness_watch.raw.reader import checksum_mismatch, committed_partitions, read_manifest
from likeness_watch.store import ObjectStore

CHANGED_FILES = "partition_files_match_checksums"


def set_status(
    store: ObjectStore, validated: Manifest, status: str, quarantine: dict[str, Any] | None
) -> Manifest | None:
    """Rewrite the manifest of the run that was judged (one atomic put); None when a newer crawl
    replaced it meanwhile (its own verdict is still to come)."""
    day = date.fromisoformat(validated.dt)
    current = read_manifest(store, validated.hub, day)
    if current is None or current.run_id != validated.run_id:
        return None
    changed = replace(current, status=status, quarantine=quarantine)
    store.put_bytes(manifest_key(current.hub, day), changed.to_json())
    return changed


def quarantine_changed(store: ObjectStore, loaded: set[tuple[str, str, str]], at: str) -> list[str]:
    """Before a build: quarantine committed partitions whose files changed since commit, so the
    build skips them and the others build. Returns one line for each.

    Only partitions the build will read are hashed: those whose run is not in ``loaded`` (the
    warehouse's ``(hub, dt, run_id)``; empty for a first or full build). A file that changes after
    its partition was loaded cannot reach the warehouse until a full build, which checks it.
    """
    lines = []
    for manifest in committed_partitions(store, statuses=(COMMITTED,)):
        if (manifest.hub, manifest.dt, manifest.run_id) in loaded:
            continue
        if (problem := checksum_mismatch(store, manifest)) is None:
            continue
        details = {"reason": f"checksum mismatch: {problem}", "failed": [CHANGED_FILES], "at": at}
        if set_status(store, manifest, QUARANTINED, details):
            lines.append(f"partition {manifest.hub} {manifest.dt} quarantined, not built: {problem}")
    return lines
