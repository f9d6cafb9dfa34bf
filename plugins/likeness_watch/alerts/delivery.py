"""Send due deliveries, each in isolation: one broken channel never blocks the others.

A delivery the receiver refuses for good, or one that failed ``history.MAX_ATTEMPTS`` times, is
dead-lettered; every channel with dead letters raises a ``channel_failed`` alert for the other
channels, so a dead Slack webhook or a refusing SMTP relay is heard of instead of retried forever.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime

import duckdb

from likeness_watch.alerts import history
from likeness_watch.alerts.channels.base import Channel, DeliveryError, DeliveryRejected
from likeness_watch.alerts.model import ALL_HUBS, CHANNEL_FAILED, Alert
from likeness_watch.raw import points

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    delivered: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    """Failed now, retried with backoff by later runs."""
    dead_lettered: Counter[str] = field(default_factory=Counter)
    """Given up on now (refused by the receiver, or out of attempts): recorded, never retried."""
    errors: list[str] = field(default_factory=list)
    raised: list[Alert] = field(default_factory=list)
    """``channel_failed`` alerts recorded by this run."""

    def add(self, other: DeliveryReport) -> None:
        self.delivered.update(other.delivered)
        self.failed.update(other.failed)
        self.dead_lettered.update(other.dead_lettered)
        self.errors += other.errors
        self.raised += other.raised


def deliver_due(
    open_history: Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]],
    channels: dict[str, Channel],
    now: datetime,
    evidence: Callable[[Alert], str | None] | None = None,
) -> DeliveryReport:
    """Attempt every due delivery once; record the outcome of each before the next.

    The history is opened (``open_history``) only to read what is due and to record each
    outcome, not while a receiver answers: a slow one must not keep readers out of the file.
    The caller keeps other senders out (``delivery_lock``). ``evidence`` gives an alert's
    evidence-pack link (None: none), which the channels show.
    """
    report = DeliveryReport()
    with open_history() as con:
        due = history.due(con, channels, now)
    for item in due:
        attempts = item.attempts + 1
        alert = item.alert if evidence is None else replace(item.alert, evidence_url=evidence(item.alert))
        try:
            channels[item.channel].send(alert, now)
        except DeliveryRejected as exc:
            _dead_letter(open_history, report, item, attempts, f"{exc} (refused)")
            continue
        except DeliveryError as exc:
            error = str(exc)
        except Exception as exc:  # a channel bug must not stop the other deliveries
            error = f"unexpected {type(exc).__name__}"
            log.exception("channel %s crashed on alert %s", item.channel, item.alert.alert_id)
        else:
            points.reached("alert_sent")
            with open_history() as con:
                history.mark_delivered(con, item.alert.alert_id, item.channel, now)
            points.reached("delivery_recorded")
            report.delivered[item.channel] += 1
            continue
        if attempts >= history.MAX_ATTEMPTS:
            _dead_letter(open_history, report, item, attempts, f"{error} (gave up after {attempts} attempts)")
            continue
        with open_history() as con:
            history.mark_failed(con, item.alert.alert_id, item.channel, attempts, error, now)
        report.failed[item.channel] += 1
        report.errors.append(f"{item.channel} {item.alert.alert_id}: {error}")
        log.warning(
            "delivery of %s to %s failed (attempt %d, retry after %s): %s",
            item.alert.alert_id,
            item.channel,
            attempts,
            history.retry_delay(attempts),
            error,
        )
    return report


def _dead_letter(
    open_history: Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]],
    report: DeliveryReport,
    item: history.Due,
    attempts: int,
    error: str,
) -> None:
    with open_history() as con:
        history.mark_dead_letter(con, item.alert.alert_id, item.channel, attempts, error)
    points.reached("dead_lettered")
    report.dead_lettered[item.channel] += 1
    report.errors.append(f"{item.channel} {item.alert.alert_id}: {error}, dead-lettered")
    log.error("%s: alert %s dead-lettered: %s", item.channel, item.alert.alert_id, error)


def channel_failed_alerts(dead: Iterable[history.DeadLetters]) -> list[Alert]:
    """One ``channel_failed`` alert per channel and day of the alerts it could not deliver.

    Its id comes from (channel, day), so re-deriving it from the history on every run records it
    once; its subject is the failed channel, which never receives it.
    """
    return [
        Alert(
            kind=CHANNEL_FAILED,
            hub=ALL_HUBS,
            day=letters.day,
            severity="high",
            title=(
                f"Alert channel {letters.channel} failed: {len(letters.alert_ids)} alert(s) of "
                f"{letters.day.isoformat()} not delivered ({letters.error})"
            ),
            observed=len(letters.alert_ids),
            subject=letters.channel,
            details={
                "channel": letters.channel,
                "alert_ids": list(letters.alert_ids),
                "error": letters.error,
            },
        )
        for letters in dead
    ]
