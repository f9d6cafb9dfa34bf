"""One row per visible raw partition (hub, dt), read from the manifests of LW_STORE."""

import likeness_watch.warehouse.partitions as partitions


def model(dbt, session):
    dbt.config(materialized="table")
    return partitions.partition_table_at(dbt.config.get("store"))
