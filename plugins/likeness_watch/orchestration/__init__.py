"""The Airflow seam: everything that imports Airflow (assets, shared DAG defaults, task steps, the
cosmos dbt task group, connection → channel adapters). Domain packages never import Airflow."""
