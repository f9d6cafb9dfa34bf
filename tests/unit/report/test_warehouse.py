from datetime import date

import duckdb
import pytest

from likeness_watch.report.warehouse import ReportError, load_report_data
from tests.unit.report.fixture_warehouse import LAST_DAY, LIKENESS, fixture_state


def test_full_warehouse_loads_only_likeness_models_and_defaults_to_the_last_day(full_data):
    assert len(full_data.models) == LIKENESS
    assert full_data.models["is_likeness"].all()
    assert full_data.end == LAST_DAY
    assert full_data.start is None
    assert full_data.timeline_start == date(2025, 4, 1)
    assert full_data.unavailable == []
    assert isinstance(full_data.models.loc[0, "first_seen"], date)


def test_minimal_warehouse_degrades_to_not_available_instead_of_failing(minimal_warehouse):
    data = load_report_data(minimal_warehouse)
    assert (
        data.versions is None and data.reuploads is None and data.alerts is None and data.validation is None
    )
    for table in ("fct_likeness_versions", "mart_reuploads", "alerts", "validation_results"):
        assert f"table {table}" in data.unavailable
    assert data.poi_flagged is None and "dim_model.poi" in data.unavailable


def test_period_limits_models_by_publication_and_daily_rows_by_day(full_warehouse):
    data = load_report_data(
        full_warehouse, date(2025, 5, 1), date(2025, 5, 31), fixture_state(full_warehouse)
    )
    assert data.models["first_seen"].between(date(2025, 5, 1), date(2025, 5, 31)).all()
    assert len(data.models) == 16  # every other day from 2025-05-01 to 2025-05-31
    assert data.daily["day"].min() == date(2025, 5, 1) and data.daily["day"].max() == date(2025, 5, 31)
    assert data.versions["published_at"].between(date(2025, 5, 1), date(2025, 5, 31)).all()
    assert data.alerts["alert_id"].tolist() == ["a1", "a2"]
    assert data.validation["run_id"].tolist() == ["r3"]  # dated checks outside May dropped, undated kept
    assert data.poi_flagged["overruled"].tolist() == [False]  # likeness model 23, published in May


def test_period_uses_publication_date_so_back_catalogue_models_first_seen_later_stay_out(full_warehouse):
    april = load_report_data(full_warehouse, date(2025, 4, 1), date(2025, 4, 30))
    assert len(april.models) == 14  # models 1..14; model 0 was published in 2024 (first seen 2025-04-01)
    assert "1000" not in set(april.models["model_id"])
    assert len(april.versions) == 14 + 2  # models 5 and 10 have two versions


def test_missing_warehouse_and_inverted_period_are_user_errors(tmp_path, full_warehouse):
    with pytest.raises(ReportError, match="warehouse not found"):
        load_report_data(tmp_path / "absent.duckdb")
    with pytest.raises(ReportError, match="is after"):
        load_report_data(full_warehouse, date(2025, 6, 1), date(2025, 5, 1))


def test_warehouse_without_dim_model_asks_for_a_build(tmp_path):
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(ReportError, match="no dim_model yet"):
        load_report_data(path)


def test_table_lacking_a_required_column_is_reported_as_unusable(tmp_path, minimal_warehouse):
    state = tmp_path / "state.duckdb"
    with duckdb.connect(str(state)) as con:
        con.execute("create table alerts (alert_id varchar, kind varchar)")
    data = load_report_data(minimal_warehouse, state=state)
    assert data.alerts is None
    assert "table alerts (lacks day)" in data.unavailable


def test_reads_a_warehouse_another_process_holds_open_read_only(full_warehouse):
    with duckdb.connect(str(full_warehouse), read_only=True):
        assert len(load_report_data(full_warehouse).models) == LIKENESS


def test_alerts_and_validation_results_are_read_from_the_state_store_not_the_warehouse(
    tmp_path, full_warehouse
):
    """A warehouse of an earlier version may still hold stale copies: they are not what is shown."""
    path = tmp_path / "copy.duckdb"
    path.write_bytes(full_warehouse.read_bytes())
    with duckdb.connect(str(path)) as con:
        con.execute("create table alerts as select 'stale' as alert_id, 'spike' as kind, current_date as day")
    data = load_report_data(path, state=fixture_state(full_warehouse))
    assert "stale" not in set(data.alerts["alert_id"]) and len(data.validation)
    assert load_report_data(path).alerts is None  # without a state store: not available
