"""One row per registered hub: the hub registry as a table (public model page URL pattern)."""

import likeness_watch.warehouse.partitions as partitions


def model(dbt, session):
    dbt.config(materialized="table")
    return partitions.hub_table()
