"""Quality gate: the classifier on the labelled evaluation set (precision ≥ 0.95, recall ≥ 0.90)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from likeness_watch.classify.evaluate import EvalReport, evaluate, load_records, main
from likeness_watch.classify.text import has_cjk

EVAL_SET = Path(__file__).with_name("likeness_eval.jsonl")


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return load_records(EVAL_SET)


@pytest.fixture(scope="module")
def report(records: list[dict]) -> EvalReport:
    return evaluate(records)


def test_is_likeness_precision_and_recall(report: EvalReport) -> None:
    assert report.precision.value >= 0.95, report.errors
    assert report.recall.value >= 0.90, report.errors


def test_target_gender_on_likeness_rows(report: EvalReport) -> None:
    assert report.gender_accuracy.value >= 0.95
    assert report.gender_coverage.value >= 0.80


def test_target_country_on_likeness_rows(report: EvalReport) -> None:
    assert report.country_accuracy.value >= 0.90
    assert report.country_coverage.value >= 0.60


def test_nsfw_intent(report: EvalReport) -> None:
    assert report.nsfw_accuracy.value >= 0.95


def test_eval_set_is_varied_and_hard(records: list[dict]) -> None:
    negatives = [r for r in records if not r["expected"]["is_likeness"]]
    names = [r["signals"]["name"] for r in records]
    assert len(records) >= 300
    assert len(negatives) / len(records) >= 0.40
    assert {r["signals"]["hub"] for r in records} == {"civitai", "huggingface"}
    assert sum(has_cjk(name) for name in names) >= 15
    hostile = ("<script", "onerror", "onmouseover", "DROP TABLE", "{{")
    assert sum(any(h in json.dumps(r["signals"]) for h in hostile) for r in records) >= 10
    assert sum(not name.isascii() and not has_cjk(name) for name in names) >= 5  # emoji


def test_committed_eval_set_matches_its_generator() -> None:
    spec = importlib.util.spec_from_file_location(
        "build_likeness_eval", EVAL_SET.with_name("build_likeness_eval.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = [json.loads(line) for line in EVAL_SET.read_text(encoding="utf-8").splitlines()]
    assert module.records == committed


def test_metrics_table_cli(capsys: pytest.CaptureFixture[str]) -> None:
    main([str(EVAL_SET)])
    table = capsys.readouterr().out
    assert "is_likeness precision" in table and "is_likeness recall" in table and "case neg/" in table
