"""Yesterday's marts stay intact: builds write a candidate copy that only a passing gate publishes.

1. ``prepare_candidate`` copies the published warehouse to ``<dir>/candidate/<name>`` (same file
   name, so DuckDB's catalog name, which dbt writes into every view, stays the same), so
   incremental models continue from the published history;
2. the build runs on it: ``build_warehouse(settings.model_copy(update={"warehouse": candidate}))``;
3. ``validate_warehouse(settings, layer, day, candidate=True)`` validates it (staging, then marts);
4. ``publish_candidate`` carries over the ``validation_results`` rows written to the published file
   since step 1, then renames the candidate over it (readers see the old file or the new one).
When a gate fails, step 4 does not happen: the candidate stays for inspection (``likeness-watch
validate --layer marts --candidate``) and the next ``prepare_candidate`` replaces it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from likeness_watch.quality.results_table import TABLE, connect, ensure_table
from likeness_watch.quality.summary import QualityGateError
from likeness_watch.settings import Settings

CANDIDATE_DIR = "candidate"


def candidate_path(settings: Settings) -> Path:
    """Where builds write the warehouse awaiting the gate."""
    return settings.warehouse.parent / CANDIDATE_DIR / settings.warehouse.name


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
    candidate.parent.mkdir(parents=True, exist_ok=True)
    candidate.unlink(missing_ok=True)
    _wal(candidate).unlink(missing_ok=True)
    if settings.warehouse.exists():
        _checkpoint(settings.warehouse)
        partial = candidate.with_name(candidate.name + ".partial")
        shutil.copyfile(settings.warehouse, partial)
        os.replace(partial, candidate)
    return candidate


def publish_candidate(settings: Settings) -> Path:
    """Swap the validated candidate in as the published warehouse; returns its path."""
    candidate, published = candidate_path(settings), settings.warehouse
    if not candidate.exists():
        raise QualityGateError(f"no candidate warehouse at {candidate}: build one first")
    con = connect(candidate)
    try:
        ensure_table(con)
        if published.exists():
            quoted = str(published.resolve()).replace("'", "''")
            con.execute(f"attach '{quoted}' as published (read_only)")
            has_results = con.execute(
                "select count(*) from duckdb_tables() where database_name = 'published' and table_name = ?",
                [TABLE],
            ).fetchone()
            if has_results and has_results[0]:
                con.execute(
                    f"insert into {TABLE} select * from published.main.{TABLE} "  # noqa: S608
                    f"where run_id not in (select distinct run_id from {TABLE})"
                )
            con.execute("detach published")
        con.execute("checkpoint")
    finally:
        con.close()
    _wal(published).unlink(missing_ok=True)
    os.replace(candidate, published)
    return published
