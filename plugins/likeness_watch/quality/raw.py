"""The raw gate: each hub's partition for a day, validated right after the crawl lands it.

The crawl's manifest says ``landed``, which no reader selects: a pass makes it ``committed``, a
failure ``quarantined``, so no partition becomes visible without a verdict, whatever the crash
timing (a gate that never ran leaves it landed, and the retry finishes the gate). A failure
quarantines the partition before anything is stored (so the build never reads it, even if storing
the results fails). Data files are verified against the manifest's sha256 as they are read: a
mismatch fails the gate and the reason names the file. Each partition is judged on its own, so
the other hubs' data keeps flowing. Several partitions share one GX session and one Data Docs
build (the CLI, backfills).

Each partition is read once into two frames: its records (the blocking checks) and its record
fields (schema drift, recorded but never blocking: ``likeness_watch.quality.drift``).

The gate fails closed: when it fails itself (a malformed suite file, a store error, a bug), every
partition it had not judged yet is quarantined with ``gate error: <type>: <message>`` before the
exception propagates; the next gate run that passes releases it.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterable
from datetime import date

from likeness_watch.hubs.registry import hub_names, hub_settings
from likeness_watch.quality.drift import (
    DriftHistory,
    FieldProfile,
    RecordSchema,
    drift_outcomes,
    fields_frame,
    find_drift,
)
from likeness_watch.quality.frames import raw_frame
from likeness_watch.quality.gate import GateRun, precondition_failure, record, run_gate
from likeness_watch.quality.gx_runner import Batch, GxSession
from likeness_watch.quality.quarantine import is_gate_error, quarantine_partition, release_partition
from likeness_watch.quality.suites import FIELDS, RECORDS, load_suites, raw_suites
from likeness_watch.quality.summary import QualityGateError, ValidationSummary
from likeness_watch.raw import ChecksumError, Manifest, iter_partition, points, read_manifest
from likeness_watch.raw.manifest import COMMITTED, LANDED, QUARANTINED, ManifestError
from likeness_watch.redaction import redact
from likeness_watch.settings import Settings
from likeness_watch.state_store import StateStore
from likeness_watch.store import ObjectStore

UNDECODABLE = (EOFError, gzip.BadGzipFile, zlib.error, json.JSONDecodeError, UnicodeDecodeError)
CHECKSUMS = "partition_files_match_checksums"
DECODE = "partition_files_decode"


def _validate(
    session: GxSession, settings: Settings, store: ObjectStore, manifest: Manifest, history: DriftHistory
) -> GateRun:
    day, hub = date.fromisoformat(manifest.dt), manifest.hub
    specs = raw_suites(settings.expectations, hub)
    schema = RecordSchema.of(specs[FIELDS])
    profile = FieldProfile(schema.objects)
    target = f"{hub} {day}"
    try:
        frame = raw_frame(iter_partition(store, manifest), specs[RECORDS], profile.observe)
    except (ChecksumError, *UNDECODABLE) as exc:
        check = CHECKSUMS if isinstance(exc, ChecksumError) else DECODE
        failure = precondition_failure(specs[RECORDS].name, check, str(exc), hub, day)
        return run_gate(session, "raw", target, [], [failure])
    drifts = find_drift(schema, profile, day, history.since(specs[FIELDS].name, hub, day))
    history.remember(hub, day, drifts)
    batches = [
        Batch(
            spec=specs[RECORDS],
            asset=f"{hub}-{day}",
            frame=frame,
            parameters={"manifest_record_count": manifest.record_count},
            hub=hub,
            day=day,
        ),
        Batch(
            spec=specs[FIELDS],
            asset=f"{hub}-{day}-fields",
            frame=fields_frame(schema, profile, drifts),
            hub=hub,
            day=day,
        ),
    ]
    run = run_gate(session, "raw", target, batches)
    if drifts:  # GX's one failed drift check becomes one outcome per drifting field
        fields_suite = specs[FIELDS].name
        run.summary.outcomes = [
            outcome
            for outcome in run.summary.outcomes
            if outcome.suite != fields_suite or outcome.success or outcome.blocking
        ] + drift_outcomes(fields_suite, drifts, hub, day)
        run.summary.notes.append(
            f"Schema drift on {hub} {day}: {len(drifts)} field(s) absent, new or renamed; recorded, "
            "not blocking (alert schema_drift)."
        )
    return run


def _apply_verdict(store: ObjectStore, manifest: Manifest, summary: ValidationSummary, release: bool) -> None:
    """Quarantine a failed partition; release a quarantined one that passes, when asked to."""
    where = f"Partition {manifest.hub} {manifest.dt}"
    if not summary.success:
        failed = sorted({outcome.expectation for outcome in summary.failures})
        reason = f"raw gate run {summary.run_id}: {len(summary.failures)} blocking expectation(s) failed"
        files = [
            json.loads(o.observed_json)["error"]
            for o in summary.failures
            if o.expectation in (CHECKSUMS, DECODE)
        ]
        reason += "".join(f"; {file}" for file in files)  # the file, where one is at fault
        if quarantine_partition(store, manifest, failed, reason):
            summary.notes.append(f"{where} quarantined: readers skip it until a re-crawl passes.")
        else:
            summary.notes.append(f"{where} was re-crawled during validation: not quarantined.")
    elif manifest.status == LANDED:
        if release_partition(store, manifest):
            summary.notes.append(f"{where} committed: the gate passed.")
    elif manifest.status == QUARANTINED and (release or is_gate_error(manifest)):
        if release_partition(store, manifest):
            summary.notes.append(f"{where} released from quarantine.")
    elif manifest.status == QUARANTINED:
        summary.notes.append(f"{where} passes now but stays quarantined: rerun with --release.")


def validate_partitions(
    settings: Settings, store: ObjectStore, partitions: Iterable[tuple[str, date]], release: bool = False
) -> list[ValidationSummary]:
    """Validate ``(hub, day)`` partitions, quarantining failures; returns one summary each.

    A quarantined partition is validated too (e.g. after a suite change); ``release`` makes it
    visible again if it passes (a partition quarantined by a gate error is released anyway). A
    missing partition raises ``QualityGateError`` before any work; any other exception first
    quarantines the partitions not judged yet, then propagates.
    """
    manifests = []
    for hub, day in partitions:
        try:
            manifest = read_manifest(store, hub, day)
        except ManifestError as exc:
            raise QualityGateError(f"{exc}: the partition is not committed; re-crawl the day") from exc
        if manifest is None:
            raise QualityGateError(f"no raw partition for {hub} {day} in {store.uri}: crawl it first")
        manifests.append(manifest)
    runs: list[GateRun] = []
    try:
        session = GxSession(load_suites(settings.expectations))  # every suite gets a Data Docs page
        history = DriftHistory(StateStore.of(settings))
        for manifest in manifests:
            run = _validate(session, settings, store, manifest, history)
            _apply_verdict(store, manifest, run.summary, release)
            points.reached("verdict_written")
            runs.append(run)
        record(session, runs, settings, store)
        points.reached("results_recorded")
    except BaseException as exc:  # fail closed: no partition stays readable without a verdict
        _quarantine_unjudged(store, manifests[len(runs) :], exc, settings)
        raise
    return [run.summary for run in runs]


_URL_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")
_SECRET_QUERY = re.compile(r"(?i)(?<=[?&])((?:token|key|secret|password|signature|x-amz-[a-z-]+)=)[^&\s'\"]+")


def _secrets(settings: Settings) -> list[str]:
    values = [settings.slack_webhook_url, settings.webhook_secret, settings.smtp_password]
    for hub in hub_names():
        try:
            values.append(hub_settings(hub).token)
        except Exception:  # noqa: BLE001, S112 - a hub whose settings do not load has no token to hide
            continue
    return [value.get_secret_value() for value in values if value is not None and value.get_secret_value()]


def gate_error_reason(exc: BaseException, settings: Settings, limit: int = 300) -> str:
    """``gate error: <type>: <first line>``, without configured secrets or credentials in URLs."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    message = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    message = _SECRET_QUERY.sub(r"\1***", _URL_USERINFO.sub("***@", redact(message, _secrets(settings))))
    reason = f"gate error: {message}"
    return reason if len(reason) <= limit else reason[: limit - 3] + "..."


def _quarantine_unjudged(
    store: ObjectStore, manifests: list[Manifest], exc: BaseException, settings: Settings
) -> None:
    """Quarantine the committed partitions the gate gave no verdict because it failed itself.

    The next passing gate run releases them (``is_gate_error``); already quarantined ones keep
    their quarantine (and its reason). Failing to quarantine is noted on ``exc``, never raised.
    """
    reason = gate_error_reason(exc, settings)
    for manifest in manifests:
        if manifest.status != COMMITTED:
            continue
        try:
            quarantine_partition(store, manifest, [], reason, gate_error=True)
        except Exception as error:  # noqa: BLE001 - the gate's own exception is the one to raise
            exc.add_note(f"could not quarantine {manifest.hub} {manifest.dt}: {type(error).__name__}")
        else:
            exc.add_note(f"partition {manifest.hub} {manifest.dt} quarantined ({reason})")


def validate_raw(
    settings: Settings, store: ObjectStore, hub: str, day: date, release: bool = False
) -> ValidationSummary:
    """Validate ``raw/hub=<hub>/dt=<day>/``; quarantine it and raise ``QualityGateError`` on failure."""
    (summary,) = validate_partitions(settings, store, [(hub, day)], release)
    if not summary.success:
        raise QualityGateError(summary.failure_message(), summary)
    return summary
