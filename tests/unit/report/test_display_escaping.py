"""Names with control and bidi characters are shown escaped in the report page; the CSV keeps them raw."""

from __future__ import annotations

from dataclasses import replace

from likeness_watch.report.build import build_report
from likeness_watch.report.render import cell
from likeness_watch.report.study import load_study
from tests.unit.report.fixture_warehouse import XSS_NAME

SPOOFED = "Jane\u202eAoD\u202c \x1b[2Jfake\x00 v2"
"""A right-to-left override makes "AoD" read "DoA"; ESC [2J clears a terminal; NUL cuts C strings."""
SHOWN = "Jane\\u202eAoD\\u202c \\x1b[2Jfake\\x00 v2"


def test_table_cells_show_control_and_bidi_characters_as_escapes():
    assert cell(SPOOFED) == SHOWN
    assert cell("Zoë 山田\u3000花子") == "Zoë 山田\u3000花子"  # ordinary text, ideographic space, untouched


def test_report_page_shows_spoofed_names_escaped_and_the_csv_keeps_them(full_data, no_charts):
    models = full_data.models.assign(name=full_data.models["name"].replace(XSS_NAME, SPOOFED))
    alerts = full_data.alerts.assign(title=full_data.alerts["title"].str.replace(XSS_NAME, SPOOFED))
    report = build_report(replace(full_data, models=models, alerts=alerts), load_study())
    for raw in ("\u202e", "\u202c", "\x1b", "\x00"):
        assert raw not in report.html
    assert report.html.count(SHOWN) == 2  # the top-models table and the alert's title
    assert SPOOFED in set(report.tables["top_models"].astype(str).stack())  # data for the CSV: raw
