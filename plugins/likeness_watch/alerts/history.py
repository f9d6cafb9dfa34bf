"""Adapter: the alert history in the state store, which makes delivery exactly-once in effect.

``alerts`` has one row per alert id (an id is recorded once, whatever reruns or backfills do);
``alert_deliveries`` one row per (alert, channel) with ``pending`` → ``delivered``, or ``failed``
(last attempt failed; retried after ``next_attempt_at``), or ``dead_letter`` (given up: the
receiver refused the message for good, e.g. HTTP 404 ``no_service``, or ``MAX_ATTEMPTS`` attempts
failed; never retried by itself, ``last_error`` says why), or ``suppressed`` (recorded by a
backfill that must not notify anyone). Both live in the state store
(``likeness_watch.state_store``), not in the warehouse: a rebuild of the warehouse, even from
scratch, never touches them, so an alert already recorded is never recorded or sent again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb

from likeness_watch.alerts.model import Alert
from likeness_watch.state_store import create_schema

PENDING, DELIVERED, FAILED, DEAD_LETTER, SUPPRESSED = (
    "pending",
    "delivered",
    "failed",
    "dead_letter",
    "suppressed",
)
RETRY_BASE = timedelta(minutes=5)
RETRY_CAP = timedelta(hours=6)
MAX_ATTEMPTS = 8
"""Failed attempts before a delivery is dead-lettered: at least ~10.6 h of backoff (5 min … 6 h),
more when alert runs are further apart; a channel that is down for good is not retried forever."""


@dataclass(frozen=True)
class Due:
    """A delivery to attempt now."""

    alert: Alert
    channel: str
    attempts: int


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the ``attempts``-th failure: 5 min, 10, 20, … capped at 6 h."""
    return min(RETRY_BASE * (2 ** max(attempts - 1, 0)), RETRY_CAP)


def record(
    con: duckdb.DuckDBPyConnection,
    alerts: Iterable[Alert],
    channels_for: Callable[[Alert], list[str]],
    now: datetime,
    suppress_delivery: bool = False,
    repeat_windows: Mapping[str, int] | None = None,
) -> list[Alert]:
    """Insert alerts not seen before, with one delivery row per routed channel; return the new ones.

    Alerts already recorded are left alone: their deliveries were decided when first seen.
    ``repeat_windows`` (kind → days): an alert of such a kind is not recorded either when one of
    the same kind and subject is recorded for a day less than that many days away — the same
    target cluster found again on another day (a late partition moved its threshold day).
    """
    create_schema(con)
    windows = dict(repeat_windows or {})
    new = []
    con.execute("begin transaction")
    try:
        for alert in alerts:
            exists = con.execute("select 1 from alerts where alert_id = ?", [alert.alert_id]).fetchone()
            if exists or (alert.kind in windows and _repeats(con, alert, windows[alert.kind])):
                continue
            con.execute(
                "insert into alerts values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    alert.alert_id,
                    alert.kind,
                    alert.severity,
                    alert.hub,
                    alert.day,
                    alert.subject,
                    alert.title,
                    alert.observed,
                    alert.expected,
                    alert.p_value,
                    json.dumps(alert.to_dict(), ensure_ascii=False, sort_keys=True),
                    now,
                    suppress_delivery,
                ],
            )
            status = SUPPRESSED if suppress_delivery else PENDING
            for channel in channels_for(alert):
                con.execute(
                    "insert into alert_deliveries values (?, ?, ?, 0, null, null, null)",
                    [alert.alert_id, channel, status],
                )
            new.append(alert)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return new


def _repeats(con: duckdb.DuckDBPyConnection, alert: Alert, window_days: int) -> bool:
    """Whether an alert of the same kind and subject is recorded for a day within the window."""
    found = con.execute(
        "select 1 from alerts where kind = ? and subject = ? and abs(date_diff('day', day, ?::date)) < ? "
        "limit 1",
        [alert.kind, alert.subject, alert.day, window_days],
    ).fetchone()
    return found is not None


def due(con: duckdb.DuckDBPyConnection, channels: Iterable[str], now: datetime) -> list[Due]:
    """Undelivered, unsuppressed deliveries to configured channels whose backoff has elapsed."""
    create_schema(con)
    names = sorted(set(channels))
    if not names:
        return []
    rows = con.execute(
        f"""
        select a.payload, d.channel, d.attempts
        from alert_deliveries d join alerts a using (alert_id)
        where d.status in ('{PENDING}', '{FAILED}')
          and (d.next_attempt_at is null or d.next_attempt_at <= ?)
          and d.channel in ({", ".join("?" for _ in names)})
        order by a.day, a.alert_id, d.channel
        """,  # noqa: S608
        [now, *names],
    ).fetchall()
    return [
        Due(Alert.from_dict(json.loads(payload)), channel, attempts) for payload, channel, attempts in rows
    ]


def mark_delivered(con: duckdb.DuckDBPyConnection, alert_id: str, channel: str, now: datetime) -> None:
    con.execute(
        "update alert_deliveries set status = ?, attempts = attempts + 1, delivered_at = ?, "
        "last_error = null, next_attempt_at = null where alert_id = ? and channel = ?",
        [DELIVERED, now, alert_id, channel],
    )


def mark_failed(
    con: duckdb.DuckDBPyConnection, alert_id: str, channel: str, attempts: int, error: str, now: datetime
) -> None:
    """Record a failed attempt (``attempts`` is the count including this one) and when to retry."""
    con.execute(
        "update alert_deliveries set status = ?, attempts = ?, last_error = ?, next_attempt_at = ? "
        "where alert_id = ? and channel = ?",
        [FAILED, attempts, error[:500], now + retry_delay(attempts), alert_id, channel],
    )


def mark_dead_letter(
    con: duckdb.DuckDBPyConnection, alert_id: str, channel: str, attempts: int, error: str
) -> None:
    """Record that the delivery is given up on: never due again until re-queued by hand."""
    con.execute(
        "update alert_deliveries set status = ?, attempts = ?, last_error = ?, next_attempt_at = null "
        "where alert_id = ? and channel = ?",
        [DEAD_LETTER, attempts, error[:500], alert_id, channel],
    )


@dataclass(frozen=True)
class DeadLetters:
    """The dead-lettered deliveries of one channel for the alerts of one day."""

    day: date
    channel: str
    alert_ids: tuple[str, ...]
    error: str
    """One of their errors (a channel that fails usually fails the same way for every alert)."""


def dead_letters(con: duckdb.DuckDBPyConnection) -> list[DeadLetters]:
    """Every dead letter, grouped by alert day and channel (what ``channel_failed`` alerts are
    derived from, so a crash after dead-lettering cannot lose the alert about it)."""
    rows = con.execute(
        f"""
        select a.day, d.channel, list(a.alert_id order by a.alert_id), max(d.last_error)
        from alert_deliveries d join alerts a using (alert_id)
        where d.status = '{DEAD_LETTER}'
        group by a.day, d.channel order by a.day, d.channel
        """  # noqa: S608
    ).fetchall()
    return [DeadLetters(day, channel, tuple(ids), error or "") for day, channel, ids, error in rows]


def alerts_between(con: duckdb.DuckDBPyConnection, start: date, end: date) -> list[Alert]:
    """Recorded alerts for days ``start..end`` (what the outbox and the summary show)."""
    rows = con.execute(
        "select payload from alerts where day between ? and ? order by day, kind, hub, subject", [start, end]
    ).fetchall()
    return [Alert.from_dict(json.loads(payload)) for (payload,) in rows]


def delivery_counts(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], int]:
    """(channel, status) → number of deliveries: the health view of the delivery pipeline."""
    rows = con.execute("select channel, status, count(*) from alert_deliveries group by all").fetchall()
    return {(channel, status): count for channel, status, count in rows}
