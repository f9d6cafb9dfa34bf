"""Reviewed models as a real evaluation set: the classifier's own decision scored against the
reviewers' verdicts, per hub.

Every ``likeness``/``not_likeness`` decision is a label on a real model, and it grows with every
review, unlike the fixed labelled files of ``tests/eval``. Read from the published warehouse
(``dim_model``: the verdict in force at the last build, ``review_decision``, beside
``classifier_is_likeness``); scored by ``likeness_watch.classify.evaluate``.
"""

from __future__ import annotations

from pathlib import Path

from likeness_watch.classify.evaluate import EvalReport, evaluate_decided
from likeness_watch.warehouse.access import connect

VERDICTS_SQL = """
select hub, review_decision = 'likeness', classifier_is_likeness
from main.dim_model
where review_decision in ('likeness', 'not_likeness')
"""


class EvaluationUnavailable(RuntimeError):
    """The warehouse is missing or was built before review decisions reached it."""


def reviewed_evaluation(warehouse: Path) -> dict[str, EvalReport]:
    """Precision and recall of ``classifier_is_likeness`` on the reviewed models, per hub (no
    reviewed model: empty)."""
    if not warehouse.is_file():
        raise EvaluationUnavailable(f"warehouse {warehouse} not found: run `likeness-watch build` first")
    con = connect(warehouse, read_only=True)
    try:
        columns = {
            name
            for (name,) in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'main' and table_name = 'dim_model'"
            ).fetchall()
        }
        if not {"review_decision", "classifier_is_likeness"} <= columns:
            raise EvaluationUnavailable(
                f"warehouse {warehouse} has no reviewed decisions in dim_model: run `likeness-watch build`"
            )
        rows = con.execute(VERDICTS_SQL).fetchall()
    finally:
        con.close()
    return evaluate_decided(rows)
