"""Yesterday's marts stay intact: builds write a candidate copy that only a passing gate publishes.

1. ``prepare_candidate`` copies the published warehouse to ``<dir>/candidate/<name>`` (same file
   name, so DuckDB's catalog name, which dbt writes into every view, stays the same), so
   incremental models continue from the published history; the copy opens the published file
   read-only, so analysts' open connections do not block it (``likeness_watch.warehouse.snapshot``);
2. the build runs on it: ``build_warehouse(settings.model_copy(update={"warehouse": candidate}))``;
3. ``validate_warehouse(settings, layer, day, candidate=True)`` validates it (staging, then marts)
   and stamps the file's state as passed; ``publish_candidate`` refuses a candidate whose stamps
   do not match it (a gate failed or was skipped, or the file changed since);
4. ``publish_candidate`` checkpoints the candidate and renames it over the published file (readers
   see the old file or the new one), under the published file's writer lock, which step 1 and
   the CLI's builds (copy, build, swap) hold too. Nothing is carried across: the gates' results
   and the alert history live in the state store (``likeness_watch.state_store``), never in the
   warehouse, so a publish neither waits for an alert run nor can lose what it records. (A
   candidate copied from a warehouse of an earlier version sheds that version's copies of them,
   once the state store has migrated them.)
When a gate fails, step 4 does not happen: the candidate stays for inspection (``likeness-watch
validate --layer marts --candidate``) and the next ``prepare_candidate`` replaces it.
"""

from __future__ import annotations

from pathlib import Path

from likeness_watch.quality.summary import QualityGateError
from likeness_watch.quality.warehouse import passed_stamp, require_passed
from likeness_watch.raw import points
from likeness_watch.settings import Settings
from likeness_watch.state_store import TABLES as STATE_TABLES
from likeness_watch.state_store import StateStore
from likeness_watch.warehouse.access import connect, writer_lock
from likeness_watch.warehouse.paths import candidate_path
from likeness_watch.warehouse.snapshot import copy_published, swap_in


def prepare_candidate(settings: Settings) -> Path:
    """A fresh candidate: a copy of the published warehouse, or nothing yet on the first build."""
    candidate = candidate_path(settings)
    passed_stamp(candidate).unlink(missing_ok=True)
    with writer_lock(settings.warehouse):
        copy_published(settings.warehouse, candidate)
    return candidate


def publish_candidate(settings: Settings) -> Path:
    """Swap the validated candidate in as the published warehouse; returns its path."""
    candidate, published = candidate_path(settings), settings.warehouse
    if not candidate.exists():
        raise QualityGateError(f"no candidate warehouse at {candidate}: build one first")
    require_passed(candidate)
    con = connect(candidate)
    try:
        present = {name for (name,) in con.execute("select table_name from duckdb_tables()").fetchall()}
        leftovers = [table for table in STATE_TABLES if table in present]
        if leftovers:  # copied from a warehouse of an earlier version: hand its history over first
            StateStore.of(settings).ensure()
        for table in leftovers:
            con.execute(f"drop table main.{table}")
        con.execute("checkpoint")
    finally:
        con.close()
    points.reached("candidate_checkpointed")
    with writer_lock(published):
        swap_in(candidate, published)
    passed_stamp(candidate).unlink(missing_ok=True)
    return published
