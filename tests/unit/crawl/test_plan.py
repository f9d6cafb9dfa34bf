"""The crawl planner: budgets are never exceeded, batches are filled, what matters comes first, and
the long tail rolls through the cycle instead of piling up on one day."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from likeness_watch.crawl.plan import (
    BACKLOG_WINDOW,
    Candidates,
    HubProfile,
    Ledger,
    ListingStop,
    Planner,
    daily_budget,
    plan_requests,
)
from likeness_watch.settings import Settings, SettingsError

CIVITAI = HubProfile(page_size=100, batch_size=100, hides_models=True)
HF = HubProfile(page_size=100, reads_per_page=2)
ORDINARY = date(2026, 1, 6)  # not a cycle day for sweep_every_days=7
CYCLE_DAY = date(2026, 1, 4)
assert ORDINARY.toordinal() % 7 and not CYCLE_DAY.toordinal() % 7


def planner(profile=CIVITAI, day=ORDINARY, schedule="priority", budget=69_120, first=False, **settings):
    return Planner(profile, Settings(crawl_schedule=schedule, **settings), day, budget, first_crawl=first)


def candidates(n, *, age=1, hidden=(), absent=(), score=None, recent=()):
    def mask(indices):
        out = np.zeros(n, dtype=bool)
        out[list(indices)] = True
        return out

    ages = np.full(n, age) if np.isscalar(age) else np.asarray(age)
    scores = np.zeros(n) if score is None else np.asarray(score, dtype=float)
    return Candidates([f"m{i}" for i in range(n)], ages, mask(hidden), mask(absent), scores, mask(recent))


def test_daily_budget_is_the_rate_limit_kept_up_all_day_times_the_utilisation():
    assert daily_budget(1.0, 0.8) == 69_120
    assert daily_budget(500 / 300, 0.8) == 115_200


def test_the_ledger_never_grants_more_than_the_budget():
    ledger = Ledger(5, {"discovery": {"listing": 2}})
    assert ledger.grant("refresh", "batch", 10) == 3
    assert not ledger.take("refresh", "detail")
    assert ledger.used == 5 and ledger.remaining == 0
    assert ledger.by_kind() == {"listing": 2, "batch": 3}
    assert ledger.as_dict() == {"discovery": {"listing": 2}, "refresh": {"batch": 3}}


def test_listing_stops_overlap_pages_past_the_watermark_and_a_sweep_reads_to_the_end():
    stop = ListingStop(watermark=100, overlap=1)
    assert [stop.done(keys) for keys in ([130, 120], [110, 101], [100, 99], [98, 97])] == [False] * 3 + [True]
    assert not ListingStop(None, 0).done([1])
    assert not ListingStop(100, 0).done([])  # a page without plausible keys never ends discovery


def test_requests_fill_batches_and_are_sent_where_their_first_member_stands():
    single = np.array([False] * 150 + [True] + [False] * 100)
    plan = plan_requests(np.arange(251), single, batch_size=100, budget=10)
    groups = [(kind, members.tolist()) for kind, members in plan.groups()]
    assert [(kind, len(members)) for kind, members in groups] == [
        ("batch", 100), ("batch", 100), ("detail", 1), ("batch", 50)
    ]  # fmt: skip
    assert groups[2][1] == [150] and plan.requests == 4 and plan.deferred == 0


@pytest.mark.parametrize("seed", range(20))
def test_a_plan_is_the_longest_prefix_that_fits_the_budget(seed):
    rng = np.random.default_rng(seed)
    n, budget = int(rng.integers(1, 400)), int(rng.integers(0, 30))
    single = rng.random(n) < rng.random()
    batch_size = int(rng.integers(1, 60))
    plan = plan_requests(np.arange(n), single, batch_size, budget=budget)
    assert plan.requests <= budget
    assert plan.order.tolist() == list(range(len(plan.order)))
    assert (
        sorted(np.concatenate([members for _, members in plan.groups()] or [[]]).tolist())
        == plan.order.tolist()
    )
    assert all(len(members) <= batch_size for _, members in plan.groups())
    if plan.deferred:
        kept = len(plan.order) + 1
        assert plan_requests(np.arange(kept), single[:kept], batch_size, budget=10**9).requests > budget


def test_priority_order_confirms_disappearances_then_what_matters_then_the_long_tail():
    c = candidates(
        8,
        age=[1, 9, 2, 3, 1, 1, 8, 2],
        hidden=[5],
        absent=[0, 5],  # a sweep does not list hidden models either: 5 is not a disappearance
        score=[0, 0, 0.7, 1.9, 0, 0, 0, 0],  # 3: a likeness model with a known target, 2: without
        recent=[4],
    )
    plan = planner().refresh(c, remaining=100, refreshed=0)
    assert plan.order.tolist() == [0, 3, 2, 4, 5, 1, 6, 7]
    assert [(kind, members.tolist()) for kind, members in plan.groups()] == [
        ("batch", [0, 3, 2, 4, 1, 6, 7]), ("detail", [5])  # the hidden model alone: a batch skips it
    ]  # fmt: skip


def test_a_long_tail_model_is_never_fetched_alone_before_it_is_due():
    c = candidates(4, age=[1, 7, 3, 2], score=[0, 0, 0, 0.9])
    plan = planner(HF).refresh(c, remaining=100, refreshed=0)
    assert plan.order.tolist() == [3, 1]  # a likeness model, a due one; 0 and 2 wait (the sweep has them)


def test_a_tight_budget_goes_to_the_first_tiers():
    c = candidates(300, hidden=range(200, 300), score=[0.0] * 200 + [0.9] * 100)
    plan = planner().refresh(c, remaining=30, refreshed=0)
    assert plan.requests == 30 and set(plan.order.tolist()) <= set(range(200, 300))


def test_the_rolling_long_tail_refreshes_everyone_within_the_cycle_at_an_even_daily_cost():
    """7,000 listable models, 10 batches a day: the stalest thousand each day, every model at least
    once every 7 days, and no day busier than another (no sweep day)."""
    age = np.zeros(7_000, dtype=int)
    used = []
    for day in range(21):
        age += 1
        plan = planner(day=date.fromordinal(ORDINARY.toordinal() + day)).refresh(
            candidates(7_000, age=age), remaining=10, refreshed=0
        )
        used.append(plan.requests)
        age[plan.order] = 0
    assert used == [10] * 21
    assert age.max() <= 7


def test_legacy_refreshes_unlisted_then_stalest_up_to_its_model_budget():
    c = candidates(5, age=[1, 5, 3, 2, 4], absent=[3])
    plan = planner(schedule="legacy", refresh_budget=3).refresh(c, remaining=100, refreshed=0)
    assert plan.order.tolist() == [3, 1, 4]
    assert [kind for kind, _ in plan.groups()] == ["batch"]
    assert planner(schedule="legacy", refresh_budget=3).refresh(c, 100, refreshed=3).order.size == 0


def test_sweeps():
    civitai = candidates(10**5, score=np.ones(10**5))
    assert planner(first=True).sweep(civitai)
    assert not planner(day=CYCLE_DAY).sweep(civitai), "ids= batches and gap probes cover Civitai"
    assert planner(schedule="legacy", day=CYCLE_DAY).sweep(civitai)
    assert not planner(schedule="legacy").sweep(civitai)


def test_a_hub_without_batches_sweeps_daily_when_the_listing_is_the_cheaper_way_to_read_what_matters():
    """4,500 repos are 90 listing requests (each page read twice): worth it for 90 repos that
    matter (likeness, or first seen lately; hidden ones do not count: a sweep cannot list them)."""
    repos = 4_500

    def hf(matter, budget=359, day=ORDINARY, hidden=()):
        score = np.zeros(repos)
        score[: matter // 2] = 0.9
        recent = [*range(matter // 2, matter)]
        return planner(HF, day=day, budget=budget).sweep(
            candidates(repos, score=score, recent=recent, hidden=hidden)
        )

    assert hf(matter=90) and not hf(matter=89)
    assert not hf(matter=90, hidden=range(10)), "80 listed repos that matter"
    assert hf(matter=0, day=CYCLE_DAY)
    assert hf(matter=90, budget=113) and not hf(matter=90, budget=112), "at most 80 % of the budget"
    assert hf(matter=0, budget=360), "within a quarter of the budget, a sweep runs daily anyway"


def test_probes_take_every_new_id_then_what_the_refresh_does_not_need_and_legacy_its_fixed_quota():
    assert planner().probe_quota(remaining=5_000, probed=0, reserved=4_000, fresh=10) == 1_000
    assert planner().probe_quota(remaining=5_000, probed=0, reserved=6_000, fresh=0) == 0
    assert planner().probe_quota(remaining=5_000, probed=0, reserved=6_000, fresh=1_700) == 1_700, (
        "new ids first"
    )
    assert planner().probe_quota(remaining=500, probed=0, reserved=6_000, fresh=1_700) == 500
    assert (
        planner(schedule="legacy").probe_quota(remaining=5_000, probed=100, reserved=4_000, fresh=900) == 200
    )
    assert planner(day=CYCLE_DAY).reprobe_quota(remaining=1_000, reprobed=50) == 250
    assert planner().reprobe_quota(remaining=1_000, reprobed=0) == 0
    assert planner(schedule="legacy", day=CYCLE_DAY).reprobe_missing(sweep=True)
    assert not planner(day=CYCLE_DAY).reprobe_missing(sweep=True)


def test_the_backlog_of_older_ids_is_probed_while_a_window_finds_hidden_models():
    """Sparse ids (deleted models, a sample of a hub) would take the whole day's budget for a
    handful of finds: the priority schedule stops after the first window that finds under 1 %."""
    paying = np.zeros(3 * BACKLOG_WINDOW, dtype=bool)
    paying[::50] = True  # 2 % of the probes find a hidden model
    assert planner().backlog_spent(paying) == len(paying)
    sparse = paying.copy()
    sparse[BACKLOG_WINDOW : 2 * BACKLOG_WINDOW] = False
    assert planner().backlog_spent(sparse) == 2 * BACKLOG_WINDOW, "the fruitless window is spent, then stop"
    assert planner().backlog_spent(np.zeros(BACKLOG_WINDOW // 2, dtype=bool)) == BACKLOG_WINDOW // 2
    fruitless = np.zeros(3 * BACKLOG_WINDOW, dtype=bool)
    assert planner(schedule="legacy").backlog_spent(fruitless) == len(fruitless), "legacy: its fixed quota"
    assert planner().backlog_exhausted(9) and not planner().backlog_exhausted(10)


def test_required_refresh_counts_the_tiers_that_must_not_wait():
    c = candidates(250, hidden=[0, 1], score=[0.0, 0.0, 0.8] + [0.0] * 247, age=[1] * 200 + [7] * 50)
    # hidden 0, 1 alone; likeness 2 and the 50 due ones share one batch; the 197 others can wait
    assert planner().required_refresh(c) == 3
    assert planner(schedule="legacy").required_refresh(c) == 0


def test_cards_and_enrichment():
    last = ORDINARY.toordinal() - 10
    assert planner(HF).card_after(last) == last
    assert planner(HF, schedule="legacy").card_after(last) == ORDINARY.toordinal() - 2
    assert planner(HF).enrich(new=False, changed=True)
    assert not planner(HF, schedule="legacy").enrich(new=False, changed=True)
    assert planner(HF).enrich(np.array([True, False, False]), np.array([False, True, False])).tolist() == [
        True, True, False
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("LW_CRAWL_UTILISATION", "0", "greater than 0"),
        ("LW_CRAWL_UTILISATION", "1.5", "less than or equal to 1"),
        ("LW_CRAWL_UTILISATION", "nan", "finite number"),
        ("LW_CRAWL_SCHEDULE", "fastest", "'priority' or 'legacy'"),
    ],
)
def test_schedule_settings_are_validated_in_one_line(monkeypatch, name, value, problem):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=rf"^invalid setting: {name}='{value}': .*{problem}[^\n]*$"):
        Settings()
