"""The crash matrix: each flow runs in a subprocess that ends itself with ``os._exit`` right after
one named commit point (``likeness_watch.raw.points``), like a kill -9 there, not after a guessed
delay; then the flow runs again, and:

- crawl and raw gate (the CLI ``crawl``): between the crash and the next run no ungated row is
  visible (nothing, or a gated partition); the next run ends with the day committed, every model
  of a clean run present once (0 lost, 0 duplicated) and no leftovers (checkpoint, superseded
  parts, temporary files);
- build (the CLI ``build``) and publish (``pipeline.build_and_publish``, what lw_build and the
  demo run): the published warehouse is never half-built (each partition in it whole, once,
  committed), and the next run publishes every committed partition once, no landed one;
- alerts (the CLI ``alert``, a webhook that takes alerts and a Slack webhook that is gone): the
  next run ends with the history, the deliveries and the outbox of a clean run; each alert reaches
  the webhook, twice only after a crash between its send and its record, with one alert id for
  the receiver to drop the second (the channel's dedup key).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pytest

from hubsim import sim_base_url
from likeness_watch.raw import PartitionWriter, committed_partitions, iter_envelopes, read_manifest
from likeness_watch.raw.layout import partition_prefix
from likeness_watch.raw.manifest import LANDED
from likeness_watch.raw.points import (
    ALERT_POINTS,
    BUILD_POINTS,
    CRAWL_POINTS,
    DELIVERY_POINTS,
    GATE_POINTS,
    PUBLISH_POINTS,
)
from likeness_watch.settings import Settings
from likeness_watch.store import ObjectStore, open_store
from tests.integration.alert_world import DAY as ALERT_DAY
from tests.integration.alert_world import http_receiver, write_alert_world
from tests.integration.raw_records import civitai_model, envelope

pytestmark = pytest.mark.crash

HUB = "huggingface"
DAY = date(2023, 4, 1)
CRASHED = 137
RUN = """
import os, sys
from likeness_watch.raw import points

crash_at = os.environ.get("CRASH_AT")
if crash_at:
    def reached(point):
        if point == crash_at:
            os._exit(137)
    points.reached = reached
if sys.argv[1:] == ["publish"]:  # the gated chain, as lw_build and the demo run it
    from likeness_watch.pipeline import build_and_publish
    from likeness_watch.settings import Settings

    build_and_publish(Settings())
else:
    from likeness_watch.cli import main

    sys.argv = ["likeness-watch", *sys.argv[1:]]
    main()
"""


def run(
    args: list[str], env: dict[str, str], crash_at: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """One flow in a subprocess, ended at ``crash_at`` if given (exit 137); of the ``LW_*``
    settings it sees only ``env``'s."""
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("LW_", "CRASH_AT"))}, **env}
    if crash_at:
        env["CRASH_AT"] = crash_at
    return subprocess.run(
        [sys.executable, "-c", RUN, *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def run_crawl(lake: Path, url: str, crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        "LW_STORE": str(lake),
        "LW_STATE": str(lake.parent / "state.duckdb"),  # the raw gate records its results there
        "LW_HUGGINGFACE_RPS": "500",
        "LW_HUGGINGFACE_PAGE_SIZE": "10",
    }
    args = ["crawl", "--hub", HUB, "--date", DAY.isoformat(), "--base-url", sim_base_url(url, HUB)]
    return run(args, env, crash_at, cwd=lake.parent)


def model_ids(lake: Path) -> list[str]:
    store = open_store(str(lake))
    manifest = read_manifest(store, HUB, DAY)
    assert manifest is not None
    return [e["model_id"] for e in iter_envelopes(store, [f.key for f in manifest.files])]


@pytest.fixture(scope="module")
def reference(sim_world, tmp_path_factory):
    """A clean run's models, and a simulator shared by the matrix (no faults: the same answers)."""
    from hubsim import SimServer

    lake = tmp_path_factory.mktemp("clean") / "lake"
    with SimServer(sim_world, host="127.0.0.1", port=0) as server:
        done = run_crawl(lake, server.url)
        assert done.returncode == 0, done.stderr
        yield server.url, sorted(model_ids(lake))


@pytest.mark.parametrize("point", CRAWL_POINTS + GATE_POINTS)
def test_a_crash_at_a_commit_point_loses_nothing_and_shows_nothing_ungated(
    point, reference, tmp_path, record_property
):
    url, expected = reference
    lake = tmp_path / "lake"
    crashed = run_crawl(lake, url, crash_at=point)
    assert crashed.returncode == CRASHED, f"{point} never reached: {crashed.stderr[-2000:]}"
    store = open_store(str(lake))
    visible = committed_partitions(store)
    if point in CRAWL_POINTS:  # not gated yet: nothing may be visible
        assert visible == []
    else:  # the verdict was written: what is visible passed the gate
        assert [(m.hub, m.status) for m in visible] == [(HUB, "committed")]

    rerun = run_crawl(lake, url)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    manifest = read_manifest(store, HUB, DAY)
    assert manifest is not None and manifest.status == "committed"
    ids = model_ids(lake)
    record_property(
        "figure",
        f"crash crawl at {point}: exit {crashed.returncode}, {len(visible)} partition(s) visible after it; "
        f"next run exit {rerun.returncode}, {len(set(ids))} of {len(expected)} models, "
        f"{len(ids) - len(set(ids))} duplicated",
    )
    assert len(ids) == len(set(ids)), "duplicated rows"
    assert sorted(ids) == expected, "lost rows"
    prefix = partition_prefix(HUB, DAY)
    assert set(store.list(prefix)) == {f.key for f in manifest.files} | {prefix + "manifest.json"}
    assert not [p for p in (lake / prefix).iterdir() if p.name.startswith(".tmp-")]


# --- build and publish --------------------------------------------------------------------------------
FIRST_DAY = date(2025, 5, 1)


@dataclass
class WarehouseOutcome:
    """One crash and the run after it (problems: what readers could see that they must not)."""

    crashed: subprocess.CompletedProcess[str]
    visible_after_crash: list[str]
    rerun: subprocess.CompletedProcess[str]
    visible_after_rerun: list[str]
    partitions: int = 0


def write_day(store: ObjectStore, day: date, status: str = "committed") -> None:
    """Five Civitai models of ``day`` (ids unique to the day), committed or only landed."""
    writer = PartitionWriter(store, "civitai", day, records_per_file=2)
    for n in range(5):
        model_id = day.toordinal() % 10_000 * 10 + n
        record = civitai_model(model_id, f"Model {model_id} LoRA", ["celebrity"], f"{model_id:064x}", 10)
        writer.add(envelope("civitai", model_id, record))
    writer.commit(status=status, mode="incremental")


def published_problems(store: ObjectStore, warehouse: Path, complete: bool) -> list[str]:
    """What is wrong with the published daily fact: a duplicated row, a row of an ungated or
    superseded run, a partition in part; with ``complete``, a committed partition missing."""
    committed = {
        (m.hub, m.dt, m.run_id): {e["model_id"] for e in iter_envelopes(store, [f.key for f in m.files])}
        for m in committed_partitions(store)
    }
    if not warehouse.exists():
        return ["no published warehouse"] if complete else []
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select hub, strftime(dt, '%Y-%m-%d'), run_id, model_id from intermediate.int_model_daily"
        ).fetchall()
    finally:
        con.close()
    problems = [f"duplicated {key}" for key, n in Counter((h, d, m) for h, d, _, m in rows).items() if n > 1]
    loaded: dict[tuple[str, str, str], set[str]] = {}
    for hub, dt, run_id, model_id in rows:
        loaded.setdefault((hub, dt, run_id), set()).add(model_id)
    for partition, ids in loaded.items():
        if partition not in committed:
            problems.append(f"rows of {partition}, not a committed partition")
        elif ids != committed[partition]:
            problems.append(f"{partition} in part: {len(ids)} of {len(committed[partition])} models")
    if complete:
        problems += [f"{partition} lost" for partition in committed if partition not in loaded]
    return problems


def crash_chain(tmp: Path, args: list[str], points: tuple[str, ...]) -> dict[str, WarehouseOutcome]:
    """One lake and warehouse for all of ``points``: a first clean run, then for each point a new
    committed day, a run ended at the point, and the next run. A landed (ungated) day sits in the
    lake throughout; no run may show it."""
    lake, warehouse = tmp / "lake", tmp / "data" / "warehouse.duckdb"
    env = {
        "LW_STORE": str(lake),
        "LW_WAREHOUSE": str(warehouse),
        "LW_STATE": str(tmp / "data" / "state.duckdb"),
    }
    store = open_store(str(lake))
    write_day(store, FIRST_DAY)
    write_day(store, date(2025, 4, 30), status=LANDED)
    first = run(args, env, cwd=tmp)
    assert first.returncode == 0, first.stderr[-3000:]
    outcomes = {}
    for offset, point in enumerate(points, start=1):
        write_day(store, date.fromordinal(FIRST_DAY.toordinal() + offset))
        crashed = run(args, env, crash_at=point, cwd=tmp)
        after_crash = published_problems(store, warehouse, complete=False)
        rerun = run(args, env, cwd=tmp)
        outcomes[point] = WarehouseOutcome(
            crashed, after_crash, rerun, published_problems(store, warehouse, complete=True), offset + 1
        )
    return outcomes


def assert_recovered(outcome: WarehouseOutcome, flow: str, point: str, record_property) -> None:
    record_property(
        "figure",
        f"crash {flow} at {point}: exit {outcome.crashed.returncode}, visible after it "
        f"{outcome.visible_after_crash or 'consistent'}; next run exit {outcome.rerun.returncode}, "
        f"{outcome.visible_after_rerun or f'all {outcome.partitions} partitions once, none ungated'}",
    )
    assert outcome.crashed.returncode == CRASHED, f"{point} never reached: {outcome.crashed.stderr[-3000:]}"
    assert outcome.visible_after_crash == []
    assert outcome.rerun.returncode == 0, outcome.rerun.stderr[-3000:]
    assert outcome.visible_after_rerun == []


@pytest.fixture(scope="module")
def build_outcomes(tmp_path_factory) -> dict[str, WarehouseOutcome]:
    return crash_chain(tmp_path_factory.mktemp("build"), ["build"], BUILD_POINTS)


@pytest.fixture(scope="module")
def publish_outcomes(tmp_path_factory) -> dict[str, WarehouseOutcome]:
    return crash_chain(tmp_path_factory.mktemp("publish"), ["publish"], PUBLISH_POINTS)


class TestBuild:
    """``likeness-watch build``: copy the published file, dbt build the copy, checkpoint, swap.
    (A class: ``pytest -n --dist loadscope`` runs each flow of the matrix on its own worker.)"""

    @pytest.mark.parametrize("point", BUILD_POINTS)
    def test_a_crash_in_a_build_never_shows_half_a_build_and_the_next_build_loads_all_once(
        self, build_outcomes, point, record_property
    ):
        assert_recovered(build_outcomes[point], "build", point, record_property)


class TestPublish:
    """``pipeline.build_and_publish``: the candidate built and gated, checkpointed, swapped in."""

    @pytest.mark.parametrize("point", PUBLISH_POINTS)
    def test_a_crash_in_a_publish_never_shows_half_a_warehouse_and_the_next_run_publishes_all_once(
        self, publish_outcomes, point, record_property
    ):
        assert_recovered(publish_outcomes[point], "publish", point, record_property)


# --- alerts and delivery --------------------------------------------------------------------------
SECRET = "whsec-crash"


@dataclass
class AlertOutcome:
    """An alert run's end state: history, deliveries, outbox, and what each receiver got."""

    runs: list[subprocess.CompletedProcess[str]]
    alerts: list[str] = field(default_factory=list)
    deliveries: list[tuple[str, str, str]] = field(default_factory=list)
    outbox: list[str] = field(default_factory=list)
    webhook: Counter[str] = field(default_factory=Counter)
    """POSTs per ``X-LikenessWatch-Alert-Id`` (the webhook's dedup key)."""
    slack: int = 0


def alert_run(base: Path, case: Path, receiver, crash_at: str | None) -> AlertOutcome:
    """A copy of the alert world in ``case``; ``alert`` ended at ``crash_at`` (if any), then run
    again; Slack's webhook is gone (404, dead-lettered), the webhook takes everything."""
    shutil.copytree(base, case)
    host, port = receiver.server_address
    name = case.name
    receiver.status[f"/slack-{name}"] = 404
    env = {
        "LW_STORE": str(case / "lake"),
        "LW_WAREHOUSE": str(case / "warehouse.duckdb"),
        "LW_STATE": str(case / "state.duckdb"),
        "LW_OUTBOX": str(case / "outbox"),
        "LW_WATCHLIST": str(case / "watchlist.csv"),
        "LW_WEBHOOK_URL": f"http://{host}:{port}/hook-{name}",
        "LW_WEBHOOK_SECRET": SECRET,
        "LW_SLACK_WEBHOOK_URL": f"http://{host}:{port}/slack-{name}/T0/B0/X",
    }
    args = ["alert", "--date", ALERT_DAY.isoformat()]
    runs = [run(args, env, crash_at, cwd=case)] if crash_at else []
    runs.append(run(args, env, cwd=case))
    outcome = AlertOutcome(runs)
    con = duckdb.connect(str(case / "state.duckdb"), read_only=True)
    try:
        outcome.alerts = [a for (a,) in con.execute("select alert_id from alerts order by 1").fetchall()]
        outcome.deliveries = con.execute(
            "select alert_id, channel, status from alert_deliveries order by all"
        ).fetchall()
    finally:
        con.close()
    outcome.outbox = sorted(p.name for p in (case / "outbox").iterdir())
    for prefix, headers, _, _ in list(receiver.requests):
        if prefix == f"/hook-{name}":
            outcome.webhook[headers["X-LikenessWatch-Alert-Id"]] += 1
        elif prefix == f"/slack-{name}":
            outcome.slack += 1
    return outcome


ALERT_MATRIX = ALERT_POINTS + DELIVERY_POINTS


@pytest.fixture(scope="module")
def alert_outcomes(tmp_path_factory) -> dict[str | None, AlertOutcome]:
    """A clean run (key None) and one crashed run per point, three at a time."""
    root = tmp_path_factory.mktemp("alerts")
    base = root / "world"
    base.mkdir()
    write_alert_world(
        Settings(
            store=str(base / "lake"),
            warehouse=base / "warehouse.duckdb",
            state=base / "state.duckdb",
            watchlist=base / "watchlist.csv",
        )
    )
    with http_receiver() as receiver, ThreadPoolExecutor(3) as pool:
        cases = {point: root / (point or "clean") for point in (None, *ALERT_MATRIX)}
        futures = {
            point: pool.submit(alert_run, base, case, receiver, point) for point, case in cases.items()
        }
        return {point: future.result() for point, future in futures.items()}


class TestAlerts:
    def test_a_clean_run_dead_letters_slack_and_raises_channel_failed(self, alert_outcomes):
        clean = alert_outcomes[None]
        assert clean.runs[-1].returncode == 0, clean.runs[-1].stderr[-3000:]
        statuses = Counter((channel, status) for _, channel, status in clean.deliveries)
        n = statuses["slack", "dead_letter"]
        assert n >= 2 and statuses == {("slack", "dead_letter"): n, ("webhook", "delivered"): n + 1}
        assert sorted(clean.webhook) == clean.alerts and set(clean.webhook.values()) == {1}
        assert clean.outbox == [f"{alert_id}.json" for alert_id in clean.alerts]

    @pytest.mark.parametrize("point", ALERT_MATRIX)
    def test_a_crash_in_an_alert_run_loses_nothing_and_sends_twice_only_under_one_id(
        self, alert_outcomes, point, record_property
    ):
        clean, outcome = alert_outcomes[None], alert_outcomes[point]
        crashed, rerun = outcome.runs
        resent = {alert_id: n - 1 for alert_id, n in outcome.webhook.items() if n > 1}
        record_property(
            "figure",
            f"crash alert at {point}: exit {crashed.returncode}; next run exit {rerun.returncode}, "
            f"{len(outcome.alerts)} alerts recorded (clean run {len(clean.alerts)}), "
            f"{len(outcome.webhook)} reached the webhook, {sum(resent.values())} sent twice under one id",
        )
        assert crashed.returncode == CRASHED, f"{point} never reached: {crashed.stderr[-3000:]}"
        assert rerun.returncode == 0, rerun.stderr[-3000:]
        assert outcome.alerts == clean.alerts, "recorded once each, none lost"
        assert outcome.deliveries == clean.deliveries
        assert outcome.outbox == clean.outbox, "one file per alert, no temporary files"
        assert sorted(outcome.webhook) == sorted(clean.webhook), "every alert reached the webhook"
        assert sum(resent.values()) == (1 if point == "alert_sent" else 0), resent
        assert outcome.slack == clean.slack, "a refused alert is not offered again"
