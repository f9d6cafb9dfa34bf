"""takedown_overdue: a reported model the crawl still sees up past its deadline, alerted once."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb
import pandas as pd
import pytest

from likeness_watch.alerts import history, marts
from likeness_watch.alerts.completeness import Completeness
from likeness_watch.alerts.detect import OVERDUE_COLUMNS, DetectionInputs, detect, overdue_alerts
from likeness_watch.alerts.model import TAKEDOWN_OVERDUE
from likeness_watch.alerts.render import text
from likeness_watch.alerts.routing import channels_for, parse_routes
from likeness_watch.alerts.run import ONCE_PER_SUBJECT_DAYS

DAY = date(2025, 5, 3)
REPORTED = datetime(2025, 5, 2)


def completeness(*skipped: date) -> Completeness:
    statuses = {("civitai", DAY + timedelta(days=i)): "committed" for i in range(-10, 10)}
    for day in skipped:
        statuses[("civitai", day)] = "quarantined"
    return Completeness(statuses, {}, {"civitai": DAY - timedelta(days=10)})


def overdue(*rows: dict) -> pd.DataFrame:
    defaults = {
        "hub": "civitai",
        "name": "Some Person LoRA",
        "url": "https://civitai.com/models/1",
        "reported_at": pd.Timestamp(REPORTED),
        "deadline_at": pd.Timestamp(REPORTED + timedelta(hours=48)),
        "deadline_hours": 48,
        "overdue_on": DAY,
        "taken_down_at": pd.NaT,
    }
    return pd.DataFrame([{**defaults, **row} for row in rows], columns=list(OVERDUE_COLUMNS))


def test_an_overdue_model_is_alerted_on_the_first_crawl_that_saw_it_up_past_the_deadline():
    [alert] = overdue_alerts(overdue({"model_id": "1"}), completeness(), [DAY])
    assert (alert.kind, alert.hub, alert.day, alert.severity) == (TAKEDOWN_OVERDUE, "civitai", DAY, "high")
    assert (alert.observed, alert.expected) == (48.0, 48.0)  # seen up at the end of DAY: 48 h after
    assert alert.title == (
        "Reported model still up on civitai 48 h after the report (deadline 48 h): Some Person LoRA"
    )
    assert alert.subject == "civitai/1@2025-05-02T00:00:00+48h"
    assert alert.details["deadline_at"] == "2025-05-04T00:00:00" and alert.details["taken_down_at"] is None
    assert [(m.model_id, m.url) for m in alert.top_models] == [("1", "https://civitai.com/models/1")]


def test_one_alert_per_model_however_many_days_are_scored():
    frame = overdue({"model_id": "1"}, {"model_id": "2", "overdue_on": DAY + timedelta(days=2)})
    inputs = DetectionInputs(
        daily=pd.DataFrame(columns=["day", "hub", "new_likeness_models"]),
        models=pd.DataFrame(columns=["hub", "model_id", "name", "first_seen", "published_on", "is_likeness",
                                     "likeness_confidence", "target_name", "nsfw_intent", "url",
                                     "trained_words", "tags"]),
        reuploads=pd.DataFrame(columns=["sha256", "hub", "model_id", "seen_on", "first_hub", "first_model_id",
                                        "after_takedown"]),
        completeness=completeness(),
        overdue=frame,
    )  # fmt: skip
    week = [DAY + timedelta(days=i) for i in range(7)]
    alerts = [a for a in detect(inputs, week) if a.kind == TAKEDOWN_OVERDUE]
    assert [(a.day, a.top_models[0].model_id) for a in alerts] == [(DAY, "1"), (DAY + timedelta(days=2), "2")]
    again = [a for a in detect(inputs, week[2:]) if a.kind == TAKEDOWN_OVERDUE]
    assert [a.alert_id for a in again if a.top_models[0].model_id == "2"] == [alerts[1].alert_id]
    assert [a.subject for a in again] == [a.subject for a in alerts]  # model 1 offered again, same subject


def test_a_report_recorded_late_is_alerted_on_the_first_scored_day_it_is_still_up():
    """A model overdue before the scored days (a CSV of earlier notices) is not skipped: it is
    alerted on the first scored day whose committed crawl still saw it up, once it is."""
    later = [DAY + timedelta(days=i) for i in range(5, 8)]
    frame = overdue(
        {"model_id": "1"},
        {"model_id": "2", "taken_down_at": pd.Timestamp(DAY + timedelta(days=3))},  # down before the days
        {"model_id": "3", "taken_down_at": pd.Timestamp(DAY + timedelta(days=8))},  # gone at DAY+7's crawl
    )
    alerts = overdue_alerts(frame, completeness(later[0]), later)  # the first of them is quarantined
    assert [(a.top_models[0].model_id, a.day, a.observed) for a in alerts] == [
        ("1", later[1], 24.0 * 8),
        ("3", later[1], 24.0 * 8),
    ]
    assert [a.top_models[0].model_id for a in overdue_alerts(frame, completeness(), later[2:])] == ["1"]


def test_another_deadline_or_report_is_another_alert_and_an_untrusted_day_none():
    first = overdue_alerts(overdue({"model_id": "1"}), completeness(), [DAY])[0]
    longer = overdue(
        {"model_id": "1", "deadline_hours": 24, "deadline_at": pd.Timestamp(REPORTED + timedelta(1))}
    )
    assert overdue_alerts(longer, completeness(), [DAY])[0].alert_id != first.alert_id
    assert overdue_alerts(overdue({"model_id": "1"}), completeness(DAY), [DAY]) == []


def test_recorded_once_even_when_a_rescore_finds_it_on_another_day(tmp_path):
    con = duckdb.connect(str(tmp_path / "state.duckdb"))
    windows = {TAKEDOWN_OVERDUE: ONCE_PER_SUBJECT_DAYS}
    first = overdue_alerts(overdue({"model_id": "1"}), completeness(), [DAY])
    moved = overdue_alerts(overdue({"model_id": "1", "overdue_on": DAY + timedelta(days=9)}), completeness(),
                           [DAY + timedelta(days=9)])  # fmt: skip
    assert len(history.record(con, first, lambda a: ["slack"], REPORTED, repeat_windows=windows)) == 1
    assert history.record(con, moved, lambda a: ["slack"], REPORTED, repeat_windows=windows) == []
    assert history.record(con, first, lambda a: ["slack"], REPORTED, repeat_windows=windows) == []


def test_routed_like_every_kind():
    alert = overdue_alerts(overdue({"model_id": "1"}), completeness(), [DAY])[0]
    routes = parse_routes("slack=spike; email=takedown_overdue@high")
    assert channels_for(alert, routes, ["email", "slack", "webhook"]) == ["email", "webhook"]


def test_rendered_with_its_clock_and_a_hostile_name_inert():
    alert = overdue_alerts(overdue({"model_id": "1", "name": "A\x1b[2J\u202eB"}), completeness(), [DAY])[0]
    rendered = text(alert)
    assert (
        "Reported at (UTC): 2025-05-02T00:00:00" in rendered
        and "Deadline (UTC): 2025-05-04T00:00:00" in rendered
    )
    assert "\x1b" not in rendered and "\u202e" not in rendered and "A\\x1b[2J\\u202eB" in rendered


@pytest.fixture
def warehouse_con(tmp_path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield con
    con.close()


def test_the_mart_is_read_up_to_the_last_scored_day_and_its_absence_turns_the_rule_off(warehouse_con, caplog):
    assert marts._overdue(warehouse_con, DAY).empty
    assert "takedown-overdue alerts are off" in caplog.text
    frame = overdue(
        {"model_id": "0", "overdue_on": DAY - timedelta(days=300)},
        {"model_id": "1"},
        {"model_id": "2", "overdue_on": DAY + timedelta(days=5)},
    )
    warehouse_con.register("frame", frame)
    warehouse_con.execute("create table mart_hub_response_times as select * from frame")
    read = marts._overdue(warehouse_con, DAY + timedelta(days=1))  # every model overdue by then
    assert list(read["model_id"]) == ["0", "1"] and read["overdue_on"].tolist() == [DAY - timedelta(300), DAY]
