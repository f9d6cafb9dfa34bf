from dataclasses import replace
from datetime import date

import pyarrow as pa

from likeness_watch.raw import Manifest, PartitionWriter, manifest_key
from likeness_watch.raw.manifest import QUARANTINED
from likeness_watch.warehouse.partitions import PARTITION_SCHEMA, partition_table


def _envelope(model_id: str) -> dict:
    return {
        "hub": "civitai",
        "model_id": model_id,
        "via": "listing",
        "fetched_at": "2025-05-01T00:00:00Z",
        "http_status": 200,
        "record": {"id": int(model_id)},
        "error": None,
    }


def _partition(store, day: date, models: list[str], commit: bool = True) -> Manifest | None:
    writer = PartitionWriter(store, "civitai", day, records_per_file=1)
    for model_id in models:
        writer.add(_envelope(model_id))
    if commit:
        return writer.commit(mode="incremental")
    writer.checkpoint({})
    return None


def test_lists_committed_and_quarantined_partitions_with_exactly_their_files(store):
    committed = _partition(store, date(2025, 5, 1), ["1", "2"])
    quarantined = _partition(store, date(2025, 5, 2), ["3"])
    store.put_bytes(
        manifest_key("civitai", date(2025, 5, 2)),
        replace(quarantined, status=QUARANTINED, quarantine={"reason": "test"}).to_json(),
    )
    _partition(store, date(2025, 5, 3), ["4"], commit=False)

    table = partition_table(store)

    assert table.schema == PARTITION_SCHEMA
    rows = table.to_pylist()
    assert [(r["dt"], r["status"]) for r in rows] == [
        (date(2025, 5, 1), "committed"),
        (date(2025, 5, 2), "quarantined"),
    ]
    first = rows[0]
    assert first["run_id"] == committed.run_id
    assert first["record_count"] == 2
    assert first["file_urls"] == [store.url(f.key) for f in committed.files]
    assert all(url.startswith("/") and url.endswith(".jsonl.gz") for url in first["file_urls"])
    assert first["finished_at"] is not None


def test_an_empty_store_gives_an_empty_typed_table(store):
    table = partition_table(store)
    assert table.num_rows == 0
    assert table.schema.field("file_urls").type == pa.list_(pa.string())
