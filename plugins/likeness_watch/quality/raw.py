"""The raw gate: each hub's partition for a day, validated right after the crawl commits it.

A failure quarantines the partition before anything is stored (so the build never reads it, even
if storing the results fails). Each partition is judged on its own, so the other hubs' data keeps
flowing. Several partitions share one GX session and one Data Docs build (the CLI, backfills).
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterable
from datetime import date

from likeness_watch.quality.frames import raw_frame
from likeness_watch.quality.gate import GateRun, precondition_failure, record, run_gate
from likeness_watch.quality.gx_runner import Batch, GxSession
from likeness_watch.quality.quarantine import quarantine_partition, release_partition
from likeness_watch.quality.suites import load_suites, raw_suite
from likeness_watch.quality.summary import QualityGateError, ValidationSummary
from likeness_watch.raw import Manifest, iter_envelopes, read_manifest
from likeness_watch.raw.manifest import QUARANTINED
from likeness_watch.settings import Settings
from likeness_watch.store import ObjectStore

UNDECODABLE = (EOFError, gzip.BadGzipFile, zlib.error, json.JSONDecodeError, UnicodeDecodeError)


def _validate(session: GxSession, settings: Settings, store: ObjectStore, manifest: Manifest) -> GateRun:
    day = date.fromisoformat(manifest.dt)
    spec = raw_suite(settings.expectations, manifest.hub)
    target = f"{manifest.hub} {day}"
    try:
        frame = raw_frame(iter_envelopes(store, [f.key for f in manifest.files]), spec)
    except UNDECODABLE as exc:
        failure = precondition_failure(spec.name, "partition_files_decode", str(exc), manifest.hub, day)
        return run_gate(session, "raw", target, [], [failure])
    batch = Batch(
        spec=spec,
        asset=f"{manifest.hub}-{day}",
        frame=frame,
        parameters={"manifest_record_count": manifest.record_count},
        hub=manifest.hub,
        day=day,
    )
    return run_gate(session, "raw", target, [batch])


def _apply_verdict(store: ObjectStore, manifest: Manifest, summary: ValidationSummary, release: bool) -> None:
    """Quarantine a failed partition; release a quarantined one that passes, when asked to."""
    where = f"Partition {manifest.hub} {manifest.dt}"
    if not summary.success:
        failed = sorted({outcome.expectation for outcome in summary.failures})
        reason = f"raw gate run {summary.run_id}: {len(summary.failures)} blocking expectation(s) failed"
        if quarantine_partition(store, manifest, failed, reason):
            summary.notes.append(f"{where} quarantined: readers skip it until a re-crawl passes.")
        else:
            summary.notes.append(f"{where} was re-crawled during validation: not quarantined.")
    elif manifest.status == QUARANTINED and release:
        if release_partition(store, manifest):
            summary.notes.append(f"{where} released from quarantine.")
    elif manifest.status == QUARANTINED:
        summary.notes.append(f"{where} passes now but stays quarantined: rerun with --release.")


def validate_partitions(
    settings: Settings, store: ObjectStore, partitions: Iterable[tuple[str, date]], release: bool = False
) -> list[ValidationSummary]:
    """Validate ``(hub, day)`` partitions, quarantining failures; returns one summary each, raises none.

    A quarantined partition is validated too (e.g. after a suite change); ``release`` makes it
    visible again if it passes. A missing partition raises ``QualityGateError`` before any work.
    """
    manifests = []
    for hub, day in partitions:
        manifest = read_manifest(store, hub, day)
        if manifest is None:
            raise QualityGateError(f"no raw partition for {hub} {day} in {store.uri}: crawl it first")
        manifests.append(manifest)
    session = GxSession(load_suites(settings.expectations))  # every suite gets a Data Docs page
    runs = []
    for manifest in manifests:
        run = _validate(session, settings, store, manifest)
        _apply_verdict(store, manifest, run.summary, release)
        runs.append(run)
    record(session, runs, settings, store)
    return [run.summary for run in runs]


def validate_raw(
    settings: Settings, store: ObjectStore, hub: str, day: date, release: bool = False
) -> ValidationSummary:
    """Validate ``raw/hub=<hub>/dt=<day>/``; quarantine it and raise ``QualityGateError`` on failure."""
    (summary,) = validate_partitions(settings, store, [(hub, day)], release)
    if not summary.success:
        raise QualityGateError(summary.failure_message(), summary)
    return summary
