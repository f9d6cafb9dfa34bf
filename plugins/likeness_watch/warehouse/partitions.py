"""Tables the lake source loads (dbt-duckdb plugin ``lake_source``): visible raw partitions (one row
per hub and day) and hubs.

Only manifests make data visible (docs/raw-format.md), so the warehouse never globs part files:
it lists manifests with the raw reader and reads exactly the files each committed manifest
names. Quarantined partitions are listed too (so their rows can be dropped) but never read.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pyarrow as pa

from likeness_watch.hubs.registry import get_hub, hub_names
from likeness_watch.raw import Manifest, committed_partitions
from likeness_watch.raw.manifest import COMMITTED, QUARANTINED
from likeness_watch.store import ObjectStore, open_store
from likeness_watch.warehouse.paths import resolve_store_uri

PARTITION_SCHEMA = pa.schema(
    [
        ("hub", pa.string()),
        ("dt", pa.date32()),
        ("status", pa.string()),
        ("run_id", pa.string()),
        ("mode", pa.string()),
        ("record_count", pa.int64()),
        ("started_at", pa.timestamp("s")),
        ("finished_at", pa.timestamp("s")),
        ("crawler_version", pa.string()),
        ("file_urls", pa.list_(pa.string())),
    ]
)

HUB_SCHEMA = pa.schema([("hub", pa.string()), ("model_url_template", pa.string())])


def _timestamp(value: str | None) -> datetime | None:
    """Manifest times are ISO-8601 UTC (``...Z``); stored naive, in UTC."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None


def partition_rows(store: ObjectStore, manifests: list[Manifest]) -> list[dict[str, object]]:
    """Manifests as rows; file keys become locations DuckDB can open (path or ``s3://`` URL)."""
    return [
        {
            "hub": m.hub,
            "dt": date.fromisoformat(m.dt),
            "status": m.status,
            "run_id": m.run_id,
            "mode": m.mode,
            "record_count": m.record_count,
            "started_at": _timestamp(m.started_at),
            "finished_at": _timestamp(m.finished_at),
            "crawler_version": m.crawler_version,
            "file_urls": [store.url(f.key) for f in m.files],
        }
        for m in manifests
    ]


def partition_table(store: ObjectStore) -> pa.Table:
    """Every committed or quarantined partition of the store, oldest first."""
    manifests = committed_partitions(store, statuses=(COMMITTED, QUARANTINED))
    return pa.Table.from_pylist(partition_rows(store, manifests), schema=PARTITION_SCHEMA)


def partition_table_at(store_uri: str) -> pa.Table:
    """``partition_table`` of the store at ``store_uri`` (a relative path is from the repo root)."""
    return partition_table(open_store(resolve_store_uri(store_uri, Path.cwd())))


def hub_table() -> pa.Table:
    """The hub registry as rows (hub, model_url_template), for links to model pages."""
    rows = [{"hub": hub, "model_url_template": get_hub(hub).model_url} for hub in hub_names()]
    return pa.Table.from_pylist(rows, schema=HUB_SCHEMA)
