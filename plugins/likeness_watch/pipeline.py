"""The daily chain as plain functions: the demo, the CLI and the DAG tasks call these same steps.

crawl → raw gate (quarantine on failure) → build on a candidate warehouse → staging and marts
gates → publish (atomic swap) → alerts → report. A failed gate stops the chain before anything
is published: yesterday's marts stay in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from likeness_watch.quality import ValidationSummary, prepare_candidate, publish_candidate, validate_warehouse
from likeness_watch.quality.raw import validate_partitions
from likeness_watch.quality.warehouse import WAREHOUSE_LAYERS
from likeness_watch.settings import Settings
from likeness_watch.store import ObjectStore
from likeness_watch.warehouse import BuildResult, build_warehouse


@dataclass
class RawGateOutcome:
    """Raw gate results of several partitions: passed summaries and quarantined failures."""

    passed: list[ValidationSummary] = field(default_factory=list)
    quarantined: dict[tuple[str, date], str] = field(default_factory=dict)


def gate_raw(settings: Settings, store: ObjectStore, partitions: list[tuple[str, date]]) -> RawGateOutcome:
    """Validate partitions in one GX session; failures are quarantined (invisible downstream)."""
    outcome = RawGateOutcome()
    for (hub, day), summary in zip(partitions, validate_partitions(settings, store, partitions), strict=True):
        if summary.success:
            outcome.passed.append(summary)
        else:
            outcome.quarantined[hub, day] = summary.failure_message()
    return outcome


def build_and_publish(
    settings: Settings, day: date | None = None
) -> tuple[BuildResult, list[ValidationSummary]]:
    """Build a candidate warehouse, gate it, and only then swap it in as the published one.

    Raises ``QualityGateError`` (the candidate stays unpublished for inspection) or
    ``WarehouseBuildError``.
    """
    candidate = settings.model_copy(update={"warehouse": prepare_candidate(settings)})
    result = build_warehouse(candidate)
    summaries = [validate_warehouse(settings, layer, day, candidate=True) for layer in WAREHOUSE_LAYERS]
    publish_candidate(settings)
    return result, summaries
