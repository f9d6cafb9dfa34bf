"""The ``validation_results`` table in the DuckDB warehouse: one row per expectation per gate run.

Created here (not a dbt model): gates run before the first build and must never depend on it.
DuckDB allows one writing process per file, and the per-hub raw gates may run at the same time,
so opening the file is retried while another process holds its lock.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from tenacity import retry, retry_if_exception, stop_after_delay, wait_exponential_jitter

from likeness_watch.quality.summary import ValidationSummary

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


def _locked(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


@retry(
    retry=retry_if_exception(_locked),
    stop=stop_after_delay(90),
    wait=wait_exponential_jitter(multiplier=0.2, max=5),
    reraise=True,
)
def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, waiting while another process writes it."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only)


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
    con = connect(warehouse)
    try:
        ensure_table(con)
        if rows:
            con.executemany(f"insert into {TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)  # noqa: S608
    finally:
        con.close()
    return len(rows)
