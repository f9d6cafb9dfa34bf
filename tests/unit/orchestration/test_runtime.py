"""Airflow-facing helpers: which day a crawl run covers, and verdicts that must not be retried."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import pytest
from airflow.sdk.exceptions import AirflowFailException

from likeness_watch.orchestration.runtime import CrawlProgressLog, crawl_day_of, verdicts_are_final
from likeness_watch.quality import QualityGateError

NOW = datetime(2025, 5, 10, 13, 30, tzinfo=UTC)


def test_a_run_crawls_its_day_param_else_its_logical_date():
    assert crawl_day_of("2025-05-01", datetime(2025, 5, 8, tzinfo=UTC), NOW) == date(2025, 5, 1)
    assert crawl_day_of(None, datetime(2025, 5, 1, tzinfo=UTC), NOW) == date(2025, 5, 1)


def test_a_manual_run_never_crawls_an_unfinished_day():
    assert crawl_day_of(None, None) == datetime.now(UTC).date() - timedelta(days=1)
    assert crawl_day_of(None, NOW, NOW) == date(2025, 5, 9)  # the trigger form's "now"
    with pytest.raises(ValueError, match="not over yet"):
        crawl_day_of("2025-05-10", None, NOW)


def test_crawl_progress_is_logged_per_phase_and_at_a_steady_cadence(caplog):
    caplog.set_level(logging.INFO, logger="likeness_watch.orchestration.runtime")
    progress = CrawlProgressLog("civitai", date(2025, 5, 1), every=0)
    progress("discovery", 100, 1)
    progress("discovery", 50, 2)
    progress("refresh", 20, 3)
    progress.finish()
    lines = [record.getMessage() for record in caplog.records]
    assert "Crawl civitai 2025-05-01 phase discovery so far: 2 pages, 150 items, 2 requests in" in lines[1]
    assert "phase discovery done: 2 pages, 150 items, 2 requests" in lines[2]
    assert "phase refresh done: 1 batches, 20 items, 1 requests" in lines[-1] and "requests/s" in lines[-1]


def test_a_failed_gate_fails_its_task_for_good_but_gate_errors_retry():
    with pytest.raises(AirflowFailException, match="expect_column"), verdicts_are_final():
        raise QualityGateError("raw gate failed: expect_column_values_to_not_be_null(model_id)")
    with pytest.raises(OSError), verdicts_are_final():
        raise OSError("store unreachable")


def test_lw_builds_candidate_skips_a_partition_whose_files_changed(tmp_path, monkeypatch):
    """Cosmos runs dbt without ``build_warehouse``: preparing the candidate does its checksum check."""
    from likeness_watch.orchestration.runtime import prepare_candidate
    from likeness_watch.raw import PartitionWriter, committed_partitions, read_manifest
    from likeness_watch.store import open_store

    lake = tmp_path / "lake"
    for name, value in {
        "STORE": lake,
        "WAREHOUSE": tmp_path / "w.duckdb",
        "STATE": tmp_path / "s.duckdb",
    }.items():
        monkeypatch.setenv(f"LW_{name}", str(value))
    store = open_store(str(lake))
    manifests = []
    for day in (date(2025, 4, 30), date(2025, 5, 1)):
        writer = PartitionWriter(store, "civitai", day)
        writer.add({"hub": "civitai", "model_id": "1", "via": "listing", "record": {"id": 1}})
        manifests.append(writer.commit(mode="sweep"))
    store.put_bytes(manifests[1].files[0].key, b"not what was committed")
    prepare_candidate()
    assert [m.run_id for m in committed_partitions(store)] == [manifests[0].run_id]
    assert manifests[1].files[0].key in read_manifest(store, "civitai", date(2025, 5, 1)).quarantine["reason"]
