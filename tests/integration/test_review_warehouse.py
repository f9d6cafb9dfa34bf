"""Review decisions through the warehouse: overrides in dim_model and every mart from the next build,
kept by a full rebuild; a reported model taken down two days later shows 48 h in the response-time
mart; a model still up past its deadline raises takedown_overdue once, also when its day was
never scored.

A hand-written Civitai lake over four crawl days (raw_records, the real PartitionWriter): five
models, four of which the classifier calls likeness. Three dbt builds run in this module (before
the decisions, after them, and a full refresh), each shared by the tests that read it.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from likeness_watch.alerts.run import run_alerts_range
from likeness_watch.cli import main
from likeness_watch.raw import PartitionWriter
from likeness_watch.settings import Settings
from likeness_watch.state_store import StateStore
from likeness_watch.store import open_store
from likeness_watch.warehouse import build_warehouse
from tests.integration.raw_records import civitai_model, envelope
from tests.integration.test_warehouse import query

D1, D2, D3, D4 = (date(2025, 5, day) for day in range(1, 5))
MARA = civitai_model(201, "Mara Quillfeather LoRA", ["celebrity", "actress", "woman"], "a1" * 32, 50)
STYLE = civitai_model(202, "Anime Girl Style", ["anime", "style"], "a2" * 32, 5)
TOMAS = civitai_model(203, "Tomas Vandergriff LoRA", ["celebrity", "actor", "man"], "a3" * 32, 20)
INES = civitai_model(204, "Ines Delacroix LoRA", ["celebrity", "actress", "woman"], "a4" * 32, 30)
PETRA = civitai_model(205, "Petra Novakova LoRA", ["celebrity", "actress", "woman"], "a5" * 32, 10)
DECISIONS = """hub,model_id,decision,note,by,decided_at
civitai,201,not_likeness,a fictional character,ann,2025-05-02T08:00:00Z
civitai,202,likeness,"the style is one person's face",ann,2025-05-02T08:05:00Z
civitai,203,reported,notice #1,bob,2025-05-02T00:00:00Z
civitai,204,reported,notice #2,bob,2025-05-02T00:00:00Z
civitai,205,reported,notice #3,bob,2025-05-02T00:00:00Z
civitai,205,removed_by_hub,gone from the site,bob,2025-05-02T10:00:00Z
"""


def write(store: Any, day: date, envelopes: list[dict]) -> None:
    writer = PartitionWriter(store, "civitai", day, records_per_file=3)
    for item in envelopes:
        writer.add(item)
    writer.commit(mode="sweep" if day == D1 else "incremental")


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    root = tmp_path_factory.mktemp("review")
    store = open_store(str(root / "lake"))
    write(store, D1, [envelope("civitai", m["id"], m) for m in (MARA, STYLE, TOMAS, INES, PETRA)])
    write(store, D2, [envelope("civitai", m["id"], m, via="refresh") for m in (TOMAS, INES)])
    write(store, D3, [envelope("civitai", 203, None, 404, via="refresh"), envelope("civitai", 204, INES)])
    write(store, D4, [envelope("civitai", 204, INES, via="refresh")])
    return Settings(
        store=str(root / "lake"),
        warehouse=root / "warehouse.duckdb",
        state=root / "state.duckdb",
        outbox=root / "outbox",
    )


def snapshot(settings: Settings, name: str) -> Path:
    return Path(shutil.copy(settings.warehouse, settings.warehouse.with_name(name)))


@pytest.fixture(scope="module")
def before(settings) -> Path:
    build_warehouse(settings)
    return snapshot(settings, "before.duckdb")


@pytest.fixture(scope="module")
def reviewed(before, settings, tmp_path_factory) -> Path:
    """The decisions loaded through the CLI, then the next (incremental) build."""
    path = tmp_path_factory.mktemp("csv") / "decisions.csv"
    path.write_text(DECISIONS, encoding="utf-8")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("LW_STATE", str(settings.state))
        result = CliRunner().invoke(main, ["review", "--from-csv", str(path)])
    assert result.exit_code == 0, result.output
    build_warehouse(settings)
    return snapshot(settings, "reviewed.duckdb")


@pytest.fixture(scope="module")
def rebuilt(reviewed, settings) -> Path:
    build_warehouse(settings, full_refresh=True)
    return snapshot(settings, "rebuilt.duckdb")


DECIDED = (
    "select model_id, is_likeness, classifier_is_likeness, review_decision, likeness_confidence, "
    "likeness_reasons[-1] from dim_model order by model_id"
)


def test_the_classifier_decides_before_any_review(before):
    rows = {row[0]: row[1:4] for row in query(before, DECIDED)}
    assert rows == {
        "201": (True, True, None),
        "202": (False, False, None),
        "203": (True, True, None),
        "204": (True, True, None),
        "205": (True, True, None),
    }


def test_a_verdict_overrides_the_classifier_with_a_reason_code_and_keeps_its_decision(reviewed):
    rows = {row[0]: row[1:] for row in query(reviewed, DECIDED)}
    assert rows["201"] == (False, True, "not_likeness", 0.0, "review:not_likeness")
    assert rows["202"] == (True, False, "likeness", 1.0, "review:likeness")
    assert rows["203"][:3] == (True, True, None), "reported is no verdict"


def test_overrides_flow_into_every_mart(before, reviewed):
    daily = (
        "select new_likeness_models, active_likeness_models from mart_likeness_daily where day = '2025-05-01'"
    )
    assert query(before, daily) == [(4, 4)]
    assert query(reviewed, daily) == [(4, 4)]  # one in (202), one out (201)
    versions = "select model_id from fct_likeness_versions order by 1"
    assert [row[0] for row in query(before, versions)] == ["201", "203", "204", "205"]
    assert [row[0] for row in query(reviewed, versions)] == ["202", "203", "204", "205"]
    targets = "select string_agg(target_name, ',' order by target_name) from mart_targets"
    assert "Mara Quillfeather" in query(before, targets)[0][0]
    assert "Mara Quillfeather" not in query(reviewed, targets)[0][0]


def test_overrides_survive_a_full_rebuild(reviewed, rebuilt):
    assert query(rebuilt, DECIDED) == query(reviewed, DECIDED)
    assert query(rebuilt, "select * from mart_hub_response_times order by model_id") == query(
        reviewed, "select * from mart_hub_response_times order by model_id"
    )


def test_a_model_taken_down_two_days_after_the_report_shows_48_hours(reviewed):
    rows = query(
        reviewed,
        "select model_id, response_status, taken_down_via, hours_to_takedown, taken_down_at::varchar, "
        "still_up_after_deadline, overdue_on from mart_hub_response_times order by model_id",
    )
    assert rows == [
        ("203", "taken_down_in_time", "crawl", 48.0, "2025-05-04 00:00:00", False, None),
        ("204", "overdue", None, None, None, True, D3),
        ("205", "taken_down_in_time", "review", 10.0, "2025-05-02 10:00:00", False, None),
    ]
    summary = query(
        reviewed,
        "select hub, reported_models, taken_down_in_time, overdue, pending, median_hours_to_takedown, "
        "share_in_time from mart_hub_response_summary",
    )
    assert summary == [("civitai", 3, 2, 1, 0, 29.0, 2 / 3)]


def test_an_overdue_model_raises_one_alert_however_often_days_are_scored(reviewed, settings):
    shutil.copy(reviewed, settings.warehouse)
    first = run_alerts_range(settings, D1, D4, channels={})
    overdue = [a for a in first.new if a.kind == "takedown_overdue"]
    assert [(a.day, a.top_models[0].model_id, a.observed) for a in overdue] == [(D3, "204", 48.0)]
    assert (settings.outbox / f"{overdue[0].alert_id}.json").is_file()
    for start in (D3, D4, D1):
        again = run_alerts_range(settings, start, D4, channels={})
        assert not [a for a in again.new if a.kind == "takedown_overdue"]
    with StateStore.of(settings).reader() as con:
        assert con.execute("select count(*) from alerts where kind = 'takedown_overdue'").fetchall() == [(1,)]


def test_an_overdue_model_whose_day_was_never_scored_is_alerted_by_the_next_run(reviewed, settings, tmp_path):
    """Reports loaded late (the alert runs had already scored D3, when 204 became overdue) are not
    skipped: the next run, scoring D4 only, raises it, with the hours up as that crawl saw them."""
    late = settings.model_copy(update={"state": tmp_path / "state.duckdb", "outbox": tmp_path / "outbox"})
    shutil.copy(reviewed, late.warehouse)
    found = run_alerts_range(late, D4, D4, channels={})
    overdue = [a for a in found.new if a.kind == "takedown_overdue"]
    assert [(a.day, a.top_models[0].model_id, a.observed) for a in overdue] == [(D4, "204", 72.0)]
    again = run_alerts_range(late, D3, D4, channels={})
    assert not [a for a in again.new if a.kind == "takedown_overdue"]


def test_reviewed_models_score_the_classifier(reviewed, settings):
    with pytest.MonkeyPatch.context() as env:
        env.setenv("LW_WAREHOUSE", str(reviewed))
        result = CliRunner().invoke(main, ["review", "--eval"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2].split() == [
        "civitai",
        "2",
        "0.000",
        "(0/1)",
        "0.000",
        "(0/1)",
        "0.000",
    ]
