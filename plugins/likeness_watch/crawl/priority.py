"""Likeness priorities for the crawl planner, read from the published warehouse.

The seam between the crawl and the warehouse is one query on ``main.dim_model``, the mart with an
enforced contract that analysts read, opened read-only: the crawl imports nothing of the warehouse
package, and a crawl with no warehouse yet (the first days) plans without priorities. A model's
priority is the classifier's likeness confidence, plus one when its target is known (named, or
matched to a person of the registry, e.g. a watchlist entry).
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

TARGET_BONUS = 1.0
QUERY = """
    select
        model_id,
        greatest(coalesce(likeness_confidence, 0.5), 0.01)
            + case when target_name is not null or registry_person_key is not null then ? else 0 end
    from main.dim_model
    where hub = ? and is_likeness
"""


def load_priorities(warehouse: Path, hub: str) -> dict[str, float]:
    """model_id → priority of the hub's likeness models; empty without a readable warehouse."""
    if not warehouse.is_file():
        log.info("%s: no warehouse at %s: crawling without likeness priorities", hub, warehouse)
        return {}
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            rows = con.execute(QUERY, [TARGET_BONUS, hub]).fetchall()
    except duckdb.Error as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        log.warning("%s: crawling without likeness priorities (%s: %s)", hub, warehouse, reason)
        return {}
    return {str(model_id): float(score) for model_id, score in rows}
