"""The lw_report DAG: parses with no connections, is scheduled on the marts Asset, and writes the report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.report.fixture_warehouse import build_fixture_warehouse, fixture_state

pytestmark = pytest.mark.airflow


@pytest.fixture(scope="module")
def dag(repo_root: Path):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(repo_root / "dags" / "lw_report.py"))
    assert bag.import_errors == {}
    return bag.dags["lw_report"]


def test_dag_is_scheduled_on_marts_with_one_documented_task(dag):
    from likeness_watch.orchestration.assets import MARTS_ASSET

    assert dag.timetable.asset_condition.objects == (MARTS_ASSET,)
    assert [task.task_id for task in dag.tasks] == ["write_study_report"]
    assert dag.doc_md and all(task.doc_md for task in dag.tasks)


@pytest.fixture(scope="module")
def metadata_db(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A migrated SQLite metadata DB, and a DAG bundle holding only this DAG (``dag.test`` serialises it)."""
    from airflow import settings as airflow_settings
    from airflow.utils.db import initdb

    folder = tmp_path_factory.mktemp("dags")
    (folder / "lw_report.py").symlink_to(repo_root / "dags" / "lw_report.py")
    previous, airflow_settings.DAGS_FOLDER = airflow_settings.DAGS_FOLDER, str(folder)
    initdb()
    yield
    airflow_settings.DAGS_FOLDER = previous


def test_dag_run_writes_the_report_to_the_configured_directory(dag, metadata_db, tmp_path, monkeypatch):
    warehouse = build_fixture_warehouse(tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("LW_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("LW_STATE", str(fixture_state(warehouse)))
    monkeypatch.setenv("LW_REPORT_DIR", str(tmp_path / "report"))
    run = dag.test()
    assert run.state == "success"
    index = tmp_path / "report" / "index.html"
    assert index.read_text().startswith("<!doctype html>")
    assert (tmp_path / "report" / "tables" / "headline.csv").is_file()
