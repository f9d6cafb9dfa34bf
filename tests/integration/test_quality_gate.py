"""The raw gate against the simulator: a faulty hub is stopped, the other flows, a clean re-crawl releases."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from hubsim import sim_base_url
from likeness_watch.crawl import crawl_day
from likeness_watch.quality import QualityGateError, validate_raw
from likeness_watch.raw import committed_partitions, read_manifest

DAY = date(2024, 3, 1)
FAULTS = "civitai:drift,civitai:truncated=0.3,civitai:negative-stats,civitai:null-stats"
FAST = {"rps": 500.0, "max_retries": 4, "timeout_s": 5.0}


def crawl(hub, settings, store, sim):
    return crawl_day(hub, DAY, settings, store, base_url=sim_base_url(sim.url, hub), **FAST)


def test_gate_quarantines_the_faulty_hub_and_a_clean_recrawl_releases_it(sim, settings, store):
    settings = settings.model_copy(update={"gap_probe_budget": 0})  # discovery is enough here
    sim.set_faults(FAULTS)
    faulty = crawl("civitai", settings, store, sim)
    healthy = crawl("huggingface", settings, store, sim)
    fired = {name for request in sim.requests_log for name in request.get("faults") or ()}
    assert {"drift", "truncated", "negative-stats", "null-stats"} <= fired
    assert faulty.status == "landed"  # truncated pages were retried; the crawl itself succeeded

    with pytest.raises(QualityGateError) as failure:
        validate_raw(settings, store, "civitai", DAY)
    message = str(failure.value)
    assert message.startswith(f"raw gate failed for civitai {DAY}")
    summary = failure.value.summary
    assert {o.expectation for o in summary.failures} == {
        "expect_column_values_to_not_be_null(model_id)",  # null-stats: an item without an id
        "expect_column_values_to_not_be_null(record.id)",
        "expect_column_values_to_be_between(record.stats.downloadCount)",  # negative-stats
    }
    null_counters = "expect_column_values_to_not_be_null(record.stats.downloadCount)"  # null-stats fault
    assert null_counters in {o.expectation for o in summary.warnings}  # a warning: counters null on half
    drift = {o.expectation: o.observed for o in summary.drift}  # schema drift: recorded, not blocking
    assert drift["schema_drift(record.nsfwLevel)"].startswith("renamed to record.nsfw_level on ")
    assert drift["schema_drift(record.creator)"].startswith("absent from ")
    assert drift["schema_drift(record.lockedProperties)"].startswith("new on ")

    quarantined = read_manifest(store, "civitai", DAY)
    assert quarantined.status == "quarantined"
    assert "expect_column_values_to_not_be_null(model_id)" in quarantined.quarantine["failed"]
    assert validate_raw(settings, store, "huggingface", DAY).success
    visible = committed_partitions(store)
    assert [(m.hub, m.run_id) for m in visible] == [("huggingface", healthy.run_id)]  # the good hub flows

    sim.set_faults("")
    corrected = crawl("civitai", settings, store, sim)
    assert read_manifest(store, "civitai", DAY).status == "landed"  # invisible until its gate passes
    assert validate_raw(settings, store, "civitai", DAY).success
    released = read_manifest(store, "civitai", DAY)
    assert released.run_id == corrected.run_id and released.quarantine is None
    assert {m.hub for m in committed_partitions(store)} == {"civitai", "huggingface"}

    con = duckdb.connect(str(settings.state), read_only=True)
    runs = con.execute(
        "select hub, count(distinct run_id), bool_or(not success and severity = 'critical') "
        "from validation_results group by hub order by hub"
    ).fetchall()
    con.close()
    assert runs == [("civitai", 2, True), ("huggingface", 1, False)]
