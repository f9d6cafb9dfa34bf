from __future__ import annotations

import uuid

import boto3
import pytest

from likeness_watch.store import StoreError, open_store


def test_local_put_is_atomic_and_listable(store):
    store.put_bytes("raw/a/b.json", b"one")
    store.put_bytes("raw/a/b.json", b"two")
    assert store.get_bytes("raw/a/b.json") == b"two"
    assert store.list("raw/") == ["raw/a/b.json"]
    assert not [p for p in (store.root / "raw/a").iterdir() if p.name.startswith(".tmp-")]


def test_failed_local_put_leaves_no_temp_file(store, monkeypatch):
    store.put_bytes("raw/a/b.json", b"one")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("likeness_watch.store.local.os.fsync", disk_full)
    with pytest.raises(StoreError, match="No space left"):
        store.put_bytes("raw/a/b.json", b"two")
    assert sorted(p.name for p in (store.root / "raw/a").iterdir()) == ["b.json"]
    assert store.get_bytes("raw/a/b.json") == b"one"


def test_local_rejects_keys_escaping_the_root(store):
    with pytest.raises(StoreError, match="escapes"):
        store.put_bytes("../outside.txt", b"x")


def test_local_missing_object_is_a_clear_error(store):
    with pytest.raises(StoreError, match="cannot read"):
        store.get_bytes("nope.json")
    store.delete("nope.json")


def test_unwritable_store_fails_check(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a dir")
    with pytest.raises(StoreError, match="not writable"):
        open_store(str(blocker / "lake")).check()


def test_s3_store_roundtrip(s3_env):
    bucket = f"lw-{uuid.uuid4().hex[:8]}"
    boto3.client("s3").create_bucket(Bucket=bucket)
    store = open_store(f"s3://{bucket}/prefix")
    store.check()
    store.put_bytes("raw/hub=x/dt=2025-01-01/manifest.json", b"{}")
    assert store.exists("raw/hub=x/dt=2025-01-01/manifest.json")
    assert store.list("raw/") == ["raw/hub=x/dt=2025-01-01/manifest.json"]
    assert store.url("raw/k") == f"s3://{bucket}/prefix/raw/k"
    store.delete("raw/hub=x/dt=2025-01-01/manifest.json")
    assert not store.exists("raw/hub=x/dt=2025-01-01/manifest.json")


def test_s3_missing_bucket_is_a_clear_error(s3_env):
    with pytest.raises(StoreError, match="head-bucket"):
        open_store("s3://no-such-bucket-here").check()


def race_for(store, key: str, racers: int = 8) -> list[bool]:
    """``racers`` threads creating one key at once."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    start = Barrier(racers)

    def create(n: int) -> bool:
        start.wait()
        return store.put_if_absent(key, f"racer {n}".encode())

    with ThreadPoolExecutor(racers) as pool:
        return list(pool.map(create, range(racers)))


def test_local_put_if_absent_creates_once(store):
    assert store.put_if_absent("locks/a.json", b"first")
    assert not store.put_if_absent("locks/a.json", b"second")
    assert store.get_bytes("locks/a.json") == b"first"
    assert race_for(store, "locks/b.json").count(True) == 1
    assert sorted(p.name for p in (store.root / "locks").iterdir()) == ["a.json", "b.json"]


def test_s3_put_if_absent_is_a_conditional_put(s3_env):
    bucket = f"lw-{uuid.uuid4().hex[:8]}"
    boto3.client("s3").create_bucket(Bucket=bucket)
    store = open_store(f"s3://{bucket}/prefix")
    assert store.put_if_absent("locks/a.json", b"first")
    assert not store.put_if_absent("locks/a.json", b"second")
    assert store.get_bytes("locks/a.json") == b"first"
    assert race_for(store, "locks/b.json").count(True) == 1
