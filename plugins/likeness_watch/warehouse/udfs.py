"""SQL functions for the dbt models, implemented once in Python (a dbt-duckdb plugin).

``lw_name_key(name)`` is the grouping key of a person's name that the alerts use too
(``likeness_watch.names.name_key``): transliterated, accents and punctuation dropped, spelling
variants folded, tokens sorted. So ``mart_targets`` and the target-cluster and watch-list alerts
agree on who is one person ("Zoë Álvarez" = "alvarez_zoe" = "ZoeAlvarez"), and names in
other scripts ("李小龙" → "li long xiao") do not collapse into an empty key. Registered on every
connection dbt opens (``profiles.yml``: ``plugins``).
"""

from __future__ import annotations

from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb.sqltypes import VARCHAR

from likeness_watch.names import name_key


class Plugin(BasePlugin):
    def configure_connection(self, conn: Any) -> None:
        conn.create_function("lw_name_key", name_key, [VARCHAR], VARCHAR, side_effects=False)
