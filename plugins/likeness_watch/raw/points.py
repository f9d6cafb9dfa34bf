"""Named commit points of the crawl and the raw gate.

Each step that changes what a reader can see calls ``reached`` right after it. In production it
does nothing; the crash matrix (``tests/reliability/test_crash_matrix.py``) replaces it in a
subprocess to end the process exactly there, instead of killing it after a guessed delay.
"""

from __future__ import annotations

CRAWL_POINTS = (
    "part_written",
    "checkpoint_written",
    "state_saved",
    "manifest_landed",
    "partition_cleaned",
)
GATE_POINTS = ("verdict_written", "results_recorded")


def reached(point: str) -> None:
    """The process has just completed ``point`` (one of ``CRAWL_POINTS`` or ``GATE_POINTS``)."""
