"""The validation_results table in the state store: created on first use, appended per run, JSON
observations."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, date, datetime

import duckdb

from likeness_watch.quality.results_table import write_results
from likeness_watch.quality.summary import Outcome, ValidationSummary
from likeness_watch.state_store import StateStore


def summary(run_id):
    outcomes = [
        Outcome(
            "raw_civitai",
            "expect_a(model_id)",
            False,
            "critical",
            "1 of 2",
            '{"unexpected_count": 1}',
            "civitai",
            date(2025, 5, 1),
        ),
        Outcome(
            "raw_civitai",
            "expect_b",
            True,
            "warning",
            "observed 2",
            '{"observed_value": 2}',
            "civitai",
            date(2025, 5, 1),
        ),
    ]
    return ValidationSummary(
        run_id, datetime(2025, 5, 2, 3, 4, 5, tzinfo=UTC), "raw", "civitai 2025-05-01", outcomes
    )


def state_store(tmp_path):
    return StateStore(tmp_path / "data" / "state.duckdb", tmp_path / "data" / "warehouse.duckdb")


def test_rows_are_appended_with_the_documented_columns(tmp_path):
    state = state_store(tmp_path)
    assert write_results(state, summary("r1")) == 2
    assert write_results(state, summary("r2"), summary("r3")) == 4
    assert not state.warehouse.exists()  # gates write no warehouse
    con = duckdb.connect(str(state.path), read_only=True)
    columns = [row[0] for row in con.execute("describe validation_results").fetchall()]
    assert columns == [
        "run_id",
        "run_at",
        "layer",
        "suite",
        "hub",
        "day",
        "expectation",
        "success",
        "observed_value",
        "severity",
    ]
    rows = con.execute(
        "select run_id, run_at, day, success, observed_value::json->>'unexpected_count' "
        "from validation_results where expectation = 'expect_a(model_id)' order by run_id"
    ).fetchall()
    assert rows == [
        ("r1", datetime(2025, 5, 2, 3, 4, 5), date(2025, 5, 1), False, "1"),
        ("r2", datetime(2025, 5, 2, 3, 4, 5), date(2025, 5, 1), False, "1"),
        ("r3", datetime(2025, 5, 2, 3, 4, 5), date(2025, 5, 1), False, "1"),
    ]


def test_writing_waits_while_another_process_holds_the_file(tmp_path):
    """Per-hub raw gates run in parallel; DuckDB lets one process write a file, so a writer waits its turn."""
    state = state_store(tmp_path)
    state.path.parent.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('locked', flush=True); "
            "time.sleep(1.5)",
            str(state.path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        assert write_results(state, summary("r4")) == 2
        assert time.monotonic() - started > 0.3
    finally:
        holder.wait(timeout=30)
