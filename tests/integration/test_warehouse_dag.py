"""The lw_build DAG: parses fast with no connections (no dbt at parse time), builds the dbt
project in three stage tasks that cover every node once, and announces the marts Asset last."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.airflow


@pytest.fixture(scope="module")
def parsed(repo_root: Path):
    from airflow.dag_processing.dagbag import DagBag

    started = time.monotonic()
    bag = DagBag(dag_folder=str(repo_root / "dags" / "lw_build.py"))
    return bag, time.monotonic() - started


def test_parses_without_errors_or_dbt(parsed):
    bag, seconds = parsed
    assert bag.import_errors == {}
    assert "lw_build" in bag.dags
    assert seconds < 25, "parsing must not run dbt (Airflow's import timeout is 30 s)"


def test_scheduled_on_every_hub_raw_asset(parsed):
    from likeness_watch.hubs.registry import hub_names
    from likeness_watch.orchestration.assets import raw_asset

    dag = parsed[0].dags["lw_build"]
    assert set(dag.timetable.asset_condition.objects) == {raw_asset(hub) for hub in hub_names()}
    assert dag.max_active_tasks == 1, "DuckDB allows one writer: dbt tasks must not overlap"


def test_stages_in_order_between_prepare_and_the_gates_then_the_marts_asset(parsed):
    from likeness_watch.orchestration.assets import MARTS_ASSET
    from likeness_watch.orchestration.dbt import STAGES

    dag = parsed[0].dags["lw_build"]
    order = [task.task_id for task in dag.topological_sort()]
    stages = [f"dbt.{stage}" for stage, _, _ in STAGES]
    assert order == ["prepare", *stages, "validate_staging", "validate_marts", "publish_marts"]
    assert all(dag.get_task(task_id).retries >= 2 for task_id in stages)
    publish = dag.get_task("publish_marts")
    assert publish.outlets == [MARTS_ASSET]
    assert publish.upstream_task_ids == {"validate_marts"}  # published only after the gates


def test_stages_select_every_dbt_node_exactly_once():
    """dbt's own selection: a node left out would never be built by the DAG, one in two stages
    would be built twice."""
    from dbt.cli.main import dbtRunner

    from likeness_watch.orchestration.dbt import STAGES
    from likeness_watch.warehouse.paths import DBT_PROJECT_DIR

    def listed(*selection: str) -> list[str]:
        args = ["ls", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
        args += ["--output", "name", "--exclude-resource-type", "unit_test", *selection]
        outcome = dbtRunner().invoke(args)
        assert outcome.success, outcome.exception
        return list(outcome.result)

    everything = listed()
    staged = []
    for _, select, exclude in STAGES:
        staged += listed("--select", select, *(["--exclude", exclude] if exclude else []))
    assert len(everything) > 100
    assert sorted(staged) == sorted(everything)
