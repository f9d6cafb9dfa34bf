"""Two crawls of one hub and day through the real CLI, on local disk and on S3 (moto on 127.0.0.1):
while the first holds the partition (paused at a commit point, not after a guessed delay), the
second exits non-zero with one line naming the hub, the day and the holder, and writes nothing;
the first then finishes as if alone. A first crawl killed with SIGKILL does not block the rerun.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import boto3
import pytest

from hubsim import SimServer, sim_base_url
from likeness_watch.raw import iter_envelopes, read_manifest
from likeness_watch.raw.layout import crawl_lock_prefix
from likeness_watch.store import open_store

pytestmark = pytest.mark.slow  # a CLI crawl and raw gate per process: about a minute for the file

HUB = "huggingface"
DAY = date(2023, 4, 1)
RUN = """
import os, sys, time
from pathlib import Path
from likeness_watch.raw import points
from likeness_watch.cli import main

pause_at, gate = os.environ.get("PAUSE_AT"), Path(os.environ.get("PAUSE_GATE", "."))
if pause_at:
    def reached(point):
        if point == pause_at and not (gate / "go").exists():
            (gate / "paused").touch()
            while not (gate / "go").exists():
                time.sleep(0.05)
    points.reached = reached
sys.argv = ["likeness-watch", *sys.argv[1:]]
main()
"""


@pytest.fixture(params=["local", "s3"])
def lake_uri(request, tmp_path) -> str:
    if request.param == "local":
        return str(tmp_path / "lake")
    request.getfixturevalue("s3_env")
    bucket = f"lw-{uuid.uuid4().hex[:8]}"
    boto3.client("s3").create_bucket(Bucket=bucket)
    return f"s3://{bucket}/lake"


@pytest.fixture(scope="module")
def sim_url(sim_world):
    with SimServer(sim_world, host="127.0.0.1", port=0) as server:
        yield server.url


def crawl(lake: str, url: str, gate: Path | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "LW_STORE": lake, "LW_HUGGINGFACE_RPS": "500", "LW_HUGGINGFACE_PAGE_SIZE": "10"}
    if gate is not None:
        env.update(PAUSE_AT="checkpoint_written", PAUSE_GATE=str(gate))
    args = ["crawl", "--hub", HUB, "--date", DAY.isoformat(), "--base-url", sim_base_url(url, HUB)]
    return subprocess.Popen(
        [sys.executable, "-c", RUN, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_paused(first: subprocess.Popen[str], gate: Path) -> None:
    deadline = time.monotonic() + 120
    while not (gate / "paused").exists():
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline, "the first crawl never reached its checkpoint"
        time.sleep(0.05)


def objects(lake: str) -> dict[str, bytes]:
    store = open_store(lake)
    return {key: store.get_bytes(key) for key in store.list("") if not key.startswith("locks/")}


def test_a_second_crawl_of_the_same_day_exits_naming_the_holder(lake_uri, sim_url, tmp_path):
    gate = tmp_path / "gate"
    gate.mkdir()
    first = crawl(lake_uri, sim_url, gate)
    try:
        wait_paused(first, gate)
        before = objects(lake_uri)
        second = crawl(lake_uri, sim_url)
        out, err = second.communicate(timeout=120)
        lines = (out + err).strip().splitlines()
        assert second.returncode == 1, out + err
        assert len(lines) == 1 and "Traceback" not in err
        assert lines[0].startswith(f"Error: {HUB} {DAY} is being crawled by ")
        assert f"pid {first.pid} since " in lines[0] and lines[0].endswith("not crawled")
        assert objects(lake_uri) == before, "the refused crawl wrote nothing"
    finally:
        (gate / "go").touch()
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err[-2000:]
    store = open_store(lake_uri)
    manifest = read_manifest(store, HUB, DAY)
    assert manifest is not None and manifest.status == "committed"
    ids = [e["model_id"] for e in iter_envelopes(store, [f.key for f in manifest.files])]
    assert len(ids) == len(set(ids)) == manifest.record_count


def test_a_killed_crawl_does_not_block_the_rerun(lake_uri, sim_url, tmp_path):
    gate = tmp_path / "gate"
    gate.mkdir()
    first = crawl(lake_uri, sim_url, gate)
    wait_paused(first, gate)
    os.kill(first.pid, signal.SIGKILL)
    first.communicate(timeout=60)
    assert open_store(lake_uri).list(crawl_lock_prefix(HUB, DAY)), "the killed crawl left its lock"
    rerun = crawl(lake_uri, sim_url)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err[-2000:]
    assert read_manifest(open_store(lake_uri), HUB, DAY).status == "committed"
