"""One alert run: detect → record → outbox → deliver (the CLI, ``make demo`` and the DAG steps).

Each step is idempotent on its own: detection recomputes the same alert ids, recording ignores
ids already in the history, the outbox rewrites identical files, delivery only sends what is due.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from likeness_watch.alerts import history, marts
from likeness_watch.alerts.channels.base import Channel
from likeness_watch.alerts.channels.config import channels_from_settings
from likeness_watch.alerts.channels.outbox import write_outbox
from likeness_watch.alerts.completeness import read_completeness
from likeness_watch.alerts.delivery import DeliveryReport, channel_failed_alerts, deliver_due
from likeness_watch.alerts.detect import DetectionConfig, detect
from likeness_watch.alerts.model import TAKEDOWN_OVERDUE, TARGET_CLUSTER, Alert
from likeness_watch.alerts.routing import channels_for, parse_routes
from likeness_watch.alerts.spikes import SpikeParams
from likeness_watch.alerts.watchlist import load_watchlist
from likeness_watch.raw import points
from likeness_watch.review.evidence import evidence_links
from likeness_watch.settings import Settings
from likeness_watch.state_store import StateStore
from likeness_watch.store import ObjectStore, open_store
from likeness_watch.warehouse.access import connect

log = logging.getLogger(__name__)

ONCE_PER_SUBJECT_DAYS = 100 * 366
"""A repeat window that never closes: one alert per subject, ever."""


@dataclass
class AlertRun:
    """What a run did: every alert of the scored days, the ones recorded for the first time, the
    outbox files, and the delivery outcome (empty for dry runs and suppressed backfills)."""

    alerts: list[Alert]
    new: list[Alert] = field(default_factory=list)
    outbox: list[Path] = field(default_factory=list)
    delivery: DeliveryReport = field(default_factory=DeliveryReport)


def utc_now() -> datetime:
    """Naive UTC, the convention of the history table's timestamps."""
    return datetime.now(UTC).replace(tzinfo=None)


def detection_config(settings: Settings) -> DetectionConfig:
    return DetectionConfig(spike=SpikeParams().with_sensitivity(settings.alert_sensitivity))


@contextmanager
def warehouse(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read the published warehouse's marts; never creates an empty warehouse by mistake."""
    path = Path(settings.warehouse)
    if not path.is_file():
        raise marts.MartsMissing(f"warehouse {path} not found: run `likeness-watch build` first")
    con = connect(path, read_only=True)
    try:
        yield con
    finally:
        con.close()


def state(settings: Settings) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
    """Write the alert history in the state store, under its writer lock."""
    return StateStore.of(settings).writer()


def days_between(start: date, end: date) -> list[date]:
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def latest_days(settings: Settings, lookback: int) -> tuple[date, date] | None:
    """The last ``lookback`` days of the marts: a scheduled run rescoring them catches partitions
    released from quarantine late (already-recorded alerts are not resent)."""
    with warehouse(settings) as con:
        last = marts.latest_day(con)
    return None if last is None else (last - timedelta(days=lookback - 1), last)


def detect_alerts(
    settings: Settings, start: date, end: date, store: ObjectStore | None = None
) -> list[Alert]:
    """Detect (no side effects) for days ``start..end``; ``store`` defaults to ``settings.store``
    (Airflow passes one built from its connection)."""
    config = detection_config(settings)
    parse_routes(settings.alert_routes)
    watchlist = load_watchlist(Path(settings.watchlist), required="watchlist" in settings.model_fields_set)
    completeness = read_completeness(store or open_store(settings.store))
    with warehouse(settings) as con:
        inputs = marts.read_inputs(con, start, end, config.history_days, completeness, watchlist)
    with StateStore.of(settings).reader() as con:
        inputs = replace(inputs, drift=marts.read_drift(con, start, end))
    return detect(inputs, days_between(start, end), config)


def record_alerts(
    settings: Settings, alerts: list[Alert], channel_names: list[str], now: datetime, suppress_delivery: bool
) -> list[Alert]:
    """Record alerts in the history with their routed deliveries; returns the new ones.

    A target cluster on a person who already had one within the cluster window is the same
    campaign seen again (e.g. after a late partition's release): not recorded, not resent. A
    takedown_overdue alert is never recorded twice for one subject (model, report, deadline),
    whatever day a later rescore finds it on.
    """
    routes = parse_routes(settings.alert_routes)
    repeat_windows = {
        TARGET_CLUSTER: detection_config(settings).cluster_window_days,
        TAKEDOWN_OVERDUE: ONCE_PER_SUBJECT_DAYS,
    }
    with state(settings) as con:
        new = history.record(
            con,
            alerts,
            lambda alert: channels_for(alert, routes, channel_names),
            now,
            suppress_delivery,
            repeat_windows=repeat_windows,
        )
    points.reached("alerts_recorded")
    return new


def write_outbox_for(settings: Settings, start: date, end: date) -> list[Path]:
    """Write the recorded alerts of ``start..end`` to the always-on file channel."""
    with StateStore.of(settings).reader() as con:
        alerts = history.alerts_between(con, start, end)
    written = write_outbox(Path(settings.outbox), alerts)
    points.reached("outbox_written")
    return written


def deliver(
    channels: dict[str, Channel], settings: Settings, now: datetime, store: ObjectStore | None = None
) -> DeliveryReport:
    """Send every due delivery (new ones and earlier failures whose backoff elapsed), one
    sending process at a time; the history is written under the state store's writer lock
    between sends. With ``LW_PUBLIC_BASE_URL`` set, an alert that names models links to its
    evidence pack, written into ``LW_EVIDENCE_DIR`` (from ``store``'s raw partitions, default
    ``settings.store``) before its first send.

    Dead letters then raise ``channel_failed`` alerts (derived from the history, so none is lost
    to a crash in between): recorded once, written to the outbox and sent at once on the other
    channels. Each round records a new (channel, day) id or stops, so this ends.
    """
    routes = parse_routes(settings.alert_routes)

    def others(alert: Alert) -> list[str]:
        return [name for name in channels_for(alert, routes, sorted(channels)) if name != alert.subject]

    report = DeliveryReport()
    links = evidence_links(settings, store)
    with StateStore.of(settings).delivery_lock():
        while True:
            report.add(deliver_due(lambda: state(settings), channels, now, links))
            with state(settings) as con:
                raised = history.record(con, channel_failed_alerts(history.dead_letters(con)), others, now)
            if not raised:
                return report
            points.reached("channel_failed_recorded")
            write_outbox(Path(settings.outbox), raised)
            report.raised += raised


def run_alerts_range(
    settings: Settings,
    start: date,
    end: date,
    dry_run: bool = False,
    suppress_delivery: bool = False,
    now: datetime | None = None,
    channels: dict[str, Channel] | None = None,
) -> AlertRun:
    """The whole run for days ``start..end`` (one store listing and one mart read for the range).

    ``dry_run``: detect only. ``suppress_delivery`` (backfills): record and write the outbox, but
    send nothing now or later. ``channels`` defaults to those configured in ``settings``.
    """
    now = now or utc_now()
    if channels is None:
        channels = channels_from_settings(settings)
    alerts = detect_alerts(settings, start, end)
    if dry_run:
        return AlertRun(alerts)
    new = record_alerts(settings, alerts, sorted(channels), now, suppress_delivery)
    outbox = write_outbox_for(settings, start, end)
    report = DeliveryReport() if suppress_delivery else deliver(channels, settings, now)
    log.info(
        "alerts %s..%s: %d detected, %d new, delivered %s, failed %s, dead-lettered %s",
        start,
        end,
        len(alerts),
        len(new),
        dict(report.delivered),
        dict(report.failed),
        dict(report.dead_lettered),
    )
    return AlertRun(alerts, new, outbox, report)


def run_alerts(
    settings: Settings, day: date, dry_run: bool = False, suppress_delivery: bool = False
) -> list[Alert]:
    """Detect, record, write and deliver the alerts of one day; returns that day's alerts."""
    return run_alerts_range(settings, day, day, dry_run=dry_run, suppress_delivery=suppress_delivery).alerts
