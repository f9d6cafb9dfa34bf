"""Run the crawl DAG, then the build DAG, for one logical date with ``airflow dags test`` against
the simulator: the real task code, in Airflow, without a scheduler."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from hubsim import sim_base_url
from likeness_watch.raw import committed_partitions
from likeness_watch.store import open_store

pytestmark = pytest.mark.airflow


def airflow(args: list[str], env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess:
    cli = Path(sys.executable).parent / "airflow"
    return subprocess.run([str(cli), *args], env=env, capture_output=True, text=True, timeout=timeout)


def test_crawl_dag_writes_one_partition_per_hub_then_build_dag_publishes_marts(sim, tmp_path, repo_root):
    lake = tmp_path / "lake"
    warehouse = tmp_path / "warehouse" / "warehouse.duckdb"
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(repo_root / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "LW_STORE": str(lake),
        "LW_WAREHOUSE": str(warehouse),
        "LW_CIVITAI_BASE_URL": sim_base_url(sim.url, "civitai"),
        "LW_HUGGINGFACE_BASE_URL": sim_base_url(sim.url, "huggingface"),
        "LW_CIVITAI_RPS": "500",
        "LW_HUGGINGFACE_RPS": "500",
        "LW_GAP_PROBE_BUDGET": "50",
    }
    migrate = airflow(["db", "migrate"], env)
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    run = airflow(["dags", "test", "lw_crawl", "2023-04-01"], env)
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
    manifests = committed_partitions(open_store(str(lake)))
    assert {(m.hub, m.dt) for m in manifests} == {("civitai", "2023-04-01"), ("huggingface", "2023-04-01")}
    assert all(m.record_count > 0 for m in manifests)
    lines = (run.stdout + run.stderr).splitlines()
    for hub in ("civitai", "huggingface"):
        assert any(f"Crawl {hub} 2023-04-01 phase discovery done: " in line for line in lines), hub
        where = re.escape(f"{lake}/raw/hub={hub}/dt=2023-04-01/")
        partition = re.compile(rf"Partition (landed|committed): {where}")
        verdict = f"Raw gate verdict for {hub} 2023-04-01: PASSED, partition committed"
        assert any(partition.search(line) for line in lines), hub
        assert any(verdict in line for line in lines), hub
    assert any("Data Docs: " in line for line in lines)
    assert not [line for line in lines if "Skipping registering function" in line]

    build = airflow(["dags", "test", "lw_build", "2023-04-01"], env)
    assert build.returncode == 0, (build.stdout + build.stderr)[-3000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        published = dict(con.execute("select hub, count(*) from dim_model group by hub").fetchall())
        (days,) = con.execute("select count(distinct day) from mart_likeness_daily").fetchone()
    assert set(published) == {"civitai", "huggingface"} and min(published.values()) > 0
    assert days == 1
