"""Read what the report needs from the DuckDB warehouse (and the alerts and validation results from
the state store): read-only, and tolerant of missing pieces.

The marts are built by other parts of the platform and grow over time (versions, prominence,
base-model family, alert and validation tables arrive later). The report must still render with
what exists, so each optional table or column that is absent is recorded in ``unavailable`` and the
corresponding figure says "not available" instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from likeness_watch.classify.evaluate import EvalReport
from likeness_watch.review.evaluation import REVIEW_COLUMNS, evaluate_reviewed
from likeness_watch.settings import Settings
from likeness_watch.state_store import StateStore
from likeness_watch.warehouse.access import connect


class ReportError(Exception):
    """A problem the user can fix (missing warehouse, bad period); shown as one line."""


@dataclass(frozen=True)
class TableSpec:
    """Columns the report reads from one table: without ``required`` the table is treated as absent."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()


MODELS = TableSpec(
    "dim_model",
    required=("hub", "model_id", "is_likeness", "first_seen"),
    optional=(
        "name", "type", "creator", "status", "target_gender", "target_country", "target_prominence",
        "nsfw_intent", "classifier_version", "published_at", "base_model_family", "downloads",
    ),
)  # fmt: skip
VERSIONS = TableSpec(
    "fct_likeness_versions",
    required=("hub", "model_id", "version_id", "published_at"),
    optional=("base_model_family", "downloads"),
)
DAILY = TableSpec(
    "mart_likeness_daily",
    required=("day", "hub", "new_likeness_models"),
    optional=("taken_down_likeness_models", "likeness_downloads", "downloads_delta"),
)
TARGETS = TableSpec("mart_targets", required=("country", "downloads"))
REUPLOADS = TableSpec(
    "mart_reuploads",
    required=("sha256", "hub", "model_id", "appeared_on"),
    optional=("after_takedown", "is_cross_hub"),
)
ALERTS = TableSpec(
    "alerts",
    required=("alert_id", "kind", "day"),
    optional=("hub", "severity", "observed", "expected", "title"),
)
VALIDATION = TableSpec(
    "validation_results",
    required=("run_id", "suite", "expectation", "success"),
    optional=("run_at", "hub", "day", "observed_value", "severity"),
)

RESPONSE_SUMMARY = TableSpec(
    "mart_hub_response_summary",
    required=(
        "hub",
        "reported_models",
        "taken_down_in_time",
        "overdue",
        "pending",
        "median_hours_to_takedown",
    ),
    optional=("deadline_hours", "taken_down_late", "share_in_time"),
)
OVERDUE = TableSpec(
    "mart_hub_response_times",
    required=("hub", "model_id", "response_status", "reported_at", "overdue_on"),
    optional=("name", "deadline_at", "status"),
)

POI_OVERRULED = "poi:overruled"
"""Reason code of a model Civitai flags as a real person (``poi``) that is not a likeness model."""

_DATE_COLUMNS = {"first_seen", "last_seen", "published_at", "day", "appeared_on", "overdue_on"}


@dataclass
class ReportData:
    """Everything the report shows, already limited to the period (``start`` None = from the start)."""

    start: date | None
    end: date
    models: pd.DataFrame
    versions: pd.DataFrame | None = None
    daily: pd.DataFrame | None = None
    targets: pd.DataFrame | None = None
    reuploads: pd.DataFrame | None = None
    alerts: pd.DataFrame | None = None
    validation: pd.DataFrame | None = None
    poi_flagged: pd.DataFrame | None = None
    """Models (likeness or not) flagged ``poi`` by their hub: hub, overruled (``poi:overruled``)."""
    response_summary: pd.DataFrame | None = None
    """Per hub: how fast it takes reported models down (mart_hub_response_summary; all reports so far)."""
    overdue: pd.DataFrame | None = None
    """Reported models still up past their takedown deadline (mart_hub_response_times, overdue)."""
    reviewed: dict[str, EvalReport] | None = None
    """Per hub: the classifier scored on the reviewed models (verdicts in force at the last build,
    all so far; ``likeness_watch.review.evaluation``). Empty: no verdict yet; None: not available."""
    unavailable: list[str] = field(default_factory=list)
    first_crawl_day: date | None = None

    @property
    def timeline_start(self) -> date:
        """First day drawn on timelines: the requested start, else the first day with data."""
        if self.start is not None:
            return self.start
        if self.daily is not None and not self.daily.empty:
            return min(self.daily["day"])
        known = self.models["first_seen"].dropna()
        return min(known) if not known.empty else self.end


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    rows = con.execute(
        "select table_name, column_name from information_schema.columns where table_schema = 'main'"
    ).fetchall()
    found: dict[str, set[str]] = {}
    for table, column in rows:
        found.setdefault(table, set()).add(column)
    return found


def _select(
    con: duckdb.DuckDBPyConnection,
    spec: TableSpec,
    columns: dict[str, set[str]],
    unavailable: list[str],
    where: str = "",
    params: list[object] | None = None,
) -> pd.DataFrame | None:
    present = columns.get(spec.name)
    if present is None:
        unavailable.append(f"table {spec.name}")
        return None
    lacking = [c for c in spec.required if c not in present]
    if lacking:
        unavailable.append(f"table {spec.name} (lacks {', '.join(lacking)})")
        return None
    unavailable.extend(f"{spec.name}.{c}" for c in spec.optional if c not in present)
    wanted = [c for c in (*spec.required, *spec.optional) if c in present]
    select = ", ".join(f"cast({c} as date) as {c}" if c in _DATE_COLUMNS else c for c in wanted)
    return con.execute(f"select {select} from main.{spec.name} {where}", params or []).df()  # noqa: S608


def _to_dates(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """DuckDB DATEs arrive as pandas timestamps; the report works in ``datetime.date`` throughout."""
    if frame is None:
        return None
    for column in _DATE_COLUMNS & set(frame.columns):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def _published(frame: pd.DataFrame) -> pd.Series:
    """When an item entered the hub: ``published_at`` if the warehouse has it, else first seen."""
    if "published_at" not in frame:
        return frame["first_seen"]
    if "first_seen" not in frame:
        return frame["published_at"]
    return frame["published_at"].fillna(frame["first_seen"])


def _in_scope(frame: pd.DataFrame, start: date | None, end: date) -> pd.DataFrame:
    published = _published(frame)
    keep = published.notna() & (published <= end)
    if start is not None:
        keep &= published >= start
    return frame[keep].reset_index(drop=True)


def _between(frame: pd.DataFrame | None, column: str, start: date | None, end: date) -> pd.DataFrame | None:
    if frame is None:
        return None
    keep = frame[column].notna() & (frame[column] <= end)
    if start is not None:
        keep &= frame[column] >= start
    return frame[keep].reset_index(drop=True)


def _validations_for(frame: pd.DataFrame | None, start: date | None, end: date) -> pd.DataFrame | None:
    """Checks of a partition dated in the period, plus whole-table checks (no day), which always apply."""
    if frame is None or "day" not in frame:
        return frame
    dated = _between(frame, "day", start, end)
    return pd.concat([dated, frame[frame["day"].isna()]], ignore_index=True)


def _poi_flagged(
    con: duckdb.DuckDBPyConnection,
    columns: dict[str, set[str]],
    unavailable: list[str],
    start: date | None,
    end: date,
) -> pd.DataFrame | None:
    """The period's poi-flagged models and whether the final decision overruled the flag."""
    present = columns[MODELS.name]
    lacking = [column for column in ("poi", "likeness_reasons") if column not in present]
    if lacking:
        unavailable.extend(f"{MODELS.name}.{column}" for column in lacking)
        return None
    published = ", published_at" if "published_at" in present else ""
    frame = con.execute(
        "select hub, list_contains(likeness_reasons, ?) as overruled, first_seen"  # noqa: S608
        f"{published} from main.{MODELS.name} where poi",
        [POI_OVERRULED],
    ).df()
    return _in_scope(_to_dates(frame), start, end)


def _reviewed(
    con: duckdb.DuckDBPyConnection, columns: dict[str, set[str]], unavailable: list[str]
) -> dict[str, EvalReport] | None:
    """The classifier on the reviewed models, as ``likeness-watch review --eval`` prints it."""
    lacking = [column for column in REVIEW_COLUMNS if column not in columns[MODELS.name]]
    if lacking:
        unavailable.extend(f"{MODELS.name}.{column}" for column in lacking)
        return None
    return evaluate_reviewed(con)


def _first_crawl_day(con: duckdb.DuckDBPyConnection, columns: dict[str, set[str]]) -> date | None:
    """The daily mart's first day: every model already on a hub is "new" that day."""
    if "day" not in columns.get(DAILY.name, set()):
        return None
    return con.execute(f"select min(cast(day as date)) from main.{DAILY.name}").fetchone()[0]  # noqa: S608


def _default_end(con: duckdb.DuckDBPyConnection, columns: dict[str, set[str]]) -> date:
    if "day" in columns.get(DAILY.name, set()):
        last = con.execute(f"select max(cast(day as date)) from main.{DAILY.name}").fetchone()  # noqa: S608
    else:
        last = con.execute(f"select max(cast(last_seen as date)) from main.{MODELS.name}").fetchone()  # noqa: S608
    if last is None or last[0] is None:
        raise ReportError("the warehouse holds no data yet: run `likeness-watch crawl` and `build` first")
    return last[0]


def load_report_data(
    warehouse: Path, start: date | None = None, end: date | None = None, state: Path | None = None
) -> ReportData:
    """Read the period's likeness models, daily marts and re-uploads from the warehouse, and its
    alerts and validation results from the state store ``state`` (``likeness_watch.state_store``;
    without one they are not available)."""
    if start is not None and end is not None and start > end:
        raise ReportError(f"--from {start} is after --to {end}")
    if not Path(warehouse).is_file():
        raise ReportError(f"warehouse not found at {warehouse}: run `likeness-watch build` first")
    con = _open(Path(warehouse), "warehouse")
    try:
        columns = _columns(con)
        if not set(MODELS.required) <= columns.get(MODELS.name, set()):
            raise ReportError(f"warehouse {warehouse} has no dim_model yet: run `likeness-watch build` first")
        end = end or _default_end(con, columns)
        unavailable: list[str] = []
        models = _to_dates(_select(con, MODELS, columns, unavailable, "where is_likeness"))
        versions = _to_dates(_select(con, VERSIONS, columns, unavailable))
        data = ReportData(
            start=start,
            end=end,
            models=_in_scope(models, start, end),
            versions=None if versions is None else _in_scope(versions, start, end),
            daily=_between(_to_dates(_select(con, DAILY, columns, unavailable)), "day", start, end),
            targets=_select(con, TARGETS, columns, unavailable),
            reuploads=_between(
                _to_dates(_select(con, REUPLOADS, columns, unavailable)), "appeared_on", start, end
            ),
            poi_flagged=_poi_flagged(con, columns, unavailable, start, end),
            response_summary=_select(con, RESPONSE_SUMMARY, columns, unavailable, "order by hub"),
            overdue=_to_dates(
                _select(
                    con,
                    OVERDUE,
                    columns,
                    unavailable,
                    "where response_status = 'overdue' order by hub, reported_at",
                )
            ),
            reviewed=_reviewed(con, columns, unavailable),
            unavailable=unavailable,
            first_crawl_day=_first_crawl_day(con, columns),
        )
    except duckdb.Error as exc:
        raise ReportError(f"cannot read warehouse {warehouse}: {str(exc).splitlines()[0]}") from exc
    finally:
        con.close()
    alerts, validation = _operations(state, unavailable)
    data.alerts = _between(alerts, "day", start, end)
    data.validation = _validations_for(validation, start, end)
    return data


def load_settings_data(settings: Settings, start: date | None = None, end: date | None = None) -> ReportData:
    """``load_report_data`` for ``settings``' warehouse and state store. The report may be the
    first to run after an upgrade: the store is migrated first when it has to be."""
    if Path(settings.warehouse).is_file():
        StateStore.of(settings).ensure()
    return load_report_data(settings.warehouse, start, end, Path(settings.state))


def _open(path: Path, what: str) -> duckdb.DuckDBPyConnection:
    try:
        return connect(path, read_only=True)  # waits while another process writes
    except duckdb.Error as exc:
        raise ReportError(f"cannot open {what} {path}: {str(exc).splitlines()[0]}") from exc


def _operations(
    state: Path | None, unavailable: list[str]
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """The recorded alerts and validation results, from the state store."""
    if state is None or not state.is_file():
        unavailable.extend(f"table {spec.name}" for spec in (ALERTS, VALIDATION))
        return None, None
    con = _open(state, "state store")
    try:
        columns = _columns(con)
        return (
            _to_dates(_select(con, ALERTS, columns, unavailable)),
            _to_dates(_select(con, VALIDATION, columns, unavailable)),
        )
    except duckdb.Error as exc:
        raise ReportError(f"cannot read state store {state}: {str(exc).splitlines()[0]}") from exc
    finally:
        con.close()
