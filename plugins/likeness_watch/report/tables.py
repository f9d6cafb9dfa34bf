"""The report's tables as DataFrames: pure functions shared by the charts, the HTML and the CSV files.

One function per table keeps a chart, its CSV and its HTML rendering consistent: they are drawn
from the same frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import pandas as pd

from likeness_watch.classify.evaluate import EvalReport
from likeness_watch.report.headline import (
    Headline,
    country_counts,
    country_downloads,
    gender_counts,
    reupload_models,
    shares,
)
from likeness_watch.report.study import PolicyDate, Study
from likeness_watch.report.warehouse import ReportData

NOT_AVAILABLE = "not available"
TOP_MODELS = 10
TOP_COUNTRY_ROWS = 10
TOP_FAMILIES = 5


def fmt_int(value: int | None) -> str:
    return NOT_AVAILABLE if value is None else f"{value:,}"


def fmt_pct(value: float | None) -> str:
    return NOT_AVAILABLE if value is None else f"{value * 100:.1f} %"


def fmt_shares(counts: Mapping[str, int] | None, limit: int = 4) -> str:
    """``"civitai 87.0 % · huggingface 13.0 %"``, largest first."""
    if not counts:
        return NOT_AVAILABLE
    ordered = sorted(shares(dict(counts)).items(), key=lambda item: (-item[1], item[0]))
    return " · ".join(f"{key} {fmt_pct(value)}" for key, value in ordered[:limit])


def monthly_new(data: ReportData) -> tuple[pd.DataFrame, str]:
    """F5: new likeness items per month per hub with a running total, and what was counted."""
    if data.versions is not None:
        frame = data.versions.assign(day=data.versions["published_at"], new=1)
        basis = "likeness versions by month published"
    elif data.daily is not None:
        frame = data.daily.rename(columns={"new_likeness_models": "new"})
        basis = "likeness models by month first seen by the crawler"
    else:
        frame = data.models.assign(day=data.models["first_seen"], new=1)
        basis = "likeness models by month first seen by the crawler"
    if frame.empty:
        return pd.DataFrame(columns=["month", "hub", "new", "cumulative"]), basis
    month = pd.to_datetime(frame["day"]).dt.to_period("M")
    table = _every_month(frame.assign(month=month).groupby(["month", "hub"])["new"].sum(), "hub")
    table["cumulative"] = table.groupby("hub")["new"].cumsum()
    return table, basis


def _every_month(counts: pd.Series, key: str) -> pd.DataFrame:
    """Counts per (month, key) with the months that had none filled in as 0, so lines do not skip them."""
    months = pd.period_range(
        counts.index.get_level_values("month").min(), counts.index.get_level_values("month").max()
    )
    keys = sorted(set(counts.index.get_level_values(key)))
    full = counts.reindex(pd.MultiIndex.from_product([months, keys], names=["month", key]), fill_value=0)
    table = full.astype("int64").rename("new").reset_index()
    table["month"] = table["month"].astype(str)
    return table


def monthly_by_family(versions: pd.DataFrame | None) -> pd.DataFrame | None:
    """F5/F9: new likeness versions per month by base-model family: the largest families, the rest
    as "Other" (more lines than distinguishable styles would not be readable)."""
    if versions is None or "base_model_family" not in versions or versions.empty:
        return None
    family = versions["base_model_family"].fillna("Other")
    top = family.value_counts().index[:TOP_FAMILIES]
    frame = pd.DataFrame(
        {
            "month": pd.to_datetime(versions["published_at"]).dt.to_period("M"),
            "family": family.where(family.isin(top), "Other"),
            "new": 1,
        }
    )
    return _every_month(frame.groupby(["month", "family"])["new"].sum(), "family")


def downloads_daily(daily: pd.DataFrame | None) -> pd.DataFrame | None:
    """Cumulative likeness downloads per hub per day (F3 over time)."""
    if daily is None or "likeness_downloads" not in daily or daily.empty:
        return None
    columns = [c for c in ("day", "hub", "likeness_downloads", "downloads_delta") if c in daily]
    return daily[columns].sort_values(["day", "hub"]).reset_index(drop=True)


def gender_by_hub(models: pd.DataFrame) -> pd.DataFrame | None:
    """F6 per hub: likeness models by target gender, unknown kept as its own column."""
    if "target_gender" not in models or models.empty:
        return None
    rows = [{"hub": hub, **gender_counts(group)} for hub, group in models.groupby("hub")]
    return pd.DataFrame(rows, columns=["hub", "female", "male", "unknown"])


def countries(models: pd.DataFrame, targets: pd.DataFrame | None) -> pd.DataFrame | None:
    """F7: top target countries by likeness models, with target downloads when the mart has them."""
    counts = country_counts(models)
    if counts.empty:
        return None
    table = counts.head(TOP_COUNTRY_ROWS).rename_axis("country").rename("models").reset_index()
    downloads = country_downloads(targets)
    if downloads is not None:
        table["target_downloads"] = table["country"].map(downloads).fillna(0).astype("int64")
    return table


def composition(headline: Headline) -> pd.DataFrame | None:
    """F8/F9/F10 as one long table: dimension, category, count, share."""
    dimensions = {
        "technique": headline.technique_counts,
        "base model family": headline.base_model_counts,
        "target prominence": headline.prominence_counts,
    }
    rows = []
    for name, counts in dimensions.items():
        for category, share in sorted(shares(counts or {}).items(), key=lambda item: -item[1]):
            rows.append({"dimension": name, "category": category, "count": counts[category], "share": share})
    return pd.DataFrame(rows) if rows else None


def takedowns_reuploads(data: ReportData) -> pd.DataFrame | None:
    """Takedowns per hub per day next to re-uploads of taken-down files (by the day they reappeared)."""
    parts = []
    if data.daily is not None and "taken_down_likeness_models" in data.daily:
        parts.append(
            data.daily[["day", "hub", "taken_down_likeness_models"]].rename(
                columns={"taken_down_likeness_models": "taken_down"}
            )
        )
    reuploaders = reupload_models(data.reuploads)
    if reuploaders is not None:
        parts.append(
            reuploaders.groupby(["appeared_on", "hub"])
            .size()
            .rename("reuploads")
            .reset_index()
            .rename(columns={"appeared_on": "day"})
        )
    if not parts:
        return None
    table = parts[0]
    for part in parts[1:]:
        table = table.merge(part, on=["day", "hub"], how="outer")
    for column in ("taken_down", "reuploads"):
        table[column] = table[column].fillna(0).astype("int64") if column in table else 0
    return table.sort_values(["day", "hub"]).reset_index(drop=True)


def spike_series(daily: pd.DataFrame | None, first_crawl_day: date | None) -> pd.DataFrame | None:
    """Daily new likeness models without the first crawl day, whose back catalogue is not a spike."""
    if daily is None:
        return None
    series = daily[daily["day"] != first_crawl_day] if first_crawl_day is not None else daily
    return None if series.empty else series.reset_index(drop=True)


def alerts_table(alerts: pd.DataFrame | None) -> pd.DataFrame | None:
    if alerts is None or alerts.empty:
        return None
    columns = [
        c
        for c in ("day", "hub", "kind", "severity", "observed", "expected", "title", "alert_id")
        if c in alerts
    ]
    return alerts.sort_values(["day", "alert_id"])[columns].reset_index(drop=True)


def _drift(validation: pd.DataFrame) -> pd.Series:
    """Schema-drift rows: recorded, never blocking (a field absent, new or renamed), not failures."""
    if "severity" not in validation:
        return pd.Series(False, index=validation.index)
    return validation["severity"].eq("drift")


def quality_summary(validation: pd.DataFrame | None) -> pd.DataFrame | None:
    """Per suite: runs, expectations evaluated, how many failed, and drifting fields recorded."""
    if validation is None or validation.empty:
        return None
    drift = _drift(validation)
    failed = ~validation["success"].fillna(False).astype(bool) & ~drift
    grouped = validation.assign(failed=failed, drift=drift).groupby("suite")
    table = pd.DataFrame(
        {
            "runs": grouped["run_id"].nunique(),
            "checks": grouped.size() - grouped["drift"].sum(),
            "failed": grouped["failed"].sum(),
            "drift": grouped["drift"].sum(),
        }
    )
    return table.astype("int64").reset_index()


def quality_failures(validation: pd.DataFrame | None, limit: int = 20) -> pd.DataFrame | None:
    if validation is None or validation.empty:
        return None
    failed = validation[~validation["success"].fillna(False).astype(bool) & ~_drift(validation)]
    columns = [
        c
        for c in ("run_at", "suite", "hub", "day", "expectation", "observed_value", "severity")
        if c in failed
    ]
    return failed[columns].head(limit).reset_index(drop=True)


def poi_disagreements(poi_flagged: pd.DataFrame | None) -> pd.DataFrame | None:
    """Per hub: models the hub flags as a real person (Civitai ``poi``) and how many of them the
    final decision says are not likeness models (``poi:overruled``): where we and the hub disagree."""
    if poi_flagged is None:
        return None
    grouped = poi_flagged.groupby("hub")["overruled"]
    table = pd.DataFrame({"poi_flagged": grouped.size(), "overruled": grouped.sum()}).astype("int64")
    table["overruled_share"] = (table["overruled"] / table["poi_flagged"]).round(3)
    return table.reset_index()


def top_models(data: ReportData) -> tuple[pd.DataFrame, str]:
    """The most-downloaded likeness models (or the newest, when downloads are not available)."""
    models = data.models
    if data.versions is not None and "downloads" in data.versions:
        per_model = data.versions.groupby(["hub", "model_id"])["downloads"].sum().rename("downloads")
        models = models.drop(columns=["downloads"], errors="ignore").join(per_model, on=["hub", "model_id"])
    columns = [
        c
        for c in (
            "hub",
            "model_id",
            "name",
            "creator",
            "type",
            "target_gender",
            "target_country",
            "nsfw_intent",
            "status",
            "first_seen",
            "downloads",
        )
        if c in models
    ]
    if "downloads" in models:
        ranked = models.sort_values(["downloads", "first_seen"], ascending=[False, False])
        return ranked[columns].head(TOP_MODELS).reset_index(drop=True), "Most-downloaded likeness models"
    ranked = models.sort_values(["first_seen", "model_id"], ascending=[False, True])
    return ranked[columns].head(TOP_MODELS).reset_index(drop=True), "Newest likeness models"


def _growth_text(monthly: pd.DataFrame) -> str:
    if monthly.empty:
        return NOT_AVAILABLE
    per_month = monthly.groupby("month")["new"].sum()
    return f"{int(per_month.sum()):,} new; busiest month {per_month.idxmax()} ({int(per_month.max()):,})"


def _reuploads_text(headline: Headline) -> str:
    if headline.reuploads_after_takedown is None:
        return NOT_AVAILABLE
    text = f"{headline.reuploads_after_takedown:,} models re-uploaded a taken-down file"
    if headline.reuploads_cross_hub is not None:
        text += f" ({headline.reuploads_cross_hub:,} on another hub)"
    return text


def headline_table(
    headline: Headline, study: Study, start: date, end: date, monthly: pd.DataFrame
) -> pd.DataFrame:
    """Study value next to our measured value for every figure, with how we measured it."""
    women = headline.gender_counts
    countries_text = ", ".join(code for code, _ in headline.top_countries) or NOT_AVAILABLE
    if headline.top_countries_by_downloads:
        by_downloads = ", ".join(code for code, _ in headline.top_countries_by_downloads)
        countries_text += f"; by target downloads: {by_downloads}"
    nsfw = headline.share_nsfw_intent
    nsfw_text = NOT_AVAILABLE if headline.nsfw_intent is None else f"{fmt_pct(nsfw)} (proxy)"
    measured = {
        "F1": (
            f"{headline.likeness_versions:,} versions · {headline.likeness_models:,} models"
            if headline.likeness_versions is not None
            else f"{headline.likeness_models:,} models (versions {NOT_AVAILABLE})"
        ),
        "F2": f"{fmt_shares(headline.count_by_hub)} (of {headline.unit})",
        "F3": fmt_int(headline.downloads),
        "F4": f"{start.isoformat()} → {end.isoformat()}",
        "F5": _growth_text(monthly),
        "F6": (
            f"{fmt_pct(headline.share_women)} ({women.get('female', 0):,} female, "
            f"{women.get('male', 0):,} male; {women.get('unknown', 0):,} unknown excluded)"
            if women
            else NOT_AVAILABLE
        ),
        "F7": countries_text,
        "F8": fmt_shares(headline.prominence_counts),
        "F9": fmt_shares(headline.base_model_counts),
        "F10": fmt_shares(headline.technique_counts),
        "F11": nsfw_text,
        "F12": "not measurable from metadata",
        "F14": _reuploads_text(headline),
    }
    rows = []
    for figure in study.figures:
        method = figure.method
        if figure.id == "F3" and headline.downloads is not None:
            method += f" Here: {headline.downloads_basis}."
        rows.append(
            {
                "id": figure.id,
                "figure": figure.label,
                "study": figure.study,
                "measured": measured.get(figure.id, NOT_AVAILABLE),
                "how measured": method,
            }
        )
    return pd.DataFrame(rows)


def policy_summary(table: pd.DataFrame | None, policy: PolicyDate | None, days: int) -> pd.DataFrame | None:
    """Takedowns and re-uploads per hub in the ``days`` before a policy date vs from that date on."""
    if table is None or policy is None:
        return None
    start, stop = policy.day - timedelta(days=days), policy.day + timedelta(days=days)
    day = table["day"]
    before = table[(day >= start) & (day < policy.day)].groupby("hub").sum(numeric_only=True)
    after = table[(day >= policy.day) & (day < stop)].groupby("hub").sum(numeric_only=True)
    rows = [
        {
            "measure": f"{label} on {hub}",
            "before": int(before.get(column, {}).get(hub, 0)),
            "after": int(after.get(column, {}).get(hub, 0)),
        }
        for hub in sorted(set(table["hub"]))
        for column, label in (("taken_down", "taken down"), ("reuploads", "re-uploaded after a takedown"))
    ]
    return pd.DataFrame(rows, columns=["measure", "before", "after"])


RESPONSE_COLUMNS = {
    "hub": "hub",
    "deadline_hours": "deadline_hours",
    "reported_models": "reported",
    "taken_down_in_time": "taken_down_in_time",
    "taken_down_late": "taken_down_late",
    "overdue": "still_up_past_deadline",
    "pending": "pending",
    "median_hours_to_takedown": "median_hours_to_takedown",
    "share_in_time": "share_in_time",
}


def hub_response_times(summary: pd.DataFrame | None) -> pd.DataFrame | None:
    """Per hub: reported models, taken down within the deadline or late, still up past it, pending,
    median hours to takedown and the share taken down in time (mart_hub_response_summary)."""
    if summary is None:
        return None
    columns = [column for column in RESPONSE_COLUMNS if column in summary]
    return summary[columns].rename(columns=RESPONSE_COLUMNS).reset_index(drop=True)


def deadline_hours(summary: pd.DataFrame | None) -> int | None:
    """The takedown deadline the build applied (one value per build), if the warehouse has it."""
    if summary is None or summary.empty or "deadline_hours" not in summary:
        return None
    return int(summary["deadline_hours"].iloc[0])


def overdue_models(overdue: pd.DataFrame | None) -> pd.DataFrame | None:
    """Reported models still up past their deadline, oldest report first (names as the hubs publish them)."""
    if overdue is None:
        return None
    columns = [
        c
        for c in ("hub", "model_id", "name", "status", "reported_at", "deadline_at", "overdue_on")
        if c in overdue
    ]
    return overdue.sort_values(["reported_at", "hub", "model_id"])[columns].reset_index(drop=True)


REVIEWED_COLUMNS = ("hub", "reviewed_models", "precision", "recall", "F1")


def reviewed_evaluation(reports: Mapping[str, EvalReport] | None) -> pd.DataFrame | None:
    """Per hub: models with a verdict in force (likeness / not_likeness) and the classifier's
    precision, recall and F1 on them, printed as ``likeness-watch review --eval`` prints them
    (``0.500 (1/2)``: hits/total; ``n/a`` when nothing to count)."""
    if reports is None:
        return None
    rows = []
    for hub, report in reports.items():
        _, precision, recall, f1 = report.scores()
        rows.append((hub, report.labelled, precision, recall, f1))
    return pd.DataFrame(rows, columns=list(REVIEWED_COLUMNS))
