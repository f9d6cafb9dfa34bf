"""Opening DuckDB files from several processes, and taking turns to write them.

DuckDB lets one process write a file, or several read it: opening (and attaching) is retried
while another process (a build, a gate, an alert run, the report) holds it.

Two files are shared: the published warehouse, which publishing swaps with ``os.replace``, and
the state store (``likeness_watch.state_store``), which is written in place by the gates and the
alert runs. Each has a writer lock (a lock file beside it, across processes): writers queue on it
instead of racing for DuckDB's lock, and no write can land in a warehouse file being replaced.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from filelock import FileLock
from tenacity import retry, retry_if_exception, stop_after_delay, wait_exponential_jitter

OPEN_WAIT_S = 180
"""How long opening waits for another process to release the DuckDB file."""
WRITER_WAIT_S = 900
"""How long a writer waits for the writer lock, or an alert run for the delivery lock."""


def _locked(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


_waiting = retry(
    retry=retry_if_exception(_locked),
    stop=stop_after_delay(OPEN_WAIT_S),
    wait=wait_exponential_jitter(multiplier=0.2, max=5),
    reraise=True,
)


@_waiting
def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB file, waiting while another process holds it."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only)


@_waiting
def attach_read_only(con: duckdb.DuckDBPyConnection, path: Path, alias: str) -> None:
    """Attach another DuckDB file to ``con`` read-only, waiting while another process writes it."""
    quoted = str(path.resolve()).replace("'", "''")
    con.execute(f"attach '{quoted}' as {alias} (read_only)")


def writer_lock(path: Path) -> FileLock:
    """A DuckDB file's writer lock (not re-entrant: take it once per process)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(f"{path}.lock", timeout=WRITER_WAIT_S)
