"""Reviewed models as a real evaluation set: the classifier's own decision scored against the
reviewers' verdicts, per hub.

Every ``likeness``/``not_likeness`` decision is a label on a real model, and it grows with every
review, unlike the fixed labelled files of ``tests/eval``. Read from the published warehouse
(``dim_model``: the verdict in force at the last build, ``review_decision``, beside
``classifier_is_likeness``); scored by ``likeness_watch.classify.evaluate``. ``likeness-watch
review --eval`` prints it (``reviewed_evaluation``); the study report shows it from its own
warehouse connection (``evaluate_reviewed``).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from likeness_watch.classify.evaluate import EvalReport, evaluate_decided
from likeness_watch.warehouse.access import connect

REVIEW_COLUMNS = ("review_decision", "classifier_is_likeness")
"""The ``dim_model`` columns the evaluation reads (a warehouse built before review decisions lacks them)."""

VERDICTS_SQL = """
select hub, review_decision = 'likeness', classifier_is_likeness
from main.dim_model
where review_decision in ('likeness', 'not_likeness')
"""


class EvaluationUnavailable(RuntimeError):
    """The warehouse is missing or was built before review decisions reached it."""


def evaluate_reviewed(con: duckdb.DuckDBPyConnection) -> dict[str, EvalReport]:
    """Precision and recall of ``classifier_is_likeness`` on the reviewed models of the warehouse
    open on ``con``, per hub (no reviewed model: empty). ``dim_model`` must have ``REVIEW_COLUMNS``."""
    return evaluate_decided(con.execute(VERDICTS_SQL).fetchall())


def reviewed_evaluation(warehouse: Path) -> dict[str, EvalReport]:
    """``evaluate_reviewed`` on the warehouse file, which must exist and have ``REVIEW_COLUMNS``."""
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
        if not set(REVIEW_COLUMNS) <= columns:
            raise EvaluationUnavailable(
                f"warehouse {warehouse} has no reviewed decisions in dim_model: run `likeness-watch build`"
            )
        return evaluate_reviewed(con)
    finally:
        con.close()
