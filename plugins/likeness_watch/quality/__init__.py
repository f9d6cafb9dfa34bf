"""Data-quality gates (Great Expectations): raw partitions after each crawl, the warehouse after builds.

A failed raw gate quarantines the partition; a failed warehouse gate keeps the candidate build
unpublished. Both raise ``QualityGateError`` naming the failing expectations. GX itself is
imported only when a gate runs.
"""

from likeness_watch.quality.publish import candidate_path, prepare_candidate, publish_candidate
from likeness_watch.quality.quarantine import quarantine_partition, release_partition
from likeness_watch.quality.raw import validate_partitions, validate_raw
from likeness_watch.quality.suites import SuiteError
from likeness_watch.quality.summary import Outcome, QualityGateError, ValidationSummary
from likeness_watch.quality.warehouse import validate_warehouse

__all__ = [
    "Outcome",
    "QualityGateError",
    "SuiteError",
    "ValidationSummary",
    "candidate_path",
    "prepare_candidate",
    "publish_candidate",
    "quarantine_partition",
    "release_partition",
    "validate_partitions",
    "validate_raw",
    "validate_warehouse",
]
