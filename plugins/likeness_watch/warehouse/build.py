"""Run ``dbt build`` on the warehouse project, for the CLI, the demo and the quality pipeline
(the ``lw_build`` DAG runs the same project through cosmos).

dbt runs in-process (``dbtRunner``), the way cosmos runs it, with absolute paths passed as vars
so the result does not depend on the working directory. Secrets never go into vars (dbt writes
them to its artifacts): S3 credentials stay in the environment, read by s3fs and boto3.
dbt's artifacts and logs go next to the warehouse (``<warehouse>.dbt/``): builds of different
warehouses (a candidate and the published one, tests) never share a ``target/`` directory, and
each keeps its own partial-parse state.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from likeness_watch.raw import points
from likeness_watch.raw.integrity import quarantine_changed
from likeness_watch.raw.layout import RAW_ROOT, parse_manifest_key
from likeness_watch.raw.writer import utc_now
from likeness_watch.settings import Settings
from likeness_watch.store import ObjectStore, open_store
from likeness_watch.warehouse.access import connect
from likeness_watch.warehouse.paths import DBT_PROJECT_DIR, resolve_store_uri

log = logging.getLogger(__name__)

FACT_TABLE = "intermediate.int_model_daily"
"""The daily fact builds load (its mart ``fct_model_daily`` is a view over it)."""


class WarehouseBuildError(RuntimeError):
    """dbt could not build the warehouse; the message names the failing models or tests."""


class HistoryLossError(WarehouseBuildError):
    """The build would drop partitions the warehouse was built from (a wrong or emptied store)."""


@dataclass(frozen=True)
class NodeResult:
    """One model, seed or test of the build."""

    name: str
    resource_type: str
    status: str
    seconds: float
    message: str | None = None


@dataclass(frozen=True)
class LoadedPartition:
    """A raw partition this build read into the daily fact (``int_model_daily``)."""

    hub: str
    dt: str
    run_id: str
    rows: int


@dataclass
class BuildResult:
    """What a build did: its dbt nodes and the raw partitions it (re)loaded."""

    warehouse: Path
    store: str
    full_refresh: bool
    invocation_id: str
    seconds: float
    nodes: list[NodeResult] = field(default_factory=list)
    loaded: list[LoadedPartition] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    """One line per partition quarantined before the build because its files changed."""

    @property
    def failed(self) -> list[NodeResult]:
        return [node for node in self.nodes if node.status in {"error", "fail", "runtime error"}]

    @property
    def warnings(self) -> list[NodeResult]:
        return [node for node in self.nodes if node.status == "warn"]

    def summary(self) -> str:
        """One line for logs and the CLI."""
        rows = sum(p.rows for p in self.loaded)
        return (
            f"built {self.warehouse} in {self.seconds:.1f}s: {len(self.nodes)} dbt nodes, "
            f"{len(self.warnings)} warnings; loaded {len(self.loaded)} partitions ({rows} rows)"
        )


def dbt_vars(settings: Settings, cwd: Path) -> dict[str, str]:
    """Paths made absolute against the caller's directory, plus the DuckDB memory limit, whether
    the watchlist was configured (then it must exist, as for the alerts) and the takedown deadline
    (mart_hub_response_times)."""
    return {
        "lw_store": resolve_store_uri(settings.store, cwd),
        "lw_warehouse": str((cwd / settings.warehouse.expanduser()).resolve()),
        "lw_state": str((cwd / settings.state.expanduser()).resolve()),
        "lw_watchlist": str((cwd / settings.watchlist.expanduser()).resolve()),
        "lw_watchlist_required": str("watchlist" in settings.model_fields_set).lower(),
        "lw_memory_limit": settings.duckdb_memory_limit,
        "lw_takedown_deadline_hours": str(settings.takedown_deadline_hours),
    }


SKIP_UNIT_TESTS = ["--exclude-resource-type", "unit_test"]
"""dbt unit tests check SQL logic on fixed inputs, not data: routine builds skip them."""


def artifacts_dir(warehouse: Path) -> Path:
    """Where dbt writes ``target/`` and ``logs/`` for builds of this warehouse."""
    return warehouse.with_name(warehouse.name + ".dbt")


def dbt_args(
    variables: dict[str, str],
    full_refresh: bool = False,
    select: str | None = None,
    unit_tests: bool = False,
    artifacts: Path | None = None,
) -> list[str]:
    """The ``dbt build`` command line (without the executable).

    dbt unit tests check SQL logic on fixed inputs, not data: like dbt recommends, routine
    builds skip them and the test suite runs them (``unit_tests=True``).
    """
    args = [
        "build",
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--vars",
        json.dumps(variables),
    ]
    if artifacts is not None:
        args += ["--target-path", str(artifacts / "target"), "--log-path", str(artifacts / "logs")]
    if not unit_tests:
        args += SKIP_UNIT_TESTS
    if full_refresh:
        args.append("--full-refresh")
    if select:
        args += ["--select", select]
    return args


def one_line(message: str, max_lines: int = 4) -> str:
    """A multi-line dbt error as one line (dbt puts the cause on the lines after the headline)."""
    return " | ".join([line.strip() for line in message.splitlines() if line.strip()][:max_lines])


def first_error_line(message: str | None) -> str | None:
    """The telling line of a dbt message: skip its "Runtime Error in model ..." preamble."""
    lines = [line.strip() for line in str(message or "").splitlines() if line.strip()]
    if len(lines) > 1 and " Error in " in lines[0]:
        return lines[1]
    return lines[0] if lines else None


def node_results(run_results: Any) -> list[NodeResult]:
    """dbt's per-node results in our terms (one telling line of any error message)."""
    nodes = []
    for result in getattr(run_results, "results", None) or []:
        message = first_error_line(result.message)
        nodes.append(
            NodeResult(
                name=result.node.name,
                resource_type=str(result.node.resource_type),
                status=str(result.status),
                seconds=float(result.execution_time or 0.0),
                message=message,
            )
        )
    return nodes


def failure_message(nodes: list[NodeResult]) -> str:
    failed = [node for node in nodes if node.status in {"error", "fail", "runtime error"}]
    if not failed:
        return "dbt build failed (see the dbt log above)"
    details = "; ".join(f"{node.name}: {node.message or node.status}" for node in failed[:5])
    more = f" (+{len(failed) - 5} more)" if len(failed) > 5 else ""
    return f"dbt build failed in {len(failed)} node(s): {details}{more}"


def loaded_partitions(warehouse: Path, invocation_id: str) -> list[LoadedPartition]:
    """Partitions whose rows this invocation inserted into the history fact."""
    con = connect(warehouse, read_only=True)
    try:
        exists = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'intermediate' "
            "and table_name = 'int_model_daily'"
        ).fetchone()
        if not exists or not exists[0]:
            return []
        rows = con.execute(
            f"select hub, strftime(dt, '%Y-%m-%d'), run_id, count(*) from {FACT_TABLE} "  # noqa: S608
            "where load_id = ? group by all order by 1, 2",
            [invocation_id],
        ).fetchall()
    finally:
        con.close()
    return [LoadedPartition(hub, dt, run_id, count) for hub, dt, run_id, count in rows]


def loaded_runs(warehouse: Path) -> set[tuple[str, str, str]]:
    """``(hub, dt, run_id)`` of every partition run in the warehouse's history fact (none yet: empty)."""
    if not warehouse.is_file():
        return set()
    con = connect(warehouse, read_only=True)
    try:
        schema, table = FACT_TABLE.split(".")
        exists = con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()
        if not exists or not exists[0]:
            return set()
        rows = con.execute(
            f"select distinct hub, strftime(dt, '%Y-%m-%d'), run_id from {FACT_TABLE}"  # noqa: S608
        ).fetchall()
    finally:
        con.close()
    return {(hub, dt, run_id) for hub, dt, run_id in rows}


def release_warehouse() -> None:
    """Close dbt-duckdb's process-wide database handle so this process (the report, the alerts)
    or another one can open the warehouse file next."""
    import gc

    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.adapters.factory import reset_adapters

    reset_adapters()
    DuckDBConnectionManager.close_all_connections()
    gc.collect()


def held_partitions(store: ObjectStore) -> set[tuple[str, str]]:
    """``(hub, day)`` of every partition the store has a manifest for, whatever its status (one
    listing, no reads): a quarantined, landed or unreadable partition is the store's to decide."""
    return {
        (hub, day.isoformat())
        for key in store.list(f"{RAW_ROOT}/")
        if (hub_day := parse_manifest_key(key))
        for hub, day in [hub_day]
    }


def guard_history(
    store: ObjectStore, loaded: set[tuple[str, str, str]], full_refresh: bool = False, force: bool = False
) -> None:
    """Refuse a build that would drop partitions the warehouse was built from: the history is the
    product, and an empty or mistyped store would otherwise replace it with nothing.

    A partition is kept when the store has its manifest (a quarantined one is dropped on purpose).
    An incremental build refuses any loss. A full refresh may drop partitions the store no longer
    has only when the store really is this warehouse's lake, i.e. holds at least one of the
    partitions it was built from; a store holding none of them needs ``force`` too.
    """
    built_from = sorted({(hub, dt) for hub, dt, _ in loaded})
    held = held_partitions(store)
    lost = [partition for partition in built_from if partition not in held]
    if not lost:
        return
    if full_refresh and (force or len(lost) < len(built_from)):
        log.warning("full refresh drops %d partition(s) the store no longer has", len(lost))
        return
    shown = ", ".join(f"{hub} {dt}" for hub, dt in lost[:3]) + (" …" if len(lost) > 3 else "")
    if len(lost) == len(built_from):
        what, remedy = "none of the", "--full-refresh --force"
    else:
        what, remedy = f"{len(built_from) - len(lost)} of the", "--full-refresh"
    raise HistoryLossError(
        f"the store holds {what} {len(built_from)} partitions this warehouse was built from "
        f"(lacks {shown}); check LW_STORE or pass {remedy} to rebuild from this store"
    )


def verify_unloaded(
    store: ObjectStore, warehouse: Path, full_refresh: bool = False, force: bool = False
) -> list[str]:
    """Before a build (the CLI's, and lw_build's before cosmos runs dbt): refuse it if it would
    drop history (``guard_history``), then quarantine the partitions it is about to load whose
    files no longer match their sha256; one line each, the others build."""
    loaded = loaded_runs(warehouse)
    guard_history(store, loaded, full_refresh, force)
    quarantined = quarantine_changed(store, set() if full_refresh else loaded, utc_now())
    for line in quarantined:
        log.warning(line)
    return quarantined


def build_warehouse(
    settings: Settings,
    full_refresh: bool = False,
    select: str | None = None,
    unit_tests: bool = False,
    force: bool = False,
) -> BuildResult:
    """``dbt build`` the warehouse from the raw partitions of ``settings.store``.

    Incremental by default: only partitions that are new (or re-crawled) since the last build
    are read. ``full_refresh`` rebuilds everything from the raw layer; ``select`` is a dbt node
    selection (e.g. ``"+mart_targets"``); ``unit_tests`` also runs the dbt unit tests. Raises
    ``HistoryLossError`` before dbt runs when the build would drop partitions the warehouse was
    built from (``force`` allows that on a full refresh), ``WarehouseBuildError`` when dbt fails.
    """
    from dbt.cli.main import dbtRunner
    from dbt_common.invocation import get_invocation_id

    variables = dbt_vars(settings, Path.cwd())
    warehouse = Path(variables["lw_warehouse"])
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    log.info(
        "dbt build: store=%s warehouse=%s full_refresh=%s select=%s",
        variables["lw_store"],
        warehouse,
        full_refresh,
        select or "all",
    )
    quarantined = verify_unloaded(open_store(variables["lw_store"]), warehouse, full_refresh, force)
    started = time.monotonic()
    try:
        outcome = dbtRunner().invoke(
            dbt_args(variables, full_refresh, select, unit_tests, artifacts_dir(warehouse))
        )
    finally:
        release_warehouse()
    seconds = time.monotonic() - started
    if outcome.exception is not None:
        raise WarehouseBuildError(f"dbt could not run: {one_line(str(outcome.exception))}")
    nodes = node_results(outcome.result)
    if not outcome.success:
        raise WarehouseBuildError(failure_message(nodes))
    if select and not nodes:
        raise WarehouseBuildError(f"--select {select!r} matches no dbt node: nothing was built")
    points.reached("warehouse_built")
    invocation_id = get_invocation_id()
    result = BuildResult(
        warehouse=warehouse,
        store=variables["lw_store"],
        full_refresh=full_refresh,
        invocation_id=invocation_id,
        seconds=seconds,
        nodes=nodes,
        loaded=loaded_partitions(warehouse, invocation_id),
        quarantined=quarantined,
    )
    log.info(result.summary())
    return result
