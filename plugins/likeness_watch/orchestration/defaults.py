"""What every Likeness Watch DAG shares: owner, retries with exponential backoff, start date.

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

README = Path(__file__).resolve().parents[3] / "README.md"

OWNER_LINKS: dict[str, str] = {DEFAULT_ARGS["owner"]: f"file://localhost{README.as_posix()}#airflow"}
"""The owner's link in the UI: the README's Airflow section (what runs, how to rerun). The project
has no hosted docs, so it names this checkout's file (Airflow wants a scheme and a host)."""
