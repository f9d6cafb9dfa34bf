"""The ``lw_alert`` DAG (its docs: the DAG function's docstring)."""

from __future__ import annotations

from airflow.sdk import Param, dag, task

from likeness_watch.orchestration.assets import MARTS_ASSET
from likeness_watch.orchestration.defaults import OWNER_LINKS, START_DATE, WAREHOUSE_ARGS


@dag(
    dag_id="lw_alert",
    schedule=[MARTS_ASSET],
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    # Detection and recording are idempotent (alert ids); `deliver` opts out (the history's backoff).
    default_args=WAREHOUSE_ARGS,
    owner_links=OWNER_LINKS,
    description="Detect and record alerts after each marts update and deliver them to T&S channels.",
    params={
        "day": Param(
            None, type=["null", "string"], format="date", description="Score this day (default: latest)."
        ),
        "until": Param(
            None, type=["null", "string"], format="date", description="Score every day up to this one."
        ),
        "suppress_delivery": Param(False, type="boolean", description="Backfills: record, never send."),
    },
    tags=["likeness_watch", "alerts"],
)
def lw_alert() -> None:
    """### Alerts

    Runs after each validated marts update and scores the last days of the marts (or the
    `day`/`until` given when triggered by hand; set `suppress_delivery` for backfills). Alerts
    are recorded once in the warehouse's `alerts` table, written to `LW_OUTBOX`, and delivered to
    the channels defined as connections `lw_slack` (slackwebhook), `lw_webhook` (http, password =
    HMAC secret) and `lw_smtp` (smtp, extra `to`) or, failing that, by `LW_*` env vars. A failed
    delivery turns `deliver` red and stays pending; the next run retries it after its backoff. A
    delivery the receiver refuses for good (HTTP 4xx other than 408/429, SMTP 5xx), or that failed
    8 times, turns `deliver` red, is recorded as `dead_letter`, never retried (docs/alerts.md says
    how to re-queue it), and raises a `channel_failed` alert on the other channels.

    **Schedule.** On the `marts` asset (after each validated `lw_build`); by hand with
    `airflow dags trigger lw_alert -c '{"day": "2025-05-01"}'`.

    **Reads** the published marts and the state store (`LW_STATE`: alert history and deliveries).
    **Writes** new alerts and delivery outcomes to the state store, JSON files to `LW_OUTBOX`, and
    messages to the channels.

    **A failure means:** a red `detect_and_record` or `write_outbox` is a warehouse or state-store
    problem (its log says which), nothing was sent; a red `deliver` is a channel down or refusing.
    **Rerun:** clear the failed task; detection and recording are idempotent (alert ids) and
    nothing already delivered is sent again.
    """

    @task
    def scoring_window(params: dict | None = None) -> dict:
        """Which days to score and whether delivery is suppressed."""
        from likeness_watch.orchestration import alerts

        return alerts.scoring_window(params["day"], params["until"], params["suppress_delivery"])

    @task
    def detect_and_record(window: dict) -> dict:
        """Detect alerts and record new ones with their routed deliveries (never twice)."""
        from likeness_watch.orchestration import alerts

        return alerts.detect_and_record(window)

    @task
    def write_outbox(window: dict) -> int:
        """Write the recorded alerts of the window to the always-on outbox."""
        from likeness_watch.orchestration import alerts

        return alerts.write_outbox(window)

    @task(retries=0)
    def deliver(window: dict) -> dict:
        """Send due deliveries; the history's backoff, not task retries, schedules re-sends."""
        from likeness_watch.orchestration import alerts

        return alerts.deliver(window)

    window = scoring_window()
    recorded = detect_and_record(window)
    outbox = write_outbox(window)
    delivered = deliver(window)
    recorded >> outbox >> delivered


lw_alert()
