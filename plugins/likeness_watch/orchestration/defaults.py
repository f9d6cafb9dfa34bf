"""What every Likeness Watch DAG shares: owner, retries with exponential backoff, start date, and
the queue of the tasks that open the DuckDB files.

A task that needs more patience says so itself (the hub crawl: ``retries=4``); a task whose
failure a retry cannot fix opts out (``deliver``, the quality gates' verdicts).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pendulum

START_DATE = pendulum.datetime(2022, 11, 1, tz="UTC")
"""The study window's start (UTC): backfills may go back to it."""

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "likeness_watch",
    "retries": 2,
    "retry_delay": timedelta(minutes=1),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
}

WAREHOUSE_QUEUE = "warehouse"
"""The queue of every task that opens the DuckDB warehouse or the state store (all of ``lw_build``,
``lw_alert`` and ``lw_report``, and ``lw_crawl``'s raw gate, which records its results and drift in
the state store). DuckDB lets one process write a file, and the files live on one machine's disk:
under CeleryExecutor a single worker consumes this queue with concurrency 1, where those files
are; every other task (the hub crawls) runs on any worker of Airflow's default queue. Executors
without queues (LocalExecutor) ignore it; there the files' writer locks take turns."""

WAREHOUSE_ARGS: dict[str, Any] = {**DEFAULT_ARGS, "queue": WAREHOUSE_QUEUE}
"""``DEFAULT_ARGS`` for DAGs whose every task opens the warehouse or the state store."""

README = Path(__file__).resolve().parents[3] / "README.md"

OWNER_LINKS: dict[str, str] = {DEFAULT_ARGS["owner"]: f"file://localhost{README.as_posix()}#airflow"}
"""The owner's link in the UI: the README's Airflow section (what runs, how to rerun). The project
has no hosted docs, so it names this checkout's file (Airflow wants a scheme and a host)."""
