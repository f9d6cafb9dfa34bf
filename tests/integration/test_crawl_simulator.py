"""The daily crawl against the hub simulator: completeness, watermark, faults, resume, takedowns."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date

import pytest

from hubsim import sim_base_url
from likeness_watch.crawl import CrawlError, crawl_day
from likeness_watch.raw import committed_partitions, iter_envelopes, read_manifest
from likeness_watch.raw.integrity import set_status
from likeness_watch.raw.layout import checkpoint_key, partition_prefix
from likeness_watch.settings import Settings
from likeness_watch.store import open_store

DAY = date(2025, 5, 20)
EARLY = date(2023, 4, 1)  # a small hub: fast tests that still page (with a small page size)
FAST = {"rps": 500.0, "max_retries": 4, "timeout_s": 5.0}


def crawl(hub, day, lake, url, **overrides):
    """One crawl, committed as a passing raw gate would (the next day's baseline is a committed day)."""
    settings = Settings(store=str(lake), gap_probe_budget=100_000)
    store = open_store(str(lake))
    landed = crawl_day(hub, day, settings, store, base_url=sim_base_url(url, hub), **{**FAST, **overrides})
    assert landed.status == "landed"
    return set_status(store, landed, "committed", None)


def envelopes(lake, manifest):
    return list(iter_envelopes(open_store(str(lake)), [f.key for f in manifest.files]))


@pytest.fixture(scope="module")
def baseline(sim_world, tmp_path_factory):
    """Both hubs crawled once for DAY (a first crawl, i.e. a sweep); shared by read-only tests."""
    from hubsim import SimServer

    lake = tmp_path_factory.mktemp("baseline") / "lake"
    with SimServer(sim_world, host="127.0.0.1", port=0) as server:
        manifests = {hub: crawl(hub, DAY, lake, server.url) for hub in ("civitai", "huggingface")}
        log = list(server.requests_log)
    return lake, manifests, log


def copy_of(baseline, tmp_path):
    lake = tmp_path / "lake"
    shutil.copytree(baseline[0], lake)
    return lake


def test_first_crawl_finds_every_live_model_including_hidden_poi(baseline, sim_world):
    lake, manifests, _ = baseline
    manifest = manifests["civitai"]
    assert manifest.mode == "sweep" and manifest.status == "committed"
    rows = {e["model_id"]: e for e in envelopes(lake, manifest) if e["http_status"] == 200}
    oldest_listed = min(int(e["model_id"]) for e in rows.values() if e["via"] == "sweep")
    t = sim_world.asof(DAY)
    live = {m for m in sim_world.civitai if m.live(t) and m.key > oldest_listed}  # older ids are never probed
    assert {str(m.key) for m in live} <= set(rows)
    hidden = [m for m in live if m.poi or m.minor]
    assert hidden, "the world should hide some models from the listing"
    assert {rows[str(m.key)]["via"] for m in hidden} == {"gap_probe"}
    assert manifest.record_count == len(envelopes(lake, manifest))
    assert manifest.via_counts["sweep"] + manifest.via_counts["gap_probe"] == manifest.record_count


def test_huggingface_records_carry_file_sha256(baseline):
    lake, manifests, _ = baseline
    rows = envelopes(lake, manifests["huggingface"])
    assert rows and all(e["model_id"].count("/") == 1 for e in rows)
    open_repos = [e["record"] for e in rows if not e["record"].get("gated")]  # gated: detail answers 401/403
    weights = [
        sibling
        for record in open_repos
        for sibling in record.get("siblings", [])
        if sibling.get("rfilename", "").endswith(".safetensors")
    ]
    assert weights and all(len(sibling["lfs"]["sha256"]) == 64 for sibling in weights)


def test_metadata_only_no_weights_or_images_requested(baseline):
    _, _, log = baseline
    assert log
    assert not [r for r in log if r.get("forbidden")]
    assert not [
        r for r in log if "download" in r["path"] or "/images/" in r["path"] or "/resolve/" in r["path"]
    ]


def test_hostile_strings_are_stored_exactly_as_received(baseline):
    lake, manifests, _ = baseline
    texts = [
        f"{e['record'].get('name', '')} {e['record'].get('description', '')}"
        for e in envelopes(lake, manifests["civitai"])
        if e["record"]
    ]
    assert any("<script>" in t or "<!channel>" in t or "onerror" in t for t in texts)


def test_next_day_is_incremental_and_stops_at_the_watermark(baseline, sim, sim_world, tmp_path):
    lake = copy_of(baseline, tmp_path)
    next_day = date(2025, 5, 21)
    second = crawl("civitai", next_day, lake, sim.url, refresh_budget=0)
    assert second.mode == "incremental"
    assert second.pages_fetched < baseline[1]["civitai"].pages_fetched
    t0, t1 = sim_world.asof(DAY), sim_world.asof(next_day)
    created_today = {str(m.key) for m in sim_world.civitai if t0 <= m.created < t1 and m.live(t1)}
    seen = {e["model_id"] for e in envelopes(lake, second) if e["http_status"] == 200}
    assert created_today and created_today <= seen
    assert second.new_models >= len(created_today)


def test_ban_day_takedowns_become_removal_events(baseline, sim, sim_world, tmp_path):
    lake = copy_of(baseline, tmp_path)
    after = date(2025, 5, 24)
    tracked = {e["model_id"] for e in envelopes(lake, baseline[1]["civitai"]) if e["http_status"] == 200}
    manifest = crawl("civitai", after, lake, sim.url, refresh_budget=100_000)
    rows = envelopes(lake, manifest)
    tombstones = {e["model_id"] for e in rows if e["http_status"] == 404}
    taken_down = {e["model_id"] for e in rows if (e["record"] or {}).get("mode") == "TakenDown"}
    t0, t1 = sim_world.asof(DAY), sim_world.asof(after)
    removed = {
        str(m.key)
        for m in sim_world.civitai
        if str(m.key) in tracked and m.removed is not None and t0 <= m.removed < t1
    }
    assert len(removed) > 50, "the ban day removes likeness models en masse"
    assert removed <= tombstones | taken_down
    assert all(e["record"] is None and e["via"] == "refresh" for e in rows if e["http_status"] == 404)


def test_faults_do_not_change_what_is_collected(sim, tmp_path):
    clean = crawl("civitai", EARLY, tmp_path / "clean", sim.url, page_size=10)
    clean_ids = {e["model_id"] for e in envelopes(tmp_path / "clean", clean)}
    sim.set_faults(
        "429=0.1,5xx=0.1,malformed=0.1,truncated=0.1,duplicates=0.5,repeat-cursor=0.2,skip-one=0.5"
    )
    faulty = crawl("civitai", EARLY, tmp_path / "faulty", sim.url, page_size=10)
    faulty_ids = [e["model_id"] for e in envelopes(tmp_path / "faulty", faulty)]
    assert len(faulty_ids) == len(set(faulty_ids)), "duplicates across pages must be dropped"
    assert set(faulty_ids) == clean_ids, "items skipped by cursor paging are recovered by gap probing"
    fired = {name for r in sim.requests_log for name in r.get("faults", [])}
    assert {"429", "5xx", "skip-one", "duplicates"} <= fired
    assert faulty.anomalies.get("duplicates_dropped", 0) > 0


def test_interrupted_crawl_resumes_from_checkpoint(sim, tmp_path):
    lake = tmp_path / "lake"
    pages = Counter()

    def fail_after_three_pages(phase: str, count: int, requests: int) -> None:
        pages[phase] += 1
        if phase == "discovery" and pages[phase] == 3:
            sim.set_faults("5xx=1.0")

    settings = Settings(store=str(lake), gap_probe_budget=100_000)
    store = open_store(str(lake))
    with pytest.raises(CrawlError, match="rerun to resume"):
        crawl_day(
            "civitai", EARLY, settings, store, progress=fail_after_three_pages,
            base_url=sim_base_url(sim.url, "civitai"), rps=500.0, max_retries=1, page_size=10,
        )  # fmt: skip
    assert read_manifest(store, "civitai", EARLY) is None, "no half partition may look complete"
    assert store.exists(checkpoint_key("civitai", EARLY))
    sim.set_faults("")
    before = len(sim.requests_log)
    resumed = crawl("civitai", EARLY, lake, sim.url, page_size=10)
    first_request = sim.requests_log[before]
    assert "cursor=" in first_request["query"], "the resumed crawl continues from the saved cursor"
    ids = [e["model_id"] for e in envelopes(lake, resumed)]
    assert len(ids) == len(set(ids)) == resumed.record_count
    assert resumed.pages_fetched > 3 and not store.exists(checkpoint_key("civitai", EARLY))


def test_rerun_replaces_partition_idempotently(sim, tmp_path):
    lake = tmp_path / "lake"
    first = crawl("huggingface", EARLY, lake, sim.url)
    second = crawl("huggingface", EARLY, lake, sim.url)
    assert first.record_count == second.record_count > 0
    assert first.run_id != second.run_id
    store = open_store(str(lake))
    prefix = partition_prefix("huggingface", EARLY)
    assert set(store.list(prefix)) == {f.key for f in second.files} | {prefix + "manifest.json"}
    assert len(committed_partitions(store, "huggingface")) == 1
