"""Assemble the report (tables → charts → HTML) and write it with its PNG/SVG charts and CSV tables.

``build_report`` is free of I/O so tests can render any hand-made ``ReportData``; ``write_report``
is the entry point the CLI, the DAG and ``make demo`` share.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from likeness_watch import __version__
from likeness_watch.report import charts, tables
from likeness_watch.report.csv_safe import csv_bytes
from likeness_watch.report.headline import Headline, measure_headline
from likeness_watch.report.render import render_html, table_view
from likeness_watch.report.study import PolicyDate, Study, load_study
from likeness_watch.report.warehouse import ReportData, load_settings_data
from likeness_watch.settings import Settings
from likeness_watch.store.local import LocalStore

POLICY_DAYS = 30
PNG_DPI = 110
CHART_IDS = ("growth", "downloads", "gender", "countries", "composition", "takedowns", "alerts")
TABLE_IDS = (
    "headline",
    "new_per_month",
    "new_per_month_by_family",
    "downloads_daily",
    "gender_by_hub",
    "countries",
    "composition",
    "takedowns_reuploads",
    "policy_summary",
    "alerts",
    "quality_summary",
    "quality_failures",
    "poi_disagreements",
    "top_models",
    "hub_response_times",
    "overdue_models",
    "reviewed_evaluation",
)


@dataclass(frozen=True)
class RenderedChart:
    id: str
    caption: str
    alt: str
    table: str
    png: bytes
    svg: bytes
    width: int
    height: int

    @property
    def png_base64(self) -> str:
        return base64.b64encode(self.png).decode("ascii")


@dataclass
class Report:
    html: str
    headline: Headline
    charts: dict[str, RenderedChart] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def _render(chart_id: str, figure: Figure, caption: str, alt: str, table: str) -> RenderedChart:
    width, height = figure.get_size_inches()
    png = charts.to_png(figure, PNG_DPI)
    figure.set_layout_engine("none")  # the PNG already laid it out: keep those positions for the SVG
    return RenderedChart(
        chart_id,
        caption,
        alt,
        table,
        png,
        charts.to_svg(figure),
        round(width * PNG_DPI),
        round(height * PNG_DPI),
    )


def _draw_charts(
    data: ReportData, found: dict[str, pd.DataFrame | None], growth_basis: str, policy: list[PolicyDate]
) -> dict[str, RenderedChart]:
    """Every chart whose data exists, with its caption, alt text and the CSV it is drawn from."""
    drawn: dict[str, RenderedChart] = {}

    def add(chart_id: str, figure: Figure, caption: str, alt: str, table: str) -> None:
        drawn[chart_id] = _render(chart_id, figure, caption, alt, table)

    primary = next((p for p in policy if p.primary), None)
    policy_note = f" Dashed line: {primary.label}; dotted: other policy dates." if primary else ""
    monthly, downloads, gender = found["new_per_month"], found["downloads_daily"], found["gender_by_hub"]
    countries, composition, takedowns = found["countries"], found["composition"], found["takedowns_reuploads"]
    if monthly is not None and not monthly.empty:
        add(
            "growth",
            charts.growth_chart(monthly, found["new_per_month_by_family"], policy),
            f"New {growth_basis}, per hub, with the running total (F5).{policy_note}",
            "Line charts of new likeness models per month and cumulative, one line per hub.",
            "new_per_month",
        )
    if downloads is not None:
        add(
            "downloads",
            charts.downloads_chart(downloads, policy),
            f"Cumulative downloads of likeness models per hub (F3 over time).{policy_note}",
            "Line chart of cumulative likeness-model downloads per hub.",
            "downloads_daily",
        )
    if gender is not None:
        add(
            "gender",
            charts.gender_chart(gender),
            "Share of likeness models by target gender per hub (F6); counts in the legend.",
            "Stacked bars of female, male and unknown targets per hub.",
            "gender_by_hub",
        )
    if countries is not None:
        add(
            "countries",
            charts.countries_chart(countries),
            "Likeness models per inferred target country, top ten (F7); unknown excluded.",
            "Horizontal bars of likeness models per target country.",
            "countries",
        )
    if composition is not None:
        add(
            "composition",
            charts.composition_chart(composition),
            "Shares by technique (F10), base-model family (F9) and target prominence (F8), where known.",
            "Horizontal bars of shares by model type, base-model family and prominence.",
            "composition",
        )
    if takedowns is not None and not takedowns.empty:
        add(
            "takedowns",
            charts.takedowns_chart(takedowns, policy),
            f"Likeness models taken down per day (up) and files re-uploaded after a takedown (down), per hub."
            f"{policy_note}",
            "Bar chart of daily takedowns above the axis and re-uploads below it, per hub.",
            "takedowns_reuploads",
        )
    spikes = tables.spike_series(data.daily, data.first_crawl_day)
    if spikes is not None:
        left_out = (
            f" {data.first_crawl_day} is left out: on the first crawl day every model on a hub is new."
            if data.daily is not None and len(spikes) < len(data.daily)
            else ""
        )
        add(
            "alerts",
            charts.alerts_chart(spikes, data.alerts, policy),
            f"New likeness models per day per hub; black markers are recorded alerts, by severity."
            f"{left_out}{policy_note}",
            "Line chart of daily new likeness models per hub with alert markers.",
            "alerts",
        )
    return drawn


def build_report(data: ReportData, study: Study, generated_at: datetime | None = None) -> Report:
    """Tables, charts and the HTML page for ``data`` (no file I/O)."""
    headline = measure_headline(data)
    monthly, growth_basis = tables.monthly_new(data)
    policy = study.policy_dates_between(data.timeline_start, data.end)
    primary = next((p for p in policy if p.primary), None)
    takedowns = tables.takedowns_reuploads(data)
    top_models, top_models_title = tables.top_models(data)
    found: dict[str, pd.DataFrame | None] = {
        "headline": tables.headline_table(headline, study, data.timeline_start, data.end, monthly),
        "new_per_month": monthly,
        "new_per_month_by_family": tables.monthly_by_family(data.versions),
        "downloads_daily": tables.downloads_daily(data.daily),
        "gender_by_hub": tables.gender_by_hub(data.models),
        "countries": tables.countries(data.models, data.targets),
        "composition": tables.composition(headline),
        "takedowns_reuploads": takedowns,
        "policy_summary": tables.policy_summary(takedowns, primary, POLICY_DAYS),
        "alerts": tables.alerts_table(data.alerts),
        "quality_summary": tables.quality_summary(data.validation),
        "quality_failures": tables.quality_failures(data.validation),
        "poi_disagreements": tables.poi_disagreements(data.poi_flagged),
        "top_models": top_models,
        "hub_response_times": tables.hub_response_times(data.response_summary),
        "overdue_models": tables.overdue_models(data.overdue),
        "reviewed_evaluation": tables.reviewed_evaluation(data.reviewed),
    }
    with charts.chart_style():
        rendered = _draw_charts(data, found, growth_basis, policy)
    generated = (generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    versions = data.models.get("classifier_version", pd.Series(dtype="object")).dropna().astype(str)
    html = render_html(
        {
            "version": __version__,
            "period": f"{data.timeline_start.isoformat()} to {data.end.isoformat()}",
            "generated_at": generated,
            "study": study,
            "hubs": sorted(set(headline.count_by_hub)),
            "headline": table_view(found["headline"]),
            "charts": rendered,
            "top_models": table_view(top_models),
            "top_models_title": top_models_title,
            "primary_policy": primary,
            "policy_summary": table_view(found["policy_summary"]),
            "policy_days": POLICY_DAYS,
            "alerts": table_view(found["alerts"]),
            "quality": table_view(found["quality_summary"]),
            "quality_failures": table_view(found["quality_failures"]),
            "poi_disagreements": table_view(found["poi_disagreements"]),
            "hub_response_times": table_view(found["hub_response_times"]),
            "overdue_models": table_view(found["overdue_models"]),
            "deadline_hours": tables.deadline_hours(data.response_summary),
            "reviewed_evaluation": table_view(found["reviewed_evaluation"]),
            "classifier_versions": sorted(set(versions)),
            "growth_basis": growth_basis,
            "downloads_basis": headline.downloads_basis,
            "unavailable_items": data.unavailable,
        }
    )
    kept = {name: frame for name, frame in found.items() if frame is not None}
    return Report(html=html, headline=headline, charts=rendered, tables=kept)


def save_report(report: Report, out_dir: Path) -> Path:
    """Write charts and CSVs, then ``index.html`` last; remove our own files this run did not produce."""
    store = LocalStore(out_dir)
    for chart in report.charts.values():
        store.put_bytes(f"charts/{chart.id}.png", chart.png)
        store.put_bytes(f"charts/{chart.id}.svg", chart.svg)
    for name, frame in report.tables.items():
        store.put_bytes(f"tables/{name}.csv", csv_bytes(frame))
    for chart_id in set(CHART_IDS) - set(report.charts):
        store.delete(f"charts/{chart_id}.png")
        store.delete(f"charts/{chart_id}.svg")
    for name in set(TABLE_IDS) - set(report.tables):
        store.delete(f"tables/{name}.csv")
    store.put_bytes("index.html", report.html.encode("utf-8"))
    return Path(store.url("index.html"))


def write_report(
    settings: Settings, out_dir: Path, start: date | None = None, end: date | None = None
) -> Path:
    """Read ``settings``' warehouse and state store and write the report; returns the index.html path."""
    data = load_settings_data(settings, start, end)
    return save_report(build_report(data, load_study()), Path(out_dir))
