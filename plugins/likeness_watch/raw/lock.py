"""One crawl per hub and day: a lease lock in the object store, so that two crawls of one partition
(an operator's CLI run beside the DAG's, a retry while the first try still runs) never both write
its checkpoint and parts, where the last writer would win.

The lock is a series of generations, ``locks/hub=<hub>/dt=<day>/crawl-<n>.json``, each created with
``put_if_absent`` (S3: a conditional put, ``If-None-Match: *``; local disk: an exclusive create):
of two crawls creating the same generation exactly one succeeds. The newest generation is the
lock's state. It names its holder (host, pid), when it was taken and when its lease ends; the
holder renews the lease from a background thread every third of it, and marks its generation
released when it stops, failing too (a rerun then resumes from the checkpoint at once).

A crawl killed without releasing (kill -9, a lost machine) leaves a held generation behind. It is
stale, and the next crawl takes the lock by creating the next generation, when
- its holder ran on this host and that process is gone: a rerun after a kill -9 goes on at once;
- its lease (``LEASE``) has ended: a holder on another host died, or stopped renewing.
A live holder cannot renew while the store is unreachable or the process is frozen; longer than
the lease, and another crawl may take the lock (the usual caveat of leases): the holder's next
renewal then says so in its log. Generations are never reused, so a late creator of an old
generation cannot end up beside a newer holder.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, timedelta

from likeness_watch.raw.layout import crawl_lock_key, crawl_lock_prefix
from likeness_watch.store import ObjectStore, StoreError

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
"""How long a holder that stopped renewing keeps the lock: the crawl task's first retries (1, 2,
4 minutes later) find it held; the fourth, 15 minutes after the first try, finds it stale."""
ATTEMPTS = 5
"""Creations tried when racing other crawls for a free or stale lock, before giving up."""


_GENERATION = re.compile(r"/crawl-(?P<n>\d+)\.json$")


class LockHeld(StoreError):
    """Another crawl holds the lock; the message is one line naming the partition and the holder."""


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    acquired_at: str
    expires_at: str
    released_at: str | None = None

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Holder:
        raw = json.loads(data)
        _parse(raw["expires_at"])
        released = raw.get("released_at")
        return cls(str(raw["host"]), int(raw["pid"]), raw["acquired_at"], raw["expires_at"], released)

    def stale(self, now: datetime) -> str | None:
        """Why this generation no longer holds the lock (None: it does)."""
        if self.released_at:
            return "released"
        if self.host == socket.gethostname() and not _running(self.pid):
            return f"process {self.pid} is gone"
        if now >= _parse(self.expires_at):
            return f"lease ended at {self.expires_at}"
        return None


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(str(text).replace("Z", "+00:00"))


class CrawlLock:
    """The lock of one (hub, day) partition; ``acquire`` it, then ``release`` it (``crawl_lock``)."""

    def __init__(self, store: ObjectStore, hub: str, day: date, lease: timedelta = LEASE) -> None:
        self.store = store
        self.hub = hub
        self.day = day
        self.lease = lease
        self.key: str | None = None
        self.holder: Holder | None = None
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    def _newest(self) -> tuple[int, Holder | None]:
        """The newest generation's number and holder (-1, None: never locked)."""
        keys = self.store.list(crawl_lock_prefix(self.hub, self.day))
        generations = sorted(
            (int(match["n"]), key) for key in keys if (match := _GENERATION.search(key)) is not None
        )
        if not generations:
            return -1, None
        number, key = generations[-1]
        try:
            return number, Holder.from_json(self.store.get_bytes(key))
        except (ValueError, TypeError, KeyError, AttributeError):  # unreadable: it holds nothing
            return number, None

    def acquire(self) -> None:
        """Take the lock, or raise ``LockHeld`` naming its live holder."""
        for _ in range(ATTEMPTS):
            number, current = self._newest()
            now = _now()
            if current is not None and (why := current.stale(now)) is None:
                raise LockHeld(
                    f"{self.hub} {self.day} is being crawled by {current.host} pid {current.pid} "
                    f"since {current.acquired_at} (lock lease until {current.expires_at}); not crawled"
                )
            holder = Holder(socket.gethostname(), os.getpid(), _iso(now), _iso(now + self.lease))
            key = crawl_lock_key(self.hub, self.day, number + 1)
            if self.store.put_if_absent(key, holder.to_json()):
                if current is not None and not current.released_at:
                    log.warning("%s %s: took over a stale crawl lock (%s)", self.hub, self.day, why)
                self.key, self.holder = key, holder
                self._renewer = threading.Thread(target=self._renew_until_released, daemon=True)
                self._renewer.start()
                return
        raise LockHeld(f"{self.hub} {self.day}: other crawls kept taking the lock; not crawled")

    def _renew_until_released(self) -> None:
        while not self._stop.wait(self.lease.total_seconds() / 3):
            try:
                self._renew()
            except StoreError as exc:
                log.warning("%s %s: crawl lock not renewed: %s", self.hub, self.day, exc)

    def _renew(self) -> None:
        assert self.key is not None and self.holder is not None
        number, _ = self._newest()
        if crawl_lock_key(self.hub, self.day, number) != self.key:
            log.error("%s %s: another crawl took this crawl's lock (lease ended)", self.hub, self.day)
            self._stop.set()
            return
        self.holder = replace(self.holder, expires_at=_iso(_now() + self.lease))
        self.store.put_bytes(self.key, self.holder.to_json())

    def release(self) -> None:
        """Mark this generation released and drop older ones (the newest stays: numbers only grow)."""
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
        if self.key is None or self.holder is None:
            return
        self.store.put_bytes(self.key, replace(self.holder, released_at=_iso(_now())).to_json())
        for key in self.store.list(crawl_lock_prefix(self.hub, self.day)):
            if key < self.key:
                self.store.delete(key)
        self.key = None


@contextmanager
def crawl_lock(store: ObjectStore, hub: str, day: date, lease: timedelta = LEASE) -> Iterator[CrawlLock]:
    """Hold the crawl lock of (hub, day) for the block; released however the block ends."""
    lock = CrawlLock(store, hub, day, lease)
    lock.acquire()
    try:
        yield lock
    finally:
        lock.release()
