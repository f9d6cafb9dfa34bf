"""The ``lw_build`` DAG (its docs: the DAG function's docstring)."""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task

from likeness_watch.hubs.registry import hub_names
from likeness_watch.orchestration.assets import MARTS_ASSET, raw_asset
from likeness_watch.orchestration.dbt import dbt_task_group
from likeness_watch.orchestration.defaults import DEFAULT_ARGS, START_DATE
from likeness_watch.settings import Settings
from likeness_watch.warehouse.paths import candidate_path


@dag(
    dag_id="lw_build",
    schedule=[raw_asset(hub) for hub in hub_names()],
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    max_active_tasks=1,
    default_args=DEFAULT_ARGS,
    description="Build, gate and publish the DuckDB warehouse (dbt) when hubs' raw partitions update.",
    tags=["likeness_watch", "warehouse"],
)
def lw_build() -> None:
    """### Warehouse build

    Incremental ``dbt build`` of the warehouse, one Airflow task per dbt build stage (cosmos).

    Runs when every hub has committed new raw partitions (one raw Asset per hub). Each task
    builds one stage (history, model state, marts) with its tests; only new or re-crawled
    partitions are read. Tasks run one at a time (``max_active_tasks=1``): DuckDB allows a
    single writer per file. dbt builds into a
    candidate copy of the warehouse; the staging and marts quality gates validate it, and only
    then does ``publish_marts`` swap it in and emit the marts Asset that the alert and report DAGs
    wait for. A failed gate leaves yesterday's marts published.
    """
    settings = Settings()
    dbt = dbt_task_group(
        group_id="dbt", settings=settings.model_copy(update={"warehouse": candidate_path(settings)})
    )

    @task
    def prepare() -> str:
        """Copy the published warehouse to the candidate that dbt builds into."""
        from likeness_watch.orchestration.runtime import prepare_candidate

        return prepare_candidate()

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
