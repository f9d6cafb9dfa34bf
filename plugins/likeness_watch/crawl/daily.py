"""One hub, one day: discover new models, probe id gaps, refresh tracked models, commit.

What to request is the planner's (``crawl.plan``: which days sweep, how many probes, which
refreshes in which batches, within the day's request budget); this module sends it, metering
every request against the budget, and records what each phase bought (manifest ``phases``).
Scales to real hubs by never listing everything daily:
1. discovery: newest-first pages until the previous partition's watermark (+ overlap pages, since
   cursor paging can skip items); on the planner's sweep days (always the first crawl) the whole
   listing is read, which is how disappearances are noticed. A hub without ids
   to probe (Hugging Face) has each page read again with one item more: the item after the page
   must be listed, else a skipping cursor jumped over it and it is recorded from that read;
2. gap probe (Civitai): ids between the watermark and today's newest id that the listing did not
   show are fetched with ``/models/:id`` — ``poi`` (real person) models are hidden from the list;
3. refresh: tracked models not read today, in the planner's order and batches; a 404 on a
   tracked model is a removal event (a tombstone record).
Progress is checkpointed every few pages; a rerun after a crash resumes from the cursor. The
partition lands (manifest status ``landed``, invisible to readers) and only the raw gate commits
it; a rerun that finds it landed does not crawl again, it leaves the partition to the gate.

A failing listing page stops the crawl (resumably). A failing per-model call (a detail, a probe,
a refresh) is counted in the manifest's anomalies and skipped, so one broken model cannot block
a hub's day; only ``MAX_CONSECUTIVE_ITEM_ERRORS`` in a row or ``MAX_ITEM_ERRORS`` in all stop it.
A probe or refresh that failed names its model in the manifest's ``unread``: no loss is silent.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from itertools import chain, islice
from typing import Any, TypeVar

import numpy as np
from more_itertools import before_and_after, ilen
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from likeness_watch.crawl.plan import BACKLOG_WINDOW, Candidates, HubProfile, Ledger, Planner, daily_budget
from likeness_watch.crawl.priority import load_priorities
from likeness_watch.crawl.state import CrawlState
from likeness_watch.http import HubClient, HubHTTPError, MalformedResponse
from likeness_watch.hubs.base import Fetched, HubAdapter, Page
from likeness_watch.hubs.registry import adapter_class, hub_settings
from likeness_watch.raw import (
    Manifest,
    PartitionWriter,
    latest_before,
    points,
    read_manifest,
    remove_superseded,
)
from likeness_watch.raw.lock import crawl_lock
from likeness_watch.raw.manifest import LANDED, ManifestError
from likeness_watch.raw.writer import utc_now
from likeness_watch.settings import Settings
from likeness_watch.store import ObjectStore

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
"""(phase, items done by this call, hub requests made so far by the crawl)."""
CHECKPOINT_EVERY_PAGES = 10
MAX_CURSOR_REPEATS = 3
"""Visits of one cursor (a hub glitch may hand one back twice; a cycle hands them back forever)."""
MAX_EMPTY_PAGES = 5
"""Consecutive pages that add nothing (empty, or only items already listed) that end discovery."""
MAX_CONSECUTIVE_ITEM_ERRORS = 5
MAX_ITEM_ERRORS = 100
MAX_COUNTED_GAPS = 1_000_000
REFRESH_CHUNK = 100
PHASES = ("discovery", "gap_probe", "refresh")
T = TypeVar("T")


class CrawlError(RuntimeError):
    """The crawl could not finish; its progress is checkpointed and a rerun resumes."""


class BudgetSpent(Exception):
    """The day's request budget is used up: the phase ends, what it did not read waits for another day."""


_page_retry = retry(
    retry=retry_if_exception_type(MalformedResponse),
    stop=stop_after_attempt(4),
    wait=wait_exponential_jitter(multiplier=0.5, max=10),
    reraise=True,
)


class DailyCrawl:
    def __init__(
        self,
        adapter: HubAdapter,
        store: ObjectStore,
        settings: Settings,
        progress: Progress | None = None,
        priorities: Mapping[str, float] | None = None,
    ) -> None:
        self.adapter = adapter
        self.hub = adapter.spec.name
        self.day = adapter.day
        self.store = store
        self.settings = settings
        self.progress = progress or (lambda phase, n, requests: None)
        self.priorities = priorities or {}
        """model_id → likeness priority from the warehouse (``likeness_watch.crawl.priority``)."""
        self.writer = PartitionWriter(store, self.hub, self.day)
        previous = latest_before(store, self.hub, self.day)
        self.prev_day = date.fromisoformat(previous.dt) if previous else None
        self.state = CrawlState.load(store, self.hub, self.prev_day)
        self.prev_key: Any = previous.watermark.get("max_key") if previous else None
        profile = HubProfile(
            adapter.settings.page_size,
            adapter.batch_size,
            adapter.supports_gap_probe,
            reads_per_page=1 if adapter.supports_gap_probe else 2,  # _successor reads each page again
        )
        budget = daily_budget(adapter.settings.rps, settings.crawl_utilisation)
        self.planner = Planner(profile, settings, self.day, budget, first_crawl=previous is None)
        resume = self.writer.resume_state
        self.mode: str = resume.get("mode") or (  # a resumed run keeps the day's decision
            "sweep" if self.planner.sweep(self._candidates(absent=False)) else "incremental"
        )
        self.ledger = Ledger(budget, resume.get("ledger"))
        self.phase: str = resume.get("phase", PHASES[0])
        self.cursor: str | None = resume.get("cursor")
        self.max_key: Any = resume.get("max_key", self.prev_key)
        resumed = self.writer.resumed_via
        self.listed: set[str] = resumed.get("listing", set()) | resumed.get("sweep", set())
        self.gone: set[str] = set(resume.get("gone", []))
        self.missing_today: set[str] = set(resume.get("missing_today", []))
        self.hidden_today: set[str] = set(resume.get("hidden_today", [])) | resumed.get("gap_probe", set())
        """Models fetched by id today that no listing or batch returned (hidden from listings)."""
        self.shown_today: set[str] = set(resume.get("shown_today", []))
        """Models an ids= batch returned today (like listed ones, not hidden)."""
        self.via_counts: Counter[str] = Counter(resume.get("via_counts", {}))
        self.anomalies: Counter[str] = Counter(resume.get("anomalies", {}))
        self.unread: dict[str, list[str]] = resume.get("unread", {})
        self.successor: dict[str, Any] | None = resume.get("successor")
        """The listing item after the last page read (hubs without a gap probe), to be verified."""
        self.phase_stats: dict[str, Counter[str]] = {
            phase: Counter(resume.get("phases", {}).get(phase, {})) for phase in PHASES
        }
        self.consecutive_item_errors = 0

    # -- bookkeeping ---------------------------------------------------------------------------
    def _resume_state(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "phase": self.phase,
            "cursor": self.cursor,
            "max_key": self.max_key,
            "gone": sorted(self.gone),
            "missing_today": sorted(self.missing_today),
            "hidden_today": sorted(self.hidden_today),
            "shown_today": sorted(self.shown_today),
            "via_counts": dict(self.via_counts),
            "anomalies": dict(self.anomalies),
            "unread": self.unread,
            "successor": self.successor,
            "phases": {phase: dict(stats) for phase, stats in self.phase_stats.items()},
            "ledger": self.ledger.as_dict(),
        }

    def _checkpoint(self) -> None:
        self.writer.stats["requests"] = self._requests()
        self.writer.checkpoint(self._resume_state())

    def _requests(self) -> int:
        return self._requests_before + self.adapter.client.requests_made

    def _metered(self, kind: str, call: Callable[..., T]) -> Callable[..., T]:
        """``call`` as one request of ``kind`` granted by the day's budget (each retry another);
        ``BudgetSpent`` when none is left."""

        def metered(*args: Any) -> T:
            if not self.ledger.take(self.phase, kind):
                raise BudgetSpent(kind)
            return call(*args)

        return metered

    def _phases(self) -> dict[str, dict[str, int]]:
        """Per phase what its requests bought (records, new models, removals...) and how many it sent."""
        return {
            phase: {**stats, "requests": sum(self.ledger.spent.get(phase, {}).values())}
            for phase, stats in self.phase_stats.items()
        }

    def _record(
        self,
        model_id: str | None,
        via: str,
        status: int,
        record: dict[str, Any] | None,
        card: dict[str, Any] | None = None,
    ) -> None:
        envelope: dict[str, Any] = {
            "hub": self.hub,
            "model_id": model_id,
            "via": via,
            "fetched_at": utc_now(),
            "http_status": status,
            "record": record,
            "error": None if record is not None else f"HTTP {status}",
        }
        if card is not None:
            envelope["card"] = card
        if model_id is None:
            self.anomalies["items_without_id"] += 1
        if self.writer.add(envelope):
            self.via_counts[via] += 1
            self.phase_stats[self.phase]["records"] += 1
            if record is not None and model_id is not None and model_id not in self.state.tracked:
                self.phase_stats[self.phase]["new"] += 1
        else:
            self.anomalies["duplicates_dropped"] += 1

    # -- phases --------------------------------------------------------------------------------
    def run(self) -> Manifest:
        self._requests_before = self.writer.stats.get("requests", 0)
        if self.writer.resumed:
            log.info("%s %s: resuming from checkpoint in phase %s", self.hub, self.day, self.phase)
        try:
            for phase in PHASES[PHASES.index(self.phase) :]:
                self.phase = phase
                try:
                    getattr(self, f"_{phase}")()
                except BudgetSpent:
                    self.anomalies[f"{phase}_cut_by_budget"] += 1
                    log.warning("%s %s: request budget spent in %s", self.hub, self.day, phase)
                self._checkpoint()
        except (HubHTTPError, MalformedResponse) as exc:
            self._checkpoint()
            raise CrawlError(f"{self.hub} {self.day}: {exc} (progress saved; rerun to resume)") from exc
        self._save_state()
        self.writer.stats["requests"] = self._requests()
        return self.writer.commit(
            status=LANDED,
            mode=self.mode,
            watermark={"max_key": self.max_key},
            via_counts=dict(self.via_counts),
            phases=self._phases(),
            anomalies=dict(self.anomalies),
            unread=self.unread,
            plan={
                "schedule": self.planner.schedule,
                "budget": self.ledger.budget,
                "requests": dict(self.ledger.by_kind()),
            },
        )

    def _discovery(self) -> None:
        via = "sweep" if self.mode == "sweep" else "listing"
        stop_at = None if self.mode == "sweep" else self.prev_key
        stop = self.planner.listing_stop(self.prev_key, self.mode == "sweep")
        visits: Counter[str] = Counter()
        idle_pages = 0
        while True:
            page: Page = _page_retry(self._metered("listing", self.adapter.list_newest))(self.cursor)
            self.writer.stats["pages_fetched"] += 1
            self.phase_stats["discovery"]["pages"] += 1
            keys = self._watermark_keys(page.items)
            fresh = sum(self._discover_item(item, via, stop_at) for item in page.items)
            fresh += self._recover_skipped(via, stop_at)
            if keys:
                self.max_key = max([*keys, self.max_key] if self.max_key is not None else keys)
            self.progress("discovery", len(page.items), self._requests())
            idle_pages = 0 if fresh else idle_pages + 1
            if not page.items:
                self.anomalies["empty_pages"] += 1
            elif not fresh:
                self.anomalies["pages_without_new_items"] += 1
            if stop.done(keys):
                break
            if page.next_cursor is None or idle_pages >= MAX_EMPTY_PAGES:
                break
            visits[page.next_cursor] += 1
            if visits[page.next_cursor] > 1:
                self.anomalies["repeated_cursors"] += 1
                if visits[page.next_cursor] >= MAX_CURSOR_REPEATS:
                    raise HubHTTPError(self.hub, page.next_cursor, 200, "cursors repeat in a cycle")
            self.successor = self._successor(page)
            self.cursor = page.next_cursor
            if self.phase_stats["discovery"]["pages"] % CHECKPOINT_EVERY_PAGES == 0:
                self._checkpoint()
        self.cursor = None

    def _successor(self, page: Page) -> dict[str, Any] | None:
        """The item after ``page``'s last, from the page's own cursor read with one item more
        (the items a cursor serves are right; the next cursor it hands out may skip one). Only for
        hubs without a gap probe: on Civitai the probe finds a skipped id."""
        if self.adapter.supports_gap_probe or not page.items:
            return None

        def read_again() -> Page:
            again = self._metered("listing", self.adapter.list_newest)(self.cursor, len(page.items) + 1)
            if not again.items:
                raise MalformedResponse(f"{self.hub}: a listing page read again came back empty")
            return again

        again = _page_retry(read_again)()
        if len(again.items) > len(page.items):
            return again.items[len(page.items)]
        self.anomalies["boundaries_unchecked"] += 1  # a capped page size, or the listing shrank: counted
        return None

    def _recover_skipped(self, via: str, stop_at: Any) -> bool:
        """Record the previous page's successor if the page just read did not list it."""
        successor, self.successor = self.successor, None
        model_id = None if successor is None else self.adapter.model_id(successor)
        if successor is None or model_id is None or model_id in self.listed:
            return False
        self.anomalies["skipped_items_recovered"] += 1
        return self._discover_item(successor, via, stop_at)

    def _unread(self, model_id: str) -> None:
        """A model this phase meant to read and could not (its call failed after retries)."""
        self.unread.setdefault(f"{self.phase}_errors", []).append(model_id)

    def _watermark_keys(self, items: list[dict[str, Any]]) -> list[Any]:
        """Order keys that may move the watermark: one absurd key (a far-future date, an id far
        beyond yesterday's newest) would otherwise end every later day's discovery at once."""
        keys = [key for key in map(self.adapter.order_key, items) if key is not None]
        plausible = [key for key in keys if self.adapter.plausible_key(key, self.prev_key)]
        if len(plausible) < len(keys):
            self.anomalies["implausible_order_keys"] += len(keys) - len(plausible)
        return plausible

    def _discover_item(self, item: dict[str, Any], via: str, stop_at: Any) -> bool:
        """Record a listed item (its detail record where the hub needs one); False: a duplicate."""
        model_id = self.adapter.model_id(item)
        if model_id is not None:
            if model_id in self.listed:
                self.anomalies["duplicates_dropped"] += 1
                return False
            self.listed.add(model_id)
        key = self.adapter.order_key(item)
        is_new = model_id is not None and model_id not in self.state.tracked
        changed = model_id is not None and not is_new and self._changed(item)
        if changed:
            self.phase_stats[self.phase]["changed"] += 1
        new = is_new and (stop_at is None or key is None or key > stop_at)
        if model_id is not None and self.adapter.has_cards and self.planner.enrich(new, changed):
            enriched = self._by_id(model_id)
            if enriched is not None and enriched.record is not None:
                self._record(model_id, via, enriched.status, enriched.record, enriched.card)
                return True
        self._record(model_id, via, 200, item)
        return True

    def _changed(self, item: dict[str, Any]) -> bool:
        """A listed model the hub says changed since the previous crawl (HF: a new commit)."""
        return self.prev_day is not None and self.adapter.modified_since(item, self.prev_day)

    def _by_id(self, model_id: str, card_after: date | None = None) -> Fetched | None:
        """One model fetched by id, with its model card where the hub keeps cards and the model
        changed after the day ``card_after`` (None: in any case); None: the call failed (counted)."""
        fetched = self._per_model(self._metered("detail", self.adapter.fetch), model_id)
        if fetched is None or fetched.record is None or not self.adapter.has_cards:
            return fetched
        if card_after is not None and not self.adapter.modified_since(fetched.record, card_after):
            return fetched
        return self._per_model(self._metered("card", self.adapter.with_card), fetched) or fetched

    def _per_model(self, call: Callable[[Any], T], argument: Any) -> T | None:
        """One model's call (retried like a page); a failure is counted and skipped (None)."""
        try:
            result = _page_retry(call)(argument)
        except (HubHTTPError, MalformedResponse) as exc:
            self.anomalies[f"{self.phase}_errors"] += 1
            self.consecutive_item_errors += 1
            total = sum(self.anomalies[f"{phase}_errors"] for phase in PHASES)
            if self.consecutive_item_errors >= MAX_CONSECUTIVE_ITEM_ERRORS or total >= MAX_ITEM_ERRORS:
                raise
            log.warning("%s %s: skipped one model after errors: %s", self.hub, self.day, exc)
            return None
        self.consecutive_item_errors = 0
        return result

    def _gap_probe(self) -> None:
        if not self.adapter.supports_gap_probe or self.max_key is None:
            return
        known = self.listed | set(self.state.tracked) | set(self.state.removed)
        if not self.planner.reprobe_missing(self.mode == "sweep"):
            known |= self.state.missing
        candidates = (
            model_id
            for model_id in self.adapter.gap_candidates(known, 0, self.max_key)
            if model_id not in self.missing_today and model_id not in self.writer.seen
        )
        reserved = self.planner.required_refresh(self._candidates(absent=self.mode == "sweep"))
        # Above yesterday's watermark: today's uploads (on a first crawl every id is backlog).
        fresh, older = before_and_after(
            lambda m: self.prev_key is not None and int(m) > self.prev_key, candidates
        )
        fresh_ids = list(fresh)
        pending = chain(fresh_ids, older)
        stats = self.phase_stats["gap_probe"]
        quota = self.planner.probe_quota(self.ledger.remaining, stats["probes"], reserved, len(fresh_ids))
        window_hits = 0
        for n, model_id in enumerate(islice(pending, quota), start=1):
            stats["probes"] += 1
            window_hits += self._probe(model_id)
            backlog = n - len(fresh_ids)
            if backlog > 0 and backlog % BACKLOG_WINDOW == 0:
                if self.planner.backlog_exhausted(window_hits):
                    self.anomalies["backlog_probing_paused"] += 1
                    break
                window_hits = 0
            elif backlog == 0:
                window_hits = 0
        self.anomalies["gaps_unprobed"] = ilen(islice(pending, MAX_COUNTED_GAPS))
        again = sorted(self.state.missing - self.missing_today - self.writer.seen, key=int, reverse=True)
        for model_id in again[: self.planner.reprobe_quota(self.ledger.remaining, stats["reprobes"])]:
            stats["reprobes"] += 1
            self._probe(model_id)

    def _probe(self, model_id: str) -> bool:
        """One id the listing did not show: a hidden model (recorded: True), or a gap (404)."""
        fetched = self._by_id(model_id)
        self.progress("gap_probe", 1, self._requests())
        if fetched is None:
            self._unread(model_id)
        elif fetched.record is None:
            if int(model_id) <= self.max_key:  # above the newest listed id it may simply not exist yet
                self.missing_today.add(model_id)
        else:
            self.hidden_today.add(model_id)
            self._record(model_id, "gap_probe", fetched.status, fetched.record)
            return True
        return False

    def _refresh(self) -> None:
        """Tracked models not fetched yet today, in the planner's order and within its budget."""
        candidates = self._candidates(absent=self.mode == "sweep")
        plan = self.planner.refresh(candidates, self.ledger.remaining, self.phase_stats["refresh"]["fetched"])
        unsaved = 0
        for kind, members in plan.groups():
            model_ids = [candidates.ids[i] for i in members]
            results = self._refreshed(model_ids) if kind == "batch" else self._refreshed_one(model_ids[0])
            for fetched in results:
                self.phase_stats["refresh"]["fetched"] += 1
                if fetched.status == 404:
                    self.gone.add(fetched.model_id)
                    self.phase_stats["refresh"]["gone"] += 1
                self._record(fetched.model_id, "refresh", fetched.status, fetched.record, fetched.card)
            self.progress("refresh", len(model_ids), self._requests())
            unsaved += len(model_ids)
            if unsaved >= REFRESH_CHUNK:
                unsaved = 0
                self._checkpoint()

    def _candidates(self, absent: bool) -> Candidates:
        """Tracked models not fetched yet today, in the state's order (by id), as the planner sees
        them; ``absent``: today's sweep listed every live, listable model and not these."""
        tracked = self.state.tracked
        ids = [model_id for model_id in tracked if model_id not in self.writer.seen]
        ordinals = {day: date.fromisoformat(day).toordinal() for day in set(tracked.values())}
        today = self.day.toordinal()
        age = np.fromiter((today - ordinals[tracked[m]] for m in ids), dtype=np.int64, count=len(ids))
        hidden = np.fromiter((m in self.state.hidden for m in ids), dtype=bool, count=len(ids))
        score = np.fromiter((self.priorities.get(m, 0.0) for m in ids), dtype=np.float64, count=len(ids))
        recent = np.fromiter((m in self.state.recent for m in ids), dtype=bool, count=len(ids))
        return Candidates(ids, age, hidden, np.full(len(ids), absent), score, recent)

    def _refreshed_one(self, model_id: str) -> list[Fetched]:
        """One model by id (with its card if it changed since the planner's day)."""
        last = date.fromisoformat(self.state.tracked[model_id]).toordinal()
        fetched = self._by_id(model_id, card_after=date.fromordinal(self.planner.card_after(last)))
        if fetched is None:
            self._unread(model_id)
            return []
        return [fetched]

    def _refreshed(self, model_ids: list[str]) -> list[Fetched]:
        """One ids= batch; the models it leaves out (hidden, removed) are then fetched by id. A batch
        that fails is fetched one by one, each failure skipped as one model's."""
        try:
            found = _page_retry(self._metered("batch", self.adapter.refresh_batch))(model_ids)
        except (HubHTTPError, MalformedResponse) as exc:
            log.warning("%s %s: batch refresh failed, fetching one by one: %s", self.hub, self.day, exc)
            found = {}
        self.shown_today.update(found)
        done = []
        for model_id in model_ids:
            if model_id in found:
                done.append(Fetched(model_id, 200, found[model_id]))
            elif fetched := self._by_id(model_id):
                done.append(fetched)
                if fetched.record is not None:  # served by id, left out of the batch
                    self.hidden_today.add(model_id)
            else:
                self._unread(model_id)
        return done

    def _save_state(self) -> None:
        today = self.day.isoformat()
        state = self.state
        new = self.writer.seen - self.gone - state.tracked.keys()
        for model_id in self.writer.seen - self.gone:
            state.tracked[model_id] = today
            state.removed.pop(model_id, None)
            state.missing.discard(model_id)
        for model_id in self.gone:
            state.tracked.pop(model_id, None)
            state.removed[model_id] = today
        state.missing |= self.missing_today
        hidden = (state.hidden | self.hidden_today) - self.listed - self.shown_today
        state.hidden = {model_id for model_id in hidden if model_id in state.tracked}
        oldest = (self.day - timedelta(days=self.settings.sweep_every_days - 1)).isoformat()
        state.recent = {m: day for m, day in state.recent.items() if day >= oldest and m in state.tracked}
        if self.prev_day is not None:  # a first crawl sees everything for the first time
            state.recent.update(dict.fromkeys(new, today))
        state.save(self.store, self.hub, self.day)
        points.reached("state_saved")


def crawl_day(
    hub: str,
    day: date,
    settings: Settings,
    store: ObjectStore,
    progress: Progress | None = None,
    **hub_overrides: object,
) -> Manifest:
    """Crawl one hub for one day into ``store`` and commit the partition (idempotent per day).

    ``hub_overrides`` (e.g. ``base_url``, ``rps``) take precedence over env and registry defaults.
    One crawl per hub and day at a time (``raw.lock``): a second one raises ``LockHeld``.
    """
    per_hub = hub_settings(hub, **hub_overrides)
    with crawl_lock(store, hub, day):
        if (landed := _landed(store, hub, day)) is not None:
            return landed
        client = HubClient(hub, per_hub)
        try:
            adapter = adapter_class(hub)(client, per_hub, day)
            priorities = load_priorities(settings.warehouse, hub)
            return DailyCrawl(adapter, store, settings, progress, priorities).run()
        finally:
            client.close()


def _landed(store: ObjectStore, hub: str, day: date) -> Manifest | None:
    """The day's partition if an earlier run landed it and no gate has judged it yet (cleaned of
    that run's leftovers): a retry after a crash between landing and gating finishes the gate
    instead of crawling again. A corrupt manifest counts as none: the crawl replaces it."""
    try:
        manifest = read_manifest(store, hub, day)
    except ManifestError as exc:
        log.warning("%s: crawling the day again to replace it", exc)
        return None
    if manifest is None or manifest.status != LANDED:
        return None
    log.info("%s %s: run %s landed already and awaits the raw gate", hub, day, manifest.run_id)
    remove_superseded(store, manifest)
    return manifest
