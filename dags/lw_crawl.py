"""The ``lw_crawl`` DAG (its docs: the DAG function's docstring)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pendulum
from airflow.sdk import CronDataIntervalTimetable, Param, TriggerRule, dag, task

from likeness_watch.deploy.pools import HUB_POOL
from likeness_watch.hubs.registry import hub_names
from likeness_watch.orchestration.assets import raw_asset
from likeness_watch.orchestration.defaults import DEFAULT_ARGS, OWNER_LINKS, START_DATE, WAREHOUSE_QUEUE


@dag(
    dag_id="lw_crawl",
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    owner_links=OWNER_LINKS,
    description="Daily crawl of every registered hub into immutable raw partitions.",
    params={
        "day": Param(
            None,
            type=["null", "string"],
            format="date",
            pattern=r"^\d{4}-\d{2}-\d{2}$",
            description="UTC day to crawl, YYYY-MM-DD (default: the run's logical date once that day "
            "is over, else the last complete UTC day; a day not over yet fails the run).",
        ),
    },
    tags=["likeness_watch", "crawl"],
)
def lw_crawl() -> None:
    """### Daily crawl

    Crawls each registered hub (Civitai, Hugging Face) for one UTC day into an immutable raw
    partition, gates it, and announces it to `lw_build`.

    **Schedule.** Daily at 00:00 UTC for the day just over: a scheduled run's logical date is the
    start of its daily data interval, so the partition holds the hubs as they were at the end of
    that day. A manual run crawls its `day` param, else the last complete UTC day (never today's
    unfinished one): `airflow dags trigger lw_crawl -c '{"day": "2025-05-01"}'`.

    **Reads** the hubs' APIs (`LW_<HUB>_BASE_URL`: the simulator under `make airflow` unless
    `LW_REAL_HUBS=1`) and the previous partitions' crawl state. **Writes**
    `<LW_STORE>/raw/hub=<hub>/dt=<day>/` (gzip JSONL parts and a manifest), Great Expectations
    results and Data Docs, and one asset event per hub (`raw_<hub>`, its `extra`: day, hub,
    records, location, gate verdict).

    **Tasks.** `crawl` and `validate` are mapped, one instance per hub and named by it. Each crawl
    logs each phase's progress (pages, items, rate), then its totals and the partition path;
    `validate` logs the gate's summary, Data Docs path and verdict on lines of their own.

    **A failure means:** a red `crawl` is a hub outage or an unexpected response (its log says
    which); it resumes from its checkpoint on retry. A red `validate` is a failed raw gate: the
    partition is quarantined, the task fails without retries naming the expectations, and
    `all_gates_passed` turns the run red, while the other hubs' partitions still flow to the build.

    **Rerun:** clear the failed `crawl` or `validate` instance (it resumes or re-gates), or trigger
    the day again. Runs are sequential (`max_active_runs=1`) so a hub never sees two crawls at once;
    backfills need `--max-active-runs 1` (Airflow 3 gives a backfill its own limit, 10 by default).
    The `lw_hub_api` pool caps concurrent hub crawls and each hub's token bucket its rate.
    Under CeleryExecutor `crawl` runs on any worker and `validate` on the `warehouse` queue's.
    """

    @task
    def crawl_date(params: dict | None = None, logical_date: pendulum.DateTime | None = None) -> str:
        """The UTC day this run crawls: the `day` param, else the logical date once over, else the
        last complete day."""
        from likeness_watch.orchestration.runtime import crawl_day_of

        return crawl_day_of((params or {}).get("day"), logical_date).isoformat()

    @task
    def enabled_hubs() -> list[str]:
        """Hubs from the registry (adding a hub needs no DAG change)."""
        return hub_names()

    @task(
        pool=HUB_POOL,
        retries=4,  # hub outages last longer than the shared default's retries
        map_index_template="{{ task.op_kwargs['hub'] }}",
        doc_md="Crawl one hub (this instance's name) for the run's day into "
        "`raw/hub=<hub>/dt=<day>/`; logs each phase's progress and the partition path. Retries "
        "resume from the checkpoint.",
    )
    def crawl(hub: str, day: str) -> dict:
        """Crawl one hub for the day into raw/hub=<hub>/dt=<day>/ and land its manifest."""
        from likeness_watch.orchestration.runtime import crawl_hub

        return crawl_hub(hub, date.fromisoformat(day))

    @task(
        queue=WAREHOUSE_QUEUE,  # records its results and drift in the state store
        map_index_template="{{ task.op_kwargs['summary']['hub'] }}",
        doc_md="Raw quality gate (Great Expectations) on this hub's partition: logs the summary, "
        "the Data Docs path and the verdict; a failing partition is quarantined and this fails "
        "without retries.",
    )
    def validate(summary: dict) -> dict:
        """Raw quality gate (Great Expectations); a failing partition is quarantined and this fails."""
        from likeness_watch.orchestration.runtime import gate_raw_partition

        return gate_raw_partition(summary["hub"], date.fromisoformat(summary["dt"]))

    @task(outlets=[raw_asset(hub) for hub in hub_names()], trigger_rule=TriggerRule.ALL_DONE)
    def publish(day: str, outlet_events: Any = None) -> dict:
        """Announce the day's partitions to the build DAG, each event's `extra` saying what it holds
        and the gate's verdict; quarantined ones stay invisible to the build."""
        from likeness_watch.orchestration.runtime import partition_events

        extras = partition_events(date.fromisoformat(day))
        for hub, extra in extras.items():
            outlet_events[raw_asset(hub)].extra = extra
        return extras

    @task
    def all_gates_passed() -> None:
        """Fails the run (upstream failed) when any hub's partition was quarantined."""

    day = crawl_date()
    gated = validate.expand(summary=crawl.partial(day=day).expand(hub=enabled_hubs()))
    gated >> [publish(day), all_gates_passed()]


lw_crawl()
