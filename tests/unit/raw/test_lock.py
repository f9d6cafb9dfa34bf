"""The crawl lock: one crawl per hub and day, on local disk and S3; a dead holder's lock is taken
over (at once when its process is gone from this host, else when its lease ends), a live one's never."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import boto3
import pytest

from likeness_watch.raw.layout import crawl_lock_key, crawl_lock_prefix
from likeness_watch.raw.lock import CrawlLock, Holder, LockHeld, crawl_lock
from likeness_watch.store import open_store

DAY = date(2024, 3, 1)


@pytest.fixture(params=["local", "s3"])
def any_store(request, tmp_path):
    if request.param == "local":
        return open_store(str(tmp_path / "lake"))
    request.getfixturevalue("s3_env")
    bucket = f"lw-{uuid.uuid4().hex[:8]}"
    boto3.client("s3").create_bucket(Bucket=bucket)
    return open_store(f"s3://{bucket}/lake")


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def left_behind(store, host: str, pid: int, expires_in: timedelta) -> None:
    """A generation a crawl left without releasing it (killed)."""
    now = datetime.now(UTC)
    holder = Holder(host, pid, iso(now - timedelta(minutes=1)), iso(now + expires_in))
    assert store.put_if_absent(crawl_lock_key("civitai", DAY, 0), holder.to_json())


def dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(done.stdout)


def test_a_second_crawl_of_the_same_partition_is_refused_naming_the_holder(any_store):
    with crawl_lock(any_store, "civitai", DAY) as first:
        with pytest.raises(LockHeld) as refused:
            CrawlLock(any_store, "civitai", DAY).acquire()
        message = str(refused.value)
        assert message.startswith(f"civitai {DAY} is being crawled by {first.holder.host} pid ")
        assert "\n" not in message and "not crawled" in message
        with crawl_lock(any_store, "civitai", date(2024, 3, 2)), crawl_lock(any_store, "huggingface", DAY):
            pass  # other partitions are free
    with crawl_lock(any_store, "civitai", DAY) as again:  # released: the next crawl goes on
        assert again.key == crawl_lock_key("civitai", DAY, 1)
    assert any_store.list(crawl_lock_prefix("civitai", DAY)) == [crawl_lock_key("civitai", DAY, 1)]


def test_a_crawl_that_fails_releases_its_lock(any_store):
    with pytest.raises(RuntimeError), crawl_lock(any_store, "civitai", DAY):
        raise RuntimeError("hub down")
    with crawl_lock(any_store, "civitai", DAY):
        pass


def test_a_killed_holder_on_this_host_is_taken_over_at_once(any_store):
    import socket

    left_behind(any_store, socket.gethostname(), dead_pid(), expires_in=timedelta(minutes=10))
    with crawl_lock(any_store, "civitai", DAY) as lock:
        assert lock.key == crawl_lock_key("civitai", DAY, 1)


def test_a_holder_elsewhere_is_taken_over_only_when_its_lease_ended(any_store):
    left_behind(any_store, "worker-7", 4242, expires_in=timedelta(minutes=5))
    with pytest.raises(LockHeld, match=f"civitai {DAY} is being crawled by worker-7 pid 4242 since"):
        CrawlLock(any_store, "civitai", DAY).acquire()
    any_store.delete(crawl_lock_key("civitai", DAY, 0))
    left_behind(any_store, "worker-7", 4242, expires_in=-timedelta(seconds=1))
    with crawl_lock(any_store, "civitai", DAY) as lock:
        assert lock.key == crawl_lock_key("civitai", DAY, 1)


def test_a_live_holder_renews_its_lease(tmp_path):
    store = open_store(str(tmp_path / "lake"))
    with crawl_lock(store, "civitai", DAY, lease=timedelta(seconds=1.5)) as lock:
        first = lock.holder.expires_at
        time.sleep(2.5)  # longer than the lease: only renewals keep it
        renewed = Holder.from_json(store.get_bytes(lock.key))
        assert renewed.expires_at > first and renewed.stale(datetime.now(UTC)) is None


def test_racing_crawls_get_one_lock(any_store):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    start = Barrier(6)

    def try_lock(_: int) -> CrawlLock | None:
        start.wait()
        lock = CrawlLock(any_store, "civitai", DAY)
        try:
            lock.acquire()
        except LockHeld:
            return None
        return lock

    with ThreadPoolExecutor(6) as pool:
        holders = [lock for lock in pool.map(try_lock, range(6)) if lock is not None]
    assert len(holders) == 1
    holders[0].release()


def test_an_unreadable_lock_holds_nothing(tmp_path):
    store = open_store(str(tmp_path / "lake"))
    store.put_bytes(crawl_lock_key("civitai", DAY, 0), b"{not json")
    with crawl_lock(store, "civitai", DAY) as lock:
        assert lock.key == crawl_lock_key("civitai", DAY, 1)


def test_other_objects_beside_the_generations_are_ignored(tmp_path):
    store = open_store(str(tmp_path / "lake"))
    store.put_bytes(crawl_lock_prefix("civitai", DAY) + "README.txt", b"operators' note")
    with crawl_lock(store, "civitai", DAY) as lock:
        assert lock.key == crawl_lock_key("civitai", DAY, 0)
