"""Each model's joined-word keys (likeness_watch.classify.registry.model_keys): what the person
registry matches, kept so a build reads only the strings of models that changed.

Incremental: keys are made only for models whose inputs changed (attributes_hash) or whose keys
an older NAME_KEYS_VERSION made. (Only attribute calls inside model(): cosmos's parser reads
this file and chokes on bare ones.)
"""

import likeness_watch.warehouse.person_registry as person_registry


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="delete+insert",
        unique_key=["hub", "model_id"],
    )
    known = person_registry.current_name_keys(session, dbt.this) if dbt.is_incremental else None
    return person_registry.pending_name_keys(dbt.ref("int_models__latest"), known)
