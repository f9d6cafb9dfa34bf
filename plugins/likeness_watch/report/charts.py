"""Report charts drawn with matplotlib's object API (no pyplot: no global state between reports).

Readable in grey-scale and for colour-blind readers: colours come from the Okabe-Ito palette, and
every series also differs by marker, line style or hatch, so nothing relies on hue alone.
Charts show counts and categories only; no hub-provided free text is drawn.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

import matplotlib as mpl
import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from likeness_watch.report.study import PolicyDate

OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}


@dataclass(frozen=True)
class SeriesStyle:
    color: str
    marker: str
    linestyle: str
    hatch: str


_HUB_STYLES = {
    "civitai": SeriesStyle(OKABE_ITO["blue"], "o", "-", "///"),
    "huggingface": SeriesStyle(OKABE_ITO["orange"], "s", "--", "..."),
}
_CYCLE = (
    SeriesStyle(OKABE_ITO["blue"], "o", "-", "///"),
    SeriesStyle(OKABE_ITO["orange"], "s", "--", "..."),
    SeriesStyle(OKABE_ITO["green"], "^", "-.", "xx"),
    SeriesStyle(OKABE_ITO["vermillion"], "D", ":", "\\\\"),
    SeriesStyle(OKABE_ITO["purple"], "v", "-", "++"),
    SeriesStyle(OKABE_ITO["sky"], "P", "--", "oo"),
    SeriesStyle(OKABE_ITO["black"], "X", "-.", ""),
)
_FAMILY_STYLES = _CYCLE[2:]
"""Base-model families never reuse the two hub styles drawn in the panels above them."""
_OTHER_STYLE = SeriesStyle("#999999", ".", ":", "")
_GENDER_STYLES = {
    "female": SeriesStyle(OKABE_ITO["vermillion"], "o", "-", "///"),
    "male": SeriesStyle(OKABE_ITO["sky"], "s", "--", "..."),
    "unknown": SeriesStyle("#BBBBBB", "^", ":", "xx"),
}
_SEVERITY_MARKERS = ("^", "X", "D", "v", "P", "s")
_RC = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "svg.hashsalt": "likeness-watch",
    "svg.fonttype": "path",
}
WIDTH = 8.0
LEGEND_COLUMNS = 4
LEGEND_SHORT_LABEL = 30


def series_style(key: str, index: int) -> SeriesStyle:
    """Fixed styles for the known hubs (consistent across charts), the cycle for anything else."""
    return _HUB_STYLES.get(key, _CYCLE[index % len(_CYCLE)])


@contextmanager
def chart_style() -> Iterator[None]:
    with mpl.rc_context(_RC):
        yield


def _thousands(axis: Axes) -> None:
    axis.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    axis.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))


def _date_axis(axis: Axes) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=10)
    axis.xaxis.set_major_locator(locator)
    axis.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _policy_lines(axis: Axes, policy: list[PolicyDate]) -> None:
    """A dashed line for the primary policy change, dotted lines for the others (named in the legend)."""
    others = 0
    for item in policy:
        if item.primary:
            axis.axvline(
                item.day,
                color=OKABE_ITO["black"],
                linestyle="--",
                linewidth=1.2,
                label=f"policy change, {item.day:%d %b %Y}",
            )
        else:
            label = "other policy dates" if others == 0 else None
            axis.axvline(item.day, color="#555555", linestyle=":", linewidth=0.9, label=label)
            others += 1


def _legend(figure: Figure) -> None:
    """One legend below the plot area for all panels, so it never hides data."""
    seen: dict[str, object] = {}
    for axis in figure.axes:
        for handle, label in zip(*axis.get_legend_handles_labels(), strict=True):
            seen.setdefault(label, handle)
    if seen:
        columns = LEGEND_COLUMNS if max(map(len, seen)) <= LEGEND_SHORT_LABEL else LEGEND_COLUMNS // 2
        columns = min(columns, len(seen))
        figure.legend(list(seen.values()), list(seen), loc="outside lower center", ncols=columns, fontsize=8)


def _by_hub(frame: pd.DataFrame, x: str, y: str) -> Iterator[tuple[str, SeriesStyle, pd.DataFrame]]:
    for index, (hub, group) in enumerate(frame.groupby("hub", sort=True)):
        yield str(hub), series_style(str(hub), index), group.sort_values(x)


def _line(axis: Axes, xs: pd.Series, ys: pd.Series, style: SeriesStyle, label: str) -> None:
    markevery = max(1, len(xs) // 24)
    axis.plot(
        list(xs),
        list(ys),
        color=style.color,
        linestyle=style.linestyle,
        marker=style.marker,
        markersize=4,
        markevery=markevery,
        linewidth=1.6,
        label=label,
    )


def growth_chart(monthly: pd.DataFrame, by_family: pd.DataFrame | None, policy: list[PolicyDate]) -> Figure:
    """F5: new likeness items per month per hub, the running total, and (if known) base-model families."""
    panels = 3 if by_family is not None else 2
    figure = Figure(figsize=(WIDTH, 2.4 * panels), layout="constrained")
    axes = figure.subplots(panels, 1, sharex=True)
    data = monthly.assign(start=pd.PeriodIndex(monthly["month"], freq="M").to_timestamp())
    for hub, style, group in _by_hub(data, "start", "new"):
        _line(axes[0], group["start"], group["new"], style, hub)
        _line(axes[1], group["start"], group["cumulative"], style, hub)
    axes[0].set_title("New per month, by hub")
    axes[1].set_title("Cumulative, by hub")
    if by_family is not None:
        families = by_family.assign(start=pd.PeriodIndex(by_family["month"], freq="M").to_timestamp())
        styles = iter(_FAMILY_STYLES)
        for family, group in families.groupby("family", sort=True):
            style = _OTHER_STYLE if family == "Other" else next(styles, _OTHER_STYLE)
            _line(axes[2], group["start"], group["new"], style, str(family))
        axes[2].set_title("New per month, by base-model family")
    for axis in axes:
        _thousands(axis)
        _policy_lines(axis, policy)
    _date_axis(axes[-1])
    _legend(figure)
    return figure


def downloads_chart(downloads: pd.DataFrame, policy: list[PolicyDate]) -> Figure:
    """F3 over time: cumulative likeness downloads per hub."""
    figure = Figure(figsize=(WIDTH, 3.2), layout="constrained")
    axis = figure.subplots()
    for hub, style, group in _by_hub(downloads, "day", "likeness_downloads"):
        _line(axis, group["day"], group["likeness_downloads"], style, hub)
    axis.set_ylabel("downloads (cumulative)")
    _thousands(axis)
    _date_axis(axis)
    _policy_lines(axis, policy)
    _legend(figure)
    return figure


def gender_chart(gender: pd.DataFrame) -> Figure:
    """F6 per hub: stacked shares of female / male / unknown targets, with counts in the legend."""
    figure = Figure(figsize=(WIDTH, 0.7 + 0.55 * len(gender)), layout="constrained")
    axis = figure.subplots()
    totals = gender[["female", "male", "unknown"]].sum(axis=1).replace(0, 1)
    left = pd.Series(0.0, index=gender.index)
    for key, style in _GENDER_STYLES.items():
        share = gender[key] / totals
        axis.barh(
            gender["hub"],
            share,
            left=left,
            color=style.color,
            hatch=style.hatch,
            edgecolor="#333333",
            linewidth=0.6,
            label=f"{key} ({int(gender[key].sum()):,})",
        )
        left += share
    axis.set_xlim(0, 1)
    axis.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0%}"))
    axis.grid(axis="y", visible=False)
    axis.invert_yaxis()
    _legend(figure)
    return figure


def countries_chart(countries: pd.DataFrame) -> Figure:
    """F7: likeness models per target country (top ten)."""
    figure = Figure(figsize=(WIDTH, 0.6 + 0.32 * len(countries)), layout="constrained")
    axis = figure.subplots()
    style = _CYCLE[0]
    bars = axis.barh(
        countries["country"],
        countries["models"],
        color=style.color,
        hatch=style.hatch,
        edgecolor="#333333",
        linewidth=0.6,
    )
    axis.bar_label(bars, labels=[f"{int(v):,}" for v in countries["models"]], padding=3, fontsize=8)
    axis.invert_yaxis()
    axis.grid(axis="y", visible=False)
    axis.set_xlabel("likeness models")
    axis.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    return figure


def composition_chart(composition: pd.DataFrame) -> Figure:
    """F8–F10: shares by technique, base-model family and prominence, one panel each."""
    dimensions = list(dict.fromkeys(composition["dimension"]))
    height = 0.9 + 0.25 * len(composition) + 0.4 * len(dimensions)
    figure = Figure(figsize=(WIDTH, height), layout="constrained")
    heights = [max(1, int((composition["dimension"] == d).sum())) for d in dimensions]
    axes = figure.subplots(len(dimensions), 1, squeeze=False, height_ratios=heights)[:, 0]
    for axis, dimension in zip(axes, dimensions, strict=True):
        part = composition[composition["dimension"] == dimension]
        for index, row in enumerate(part.itertuples()):
            style = _CYCLE[index % len(_CYCLE)]
            axis.barh(
                [str(row.category)],
                [row.share],
                color=style.color,
                hatch=style.hatch,
                edgecolor="#333333",
                linewidth=0.6,
            )
            axis.annotate(
                f"{row.share:.0%} ({int(row.count):,})",
                xy=(row.share, index),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
        axis.set_xlim(0, 1.15)
        axis.set_title(dimension, loc="left")
        axis.invert_yaxis()
        axis.grid(axis="y", visible=False)
        axis.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0%}"))
    return figure


def policy_window(
    days: pd.Series, policy: list[PolicyDate], before: int = 45, after: int = 90
) -> tuple[date, date]:
    """The days shown around the primary policy change in the period (else the whole span)."""
    first, last = min(days), max(days)
    primary = next((p.day for p in policy if p.primary), None)
    if primary is None:
        return first, last
    return max(first, primary - timedelta(days=before)), min(last, primary + timedelta(days=after))


def takedowns_chart(table: pd.DataFrame, policy: list[PolicyDate]) -> Figure:
    """Takedowns per day per hub above re-uploads of taken-down files: two panels, each on its own
    scale, because a ban removes far more models in a day than are re-uploaded."""
    lo, hi = policy_window(table["day"], policy)
    window = table[(table["day"] >= lo) & (table["day"] <= hi)]
    figure = Figure(figsize=(WIDTH, 4.4), layout="constrained")
    axes = figure.subplots(2, 1, sharex=True)
    panels = ((axes[0], "taken_down", "taken down on"), (axes[1], "reuploads", "re-uploaded on"))
    for hub, style, group in _by_hub(window, "day", "taken_down"):
        for axis, column, label in panels:
            shown = group[group[column] > 0]
            if not shown.empty:
                axis.bar(list(shown["day"]), shown[column], width=0.9, color=style.color, edgecolor="#333333",
                         linewidth=0.3, hatch=style.hatch, label=f"{label} {hub}")  # fmt: skip
    axes[0].set_title("Likeness models taken down per day")
    axes[1].set_title("Models re-uploading a taken-down file, per day")
    for axis in axes:
        axis.set_xlim(lo - timedelta(days=1), hi + timedelta(days=1))
        _thousands(axis)
        _policy_lines(axis, policy)
    _date_axis(axes[-1])
    _legend(figure)
    return figure


def alerts_chart(daily: pd.DataFrame, alerts: pd.DataFrame | None, policy: list[PolicyDate]) -> Figure:
    """Spikes in context: new likeness models per day per hub, with recorded alerts marked."""
    figure = Figure(figsize=(WIDTH, 3.4), layout="constrained")
    axis = figure.subplots()
    for hub, style, group in _by_hub(daily, "day", "new_likeness_models"):
        axis.plot(
            list(group["day"]),
            list(group["new_likeness_models"]),
            color=style.color,
            linestyle=style.linestyle,
            linewidth=1.0,
            drawstyle="steps-mid",
            label=hub,
        )
    if alerts is not None and not alerts.empty:
        counts = daily.groupby("day")["new_likeness_models"].sum()
        top = float(counts.max()) if not counts.empty else 1.0
        severity = pd.Series("alert", index=alerts.index)
        if "severity" in alerts:
            severity = alerts["severity"].fillna("alert").astype(str)
        for index, (level, group) in enumerate(alerts.groupby(severity, sort=True)):
            axis.scatter(
                list(group["day"]),
                [top * 1.08] * len(group),
                marker=_SEVERITY_MARKERS[index % 6],
                s=36,
                color=OKABE_ITO["black"],
                label=f"alert: {level}",
                zorder=3,
            )
    axis.set_ylabel("new likeness models per day")
    _thousands(axis)
    _date_axis(axis)
    _policy_lines(axis, policy)
    _legend(figure)
    return figure


def to_png(figure: Figure, dpi: int = 110) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def to_svg(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()
