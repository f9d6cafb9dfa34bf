"""The alert rules on hand-made frames: what fires, what stays quiet, and when."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from likeness_watch.alerts.completeness import Completeness
from likeness_watch.alerts.detect import (
    MODEL_COLUMNS,
    REUPLOAD_COLUMNS,
    DetectionConfig,
    DetectionInputs,
    count_frame,
    detect,
)
from likeness_watch.alerts.model import ALL_HUBS
from likeness_watch.alerts.watchlist import WatchedPerson

MODEL_DEFAULTS = {"name": "model", "is_likeness": True, "likeness_confidence": 0.9, "target_name": None,
                  "nsfw_intent": False, "trained_words": []}  # fmt: skip
START = date(2025, 3, 1)
DAY = START + timedelta(days=40)
HUBS = ("civitai", "huggingface")


def days(start: date, n: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(n)]


def completeness(skip: dict[tuple[str, date], str] | None = None) -> Completeness:
    statuses = {(hub, day): "committed" for hub in HUBS for day in days(START, 60)}
    statuses.update(skip or {})
    statuses = {key: value for key, value in statuses.items() if value != "missing"}
    return Completeness(statuses, {}, dict.fromkeys(HUBS, START))


def daily(counts: dict[tuple[str, date], int] | None = None, base: int = 3) -> pd.DataFrame:
    rows = {(hub, day): base for hub in HUBS for day in days(START, 60)}
    rows.update(counts or {})
    return pd.DataFrame([{"day": d, "hub": h, "new_likeness_models": n} for (h, d), n in rows.items()])


def models(*rows: dict) -> pd.DataFrame:
    filled = [{**MODEL_DEFAULTS, "url": None, "tags": None, **row} for row in rows]
    return (
        pd.DataFrame(filled, columns=list(MODEL_COLUMNS))
        if filled
        else pd.DataFrame(columns=list(MODEL_COLUMNS))
    )


def inputs(**kwargs) -> DetectionInputs:
    values = {
        "daily": daily(),
        "models": models(),
        "reuploads": pd.DataFrame(columns=list(REUPLOAD_COLUMNS)),
        "completeness": completeness(),
    }
    return DetectionInputs(**{**values, **kwargs})


def kinds(alerts) -> list[tuple[str, str]]:
    return [(a.kind, a.hub) for a in alerts]


def test_quiet_days_raise_nothing():
    assert detect(inputs(), [DAY]) == []


def test_spike_on_one_hub_alerts_that_hub_and_the_total_with_its_models():
    new = [
        {"hub": "civitai", "model_id": str(i), "name": f"Person {i} LoRA", "first_seen": DAY}
        for i in range(20)
    ]
    alerts = detect(inputs(daily=daily({("civitai", DAY): 20}), models=models(*new)), [DAY])
    assert kinds(alerts) == [("spike", ALL_HUBS), ("spike", "civitai")]
    hub_alert = alerts[1]
    assert hub_alert.observed == 20 and hub_alert.expected == 3
    assert hub_alert.severity == "high"
    assert len(hub_alert.top_models) == 5 and hub_alert.top_models[0].hub == "civitai"


def test_quarantined_or_missing_day_gives_data_missing_and_no_spike():
    state = completeness({("civitai", DAY): "quarantined", ("huggingface", DAY): "missing"})
    alerts = detect(inputs(daily=daily({("civitai", DAY): 90}), completeness=state), [DAY])
    assert kinds(alerts) == [("data_missing", "civitai"), ("data_missing", "huggingface")]
    assert {a.details["status"] for a in alerts} == {"quarantined", "missing"}


def test_missing_days_in_the_window_do_not_distort_the_baseline():
    outage = {("civitai", d): "missing" for d in days(DAY - timedelta(days=10), 5)}
    frame, exposure = count_frame(daily(), completeness(outage), START, DAY)
    assert (
        frame.loc[pd.Timestamp(DAY - timedelta(days=8)), "civitai"] != frame.loc[pd.Timestamp(DAY), "civitai"]
    )
    assert pd.isna(frame.loc[pd.Timestamp(DAY - timedelta(days=8)), ALL_HUBS])
    assert frame.loc[pd.Timestamp(DAY), ALL_HUBS] == 6
    after_gap = pd.Timestamp(DAY - timedelta(days=5))
    assert exposure.loc[after_gap, "civitai"] == 6 and exposure.loc[after_gap, "huggingface"] == 1
    assert pd.isna(frame.loc[after_gap, ALL_HUBS])  # the total is not scored while a hub catches up


def test_hub_not_yet_crawled_is_neither_missing_nor_part_of_the_total():
    eve = DAY - timedelta(days=1)
    late = Completeness(
        {("civitai", d): "committed" for d in days(START, 60)}
        | {("huggingface", d): "committed" for d in (eve, DAY)},
        {},
        {"civitai": START, "huggingface": eve},
    )
    frame, _ = count_frame(daily(), late, START, DAY)
    assert frame.loc[pd.Timestamp(eve - timedelta(days=1)), ALL_HUBS] == 3
    assert pd.isna(frame.loc[pd.Timestamp(eve), "huggingface"])  # its first crawl: the whole backlog
    assert pd.isna(frame.loc[pd.Timestamp(eve), ALL_HUBS])
    assert frame.loc[pd.Timestamp(DAY), ALL_HUBS] == 6
    assert detect(inputs(completeness=late), [eve - timedelta(days=1)]) == []


def test_first_crawl_backlog_is_neither_a_spike_nor_in_later_baselines():
    data = inputs(daily=daily({("civitai", START): 900}))
    assert detect(data, [START]) == []
    scores = count_frame(data.daily, data.completeness, START, DAY)[0]["civitai"]
    assert pd.isna(scores.iloc[0]) and (scores.iloc[1:] == 3).all()


def test_backlog_of_old_models_is_not_a_cluster_but_a_recent_burst_is():
    old = [
        {
            "hub": "civitai",
            "model_id": f"o{i}",
            "target_name": "Kai Doe",
            "first_seen": DAY,
            "published_on": DAY - timedelta(days=40 * i),
        }
        for i in range(1, 6)
    ]
    recent = [
        {"hub": "civitai", "model_id": f"r{i}", "target_name": "Ana Roe", "first_seen": DAY,
         "published_on": DAY - timedelta(days=i)}
        for i in range(3)
    ]  # fmt: skip
    alerts = detect(inputs(models=models(*old, *recent)), [DAY])
    assert [(a.kind, a.details["target"]) for a in alerts] == [("target_cluster", "Ana Roe")]


def test_catch_up_after_a_gap_is_expected_to_be_bigger():
    """Two missing days: the next crawl finds three days of new models; not a spike."""
    gap = {("civitai", DAY - timedelta(days=k)): "missing" for k in (1, 2)}
    alerts = detect(inputs(daily=daily({("civitai", DAY): 10}), completeness=completeness(gap)), [DAY])
    assert alerts == []
    bigger = detect(inputs(daily=daily({("civitai", DAY): 40}), completeness=completeness(gap)), [DAY])
    assert kinds(bigger) == [("spike", "civitai")]
    assert bigger[0].expected == 9 and bigger[0].details["days_covered"] == 3


def test_target_cluster_fires_once_when_the_threshold_is_reached():
    rows = [
        {
            "hub": "civitai",
            "model_id": "1",
            "target_name": "Lee Min-ji",
            "first_seen": DAY - timedelta(days=5),
        },
        {
            "hub": "huggingface",
            "model_id": "a/2",
            "target_name": "Min-ji Lee",
            "first_seen": DAY - timedelta(days=1),
        },
        {
            "hub": "civitai",
            "model_id": "3",
            "target_name": "LEE MIN JI",
            "first_seen": DAY,
            "nsfw_intent": True,
        },
        {
            "hub": "civitai",
            "model_id": "4",
            "target_name": "Lee Min-ji",
            "first_seen": DAY + timedelta(days=1),
        },
        {"hub": "civitai", "model_id": "5", "target_name": "Other Person", "first_seen": DAY},
    ]
    data = inputs(models=models(*rows))
    before, on, after = (detect(data, [DAY + timedelta(days=k)]) for k in (-1, 0, 1))
    assert before == [] and after == []
    assert kinds(on) == [("target_cluster", ALL_HUBS)]
    assert on[0].observed == 3 and on[0].severity == "high"
    assert {m.model_id for m in on[0].top_models} == {"1", "a/2", "3"}


def test_target_cluster_id_does_not_depend_on_which_hubs_the_data_shows():
    """A late partition of another hub joins the campaign: same person, hub ``all`` either way."""
    jane = {"hub": "civitai", "target_name": "Jane Doe"}
    rows = [{**jane, "model_id": str(k), "first_seen": DAY - timedelta(days=k)} for k in range(3)]
    one_hub = detect(inputs(models=models(*rows)), [DAY])
    assert kinds(one_hub) == [("target_cluster", ALL_HUBS)] and one_hub[0].details["hubs"] == ["civitai"]
    late = {"hub": "huggingface", "model_id": "a/b", "target_name": "Jane Doe", "first_seen": DAY}
    both = detect(inputs(models=models(*rows, late)), [DAY])
    assert [a.alert_id for a in both] == [a.alert_id for a in one_hub]
    assert both[0].details["hubs"] == ["civitai", "huggingface"]


def test_cluster_ignores_unknown_targets_and_non_likeness_models():
    rows = [
        {"hub": "civitai", "model_id": str(i), "target_name": "unknown", "first_seen": DAY} for i in range(4)
    ]
    rows += [
        {
            "hub": "civitai",
            "model_id": f"n{i}",
            "target_name": "Kai Doe",
            "first_seen": DAY,
            "is_likeness": False,
        }
        for i in range(4)
    ]
    assert detect(inputs(models=models(*rows)), [DAY]) == []


def test_watchlist_match_alerts_on_any_new_model_whatever_the_volume():
    rows = [
        {"hub": "civitai", "model_id": "7", "name": "pretty lady v3", "first_seen": DAY, "is_likeness": False,
         "trained_words": ["m4risol", "marisolquenby"]},
        {"hub": "civitai", "model_id": "8", "name": "Marisol Quenby", "first_seen": DAY - timedelta(days=1)},
        {"hub": "huggingface", "model_id": "x/y", "name": "landscape", "first_seen": DAY},
    ]  # fmt: skip
    watchlist = [WatchedPerson("Marisol Quenby", ("Mari Quenby",))]
    alerts = detect(inputs(models=models(*rows), watchlist=watchlist), [DAY])
    assert kinds(alerts) == [("watchlist_match", "civitai")]
    assert alerts[0].severity == "critical" and alerts[0].subject == "Marisol Quenby"
    assert [m.model_id for m in alerts[0].top_models] == ["7"]


def test_a_person_listed_twice_is_counted_once():
    rows = [{"hub": "civitai", "model_id": "7", "name": "Marisol Quenby LoRA", "first_seen": DAY}]
    watchlist = [WatchedPerson("Marisol Quenby", ()), WatchedPerson("Marisol Quenby", ("Mari Q",))]
    alerts = detect(inputs(models=models(*rows), watchlist=watchlist), [DAY])
    assert [(a.kind, a.observed, len(a.top_models)) for a in alerts] == [("watchlist_match", 1.0, 1)]


def test_takedown_evasion_groups_reappeared_files_per_hub():
    reuploads = pd.DataFrame(
        [
            {"sha256": sha, "hub": "huggingface", "model_id": f"u/{sha[0]}", "seen_on": DAY,
             "first_hub": "civitai", "first_model_id": first, "after_takedown": after}
            for sha, first, after in (("aa", "1", True), ("bb", "2", True), ("cc", "3", False))
        ]
    )  # fmt: skip
    known = models({"hub": "huggingface", "model_id": "u/a", "name": "Someone LoRA", "first_seen": DAY})
    alerts = detect(inputs(reuploads=reuploads, models=known), [DAY])
    assert kinds(alerts) == [("takedown_evasion", "huggingface")]
    assert alerts[0].observed == 2
    assert {m.name for m in alerts[0].top_models} == {"Someone LoRA", "u/b"}
    assert [f["sha256"] for f in alerts[0].details["files"]] == ["aa", "bb"]


def test_evidence_from_quarantined_partitions_is_dropped():
    state = completeness({("civitai", DAY): "quarantined"})
    rows = [{"hub": "civitai", "model_id": "9", "name": "Marisol Quenby", "first_seen": DAY}]
    watchlist = [WatchedPerson("Marisol Quenby", ())]
    alerts = detect(inputs(models=models(*rows), completeness=state, watchlist=watchlist), [DAY])
    assert kinds(alerts) == [("data_missing", "civitai")]


def test_alert_ids_are_stable_across_runs_and_ranges():
    data = inputs(daily=daily({("civitai", DAY): 30}))
    single = detect(data, [DAY])
    ranged = [a for a in detect(data, days(DAY - timedelta(days=3), 5)) if a.day == DAY]
    assert [a.alert_id for a in single] == [a.alert_id for a in ranged]


def test_spike_thresholds_follow_configured_sensitivity():
    data = inputs(daily=daily({("civitai", DAY): 9}))
    assert detect(data, [DAY]) == []
    from likeness_watch.alerts.spikes import SpikeParams

    sensitive = DetectionConfig(spike=SpikeParams().with_sensitivity(2.0))
    assert ("spike", "civitai") in kinds(detect(data, [DAY], sensitive))
