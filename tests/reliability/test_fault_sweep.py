"""The fault-profile sweep: each hub is crawled for two days (a first crawl, then a day with
yesterday's state: a scheduled sweep under the legacy schedule, the default priority schedule's
ids= refreshes and probes of new ids on Civitai) while the simulator injects every transport and
paging fault at once, and each day's partition is compared with the simulator's own truth of
which models the day had to read. A model is either in the partition or named in the manifest's
``unread`` (by reason); one that is neither is a silent loss, and there must be none.

The gap-probe budget is lifted, so every loss comes from a fault (a budget that cannot probe every
gap is a choice, counted as ``gaps_unprobed``); page sizes are small and retries few, so that the
faults reach page boundaries and exhaust per-model retries. A crawl that fails (a listing page
failed after its retries) is rerun from its checkpoint, as the DAG's retries would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from hubsim import SimServer, sim_base_url
from likeness_watch.crawl import CrawlError, crawl_day
from likeness_watch.crawl.state import CrawlState
from likeness_watch.raw import Manifest, iter_envelopes
from likeness_watch.raw.integrity import set_status
from likeness_watch.settings import Settings
from likeness_watch.store import ObjectStore, open_store

pytestmark = pytest.mark.slow

PROFILE = (
    "429=0.005,5xx=0.15,malformed=0.03,truncated=0.03,"
    "duplicates=0.1,repeat-cursor=0.05,skip-one=0.2,empty-page=0.05"
)
"""Every transport and paging fault of the simulator (item faults change data, not what is read;
the raw gate owns them)."""
FIRST, SWEEP = date(2024, 3, 2), date(2024, 3, 3)
"""A first crawl (a sweep: nothing known yet), then a scheduled sweep day (ordinal divisible by 7)."""
KNOBS = {"rps": 1000.0, "max_retries": 1, "timeout_s": 5.0, "page_size": 20}
MAX_RUNS = 10
HUBS = ("civitai", "huggingface")
SCHEDULES = ("legacy", "priority")


@dataclass
class DayOutcome:
    hub: str
    day: date
    expected: set[str]
    present: set[str]
    manifest: Manifest
    runs: int

    @property
    def schedule(self) -> str:
        return self.manifest.plan["schedule"]

    @property
    def lost(self) -> set[str]:
        return self.expected - self.present

    @property
    def counted(self) -> set[str]:
        return {model_id for ids in self.manifest.unread.values() for model_id in ids}

    @property
    def silent(self) -> set[str]:
        return self.lost - self.counted


def crawl_until_landed(hub: str, day: date, settings: Settings, store: ObjectStore, url: str) -> tuple:
    for run in range(1, MAX_RUNS + 1):
        try:
            landed = crawl_day(hub, day, settings, store, base_url=sim_base_url(url, hub), **KNOBS)
        except CrawlError:
            continue
        return set_status(store, landed, "committed", None), run
    pytest.fail(f"{hub} {day} did not land in {MAX_RUNS} runs")


def expected_models(world, hub: str, day: date, tracked: set[str]) -> set[str]:
    """What the day had to read: every model live at its end, and on a day with history every
    tracked one (refreshed: a removal answers with its tombstone). Civitai ids below the oldest
    listable model of the first day are out of any crawl's reach (nothing below the oldest id
    seen is probed), faults or not."""
    t = world.asof(day)
    live = [m for m in world.models(hub) if m.live(t)]
    if hub == "civitai":
        first = world.asof(FIRST)
        floor = min(m.key for m in world.civitai if m.live(first) and not (m.poi or m.minor))
        live = [m for m in live if m.key >= floor]
    return {str(m.key) for m in live} | tracked


@pytest.fixture(scope="module", params=SCHEDULES)
def outcomes(request, sim_world, tmp_path_factory) -> dict[tuple[str, date], DayOutcome]:
    lake = tmp_path_factory.mktemp(f"faults-{request.param}") / "lake"
    settings = Settings(store=str(lake), gap_probe_budget=100_000, crawl_schedule=request.param)
    store = open_store(str(lake))
    found = {}
    with SimServer(sim_world, host="127.0.0.1", port=0, faults=PROFILE) as server:
        for hub in HUBS:
            tracked: set[str] = set()
            for day in (FIRST, SWEEP):
                manifest, runs = crawl_until_landed(hub, day, settings, store, server.url)
                present = {str(e["model_id"]) for e in iter_envelopes(store, [f.key for f in manifest.files])}
                expected = expected_models(sim_world, hub, day, tracked)
                found[hub, day] = DayOutcome(hub, day, expected, present, manifest, runs)
                tracked = set(CrawlState.load(store, hub, day).tracked)
        fired = {name for entry in server.requests_log for name in entry.get("faults") or ()}
    assert {"5xx", "malformed", "truncated", "skip-one", "duplicates", "empty-page"} <= fired
    return found


@pytest.mark.parametrize("day", [FIRST, SWEEP], ids=["first-crawl", "sweep-day"])
@pytest.mark.parametrize("hub", HUBS)
def test_every_model_a_faulty_day_should_read_is_in_the_partition_or_counted(
    outcomes, hub, day, record_property
):
    outcome = outcomes[hub, day]
    if outcome.schedule == "legacy" or day == FIRST:
        assert outcome.manifest.mode == "sweep"
    unread = {reason: len(ids) for reason, ids in outcome.manifest.unread.items()}
    recovered = outcome.manifest.anomalies.get("skipped_items_recovered", 0)
    record_property(
        "figure",
        f"fault sweep ({outcome.schedule}) {hub} {day}: {len(outcome.expected)} models to read, "
        f"{len(outcome.lost)} not read, "
        f"{len(outcome.lost & outcome.counted)} of them named in unread {unread}, {len(outcome.silent)} "
        f"silent; {recovered} skipped by paging and recovered; {outcome.runs} run(s)",
    )
    assert outcome.manifest.anomalies.get("gaps_unprobed", 0) == 0
    assert not outcome.silent, f"lost without a trace: {sorted(outcome.silent)}"


def test_the_profile_reaches_the_loss_paths(outcomes):
    """The sweep proves something only if the faults bit: per-model calls failed after their
    retries (named in ``unread``) and Hugging Face's cursors skipped items (recovered)."""
    days = (FIRST, SWEEP)
    assert any(outcomes["civitai", day].manifest.unread for day in days)
    recovered = sum(
        outcomes["huggingface", day].manifest.anomalies.get("skipped_items_recovered", 0) for day in days
    )
    assert recovered > 0
