"""The ``validation_results`` table in the DuckDB warehouse: one row per expectation per gate run.

Created here (not a dbt model): gates run before the first build and must never depend on it.
Written through the published warehouse's writer (``likeness_watch.warehouse.access``): the
per-hub raw gates may run at the same time, and a publish may be swapping the file.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from likeness_watch.quality.summary import ValidationSummary
from likeness_watch.warehouse.access import published_writer

TABLE = "validation_results"
DDL = f"""
create table if not exists {TABLE} (
    run_id varchar not null,
    run_at timestamp not null,
    layer varchar not null,
    suite varchar not null,
    hub varchar,
    day date,
    expectation varchar not null,
    success boolean not null,
    observed_value varchar,
    severity varchar not null
)
"""
COMMENT = (
    f"comment on table {TABLE} is 'One row per expectation per quality-gate run (run_at in UTC; "
    "observed_value is JSON). Written by likeness_watch.quality, not by dbt.'"
)


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)
    con.execute(COMMENT)


def write_results(warehouse: Path, *summaries: ValidationSummary) -> int:
    """Append the summaries' outcomes in one transaction; returns the number of rows written."""
    rows = [
        (
            summary.run_id,
            summary.run_at.replace(tzinfo=None),
            summary.layer,
            outcome.suite,
            outcome.hub,
            outcome.day,
            outcome.expectation,
            outcome.success,
            outcome.observed_json,
            outcome.severity,
        )
        for summary in summaries
        for outcome in summary.outcomes
    ]
    with published_writer(warehouse) as con:
        ensure_table(con)
        if rows:
            con.executemany(f"insert into {TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)  # noqa: S608
    return len(rows)
