"""The lake source's dbt-duckdb plugin: which table each source name loads."""

from datetime import date

import pytest
from dbt.adapters.duckdb.utils import SourceConfig

from likeness_watch.hubs.registry import hub_names
from likeness_watch.raw import PartitionWriter
from likeness_watch.warehouse.lake_source import Plugin
from likeness_watch.warehouse.partitions import HUB_SCHEMA, PARTITION_SCHEMA


def source(identifier: str, **meta: str) -> SourceConfig:
    return SourceConfig(
        name=identifier, identifier=identifier, schema="lake", database=None, meta=meta, tags=[]
    )


def test_partitions_are_the_manifests_of_the_configured_store(store, tmp_path):
    writer = PartitionWriter(store, "civitai", date(2025, 5, 1))
    writer.add({"hub": "civitai", "model_id": "1", "via": "listing", "http_status": 200, "record": {"id": 1}})
    writer.commit(mode="incremental")

    table = Plugin("lake", {}).load(source("partitions", store=str(tmp_path / "lake")))

    assert table.schema == PARTITION_SCHEMA
    assert [(row["hub"], row["dt"]) for row in table.to_pylist()] == [("civitai", date(2025, 5, 1))]


def test_hubs_are_the_registry():
    table = Plugin("lake", {}).load(source("hubs"))
    assert table.schema == HUB_SCHEMA
    assert table.column("hub").to_pylist() == list(hub_names())


def test_an_unknown_source_table_is_refused():
    with pytest.raises(ValueError, match="no source table 'files'"):
        Plugin("lake", {}).load(source("files"))
