from datetime import date

import pandas as pd

from likeness_watch.report import tables
from likeness_watch.report.csv_safe import csv_bytes
from likeness_watch.report.headline import measure_headline
from likeness_watch.report.study import PolicyDate, load_study
from likeness_watch.report.warehouse import load_report_data
from tests.unit.report.fixture_warehouse import BAN_DAY, FORMULA_CREATOR, XSS_NAME


def test_monthly_new_counts_versions_by_publication_with_a_running_total(full_data):
    monthly, basis = tables.monthly_new(full_data)
    assert basis == "likeness versions by month published"
    assert monthly["new"].sum() == 72
    civitai = monthly[monthly["hub"] == "civitai"]
    assert civitai["cumulative"].is_monotonic_increasing
    assert civitai["cumulative"].iloc[-1] == 48


def test_monthly_new_without_versions_counts_models_first_seen(minimal_warehouse):
    monthly, basis = tables.monthly_new(load_report_data(minimal_warehouse))
    assert "first seen by the crawler" in basis
    assert monthly["new"].sum() == 60
    assert list(monthly["month"].unique()) == ["2025-04", "2025-05", "2025-06", "2025-07"]


def test_policy_summary_compares_the_days_before_and_after_the_ban(full_data):
    takedowns = tables.takedowns_reuploads(full_data)
    summary = tables.policy_summary(takedowns, PolicyDate(BAN_DAY, "ban", primary=True), days=30)
    rows = {row.measure: (row.before, row.after) for row in summary.itertuples()}
    assert rows["taken down on civitai"] == (0, 7)
    assert rows["re-uploaded after a takedown on huggingface"] == (0, 7)
    assert rows["re-uploaded after a takedown on civitai"] == (0, 1)
    assert tables.policy_summary(takedowns, None, days=30) is None


def test_top_models_rank_by_summed_version_downloads(full_data):
    top, title = tables.top_models(full_data)
    assert title == "Most-downloaded likeness models"
    assert len(top) == tables.TOP_MODELS
    assert top.loc[0, "name"] == XSS_NAME
    assert top.loc[0, "downloads"] == 60_000
    assert top["downloads"].is_monotonic_decreasing


def test_top_models_without_download_counters_are_the_newest(minimal_warehouse):
    top, title = tables.top_models(load_report_data(minimal_warehouse))
    assert title == "Newest likeness models"
    assert "downloads" not in top
    assert top.loc[0, "first_seen"] == date(2025, 7, 28)  # model 59: 2025-04-01 + 118 days


def test_headline_table_puts_study_and_measured_side_by_side(full_data):
    headline = measure_headline(full_data)
    monthly, _ = tables.monthly_new(full_data)
    table = tables.headline_table(headline, load_study(), date(2025, 4, 1), full_data.end, monthly).set_index(
        "id"
    )
    assert table.loc["F1", "study"] == "~35,000"
    assert table.loc["F1", "measured"] == "72 versions · 60 models"
    assert table.loc["F3", "measured"] == "1,830,000"
    assert table.loc["F6", "measured"].startswith("96.6 % (57 female, 2 male; 1 unknown excluded)")
    assert table.loc["F7", "measured"].startswith("CN, KR, JP, GB, US")
    assert table.loc["F8", "measured"] == "celebrity 50.0 % · influencer 33.3 % · unknown 16.7 %"
    assert table.loc["F11", "measured"] == "33.3 % (proxy)"
    assert table.loc["F14", "measured"] == "8 models re-uploaded a taken-down file (7 on another hub)"
    assert "Here: latest counter per likeness version." in table.loc["F3", "how measured"]


def test_csv_neutralises_spreadsheet_formulas_in_text_but_not_numbers():
    frame = pd.DataFrame({"creator": [FORMULA_CREATOR, "@cmd", "plain", None], "delta": [-5, 3, 0, 1]})
    lines = csv_bytes(frame).decode().splitlines()
    assert lines[1].startswith("\"'=HYPERLINK(")
    assert lines[2] == "'@cmd,3"
    assert lines[3] == "plain,0"
    assert lines[1].endswith(",-5")


def test_quality_summary_counts_failures_per_suite(full_data):
    summary = tables.quality_summary(full_data.validation).set_index("suite")
    assert summary.loc["marts"].tolist() == [1, 1, 1, 0]  # runs, checks, failed, drift
    assert summary.loc["raw_civitai"].tolist() == [2, 3, 0, 0]
    failures = tables.quality_failures(full_data.validation)
    assert failures["expectation"].tolist() == ["expect_column_values_to_be_between"]


def test_schema_drift_is_recorded_apart_from_failures(full_data):
    drift = full_data.validation.iloc[[0]].assign(
        suite="raw_civitai", success=False, severity="drift", expectation="schema_drift:record.nsfwLevel"
    )
    validation = pd.concat([full_data.validation, drift], ignore_index=True)
    summary = tables.quality_summary(validation).set_index("suite")
    assert summary.loc["raw_civitai"].tolist() == [2, 3, 0, 1]
    assert "schema_drift:record.nsfwLevel" not in tables.quality_failures(validation)["expectation"].tolist()


def test_poi_disagreements_count_the_flags_the_final_decision_overrules_per_hub(full_data):
    table = tables.poi_disagreements(full_data.poi_flagged)
    assert table.to_dict("records") == [
        {"hub": "civitai", "poi_flagged": 6, "overruled": 2, "overruled_share": 0.333}
    ]
    assert tables.poi_disagreements(None) is None


def test_months_without_new_items_are_zero_not_skipped(full_data):
    monthly, _ = tables.monthly_new(full_data)
    huggingface = monthly[monthly["hub"] == "huggingface"].set_index("month")["new"]
    assert list(huggingface.index) == [
        "2024-12",
        "2025-01",
        "2025-02",
        "2025-03",
        "2025-04",
        "2025-05",
        "2025-06",
        "2025-07",
    ]
    assert huggingface["2025-01"] == 0 and huggingface["2025-07"] > 0


def test_base_model_families_beyond_the_top_five_are_grouped_as_other():
    families = (
        ["SDXL"] * 6 + ["SD 1.x"] * 5 + ["Pony"] * 4 + ["Flux"] * 3 + ["Illustrious"] * 2 + ["SD 3", "Wan"]
    )
    versions = pd.DataFrame(
        {"published_at": [date(2025, 5, 1)] * len(families), "base_model_family": families}
    )
    table = tables.monthly_by_family(versions).set_index("family")["new"]
    assert table.to_dict() == {"Flux": 3, "Illustrious": 2, "Other": 2, "Pony": 4, "SD 1.x": 5, "SDXL": 6}


def test_spike_series_leaves_out_the_first_crawl_day(full_data):
    assert full_data.first_crawl_day == date(2025, 4, 1)
    series = tables.spike_series(full_data.daily, full_data.first_crawl_day)
    assert series["day"].min() == date(2025, 4, 2)
    assert tables.spike_series(full_data.daily, None)["day"].min() == date(2025, 4, 1)
