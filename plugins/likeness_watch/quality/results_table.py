"""The ``validation_results`` table in the state store: one row per expectation per gate run.

Not a dbt model and not in the warehouse (``likeness_watch.state_store``): gates run before the
first build, and their history must survive every publish and a rebuild from scratch. Written
under the state store's writer lock: the per-hub raw gates may run at the same time.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from likeness_watch.quality.summary import DRIFT, ValidationSummary
from likeness_watch.state_store import StateStore

TABLE = "validation_results"


def write_results(state: StateStore, *summaries: ValidationSummary) -> int:
    """Append the summaries' outcomes in one transaction; returns the number of rows written."""
    rows = [
        (
            summary.run_id,
            summary.run_at.replace(tzinfo=None),
            summary.layer,
            outcome.suite,
            outcome.hub,
            outcome.day,
            outcome.expectation,
            outcome.success,
            outcome.observed_json,
            outcome.severity,
        )
        for summary in summaries
        for outcome in summary.outcomes
    ]
    with state.writer() as con:
        if rows:
            con.executemany(f"insert into {TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)  # noqa: S608
    return len(rows)


DRIFT_OF_LATEST_RUN = f"""
with latest as (
    select hub, day, arg_max(run_id, run_at) as run_id
    from {TABLE}
    where layer = 'raw' and {{where}}
    group by hub, day
)
select v.hub, v.day, v.observed_value
from {TABLE} as v
inner join latest using (hub, day, run_id)
where v.severity = '{DRIFT}' and not v.success
order by v.hub, v.day, v.expectation
"""  # noqa: S608 - our constants; callers fill {where} with their own SQL and bind every value
"""Drift rows of each (hub, day)'s latest raw gate run (an earlier run's drift no longer holds)."""


def previous_drift(
    state: StateStore, suite: str, hub: str, day: date
) -> tuple[date | None, list[dict[str, Any]]]:
    """The latest day before ``day`` that ``suite`` (a fields suite) judged for ``hub``, and the drift
    its latest run found there (``Drift.to_json`` dicts)."""
    with state.reader() as con:
        row = con.execute(
            f"select max(day) from {TABLE} where layer = 'raw' and suite = ? and hub = ? and day < ?",  # noqa: S608
            [suite, hub, day],
        ).fetchone()
        last = row[0] if row else None
        if last is None:
            return None, []
        rows = con.execute(
            DRIFT_OF_LATEST_RUN.format(where="suite = ? and hub = ? and day = ?"), [suite, hub, last]
        ).fetchall()
    return last, [json.loads(value) for _, _, value in rows]
