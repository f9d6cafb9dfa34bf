"""The crawl planner: which listings, probes and refreshes a hub's day spends its requests on.

Deciding is kept apart from sending, so that one piece of code decides both in production
(``DailyCrawl`` sends the requests over HTTP) and in ``benchmarks/freshness.py`` (a simulated
world at real scale, requests counted, not sent). The planner sees only what the crawler knows:
the tracked models with the day each was last fetched, which of them the hub hides from its
listing, and the day's request budget (the hub's rate limit x 86,400 s x ``LW_CRAWL_UTILISATION``).
No request is sent that the ``Ledger`` did not grant, so a day never exceeds its budget.

Two schedules (``LW_CRAWL_SCHEDULE``):

- ``priority``: new ids are all probed, then every model that matters is refreshed every day, in
  tiers: models a sweep or batch did not return (a takedown to confirm), then likeness models (the
  classifier's confidence, a known target first), models the hub hides from its listing, models
  first seen within ``sweep_every_days``; then the long tail once it is ``sweep_every_days`` old,
  then, with what is left, any model an ids= batch refreshes cheaply. Batches wherever the hub has
  them; a hub without (Hugging Face) sweeps its listing daily when that costs less than
  refreshing its likeness models one by one (a page carries 100 models' counters), and fetches a
  listed model by id only when it is new or changed since the last crawl.
- ``legacy``: the schedule the crawler had before, kept to measure against: a full listing sweep
  every ``sweep_every_days``, at most ``gap_probe_budget`` probes and ``refresh_budget`` refreshes
  a day, unlisted models first on sweep days, then the stalest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from likeness_watch.settings import Settings

SCHEDULES = ("priority", "legacy")
KINDS = ("listing", "batch", "detail", "card")
"""Request kinds: a listing page, an ids= batch, one model by id (a probe too), a model card."""
SECONDS_PER_DAY = 86_400
SWEEP_SHARE = 0.8
"""Most of a day's budget a listing sweep may take (the rest: new models, changes, refreshes)."""
DAILY_SWEEP_SHARE = 0.25
"""A sweep within this share of the budget runs every day: it is how a hub without batches
notices takedowns, also of likeness models the classifier missed."""
BACKLOG_WINDOW = 1_000
BACKLOG_MIN_YIELD = 0.01
"""Older unknown ids (below yesterday's watermark) are probed a window at a time, and only while
a window finds a hidden model in at least this share of its probes: where ids are sparse (a
hub's deleted models, a sample of a hub) the backlog would otherwise take the whole day's budget,
a crawl day lasting most of the day for a handful of finds. What is left waits for the next day."""


def daily_budget(rps: float, utilisation: float) -> int:
    """Requests a hub may receive in one day: its rate limit kept up all day, times the utilisation."""
    return int(rps * SECONDS_PER_DAY * utilisation)


class Ledger:
    """Requests granted so far, by phase and kind; never more than the day's budget."""

    def __init__(self, budget: int, spent: Mapping[str, Mapping[str, int]] | None = None) -> None:
        self.budget = budget
        self.spent: dict[str, Counter[str]] = {phase: Counter(k) for phase, k in (spent or {}).items()}

    @property
    def used(self) -> int:
        return sum(sum(kinds.values()) for kinds in self.spent.values())

    @property
    def remaining(self) -> int:
        return max(self.budget - self.used, 0)

    def grant(self, phase: str, kind: str, n: int = 1) -> int:
        """Up to ``n`` requests of ``kind`` (fewer, or none, when the budget runs out)."""
        granted = max(min(n, self.remaining), 0)
        if granted:
            self.spent.setdefault(phase, Counter())[kind] += granted
        return granted

    def take(self, phase: str, kind: str) -> bool:
        """One request, if the budget has one left."""
        return self.grant(phase, kind) == 1

    def by_kind(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for kinds in self.spent.values():
            total.update(kinds)
        return total

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {phase: dict(kinds) for phase, kinds in self.spent.items()}


@dataclass(frozen=True)
class HubProfile:
    """What a hub's API offers the planner."""

    page_size: int
    batch_size: int = 1
    """Models one refresh request returns (Civitai ``/models?ids=``: 100; 1: no batch endpoint)."""
    hides_models: bool = False
    """The listing hides some models (Civitai ``poi``/``minor``): they are probed and fetched by id."""
    reads_per_page: int = 1
    """Requests per listing page (2 where each page is read again to catch a skipping cursor)."""


class ListingStop:
    """When a newest-first listing ends: once a page lies wholly at or below the watermark, after
    ``overlap`` more pages (cursor paging can skip items); a sweep (no watermark) reads to the end."""

    def __init__(self, watermark: Any, overlap: int) -> None:
        self.watermark = watermark
        self.overlap = overlap

    def done(self, keys: Sequence[Any]) -> bool:
        """After a page whose plausible order keys are ``keys``: stop listing?"""
        if self.watermark is None or not keys or max(keys) > self.watermark:
            return False
        if self.overlap <= 0:
            return True
        self.overlap -= 1
        return False


@dataclass
class Candidates:
    """Tracked models not fetched yet today, as parallel arrays (the planner never sees records)."""

    ids: Sequence[Any]
    age: np.ndarray
    """Days since each was last fetched."""
    hidden: np.ndarray
    """Served by id only: an ids= batch never returns it."""
    absent: np.ndarray
    """Today's sweep did not list it (removed, or hidden: a hidden model is never listed)."""
    score: np.ndarray
    """Likeness priority from the classifier (confidence, +1 with a known target); 0: none."""
    recent: np.ndarray
    """First seen within the sweep cycle: young models change and get taken down most."""

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class RefreshPlan:
    """The refreshes of a day in the order they are sent: ``order`` indexes the candidates,
    ``request`` numbers the request each goes in (the members of one ids= batch share one)."""

    order: np.ndarray
    single: np.ndarray
    request: np.ndarray
    deferred: int
    """Candidates left for another day."""

    @property
    def requests(self) -> int:
        return int(self.request.max()) + 1 if len(self.request) else 0

    def groups(self) -> Iterator[tuple[str, np.ndarray]]:
        """(kind, candidate indices) per request, in order: ``batch`` or ``detail``."""
        if not len(self.order):
            return
        by_request = np.argsort(self.request, kind="stable")  # a batch's members need not be adjacent
        cuts = np.flatnonzero(np.diff(self.request[by_request])) + 1
        for members in np.split(by_request, cuts):
            yield ("detail" if self.single[members[0]] else "batch"), self.order[members]


def _requests_of(order: np.ndarray, single: np.ndarray, batch_size: int) -> np.ndarray:
    """Request number of each ordered candidate: singles alone, the others in batches of
    ``batch_size`` sent where their first member stands."""
    position = np.arange(len(order))
    if single.all():
        return position
    batch_no = (np.cumsum(~single) - 1) // batch_size
    first_of_batch = position[~single][::batch_size]
    key = np.where(single, position, first_of_batch[np.minimum(batch_no, len(first_of_batch) - 1)])
    return np.unique(key, return_inverse=True)[1]


def plan_requests(order: np.ndarray, single: np.ndarray, batch_size: int, budget: int) -> RefreshPlan:
    """The longest prefix of ``order`` whose requests fit ``budget``."""
    single = np.asarray(single, dtype=bool)
    needed = np.cumsum(single) + -(-np.cumsum(~single) // batch_size)
    keep = int(np.searchsorted(needed, budget, side="right"))
    kept, kept_single = order[:keep], single[:keep]
    return RefreshPlan(kept, kept_single, _requests_of(kept, kept_single, batch_size), len(order) - keep)


class Planner:
    """One hub's decisions for one day."""

    def __init__(
        self, profile: HubProfile, settings: Settings, day: date, budget: int, first_crawl: bool
    ) -> None:
        self.profile = profile
        self.day = day
        self.budget = budget
        self.first_crawl = first_crawl
        self.schedule = settings.crawl_schedule
        self.cycle = settings.sweep_every_days
        self.overlap = settings.discovery_overlap
        self.gap_probe_budget = settings.gap_probe_budget
        self.refresh_budget = settings.refresh_budget

    @property
    def legacy(self) -> bool:
        return self.schedule == "legacy"

    @property
    def cycle_day(self) -> bool:
        return self.day.toordinal() % self.cycle == 0

    def sweep(self, tracked: Candidates) -> bool:
        """Read the whole listing today (it reveals what disappeared). ``tracked``: the tracked
        models as the refresh would see them before today's reads.

        With batches, ids= refreshes cover tracked models and gap probes the untracked: no sweep
        after the first. Without, a sweep costs a request per page of listed models, refreshing a
        model that matters (likeness, first seen lately) one request each: the sweep runs daily
        when it is the cheaper way to read them or costs at most ``DAILY_SWEEP_SHARE`` of the
        budget, else every cycle. A sweep that would take more than ``SWEEP_SHARE`` of the budget
        is not started: cut short, it would leave every model it did not reach looking removed."""
        if self.first_crawl or (self.legacy and self.cycle_day):
            return True
        if self.legacy or self.profile.batch_size > 1:
            return False
        listed = ~tracked.hidden
        pages = -(-int(listed.sum()) // self.profile.page_size) * self.profile.reads_per_page
        wanted = int((listed & ((tracked.score > 0) | tracked.recent)).sum())
        daily = pages <= wanted or pages <= self.budget * DAILY_SWEEP_SHARE
        return (self.cycle_day or daily) and pages <= self.budget * SWEEP_SHARE

    def listing_stop(self, watermark: Any, sweep: bool) -> ListingStop:
        return ListingStop(None if sweep else watermark, self.overlap)

    def enrich(self, new: Any, changed: Any) -> Any:
        """Fetch a listed model by id (with its card, on hubs that keep cards): new models, and
        models changed since the last crawl (their files and card may be new)."""
        return new | (changed & (not self.legacy))  # elementwise on arrays too

    def probe_quota(self, remaining: int, probed: int, reserved: int, fresh: int) -> int:
        """Gap probes allowed now (``probed``: already sent today). The priority schedule probes
        every ``fresh`` id (above yesterday's watermark: today's hidden uploads), then older unknown
        ids as long as the budget left after ``reserved`` (its refresh tiers 0-2) lasts."""
        if self.legacy:
            return max(min(self.gap_probe_budget - probed, remaining), 0)
        return max(remaining - reserved, min(fresh, remaining), 0)

    def backlog_exhausted(self, hits: Any) -> Any:
        """Whether a full window of backlog probes with ``hits`` finds (elementwise on arrays)
        ends the day's backlog probing (priority schedule; legacy probes up to its quota)."""
        return (hits < BACKLOG_WINDOW * BACKLOG_MIN_YIELD) & (not self.legacy)

    def backlog_spent(self, hits: np.ndarray) -> int:
        """Backlog probes spent when ``hits`` (newest first) are their outcomes: up to the end of
        the first window that did not pay."""
        whole = len(hits) // BACKLOG_WINDOW * BACKLOG_WINDOW
        windows = hits[:whole].reshape(-1, BACKLOG_WINDOW).sum(axis=1)
        failed = np.flatnonzero(self.backlog_exhausted(windows))
        return len(hits) if not len(failed) else int(failed[0] + 1) * BACKLOG_WINDOW

    def reprobe_missing(self, sweep: bool) -> bool:
        """Whether ids that answered 404 before rejoin the day's probe (legacy, on sweep days)."""
        return self.legacy and sweep

    def reprobe_quota(self, remaining: int, reprobed: int) -> int:
        """Ids that answered 404 before (a draft 404s until published) probed again, newest first,
        on cycle days (priority schedule)."""
        if self.legacy or not self.cycle_day:
            return 0
        return max(min(self.gap_probe_budget - reprobed, remaining), 0)

    def card_after(self, last_fetched: Any) -> Any:
        """Refreshing a model by id fetches its card if it changed after this day (an ordinal):
        since it was last fetched (legacy: since the day before yesterday)."""
        return self.day.toordinal() - 2 if self.legacy else last_fetched

    def refresh(self, candidates: Candidates, remaining: int, refreshed: int) -> RefreshPlan:
        """The day's refreshes within ``remaining`` requests (``refreshed``: models already fetched
        by the refresh today)."""
        if self.legacy:
            order = np.lexsort((-candidates.age, ~candidates.absent))
            order = order[: max(self.refresh_budget - refreshed, 0)]
            single = np.full(len(order), self.profile.batch_size == 1)
            return plan_requests(order, single, self.profile.batch_size, remaining)
        order, single, _ = self._tiers(candidates)
        return plan_requests(order, single, self.profile.batch_size, remaining)

    def required_refresh(self, candidates: Candidates) -> int:
        """Requests the refresh needs for tiers 0-2 (what must not wait), reserved before probing."""
        if self.legacy:
            return 0
        order, single, tier = self._tiers(candidates)
        due = tier <= 2
        return plan_requests(order[due], single[due], self.profile.batch_size, 2**62).requests

    def _tiers(self, c: Candidates) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Candidates in refresh order, whether each is fetched alone, and its tier: 0 unlisted by
        today's sweep, 1 priority (likeness, hidden, recent), 2 long tail due, 3 long tail that a
        batch refreshes cheaply (a long-tail model is never fetched alone before it is due).
        Within a tier the stalest go first, a likeness model's age counting (1 + its priority)
        times: a budget too small for the whole tier then rotates through it, surer and
        target-known likeness models more often, instead of starving the least sure."""
        single = c.hidden | (self.profile.batch_size == 1)
        important = (c.score > 0) | c.hidden | c.recent
        tier = np.where(c.absent & ~c.hidden, 0, np.where(important, 1, np.where(c.age >= self.cycle, 2, 3)))
        order = np.lexsort((-c.age * (1 + c.score), tier))
        order = order[~((tier == 3) & single)[order]]
        return order, single[order], tier[order]
