"""Yesterday's marts stay intact: builds write a candidate copy that only a passing gate publishes.

1. ``prepare_candidate`` copies the published warehouse to ``<dir>/candidate/<name>`` (same file
   name, so DuckDB's catalog name, which dbt writes into every view, stays the same), so
   incremental models continue from the published history;
2. the build runs on it: ``build_warehouse(settings.model_copy(update={"warehouse": candidate}))``;
3. ``validate_warehouse(settings, layer, day, candidate=True)`` validates it (staging, then marts)
   and stamps the file's state as passed; ``publish_candidate`` refuses a candidate whose stamps
   do not match it (a gate failed or was skipped, or the file changed since);
4. ``publish_candidate`` carries over the tables our code (not dbt) writes into the published
   file — the gates' ``validation_results`` and the alert history, which changed since step 1 —
   then renames the candidate over it (readers see the old file or the new one). Steps 1 and 4
   hold the published file's writer lock, as every writer of those tables does, so no write can
   land in a file that is being replaced.
When a gate fails, step 4 does not happen: the candidate stays for inspection (``likeness-watch
validate --layer marts --candidate``) and the next ``prepare_candidate`` replaces it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from likeness_watch.alerts import history
from likeness_watch.quality import results_table
from likeness_watch.quality.summary import QualityGateError
from likeness_watch.quality.warehouse import passed_stamp, require_passed
from likeness_watch.settings import Settings
from likeness_watch.warehouse.access import connect, writer_lock
from likeness_watch.warehouse.paths import candidate_path

OPERATIONS_TABLES = (results_table.TABLE, *history.TABLES)
"""Written by the gates and alert runs into the published file: its copy is the truth."""


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the file, so a byte copy of it is complete."""
    con = connect(path)
    try:
        con.execute("checkpoint")
    finally:
        con.close()


def prepare_candidate(settings: Settings) -> Path:
    """A fresh candidate: a copy of the published warehouse, or nothing yet on the first build."""
    candidate = candidate_path(settings)
    partial = candidate.with_name(candidate.name + ".partial")
    candidate.parent.mkdir(parents=True, exist_ok=True)
    for stale in (candidate, _wal(candidate), partial, passed_stamp(candidate)):
        stale.unlink(missing_ok=True)
    if settings.warehouse.exists():
        with writer_lock(settings.warehouse):
            _checkpoint(settings.warehouse)
            _copy(settings.warehouse, partial)
        os.replace(partial, candidate)
    return candidate


def _copy(source: Path, partial: Path) -> None:
    """Copy ``source`` to ``partial``; on any error the partial copy is deleted (it can be GBs)."""
    try:
        shutil.copyfile(source, partial)
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
            raise OSError(exc.errno, f"cannot copy the warehouse {source} to {partial}: {reason}") from exc
        raise


def publish_candidate(settings: Settings) -> Path:
    """Swap the validated candidate in as the published warehouse; returns its path."""
    candidate, published = candidate_path(settings), settings.warehouse
    if not candidate.exists():
        raise QualityGateError(f"no candidate warehouse at {candidate}: build one first")
    require_passed(candidate)
    with writer_lock(published):
        con = connect(candidate)
        try:
            results_table.ensure_table(con)
            history.ensure_tables(con)
            if published.exists():
                _carry_over(con, published)
            con.execute("checkpoint")
        finally:
            con.close()
        _wal(published).unlink(missing_ok=True)
        os.replace(candidate, published)
    passed_stamp(candidate).unlink(missing_ok=True)
    return published


def _carry_over(con: duckdb.DuckDBPyConnection, published: Path) -> None:
    """Replace the candidate's operations tables with the published file's (by column name)."""
    quoted = str(published.resolve()).replace("'", "''")
    con.execute(f"attach '{quoted}' as published (read_only)")
    try:
        present = {
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where database_name = 'published'"
            ).fetchall()
        }
        con.execute("begin transaction")
        try:
            for table in OPERATIONS_TABLES:
                if table in present:
                    con.execute(f"delete from {table}")  # noqa: S608
                    con.execute(f"insert into {table} by name select * from published.main.{table}")  # noqa: S608
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    finally:
        con.execute("detach published")
