"""The DuckDB warehouse: dbt-duckdb history and trend marts built from committed raw partitions."""

from likeness_watch.warehouse.build import BuildResult, WarehouseBuildError, build_warehouse

__all__ = ["BuildResult", "WarehouseBuildError", "build_warehouse"]
