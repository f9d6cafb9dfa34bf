"""One row per registered hub: the hub registry as a table (public model page URL pattern)."""

import pandas as pd

from likeness_watch.hubs.registry import get_hub, hub_names


def model(dbt, session):
    dbt.config(materialized="table")
    return pd.DataFrame(
        [{"hub": hub, "model_url_template": get_hub(hub).model_url} for hub in hub_names()],
        columns=["hub", "model_url_template"],
    )
