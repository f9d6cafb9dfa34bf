"""The classifier on hand-labelled real hub records (``real_labels.csv``), per hub, against the goals.

The records stay in ``../shared/real/``; the labels name them by hub and model id. Labelling rules and
the two-pass procedure are in docs/classifier.md ("Real-record evaluation").
"""

from __future__ import annotations

import pytest

from likeness_watch.classify.evaluate import EvalReport, evaluate, format_report
from tests.eval.real_records import labelled_records, read_labels
from tests.eval.real_sample import CIVITAI_FILE, HF_FILE, REAL_DIR

# (precision, recall) goals per hub (issue "Likeness classification that holds on real hub data").
GOALS = {"civitai": (0.95, 0.90), "huggingface": (0.90, 0.80)}
MIN_LABELS = {"civitai": 600, "huggingface": 300}

pytestmark = pytest.mark.skipif(
    not (REAL_DIR / CIVITAI_FILE).exists() or not (REAL_DIR / HF_FILE).exists(),
    reason=f"{REAL_DIR} is absent: the real-record evaluation needs ../shared/real/ beside the project",
)


@pytest.fixture(scope="module")
def reports() -> dict[str, EvalReport]:
    records = labelled_records(read_labels())
    out = {}
    for hub in GOALS:
        hub_records = [r for r in records if r["signals"]["hub"] == hub]
        out[hub] = evaluate(hub_records)
        print(f"\n== {hub}: real records\n{format_report(out[hub], len(hub_records))}")
    return out


def test_the_labelled_set_is_large_and_stratified() -> None:
    labels = read_labels()
    for hub, minimum in MIN_LABELS.items():
        assert sum(row["hub"] == hub for row in labels) >= minimum
    strata = {row["stratum"] for row in labels if row["hub"] == "civitai"}
    assert {"civitai:LORA:poi=true", "civitai:LORA:poi=false", "civitai:Checkpoint:poi=false"} <= strata
    assert len({(row["hub"], row["model_id"]) for row in labels}) == len(labels)


@pytest.mark.parametrize("hub", sorted(GOALS))
def test_precision_and_recall_per_hub(reports: dict[str, EvalReport], hub: str) -> None:
    precision, recall = GOALS[hub]
    report = reports[hub]
    assert report.precision.value >= precision, report.errors
    assert report.recall.value >= recall, report.errors


def test_gender_on_found_targets(reports: dict[str, EvalReport]) -> None:
    report = reports["civitai"]
    assert report.gender_accuracy.value >= 0.95
    assert report.gender_coverage.value >= 0.80


def test_country_accuracy_on_decided_targets(reports: dict[str, EvalReport]) -> None:
    assert reports["civitai"].country_accuracy.value >= 0.85


@pytest.mark.xfail(
    strict=True,
    reason="open goal: 60 % of found targets with a decided country; Western names carry no country "
    "cue the metadata shows (docs/classifier.md, remaining errors)",
)
def test_country_decided_for_most_found_targets(reports: dict[str, EvalReport]) -> None:
    assert reports["civitai"].country_coverage.value >= 0.60
