"""Airflow wiring helpers shared by the DAG files (assets, pools, default args)."""
