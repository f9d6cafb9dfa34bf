"""``likeness-watch review`` through click: one line per user error, nothing written on one."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from likeness_watch.cli import main
from likeness_watch.review.decisions import list_decisions
from likeness_watch.settings import Settings
from likeness_watch.state_store import StateStore


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def review(runner: CliRunner, *args: str):
    return runner.invoke(main, ["review", *args])


def recorded(settings: Settings) -> list[dict]:
    return list_decisions(StateStore.of(settings))


def test_a_decision_is_recorded_with_who_and_why(runner, settings, monkeypatch):
    monkeypatch.setenv("USER", "tsreviewer")
    monkeypatch.setenv("LOGNAME", "tsreviewer")
    result = review(
        runner, "--hub", "civitai", "--model", "101", "--decision", "reported", "--note", "form #7"
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("recorded: civitai 101 reported by tsreviewer at ")
    result = review(runner, "--hub", "civitai", "--model", "101", "--decision", "likeness", "--by", "ann")
    assert result.exit_code == 0, result.output
    assert [
        (row["decision"], row["decided_by"], row["note"], row["source"]) for row in recorded(settings)
    ] == [
        ("reported", "tsreviewer", "form #7", "cli"),
        ("likeness", "ann", None, "cli"),
    ]


def test_the_list_shows_hostile_strings_inert(runner, settings):
    result = review(
        runner, "--hub", "civitai", "--model", "9\x1b[2J", "--decision", "reported", "--note", "\u202egnp.exe"
    )
    assert result.exit_code == 0, result.output
    listed = review(runner, "--list", "--hub", "civitai")
    assert listed.exit_code == 0
    assert "9\\x1b[2J" in listed.output and "\\u202egnp.exe" in listed.output
    assert "\x1b" not in listed.output and "\u202e" not in listed.output
    assert listed.output.rstrip().endswith("1 decision(s).")


def test_a_csv_loads_all_rows_once(runner, settings, tmp_path):
    path = tmp_path / "decisions.csv"
    path.write_text(
        "hub,model_id,decision,note,by,decided_at\n"
        "civitai,101,not_likeness,a cosplay,ann,2025-05-02T09:00:00Z\n"
        "huggingface,fan/x,reported,,bob,2025-05-02T10:00:00Z\n",
        encoding="utf-8",
    )
    first = review(runner, "--from-csv", str(path))
    assert first.exit_code == 0 and "recorded 2 new decision(s)" in first.output
    again = review(runner, "--from-csv", str(path))
    assert again.exit_code == 0 and "recorded 0 new decision(s)" in again.output
    assert [row["source"] for row in recorded(settings)] == ["csv:decisions.csv"] * 2


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["--hub", "civitai", "--model", "1", "--decision", "maybe"], "Invalid value for '--decision'", 2),
        (["--hub", "tensorart", "--model", "1", "--decision", "reported"], "Invalid value for '--hub'", 2),
        (["--decision", "reported", "--hub", "civitai"], "--decision needs --hub and --model", 2),
        (["--list", "--note", "x"], "--note cannot go with --list", 2),
        (["--list", "--eval"], "give one of", 2),
        ([], "give one of", 2),
        (["--from-csv", "/nonexistent/d.csv"], "does not exist", 2),
        (["--hub", "civitai", "--model", " ", "--decision", "reported"], "model_id=", 1),
        (["--eval"], "run `likeness-watch build` first", 1),
    ],
)
def test_user_errors_are_one_line_and_write_nothing(runner, settings, args, message, code):
    result = review(runner, *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not Path(settings.state).exists()


def test_a_bad_row_fails_the_whole_csv(runner, settings, tmp_path):
    review(runner, "--hub", "civitai", "--model", "1", "--decision", "reported", "--by", "ann")
    before = recorded(settings)
    path = tmp_path / "d.csv"
    path.write_text(
        "hub,model_id,decision,note,by\ncivitai,2,likeness,,ann\ncivitai,3,reportd,,ann\n", encoding="utf-8"
    )
    result = review(runner, "--from-csv", str(path))
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {path} line 3: decision='reportd': Input should be 'likeness', 'not_likeness', "
        "'reported' or 'removed_by_hub'"
    )
    assert recorded(settings) == before


def test_eval_scores_the_classifier_on_reviewed_models_per_hub(runner, settings):
    con = duckdb.connect(str(settings.warehouse))
    con.execute(
        "create table dim_model as select * from (values "
        "('civitai', '1', 'likeness', true), ('civitai', '2', 'likeness', false), "
        "('civitai', '3', 'not_likeness', true), ('civitai', '4', 'not_likeness', false), "
        "('civitai', '5', null, true), ('huggingface', 'a/b', 'likeness', true)) "
        "as t(hub, model_id, review_decision, classifier_is_likeness)"
    )
    con.close()
    result = review(runner, "--eval")
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.splitlines()[1:]]
    assert lines[1] == ["civitai", "4", "0.500", "(1/2)", "0.500", "(1/2)", "0.500"]
    assert lines[2] == ["huggingface", "1", "1.000", "(1/1)", "1.000", "(1/1)", "1.000"]
