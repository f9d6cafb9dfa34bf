"""The operational state store: what the platform did, kept apart from the analytic warehouse.

The alert history (``alerts``, ``alert_deliveries``: what makes delivery exactly-once), the
gates' ``validation_results`` and the reviewers' ``review_decisions`` are written by our code as
things happen; the warehouse is rebuilt by dbt, copied into a candidate and swapped on publish,
and may be deleted and rebuilt from the raw layer. Kept in the warehouse, that state had to be
carried across every publish, and a full rebuild forgot it (every alert recorded and sent again).
So it lives in its own DuckDB file, ``LW_STATE`` (default ``./data/state.duckdb``), written in
place and never swapped.

Every write holds the state file's writer lock (``<state>.lock``) and sees the schema created;
``delivery_lock`` (``<state>.deliver.lock``) keeps two alert runs from sending the same delivery.
The first writer (or reader) also migrates history from a warehouse of an earlier version: the
tables found there are copied once, in the transaction that records the migration in
``state_migrations``; from then on they are read here only (publishing drops the warehouse's
leftover copies).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from filelock import FileLock

from likeness_watch.settings import Settings
from likeness_watch.warehouse.access import WRITER_WAIT_S, attach_read_only, connect, writer_lock

TABLES = ("alerts", "alert_deliveries", "validation_results")
"""The state tables, in the order a migration copies them."""
MIGRATIONS_TABLE = "state_migrations"
FROM_WAREHOUSE = "warehouse"
"""The migration that copies ``TABLES`` from the warehouse file of an earlier version."""
_LEGACY = "lw_legacy_warehouse"

SCHEMA = f"""
create table if not exists alerts (
    alert_id varchar primary key,
    kind varchar not null,
    severity varchar not null,
    hub varchar not null,
    day date not null,
    subject varchar not null,
    title varchar not null,
    observed double,
    expected double,
    p_value double,
    payload varchar not null,
    detected_at timestamp not null,
    delivery_suppressed boolean not null
);
create table if not exists alert_deliveries (
    alert_id varchar not null,
    channel varchar not null,
    status varchar not null,
    attempts integer not null,
    last_error varchar,
    next_attempt_at timestamp,
    delivered_at timestamp,
    primary key (alert_id, channel)
);
create table if not exists validation_results (
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
);
comment on table validation_results is 'One row per expectation per quality-gate run (run_at in UTC; observed_value is JSON). Written by likeness_watch.quality, not by dbt.';
create table if not exists review_decisions (
    decision_id varchar primary key,
    hub varchar not null,
    model_id varchar not null,
    decision varchar not null,
    note varchar,
    decided_by varchar not null,
    decided_at timestamp not null,
    recorded_at timestamp not null,
    source varchar not null
);
comment on table review_decisions is 'One row per trust-and-safety review decision, append-only (decided_at and recorded_at in UTC). Written by likeness_watch.review; a correction is a newer decision.';
create table if not exists {MIGRATIONS_TABLE} (
    migration varchar primary key,
    source varchar not null,
    copied varchar not null,
    migrated_at timestamp not null
);
"""  # noqa: E501 - a DuckDB comment is one string


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the state tables that do not exist yet (any connection: the state store, a test's)."""
    con.execute(SCHEMA)


@dataclass(frozen=True)
class StateStore:
    """The state file, and the warehouse its history may have to be migrated from."""

    path: Path
    warehouse: Path

    @classmethod
    def of(cls, settings: Settings) -> StateStore:
        return cls(Path(settings.state), Path(settings.warehouse))

    @contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write connection, holding the writer lock throughout; the schema exists and the
        warehouse's history has been migrated."""
        with writer_lock(self.path):
            con = connect(self.path)
            try:
                create_schema(con)
                _migrate(con, self.warehouse)
                yield con
            finally:
                con.close()

    @contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection to a migrated store (created first when there is none)."""
        self.ensure()
        con = connect(self.path, read_only=True)
        try:
            yield con
        finally:
            con.close()

    def ensure(self) -> None:
        """Create and migrate the store unless that is done (checked without the writer lock)."""
        if self.path.is_file():
            con = connect(self.path, read_only=True)
            try:
                if migrated(con):
                    return
            finally:
                con.close()
        with self.writer():
            pass

    def delivery_lock(self) -> FileLock:
        """Held by the one process sending alerts. Sending happens outside the writer lock (a
        slow receiver must not keep the gates and the report out of the file), so this lock is
        what keeps two alert runs from sending the same due delivery."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return FileLock(f"{self.path}.deliver.lock", timeout=WRITER_WAIT_S)


def migrated(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse's history was migrated into the store ``con`` is connected to."""
    if MIGRATIONS_TABLE not in _tables(con, _own_catalog(con)):
        return False
    found = con.execute(
        f"select 1 from {MIGRATIONS_TABLE} where migration = ?",  # noqa: S608
        [FROM_WAREHOUSE],
    ).fetchone()
    return found is not None


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> set[str]:
    rows = con.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = 'main'", [catalog]
    ).fetchall()
    return {name for (name,) in rows}


def _own_catalog(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("select current_database()").fetchone()
    return str(row[0]) if row else "main"


def _migrate(con: duckdb.DuckDBPyConnection, warehouse: Path) -> None:
    """Copy the state tables a warehouse of an earlier version holds, once (under the writer lock)."""
    if migrated(con):
        return
    copied: dict[str, int] = {}
    legacy = warehouse.is_file()
    if legacy:
        attach_read_only(con, warehouse, _LEGACY)
    try:
        present = _tables(con, _LEGACY) if legacy else set()
        con.execute("begin transaction")
        try:
            for table in TABLES:
                if table in present:
                    con.execute(f"insert into {table} by name select * from {_LEGACY}.main.{table}")  # noqa: S608
                    row = con.execute(f"select count(*) from {_LEGACY}.main.{table}").fetchone()  # noqa: S608
                    copied[table] = int(row[0]) if row else 0
            con.execute(
                f"insert into {MIGRATIONS_TABLE} values (?, ?, ?, ?)",  # noqa: S608
                [FROM_WAREHOUSE, str(warehouse), json.dumps(copied), datetime.now(UTC).replace(tzinfo=None)],
            )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    finally:
        if legacy:
            con.execute(f"detach {_LEGACY}")
