"""Shared report fixtures: hand-written warehouses (see fixture_warehouse.py), built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from likeness_watch.report.build import Report, build_report
from likeness_watch.report.study import load_study
from likeness_watch.report.warehouse import ReportData, load_report_data
from tests.unit.report.fixture_warehouse import build_fixture_warehouse, fixture_state


@pytest.fixture(scope="session")
def full_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_warehouse(tmp_path_factory.mktemp("report") / "full.duckdb")


@pytest.fixture(scope="session")
def minimal_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Only the contract's core marts: no versions, re-uploads, alerts or validation results."""
    return build_fixture_warehouse(tmp_path_factory.mktemp("report") / "minimal.duckdb", full=False)


@pytest.fixture(scope="session")
def full_data(full_warehouse: Path) -> ReportData:
    return load_report_data(full_warehouse, state=fixture_state(full_warehouse))


@pytest.fixture(scope="session")
def full_report(full_data: ReportData) -> Report:
    return build_report(full_data, load_study())


@pytest.fixture
def no_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip chart drawing (seconds per report) in tests about wiring, text and files, not plots."""
    monkeypatch.setattr("likeness_watch.report.build._draw_charts", lambda *args: {})
