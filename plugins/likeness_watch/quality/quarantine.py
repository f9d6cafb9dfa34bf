"""Quarantine and release raw partitions by rewriting their manifest (one atomic put).

Every reader lists only ``committed`` manifests, so a quarantined partition is invisible to the
build, the crawler's baseline and reports, while its files stay in place for inspection. A
corrected re-crawl commits a fresh manifest, which releases it; so does ``release_partition``
after a re-validation passes (e.g. once a suite learned a legitimate new enum value). A partition
quarantined because the gate itself failed (``gate_error``) was never judged: the next gate run
that passes releases it on its own.
"""

from __future__ import annotations

from likeness_watch.raw import Manifest
from likeness_watch.raw.integrity import set_status
from likeness_watch.raw.manifest import COMMITTED, QUARANTINED
from likeness_watch.raw.writer import utc_now
from likeness_watch.store import ObjectStore


def quarantine_partition(
    store: ObjectStore, validated: Manifest, failed: list[str], reason: str, *, gate_error: bool = False
) -> Manifest | None:
    """Mark the validated run quarantined; None when a newer crawl replaced it meanwhile.

    ``gate_error``: the gate itself failed (no verdict on the data), so the next passing gate run
    releases the partition without ``--release`` (see ``is_gate_error``).
    """
    details: dict[str, object] = {"reason": reason, "failed": failed, "at": utc_now()}
    if gate_error:
        details["gate_error"] = True
    return set_status(store, validated, QUARANTINED, details)


def is_gate_error(manifest: Manifest) -> bool:
    """Quarantined because the gate crashed, not because the data failed an expectation."""
    return manifest.status == QUARANTINED and bool((manifest.quarantine or {}).get("gate_error"))


def release_partition(store: ObjectStore, validated: Manifest) -> Manifest | None:
    """Make the validated run visible (a landed one for the first time); None when a newer crawl
    replaced it meanwhile."""
    return set_status(store, validated, COMMITTED, None)
