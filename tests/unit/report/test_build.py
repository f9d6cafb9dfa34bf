import base64
import html
import re
from dataclasses import replace

from likeness_watch.report import write_report
from likeness_watch.report.build import CHART_IDS, build_report, save_report
from likeness_watch.report.study import load_study
from likeness_watch.report.warehouse import load_report_data
from tests.unit.report.fixture_warehouse import FORMULA_CREATOR, XSS_NAME

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_hub_provided_script_name_is_inert_text(full_report):
    page = full_report.html
    assert "<script" not in page.lower()
    # the top-models table, an alert title and the models still up past their takedown deadline, as text
    assert page.count(html.escape(XSS_NAME, quote=False)) == 3
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


def test_page_is_self_contained_with_every_chart_embedded(full_report):
    page = full_report.html
    assert set(full_report.charts) == set(CHART_IDS)
    embedded = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(embedded) == len(CHART_IDS)
    assert all(base64.b64decode(item).startswith(PNG_MAGIC) for item in embedded)
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!data:|#)""", page)
    assert "<link" not in page and "@import" not in page and "url(" not in page


def test_page_shows_study_next_to_measured_and_method_notes(full_report):
    page = full_report.html
    for text in (
        "~35,000",
        "72 versions · 60 models",
        "96 %",
        "96.6 %",
        "Method notes and limitations",
        "Public models only.",
        "NCII intent is a proxy",
        "takedown_evasion",
        "expect_column_values_to_be_between",
        "file of a removed model re-uploaded",
        "2025-04-01 is left out: on the first crawl day",
        "Hub flags we overrule",
        "poi:overruled",
    ):
        assert html.escape(text, quote=False) in page, text


def test_minimal_warehouse_report_says_what_is_missing(minimal_warehouse, no_charts):
    report = build_report(load_report_data(minimal_warehouse), load_study())
    page = report.html
    assert "No alerts recorded for this period." in page
    assert "No validation results recorded." in page
    assert "table fct_likeness_versions" in page
    assert "72 versions" not in page and "60 models (versions not available)" in page
    assert "quality_summary" not in report.tables and "new_per_month" in report.tables
    assert "dim_model.poi" in page and "poi_disagreements" not in report.tables


def test_save_report_writes_charts_and_tables_and_removes_only_its_own_stale_files(tmp_path, full_report):
    out = tmp_path / "out"
    (out / "charts").mkdir(parents=True)
    (out / "charts" / "alerts.png").write_bytes(b"stale")
    (out / "notes.txt").write_text("mine")
    without_alerts = {key: chart for key, chart in full_report.charts.items() if key != "alerts"}
    index = save_report(replace(full_report, charts=without_alerts), out)
    assert index == out.resolve() / "index.html"
    assert not (out / "charts" / "alerts.png").exists()
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "charts" / "growth.svg").read_bytes().lstrip().startswith(b"<?xml")
    assert (out / "charts" / "growth.png").read_bytes().startswith(PNG_MAGIC)
    top_models = (out / "tables" / "top_models.csv").read_text()
    assert "'" + FORMULA_CREATOR.replace('"', '""') in top_models


def test_write_report_reads_the_settings_warehouse(tmp_path, full_warehouse, settings, no_charts):
    index = write_report(settings.model_copy(update={"warehouse": full_warehouse}), tmp_path / "r")
    assert index.name == "index.html" and index.read_text().startswith("<!doctype html>")
    assert {p.name for p in (tmp_path / "r" / "tables").iterdir()} >= {"headline.csv", "countries.csv"}
