"""Gate runs, whatever the layer: validate batches with GX, then store what was found.

Outcomes go to the state store's table ``validation_results`` and, with GX's own results, to Data
Docs in the object store. Checks that cannot be GX expectations because there is no frame to give
GX (a table that is missing, a part file that does not decode) become failed critical outcomes
too, so they block and are reported the same way.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from likeness_watch.quality.data_docs import publish_data_docs, save_results
from likeness_watch.quality.gx_runner import Batch, BatchResult, GxSession
from likeness_watch.quality.outcomes import short, to_outcome
from likeness_watch.quality.results_table import write_results
from likeness_watch.quality.summary import BLOCKING, Outcome, ValidationSummary
from likeness_watch.settings import Settings
from likeness_watch.state_store import StateStore
from likeness_watch.store import ObjectStore


@dataclass
class GateRun:
    """One validated target (a partition, or a warehouse layer) before it is recorded."""

    summary: ValidationSummary
    results: list[BatchResult]


def new_run_id(now: datetime) -> str:
    """Sortable by time (Data Docs history relies on it) and unique across parallel gates."""
    return f"{now:%Y%m%dT%H%M%S}Z-{secrets.token_hex(3)}"


def precondition_failure(suite: str, check: str, message: str, hub: str | None, day: date | None) -> Outcome:
    """A blocking outcome for a check made before GX could run."""
    return Outcome(
        suite=suite,
        expectation=check,
        success=False,
        severity=BLOCKING,
        observed=short(message),
        observed_json=json.dumps({"error": message}, ensure_ascii=True),
        hub=hub,
        day=day,
    )


def run_gate(
    session: GxSession,
    layer: str,
    target: str,
    batches: Iterable[Batch],
    preconditions: Iterable[Outcome] = (),
) -> GateRun:
    """Validate batches in ``session``; nothing is stored yet."""
    run_at = datetime.now(UTC)
    run_id = new_run_id(run_at)
    outcomes = list(preconditions)
    results = []
    for batch in batches:
        item = session.validate(batch, run_id, run_at)
        results.append(item)
        outcomes += [
            to_outcome(batch.spec.name, result, batch.spec.id_columns, batch.hub, batch.day)
            for result in item.result.get("results", [])
        ]
    return GateRun(ValidationSummary(run_id, run_at, layer, target, outcomes), results)


def record(session: GxSession, runs: Iterable[GateRun], settings: Settings, store: ObjectStore) -> None:
    """Store outcomes in the state store, then rebuild Data Docs in the object store once for all runs."""
    runs = list(runs)
    write_results(StateStore.of(settings), *(run.summary for run in runs))
    for run in runs:
        save_results(store, run.summary.run_id, run.results)
    docs_url = publish_data_docs(session, store)
    for run in runs:
        run.summary.docs_url = docs_url
