"""What the ``lw_alert`` DAG's tasks call: the run's steps with Airflow's store and connections.

Each step reopens the warehouse and is idempotent, so any task can be cleared and re-run.
Airflow is imported only at task run time (through ``runtime`` and ``channels``), never at DAG
parse.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from likeness_watch.alerts import run
from likeness_watch.orchestration.channels import channels_from_connections
from likeness_watch.orchestration.runtime import airflow_store
from likeness_watch.settings import Settings

LOOKBACK_DAYS = 3
"""A scheduled run rescores the last days of the marts (late partitions; nothing is resent)."""


def scoring_window(day: str | None, until: str | None, suppress_delivery: bool) -> dict[str, Any]:
    """The days to score: the trigger's ``day``/``until`` params, else the marts' last days."""
    if day:
        start = date.fromisoformat(day)
        end = date.fromisoformat(until) if until else start
    else:
        latest = run.latest_days(Settings(), LOOKBACK_DAYS)
        if latest is None:
            raise ValueError("mart_likeness_daily is empty: nothing to score")
        start, end = latest
    return {"start": start.isoformat(), "end": end.isoformat(), "suppress_delivery": bool(suppress_delivery)}


def detect_and_record(window: dict[str, Any]) -> dict[str, Any]:
    """Detect the window's alerts and record the new ones with their routed deliveries."""
    settings = Settings()
    start, end = date.fromisoformat(window["start"]), date.fromisoformat(window["end"])
    alerts = run.detect_alerts(settings, start, end, store=airflow_store(settings))
    channels = channels_from_connections(settings)
    new = run.record_alerts(settings, alerts, sorted(channels), run.utc_now(), window["suppress_delivery"])
    return {"detected": len(alerts), "new": [alert.alert_id for alert in new], "channels": sorted(channels)}


def write_outbox(window: dict[str, Any]) -> int:
    """Write the window's recorded alerts to the outbox; returns the number of files."""
    start, end = date.fromisoformat(window["start"]), date.fromisoformat(window["end"])
    return len(run.write_outbox_for(Settings(), start, end))


def deliver(window: dict[str, Any]) -> dict[str, Any]:
    """Send due deliveries; raise (after recording every outcome) when any failed or was
    dead-lettered, so the run shows red while failed deliveries wait for the next run's retry
    (dead letters are not retried: their ``last_error`` in ``alert_deliveries`` says why, and a
    ``channel_failed`` alert went to the other channels)."""
    if window["suppress_delivery"]:
        return {"delivered": {}, "failed": {}, "dead_lettered": {}}
    settings = Settings()
    store = airflow_store(settings) if settings.public_base_url else None  # evidence packs read raw records
    report = run.deliver(channels_from_connections(settings), settings, run.utc_now(), store)
    outcome = {
        "delivered": dict(report.delivered),
        "failed": dict(report.failed),
        "dead_lettered": dict(report.dead_lettered),
    }
    if report.failed or report.dead_lettered:
        raise RuntimeError(
            f"alert deliveries failed (retried with backoff next run) or were dead-lettered (not "
            f"retried): {outcome}; {report.errors[:5]}"
        )
    return outcome
