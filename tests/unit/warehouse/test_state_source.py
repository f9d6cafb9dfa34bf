"""The state source's dbt-duckdb plugin: review decisions, read-only, waiting for writers."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from dbt.adapters.duckdb.utils import SourceConfig

from likeness_watch.review.decisions import DECISIONS_SCHEMA, decision, record
from likeness_watch.state_store import StateStore
from likeness_watch.warehouse.paths import REPO_ROOT
from likeness_watch.warehouse.state_source import Plugin, state_path

HOLD = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
    "time.sleep(1.5); c.close()"
)


def source(identifier: str, **meta: str) -> SourceConfig:
    return SourceConfig(
        name=identifier, identifier=identifier, schema="review", database=None, meta=meta, tags=[]
    )


def test_decisions_are_read_from_the_configured_state_store(tmp_path: Path):
    store = StateStore(tmp_path / "state.duckdb", tmp_path / "warehouse.duckdb")
    made = decision(
        hub="civitai", model_id="7", decision="likeness", decided_by="ann", decided_at=datetime(2025, 5, 2)
    )
    record(store, [made], "cli")
    table = Plugin("state", {}).load(source("decisions", state=str(store.path)))
    assert table.schema == DECISIONS_SCHEMA
    assert [(row["model_id"], row["decision"]) for row in table.to_pylist()] == [("7", "likeness")]


def test_a_build_waits_while_a_writer_holds_the_state_store(tmp_path: Path):
    store = StateStore(tmp_path / "state.duckdb", tmp_path / "warehouse.duckdb")
    store.ensure()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(store.path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        assert Plugin("state", {}).load(source("decisions", state=str(store.path))).num_rows == 0
        assert time.monotonic() - started > 0.3
    finally:
        assert holder.wait(timeout=60) == 0


def test_relative_paths_are_from_the_repository_root():
    assert state_path("data/state.duckdb", REPO_ROOT / "dbt_project") == REPO_ROOT / "data" / "state.duckdb"
    assert state_path("/srv/state.duckdb", REPO_ROOT) == Path("/srv/state.duckdb")


def test_an_unknown_source_table_is_refused():
    with pytest.raises(ValueError, match="no source table 'alerts'"):
        Plugin("state", {}).load(source("alerts", state="x"))
