"""The seven alert rules, as pure functions of warehouse frames (no I/O, no Airflow).

Every rule about models looks only at partitions ``Completeness`` says are committed: evidence
from a quarantined or missing (hub, day) is dropped, and that (hub, day) yields ``data_missing``
instead. ``schema_drift`` is about the hub's record shape (from the raw gate's results), for the
data-engineering team rather than trust and safety.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from likeness_watch.alerts.completeness import MISSING, NOT_STARTED, Completeness
from likeness_watch.alerts.model import (
    ALL_HUBS,
    DATA_MISSING,
    SCHEMA_DRIFT,
    SPIKE,
    TAKEDOWN_EVASION,
    TAKEDOWN_OVERDUE,
    TARGET_CLUSTER,
    WATCHLIST_MATCH,
    Alert,
    ModelRef,
)
from likeness_watch.alerts.spikes import SpikeParams, score_series
from likeness_watch.alerts.watchlist import WatchedPerson, WatchlistIndex
from likeness_watch.names import name_key, tokens
from likeness_watch.raw.manifest import COMMITTED, QUARANTINED

MODEL_COLUMNS = (
    "hub",
    "model_id",
    "name",
    "first_seen",
    "published_on",
    "is_likeness",
    "likeness_confidence",
    "target_name",
    "nsfw_intent",
    "url",
    "trained_words",
    "tags",
)
"""Columns of the ``models`` frame; ``published_on``, ``url``, ``trained_words`` and ``tags`` may be
all-null. ``first_seen`` is the crawl day the model was first observed, ``published_on`` the day
the hub says it was published (a hub's first crawl finds years of backlog on one crawl day)."""
REUPLOAD_COLUMNS = (
    "sha256",
    "hub",
    "model_id",
    "seen_on",
    "first_hub",
    "first_model_id",
    "after_takedown",
)
"""Columns of the ``reuploads`` frame (mart_reuploads): one row per appearance of a file on a model;
``seen_on`` is the crawl day it was first observed there."""
DRIFT_COLUMNS = ("hub", "day", "field", "change", "rows", "of", "since", "feeds", "renamed_to")
"""Columns of the ``drift`` frame: one row per drifting field of each (hub, day)'s latest raw gate
run (``likeness_watch.quality.drift.Drift``); ``since`` is the day that run of drift began."""
OVERDUE_COLUMNS = (
    "hub",
    "model_id",
    "name",
    "url",
    "reported_at",
    "deadline_at",
    "deadline_hours",
    "overdue_on",
    "taken_down_at",
)
"""Columns of the ``overdue`` frame (mart_hub_response_times): reported models a crawl still saw up
at or after their takedown deadline, ``overdue_on`` being that crawl's day (``reported_at``,
``deadline_at``, ``taken_down_at``: naive UTC timestamps; the last null while still up)."""
UNKNOWN_TARGETS = frozenset({"", "unknown", "none", "n/a"})


@dataclass(frozen=True)
class DetectionConfig:
    """Knobs of all rules; defaults are documented in docs/alerts.md."""

    spike: SpikeParams = field(default_factory=SpikeParams)
    cluster_min_models: int = 3
    cluster_window_days: int = 7
    top_n: int = 5
    spike_high_ratio: float = 4.0
    """A spike at least this many times the expected count is ``high`` severity, else ``medium``."""

    @property
    def history_days(self) -> int:
        """How far before the first scored day the rules need data."""
        weekday = 7 * self.spike.weekday_weeks + 7 if self.spike.weekday_factor else 0
        return max(self.spike.window_days + 1, weekday, self.cluster_window_days + 1)


@dataclass(frozen=True)
class DetectionInputs:
    """What the rules read: ``marts.read_inputs`` loads them from the warehouse, ``marts.read_drift``
    the drift from the state store."""

    daily: pd.DataFrame
    """``day, hub, new_likeness_models`` (mart_likeness_daily)."""
    models: pd.DataFrame
    """``MODEL_COLUMNS`` (dim_model), models first seen in the needed period."""
    reuploads: pd.DataFrame
    """``REUPLOAD_COLUMNS`` (mart_reuploads), appearances in the scored period."""
    completeness: Completeness
    watchlist: list[WatchedPerson] = field(default_factory=list)
    drift: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(DRIFT_COLUMNS)))
    """``DRIFT_COLUMNS`` (the state store's validation_results), drift on the scored days."""
    overdue: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(OVERDUE_COLUMNS)))
    """``OVERDUE_COLUMNS`` (mart_hub_response_times), models overdue by the last scored day."""


def detect(
    inputs: DetectionInputs, days: Iterable[date], config: DetectionConfig | None = None
) -> list[Alert]:
    """All alerts for the given days, in a stable order (day, kind, hub, subject)."""
    config = config or DetectionConfig()
    days = sorted(set(days))
    models = usable_models(inputs.models, inputs.completeness)
    new_by_day = dict(tuple(models.groupby("day_no"))) if not models.empty else {}
    likeness = models[models["is_likeness"].fillna(False).astype(bool) & (models["target_key"] != "")]
    watchlist = WatchlistIndex(inputs.watchlist)
    alerts = spike_alerts(inputs.daily, new_by_day, inputs.completeness, days, config)
    for day in days:
        new = new_by_day.get(day.toordinal(), models.iloc[:0])
        alerts += cluster_alerts(likeness, day, config)
        alerts += watchlist_alerts(new, watchlist, day, config)
        alerts += evasion_alerts(inputs.reuploads, models, inputs.completeness, day, config)
        alerts += data_missing_alerts(inputs.completeness, day)
        alerts += schema_drift_alerts(inputs.drift, day)
    alerts += overdue_alerts(inputs.overdue, inputs.completeness, days)
    return sorted(alerts, key=lambda a: (a.day, a.kind, a.hub, a.subject))


def usable_models(models: pd.DataFrame, completeness: Completeness) -> pd.DataFrame:
    """Models whose first-seen partition is committed (others are evidence we must not trust),
    with day ordinals ``day_no`` (first seen) and ``pub_no`` (published, else first seen) for fast
    day arithmetic, and ``target_key``."""
    keep = np.array(
        [
            completeness.complete(hub, day)
            for hub, day in zip(models["hub"], models["first_seen"], strict=True)
        ],
        dtype=bool,
    )
    usable = models[keep] if len(models) else models
    day_no = np.array([day.toordinal() for day in usable["first_seen"]], dtype=np.int64)
    published = np.array(
        [
            seen if _missing(day) else day.toordinal()
            for day, seen in zip(usable["published_on"], day_no, strict=True)
        ],
        dtype=np.int64,
    )
    return usable.assign(
        day_no=day_no,
        pub_no=np.minimum(published, day_no),
        target_key=[_target_key(target) for target in usable["target_name"]],
    )


def model_refs(models: pd.DataFrame, top_n: int) -> tuple[ModelRef, ...]:
    """The most telling models first: highest likeness confidence, then newest, then name."""
    ranked = models.sort_values(
        ["likeness_confidence", "first_seen", "name"], ascending=[False, False, True], na_position="last"
    )
    return tuple(_ref(row) for row in ranked.head(top_n).to_dict("records"))


def _ref(row: dict[str, Any]) -> ModelRef:
    nsfw = row.get("nsfw_intent")
    return ModelRef(
        hub=str(row["hub"]),
        model_id=str(row["model_id"]),
        name=str(row.get("name") or row["model_id"]),
        url=_text(row.get("url")),
        target=_text(row.get("target_name")),
        nsfw_intent=None if _missing(nsfw) else bool(nsfw),
    )


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, list | tuple | np.ndarray) and bool(pd.isna(value)))


def _text(value: Any) -> str | None:
    return None if _missing(value) or value == "" else str(value)


def count_frame(
    daily: pd.DataFrame, completeness: Completeness, start: date, end: date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Day × hub counts of new likeness models, and the days each count covers.

    Counts are NaN where the partition is not committed and on a hub's first crawl day (it holds
    the hub's whole backlog, not a day of uploads); a committed day absent from the mart counts
    0. Coverage is 1 plus the run of untrustworthy days just before (the crawl after a gap
    catches up on them). The ``all`` column sums the hubs, and is NaN unless every hub that had
    started was committed that day and none was catching up or starting.
    """
    index = pd.date_range(start, end, freq="D")
    hubs = sorted(set(completeness.hubs) | set(daily["hub"]))
    table = (
        daily.assign(day=pd.to_datetime(daily["day"]))
        .pivot_table(index="day", columns="hub", values="new_likeness_models", aggfunc="sum")
        .reindex(index=index, columns=hubs)
        .fillna(0.0)
    )
    statuses = pd.DataFrame(
        {hub: [completeness.status(hub, ts.date()) for ts in index] for hub in hubs},
        index=index,
        dtype=object,
    )
    exposure = pd.DataFrame(1.0, index=index, columns=hubs)
    for hub in hubs:
        gap = 0
        for ts, status in statuses[hub].items():
            exposure.loc[ts, hub] = 1.0 + gap
            gap = gap + 1 if status in (MISSING, QUARANTINED) else 0
    trusted = statuses == COMMITTED
    started = statuses != NOT_STARTED
    first_days = {hub: pd.Timestamp(completeness.starts.get(hub, date.min)) for hub in hubs}
    backlog = pd.DataFrame({hub: index == first_days[hub] for hub in hubs}, index=index)
    table = table.where(trusted & ~backlog)
    complete_day = ~(started & ~trusted).any(axis=1) & ~(exposure > 1).any(axis=1) & ~backlog.any(axis=1)
    table[ALL_HUBS] = table[hubs].where(started).sum(axis=1, min_count=1).where(complete_day)
    exposure[ALL_HUBS] = 1.0
    return table, exposure


def spike_alerts(
    daily: pd.DataFrame,
    new_by_day: dict[int, pd.DataFrame],
    completeness: Completeness,
    days: list[date],
    config: DetectionConfig,
) -> list[Alert]:
    """Spikes in new likeness models per hub and over all hubs (``new_by_day``: usable models by
    first-seen day ordinal, for the alert's top models)."""
    if not days:
        return []
    counts, exposure = count_frame(
        daily, completeness, days[0] - timedelta(days=config.history_days), days[-1]
    )
    series_names = [c for c in counts.columns if c != ALL_HUBS]
    if len(series_names) > 1:
        series_names.append(ALL_HUBS)
    alerts = []
    wanted = pd.DatetimeIndex(days)
    for hub in series_names:
        scores = score_series(counts[hub], config.spike, exposure[hub]).reindex(wanted)
        for ts, row in scores[scores["spike"].fillna(False).astype(bool)].iterrows():
            day = ts.date()
            top: tuple[ModelRef, ...] = ()
            new = new_by_day.get(day.toordinal())
            if new is not None:
                new = new[new["is_likeness"].fillna(False).astype(bool)]
                top = model_refs(new if hub == ALL_HUBS else new[new["hub"] == hub], config.top_n)
            ratio = row["count"] / row["expected"]
            alerts.append(
                Alert(
                    kind=SPIKE,
                    hub=hub,
                    day=day,
                    severity="high" if ratio >= config.spike_high_ratio else "medium",
                    title=f"Spike in new likeness models on {hub}: {row['count']:.0f} "
                    f"vs {row['expected']:.1f} expected",
                    observed=float(row["count"]),
                    expected=round(float(row["expected"]), 3),
                    p_value=float(row["p_value"]),
                    top_models=top,
                    details={
                        "baseline_median": float(row["baseline"]),
                        "days_covered": int(row["days"]),
                        "dispersion": round(float(row["dispersion"]), 3),
                        "test": "negative binomial"
                        if row["dispersion"] > config.spike.overdispersion_ratio
                        else "poisson",
                        "window_days": config.spike.window_days,
                    },
                )
            )
    return alerts


def cluster_alerts(likeness: pd.DataFrame, day: date, config: DetectionConfig) -> list[Alert]:
    """Several models of one target *published* within the window, as known to the crawl of
    ``day``: fires on the day the count reaches the threshold (not on every later day of the same
    campaign, and not for years of backlog found by a hub's first crawl). ``likeness``: usable
    likeness models with a known ``target_key``.

    The alert is about the person across hubs: its hub is always ``all`` (the hubs seen are in
    ``details``), so a late partition of another hub cannot change what the alert is about. It
    can move the threshold day earlier, though: the history then recognises the same campaign on
    the same person (``history.record``'s ``repeat_windows``, ``cluster_window_days``)."""
    minimum, width, end = config.cluster_min_models, config.cluster_window_days, day.toordinal()
    today = _window_counts(likeness, end, width)
    yesterday = _window_counts(likeness, end - 1, width)
    reached = [key for key, count in today.items() if count >= minimum and yesterday.get(key, 0) < minimum]
    alerts = []
    for key in sorted(reached):
        group = likeness[_in_window(likeness, end, width) & (likeness["target_key"] == key)]
        hubs = sorted(set(group["hub"]))
        display = str(group["target_name"].mode().iloc[0])
        nsfw = group["nsfw_intent"].map(lambda v: not _missing(v) and bool(v)).any()
        alerts.append(
            Alert(
                kind=TARGET_CLUSTER,
                hub=ALL_HUBS,
                day=day,
                severity="high" if nsfw else "medium",
                title=f"{len(group)} new likeness models of {display} within {width} days",
                observed=float(len(group)),
                expected=float(minimum),
                subject=str(key),
                top_models=model_refs(group, config.top_n),
                details={"target": display, "hubs": hubs, "window_days": width},
            )
        )
    return alerts


def _target_key(target: Any) -> str:
    """Grouping key of a target name; empty for unknown targets (never a cluster)."""
    text = _text(target)
    return "" if text is None or text.strip().lower() in UNKNOWN_TARGETS else name_key(text)


def _in_window(models: pd.DataFrame, end: int, days: int) -> pd.Series:
    """Published in the ``days`` days ending on day ordinal ``end`` and already seen by then."""
    return (models["pub_no"] > end - days) & (models["pub_no"] <= end) & (models["day_no"] <= end)


def _window_counts(models: pd.DataFrame, end: int, days: int) -> pd.Series:
    """Models per target key in the window ending on day ordinal ``end``."""
    return models.loc[_in_window(models, end, days), "target_key"].value_counts()


def watchlist_alerts(
    new: pd.DataFrame, watchlist: WatchlistIndex, day: date, config: DetectionConfig
) -> list[Alert]:
    """Any model first seen on ``day`` (likeness or not: the classifier may miss it) naming a
    watched person."""
    if new.empty or not watchlist.people:
        return []
    hits: dict[str, dict[int, None]] = {}  # name → positions, each once (a name may be listed twice)
    for position, row in enumerate(new.to_dict("records")):
        for person in watchlist.named_in([tokens(text) for text in _model_texts(row)]):
            hits.setdefault(person.name, {})[position] = None
    alerts = []
    for name, positions in hits.items():
        for hub, group in new.iloc[list(positions)].groupby("hub"):
            alerts.append(
                Alert(
                    kind=WATCHLIST_MATCH,
                    hub=str(hub),
                    day=day,
                    severity="critical",
                    title=f"Watchlist match on {hub}: {len(group)} new model(s) naming {name}",
                    observed=float(len(group)),
                    expected=0.0,
                    subject=name,
                    top_models=model_refs(group, config.top_n),
                    details={"person": name},
                )
            )
    return alerts


def _model_texts(row: dict[str, Any]) -> list[str | None]:
    texts: list[str | None] = [_text(row.get("name")), _text(row.get("target_name"))]
    for column in ("trained_words", "tags"):
        value = row.get(column)
        if isinstance(value, list | tuple | np.ndarray):
            texts.extend(str(item) for item in value if not _missing(item))
    return texts


def evasion_alerts(
    reuploads: pd.DataFrame,
    models: pd.DataFrame,
    completeness: Completeness,
    day: date,
    config: DetectionConfig,
) -> list[Alert]:
    """Files taken down on one hub and first seen again (on any hub) by the crawl of ``day``,
    grouped per hub."""
    if reuploads.empty:
        return []
    today = reuploads[(reuploads["seen_on"] == day) & reuploads["after_takedown"].fillna(False).astype(bool)]
    alerts = []
    for hub, group in today.groupby("hub"):
        if not completeness.complete(str(hub), day):
            continue
        ids = set(group["model_id"].astype(str))
        known = models[(models["hub"] == hub) & models["model_id"].astype(str).isin(ids)]
        missing_ids = ids - set(known["model_id"].astype(str))
        placeholders = pd.DataFrame(
            {
                "hub": hub,
                "model_id": sorted(missing_ids),
                "name": None,
                "first_seen": day,
                "likeness_confidence": None,
            }
        )
        shown = pd.concat([known, placeholders], ignore_index=True) if missing_ids else known
        files = group.drop_duplicates("sha256")
        alerts.append(
            Alert(
                kind=TAKEDOWN_EVASION,
                hub=str(hub),
                day=day,
                severity="high",
                title=f"Takedown evasion on {hub}: {len(files)} file(s) removed from a hub reappeared",
                observed=float(len(files)),
                expected=0.0,
                top_models=model_refs(shown, config.top_n),
                details={
                    "files": [
                        {
                            "sha256": str(r["sha256"]),
                            "first_hub": _text(r["first_hub"]),
                            "first_model_id": _text(r["first_model_id"]),
                        }
                        for r in files.head(10).to_dict("records")
                    ]
                },
            )
        )
    return alerts


def data_missing_alerts(completeness: Completeness, day: date) -> list[Alert]:
    """One operational alert per hub whose partition for ``day`` is missing or quarantined."""
    alerts = []
    for hub in completeness.hubs:
        status = completeness.status(hub, day)
        if status not in (MISSING, QUARANTINED):
            continue
        reason = completeness.reasons.get((hub, day), "")
        alerts.append(
            Alert(
                kind=DATA_MISSING,
                hub=hub,
                day=day,
                severity="medium",
                title=f"No trustworthy data for {hub} on {day.isoformat()}: partition {status}"
                + (f" ({reason})" if reason else ""),
                observed=0.0,
                details={"status": status, "reason": reason},
            )
        )
    return alerts


def schema_drift_alerts(drift: pd.DataFrame, day: date) -> list[Alert]:
    """One alert per hub whose records changed shape on ``day``: fields that began to drift that day
    (absent, new or renamed). A drift that continues is not raised again every day.

    ``medium`` when a field that feeds mart columns went missing or was renamed (those columns turn
    null), else ``low`` (a new field, or a missing one the marts do not read).
    """
    if drift.empty:
        return []
    today = drift[drift["day"] == day]
    alerts = []
    for hub, group in today.groupby("hub"):
        started = group[group["since"] == day].sort_values(["field", "change"])
        if started.empty:
            continue
        items = [
            {
                "field": str(row["field"]),
                "change": str(row["change"]),
                "rows": int(row["rows"]),
                "of": int(row["of"]),
                "feeds": [str(feed) for feed in row["feeds"]],
                "renamed_to": _text(row["renamed_to"]),
            }
            for row in started.to_dict("records")
        ]
        blind = [item["field"] for item in items if item["feeds"] and item["change"] != "new"]
        shown = ", ".join(f"{item['field']} {item['change']}" for item in items[:3])
        more = f" +{len(items) - 3} more" if len(items) > 3 else ""
        alerts.append(
            Alert(
                kind=SCHEMA_DRIFT,
                hub=str(hub),
                day=day,
                severity="medium" if blind else "low",
                title=f"Schema drift on {hub}: {len(items)} record field(s) changed ({shown}{more})",
                observed=float(len(items)),
                expected=0.0,
                subject=";".join(f"{item['field']}:{item['change']}" for item in items),
                details={
                    "fields": items,
                    "mart_columns_affected": blind,
                    "continuing": len(group) - len(started),
                },
            )
        )
    return alerts


def overdue_alerts(overdue: pd.DataFrame, completeness: Completeness, days: Iterable[date]) -> list[Alert]:
    """One alert per reported model still up at or after its takedown deadline, on the first of
    ``days`` from its ``overdue_on`` whose committed crawl still saw it up: ``overdue_on`` itself
    when that day is scored, else the first scored day after it (a report recorded late, e.g. a
    CSV of earlier notices, is alerted by the next run, not never). Each run offers the model again
    while it stays up; the history records one alert per subject, which names the model, its
    report and the deadline: a model reported again, or the same report under another deadline, is
    another alert."""
    if overdue.empty:
        return []
    days = sorted(days)
    alerts = []
    for row in overdue.sort_values(["hub", "model_id"]).to_dict("records"):
        hub, model_id = str(row["hub"]), str(row["model_id"])
        taken_down = row.get("taken_down_at")
        down_at = pd.Timestamp.max if _missing(taken_down) else pd.Timestamp(taken_down)
        day = next(
            (
                scored
                for scored in days
                if scored >= row["overdue_on"]
                and completeness.complete(hub, scored)
                and down_at > _seen_at(scored)
            ),
            None,
        )
        if day is None:
            continue
        seen_up_at = _seen_at(day)
        reported_at, deadline_hours = pd.Timestamp(row["reported_at"]), int(row["deadline_hours"])
        hours_up = (seen_up_at - reported_at) / pd.Timedelta(hours=1)
        name = _text(row.get("name")) or model_id
        alerts.append(
            Alert(
                kind=TAKEDOWN_OVERDUE,
                hub=hub,
                day=day,
                severity="high",
                title=f"Reported model still up on {hub} {hours_up:.0f} h after the report "
                f"(deadline {deadline_hours} h): {name}",
                observed=round(float(hours_up), 1),
                expected=float(deadline_hours),
                subject=f"{hub}/{model_id}@{reported_at.isoformat()}+{deadline_hours}h",
                top_models=(ModelRef(hub=hub, model_id=model_id, name=name, url=_text(row.get("url"))),),
                details={
                    "model_id": model_id,
                    "reported_at": reported_at.isoformat(),
                    "deadline_at": pd.Timestamp(row["deadline_at"]).isoformat(),
                    "deadline_hours": deadline_hours,
                    "seen_up_at": seen_up_at.isoformat(),
                    "taken_down_at": None if _missing(taken_down) else pd.Timestamp(taken_down).isoformat(),
                },
            )
        )
    return alerts


def _seen_at(day: date) -> pd.Timestamp:
    """When the crawl of ``day`` saw the hub: as of the day's end."""
    return pd.Timestamp(day) + pd.Timedelta(days=1)
