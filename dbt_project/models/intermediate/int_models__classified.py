"""Likeness decision for every model: likeness_watch.classify.classify_frame, with reason codes.

Incremental: only models whose classifier inputs changed (attributes_hash) or that were decided
by another classifier version are (re)classified, streamed in batches to keep memory flat.
"""

from likeness_watch.warehouse.classification import classify_batches, pending_models

BATCH_ROWS = 20_000


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="delete+insert",
        unique_key=["hub", "model_id"],
    )
    from likeness_watch.classify import CLASSIFIER_VERSION

    decided = None
    if dbt.is_incremental:
        decided = session.sql(
            f"select hub, model_id, attributes_hash from {dbt.this} where classifier_version = ?",  # noqa: S608
            params=[CLASSIFIER_VERSION],
        )
    todo = pending_models(dbt.ref("int_models__latest"), decided)
    return classify_batches(todo.to_arrow_reader(BATCH_ROWS))
