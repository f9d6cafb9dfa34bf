"""The lw_build DAG: parses fast with no connections (cosmos reads the project without dbt),
renders one task per dbt model in dependency order, and announces the marts Asset last."""

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


def test_one_task_per_model_in_order_then_the_marts_asset(parsed):
    from likeness_watch.orchestration.assets import MARTS_ASSET

    dag = parsed[0].dags["lw_build"]
    order = [task.task_id for task in dag.topological_sort()]
    names = [task_id.removeprefix("dbt.").removesuffix("_model_build") for task_id in order]
    position = {name: i for i, name in enumerate(names)}
    assert position["stg_lake__partitions"] < position["stg_civitai__models"] < position["fct_model_daily"]
    assert position["fct_model_daily"] < position["int_models__latest"] < position["int_models__classified"]
    assert position["int_models__classified"] < position["dim_model"] < position["mart_likeness_daily"]
    publish = dag.get_task("publish_marts")
    assert order[-1] == "publish_marts"
    assert publish.outlets == [MARTS_ASSET]
    assert publish.upstream_task_ids == {"validate_marts"}  # published only after the gates
    marts = {"dbt.mart_likeness_daily_model_build", "dbt.mart_reuploads_model_build"}
    assert marts <= dag.get_task("validate_staging").upstream_task_ids
