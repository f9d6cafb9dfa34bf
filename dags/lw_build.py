"""The ``lw_build`` DAG (its docs: the DAG function's docstring)."""

from __future__ import annotations

from typing import Any

import pendulum
from airflow.sdk import dag, task

from likeness_watch.hubs.registry import hub_names
from likeness_watch.orchestration.assets import MARTS_ASSET, raw_asset
from likeness_watch.orchestration.dbt import dbt_task_group
from likeness_watch.orchestration.defaults import OWNER_LINKS, START_DATE, WAREHOUSE_ARGS
from likeness_watch.settings import Settings
from likeness_watch.warehouse.paths import candidate_path


@dag(
    dag_id="lw_build",
    schedule=[raw_asset(hub) for hub in hub_names()],
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    max_active_tasks=1,
    default_args=WAREHOUSE_ARGS,
    owner_links=OWNER_LINKS,
    description="Build, gate and publish the DuckDB warehouse (dbt) when hubs' raw partitions update.",
    tags=["likeness_watch", "warehouse"],
)
def lw_build() -> None:
    """### Warehouse build

    Incremental ``dbt build`` of the DuckDB warehouse, one Airflow task per dbt build stage (cosmos).

    **Schedule.** On assets, not times: runs once every hub's raw asset (`raw_<hub>`, emitted by
    `lw_crawl`'s `publish`) has a new event. `prepare` logs the partitions those events announce
    (hub, day, records, location, gate verdict).

    **Reads** the committed raw partitions in `LW_STORE` (only new or re-crawled ones; quarantined
    ones never) and the published warehouse (`LW_WAREHOUSE`). **Writes** a candidate copy of the
    warehouse, the staging and marts gates' results and Data Docs, then the published warehouse
    and the `marts` asset event that `lw_alert` and `lw_report` wait for.

    **Tasks.** `prepare` copies the published warehouse to the candidate; `dbt.history`,
    `dbt.model_state` and `dbt.marts` each build one stage with its tests; `validate_staging` and
    `validate_marts` gate the candidate (summary and Data Docs path on lines of their own); only
    then does `publish_marts` swap it in. Tasks run one at a time (``max_active_tasks=1``): DuckDB
    allows a single writer per file (under CeleryExecutor, on the `warehouse` queue's one worker).

    **A failure means** yesterday's marts stay published: a red dbt task names the failing model
    or test in its log, a red gate the failing expectations (gates do not retry: same data, same
    verdict), and the candidate stays on disk for inspection.

    **Rerun:** fix the cause and clear the failed task and its downstream tasks (clearing `prepare`
    starts again from the published warehouse), or trigger `lw_build` by hand: a run without asset
    events builds whatever is new or re-crawled, as every run does.
    """
    settings = Settings()
    dbt = dbt_task_group(
        group_id="dbt", settings=settings.model_copy(update={"warehouse": candidate_path(settings)})
    )

    @task
    def prepare(triggering_asset_events: Any = None) -> dict:
        """Log the partitions the triggering asset events announce, then copy the published
        warehouse to the candidate that dbt builds into."""
        from likeness_watch.orchestration.runtime import prepare_candidate, triggering_partitions

        partitions = triggering_partitions(triggering_asset_events)
        return {"candidate": prepare_candidate(), "partitions": partitions}

    @task
    def validate(layer: str, logical_date: pendulum.DateTime | None = None) -> str:
        """Quality gate on the candidate (GX); fails naming the expectations, nothing is published."""
        from likeness_watch.orchestration.runtime import gate_candidate

        return gate_candidate(layer, logical_date.date() if logical_date else None)  # asset runs: None

    @task(outlets=[MARTS_ASSET])
    def publish_marts() -> dict:
        """Swap the validated candidate in and announce fresh marts (the Asset event)."""
        from likeness_watch.orchestration.runtime import publish_validated

        return publish_validated()

    staging_gate = validate.override(task_id="validate_staging")("staging")
    marts_gate = validate.override(task_id="validate_marts")("marts")
    prepare() >> dbt >> staging_gate >> marts_gate >> publish_marts()


lw_build()
