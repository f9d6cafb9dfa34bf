"""What the published warehouse knows about a model, for its evidence pack: read-only, and tolerant
of a warehouse that lacks an optional table (each absence becomes a note in the pack).

Facts come from the stable marts (``dim_model``, ``fct_model_daily``, ``mart_reuploads``); the
model's files come from ``intermediate.int_model_files``, the one place that keeps every file
of every model (the marts keep only files seen on several models).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb

DAILY_COLUMNS = (
    "dt", "status", "hub_mode", "via", "http_status", "is_tombstone", "poi", "downloads", "likes",
    "run_id", "fetched_at",
)  # fmt: skip
FILE_COLUMNS = (
    "sha256", "autov2", "version_id", "version_name", "file_id", "file_name", "file_type", "size_kb",
    "first_seen",
)  # fmt: skip
APPEARANCE_COLUMNS = (
    "sha256", "appearance", "hub", "model_id", "model_name", "status", "appeared_on", "seen_on",
    "is_cross_hub", "after_takedown", "earlier_takedown_on", "days_after_takedown",
)  # fmt: skip
UNREADABLE = "unknown"
"""A status the crawl could not read (an odd HTTP answer without a record): no status change."""


def json_value(value: Any) -> Any:
    """A DuckDB value as JSON data: dates and timestamps in ISO 8601, decimals as floats."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    return value


def columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    """The table's columns in order (empty: no such table)."""
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [schema, table],
    ).fetchall()
    return [row[0] for row in rows]


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    """The query's rows as JSON-ready dicts by column name."""
    cursor = con.execute(sql, params)
    names = [item[0] for item in cursor.description]
    return [
        {name: json_value(value) for name, value in zip(names, row, strict=True)} for row in cursor.fetchall()
    ]


def _select(present: list[str], wanted: tuple[str, ...], prefix: str = "") -> str:
    return ", ".join(f"{prefix}{name}" for name in wanted if name in present)


def model_facts(con: duckdb.DuckDBPyConnection, hub: str, model_id: str) -> dict[str, Any] | None:
    """Every ``dim_model`` column of the model (None: the warehouse does not know it)."""
    found = rows(con, "select * from main.dim_model where hub = ? and model_id = ?", [hub, model_id])
    return found[0] if found else None


def _model_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    wanted: tuple[str, ...],
    order: tuple[str, ...],
    hub: str,
    model_id: str,
    notes: list[str],
    absent: str,
) -> list[dict[str, Any]]:
    """The model's rows of ``table`` (``schema.name``): the ``wanted`` columns it has, in ``order``
    where it has those; a table without ``wanted[0]`` counts as absent and ``absent`` is noted."""
    present = columns(con, *table.split("."))
    if wanted[0] not in present:
        notes.append(absent)
        return []
    by = ", ".join(column for column in order if column in present)
    sql = (
        f"select {_select(present, wanted)} from {table} where hub = ? and model_id = ?"  # noqa: S608
        + (f" order by {by}" if by else "")
    )
    return rows(con, sql, [hub, model_id])


def daily(con: duckdb.DuckDBPyConnection, hub: str, model_id: str, notes: list[str]) -> list[dict[str, Any]]:
    """One row per crawl day the model was observed: status, how it was reached, counters, run."""
    observed = _model_rows(
        con, "main.fct_model_daily", DAILY_COLUMNS, ("dt",), hub, model_id, notes,
        "the warehouse has no fct_model_daily: no daily history, no raw records",
    )  # fmt: skip
    return [{"day": str(row.pop("dt"))[:10], **row} for row in observed]


def status_changes(days: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The days the observed status changed (the first observation included), as the warehouse's
    ``int_model_status_changes`` counts them: an unreadable status changes nothing."""
    changes: list[dict[str, Any]] = []
    previous = None
    for row in days:
        status = row.get("status")
        if status is None or status in (UNREADABLE, previous):
            continue
        changes.append(
            {"day": row["day"], "status": status, "previous_status": previous, "via": row.get("via")}
        )
        previous = status
    return changes


def files(con: duckdb.DuckDBPyConnection, hub: str, model_id: str, notes: list[str]) -> list[dict[str, Any]]:
    """Every file (by hash) ever seen on the model's versions, with the day it was first seen."""
    return _model_rows(
        con, "intermediate.int_model_files", FILE_COLUMNS, ("first_seen", "version_id", "file_name"),
        hub, model_id, notes, "the warehouse has no intermediate.int_model_files: no files or hashes",
    )  # fmt: skip


def appearances(
    con: duckdb.DuckDBPyConnection, hub: str, model_id: str, notes: list[str]
) -> list[dict[str, Any]]:
    """Every appearance (this model's included) of each file the model shares with other models or
    hubs, in order of appearance, with the holder's public URL: how takedown-evasion alerts see
    re-uploads (``mart_reuploads``)."""
    present = columns(con, "main", "mart_reuploads")
    if "sha256" not in present:
        notes.append("the warehouse has no mart_reuploads: re-uploads not available")
        return []
    url = "d.url" if "url" in columns(con, "main", "dim_model") else "null"
    order = "r.sha256, r.appearance" if "appearance" in present else "r.sha256, r.hub, r.model_id"
    sql = (
        f"select {_select(present, APPEARANCE_COLUMNS, 'r.')}, {url} as url, "  # noqa: S608
        "r.hub = ? and r.model_id = ? as is_this_model "
        "from main.mart_reuploads as r left join main.dim_model as d using (hub, model_id) "
        "where r.sha256 in (select sha256 from main.mart_reuploads where hub = ? and model_id = ?) "
        f"order by {order}"
    )
    return rows(con, sql, [hub, model_id, hub, model_id])


def data_through(con: duckdb.DuckDBPyConnection) -> str | None:
    """The warehouse's newest crawl day (what "still up" in a pack can mean at most)."""
    if "day" not in columns(con, "main", "mart_likeness_daily"):
        return None
    (day,) = con.execute("select max(day)::date from main.mart_likeness_daily").fetchone()
    return None if day is None else day.isoformat()
