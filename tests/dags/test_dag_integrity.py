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
    from likeness_watch.orchestration.defaults import DEFAULT_ARGS, OWNER_LINKS

    for dag in dagbag.dags.values():
        assert {key: dag.default_args[key] for key in DEFAULT_ARGS} == DEFAULT_ARGS, dag.dag_id
        assert dag.start_date.utcoffset() == timedelta(0), dag.dag_id
        assert dag.description and "\n" not in dag.description, dag.dag_id
        assert dag.doc_md.startswith("### ") and len(dag.doc_md) > 600, dag.dag_id  # the long docs
        for part in ("Schedule", "Reads", "Writes", "failure means", "Rerun"):
            assert part.lower() in dag.doc_md.lower(), f"{dag.dag_id}'s docs do not say: {part}"
        assert {task.owner for task in dag.tasks} == {DEFAULT_ARGS["owner"]}, dag.dag_id
        assert dag.owner_links == OWNER_LINKS and OWNER_LINKS[DEFAULT_ARGS["owner"]].endswith("#airflow")


def test_every_mapped_task_is_named_and_documented(dagbag):
    """The UI shows mapped instances by name (a hub), not "Map Index 0"."""
    mapped = [task for dag in dagbag.dags.values() for task in dag.tasks if task.is_mapped]
    assert {task.task_id for task in mapped} >= {"crawl", "validate"}
    for task in mapped:
        assert task.map_index_template and "hub" in task.map_index_template, task.task_id
        assert task.doc_md, task.task_id


def test_a_manual_crawl_takes_a_validated_day(dagbag):
    from airflow.sdk.exceptions import ParamValidationError

    day = dagbag.dags["lw_crawl"].params.get_param("day")
    assert day.description and day.resolve(None) is None  # default: the last complete day
    assert day.resolve("2025-05-01") == "2025-05-01"
    for wrong in ("2025-5-1", "01/05/2025", "2025-13-01"):
        with pytest.raises(ParamValidationError):
            day.resolve(wrong)


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


def test_tasks_that_open_the_duckdb_files_share_the_warehouse_queue(dagbag):
    """Under CeleryExecutor one worker (concurrency 1) consumes the warehouse queue, beside the
    warehouse and state files: every task that opens them must be routed there (builds, gates,
    alerts, the report, the raw gate's results), every other task to Airflow's default queue,
    which any worker consumes."""
    from airflow.configuration import conf

    from likeness_watch.orchestration.defaults import WAREHOUSE_QUEUE

    default_queue = conf.get("operators", "default_queue")
    assert default_queue != WAREHOUSE_QUEUE
    opens_the_files = {"lw_build": "*", "lw_alert": "*", "lw_report": "*", "lw_crawl": {"validate"}}
    assert set(opens_the_files) == set(dagbag.dags), "a new DAG: say which of its tasks open the files"
    for dag_id, dag in dagbag.dags.items():
        for task in dag.tasks:
            expected = opens_the_files[dag_id] == "*" or task.task_id in opens_the_files[dag_id]
            assert task.queue == (WAREHOUSE_QUEUE if expected else default_queue), (dag_id, task.task_id)
    assert len([t for t in dagbag.dags["lw_build"].tasks if t.task_id.startswith("dbt.")]) >= 3  # cosmos too
