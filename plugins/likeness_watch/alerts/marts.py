"""Adapter: read the frames the rules need from the DuckDB warehouse marts (and the gates'
schema drift from the state store).

Only the days a run needs are read (the scored days plus the baseline window), so a daily run
costs the same on day 10 and on day 1,000.
"""

from __future__ import annotations

import json
import logging
from datetime import date

import duckdb
import pandas as pd

from likeness_watch.alerts.completeness import Completeness
from likeness_watch.alerts.detect import (
    DRIFT_COLUMNS,
    MODEL_COLUMNS,
    OVERDUE_COLUMNS,
    REUPLOAD_COLUMNS,
    DetectionInputs,
)
from likeness_watch.alerts.watchlist import WatchedPerson
from likeness_watch.hubs.registry import UnknownHubError, get_hub
from likeness_watch.quality.results_table import DRIFT_OF_LATEST_RUN

log = logging.getLogger(__name__)

OPTIONAL_MODEL_COLUMNS = ("url", "trained_words", "tags")
"""dim_model columns used when present: a hub page link, and strings for watchlist matching
(``published_at`` too, for target clusters)."""


class MartsMissing(RuntimeError):
    """The warehouse lacks a mart the alerts need (not built yet, or the wrong file)."""


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = 'main' and table_name = ?",
        [table],
    ).fetchall()
    return {row[0] for row in rows}


def _require(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    columns = table_columns(con, table)
    if not columns:
        raise MartsMissing(f"the warehouse has no table {table}: run `likeness-watch build` first")
    return columns


def latest_day(con: duckdb.DuckDBPyConnection) -> date | None:
    """The newest day in mart_likeness_daily (what a scheduled run scores)."""
    _require(con, "mart_likeness_daily")
    row = con.execute("select max(day)::date from mart_likeness_daily").fetchone()
    return row[0] if row else None


def model_url(hub: str, model_id: str) -> str | None:
    """The model's public page, from the hub registry's URL template."""
    try:
        return get_hub(hub).model_url.format(model_id=model_id)
    except UnknownHubError:
        return None


def read_inputs(
    con: duckdb.DuckDBPyConnection,
    start: date,
    end: date,
    history_days: int,
    completeness: Completeness,
    watchlist: list[WatchedPerson],
) -> DetectionInputs:
    """Mart frames for scoring days ``start..end`` with ``history_days`` of history before ``start``
    (drift comes from the state store: ``read_drift``)."""
    _require(con, "mart_likeness_daily")
    model_columns = _require(con, "dim_model")
    since = start - pd.Timedelta(days=history_days)
    daily = con.execute(
        "select day::date as day, hub, new_likeness_models from mart_likeness_daily "
        "where day between ? and ?",
        [since, end],
    ).df()
    daily["day"] = _dates(daily["day"])
    first_days = con.execute("select hub, min(day)::date from mart_likeness_daily group by hub").fetchall()
    completeness = completeness.with_hubs(dict(first_days))
    return DetectionInputs(
        daily=daily,
        models=_models(con, model_columns, since, end),
        reuploads=_reuploads(con, start, end),
        overdue=_overdue(con, end),
        completeness=completeness,
        watchlist=watchlist,
    )


def _models(con: duckdb.DuckDBPyConnection, columns: set[str], since: date, end: date) -> pd.DataFrame:
    derived_columns = {
        "first_seen": "first_seen::date as first_seen",
        "published_on": "published_at::date as published_on"
        if "published_at" in columns
        else "null as published_on",
    }
    select = [
        derived_columns.get(name)
        or (name if name in columns or name not in OPTIONAL_MODEL_COLUMNS else f"null as {name}")
        for name in MODEL_COLUMNS
    ]
    models = con.execute(
        f"select {', '.join(select)} from dim_model where first_seen::date between ? and ?",  # noqa: S608
        [since, end],
    ).df()
    models["first_seen"] = _dates(models["first_seen"])
    models["published_on"] = _dates(models["published_on"])
    models["model_id"] = models["model_id"].astype(str)
    derived = pd.Series(
        [model_url(hub, model_id) for hub, model_id in zip(models["hub"], models["model_id"], strict=True)],
        index=models.index,
        dtype=object,
    )
    models["url"] = models["url"].where(models["url"].notna(), derived)
    return models


def _reuploads(con: duckdb.DuckDBPyConnection, start: date, end: date) -> pd.DataFrame:
    return _optional_mart(con, "mart_reuploads", REUPLOAD_COLUMNS, "seen_on", start, end, "takedown-evasion")


def _overdue(con: duckdb.DuckDBPyConnection, end: date) -> pd.DataFrame:
    """Every model overdue by ``end``, from before the scored days too: one still up is alerted on
    the first scored day (the history records it once)."""
    return _optional_mart(
        con, "mart_hub_response_times", OVERDUE_COLUMNS, "overdue_on", date.min, end, "takedown-overdue"
    )


def _optional_mart(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: tuple[str, ...],
    day_column: str,
    start: date,
    end: date,
    rule: str,
) -> pd.DataFrame:
    """Rows of a mart one rule reads whose ``day_column`` is in ``start..end``; without the mart or
    its columns (a warehouse of an earlier version) that rule is off, with a warning."""
    if not set(columns) <= table_columns(con, table):
        log.warning("%s missing or lacking %s: %s alerts are off", table, columns, rule)
        return pd.DataFrame(columns=list(columns))
    frame = con.execute(
        f"select {', '.join(columns)} from {table} where {day_column}::date between ? and ?",  # noqa: S608
        [start, end],
    ).df()
    frame[day_column] = _dates(frame[day_column])
    frame["model_id"] = frame["model_id"].astype(str)
    return frame


def read_drift(con: duckdb.DuckDBPyConnection, start: date, end: date) -> pd.DataFrame:
    """Schema drift the raw gates recorded for the scored days (``con``: the state store)."""
    rows = con.execute(DRIFT_OF_LATEST_RUN.format(where="day between ? and ?"), [start, end]).fetchall()
    records = []
    for hub, day, observed in rows:
        item = json.loads(observed)
        records.append(
            {
                "hub": hub,
                "day": day,
                "field": item["field"],
                "change": item["change"],
                "rows": item["rows"],
                "of": item["of"],
                "since": date.fromisoformat(item["since"]),
                "feeds": list(item.get("feeds") or []),
                "renamed_to": item.get("renamed_to"),
            }
        )
    return pd.DataFrame.from_records(records, columns=list(DRIFT_COLUMNS))


def _dates(values: pd.Series) -> pd.Series:
    """Python dates (None where unknown), the type the rules compare days with."""
    stamps = pd.to_datetime(values)
    return pd.Series([None if pd.isna(ts) else ts.date() for ts in stamps], index=values.index, dtype=object)
