"""Planned = executed, over HTTP: the requests the planner granted a crawl day are the requests the
hub received (the simulator on 127.0.0.1), by kind and count, within the day's budget."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from hubsim import sim_base_url
from likeness_watch.crawl import crawl_day
from likeness_watch.raw.integrity import set_status
from likeness_watch.settings import Settings
from likeness_watch.store import open_store

DAYS = (date(2024, 8, 31), date(2024, 9, 1), date(2024, 9, 2))
"""A first crawl (a sweep), a cycle day (Hugging Face sweeps again), an ordinary day."""
FAST = {"rps": 500.0, "max_retries": 4, "timeout_s": 5.0, "page_size": 20}


def kind_of(entry: dict) -> str:
    """The request kind the simulator received, as the planner names it."""
    path = entry["path"].rstrip("/")
    if path.endswith("/raw/main/README.md"):
        return "card"
    if path.endswith("/models"):
        return "batch" if "ids=" in entry["query"] else "listing"
    return "detail"


def crawl_days(sim, lake, hub: str, **settings) -> list[tuple[object, Counter[str]]]:
    """Each day crawled and committed (as a passing raw gate would); with the requests received."""
    store = open_store(str(lake))
    out = []
    for day in DAYS:
        before = len(sim.requests_log)
        landed = crawl_day(
            hub,
            day,
            Settings(store=str(lake), **settings),
            store,
            base_url=sim_base_url(sim.url, hub),
            **FAST,
        )
        sent = Counter(kind_of(entry) for entry in sim.requests_log[before:] if entry["hub"] == hub)
        out.append((set_status(store, landed, "committed", None), sent))
    return out


@pytest.mark.parametrize("schedule", ["priority", "legacy"])
@pytest.mark.parametrize("hub", ["civitai", "huggingface"])
def test_the_hub_receives_exactly_the_requests_the_planner_granted(sim, tmp_path, hub, schedule):
    days = crawl_days(sim, tmp_path / "lake", hub, crawl_schedule=schedule)
    for manifest, sent in days:
        assert sent == Counter(manifest.plan["requests"]), manifest.dt
        assert sum(sent.values()) == manifest.requests == sum(p["requests"] for p in manifest.phases.values())
        assert manifest.requests <= manifest.plan["budget"]
        assert manifest.plan["schedule"] == schedule, "the manifest says which schedule spent it"
    kinds = set().union(*(sent for _, sent in days[1:]))
    expected = {"civitai": {"listing", "detail", "batch"}, "huggingface": {"listing", "detail", "card"}}
    if schedule == "priority":
        assert kinds == expected[hub], "the later days use every kind of request the hub has"


def test_a_small_budget_is_never_exceeded_and_cuts_the_day(sim, tmp_path):
    budget_share = 30 / (FAST["rps"] * 86_400)  # 30 requests a day
    days = crawl_days(
        sim, tmp_path / "lake", "civitai", crawl_schedule="priority", crawl_utilisation=budget_share
    )
    for manifest, sent in days:
        assert manifest.plan["budget"] == 30
        assert sum(sent.values()) == manifest.requests <= 30
    assert any(key.endswith("_cut_by_budget") for manifest, _ in days for key in manifest.anomalies)
