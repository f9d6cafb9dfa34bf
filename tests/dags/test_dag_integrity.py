"""Every DAG imports cleanly with no connections or variables defined, and has no cycles."""

from __future__ import annotations

from datetime import timedelta

import pytest

pytestmark = pytest.mark.airflow


@pytest.fixture(scope="module")
def dagbag(repo_root):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(repo_root / "dags"))


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert "lw_crawl" in dagbag.dags


def test_no_cycles_and_every_task_documented(dagbag):
    for dag in dagbag.dags.values():
        assert len(dag.topological_sort()) == len(dag.tasks)
        assert dag.doc_md, f"{dag.dag_id} has no docs"


def test_every_dag_shares_the_defaults_a_utc_start_and_its_detailed_docs(dagbag):
    from likeness_watch.orchestration.defaults import DEFAULT_ARGS

    for dag in dagbag.dags.values():
        assert {key: dag.default_args[key] for key in DEFAULT_ARGS} == DEFAULT_ARGS, dag.dag_id
        assert dag.start_date.utcoffset() == timedelta(0), dag.dag_id
        assert dag.description and "\n" not in dag.description, dag.dag_id
        assert dag.doc_md.startswith("### ") and dag.doc_md.count("\n") > 3, dag.dag_id  # the long docs
        assert {task.owner for task in dag.tasks} == {DEFAULT_ARGS["owner"]}, dag.dag_id


def test_crawl_maps_one_task_per_registered_hub(dagbag):
    from likeness_watch.hubs.registry import hub_names
    from likeness_watch.orchestration.assets import raw_asset

    dag = dagbag.dags["lw_crawl"]
    crawl = dag.get_task("crawl")
    assert crawl.is_mapped
    assert crawl.pool == "lw_hub_api"
    assert crawl.retries >= 3 and crawl.retry_exponential_backoff
    publish = dag.get_task("publish")
    assert {asset.name for asset in publish.outlets} == {raw_asset(hub).name for hub in hub_names()}


def test_raw_gate_sits_between_crawl_and_publish(dagbag):
    dag = dagbag.dags["lw_crawl"]
    validate = dag.get_task("validate")
    assert validate.is_mapped and "crawl" in validate.upstream_task_ids
    assert "validate" in dag.get_task("publish").upstream_task_ids
    assert dag.get_task("publish").trigger_rule == "all_done"  # the good hubs still flow
    assert dag.get_task("all_gates_passed").trigger_rule == "all_success"  # the run fails visibly


def test_build_publishes_only_after_the_warehouse_gates(dagbag):
    dag = dagbag.dags["lw_build"]
    order = [task.task_id for task in dag.topological_sort()]
    assert order[0] == "prepare"
    assert order[-3:] == ["validate_staging", "validate_marts", "publish_marts"]
    assert [asset.name for asset in dag.get_task("publish_marts").outlets] == ["marts"]
