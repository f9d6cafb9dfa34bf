"""A build never drops the partitions a warehouse was built from because the store lacks them."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from click.testing import CliRunner

from likeness_watch.cli import main
from likeness_watch.raw.layout import manifest_key
from likeness_watch.store import open_store
from likeness_watch.warehouse.build import HistoryLossError, guard_history, verify_unloaded

LOADED = {("civitai", f"2025-05-0{day}", f"run{day}") for day in (1, 2, 3)} | {
    ("huggingface", "2025-05-03", "r")
}


def store_with(tmp_path, *partitions):
    store = open_store(str(tmp_path / "lake"))
    for hub, day in partitions:
        store.put_bytes(manifest_key(hub, date.fromisoformat(day)), b"{}")  # held whatever its content
    return store


def test_an_empty_store_is_refused_unless_a_full_refresh_is_forced(tmp_path):
    store = store_with(tmp_path)
    expected = (
        "the store holds none of the 4 partitions this warehouse was built from "
        "(lacks civitai 2025-05-01, civitai 2025-05-02, civitai 2025-05-03 …); "
        "check LW_STORE or pass --full-refresh --force to rebuild from this store"
    )
    for full_refresh in (False, True):
        with pytest.raises(HistoryLossError) as raised:
            guard_history(store, LOADED, full_refresh)
        assert str(raised.value) == expected
    guard_history(store, LOADED, full_refresh=True, force=True)


def test_a_store_lacking_some_days_needs_a_full_refresh(tmp_path):
    store = store_with(
        tmp_path, ("civitai", "2025-05-01"), ("civitai", "2025-05-02"), ("civitai", "2025-05-03")
    )
    with pytest.raises(
        HistoryLossError, match=r"holds 3 of the 4 .*lacks huggingface 2025-05-03\); .* --full-refresh to"
    ):
        guard_history(store, LOADED)
    guard_history(store, LOADED, full_refresh=True)


def test_every_held_partition_counts_and_a_first_build_has_nothing_to_lose(tmp_path):
    store = store_with(tmp_path, *{(hub, dt) for hub, dt, _ in LOADED}, ("civitai", "2025-05-04"))
    guard_history(store, LOADED)
    guard_history(store_with(tmp_path / "empty"), set())


def test_the_cli_refuses_a_wrong_store_in_one_line_and_keeps_the_warehouse(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("create schema intermediate")
    con.execute(
        "create table intermediate.int_model_daily as "
        "select 'civitai' as hub, date '2025-05-01' as dt, 'r1' as run_id, 42 as downloads"
    )
    con.close()
    before = warehouse.read_bytes()
    for args in ([], ["--full-refresh"]):
        result = CliRunner().invoke(
            main, ["build", "--store", str(tmp_path / "typo"), "--warehouse", str(warehouse), *args]
        )
        assert result.exit_code == 1
        assert result.output.strip() == (
            "Error: the store holds none of the 1 partitions this warehouse was built from "
            "(lacks civitai 2025-05-01); check LW_STORE or pass --full-refresh --force "
            "to rebuild from this store"
        )
    assert warehouse.read_bytes() == before
    result = CliRunner().invoke(main, ["build", "--warehouse", str(warehouse), "--force"])
    assert result.exit_code == 2 and "--force only goes with --full-refresh" in result.output


def test_the_dag_path_refuses_before_dbt_runs(tmp_path):
    """lw_build's prepare (``verify_unloaded`` on the candidate) fails, so nothing is published."""
    warehouse = tmp_path / "candidate.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("create schema intermediate")
    con.execute(
        "create table intermediate.int_model_daily as select 'civitai' hub, date '2025-05-01' dt, 'r' run_id"
    )
    con.close()
    with pytest.raises(HistoryLossError, match="none of the 1 partitions"):
        verify_unloaded(store_with(tmp_path), warehouse)
