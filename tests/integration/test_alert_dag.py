"""The lw_alert DAG: parses with no connections, is wired on the marts Asset, and runs end to end."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from likeness_watch.raw import PartitionWriter
from likeness_watch.settings import Settings
from likeness_watch.store import open_store

pytestmark = pytest.mark.airflow
START, DAY = date(2025, 4, 1), date(2025, 5, 10)


@pytest.fixture(scope="module")
def dag(repo_root: Path):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(repo_root / "dags" / "lw_alert.py"))
    assert bag.import_errors == {}
    return bag.dags["lw_alert"]


def test_dag_is_scheduled_on_marts_and_thin(dag):
    from likeness_watch.orchestration.assets import MARTS_ASSET

    assert dag.timetable.asset_condition.objects == (MARTS_ASSET,)
    order = [task.task_id for task in dag.topological_sort()]
    assert order == ["scoring_window", "detect_and_record", "write_outbox", "deliver"]
    assert dag.get_task("deliver").retries == 0
    assert all(task.doc_md for task in dag.tasks)


@pytest.fixture
def spiky_world(settings: Settings, tmp_path: Path, monkeypatch) -> Settings:
    for name in Settings.model_fields:
        if name.startswith(("alert_", "slack_", "webhook_", "smtp_")):
            monkeypatch.delenv(f"LW_{name.upper()}", raising=False)
    (tmp_path / "watchlist.csv").write_text("name,aliases\n")
    monkeypatch.setenv("LW_WATCHLIST", str(tmp_path / "watchlist.csv"))
    store = open_store(settings.store)
    all_days = [START + timedelta(days=i) for i in range((DAY - START).days + 1)]
    for day in all_days:
        PartitionWriter(store, "civitai", day).commit(mode="incremental")
    daily = pd.DataFrame(
        [{"day": d, "hub": "civitai", "new_likeness_models": 30 if d == DAY else 2} for d in all_days]
    )
    con = duckdb.connect(str(settings.warehouse))
    con.register("daily", daily)
    con.execute(
        "create table mart_likeness_daily as select day::date as day, hub, new_likeness_models from daily"
    )
    con.execute(
        "create table dim_model (hub varchar, model_id varchar, name varchar, first_seen date, "
        "is_likeness boolean, likeness_confidence double, target_name varchar, nsfw_intent boolean)"
    )
    con.close()
    return settings


@pytest.fixture(scope="module")
def metadata_db(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Migrate the throwaway Airflow home's SQLite DB; point the DAG bundle at a folder holding
    only this DAG (``dag.test`` serialises the DAGs of its bundle)."""
    from airflow import settings as airflow_settings
    from airflow.utils.db import initdb

    folder = tmp_path_factory.mktemp("dags")
    (folder / "lw_alert.py").symlink_to(repo_root / "dags" / "lw_alert.py")
    previous, airflow_settings.DAGS_FOLDER = airflow_settings.DAGS_FOLDER, str(folder)
    initdb()
    yield
    airflow_settings.DAGS_FOLDER = previous


def test_dag_run_records_and_writes_the_outbox_without_connections(dag, metadata_db, spiky_world: Settings):
    dag.test(run_conf={"day": DAY.isoformat()})
    files = list(Path(spiky_world.outbox).glob("*.json"))
    assert [json.loads(f.read_text())["kind"] for f in files] == ["spike"]
    con = duckdb.connect(str(spiky_world.state), read_only=True)
    assert con.execute("select kind, hub, day from alerts").fetchall() == [("spike", "civitai", DAY)]
    con.close()
