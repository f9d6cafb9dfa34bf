import json
from pathlib import Path
from types import SimpleNamespace

from likeness_watch.settings import Settings
from likeness_watch.warehouse.build import (
    BuildResult,
    LoadedPartition,
    NodeResult,
    artifacts_dir,
    dbt_args,
    dbt_vars,
    failure_message,
    first_error_line,
    node_results,
)
from likeness_watch.warehouse.paths import DBT_PROJECT_DIR


def test_vars_carry_absolute_paths_the_memory_limit_and_the_deadline(tmp_path):
    settings = Settings(
        store="data/lake",
        warehouse=Path("data/wh.duckdb"),
        state=Path("data/state.duckdb"),
        duckdb_memory_limit="300MB",
        takedown_deadline_hours=72,
    )
    variables = dbt_vars(settings, tmp_path)
    assert variables == {
        "lw_store": str(tmp_path / "data" / "lake"),
        "lw_warehouse": str(tmp_path / "data" / "wh.duckdb"),
        "lw_state": str(tmp_path / "data" / "state.duckdb"),
        "lw_watchlist": str(tmp_path / "config" / "watchlist.csv"),
        "lw_watchlist_required": "false",
        "lw_memory_limit": "300MB",
        "lw_takedown_deadline_hours": "72",
    }
    assert dbt_vars(Settings(store="s3://b/p"), tmp_path)["lw_store"] == "s3://b/p"


def test_a_configured_watchlist_is_required(tmp_path, monkeypatch):
    """As for the alerts: a typo in LW_WATCHLIST must fail the build, not drop the watchlist."""
    monkeypatch.setenv("LW_WATCHLIST", "t&s/people.csv")
    variables = dbt_vars(Settings(), tmp_path)
    assert variables["lw_watchlist"] == str(tmp_path / "t&s" / "people.csv")
    assert variables["lw_watchlist_required"] == "true"


def test_dbt_command_line(tmp_path):
    args = dbt_args({"lw_store": "/lake"}, full_refresh=True, select="+mart_targets", artifacts=tmp_path)
    assert args[0] == "build"
    assert args[args.index("--project-dir") + 1] == str(DBT_PROJECT_DIR)
    assert args[args.index("--profiles-dir") + 1] == str(DBT_PROJECT_DIR)
    assert json.loads(args[args.index("--vars") + 1]) == {"lw_store": "/lake"}
    assert args[args.index("--target-path") + 1] == str(tmp_path / "target")
    assert args[args.index("--log-path") + 1] == str(tmp_path / "logs")
    assert "--full-refresh" in args
    assert args[-2:] == ["--select", "+mart_targets"]
    assert "--full-refresh" not in dbt_args({}) and "--select" not in dbt_args({})


def test_routine_builds_skip_dbt_unit_tests():
    assert dbt_args({})[-2:] == ["--exclude-resource-type", "unit_test"]
    assert "--exclude-resource-type" not in dbt_args({}, unit_tests=True)


def test_each_warehouse_has_its_own_dbt_artifacts(tmp_path):
    assert artifacts_dir(tmp_path / "warehouse.duckdb") == tmp_path / "warehouse.duckdb.dbt"
    assert artifacts_dir(tmp_path / "candidate.duckdb") != artifacts_dir(tmp_path / "warehouse.duckdb")


def test_errors_are_reduced_to_their_telling_line():
    message = (
        "Runtime Error in model fct (models/marts/fct.sql)\n  Binder Error: column x not found\n  LINE 3"
    )
    assert first_error_line(message) == "Binder Error: column x not found"
    assert first_error_line("Database Error\n") == "Database Error"
    assert first_error_line(None) is None


def _result(name: str, status: str, message: str | None = None) -> SimpleNamespace:
    node = SimpleNamespace(name=name, resource_type="model")
    return SimpleNamespace(node=node, status=status, execution_time=1.5, message=message)


def test_failures_name_the_failing_nodes():
    run = SimpleNamespace(
        results=[
            _result("stg_civitai__models", "success", "OK"),
            _result(
                "fct_model_daily", "error", "Runtime Error in model fct_model_daily\nIO Error: No files found"
            ),
            _result("unique_dim_model_model_id", "fail", "Got 3 results, configured to fail if != 0"),
        ]
    )
    nodes = node_results(run)
    assert [n.status for n in nodes] == ["success", "error", "fail"]
    message = failure_message(nodes)
    assert message.startswith("dbt build failed in 2 node(s): ")
    assert "fct_model_daily: IO Error: No files found" in message
    assert "unique_dim_model_model_id: Got 3 results" in message
    assert failure_message([]) == "dbt build failed (see the dbt log above)"


def test_summary_counts_loaded_partitions_and_rows(tmp_path):
    result = BuildResult(
        warehouse=tmp_path / "wh.duckdb",
        store="/lake",
        full_refresh=False,
        invocation_id="abc",
        seconds=2.0,
        nodes=[NodeResult("a", "model", "success", 1.0), NodeResult("t", "test", "warn", 0.1)],
        loaded=[
            LoadedPartition("civitai", "2025-05-01", "r1", 3),
            LoadedPartition("huggingface", "2025-05-01", "r2", 2),
        ],
    )
    assert result.warnings == [result.nodes[1]] and result.failed == []
    assert "2 dbt nodes, 1 warnings; loaded 2 partitions (5 rows)" in result.summary()
