"""One row per visible raw partition (hub, dt), read from the manifests of LW_STORE."""

import os
from pathlib import Path

from likeness_watch.store import open_store
from likeness_watch.warehouse.partitions import partition_table
from likeness_watch.warehouse.paths import resolve_store_uri


def model(dbt, session):
    dbt.config(materialized="table")
    store = open_store(resolve_store_uri(dbt.config.get("store"), Path(os.getcwd())))
    return partition_table(store)
