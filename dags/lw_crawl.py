"""The ``lw_crawl`` DAG (its docs: the DAG function's docstring)."""

from __future__ import annotations

from datetime import date

import pendulum
from airflow.sdk import CronDataIntervalTimetable, TriggerRule, dag, task

from likeness_watch.deploy.pools import HUB_POOL
from likeness_watch.hubs.registry import hub_names
from likeness_watch.orchestration.assets import raw_asset
from likeness_watch.orchestration.defaults import DEFAULT_ARGS, START_DATE


@dag(
    dag_id="lw_crawl",
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    description="Daily crawl of every registered hub into immutable raw partitions.",
    tags=["likeness_watch", "crawl"],
)
def lw_crawl() -> None:
    """### Daily crawl

    Crawl each hub for the run's day (its logical date, UTC; a run triggered without one
    crawls the last complete day), one mapped task per hub.

    A scheduled run's logical date is the start of its daily data interval; it runs once that
    day is over, so the partition holds the hubs as they were at the end of that day.

    Each crawl resumes from its checkpoint when retried. Each partition then passes the raw
    quality gate; a failing one is quarantined, its task fails naming the expectations, and the
    run fails, while the other hubs' partitions still flow to the build. ``max_active_runs=1`` keeps
    scheduled runs sequential so a hub never sees two crawls at once; backfills need
    ``--max-active-runs 1`` (Airflow 3 gives a backfill its own limit, 10 by default). The
    ``lw_hub_api`` pool caps concurrent hub crawls overall and the per-hub token bucket inside the
    client enforces each hub's rate.
    """

    @task
    def enabled_hubs() -> list[str]:
        """Hubs from the registry (adding a hub needs no DAG change)."""
        return hub_names()

    @task(pool=HUB_POOL, retries=4)  # hub outages last longer than the shared default's retries
    def crawl(hub: str, logical_date: pendulum.DateTime | None = None) -> dict:
        """Crawl one hub for the day into raw/hub=<hub>/dt=<day>/ and commit its manifest."""
        from likeness_watch.orchestration.runtime import crawl_day_of, crawl_hub

        return crawl_hub(hub, crawl_day_of(logical_date))

    @task
    def validate(summary: dict) -> dict:
        """Raw quality gate (Great Expectations); a failing partition is quarantined and this fails."""
        from likeness_watch.orchestration.runtime import gate_raw_partition

        return gate_raw_partition(summary["hub"], date.fromisoformat(summary["dt"]))

    @task(outlets=[raw_asset(hub) for hub in hub_names()], trigger_rule=TriggerRule.ALL_DONE)
    def publish() -> None:
        """Announce the day's partitions to the build DAG; quarantined ones stay invisible to it."""

    @task
    def all_gates_passed() -> None:
        """Fails the run (upstream failed) when any hub's partition was quarantined."""

    gated = validate.expand(summary=crawl.expand(hub=enabled_hubs()))
    gated >> [publish(), all_gates_passed()]


lw_crawl()
