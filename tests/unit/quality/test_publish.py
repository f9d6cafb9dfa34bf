"""Candidate builds: the published warehouse changes only when a candidate is published."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pytest

from likeness_watch.quality.publish import candidate_path, prepare_candidate, publish_candidate
from likeness_watch.quality.results_table import write_results
from likeness_watch.quality.summary import Outcome, QualityGateError, ValidationSummary


def gate_summary(run_id):
    outcome = Outcome("marts_x", "expect_x", True, "critical", "ok", "{}", None, None)
    return ValidationSummary(run_id, datetime(2025, 5, 2, tzinfo=UTC), "marts", "t", [outcome])


def query(path, sql):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def build(path, value):
    """What dbt does: tables, and views that name the catalog (the file's name)."""
    con = duckdb.connect(str(path))
    con.execute("create or replace table mart as select ? as v", [value])
    catalog = con.execute("select current_database()").fetchone()[0]
    con.execute(f'create or replace view mart_view as select v from "{catalog}"."main"."mart"')
    con.close()


def test_first_build_has_nothing_to_copy(settings):
    candidate = prepare_candidate(settings)
    assert candidate == candidate_path(settings) and not candidate.exists()
    assert candidate.name == settings.warehouse.name  # same catalog name inside DuckDB


def test_failed_gate_leaves_published_marts_intact(settings):
    build(settings.warehouse, "yesterday")
    candidate = prepare_candidate(settings)
    assert query(candidate, "select v from mart") == [("yesterday",)]  # incremental models continue from it
    build(candidate, "today")
    # the gate failed: nothing is published
    assert query(settings.warehouse, "select v from mart_view") == [("yesterday",)]
    assert query(candidate, "select v from mart_view") == [("today",)]


def test_publish_swaps_in_the_candidate_and_keeps_every_gate_result(settings):
    build(settings.warehouse, "yesterday")
    write_results(settings.warehouse, gate_summary("before-build"))
    candidate = prepare_candidate(settings)
    build(candidate, "today")
    write_results(settings.warehouse, gate_summary("during-build"))  # gates write to the published file
    assert publish_candidate(settings) == settings.warehouse
    assert not candidate.exists()
    assert query(settings.warehouse, "select v from mart_view") == [("today",)]
    runs = query(settings.warehouse, "select run_id, count(*) from validation_results group by 1 order by 1")
    assert runs == [("before-build", 1), ("during-build", 1)]


def test_publishing_without_a_candidate_is_an_error(settings):
    with pytest.raises(QualityGateError, match="no candidate"):
        publish_candidate(settings)
