"""Freshness benchmark: how soon the crawl knows what users need, at the hubs' real size and limits.

A simulated world at real scale (Civitai: 1M models, 32k of them likeness models, 2,200 new a day,
a share of the likeness models hidden from listings like ``poi`` models; Hugging Face: 450k
text-to-image repos; takedowns at daily rates; counters that change every day) is crawled for
``--days`` days by the production planner (``likeness_watch.crawl.plan``): the same decisions
``DailyCrawl`` sends over HTTP, here answered from numpy arrays, requests counted, not sent, and
no sleeping. Each hub's day has the request budget of its real rate limit (Civitai ~1 request/s,
Hugging Face 500 requests per 5 minutes without a token) x 86,400 s x ``--utilisation``.

Measured after a warm-up, per hub and overall:
- new likeness models known within 1 day: recorded by the crawl of the day they were created
  (that crawl reads the hub as of the end of the day, so at most a day after the upload);
- likeness takedowns noticed within 2 days: a model the crawler knew, removed on day D, answered
  404 to the crawl of day D or D+1;
- staleness of likeness models' download counters: days since the crawl last read the model's
  record (any listing, batch or by-id read), every live likeness model every day (one never read
  counts from its creation);
- requests per day and the share of the budget used.
The last line is ``freshness: new<=1d=<pct> takedown<=2d=<pct> stale_p95=<days> budget_used=<pct>``.

These are figures of a simulated world: the crawl's decisions are production code, the hubs'
answers are modelled (see ``HubParams``). What ``DailyCrawl`` does with a plan is checked over
HTTP by ``tests/integration/test_crawl_plan_http.py``.

Usage: .venv/bin/python benchmarks/freshness.py [--quick] [--schedule priority|legacy]
"""

from __future__ import annotations

import argparse
import resource
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np

from likeness_watch.crawl.plan import Candidates, HubProfile, Ledger, Planner, daily_budget
from likeness_watch.crawl.priority import TARGET_BONUS
from likeness_watch.hubs.civitai import FRONTIER
from likeness_watch.settings import Settings, SettingsError

REAL_RPS = {"civitai": 1.0, "huggingface": 500 / 300}
"""Civitai publishes no number (stay at ~1 request/s, shared/hub-apis.md); Hugging Face allows
500 API calls per 5-minute window per IP without a token (1,000 with a free token)."""
START = date(2026, 1, 5)
NEVER = 2**30
WEEKDAY = (0.95, 0.95, 0.95, 0.95, 1.0, 1.15, 1.15)
STALE_BINS = 400


@dataclass(frozen=True)
class HubParams:
    """One simulated hub (rates per day; hazards: the chance a live model is removed that day)."""

    name: str
    existing: int
    new_per_day: float
    likeness_existing: float
    likeness_new: float
    hidden_likeness_existing: float = 0.0
    """Share of the existing likeness models hidden from listings (``poi``)."""
    hidden_likeness_new: float = 0.0
    """Share of new likeness models hidden from the start (flagged at upload)."""
    hidden_likeness_later: float = 0.0
    """Share of new likeness models flagged 1-14 days after upload (listed until then)."""
    hidden_other: float = 0.0
    """Share of the other models hidden (``minor``, moderators' false positives)."""
    hazard_likeness: float = 0.0
    hazard_likeness_hidden: float = 0.0
    hazard_other: float = 0.0
    early_takedown: float = 0.0
    """Share of new likeness models taken down within 10 days of upload."""
    gap_rate: float = 0.0
    """Chance an id is followed by ids that never become a model (drafts): 1 + Exp(mean 2) of them."""
    modified_rate: float = 0.0
    """Share of live models with a new commit each day (Hugging Face ``lastModified``)."""
    page_size: int = 100
    batch_size: int = 1
    hides_models: bool = False
    cards: bool = False


CIVITAI = HubParams(
    name="civitai",
    existing=1_000_000,
    new_per_day=2_200,
    likeness_existing=0.032,
    likeness_new=0.04,
    hidden_likeness_existing=0.20,
    hidden_likeness_new=0.15,
    hidden_likeness_later=0.10,
    hidden_other=0.004,
    hazard_likeness=0.0025,
    hazard_likeness_hidden=0.015,
    hazard_other=0.0001,
    early_takedown=0.15,
    gap_rate=0.3,
    batch_size=100,
    hides_models=True,
)
HUGGINGFACE = HubParams(
    name="huggingface",
    existing=450_000,
    new_per_day=1_000,
    likeness_existing=0.035,
    likeness_new=0.06,
    hazard_likeness=0.0015,
    hazard_other=0.00005,
    early_takedown=0.05,
    modified_rate=0.002,
    cards=True,
)
CLASSIFIER = {"recall": 0.92, "false_positive": 0.01, "target_known": 0.6}
"""The warehouse's classifier as the planner sees it: likeness models it flags (with a confidence
of 0.55-1), other models it flags by mistake, flagged models whose target is known."""


class World:
    """Every model of one hub over the simulated span, as arrays sorted by id (= upload order)."""

    def __init__(self, p: HubParams, days: int, rng: np.random.Generator) -> None:
        self.p = p
        d0 = START.toordinal()
        per_day = rng.poisson(
            [p.new_per_day * WEEKDAY[(START + timedelta(d)).weekday()] for d in range(days)]
        )
        existing_created = np.sort(d0 - 1 - rng.integers(0, 1_000, p.existing))
        self.created = np.concatenate([existing_created, np.repeat(d0 + np.arange(days), per_day)]).astype(
            np.int64
        )
        n = len(self.created)
        old = self.created < d0
        self.likeness = rng.random(n) < np.where(old, p.likeness_existing, p.likeness_new)
        gaps = np.where(rng.random(n) < p.gap_rate, 1 + np.floor(rng.exponential(2.0, n)), 0)
        self.key = np.cumsum(1 + gaps).astype(np.int64) if p.gap_rate else np.arange(n, dtype=np.int64)
        self.id_model = np.full(int(self.key[-1]) + FRONTIER + 2, -1, dtype=np.int64)
        self.id_model[self.key] = np.arange(n)
        self.hidden_from = np.full(n, NEVER, dtype=np.int64)
        roll = rng.random(n)
        like_hidden = np.where(old, p.hidden_likeness_existing, p.hidden_likeness_new)
        now = self.likeness & (roll < like_hidden) | ~self.likeness & (roll < p.hidden_other)
        later = self.likeness & ~old & (roll >= like_hidden) & (roll < like_hidden + p.hidden_likeness_later)
        self.hidden_from[now] = self.created[now]
        self.hidden_from[later] = self.created[later] + rng.integers(1, 15, int(later.sum()))
        hazard = np.where(
            self.likeness, np.where(now | later, p.hazard_likeness_hidden, p.hazard_likeness), p.hazard_other
        )
        first_day = np.maximum(self.created, d0)
        self.removed = first_day + rng.geometric(np.maximum(hazard, 1e-12)) - 1
        early = self.likeness & ~old & (rng.random(n) < p.early_takedown)
        soon = self.created[early] + rng.integers(0, 11, int(early.sum()))
        self.removed[early] = np.minimum(self.removed[early], soon)
        self.modified = self.created.copy()
        flagged = rng.random(n) < np.where(self.likeness, CLASSIFIER["recall"], CLASSIFIER["false_positive"])
        target = flagged & self.likeness & (rng.random(n) < CLASSIFIER["target_known"])
        self.score = np.where(flagged, rng.uniform(0.55, 1.0, n) + target * TARGET_BONUS, 0.0)
        self.rng = rng

    def __len__(self) -> int:
        return len(self.created)

    def begin_day(self, day: int) -> None:
        """Commits of the day (Hugging Face repos change without being new)."""
        if self.p.modified_rate:
            live = np.flatnonzero((self.created < day) & (self.removed > day))
            changed = self.rng.choice(live, self.rng.poisson(self.p.modified_rate * len(live)), replace=False)
            self.modified[changed] = day


class SimulatedCrawl:
    """The crawler's state for one hub, and one day's crawl: production planner decisions executed
    against the world's arrays as ``DailyCrawl`` executes them against the hub."""

    def __init__(self, world: World, settings: Settings, budget: int, priorities: bool = True) -> None:
        self.w, self.settings, self.budget, self.priorities = world, settings, budget, priorities
        p = world.p
        self.profile = HubProfile(p.page_size, p.batch_size, p.hides_models, 1 if p.hides_models else 2)
        d = START.toordinal() - 1  # the state after the crawl of the day before the first
        n = len(world)
        self.tracked = (world.created <= d) & (world.removed > d)
        self.known_day = np.where(self.tracked, world.created, NEVER)
        self.last = np.where(self.tracked, d - world.rng.integers(0, settings.sweep_every_days, n), -NEVER)
        self.hidden = self.tracked & (world.hidden_from <= d)
        self.noticed = np.full(n, NEVER, dtype=np.int64)
        self.missing = np.zeros(len(world.id_model), dtype=bool)
        top = int(world.key[self.tracked].max())
        self.missing[: top + 1] = world.id_model[: top + 1] < 0
        self.watermark = int(world.key[self.tracked & (world.hidden_from > d)].max())

    def crawl(self, day: int) -> Ledger:
        w, p = self.w, self.w.p
        ledger = Ledger(self.budget)
        planner = Planner(self.profile, self.settings, date.fromordinal(day), self.budget, first_crawl=False)
        live = (w.created <= day) & (w.removed > day)
        listable = live & (w.hidden_from > day)
        classified = (self.known_day < day) & self.priorities  # by the build after the discovery day
        score = np.where(classified, w.score, 0.0)
        seen = np.zeros(len(w), dtype=bool)
        sweep = planner.sweep(self._candidates(seen, score, False, day))
        yesterday = self.watermark
        listed = self._list(planner, ledger, listable, sweep, day)
        seen |= listed
        self._read(listed, day)
        self.hidden[listed] = False
        if p.hides_models:
            seen |= self._probe(planner, ledger, live, listed, score, sweep, day, yesterday)
        self._refresh(planner, ledger, live, listable, seen, score, sweep, day)
        return ledger

    def _read(self, models: np.ndarray, day: int) -> None:
        self.last[models] = day
        self.known_day[models] = np.minimum(self.known_day[models], day)
        self.tracked[models] = True

    def _list(self, planner: Planner, ledger: Ledger, listable, sweep: bool, day: int) -> np.ndarray:
        """Discovery (a sweep: the whole listing): newest-first pages until the planner's stop."""
        w, p = self.w, self.w.p
        newest = np.flatnonzero(listable)[::-1]
        stop = planner.listing_stop(self.watermark, sweep)
        listed = np.zeros(len(w), dtype=bool)
        max_key = self.watermark
        for start in range(0, len(newest), p.page_size):
            if not ledger.take("discovery", "listing"):
                break
            items = newest[start : start + p.page_size]
            keys = w.key[items]
            new = ~self.tracked[items] & ((keys > self.watermark) | sweep)
            changed = self.tracked[items] & (w.modified[items] > day - 1)
            if p.cards:
                fetch = planner.enrich(new, changed)
                if ledger.grant("discovery", "detail", int(fetch.sum())) < fetch.sum():
                    break
                ledger.grant("discovery", "card", int(fetch.sum()))
            listed[items] = True
            max_key = max(max_key, int(keys.max()))
            if stop.done(list(keys[:1])) or start + p.page_size >= len(newest):
                break
            if self.profile.reads_per_page > 1 and not ledger.take("discovery", "listing"):
                break
        self.watermark = max_key
        return listed

    def _probe(self, planner, ledger, live, listed, score, sweep, day, yesterday) -> np.ndarray:
        """Gap probes newest first from above the newest listed id, then re-probes of old 404s."""
        w = self.w
        known = np.zeros(len(w.id_model), dtype=bool)
        if not planner.reprobe_missing(sweep):
            known |= self.missing
        known[w.key[self.tracked | (self.noticed < NEVER) | listed]] = True
        top = self.watermark + FRONTIER
        floor = int(np.argmax(known))
        unknown = np.flatnonzero(~known[floor : top + 1])[::-1] + floor
        reserved = planner.required_refresh(self._candidates(listed, score, sweep, day))
        fresh = int(np.searchsorted(-unknown, -yesterday))  # ids above yesterday's watermark
        probes = unknown[: planner.probe_quota(ledger.remaining, 0, reserved, fresh)]
        backlog = w.id_model[probes[fresh:]]
        backlog_hits = (backlog >= 0) & live[np.maximum(backlog, 0)]
        probes = probes[: min(len(probes), fresh + planner.backlog_spent(backlog_hits))]
        ledger.grant("gap_probe", "detail", len(probes))
        again = np.flatnonzero(self.missing)[::-1][: planner.reprobe_quota(ledger.remaining, 0)]
        ledger.grant("gap_probe", "detail", len(again))
        ids = np.concatenate([probes, again])
        model = w.id_model[ids]
        found = model >= 0
        found[found] = live[model[found]]
        hit = model[found]
        self._read(hit, day)
        self.hidden[hit] = True  # fetched by id, not listed
        gone = ids[~found & (ids <= self.watermark)]
        self.missing[gone] = True
        self.missing[ids[found]] = False
        seen = np.zeros(len(w), dtype=bool)
        seen[hit] = True
        return seen

    def _candidates(self, seen, score, sweep: bool, day: int) -> Candidates:
        ids = np.flatnonzero(self.tracked & ~seen)
        recent = (self.known_day[ids] > day - self.settings.sweep_every_days) & (
            self.known_day[ids] >= START.toordinal()
        )
        return Candidates(
            ids, day - self.last[ids], self.hidden[ids], np.full(len(ids), sweep), score[ids], recent
        )

    def _refresh(self, planner, ledger, live, listable, seen, score, sweep, day) -> None:
        """The planner's refresh plan, executed as ``DailyCrawl`` does: a batch, then the models
        it left out fetched by id; a single (with its card if it changed); until the budget ends."""
        w, p = self.w, self.w.p
        c = self._candidates(seen, score, sweep, day)
        plan = planner.refresh(c, ledger.remaining, 0)
        if not plan.requests:
            return
        by_request = np.argsort(plan.request, kind="stable")  # sending order, as plan.groups() gives it
        models = c.ids[plan.order[by_request]]
        single, request = plan.single[by_request], plan.request[by_request]
        in_batch = ~single & listable[models]
        extra_detail = ~single & ~in_batch
        card = single & live[models] & p.cards & (w.modified[models] > planner.card_after(self.last[models]))
        extras = extra_detail | card
        cost = 1 + np.bincount(request, weights=extras, minlength=plan.requests).astype(np.int64)
        budget = ledger.remaining
        full = int(np.searchsorted(np.cumsum(cost), budget, side="right"))  # requests done with their extras
        left = budget - int(cost[:full].sum())  # what the next request gets: itself, then extras in order
        partial = request == full
        head = (request < full) | (partial & (left >= 1))
        extra_rank = np.cumsum(extras) - 1 - int(extras[request < full].sum())
        extra_done = extras & ((request < full) | (partial & (extra_rank < left - 1)))
        heads = np.flatnonzero((np.diff(request, prepend=-1) > 0) & head)
        ledger.grant("refresh", "batch", int((~single[heads]).sum()))
        ledger.grant("refresh", "detail", int(single[heads].sum()) + int((extra_detail & extra_done).sum()))
        ledger.grant("refresh", "card", int((card & extra_done).sum()))
        read = head & (single | in_batch | extra_done)
        alive = read & live[models]
        self._read(models[alive], day)
        self.hidden[models[alive & extra_detail]] = True
        self.hidden[models[alive & in_batch]] = False
        removed = models[read & ~live[models]]
        self.tracked[removed] = False
        self.noticed[removed] = day


class Tally:
    """What one hub's crawl achieved over the measured days (counts add up across hubs)."""

    def __init__(self) -> None:
        self.n: Counter[str] = Counter()
        self.stale = np.zeros(STALE_BINS + 1, dtype=np.int64)
        self.by_phase: Counter[str] = Counter()
        self.by_kind: Counter[str] = Counter()
        self.busiest = 0.0
        """The largest share of a day's budget one day used."""

    def __add__(self, other: Tally) -> Tally:
        out = Tally()
        out.n, out.stale = self.n + other.n, self.stale + other.stale
        out.by_phase, out.by_kind = self.by_phase + other.by_phase, self.by_kind + other.by_kind
        out.busiest = max(self.busiest, other.busiest)
        return out

    def quantile(self, q: float) -> int:
        """Staleness (days) at quantile ``q`` of every (likeness model, day) measured."""
        cumulative = np.cumsum(self.stale)
        return int(np.searchsorted(cumulative, q * cumulative[-1])) if cumulative[-1] else 0


def measure(world: World, crawl: SimulatedCrawl, day: int, ledger: Ledger, tally: Tally) -> None:
    """One measured day, after its crawl."""
    w = world
    like = w.likeness
    born = like & (w.created == day) & (w.removed > day)
    tally.n["new"] += int(born.sum())
    tally.n["new_known"] += int((born & (crawl.known_day == day)).sum())
    gone = like & (w.removed == day - 1) & (crawl.known_day < day - 1)  # due by today's crawl
    tally.n["takedowns"] += int(gone.sum())
    tally.n["takedowns_noticed"] += int((gone & (crawl.noticed <= day)).sum())
    alive = np.flatnonzero(like & (w.created <= day) & (w.removed > day))
    read = crawl.known_day[alive] <= day
    stale = np.where(read, day - crawl.last[alive], day - w.created[alive])
    tally.stale += np.bincount(np.minimum(stale, STALE_BINS), minlength=STALE_BINS + 1)
    tally.n["requests"] += ledger.used
    tally.n["budget"] += ledger.budget
    tally.busiest = max(tally.busiest, ledger.used / ledger.budget)
    tally.n["days"] += 1
    for phase, kinds in ledger.spent.items():
        tally.by_phase[phase] += sum(kinds.values())
    tally.by_kind.update(ledger.by_kind())


def run_hub(
    params: HubParams, settings: Settings, days: int, warmup: int, seed: int, priorities: bool = True
) -> Tally:
    rng = np.random.default_rng([seed, len(params.name)])
    world = World(params, days, rng)
    budget = daily_budget(REAL_RPS[params.name], settings.crawl_utilisation)
    crawl = SimulatedCrawl(world, settings, budget, priorities)
    tally = Tally()
    for offset in range(days):
        day = START.toordinal() + offset
        world.begin_day(day)
        ledger = crawl.crawl(day)
        if offset >= warmup:
            measure(world, crawl, day, ledger, tally)
    return tally


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}" if whole else "n/a"


def report(name: str, t: Tally) -> None:
    n, days = t.n, t.n["days"]
    print(
        f"{name:12} new<=1d {pct(n['new_known'], n['new']):>5} % ({n['new_known']}/{n['new']})  "
        f"takedown<=2d {pct(n['takedowns_noticed'], n['takedowns']):>5} % "
        f"({n['takedowns_noticed']}/{n['takedowns']})  "
        f"staleness median {t.quantile(0.5)} d, p95 {t.quantile(0.95)} d  "
        f"requests/day {n['requests'] / days:,.0f} of {n['budget'] / days:,.0f} "
        f"({pct(n['requests'], n['budget'])} %, busiest day {100 * t.busiest:.1f} %)"
    )
    phases = ", ".join(f"{phase} {count / days:,.0f}" for phase, count in sorted(t.by_phase.items()))
    kinds = ", ".join(f"{kind} {count / days:,.0f}" for kind, count in sorted(t.by_kind.items()))
    print(f"{'':12} requests/day by phase: {phases}; by kind: {kinds}")


def summary(total: Tally) -> str:
    """The benchmark's last line."""
    n = total.n
    return (
        f"freshness: new<=1d={pct(n['new_known'], n['new'])} "
        f"takedown<=2d={pct(n['takedowns_noticed'], n['takedowns'])} "
        f"stale_p95={total.quantile(0.95)} budget_used={pct(n['requests'], n['budget'])}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a tenth of the world, 20 days (~seconds)")
    parser.add_argument(
        "--schedule", choices=["priority", "legacy"], default=None, help="default: LW_CRAWL_SCHEDULE"
    )
    parser.add_argument("--days", type=int, help="simulated days (default 74, --quick 20)")
    parser.add_argument("--warmup", type=int, help="days crawled before measuring (default 14, --quick 5)")
    parser.add_argument(
        "--utilisation", type=float, help="share of the rate limit (default LW_CRAWL_UTILISATION)"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--no-priorities", action="store_true", help="crawl without the warehouse's likeness priorities"
    )
    args = parser.parse_args()
    overrides = {"crawl_schedule": args.schedule, "crawl_utilisation": args.utilisation}
    try:
        settings = Settings(**{key: value for key, value in overrides.items() if value is not None})
    except SettingsError as exc:
        parser.error(str(exc))
    days = args.days or (20 if args.quick else 74)
    warmup = args.warmup if args.warmup is not None else (5 if args.quick else 14)
    if not 0 <= warmup < days:
        parser.error(f"--warmup must be at least 0 and below --days ({days})")
    hubs = [CIVITAI, HUGGINGFACE]
    if args.quick:
        hubs = [replace(h, existing=h.existing // 10, new_per_day=h.new_per_day / 10) for h in hubs]
    started = time.monotonic()
    print(
        f"schedule {settings.crawl_schedule}, {days} days ({warmup} warm-up), utilisation "
        f"{settings.crawl_utilisation}, seed {args.seed}"
        f"{', no likeness priorities' if args.no_priorities else ''}; simulated world, not real hubs"
    )
    total = Tally()
    for params in hubs:
        tally = run_hub(params, settings, days, warmup, args.seed, not args.no_priorities)
        report(params.name, tally)
        total = total + tally
    report("overall", total)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"run time {time.monotonic() - started:.0f} s, peak RSS {rss:.0f} MiB")
    print(summary(total))


if __name__ == "__main__":
    main()
