"""The person registry: real people seen as targets, from strong likeness decisions, Civitai poi
models the classifier found a person's name on, and the protected-persons watchlist.

Rebuilt on every run (likeness_watch.classify.registry.build_registry): it reads the classifier's
decisions, never the registry's own, so it cannot feed on itself.
"""

import likeness_watch.warehouse.person_registry as person_registry


def model(dbt, session):
    dbt.config(materialized="table")
    return person_registry.person_registry(
        session,
        dbt.ref("int_models__classified"),
        dbt.ref("int_models__latest"),
        dbt.config.get("watchlist"),
        dbt.config.get("watchlist_required"),
    )
