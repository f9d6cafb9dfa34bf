"""The staging and marts gates: warehouse tables loaded into pandas and validated after each build.

Each suite names its table (``{hub}`` expands to every registered hub) and the query that loads
it; derived columns a check needs (day-over-day changes, trailing medians) are computed there in
SQL. Queries may use ``$day`` (the gate's day: the given one, else the newest committed crawl day)
and ``$hub``; ``meta.parameters`` are scalar queries for ``{"$PARAMETER": name}`` placeholders.
Only reads happen here: a failing gate leaves the published warehouse as it is (see ``publish``).
"""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from likeness_watch.hubs.registry import hub_names
from likeness_watch.quality.gate import GateRun, precondition_failure, record, run_gate
from likeness_watch.quality.gx_runner import Batch, GxSession
from likeness_watch.quality.suites import SuiteError, SuiteSpec, load_suites
from likeness_watch.quality.summary import Outcome, QualityGateError, ValidationSummary
from likeness_watch.settings import Settings
from likeness_watch.store import ObjectStore, open_store
from likeness_watch.warehouse.access import connect
from likeness_watch.warehouse.paths import candidate_path

WAREHOUSE_LAYERS = ("staging", "marts")
LATEST_DAY_SQL = "select max(dt) from staging.stg_lake__partitions where status = 'committed'"
_PARAMETER = re.compile(r"\$([a-z_]+)")


def sql_parameters(sql: str, values: dict[str, Any]) -> dict[str, Any]:
    """The named parameters ``sql`` uses (DuckDB rejects unused ones)."""
    return {name: values[name] for name in dict.fromkeys(_PARAMETER.findall(sql)) if name in values}


def targets(spec: SuiteSpec) -> list[tuple[str | None, str]]:
    """``(hub, table)`` pairs a suite validates: one per registered hub when the table has ``{hub}``."""
    table = spec.meta.get("table")
    if not isinstance(table, str) or not table:
        raise SuiteError(f"suite {spec.path}: meta.table must name the table the suite validates")
    if "{hub}" in table:
        return [(hub, table.format(hub=hub)) for hub in hub_names()]
    return [(None, table)]


def _query(con: duckdb.DuckDBPyConnection, sql: str, values: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    return con.execute(sql, sql_parameters(sql, values))


def load_batch(
    con: duckdb.DuckDBPyConnection, spec: SuiteSpec, hub: str | None, table: str, day: date
) -> Batch | Outcome:
    """The table's frame and parameters, or a failed outcome when it cannot be read."""
    values = {"day": day, "hub": hub}
    try:
        frame = _query(con, spec.meta.get("query", "select * from {table}").format(table=table), values).df()
        parameters = {
            name: _query(con, sql, values).fetchone()[0]
            for name, sql in (spec.meta.get("parameters") or {}).items()
        }
    except duckdb.Error as exc:
        message = str(exc).strip().splitlines()[0]
        return precondition_failure(spec.name, f"table_readable({table})", message, hub, day)
    return Batch(spec=spec, asset=f"{table}-{day}", frame=frame, parameters=parameters, hub=hub, day=day)


def latest_day(con: duckdb.DuckDBPyConnection) -> date | None:
    try:
        row = con.execute(LATEST_DAY_SQL).fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None


def _register_store_filesystem(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Staging views read raw files; on S3 that goes through fsspec (DuckDB's httpfs is not available)."""
    if settings.store.startswith("s3://"):
        import fsspec

        con.register_filesystem(fsspec.filesystem("s3"))


def _validate(
    settings: Settings, layer: str, path: Path, day: date | None, label: str
) -> tuple[GxSession, GateRun]:
    specs = load_suites(settings.expectations, layer)
    if not specs:
        raise QualityGateError(f"no {layer} suites in {settings.expectations}/{layer}/")
    con = connect(path, read_only=True)
    try:
        _register_store_filesystem(con, settings)
        gate_day = day or latest_day(con)
        if gate_day is None:
            raise QualityGateError(f"{path} has no committed crawl day yet: build the warehouse first")
        loaded = [
            load_batch(con, spec, hub, table, gate_day) for spec in specs for hub, table in targets(spec)
        ]
    finally:
        con.close()
    batches = [item for item in loaded if isinstance(item, Batch)]
    failures = [item for item in loaded if isinstance(item, Outcome)]
    session = GxSession(load_suites(settings.expectations))  # every suite gets a Data Docs page
    return session, run_gate(session, layer, f"{label} warehouse, day {gate_day}", batches, failures)


def validate_warehouse(
    settings: Settings,
    layer: str,
    day: date | None = None,
    *,
    candidate: bool = False,
    store: ObjectStore | None = None,
) -> ValidationSummary:
    """Validate the ``staging`` or ``marts`` tables as of ``day``; raise ``QualityGateError`` on failure.

    ``candidate`` validates the build awaiting publication (``paths.candidate_path``) instead of
    the published warehouse. Results always go to the published warehouse's ``validation_results``
    and Data Docs to ``store`` (default: ``settings.store``).
    """
    if layer not in WAREHOUSE_LAYERS:
        raise ValueError(f"layer must be one of {', '.join(WAREHOUSE_LAYERS)}, not {layer!r}")
    path = candidate_path(settings) if candidate else settings.warehouse
    if not path.exists():
        raise QualityGateError(f"no warehouse at {path}: run `likeness-watch build` first")
    session, run = _validate(settings, layer, path, day, "candidate" if candidate else "published")
    record(session, [run], settings, store or open_store(settings.store))
    if candidate:
        mark_passed(path, layer, run.summary.success)
    if not run.summary.success:
        raise QualityGateError(run.summary.failure_message(), run.summary)
    return run.summary


def passed_stamp(candidate: Path) -> Path:
    """Which gates passed on the candidate, and on which state of the file."""
    return candidate.with_name(candidate.name + ".passed.json")


def _state(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def _passed(candidate: Path) -> dict[str, list[int]]:
    stamp = passed_stamp(candidate)
    return json.loads(stamp.read_text()) if stamp.exists() else {}


def mark_passed(candidate: Path, layer: str, passed_now: bool = True) -> None:
    """Record that ``layer``'s gate passed on the candidate as the file is now (or, when it just
    failed, forget an earlier pass: the latest verdict is the one that counts)."""
    passed = {key: value for key, value in _passed(candidate).items() if key != layer}
    if passed_now:
        passed[layer] = _state(candidate)
    stamp = passed_stamp(candidate)
    partial = stamp.with_name(stamp.name + ".partial")
    partial.write_text(json.dumps(passed))
    os.replace(partial, stamp)


def require_passed(candidate: Path) -> None:
    """Refuse a candidate that has not passed every warehouse gate since it was last written
    (a publish task cleared by hand after a failed gate, a rebuild after the gates)."""
    passed, state = _passed(candidate), _state(candidate)
    missing = [layer for layer in WAREHOUSE_LAYERS if passed.get(layer) != state]
    if missing:
        raise QualityGateError(
            f"candidate {candidate} has not passed the {' and '.join(missing)} gate since it was "
            f"last built: validate it (likeness-watch validate --layer {missing[0]} --candidate)"
        )
