"""``schema_drift``: raised once when a hub's record fields change, routed by kind, rendered inert."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from likeness_watch.alerts import render
from likeness_watch.alerts.channels.slack import slack_payload
from likeness_watch.alerts.detect import DRIFT_COLUMNS, schema_drift_alerts
from likeness_watch.alerts.model import KINDS, SCHEMA_DRIFT
from likeness_watch.alerts.routing import channels_for, parse_routes
from likeness_watch.alerts.run import run_alerts_range
from likeness_watch.quality import validate_raw
from likeness_watch.raw import PartitionWriter

DAY = date(2025, 5, 3)
EVIL = "<script>alert(1)</script><!channel>"


def drift_row(hub, day, field, change="absent", since=None, feeds=("dim_model.likes",), rows=10):
    return {
        "hub": hub,
        "day": day,
        "field": field,
        "change": change,
        "rows": rows,
        "of": 10,
        "since": since or day,
        "feeds": list(feeds),
        "renamed_to": None,
    }


def frame(*rows):
    return pd.DataFrame.from_records(rows, columns=list(DRIFT_COLUMNS))


def test_drift_alerts_once_on_the_day_it_begins_per_hub():
    drift = frame(
        drift_row("civitai", DAY, "record.stats.thumbsUpCount"),
        drift_row("civitai", DAY, "record.nsfwLevel", since=DAY - timedelta(days=5)),  # continuing
        drift_row("huggingface", DAY, "record.inference", change="new", feeds=()),
        drift_row(
            "huggingface", DAY + timedelta(days=1), "record.inference", change="new", feeds=(), since=DAY
        ),
    )
    alerts = schema_drift_alerts(drift, DAY)
    assert [(a.kind, a.hub, a.severity, a.observed) for a in alerts] == [
        (SCHEMA_DRIFT, "civitai", "medium", 1.0),  # a field the marts read went missing
        (SCHEMA_DRIFT, "huggingface", "low", 1.0),  # a new field harms nothing
    ]
    assert alerts[0].details["fields"][0]["field"] == "record.stats.thumbsUpCount"
    assert alerts[0].details["continuing"] == 1
    assert alerts[0].details["mart_columns_affected"] == ["record.stats.thumbsUpCount"]
    assert schema_drift_alerts(drift, DAY + timedelta(days=1)) == []  # still drifting: not raised again
    again = schema_drift_alerts(drift.iloc[::-1], DAY)
    assert [a.alert_id for a in again] == [a.alert_id for a in alerts]  # content-addressed


def test_drift_is_a_routable_kind():
    (alert,) = schema_drift_alerts(frame(drift_row("civitai", DAY, "record.nsfwLevel")), DAY)
    assert SCHEMA_DRIFT in KINDS
    routes = parse_routes(
        "slack=spike,target_cluster,watchlist_match,takedown_evasion; email=schema_drift,data_missing"
    )
    assert channels_for(alert, routes, ["slack", "email", "webhook"]) == ["email", "webhook"]


def test_hub_field_names_are_rendered_inert():
    (alert,) = schema_drift_alerts(frame(drift_row("civitai", DAY, f"record.{EVIL}", change="new")), DAY)
    assert EVIL in alert.title and EVIL in render.drift_fields(alert)
    payload = str(slack_payload(alert))
    assert "<script>" not in payload and "<!channel>" not in payload and "&lt;!channel&gt;" in payload
    html = render.html(alert)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Fields: record." in render.text(alert)


def test_a_gate_run_with_drift_raises_the_alert_from_the_published_warehouse(
    settings, store, make_warehouse, lake
):
    """End to end: the raw gate records the drift in validation_results, the alert run reads it."""
    lake.commit("huggingface", [DAY - timedelta(days=1)])
    make_warehouse({"civitai": {DAY: 0}})
    record = {"id": 7, "name": "Old shape", "type": "LORA", "creator": {"username": "u"}, "stats": {}}
    writer = PartitionWriter(store, "civitai", DAY)
    writer.add(
        {"hub": "civitai", "model_id": "7", "via": "listing", "fetched_at": "2025-05-03T00:00:01Z",
         "http_status": 200, "record": record, "error": None}
    )  # fmt: skip
    writer.commit(mode="sweep")
    assert validate_raw(settings, store, "civitai", DAY).success  # drift never blocks

    run = run_alerts_range(settings, DAY, DAY, dry_run=True)
    (drift,) = [alert for alert in run.alerts if alert.kind == SCHEMA_DRIFT]
    assert drift.hub == "civitai" and drift.severity == "medium"
    fields = {item["field"]: item for item in drift.details["fields"]}
    assert (
        fields["record.nsfwLevel"]["rows"] == 1
        and "dim_model.nsfw_level" in fields["record.nsfwLevel"]["feeds"]
    )
    assert "record.stats.downloadCount" in drift.details["mart_columns_affected"]
