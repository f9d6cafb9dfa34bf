from datetime import date
from itertools import combinations

import pandas as pd
import pytest
from matplotlib.colors import to_rgb

from likeness_watch.report import charts
from likeness_watch.report.study import PolicyDate


def luminance(color: str) -> float:
    """WCAG relative luminance: what is left of a colour when printed in grey-scale."""
    channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(color)]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def test_hub_series_differ_by_more_than_hue():
    civitai, huggingface = charts.series_style("civitai", 0), charts.series_style("huggingface", 0)
    assert civitai.marker != huggingface.marker
    assert civitai.linestyle != huggingface.linestyle
    assert civitai.hatch != huggingface.hatch
    assert abs(luminance(civitai.color) - luminance(huggingface.color)) > 0.2


def test_every_cycle_style_has_a_distinct_marker_and_hatch_and_okabe_ito_colour():
    styles = charts._CYCLE
    assert all(a.marker != b.marker for a, b in combinations(styles, 2))
    assert all(a.hatch != b.hatch for a, b in combinations(styles, 2))
    assert {s.color for s in styles} <= set(charts.OKABE_ITO.values())
    assert charts.series_style("tensorart", 2) == styles[2]


def test_gender_categories_are_told_apart_by_hatch_as_well_as_colour():
    hatches = [style.hatch for style in charts._GENDER_STYLES.values()]
    assert len(set(hatches)) == len(hatches) and all(hatches)


def test_policy_window_centres_on_the_primary_date_and_clips_to_the_data():
    days = pd.Series(pd.date_range("2025-01-01", "2025-12-31").date)
    policy = [PolicyDate(date(2025, 5, 19), "act"), PolicyDate(date(2025, 5, 22), "ban", primary=True)]
    assert charts.policy_window(days, policy) == (date(2025, 4, 7), date(2025, 8, 20))
    assert charts.policy_window(days[days < date(2025, 6, 1)], policy)[1] == date(2025, 5, 31)
    assert charts.policy_window(days, policy[:1]) == (date(2025, 1, 1), date(2025, 12, 31))


@pytest.mark.parametrize("chart_id", ["growth", "takedowns"])
def test_chart_files_are_valid_png_and_svg_without_scripts(full_report, chart_id):
    chart = full_report.charts[chart_id]
    assert chart.png.startswith(b"\x89PNG")
    assert b"<svg" in chart.svg and b"<script" not in chart.svg
    assert chart.width == 880  # 8 in at 110 dpi, as the <img> tag declares


def test_alerts_chart_draws_the_daily_series_when_no_alerts_are_recorded(full_data):
    figure = charts.alerts_chart(full_data.daily, None, [])
    [axis] = figure.axes
    assert len(axis.lines) == 2  # one step line per hub
    assert not axis.collections  # no alert markers
