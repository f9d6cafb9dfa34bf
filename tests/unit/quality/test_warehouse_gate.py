"""The staging and marts gates on a hand-built warehouse in the dbt project's schema."""

from __future__ import annotations

import duckdb
import pytest

from likeness_watch.quality import QualityGateError, prepare_candidate, validate_warehouse


def run(path, sql):
    con = duckdb.connect(str(path))
    con.execute(sql)
    con.close()


@pytest.fixture
def warehouse(settings, warehouse_kit):
    warehouse_kit.build(settings.warehouse)
    return settings.warehouse


def test_staging_gate_passes_on_a_consistent_build(settings, warehouse, warehouse_kit):
    summary = validate_warehouse(settings, "staging", warehouse_kit.last)
    assert summary.success and not summary.warnings
    assert {outcome.hub for outcome in summary.outcomes} == set(warehouse_kit.hubs)


def test_staging_gate_catches_dropped_rows_and_negative_counters(settings, warehouse, warehouse_kit):
    run(
        warehouse,
        "update staging.stg_lake__partitions set record_count = 3 "
        f"where hub = 'civitai' and dt = '{warehouse_kit.last}'",
    )
    run(
        warehouse,
        f"update staging.stg_huggingface__models set downloads = -1 where dt = '{warehouse_kit.last}'",
    )
    with pytest.raises(QualityGateError) as failure:
        validate_warehouse(settings, "staging", warehouse_kit.last)
    failures = {(o.hub, o.expectation) for o in failure.value.summary.failures}
    assert failures == {
        ("civitai", "expect_table_row_count_to_equal"),
        ("huggingface", "expect_column_values_to_be_between(downloads)"),
    }


def test_marts_gate_passes_and_flags_an_implausible_likeness_share_as_a_warning(settings, warehouse_kit):
    warehouse_kit.build(
        settings.warehouse, last_day_likeness=45
    )  # 75 % of the day's new models, trailing 20 %
    summary = validate_warehouse(settings, "marts")  # no day given: the newest committed crawl day
    assert summary.success
    assert summary.target.endswith(f"day {warehouse_kit.last}")
    (warning,) = summary.warnings
    assert warning.expectation == "expect_column_values_to_be_between(likeness_share_excess)"
    assert f'"civitai"/"{warehouse_kit.last}"' in warning.observed


def test_failed_marts_gate_on_a_candidate_leaves_the_published_warehouse_intact(
    settings, warehouse, warehouse_kit
):
    candidate = prepare_candidate(settings)
    run(candidate, "delete from main.mart_likeness_daily where hub = 'civitai' and day = '2025-05-05'")
    run(candidate, "update main.mart_likeness_daily set downloads_delta = -50 where day = '2025-05-08'")
    run(candidate, "update main.mart_likeness_daily set share_women = 1.5 where hub = 'huggingface'")
    with pytest.raises(QualityGateError) as failure:
        validate_warehouse(settings, "marts", warehouse_kit.last, candidate=True)
    message = str(failure.value)
    assert "expect_column_values_to_be_between(days_since_previous)" in message
    assert "expect_column_values_to_be_between(downloads_delta)" in message
    assert "expect_column_values_to_be_between(share_women)" in message
    published = duckdb.connect(str(warehouse), read_only=True)
    assert published.execute("select count(*) from mart_likeness_daily").fetchone() == (
        2 * warehouse_kit.days,
    )
    published.close()
    state = duckdb.connect(str(settings.state), read_only=True)  # the gate's results are kept there
    assert state.execute("select count(*) from validation_results where not success").fetchone()[0] >= 3
    state.close()


def test_a_missing_mart_is_a_named_blocking_failure(settings, warehouse, warehouse_kit):
    run(warehouse, "drop table main.fct_model_daily")
    with pytest.raises(QualityGateError, match=r"table_readable\(main.fct_model_daily\)"):
        validate_warehouse(settings, "marts", warehouse_kit.last)


def test_no_warehouse_yet(settings):
    with pytest.raises(QualityGateError, match="run `likeness-watch build` first"):
        validate_warehouse(settings, "marts")


def test_staging_views_over_an_s3_store_are_read_and_docs_land_in_s3(s3_env, tmp_path, warehouse_kit):
    """dbt's staging views read raw files from S3 through fsspec; the gate's own connection must too."""
    import boto3
    import fsspec

    from likeness_watch.settings import Settings
    from likeness_watch.store import open_store

    boto3.client("s3").create_bucket(Bucket="lw-quality")
    settings = Settings(store="s3://lw-quality/lake", warehouse=tmp_path / "warehouse.duckdb")
    warehouse_kit.build(settings.warehouse)
    con = duckdb.connect(str(settings.warehouse))
    con.register_filesystem(fsspec.filesystem("s3"))
    con.execute("copy staging.stg_civitai__models to 's3://lw-quality/lake/raw/civitai.parquet'")
    con.execute("drop table staging.stg_civitai__models")
    con.execute(
        "create view staging.stg_civitai__models as "
        "select * from read_parquet('s3://lw-quality/lake/raw/civitai.parquet')"
    )
    con.close()

    summary = validate_warehouse(settings, "staging", warehouse_kit.last)

    assert summary.success
    assert summary.docs_url == "s3://lw-quality/lake/docs/quality/index.html"
    assert open_store(settings.store).exists("docs/quality/index.html")
