"""Build the DuckDB warehouse (dbt) whenever a hub's raw partitions are updated."""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

from likeness_watch.hubs.registry import hub_names
from likeness_watch.orchestration.assets import MARTS_ASSET, raw_asset
from likeness_watch.warehouse.cosmos_dbt import dbt_task_group


@dag(
    dag_id="lw_build",
    schedule=[raw_asset(hub) for hub in hub_names()],
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    max_active_tasks=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=2)},
    tags=["likeness_watch", "warehouse"],
    doc_md=__doc__,
)
def lw_build() -> None:
    """Incremental ``dbt build`` of the warehouse, one Airflow task per dbt model (cosmos).

    Runs when every hub has committed new raw partitions (one raw Asset per hub). Each task
    builds one model with its tests; only new or re-crawled partitions are read. Tasks run one
    at a time (``max_active_tasks=1``): DuckDB allows a single writer per file. When the build
    succeeds, ``publish_marts`` emits the marts Asset that the alert and report DAGs wait for;
    the marts quality gate belongs between the two.
    """
    dbt = dbt_task_group(group_id="dbt")

    @task(outlets=[MARTS_ASSET])
    def publish_marts() -> dict:
        """Announce fresh marts (the Asset event) with the build's headline numbers."""
        from likeness_watch.settings import Settings
        from likeness_watch.warehouse.headlines import headline_numbers

        return {"headlines": headline_numbers(Settings().warehouse).lines()}

    dbt >> publish_marts()


lw_build()
