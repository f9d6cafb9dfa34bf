"""What the local stack produced (run by scripts/test-stack.sh after the scheduler settles).

The script starts PostgreSQL, moto S3, the simulator and Airflow, backfills ``lw_crawl`` for the
last days and lets the raw/marts Assets trigger the rest of the chain; these tests read the
results: Airflow's metadata DB, the object store, the warehouse and the outbox. Assertions on a
step apply once the DAG that runs it exists (the chain is data-aware, so the metadata DB says which
DAGs consume and produce which Assets). With ``STACK_SOURCE=replay`` the hubs are real recorded
records (``../shared/real``) served by ``simulate --replay``: the same chain, plus what real shapes
must give (every record committed, drift recorded but not blocking, a ``schema_drift`` alert).
With ``STACK_EXECUTOR=celery`` the tasks ran in Celery workers: the same outcomes, plus where each
task ran (the warehouse queue's tasks on its one worker, one at a time; the others on both
default-queue workers).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from likeness_watch.hubs.registry import hub_names
from likeness_watch.orchestration.assets import MARTS_ASSET, raw_asset
from likeness_watch.raw import read_manifest
from likeness_watch.store import open_store

pytestmark = pytest.mark.stack

ENV = (
    "STACK_DB_URL",
    "STACK_STORE",
    "STACK_WAREHOUSE",
    "STACK_OUTBOX",
    "STACK_WATCHLIST",
    "STACK_FIRST_DAY",
    "STACK_LAST_DAY",
    "STACK_SLACK_LOG",
    "STACK_API_URL",
    "STACK_AIRFLOW_HOME",
)


@pytest.fixture(scope="module")
def stack() -> dict[str, str]:
    missing = [name for name in ENV if not os.environ.get(name)]
    if missing:
        pytest.skip(f"run through `make test-stack` (missing {', '.join(missing)})")
    return {name: os.environ[name] for name in ENV}


@pytest.fixture(scope="module")
def days(stack) -> list[date]:
    first, last = date.fromisoformat(stack["STACK_FIRST_DAY"]), date.fromisoformat(stack["STACK_LAST_DAY"])
    return [first + timedelta(n) for n in range((last - first).days + 1)]


@pytest.fixture(scope="module")
def db(stack):
    from sqlalchemy import create_engine, text

    engine = create_engine(stack["STACK_DB_URL"])

    def query(sql: str, **params) -> list:
        with engine.connect() as con:
            return [tuple(row) for row in con.execute(text(sql), params)]

    yield query
    engine.dispose()


def _runs(db, dag_id: str) -> list[tuple]:
    return db(
        "select run_type, state, data_interval_start from dag_run where dag_id = :dag_id order by run_after",
        dag_id=dag_id,
    )


def _consumers(db, asset_name: str) -> set[str]:
    rows = db(
        "select r.dag_id from dag_schedule_asset_reference r join asset a on a.id = r.asset_id"
        " where a.name = :name",
        name=asset_name,
    )
    return {row[0] for row in rows}


def _producers(db, asset_name: str) -> set[str]:
    rows = db(
        "select r.dag_id from task_outlet_asset_reference r join asset a on a.id = r.asset_id"
        " where a.name = :name",
        name=asset_name,
    )
    return {row[0] for row in rows}


def test_the_scheduler_ran_the_daily_crawl_for_every_day(db, days):
    runs = _runs(db, "lw_crawl")
    assert sorted(run[2].date() for run in runs) == days
    assert {(run[0], run[1]) for run in runs} == {("backfill", "success")}
    mapped = db(
        "select count(*), min(state), max(state) from task_instance"
        " where dag_id = 'lw_crawl' and task_id = 'crawl'"
    )[0]
    assert mapped == (len(days) * len(hub_names()), "success", "success")


@pytest.fixture(scope="module")
def api(stack):
    """GET on the running api-server's REST API, with a token for the admin that
    scripts/airflow-local.sh defines (simple auth manager; its password in the generated file)."""
    import requests

    base = stack["STACK_API_URL"].rstrip("/")
    passwords = Path(stack["STACK_AIRFLOW_HOME"], "simple_auth_manager_passwords.json.generated")
    username, password = next(iter(json.loads(passwords.read_text(encoding="utf-8")).items()))
    token = requests.post(f"{base}/auth/token", json={"username": username, "password": password}, timeout=30)
    assert token.ok, token.text
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def get(path: str) -> dict:
        response = session.get(f"{base}/api/v2/{path}", timeout=30)
        assert response.ok, f"{path}: {response.status_code} {response.text[:300]}"
        return response.json()

    yield get
    session.close()


def test_mapped_crawl_tasks_are_named_by_their_hub_in_the_api(api):
    from urllib.parse import quote

    runs = [run for run in api("dags/lw_crawl/dagRuns")["dag_runs"] if run["state"] == "success"]
    assert runs, "no finished lw_crawl run"
    for run in runs:
        instances = api(f"dags/lw_crawl/dagRuns/{quote(run['dag_run_id'], safe='')}/taskInstances")
        for task_id in ("crawl", "validate"):
            named = {
                ti["rendered_map_index"] for ti in instances["task_instances"] if ti["task_id"] == task_id
            }
            assert named == set(hub_names()), f"{run['dag_run_id']} {task_id}: {named}"


def test_raw_asset_events_say_which_partition_they_announce(stack, db, days):
    for hub in hub_names():
        rows = db(
            "select e.extra from asset_event e join asset a on a.id = e.asset_id where a.name = :name",
            name=raw_asset(hub).name,
        )
        extras = [json.loads(extra) if isinstance(extra, str) else extra for (extra,) in rows]
        assert sorted(extra["day"] for extra in extras) == [day.isoformat() for day in days], hub
        for extra in extras:
            assert extra["hub"] == hub and extra["verdict"] == "passed" and extra["records"] > 0, extra
            assert extra["location"] == f"{stack['STACK_STORE']}/raw/hub={hub}/dt={extra['day']}/", extra


def test_every_hub_day_is_a_committed_partition_in_s3(stack, days):
    store = open_store(stack["STACK_STORE"])
    for hub in hub_names():
        for day in days:
            manifest = read_manifest(store, hub, day)
            assert manifest is not None, f"no manifest for {hub} {day}"
            assert manifest.status == "committed"
            assert all(store.exists(entry.key) for entry in manifest.files)
        first = read_manifest(store, hub, days[0])
        assert first.mode == "sweep" and first.record_count > 0, f"{hub}: first crawl found nothing"


def test_raw_assets_were_announced_once_per_hub_and_day(db, days):
    for hub in hub_names():
        events = db(
            "select count(*) from asset_event e join asset a on a.id = e.asset_id where a.name = :name",
            name=raw_asset(hub).name,
        )[0][0]
        assert events == len(days), hub


def test_asset_consumers_ran_and_succeeded(db):
    """Every DAG scheduled on the raw or marts Assets ran on their events, and never failed."""
    produced = {raw_asset(hub).name for hub in hub_names()}
    if _producers(db, MARTS_ASSET.name) & {row[0] for row in db("select dag_id from dag_run")}:
        produced.add(MARTS_ASSET.name)
    consumers = set().union(*(_consumers(db, name) for name in produced))
    for dag_id in sorted(consumers):
        runs = _runs(db, dag_id)
        assert runs, f"{dag_id} never ran"
        assert {run[0] for run in runs} == {"asset_triggered"}, dag_id
        assert {run[1] for run in runs} == {"success"}, f"{dag_id}: {runs}"


def test_quality_gates_pass_before_each_asset_is_published(db):
    """crawl → validate → build → validate: in every run of a DAG that publishes an Asset, the
    validation tasks succeeded and finished before the publishing task started."""
    publishers = db(
        "select distinct r.dag_id, r.task_id from task_outlet_asset_reference r"
        " join dag_run d on d.dag_id = r.dag_id"
    )
    gated = 0
    for dag_id, task_id in publishers:
        rows = db(
            "select v.run_id, v.state, v.end_date, p.start_date from task_instance v"
            " join task_instance p on p.dag_id = v.dag_id and p.run_id = v.run_id and p.task_id = :task"
            " where v.dag_id = :dag and v.task_id like '%validate%'",
            dag=dag_id,
            task=task_id,
        )
        for run_id, state, ended, published in rows:
            assert state == "success", f"{dag_id} {run_id}: a gate is {state}"
            assert ended <= published, f"{dag_id} {run_id}: {task_id} started before its gate ended"
        gated += bool(rows)
    if not gated:
        pytest.skip("no DAG has validation tasks yet")


def test_marts_in_the_warehouse(stack, db):
    if not _producers(db, MARTS_ASSET.name):
        pytest.skip("no DAG publishes the marts Asset yet (lw_build)")
    import duckdb

    path = Path(stack["STACK_WAREHOUSE"])
    assert path.is_file(), "the build wrote no warehouse"
    with duckdb.connect(str(path), read_only=True) as con:
        marts = con.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_name like 'mart\\_%' escape '\\'"
        ).fetchall()
        assert marts, "no mart_* tables"
        rows = {
            f"{schema}.{name}": con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
            for schema, name in marts
        }
    assert any(rows.values()), f"every mart is empty: {rows}"


def replay(stack) -> bool:
    return os.environ.get("STACK_SOURCE") == "replay"


def test_watchlisted_names_reach_the_outbox(stack, db, days):
    """The script's watchlist names people the world publishes after the first day: each scored day
    with such a model must leave a watchlist alert file in the outbox."""
    if replay(stack):
        pytest.skip("real records: the stack watch-lists nobody")
    if not _runs(db, "lw_alert"):
        pytest.skip("lw_alert has not run (it waits for the marts Asset)")
    text = Path(stack["STACK_WATCHLIST"]).read_text(encoding="utf-8")
    watched = {row["name"] for row in csv.DictReader(io.StringIO(text))}
    alerts = [json.loads(path.read_text()) for path in sorted(Path(stack["STACK_OUTBOX"]).glob("*.json"))]
    assert alerts, "the alert runs left nothing in the outbox"
    matches = [alert for alert in alerts if alert["kind"] == "watchlist_match"]
    assert matches, f"no watchlist alert among {[alert['kind'] for alert in alerts]}"
    for alert in matches:
        assert alert["subject"] in watched
        assert days[0] < date.fromisoformat(alert["day"]) <= days[-1], "first-day models are no news"


def test_each_alert_reached_slack_exactly_once(stack, db):
    """Every alert run re-scores the last days, and the next build runs while alerts are sent:
    each alert in the outbox reached Slack (through the ``lw_slack`` connection) exactly once."""
    if len(_runs(db, "lw_alert")) < 2:
        pytest.skip("fewer than two alert runs: nothing overlapped")
    outbox = {path.stem for path in Path(stack["STACK_OUTBOX"]).glob("*.json")}
    log = Path(stack["STACK_SLACK_LOG"])
    posts = (
        [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    )
    sent = [post["alert_id"] for post in posts]
    assert sent, "no alert reached the Slack stand-in"
    assert len(sent) == len(set(sent)), "an alert was sent twice"
    assert set(sent) == outbox
    assert all(post["body"]["blocks"] for post in posts)  # Block Kit messages


@pytest.fixture(scope="module")
def real_counts(stack) -> dict[str, int]:
    """Records the real dump gives each hub (all Civitai items are listed or probed: the crawl
    commits what it reached; Hugging Face: one repo per card)."""
    if not replay(stack):
        pytest.skip("simulator run: real-record checks apply to STACK_SOURCE=replay")
    return {"civitai": 15_000, "huggingface": 2_400}


def test_real_records_are_committed_whole(stack, days, real_counts):
    store = open_store(stack["STACK_STORE"])
    for hub, at_least in real_counts.items():
        manifest = read_manifest(store, hub, days[-1])
        assert manifest.status == "committed" and manifest.record_count >= at_least, (hub, manifest)


def test_real_shapes_publish_with_their_drift_recorded(stack, real_counts):
    import duckdb

    with duckdb.connect(stack["STACK_WAREHOUSE"], read_only=True) as con:
        models = dict(con.execute("select hub, count(*) from dim_model group by hub").fetchall())
        likeness = con.execute("select count(*) from dim_model where is_likeness").fetchone()[0]
    assert all(models.get(hub, 0) >= at_least for hub, at_least in real_counts.items()), models
    assert likeness > 0
    alerts = [json.loads(path.read_text()) for path in Path(stack["STACK_OUTBOX"]).glob("*.json")]
    assert any(alert["kind"] == "schema_drift" and alert["hub"] == "civitai" for alert in alerts), [
        alert["kind"] for alert in alerts
    ]


@pytest.fixture(scope="module")
def ran_on(stack, db) -> dict[str, tuple[str, str, str, str, datetime, datetime]]:
    """Each finished task instance by the Celery worker that ran it: the workers' logs
    (``worker-<name>.log``, scripts/airflow-local.sh) name every task instance they execute."""
    if os.environ.get("STACK_EXECUTOR") != "celery":
        pytest.skip("LocalExecutor run: no Celery workers")
    executed = re.compile(r"Executing workload in Celery: .*?\bti=TaskInstance\w*\(id=UUID\('([0-9a-f-]+)'\)")
    worker_of: dict[str, str] = {}
    for log in Path(stack["STACK_AIRFLOW_HOME"], "logs").glob("worker-*.log"):
        worker = log.stem.removeprefix("worker-")
        for ti_id in executed.findall(log.read_text(encoding="utf-8", errors="replace")):
            assert worker_of.setdefault(ti_id, worker) == worker, f"task instance {ti_id} ran twice"
    rows = db(
        "select id::text, dag_id, task_id, queue, start_date, end_date from task_instance"
        " where state = 'success'"
    )
    assert rows
    missing = [(dag_id, task_id) for ti_id, dag_id, task_id, *_ in rows if ti_id not in worker_of]
    assert not missing, f"no worker log names these task instances: {missing[:5]}"
    return {
        ti_id: (worker_of[ti_id], dag_id, task_id, queue, start, end)
        for ti_id, dag_id, task_id, queue, start, end in rows
    }


def test_celery_ran_each_task_on_a_worker_of_its_queue(ran_on):
    from likeness_watch.orchestration.defaults import WAREHOUSE_QUEUE

    for worker, dag_id, task_id, queue, *_ in ran_on.values():
        assert worker.rstrip("0123456789") == queue, f"{dag_id}.{task_id} ({queue}) ran on {worker}"
    queues = {(dag_id, task_id): queue for _, dag_id, task_id, queue, *_ in ran_on.values()}
    assert queues[("lw_build", "publish_marts")] == WAREHOUSE_QUEUE
    assert queues[("lw_build", "dbt.marts")] == WAREHOUSE_QUEUE
    assert queues[("lw_crawl", "validate")] == WAREHOUSE_QUEUE  # it writes the state store
    assert queues[("lw_crawl", "crawl")] != WAREHOUSE_QUEUE


def test_celery_spread_the_other_tasks_over_both_default_workers(ran_on):
    from likeness_watch.orchestration.defaults import WAREHOUSE_QUEUE

    workers = {worker for worker, _, _, queue, *_ in ran_on.values() if queue != WAREHOUSE_QUEUE}
    assert len(workers) >= 2, f"every default-queue task ran on {workers}"
    crawls = {
        worker
        for worker, dag_id, task_id, *_ in ran_on.values()
        if (dag_id, task_id) == ("lw_crawl", "crawl")
    }
    assert len(crawls) >= 2, f"every hub crawl ran on {crawls}"


def test_celery_ran_the_warehouse_tasks_one_at_a_time(ran_on):
    """One worker with concurrency 1: no two tasks that open the DuckDB files overlapped in time
    (across DAGs: a build, the next day's raw gates, alerts and the report)."""
    from likeness_watch.orchestration.defaults import WAREHOUSE_QUEUE

    spans = sorted(
        (start, end, f"{dag_id}.{task_id}")
        for _, dag_id, task_id, queue, start, end in ran_on.values()
        if queue == WAREHOUSE_QUEUE
    )
    assert {name.split(".")[0] for *_, name in spans} >= {"lw_build", "lw_crawl", "lw_alert", "lw_report"}
    for (_, ended, before), (started, _, after) in zip(spans, spans[1:]):
        assert started >= ended, f"{after} started before {before} ended"
