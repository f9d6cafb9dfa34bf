"""Trust-and-safety review decisions: append-only rows in the state store (``review_decisions``).

A reviewer's decision about one model is a fact about what a person judged and when, not a
setting: decisions are only ever appended (this module has no update or delete), a correction is
a newer decision, and the warehouse reads the latest one per model (``stg_review__decisions``).
They live in the state store, not in the warehouse, so that a rebuild (even ``--full-refresh``)
can never lose them.

Every write holds the state store's writer lock (``StateStore.writer``: a file lock that queues
writers across processes, then a DuckDB open retried while another process holds the file), and
a CSV load is one transaction, validated whole before anything is written.
"""

from __future__ import annotations

import csv
import getpass
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import duckdb
import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from likeness_watch.display import visible
from likeness_watch.hubs.registry import hub_names
from likeness_watch.state_store import StateStore
from likeness_watch.timestamps import parse_utc
from likeness_watch.warehouse.access import connect

TABLE = "review_decisions"
DecisionKind = Literal["likeness", "not_likeness", "reported", "removed_by_hub"]
DECISIONS: tuple[str, ...] = get_args(DecisionKind)
"""``likeness``/``not_likeness`` override the classifier; ``reported`` (a report or takedown
notice filed with the hub) starts the response clock; ``removed_by_hub``: the reviewer saw it gone."""
CSV_COLUMNS = ("hub", "model_id", "decision", "note", "by")
CSV_OPTIONAL = ("decided_at",)
CSV_HEADER = f"{','.join(CSV_COLUMNS)}[,{','.join(CSV_OPTIONAL)}]"
CLOCK_SKEW = timedelta(minutes=5)
"""How far in the future a given ``decided_at`` may lie (clocks of reviewers' machines differ)."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class ReviewError(ValueError):
    """A decision or a CSV file that cannot be recorded; the message is one line."""


class Decision(BaseModel):
    """One review decision, validated (a CSV row or the CLI's options)."""

    model_config = ConfigDict(frozen=True)

    hub: str
    model_id: Annotated[Text, StringConstraints(max_length=300)]
    decision: DecisionKind
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None
    decided_by: Annotated[Text, StringConstraints(max_length=100)]
    decided_at: datetime = Field(description="UTC; naive values are read as UTC.")

    @field_validator("hub")
    @classmethod
    def _registered(cls, value: str) -> str:
        if value not in hub_names():
            raise ValueError(f"should be one of {', '.join(hub_names())}")
        return value

    @field_validator("note")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("decided_at", mode="before")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        """ISO-8601 text (``2025-05-02T09:30:00Z``; no zone = UTC) or a datetime, as naive UTC."""
        if isinstance(value, str):
            parsed = parse_utc(value.strip())
            if parsed is None:
                raise ValueError("should be an ISO-8601 time such as 2025-05-02T09:30:00Z")
            value = parsed
        if isinstance(value, datetime):
            value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
            if value > datetime.now(UTC) + CLOCK_SKEW:
                raise ValueError("should not be in the future")
            return value.replace(tzinfo=None)
        return value

    @property
    def decision_id(self) -> str:
        """Derived from what was decided, by whom and when: recording the same decision again (a
        CSV with ``decided_at`` loaded twice) adds nothing; rows without it are decided at load
        time, so each load adds them again."""
        key = "|".join(
            [
                self.hub,
                self.model_id,
                self.decision,
                self.note or "",
                self.decided_by,
                self.decided_at.isoformat(),
            ]
        )
        return hashlib.sha256(key.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Recorded:
    """What a write did: decisions given, and how many were new (the others were recorded before)."""

    given: int
    new: int


def utc_now() -> datetime:
    """Naive UTC, the state store's convention."""
    return datetime.now(UTC).replace(tzinfo=None)


def current_user() -> str:
    """The OS user, who decided unless ``--by`` says otherwise."""
    try:
        return getpass.getuser()
    except (KeyError, OSError) as exc:
        raise ReviewError("cannot tell who is deciding (no OS user name): pass --by NAME") from exc


SHOWN_AS = {"decided_by": "by"}
"""Fields named as the CLI option and the CSV column call them."""


def decision(**fields: Any) -> Decision:
    """A validated decision; invalid fields are one ``ReviewError`` line (``field='value': why``)."""
    try:
        return Decision(**fields)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            field = str(error["loc"][0]) if error["loc"] else ""
            why = error["msg"].removeprefix("Value error, ")
            problems.append(f"{SHOWN_AS.get(field, field)}={visible(repr(error['input']))[:80]}: {why}")
        raise ReviewError("; ".join(problems)) from None


def read_csv(path: Path, default_by: str, now: datetime | None = None) -> list[Decision]:
    """Every row of a decisions CSV, validated; the first bad row fails the whole file with one line
    naming its line number. Columns ``hub,model_id,decision,note,by[,decided_at]``; an empty ``by``
    is ``default_by``, an empty or absent ``decided_at`` is ``now``."""
    now = now or utc_now()
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(_rows(csv.DictReader(handle), path, default_by, now))
    except OSError as exc:
        raise ReviewError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ReviewError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    except csv.Error as exc:
        raise ReviewError(f"{path}: not a readable CSV file: {exc}") from exc


def _rows(reader: csv.DictReader, path: Path, default_by: str, now: datetime) -> Iterator[Decision]:
    header = reader.fieldnames
    if not header:
        raise ReviewError(f"{path}: empty file; expected the header {CSV_HEADER}")
    missing = [column for column in CSV_COLUMNS if column not in header]
    unknown = [column for column in header if column not in (*CSV_COLUMNS, *CSV_OPTIONAL)]
    if missing or unknown:
        problems = [f"lacks {', '.join(missing)}"] if missing else []
        problems += [f"has unknown {', '.join(repr(c) for c in unknown)}"] if unknown else []
        raise ReviewError(f"{path} line 1: the header {' and '.join(problems)}; expected {CSV_HEADER}")
    empty = True
    for row in reader:
        empty = False
        where = f"{path} line {reader.line_num}"
        if None in row or None in row.values():
            raise ReviewError(f"{where}: expected {len(header)} fields")
        try:
            yield decision(
                hub=row["hub"].strip(),
                model_id=row["model_id"],
                decision=row["decision"].strip(),
                note=row["note"],
                decided_by=row["by"].strip() or default_by,
                decided_at=(row.get("decided_at") or "").strip() or now,
            )
        except ReviewError as exc:
            raise ReviewError(f"{where}: {exc}") from None
    if empty:
        raise ReviewError(f"{path}: no decisions, only the header")


def record(store: StateStore, decisions: Iterable[Decision], source: str) -> Recorded:
    """Append decisions in one transaction under the writer lock (all or none); a decision already
    recorded (same id) is left alone."""
    rows = list(decisions)
    recorded_at = utc_now()
    with store.writer() as con:
        before = _count(con)
        con.execute("begin transaction")
        try:
            con.executemany(
                f"insert into {TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing",  # noqa: S608
                [
                    [d.decision_id, d.hub, d.model_id, d.decision, d.note, d.decided_by, d.decided_at]
                    + [recorded_at, source]
                    for d in rows
                ],
            )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        return Recorded(given=len(rows), new=_count(con) - before)


def _count(con: duckdb.DuckDBPyConnection) -> int:
    [(count,)] = con.execute(f"select count(*) from {TABLE}").fetchall()  # noqa: S608
    return int(count)


COLUMNS = ("decided_at", "hub", "model_id", "decision", "decided_by", "note", "source", "decision_id")


def list_decisions(store: StateStore, hub: str | None = None, model_id: str | None = None) -> list[dict]:
    """Recorded decisions, oldest first, optionally of one hub and/or model."""
    with store.reader() as con:
        if not _has_table(con):
            return []
        rows = con.execute(
            f"select {', '.join(COLUMNS)} from {TABLE} "  # noqa: S608
            "where (? is null or hub = ?) and (? is null or model_id = ?) "
            "order by decided_at, recorded_at, hub, model_id, decision_id",
            [hub, hub, model_id, model_id],
        ).fetchall()
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows]


def _has_table(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute(
        "select 1 from duckdb_tables() where database_name = current_database() and table_name = ?", [TABLE]
    ).fetchall()
    return bool(found)


DECISIONS_SCHEMA = pa.schema(
    [
        ("decision_id", pa.string()),
        ("hub", pa.string()),
        ("model_id", pa.string()),
        ("decision", pa.string()),
        ("note", pa.string()),
        ("decided_by", pa.string()),
        ("decided_at", pa.timestamp("us")),
        ("recorded_at", pa.timestamp("us")),
    ]
)


def decisions_table(state: Path) -> pa.Table:
    """Every decision of the state file ``state``, for the warehouse build (``stg_review__decisions``).

    Read-only and without creating anything: a build must not write the state store, and one
    without it (or from before review decisions existed) simply has none.
    """
    if not state.is_file():
        return DECISIONS_SCHEMA.empty_table()
    con = connect(state, read_only=True)
    try:
        if not _has_table(con):
            return DECISIONS_SCHEMA.empty_table()
        names = ", ".join(DECISIONS_SCHEMA.names)
        return con.sql(f"select {names} from {TABLE}").to_arrow_table().cast(DECISIONS_SCHEMA)  # noqa: S608
    finally:
        con.close()
