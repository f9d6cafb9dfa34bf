"""Copies of the published warehouse that never open it for writing, and the atomic swap back.

Analysts keep read-only DuckDB connections on the published file (notebooks, the DuckDB CLI, BI
tools). Opening it for writing would wait for them, so a build copies it under a read-only
connection (a shared lock: readers may stay, no DuckDB writer can change the file during the
copy), builds the copy, and renames the copy over the published file: readers keep the snapshot
they opened and see the new data when they reconnect. Callers hold the published file's writer
lock (``likeness_watch.warehouse.access.writer_lock``) around the copy and around the swap.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from likeness_watch.raw import points
from likeness_watch.warehouse.access import connect


def wal(path: Path) -> Path:
    """A DuckDB file's write-ahead log."""
    return path.with_name(path.name + ".wal")


def partial(path: Path) -> Path:
    """Where a copy to ``path`` is written before it is renamed into place."""
    return path.with_name(path.name + ".partial")


def copy_published(published: Path, target: Path) -> None:
    """Replace ``target`` (and its leftovers) with a copy of ``published``, or with nothing when
    there is no published file yet; a write-ahead log a writer left goes along with the file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in (target, wal(target), partial(target)):
        stale.unlink(missing_ok=True)
    if published.exists():
        con = connect(published, read_only=True)
        try:
            _copy(published, partial(target))
            if wal(published).exists():
                _copy(wal(published), wal(target))
        finally:
            con.close()
        os.replace(partial(target), target)
    points.reached("warehouse_copied")


def _copy(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target``; on any error the partial copy is deleted (it can be GBs)."""
    try:
        shutil.copyfile(source, target)
    except BaseException as exc:
        target.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
            raise OSError(exc.errno, f"cannot copy the warehouse {source} to {target}: {reason}") from exc
        raise


def checkpoint(path: Path) -> None:
    """Fold the write-ahead log of an unpublished copy into its file, so the file is complete."""
    con = connect(path)
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    points.reached("warehouse_checkpointed")


def swap_in(built: Path, published: Path) -> None:
    """Rename a checkpointed ``built`` over ``published`` (readers see the old file or the new one)."""
    wal(published).unlink(missing_ok=True)
    os.replace(built, published)
    points.reached("warehouse_swapped")
