"""Asset names that connect the DAGs: crawl → (validate) → build → (validate) → alert / report.

Kept free of Airflow imports at module level cost: ``airflow.sdk.Asset`` is cheap to import.
"""

from __future__ import annotations

from airflow.sdk import Asset


def raw_asset(hub: str) -> Asset:
    """Committed raw partitions of one hub (updated by the crawl DAG)."""
    return Asset(name=f"raw_{hub}", uri=f"likeness-watch://raw/{hub}", group="likeness_watch")


MARTS_ASSET = Asset(name="marts", uri="likeness-watch://warehouse/marts", group="likeness_watch")
"""Trend marts in the DuckDB warehouse, emitted after a validated build."""
