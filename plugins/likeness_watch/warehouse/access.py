"""Opening the warehouse file from several processes, and writing the published one safely.

DuckDB lets one process write a file, or several read it: opening is retried while another
process (a build, a gate, an alert run, the report) holds it.

Publishing swaps a new warehouse file in with ``os.replace``. The quality gates' results and
the alert history are written into the published file by our code, not by dbt; a write that
interleaved with the swap would land in the replaced file and be lost (an alert recorded, then
delivered, twice). So every writer of the published file holds its writer lock (a lock file
beside it, across processes), and the swap carries those tables over while holding it too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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


@retry(
    retry=retry_if_exception(_locked),
    stop=stop_after_delay(OPEN_WAIT_S),
    wait=wait_exponential_jitter(multiplier=0.2, max=5),
    reraise=True,
)
def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a warehouse file, waiting while another process holds it."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only)


def writer_lock(warehouse: Path) -> FileLock:
    """The published warehouse's writer lock (not re-entrant: take it once per process)."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(f"{warehouse}.lock", timeout=WRITER_WAIT_S)


def delivery_lock(warehouse: Path) -> FileLock:
    """Held by the one process sending alerts. Sending happens outside the writer lock (a slow
    receiver must not keep the report and the gates out of the file), so this lock is what keeps
    two alert runs from sending the same due delivery."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(f"{warehouse}.deliver.lock", timeout=WRITER_WAIT_S)


@contextmanager
def published_writer(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A write connection to the published warehouse, holding its writer lock throughout."""
    with writer_lock(warehouse):
        con = connect(warehouse)
        try:
            yield con
        finally:
            con.close()
