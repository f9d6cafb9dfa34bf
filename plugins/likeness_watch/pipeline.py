"""The daily chain's steps as plain functions: the demo runs them in sequence, each DAG task one.

crawl (``likeness_watch.crawl.crawl_day``) → raw gate (quarantine on failure) → prepare a
candidate warehouse → build it (``likeness_watch.warehouse.build_warehouse``; in Airflow, the
cosmos task group runs the same dbt project) → staging and marts gates → publish (atomic swap)
→ alerts (``likeness_watch.alerts.run``) → report. A failed gate stops the chain before anything
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
from likeness_watch.warehouse.headlines import headline_numbers
from likeness_watch.warehouse.paths import candidate_path


@dataclass
class RawGateOutcome:
    """Raw gate results of several partitions: passed summaries and quarantined failures."""

    passed: list[ValidationSummary] = field(default_factory=list)
    quarantined: dict[tuple[str, date], str] = field(default_factory=dict)


@dataclass
class Published:
    """A build that passed its gates and is now the published warehouse."""

    build: BuildResult
    gates: list[ValidationSummary]
    headlines: list[str]


def gate_raw(settings: Settings, store: ObjectStore, partitions: list[tuple[str, date]]) -> RawGateOutcome:
    """Validate partitions in one GX session; failures are quarantined (invisible downstream)."""
    outcome = RawGateOutcome()
    for (hub, day), summary in zip(partitions, validate_partitions(settings, store, partitions), strict=True):
        if summary.success:
            outcome.passed.append(summary)
        else:
            outcome.quarantined[hub, day] = summary.failure_message()
    return outcome


def prepare(settings: Settings) -> Settings:
    """Copy the published warehouse to the candidate; the settings a build of it uses."""
    return settings.model_copy(update={"warehouse": prepare_candidate(settings)})


def gate_candidate(
    settings: Settings, layer: str, day: date | None, store: ObjectStore | None = None
) -> ValidationSummary:
    """Quality gate of one layer on the candidate; raises ``QualityGateError`` on failure."""
    return validate_warehouse(settings, layer, day, candidate=True, store=store)


def publish(settings: Settings) -> list[str]:
    """Swap the validated candidate in; its headline numbers are read first, from the candidate,
    so nothing after the swap can fail (a retry would find no candidate left to publish)."""
    headlines = headline_numbers(candidate_path(settings)).lines()
    publish_candidate(settings)
    return headlines


def build_and_publish(settings: Settings, day: date | None = None) -> Published:
    """Build a candidate warehouse, gate it, and only then swap it in as the published one.

    Raises ``QualityGateError`` (the candidate stays unpublished for inspection) or
    ``WarehouseBuildError``.
    """
    result = build_warehouse(prepare(settings))
    gates = [gate_candidate(settings, layer, day) for layer in WAREHOUSE_LAYERS]
    return Published(result, gates, publish(settings))
