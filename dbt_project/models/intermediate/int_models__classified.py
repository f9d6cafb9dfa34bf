"""Likeness decision for every model: likeness_watch.classify.classify_frame, with reason codes.

Every model of int_model_status_changes gets one: those never seen with a record (tombstones
only) are decided "not a likeness model" with the reason code no_record until a record arrives.
Incremental: only models whose classifier inputs changed (attributes_hash) or that were decided
by another classifier version are (re)classified, streamed in batches to keep memory flat.
(Only attribute calls inside model(): cosmos's parser reads this file and chokes on bare ones.)
"""

import likeness_watch.warehouse.classification as classification


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="delete+insert",
        unique_key=["hub", "model_id"],
    )
    decided = classification.current_decisions(session, dbt.this) if dbt.is_incremental else None
    return classification.classify_pending(
        dbt.ref("int_models__latest"), decided, observed=dbt.ref("int_model_status_changes")
    )
