"""Send due deliveries, each in isolation: one broken channel never blocks the others."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from likeness_watch.alerts import history
from likeness_watch.alerts.channels.base import Channel, DeliveryError, DeliveryRejected

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    delivered: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    """Failed now, retried with backoff by later runs."""
    rejected: Counter[str] = field(default_factory=Counter)
    """Refused by the receiver for good (e.g. HTTP 400): recorded, never retried."""
    errors: list[str] = field(default_factory=list)


def deliver_due(
    open_history: Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]],
    channels: dict[str, Channel],
    now: datetime,
) -> DeliveryReport:
    """Attempt every due delivery once; record the outcome of each before the next.

    The history is opened (``open_history``) only to read what is due and to record each
    outcome, not while a receiver answers: a slow one must not keep readers out of the file.
    The caller keeps other senders out (``delivery_lock``).
    """
    report = DeliveryReport()
    with open_history() as con:
        due = history.due(con, channels, now)
    for item in due:
        try:
            channels[item.channel].send(item.alert, now)
        except DeliveryRejected as exc:
            error = str(exc)
            with open_history() as con:
                history.mark_rejected(con, item.alert.alert_id, item.channel, item.attempts + 1, error)
            report.rejected[item.channel] += 1
            report.errors.append(f"{item.channel} {item.alert.alert_id}: {error} (rejected, not retried)")
            log.error("%s rejected alert %s for good: %s", item.channel, item.alert.alert_id, error)
            continue
        except DeliveryError as exc:
            error = str(exc)
        except Exception as exc:  # a channel bug must not stop the other deliveries
            error = f"unexpected {type(exc).__name__}"
            log.exception("channel %s crashed on alert %s", item.channel, item.alert.alert_id)
        else:
            with open_history() as con:
                history.mark_delivered(con, item.alert.alert_id, item.channel, now)
            report.delivered[item.channel] += 1
            continue
        attempts = item.attempts + 1
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
