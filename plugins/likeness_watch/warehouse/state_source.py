"""The state store's review decisions as a dbt source: a dbt-duckdb plugin (``state`` in
``profiles.yml``) that loads ``review.decisions`` on every run that builds ``stg_review__decisions``.

Decisions are written by people at any time into the state store (``LW_STATE``), which the
warehouse never owns: a build copies them read-only (``likeness_watch.review.decisions``), waiting
while a writer holds the file, and never creates or migrates the store. The copy is what makes an
override survive any rebuild: ``--full-refresh`` reads the decisions again from the state store.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin
from dbt.adapters.duckdb.utils import SourceConfig

from likeness_watch.review.decisions import decisions_table
from likeness_watch.warehouse.paths import root_for


def state_path(value: str, cwd: Path) -> Path:
    """The state file named in the source's meta (a relative path is from the repository root)."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else (root_for(cwd) / path).resolve()


class Plugin(BasePlugin):
    def load(self, source_config: SourceConfig) -> pa.Table:
        """The source's rows, by its identifier (``decisions`` needs ``meta.state``)."""
        if source_config.identifier == "decisions":
            return decisions_table(state_path(source_config["state"], Path.cwd()))
        raise ValueError(f"the state plugin has no source table {source_config.identifier!r}")
