"""The crash matrix of the crawl and the raw gate: the CLI ``crawl`` (crawl, land, gate) runs in a
subprocess that ends itself with ``os._exit`` right after one named commit point
(``likeness_watch.raw.points``), like a kill -9 there, not after a guessed delay. Then:

- between the crash and the next run, no ungated row is visible (nothing, or a gated partition);
- the next run ends with the day committed, every model of a clean run present once (0 lost,
  0 duplicated), and no leftovers (checkpoint, superseded parts, temporary files).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from hubsim import sim_base_url
from likeness_watch.raw import committed_partitions, iter_envelopes, read_manifest
from likeness_watch.raw.layout import partition_prefix
from likeness_watch.raw.points import CRAWL_POINTS, GATE_POINTS
from likeness_watch.store import open_store

pytestmark = pytest.mark.crash

HUB = "huggingface"
DAY = date(2023, 4, 1)
CRASHED = 137
RUN = """
import os, sys
from likeness_watch.raw import points
from likeness_watch.cli import main

crash_at = os.environ.get("CRASH_AT")
if crash_at:
    def reached(point):
        if point == crash_at:
            os._exit(137)
    points.reached = reached
sys.argv = ["likeness-watch", *sys.argv[1:]]
main()
"""


def run_crawl(lake: Path, url: str, crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LW_STORE": str(lake), "LW_HUGGINGFACE_RPS": "500", "LW_HUGGINGFACE_PAGE_SIZE": "10"}
    env.pop("CRASH_AT", None)
    if crash_at:
        env["CRASH_AT"] = crash_at
    args = ["crawl", "--hub", HUB, "--date", DAY.isoformat(), "--base-url", sim_base_url(url, HUB)]
    return subprocess.run(
        [sys.executable, "-c", RUN, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


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
def test_a_crash_at_a_commit_point_loses_nothing_and_shows_nothing_ungated(point, reference, tmp_path):
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
    assert len(ids) == len(set(ids)), "duplicated rows"
    assert sorted(ids) == expected, "lost rows"
    prefix = partition_prefix(HUB, DAY)
    assert set(store.list(prefix)) == {f.key for f in manifest.files} | {prefix + "manifest.json"}
    assert not [p for p in (lake / prefix).iterdir() if p.name.startswith(".tmp-")]
