"""The final likeness decision of every model: the classifier's, re-decided with the person
registry for models the classifier did not call likeness (likeness_watch.classify.registry).

Rebuilt on every run: a person first seen today also decides the models seen before.
"""

import likeness_watch.warehouse.person_registry as person_registry


def model(dbt, session):
    dbt.config(materialized="table")
    return person_registry.decided_models(
        session,
        dbt.ref("int_models__classified"),
        dbt.ref("int_models__latest"),
        dbt.ref("int_model_name_keys"),
        dbt.ref("int_person_registry"),
    )
