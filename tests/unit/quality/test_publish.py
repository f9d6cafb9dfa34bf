"""Candidate builds: the published warehouse changes only when a candidate is published; the state
store (alert history, gate results) is never part of it, and a warehouse of an earlier version
hands its history over once."""

from __future__ import annotations

import errno
import shutil
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime

import duckdb
import pytest

from likeness_watch.quality.publish import candidate_path, prepare_candidate, publish_candidate
from likeness_watch.quality.results_table import write_results
from likeness_watch.quality.summary import Outcome, QualityGateError, ValidationSummary
from likeness_watch.quality.warehouse import WAREHOUSE_LAYERS, mark_passed, passed_stamp
from likeness_watch.state_store import TABLES as STATE_TABLES
from likeness_watch.state_store import StateStore, create_schema
from likeness_watch.warehouse.access import writer_lock

NOW = datetime(2025, 5, 2, 6, 0)


def gate_summary(run_id):
    outcome = Outcome("marts_x", "expect_x", True, "critical", "ok", "{}", None, None)
    return ValidationSummary(run_id, datetime(2025, 5, 2, tzinfo=UTC), "marts", "t", [outcome])


def query(path, sql):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def build(path, value):
    """What dbt does: tables, and views that name the catalog (the file's name)."""
    con = duckdb.connect(str(path))
    con.execute("create or replace table mart as select ? as v", [value])
    catalog = con.execute("select current_database()").fetchone()[0]
    con.execute(f'create or replace view mart_view as select v from "{catalog}"."main"."mart"')
    con.close()


def gated(settings):
    """What the passing staging and marts gates leave behind on the candidate."""
    for layer in WAREHOUSE_LAYERS:
        mark_passed(candidate_path(settings), layer)


def test_first_build_has_nothing_to_copy(settings):
    candidate = prepare_candidate(settings)
    assert candidate == candidate_path(settings) and not candidate.exists()
    assert candidate.name == settings.warehouse.name  # same catalog name inside DuckDB


def test_failed_gate_leaves_published_marts_intact(settings):
    build(settings.warehouse, "yesterday")
    candidate = prepare_candidate(settings)
    assert query(candidate, "select v from mart") == [("yesterday",)]  # incremental models continue from it
    build(candidate, "today")
    # the gate failed: nothing is published
    assert query(settings.warehouse, "select v from mart_view") == [("yesterday",)]
    assert query(candidate, "select v from mart_view") == [("today",)]


def tables(path):
    return {name for (name,) in query(path, "select table_name from duckdb_tables()")}


def test_publish_swaps_in_the_candidate_and_copies_no_state(settings):
    state = StateStore.of(settings)
    build(settings.warehouse, "yesterday")
    write_results(state, gate_summary("before-build"))
    candidate = prepare_candidate(settings)
    build(candidate, "today")
    write_results(state, gate_summary("during-build"))  # gates write to the state store
    gated(settings)
    assert publish_candidate(settings) == settings.warehouse
    assert not candidate.exists()
    assert query(settings.warehouse, "select v from mart_view") == [("today",)]
    assert not tables(settings.warehouse) & set(STATE_TABLES)
    runs = query(state.path, "select run_id, count(*) from validation_results group by 1 order by 1")
    assert runs == [("before-build", 1), ("during-build", 1)]


def test_publishing_without_a_candidate_is_an_error(settings):
    with pytest.raises(QualityGateError, match="no candidate"):
        publish_candidate(settings)


def test_only_a_candidate_that_passed_every_gate_as_it_is_now_is_published(settings):
    """A publish cleared by hand after a failed gate, or a rebuild after the gates, is refused."""
    build(settings.warehouse, "yesterday")
    candidate = prepare_candidate(settings)
    build(candidate, "today")
    mark_passed(candidate, "staging")  # the marts gate failed
    with pytest.raises(QualityGateError, match="not passed the marts gate"):
        publish_candidate(settings)
    gated(settings)
    mark_passed(candidate, "marts", passed_now=False)  # a later run of the marts gate failed
    with pytest.raises(QualityGateError, match="not passed the marts gate"):
        publish_candidate(settings)
    gated(settings)
    time.sleep(0.01)
    build(candidate, "rebuilt after the gates")
    with pytest.raises(QualityGateError, match="staging and marts gate"):
        publish_candidate(settings)
    assert query(settings.warehouse, "select v from mart_view") == [("yesterday",)]
    gated(settings)
    publish_candidate(settings)
    assert query(settings.warehouse, "select v from mart_view") == [("rebuilt after the gates",)]
    assert not passed_stamp(candidate).exists()


def spike(day):
    from likeness_watch.alerts.model import Alert

    return Alert(kind="spike", hub="civitai", day=day, severity="high", title="t", observed=9, expected=2)


def test_alert_history_written_during_a_build_is_untouched_by_the_publish(settings):
    """The alert DAG records and delivers while the next build runs: publishing must neither
    lose nor bring back anything (an alert would be recorded and sent again)."""
    from likeness_watch.alerts import history

    state = StateStore.of(settings)
    build(settings.warehouse, "yesterday")
    first, later = spike(date(2025, 5, 1)), spike(date(2025, 5, 2))
    with state.writer() as con:
        history.record(con, [first], lambda alert: ["slack"], NOW)
    candidate = prepare_candidate(settings)
    build(candidate, "today")
    with state.writer() as con:  # meanwhile, the alert run of the last marts
        history.record(con, [later], lambda alert: ["slack"], NOW)
        history.mark_delivered(con, first.alert_id, "slack", NOW)
    gated(settings)
    publish_candidate(settings)
    assert query(settings.warehouse, "select v from mart_view") == [("today",)]
    with state.writer() as con:
        assert history.delivery_counts(con) == {("slack", "delivered"): 1, ("slack", "pending"): 1}
        assert history.record(con, [first, later], lambda alert: ["slack"], NOW) == []  # none again


HOLD_STATE = (
    "import sys, time; from pathlib import Path; from likeness_watch.state_store import StateStore; "
    "store = StateStore(Path(sys.argv[1]), Path(sys.argv[2]))\n"
    "with store.writer():\n    print('held', flush=True); time.sleep(60)"
)


def test_publish_does_not_wait_for_an_alert_run(settings):
    """An alert run holds the state store (its writer lock and the file), never the warehouse."""
    build(settings.warehouse, "yesterday")
    build(prepare_candidate(settings), "today")
    gated(settings)
    args = [sys.executable, "-c", HOLD_STATE, str(settings.state), str(settings.warehouse)]
    holder = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        publish_candidate(settings)
        assert holder.poll() is None, "the alert run ended before the publish did"
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert query(settings.warehouse, "select v from mart_view") == [("today",)]


def legacy_warehouse(settings):
    """A warehouse of the version that kept the history in it: an alert delivered, a gate result."""
    from likeness_watch.alerts import history

    build(settings.warehouse, "yesterday")
    con = duckdb.connect(str(settings.warehouse))
    create_schema(con)
    con.execute(f"drop table {'state_migrations'}")
    history.record(con, [spike(date(2025, 5, 1))], lambda alert: ["slack"], NOW)
    history.mark_delivered(con, spike(date(2025, 5, 1)).alert_id, "slack", NOW)
    con.close()
    write_legacy_results(settings.warehouse)


def write_legacy_results(warehouse):
    con = duckdb.connect(str(warehouse))
    con.execute(
        "insert into validation_results values ('old-run', '2025-05-01 06:00', 'marts', 's', null, null, "
        "'expect_x', true, '{}', 'critical')"
    )
    con.close()


def test_a_warehouse_of_an_earlier_version_hands_its_history_over_once(settings):
    from likeness_watch.alerts import history

    legacy_warehouse(settings)
    state = StateStore.of(settings)
    for _ in range(2):  # the first writer migrates, later ones find it done
        with state.writer() as con:
            assert history.delivery_counts(con) == {("slack", "delivered"): 1}
            assert con.execute("select run_id from validation_results").fetchall() == [("old-run",)]
    with state.writer() as con:
        assert history.record(con, [spike(date(2025, 5, 1))], lambda alert: ["slack"], NOW) == []
        [(source, copied)] = con.execute("select source, copied from state_migrations").fetchall()
    assert source == str(settings.warehouse)
    assert copied == '{"alerts": 1, "alert_deliveries": 1, "validation_results": 1}'

    build(prepare_candidate(settings), "today")
    gated(settings)
    publish_candidate(settings)  # the published file sheds its stale copies
    assert not tables(settings.warehouse) & set(STATE_TABLES)
    with state.reader() as con:
        assert history.delivery_counts(con) == {("slack", "delivered"): 1}


def test_publish_migrates_the_history_before_shedding_it(settings):
    """Even when no gate or alert run opened the state store since the upgrade."""
    legacy_warehouse(settings)
    build(prepare_candidate(settings), "today")
    gated(settings)
    assert not settings.state.exists()
    publish_candidate(settings)
    assert query(settings.state, "select count(*) from alerts") == [(1,)]
    assert not tables(settings.warehouse) & set(STATE_TABLES)


def test_a_migration_that_fails_leaves_nothing_half_copied(settings, monkeypatch):
    legacy_warehouse(settings)
    con = duckdb.connect(str(settings.warehouse))
    con.execute("alter table validation_results drop column severity")  # not null in the store
    con.close()
    with pytest.raises(duckdb.ConstraintException):
        StateStore.of(settings).ensure()
    assert query(settings.state, "select count(*) from alerts") == [(0,)]
    assert query(settings.state, "select count(*) from state_migrations") == [(0,)]


def test_publish_waits_for_a_writer_of_the_published_file(settings):
    build(settings.warehouse, "yesterday")
    build(prepare_candidate(settings), "today")
    gated(settings)
    published = threading.Event()
    with writer_lock(settings.warehouse):
        publisher = threading.Thread(target=lambda: (publish_candidate(settings), published.set()))
        publisher.start()
        assert not published.wait(1.0), "published while another process was writing the file"
    publisher.join(timeout=60)
    assert published.is_set()
    assert query(settings.warehouse, "select v from mart_view") == [("today",)]


def test_disk_full_during_the_copy_leaves_no_partial_and_names_the_path(settings, monkeypatch):
    build(settings.warehouse, "yesterday")
    partial = candidate_path(settings).with_name(settings.warehouse.name + ".partial")

    def disk_full(source, target):
        with open(source, "rb") as src, open(target, "wb") as dst:
            dst.write(src.read(4096))
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch, pytest.raises(OSError, match="No space left on device") as raised:
        patch.setattr(shutil, "copyfile", disk_full)
        prepare_candidate(settings)
    assert raised.value.errno == errno.ENOSPC and str(partial) in str(raised.value)
    assert not partial.exists() and not candidate_path(settings).exists()

    partial.write_bytes(b"left by a killed run")
    assert query(prepare_candidate(settings), "select v from mart") == [("yesterday",)]
    assert not partial.exists()
