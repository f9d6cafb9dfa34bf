from __future__ import annotations

from datetime import date

from likeness_watch.raw import (
    PartitionWriter,
    committed_partitions,
    iter_envelopes,
    latest_before,
    read_manifest,
)
from likeness_watch.raw.layout import partition_prefix

DAY = date(2025, 5, 1)


def envelope(model_id: str, downloads: int = 1) -> dict:
    return {
        "hub": "civitai",
        "model_id": model_id,
        "via": "listing",
        "record": {"id": int(model_id), "d": downloads},
    }


def write(store, ids, day=DAY, records_per_file=2):
    writer = PartitionWriter(store, "civitai", day, records_per_file=records_per_file)
    for model_id in ids:
        writer.add(envelope(model_id))
    return writer


def test_partition_without_manifest_is_invisible(store):
    writer = write(store, ["1", "2", "3"])
    writer.checkpoint({"cursor": "abc"})
    assert store.list(partition_prefix("civitai", DAY))  # parts exist...
    assert committed_partitions(store) == []  # ...but nobody sees them
    assert read_manifest(store, "civitai", DAY) is None


def test_commit_writes_manifest_last_with_hashes_and_counts(store):
    manifest = write(store, ["1", "2", "3", "2"]).commit(mode="sweep")
    assert manifest.record_count == 3  # the duplicate id was dropped
    assert [f.records for f in manifest.files] == [2, 1]
    assert {e["model_id"] for e in iter_envelopes(store, [f.key for f in manifest.files])} == {"1", "2", "3"}
    assert [m.dt for m in committed_partitions(store)] == ["2025-05-01"]
    assert not store.exists(partition_prefix("civitai", DAY) + "_checkpoint.json")


def test_rerun_replaces_partition_without_duplicates(store):
    first = write(store, ["1", "2", "3"]).commit(mode="sweep")
    second = write(store, ["1", "2", "3"]).commit(mode="sweep")
    keys = store.list(partition_prefix("civitai", DAY))
    assert sorted(keys) == sorted(
        [f.key for f in second.files] + [partition_prefix("civitai", DAY) + "manifest.json"]
    )
    assert not set(f.key for f in first.files) & set(keys)
    assert [f.sha256 for f in first.files] == [f.sha256 for f in second.files]  # same input, same content
    assert read_manifest(store, "civitai", DAY).record_count == 3


def test_failed_rerun_leaves_previous_commit_visible(store):
    committed = write(store, ["1", "2"]).commit(mode="sweep")
    write(store, ["7", "8", "9"]).checkpoint({"cursor": "x"})  # crashes before commit
    manifest = read_manifest(store, "civitai", DAY)
    assert manifest.run_id == committed.run_id
    assert {e["model_id"] for e in iter_envelopes(store, [f.key for f in manifest.files])} == {"1", "2"}


def test_resume_continues_from_checkpoint(store):
    interrupted = write(store, ["1", "2", "3"])
    interrupted.checkpoint({"phase": "discovery", "cursor": "c-2"})
    resumed = PartitionWriter(store, "civitai", DAY, records_per_file=2)
    assert resumed.resumed and resumed.resume_state["cursor"] == "c-2"
    assert resumed.run_id == interrupted.run_id
    assert not resumed.add(envelope("3"))  # already written before the crash
    assert resumed.add(envelope("4"))
    manifest = resumed.commit(mode="incremental")
    assert manifest.record_count == 4


def test_latest_before_skips_quarantined_and_later_days_reading_newest_first(store, monkeypatch):
    from likeness_watch.quality.quarantine import quarantine_partition

    days = [date(2025, 4, 28), date(2025, 4, 29), date(2025, 4, 30), DAY, date(2025, 5, 2)]
    manifests = {day: write(store, ["1"], day=day).commit(mode="sweep") for day in days}
    assert quarantine_partition(store, manifests[date(2025, 4, 30)], ["expect_x"], "test")
    reads = []
    monkeypatch.setattr(store, "get_bytes", lambda key, real=store.get_bytes: reads.append(key) or real(key))
    baseline = latest_before(store, "civitai", DAY)
    assert baseline is not None and baseline.dt == "2025-04-29"  # not the quarantined 04-30, not DAY
    assert len(reads) == 2  # 04-30 (quarantined), then 04-29: never the whole history
    assert latest_before(store, "civitai", days[0]) is None
    assert latest_before(store, "huggingface", DAY) is None


def test_committed_partitions_reads_every_hub_oldest_first(store):
    for day in (DAY, date(2025, 4, 30)):
        write(store, ["1"], day=day).commit(mode="sweep")
    assert [m.dt for m in committed_partitions(store)] == ["2025-04-30", "2025-05-01"]
    assert committed_partitions(store, "huggingface") == []


def test_lone_surrogates_from_a_hub_are_stored_readably(store):
    """JSON may escape half a UTF-16 pair; UTF-8 cannot hold it and DuckDB refuses it."""
    import duckdb

    writer = PartitionWriter(store, "civitai", DAY)
    writer.add({**envelope("1"), "record": {"id": 1, "name": "Jane \ud800Doe 😀"}})
    manifest = writer.commit(mode="sweep")
    (record,) = [e["record"] for e in iter_envelopes(store, [f.key for f in manifest.files])]
    assert record["name"] == "Jane \ufffdDoe 😀", "only the lone surrogate is replaced"
    path = f"{store.uri}/{manifest.files[0].key}"
    ((name,),) = duckdb.sql(f"select record.name from read_json('{path}')").fetchall()
    assert name == "Jane \ufffdDoe 😀"
