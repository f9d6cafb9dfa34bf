"""What DAG tasks call: the pipeline's steps with settings and the store as seen from inside Airflow.

Inside Airflow an ``s3://`` store takes its client from the ``aws_default`` connection (the
amazon provider falls back to the usual boto3 chain when the connection is not defined).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from likeness_watch.settings import Settings
from likeness_watch.store import ObjectStore, open_store

if TYPE_CHECKING:
    from likeness_watch.quality.summary import ValidationSummary

log = logging.getLogger(__name__)

PROGRESS_EVERY_S = 30.0
"""A crawl at a real hub's 1 request/s runs for many minutes: one progress line per phase this often."""

VERDICTS = {"committed": "passed", "quarantined": "quarantined", "landed": "not gated yet"}
"""A raw manifest's status as the gate's verdict (asset event extras, logs)."""


def airflow_store(settings: Settings) -> ObjectStore:
    client = None
    if settings.store.startswith("s3://"):
        from airflow.providers.amazon.aws.hooks.s3 import S3Hook

        client = S3Hook(aws_conn_id="aws_default").get_conn()
    return open_store(settings.store, s3_client=client)


def crawl_day_of(requested: str | None, logical_date: datetime | None, now: datetime | None = None) -> date:
    """The day a crawl run covers: the ``day`` param, else its logical date once that day is over,
    else the last complete UTC day. A manual run has no logical date, or the trigger form's current
    time: it must not crawl today's unfinished day, nor can a ``day`` param ask for one."""
    last_complete = (now or datetime.now(UTC)).astimezone(UTC).date() - timedelta(days=1)
    if requested:
        day = date.fromisoformat(requested)
        if day > last_complete:
            raise ValueError(f"day {day} is not over yet in UTC: the last complete day is {last_complete}")
        return day
    if logical_date is not None and logical_date.astimezone(UTC).date() <= last_complete:
        return logical_date.astimezone(UTC).date()
    return last_complete


def partition_location(store: ObjectStore, hub: str, day: date) -> str:
    """Where a raw partition lives, as a URI an engineer can paste (logs, asset events)."""
    from likeness_watch.raw.layout import partition_prefix

    return f"{store.uri.rstrip('/')}/{partition_prefix(hub, day)}"


class CrawlProgressLog:
    """The crawler's ``progress`` hook as task log lines: each phase's calls, items, requests and
    rates, every ``every`` seconds and when the phase ends, so a long crawl is never silent."""

    UNITS = {"discovery": "pages", "gap_probe": "probes", "refresh": "batches"}

    def __init__(self, hub: str, day: date, every: float = PROGRESS_EVERY_S) -> None:
        self.label = f"{hub} {day}"
        self.every = every
        self.phase: str | None = None
        self.calls = self.items = self.requests = self.requests_before = 0
        self.started = self.logged = time.monotonic()

    def __call__(self, phase: str, count: int, requests: int) -> None:
        if phase != self.phase:
            self.finish()
            self.phase, self.calls, self.items, self.requests_before = phase, 0, 0, self.requests
            self.started = self.logged = time.monotonic()
        self.calls += 1
        self.items += count
        self.requests = requests
        if time.monotonic() - self.logged >= self.every:
            self._line("so far")

    def finish(self) -> None:
        """Log the current phase's totals (call once more after the crawl)."""
        if self.phase is not None:
            self._line("done")
            self.phase = None

    def _line(self, state: str) -> None:
        self.logged = time.monotonic()
        elapsed = max(self.logged - self.started, 1e-6)
        unit = self.UNITS.get(self.phase or "", "calls")
        log.info(
            "Crawl %s phase %s %s: %d %s, %d items, %d requests in %.1f s (%.1f items/s, %.2f requests/s)",
            self.label,
            self.phase,
            state,
            self.calls,
            unit,
            self.items,
            self.requests - self.requests_before,
            elapsed,
            self.items / elapsed,
            (self.requests - self.requests_before) / elapsed,
        )


@contextmanager
def verdicts_are_final() -> Iterator[None]:
    """A failed quality gate fails its task without retries: a retry would run the same checks on
    the same data (gate *errors*, e.g. a store outage, still retry)."""
    from airflow.sdk.exceptions import AirflowFailException

    from likeness_watch.quality import QualityGateError

    try:
        yield
    except QualityGateError as exc:
        raise AirflowFailException(str(exc)) from exc


def crawl_hub(hub: str, day: date) -> dict[str, Any]:
    """Crawl one hub for one day; the summary becomes the task's XCom (no records in XCom)."""
    from likeness_watch.crawl import crawl_day

    settings = Settings()
    store = airflow_store(settings)
    progress = CrawlProgressLog(hub, day)
    started = time.monotonic()
    manifest = crawl_day(hub, day, settings, store, progress=progress)
    progress.finish()
    elapsed = max(time.monotonic() - started, 1e-6)
    log.info(
        "Crawl %s %s finished: %d records, %d pages, %d requests in %.1f s (%.1f requests/s), mode %s",
        hub,
        day,
        manifest.record_count,
        manifest.pages_fetched,
        manifest.requests,
        elapsed,
        manifest.requests / elapsed,
        manifest.mode,
    )
    log.info("Partition %s: %s", manifest.status, partition_location(store, hub, day))
    return {
        "hub": hub,
        "dt": manifest.dt,
        "records": manifest.record_count,
        "mode": manifest.mode,
        "pages": manifest.pages_fetched,
        "requests": manifest.requests,
        "via_counts": manifest.via_counts,
        "anomalies": manifest.anomalies,
    }


def gate_raw_partition(hub: str, day: date) -> dict[str, Any]:
    """Raw gate for one partition; raises ``QualityGateError`` (after quarantining) on failure.

    Fails closed: any other exception (a malformed suite, a store error) quarantines the partition
    too before it propagates; the task's next successful run releases it.
    """
    from likeness_watch.quality import QualityGateError, validate_raw
    from likeness_watch.raw import read_manifest

    quiet_great_expectations()
    settings = Settings()
    store = airflow_store(settings)
    location = partition_location(store, hub, day)
    with verdicts_are_final():
        try:
            summary = validate_raw(settings, store, hub, day)
        except QualityGateError as exc:
            if exc.summary is not None:
                log_summary(exc.summary)
            log.error("Raw gate verdict for %s %s: FAILED, partition quarantined: %s", hub, day, location)
            raise
    log_summary(summary)
    manifest = read_manifest(store, hub, day)
    status = manifest.status if manifest else "missing"
    log.info("Raw gate verdict for %s %s: PASSED, partition %s: %s", hub, day, status, location)
    return {
        "hub": hub,
        "dt": day.isoformat(),
        "verdict": "passed",
        "partition": location,
        "docs": summary.docs_url,
    }


def quiet_great_expectations() -> None:
    """GX logs hundreds of INFO lines per session (``Skipping registering function ...``) around the
    summary; a task log shows its warnings only."""
    logging.getLogger("great_expectations").setLevel(logging.WARNING)


def log_summary(summary: ValidationSummary) -> None:
    """A gate's summary in the task log: the headline, each table row, note and the Data Docs path
    on its own line (``render`` ends with ``Data Docs: <path>``)."""
    for line in summary.render().splitlines():
        if line.strip():
            log.info("%s", line.rstrip())


def partition_events(day: date) -> dict[str, dict[str, Any]]:
    """Each hub's raw partition of ``day`` as the ``extra`` of its asset event: what the build gets,
    where it lies and the gate's verdict (a quarantined partition is announced, and skipped)."""
    from likeness_watch.hubs.registry import hub_names
    from likeness_watch.raw import read_manifest
    from likeness_watch.raw.manifest import ManifestError

    settings = Settings()
    store = airflow_store(settings)
    extras: dict[str, dict[str, Any]] = {}
    for hub in hub_names():
        try:
            manifest = read_manifest(store, hub, day)
        except ManifestError as exc:
            log.warning("%s", exc)
            manifest = None
        extras[hub] = {
            "day": day.isoformat(),
            "hub": hub,
            "records": manifest.record_count if manifest else 0,
            "location": partition_location(store, hub, day),
            "verdict": VERDICTS.get(manifest.status, manifest.status) if manifest else "missing",
        }
        log.info("Announcing raw_%s: %s", hub, extras[hub])
    return extras


def triggering_partitions(events: Mapping[Any, Sequence[Any]] | None) -> list[dict[str, Any]]:
    """The raw partitions announced by the asset events that triggered a build, each logged; a run
    without them (manual, ``dags test``) builds whatever is new or re-crawled, as every run does."""
    extras = [dict(event.extra) for batch in (events or {}).values() for event in batch if event.extra]
    for extra in extras:
        log.info("Builds %(hub)s %(day)s: %(records)s records, gate %(verdict)s, at %(location)s", extra)
    if not extras:
        log.info("No triggering raw asset events: builds every new or re-crawled committed partition")
    return extras


def prepare_candidate() -> str:
    """Copy the published warehouse to the candidate that dbt builds into, and quarantine the
    partitions it is about to load whose files no longer match their sha256 (cosmos runs dbt
    without ``build_warehouse``, which does the same check); returns the candidate's path."""
    from likeness_watch import pipeline
    from likeness_watch.warehouse.build import verify_unloaded

    settings = Settings()
    candidate = pipeline.prepare(settings).warehouse
    verify_unloaded(airflow_store(settings), candidate)
    return str(candidate)


def gate_candidate(layer: str, day: date | None) -> str:
    """Quality gate on the candidate warehouse; a failure keeps it unpublished, without retries."""
    from likeness_watch import pipeline
    from likeness_watch.quality import QualityGateError

    quiet_great_expectations()
    settings = Settings()
    with verdicts_are_final():
        try:
            summary = pipeline.gate_candidate(settings, layer, day, store=airflow_store(settings))
        except QualityGateError as exc:
            if exc.summary is not None:
                log_summary(exc.summary)
            raise
    log_summary(summary)
    return summary.headline()


def publish_validated() -> dict[str, Any]:
    """Swap the validated candidate in (``pipeline.publish``); its headlines become the XCom."""
    from likeness_watch import pipeline

    return {"headlines": pipeline.publish(Settings())}
