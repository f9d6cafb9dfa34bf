"""The raw gate: one hub's partition for one day, validated right after the crawl commits it.

A failure quarantines the partition before anything else (so the build never reads it, even if
storing the results fails), then raises ``QualityGateError`` naming the failing expectations.
Other hubs are validated separately, so their data keeps flowing.
"""

from __future__ import annotations

import gzip
import json
import zlib
from datetime import date

from likeness_watch.quality.frames import raw_frame
from likeness_watch.quality.gate import GateRun, precondition_failure, record, run_gate
from likeness_watch.quality.gx_runner import Batch
from likeness_watch.quality.quarantine import quarantine_partition, release_partition
from likeness_watch.quality.suites import raw_suite
from likeness_watch.quality.summary import QualityGateError, ValidationSummary
from likeness_watch.raw import Manifest, iter_envelopes, read_manifest
from likeness_watch.raw.manifest import QUARANTINED
from likeness_watch.settings import Settings
from likeness_watch.store import ObjectStore

UNDECODABLE = (EOFError, gzip.BadGzipFile, zlib.error, json.JSONDecodeError, UnicodeDecodeError)


def _validate(settings: Settings, store: ObjectStore, manifest: Manifest, day: date) -> GateRun:
    spec = raw_suite(settings.expectations, manifest.hub)
    target = f"{manifest.hub} {day}"
    try:
        frame = raw_frame(iter_envelopes(store, [f.key for f in manifest.files]), spec)
    except UNDECODABLE as exc:
        failure = precondition_failure(spec.name, "partition_files_decode", str(exc), manifest.hub, day)
        return run_gate("raw", target, [spec], [], [failure])
    batch = Batch(
        spec=spec,
        asset=f"{manifest.hub}-{day}",
        frame=frame,
        parameters={"manifest_record_count": manifest.record_count},
        hub=manifest.hub,
        day=day,
    )
    return run_gate("raw", target, [spec], [batch])


def validate_raw(
    settings: Settings, store: ObjectStore, hub: str, day: date, release: bool = False
) -> ValidationSummary:
    """Validate ``raw/hub=<hub>/dt=<day>/``; quarantine it and raise ``QualityGateError`` on failure.

    A quarantined partition is validated too (e.g. after a suite change); ``release`` then makes
    it visible again if it passes.
    """
    manifest = read_manifest(store, hub, day)
    if manifest is None:
        raise QualityGateError(f"no raw partition for {hub} {day} in {store.uri}: crawl it first")
    run = _validate(settings, store, manifest, day)
    summary = run.summary
    if not summary.success:
        failed = sorted({outcome.expectation for outcome in summary.failures})
        reason = f"raw gate run {summary.run_id}: {len(summary.failures)} blocking expectation(s) failed"
        if quarantine_partition(store, manifest, failed, reason):
            summary.notes.append(
                f"Partition {hub} {day} quarantined: readers skip it until a re-crawl passes."
            )
        else:
            summary.notes.append(f"Partition {hub} {day} was re-crawled during validation: not quarantined.")
    elif manifest.status == QUARANTINED and release:
        if release_partition(store, manifest):
            summary.notes.append(f"Partition {hub} {day} released from quarantine.")
    elif manifest.status == QUARANTINED:
        summary.notes.append(f"Partition {hub} {day} passes now but stays quarantined: rerun with --release.")
    record(run, settings, store)
    if not summary.success:
        raise QualityGateError(summary.failure_message(), summary)
    return summary
