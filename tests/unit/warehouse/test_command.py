from pathlib import Path

from click.testing import CliRunner
from filelock import Timeout

from likeness_watch.cli import main
from likeness_watch.warehouse import build as build_module
from likeness_watch.warehouse.access import writer_lock
from likeness_watch.warehouse.build import BuildResult, WarehouseBuildError


def test_flags_override_settings_and_failures_are_one_line(monkeypatch, tmp_path):
    seen = {}

    def failing(settings, full_refresh=False, select=None, unit_tests=False, force=False):
        seen.update(store=settings.store, warehouse=settings.warehouse, full_refresh=full_refresh)
        seen.update(select=select, unit_tests=unit_tests)
        raise WarehouseBuildError("dbt build failed in 1 node(s): fct_model_daily: IO Error")

    monkeypatch.setattr(build_module, "build_warehouse", failing)
    result = CliRunner().invoke(
        main,
        [
            "build",
            "--store",
            "s3://b/p",
            "--warehouse",
            str(tmp_path / "w.duckdb"),
            "--full-refresh",
            "--select",
            "dim_model",
            "--unit-tests",
        ],
    )
    assert result.exit_code == 1
    assert result.output.strip() == "Error: dbt build failed in 1 node(s): fct_model_daily: IO Error"
    assert seen == {
        "store": "s3://b/p",
        "warehouse": tmp_path / "building" / "w.duckdb",  # built beside the file, then swapped in
        "full_refresh": True,
        "select": "dim_model",
        "unit_tests": True,
    }


def test_a_selected_build_prints_its_summary(monkeypatch, tmp_path):
    def succeeding(settings, full_refresh=False, select=None, unit_tests=False, force=False):
        return BuildResult(Path(settings.warehouse), settings.store, full_refresh, "id", 1.0)

    monkeypatch.setattr(build_module, "build_warehouse", succeeding)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "--select", "stg_lake__partitions"])
    assert result.exit_code == 0, result.output
    assert "loaded 0 partitions (0 rows)" in result.output


def test_a_build_holds_the_writer_lock_until_the_swap(monkeypatch, tmp_path):
    """A DAG's publish (which takes the same lock) cannot swap the file under the build."""
    warehouse = tmp_path / "w.duckdb"
    held = []

    def probing(settings, full_refresh=False, select=None, unit_tests=False, force=False):
        try:
            writer_lock(warehouse).acquire(timeout=0)
        except Timeout:
            held.append(True)
        return BuildResult(Path(settings.warehouse), settings.store, full_refresh, "id", 1.0)

    monkeypatch.setattr(build_module, "build_warehouse", probing)
    result = CliRunner().invoke(main, ["build", "--warehouse", str(warehouse), "--select", "dim_model"])
    assert result.exit_code == 0, result.output
    assert held == [True]
