"""The staging and marts gates on a hand-built warehouse in the dbt project's schema."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from likeness_watch.quality import QualityGateError, prepare_candidate, validate_warehouse

FIRST = date(2025, 5, 1)
DAYS = 10
LAST = FIRST + timedelta(days=DAYS - 1)
HUBS = ("civitai", "huggingface")
NEW_MODELS = 60
NEW_LIKENESS = 12


def build_warehouse(path, last_day_likeness=NEW_LIKENESS):
    """Two models per hub per day in staging and the fact; 60 new models a day (12 likeness) in dim_model."""
    con = duckdb.connect(str(path))
    con.execute("create schema staging")
    con.execute(
        """
        create table staging.stg_lake__partitions as
        select hub, (date '2025-05-01' + i::integer)::date as dt, 'committed' as status,
               'run-' || i as run_id, 2 as record_count
        from unnest(['civitai', 'huggingface']) as h(hub), range(10) as r(i)
        """
    )
    for hub in HUBS:
        con.execute(
            f"""
            create table staging.stg_{hub}__models as
            select
                '{hub}' as hub, p.dt,
                (n + 100 * datediff('day', date '2025-05-01', p.dt))::varchar as model_id,
                'listing' as via, p.dt + interval 1 hour as fetched_at, 200 as http_status,
                false as is_tombstone, 'model ' || n as name, 'LORA' as type, 'maker' as creator,
                '<p>x</p>' as description, 'SDXL 1.0' as base_model, null::varchar as hub_mode,
                'active' as status, ['person'] as tags, ['trigger'] as trained_words, 1 as nsfw_level,
                10 * n as downloads, n as likes, 0 as favorites, 0 as comments,
                4.5 as rating, 1 as version_count, false as nsfw, false as poi, false as minor,
                p.dt - interval 1 day as created_at, p.dt - interval 1 day as published_at,
                p.dt - interval 1 hour as updated_at,
                [{{'version_id': '1', 'files': [{{'sha256': repeat('a', 64)}}]}}] as versions
            from staging.stg_lake__partitions as p, range(2) as r(n)
            where p.hub = '{hub}'
            """
        )
    con.execute(
        """
        create table main.fct_model_daily as
        select hub, model_id, dt, 'run-' || datediff('day', date '2025-05-01', dt) as run_id, status,
               downloads, likes
        from (
            select * from staging.stg_civitai__models
            union all select * from staging.stg_huggingface__models
        )
        """
    )
    con.execute(
        f"""
        create table main.dim_model as
        select hub, hub || '-' || d || '-' || n as model_id, 'active' as status, 5 as downloads, 1 as likes,
               1 as version_count, n < {NEW_LIKENESS} as is_likeness, 0.9 as likeness_confidence,
               false as nsfw_intent, 'female' as target_gender,
               (date '2025-05-01' + d::integer)::date as first_seen,
               (date '2025-05-01' + d::integer)::timestamp as published_at
        from unnest(['civitai', 'huggingface']) as h(hub), range({DAYS}) as a(d), range({NEW_MODELS}) as b(n)
        """
    )
    con.execute(
        f"""
        create table main.mart_likeness_daily as
        select (date '2025-05-01' + d::integer)::date as day, hub, true as has_partition,
               case when d = {DAYS - 1} then {last_day_likeness} else {NEW_LIKENESS} end
                   as new_likeness_models,
               {NEW_LIKENESS} * (d + 1) as active_likeness_models, 0 as taken_down_likeness_models,
               100 * (d + 1) as likeness_downloads, 100 as downloads_delta, 0.96 as share_women,
               0.5 as share_nsfw_intent
        from unnest(['civitai', 'huggingface']) as h(hub), range({DAYS}) as a(d)
        """
    )
    con.close()


def run(path, sql):
    con = duckdb.connect(str(path))
    con.execute(sql)
    con.close()


@pytest.fixture
def warehouse(settings):
    build_warehouse(settings.warehouse)
    return settings.warehouse


def test_staging_gate_passes_on_a_consistent_build(settings, warehouse):
    summary = validate_warehouse(settings, "staging", LAST)
    assert summary.success and not summary.warnings
    assert {outcome.hub for outcome in summary.outcomes} == set(HUBS)


def test_staging_gate_catches_dropped_rows_and_negative_counters(settings, warehouse):
    run(
        warehouse,
        f"update staging.stg_lake__partitions set record_count = 3 where hub = 'civitai' and dt = '{LAST}'",
    )
    run(warehouse, f"update staging.stg_huggingface__models set downloads = -1 where dt = '{LAST}'")
    with pytest.raises(QualityGateError) as failure:
        validate_warehouse(settings, "staging", LAST)
    failures = {(o.hub, o.expectation) for o in failure.value.summary.failures}
    assert failures == {
        ("civitai", "expect_table_row_count_to_equal"),
        ("huggingface", "expect_column_values_to_be_between(downloads)"),
    }


def test_marts_gate_passes_and_flags_an_implausible_likeness_share_as_a_warning(settings):
    build_warehouse(settings.warehouse, last_day_likeness=45)  # 75 % of the day's new models, trailing 20 %
    summary = validate_warehouse(settings, "marts")  # no day given: the newest committed crawl day
    assert summary.success
    assert summary.target.endswith(f"day {LAST}")
    (warning,) = summary.warnings
    assert warning.expectation == "expect_column_values_to_be_between(likeness_share_excess)"
    assert f'"civitai"/"{LAST}"' in warning.observed


def test_failed_marts_gate_on_a_candidate_leaves_the_published_warehouse_intact(settings, warehouse):
    candidate = prepare_candidate(settings)
    run(candidate, "delete from main.mart_likeness_daily where hub = 'civitai' and day = '2025-05-05'")
    run(candidate, "update main.mart_likeness_daily set downloads_delta = -50 where day = '2025-05-08'")
    run(candidate, "update main.mart_likeness_daily set share_women = 1.5 where hub = 'huggingface'")
    with pytest.raises(QualityGateError) as failure:
        validate_warehouse(settings, "marts", LAST, candidate=True)
    message = str(failure.value)
    assert "expect_column_values_to_be_between(days_since_previous)" in message
    assert "expect_column_values_to_be_between(downloads_delta)" in message
    assert "expect_column_values_to_be_between(share_women)" in message
    published = duckdb.connect(str(warehouse), read_only=True)
    assert published.execute("select count(*) from mart_likeness_daily").fetchone() == (2 * DAYS,)
    assert published.execute("select count(*) from validation_results where not success").fetchone()[0] >= 3
    published.close()


def test_a_missing_mart_is_a_named_blocking_failure(settings, warehouse):
    run(warehouse, "drop table main.fct_model_daily")
    with pytest.raises(QualityGateError, match=r"table_readable\(main.fct_model_daily\)"):
        validate_warehouse(settings, "marts", LAST)


def test_no_warehouse_yet(settings):
    with pytest.raises(QualityGateError, match="run `likeness-watch build` first"):
        validate_warehouse(settings, "marts")
