"""Issue #20 in the raw layer: landed partitions are invisible, checksums are read, corrupt
manifests are skipped with one line, and crash leftovers do not survive the next run."""

from __future__ import annotations

import gzip
import logging
from datetime import date

import pytest

from likeness_watch.raw import (
    ChecksumError,
    Manifest,
    PartitionWriter,
    committed_partitions,
    iter_partition,
    latest_before,
    read_manifest,
)
from likeness_watch.raw.integrity import quarantine_changed, set_status
from likeness_watch.raw.layout import checkpoint_key, manifest_key, partition_prefix
from likeness_watch.raw.manifest import COMMITTED, LANDED, ManifestError

DAY = date(2025, 5, 1)


def write(store, ids, day=DAY, status=COMMITTED) -> Manifest:
    writer = PartitionWriter(store, "civitai", day, records_per_file=2)
    for model_id in ids:
        writer.add({"hub": "civitai", "model_id": model_id, "via": "listing", "record": {"id": model_id}})
    return writer.commit(status=status, mode="sweep")


def test_a_landed_partition_is_invisible_until_its_gate_commits_it(store):
    landed = write(store, ["1", "2"], status=LANDED)
    assert committed_partitions(store) == []
    assert latest_before(store, "civitai", date(2025, 5, 2)) is None
    set_status(store, landed, COMMITTED, None)
    assert [m.run_id for m in committed_partitions(store)] == [landed.run_id]


def test_a_changed_data_file_fails_its_read_naming_the_file(store):
    manifest = write(store, ["1", "2", "3"])
    changed = manifest.files[1].key
    store.put_bytes(changed, gzip.compress(b'{"model_id": "9"}\n', mtime=0))
    with pytest.raises(ChecksumError, match=changed):
        list(iter_partition(store, manifest))


def test_the_build_check_quarantines_a_changed_partition_only(store):
    intact = write(store, ["1", "2"], day=date(2025, 4, 30))
    changed = write(store, ["3", "4"])
    store.put_bytes(changed.files[0].key, b"not what was committed")
    (line,) = quarantine_changed(store, set(), "2025-05-02T00:00:00Z")
    assert "civitai 2025-05-01" in line and changed.files[0].key in line
    assert [m.run_id for m in committed_partitions(store)] == [intact.run_id]
    quarantined = read_manifest(store, "civitai", DAY)
    assert quarantined is not None and changed.files[0].key in quarantined.quarantine["reason"]


def test_the_build_check_hashes_only_partitions_not_loaded_yet(store):
    loaded = write(store, ["1", "2"])
    store.put_bytes(loaded.files[0].key, b"changed after it was loaded")
    assert quarantine_changed(store, {("civitai", loaded.dt, loaded.run_id)}, "now") == []


def test_a_corrupt_manifest_is_one_line_and_does_not_block_the_other_days(store, caplog):
    good = write(store, ["1"], day=date(2025, 4, 30))
    write(store, ["2"])
    store.put_bytes(manifest_key("civitai", DAY), b'{"hub": "civitai", "dt": ')
    with pytest.raises(ManifestError, match="manifest.json: not a manifest") as raised:
        read_manifest(store, "civitai", DAY)
    assert "\n" not in str(raised.value)
    with caplog.at_level(logging.WARNING):
        assert [m.run_id for m in committed_partitions(store)] == [good.run_id]
    assert latest_before(store, "civitai", date(2025, 5, 2)).run_id == good.run_id
    assert "partition skipped" in caplog.text


def test_a_checkpoint_left_in_a_committed_partition_is_not_resumed(store):
    writer = PartitionWriter(store, "civitai", DAY, records_per_file=2)
    for model_id in ("1", "2", "3"):
        writer.add({"hub": "civitai", "model_id": model_id, "via": "listing", "record": {}})
    writer.checkpoint({"phase": "refresh"})
    stale = store.get_bytes(checkpoint_key("civitai", DAY))
    first = writer.commit(mode="sweep")
    store.put_bytes(checkpoint_key("civitai", DAY), stale)  # a crash right after the manifest
    rerun = PartitionWriter(store, "civitai", DAY)
    assert not rerun.resumed and rerun.files == [] and rerun.seen == set()
    assert not store.exists(checkpoint_key("civitai", DAY))
    rerun.add({"hub": "civitai", "model_id": "4", "via": "listing", "record": {}})
    second = rerun.commit(mode="sweep")
    assert second.record_count == 1 and not {f.key for f in first.files} & {f.key for f in second.files}


def test_temporary_files_of_interrupted_puts_are_removed_by_the_next_commit(store, tmp_path):
    write(store, ["1"])
    leftover = tmp_path / "lake" / partition_prefix("civitai", DAY) / ".tmp-abc123manifest.json"
    leftover.write_bytes(b"half")
    write(store, ["1"])
    assert not leftover.exists()
