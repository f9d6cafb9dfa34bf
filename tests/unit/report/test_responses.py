"""The report's "Hub response times" section: per hub, with the models still up, hub strings inert."""

from __future__ import annotations

import html

from likeness_watch.report.build import build_report
from likeness_watch.report.study import load_study
from likeness_watch.report.warehouse import load_report_data
from tests.unit.report.fixture_warehouse import XSS_NAME
from tests.unit.report.page import section


def test_each_hub_shows_its_response_times(full_data, full_report):
    table = full_report.tables["hub_response_times"]
    assert table.to_dict("records") == [
        {"hub": "civitai", "deadline_hours": 48, "reported": 3, "taken_down_in_time": 1, "taken_down_late": 0,
         "still_up_past_deadline": 1, "pending": 1, "median_hours_to_takedown": 24.0, "share_in_time": 0.5},
        {"hub": "huggingface", "deadline_hours": 48, "reported": 1, "taken_down_in_time": 0,
         "taken_down_late": 1, "still_up_past_deadline": 0, "pending": 0, "median_hours_to_takedown": 72.0,
         "share_in_time": 0.0},
    ]  # fmt: skip
    shown = section(full_report.html, "responses")
    assert "against a deadline of 48 hours" in shown
    assert '<td class="num">24</td>' in shown and '<td class="num">0.500</td>' in shown


def test_models_still_up_past_the_deadline_are_listed_with_their_names_inert(full_report):
    assert full_report.tables["overdue_models"]["model_id"].tolist() == ["1000"]
    shown = section(full_report.html, "responses")
    assert html.escape(XSS_NAME, quote=False) in shown and "<script" not in shown.lower()
    assert "2025-05-20T00:00:00" in shown and "2025-05-21" in shown


def test_a_warehouse_without_the_marts_says_so(minimal_warehouse, no_charts):
    report = build_report(load_report_data(minimal_warehouse), load_study())
    shown = section(report.html, "responses")
    assert "Hub response times (mart_hub_response_summary) are not available" in shown
    assert "hub_response_times" not in report.tables


def test_no_report_yet_is_said_plainly(full_data, no_charts):
    empty = full_data.response_summary.iloc[:0]
    report = build_report(
        type(full_data)(
            **{**full_data.__dict__, "response_summary": empty, "overdue": full_data.overdue.iloc[:0]}
        ),
        load_study(),
    )
    assert "No model has been reported to a hub yet." in section(report.html, "responses")
