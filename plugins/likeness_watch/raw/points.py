"""Named commit points: the steps of the crawl, the raw gate, builds, publishing and alerts that
change durable state (what readers see, or what the next run starts from).

Each step calls ``reached`` right after it. In production it does nothing; the crash matrix
(``tests/reliability/test_crash_matrix.py``) replaces it in a subprocess to end the process exactly
there, instead of killing it after a guessed delay. They began with the raw layer, hence the
module's home; one module, so one hook stops any of them.
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
BUILD_POINTS = ("warehouse_copied", "warehouse_built", "warehouse_checkpointed", "warehouse_swapped")
"""``likeness-watch build``: a copy of the published file, dbt on it, its log folded in, the swap."""
PUBLISH_POINTS = ("candidate_checkpointed", "warehouse_swapped")
"""The gated chain (``pipeline.build_and_publish``, lw_build) past its gates: the candidate
readied, then swapped in (its copy and build are the build's points)."""
ALERT_POINTS = ("alerts_recorded", "outbox_written")
DELIVERY_POINTS = ("alert_sent", "delivery_recorded", "dead_lettered", "channel_failed_recorded")
"""``alert_sent``: a receiver took the alert, the history does not say so yet (the one step that
can send twice: a rerun sends it again, with the same alert id for the receiver to drop it)."""


def reached(point: str) -> None:
    """The process has just completed ``point`` (one of the ``*_POINTS``)."""
