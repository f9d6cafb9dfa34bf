"""Pools come from the hub registry in the format ``airflow pools import`` reads."""

from __future__ import annotations

import json

import pytest

from likeness_watch.deploy.pools import HUB_POOL, main, pools
from likeness_watch.hubs.registry import get_hub, hub_names


def test_hub_pool_lets_every_hub_crawl_at_once():
    pool = pools()[HUB_POOL]
    assert pool["slots"] == sum(get_hub(hub).pool_slots for hub in hub_names())
    assert pool["slots"] >= len(hub_names())
    assert pool["include_deferred"] is False


def test_main_writes_the_import_file(tmp_path):
    target = tmp_path / "pools.json"
    assert main([str(target)]) == 0
    written = json.loads(target.read_text())
    assert written == pools()
    # `airflow pools import` silently skips entries lacking either key.
    assert all({"slots", "description"} <= set(entry) for entry in written.values())
    assert main([]) == 2


@pytest.mark.airflow
def test_crawl_dag_uses_the_pool_the_deployment_creates(repo_root):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(repo_root / "dags" / "lw_crawl.py"))
    assert bag.import_errors == {}
    assert bag.dags["lw_crawl"].get_task("crawl").pool in pools()
