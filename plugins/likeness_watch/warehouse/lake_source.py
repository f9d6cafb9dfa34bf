"""The raw lake as a dbt source: a dbt-duckdb plugin (``lake`` in ``profiles.yml``) that loads the
sources ``lake.partitions`` (the manifests) and ``lake.hubs`` (the hub registry).

dbt-duckdb calls ``load`` when a model that selects from a source with ``meta.plugin: lake`` is
compiled in a run, and writes the returned table to ``lake.<name>``. Only the manifest listing is
loaded this way, never the part files: the staging views read exactly the files the committed
manifests name, with ``dt`` filters as literals, so incremental builds still prune partitions, and
``s3://`` stores are listed by the same object-store code (boto3) as everywhere else.
"""

from __future__ import annotations

import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin
from dbt.adapters.duckdb.utils import SourceConfig

from likeness_watch.warehouse.partitions import hub_table, partition_table_at


class Plugin(BasePlugin):
    def load(self, source_config: SourceConfig) -> pa.Table:
        """The source's rows, by its identifier (``partitions`` needs ``meta.store``)."""
        if source_config.identifier == "partitions":
            return partition_table_at(source_config["store"])
        if source_config.identifier == "hubs":
            return hub_table()
        raise ValueError(f"the lake plugin has no source table {source_config.identifier!r}")
