"""benchmarks/freshness.py on a tiny world: the production planner never exceeds a day's budget,
the priority schedule is at least as fresh as the legacy one, and the last line has its format."""

from __future__ import annotations

import importlib.util
import re
import sys
from dataclasses import replace

import pytest

from likeness_watch.settings import Settings


@pytest.fixture(scope="module")
def freshness(repo_root):
    spec = importlib.util.spec_from_file_location("freshness", repo_root / "benchmarks" / "freshness.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["freshness"] = module  # dataclasses resolve the module's annotations through it
    spec.loader.exec_module(module)
    yield module
    del sys.modules["freshness"]


def tiny(freshness, schedule: str, utilisation: float = 0.8):
    hubs = [
        replace(freshness.CIVITAI, existing=20_000, new_per_day=60),
        replace(freshness.HUGGINGFACE, existing=8_000, new_per_day=30),
    ]
    settings = Settings(crawl_schedule=schedule, crawl_utilisation=utilisation)
    return {h.name: freshness.run_hub(h, settings, days=12, warmup=3, seed=1) for h in hubs}


def rate(tally, part: str, whole: str) -> float:
    return tally.n[part] / tally.n[whole]


def test_priority_is_at_least_as_fresh_as_legacy_and_both_stay_in_budget(freshness):
    legacy, priority = tiny(freshness, "legacy"), tiny(freshness, "priority")
    for hub in ("civitai", "huggingface"):
        for tallies in (legacy, priority):
            assert 0 < tallies[hub].busiest <= 1
        assert rate(priority[hub], "new_known", "new") >= rate(legacy[hub], "new_known", "new")
        assert rate(priority[hub], "takedowns_noticed", "takedowns") > rate(
            legacy[hub], "takedowns_noticed", "takedowns"
        )
        assert priority[hub].quantile(0.95) <= legacy[hub].quantile(0.95)
    total = priority["civitai"] + priority["huggingface"]
    assert re.fullmatch(
        r"freshness: new<=1d=[\d.]+ takedown<=2d=[\d.]+ stale_p95=\d+ budget_used=[\d.]+",
        freshness.summary(total),
    )


def test_a_budget_too_small_for_the_day_is_used_up_not_exceeded(freshness):
    starved = tiny(freshness, "priority", utilisation=0.002)  # ~138 requests a day on Civitai
    assert starved["civitai"].busiest == 1.0
    assert starved["civitai"].n["requests"] == starved["civitai"].n["budget"]
