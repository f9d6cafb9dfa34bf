"""The report's "Classifier on reviewed models" section: the classifier scored per hub on the models
with a reviewer's verdict, as ``likeness-watch review --eval`` prints it, from the same computation."""

from __future__ import annotations

from likeness_watch.classify.evaluate import evaluate_decided
from likeness_watch.report import tables
from likeness_watch.report.build import build_report, save_report
from likeness_watch.report.study import load_study
from likeness_watch.report.warehouse import load_report_data
from likeness_watch.review.evaluation import reviewed_evaluation
from tests.unit.report.page import section


def test_each_hub_shows_precision_recall_and_f1_with_their_counts(full_report, full_warehouse):
    table = full_report.tables["reviewed_evaluation"]
    assert table.to_dict("records") == [
        {"hub": "civitai", "reviewed_models": 5, "precision": "0.500 (2/4)", "recall": "0.667 (2/3)",
         "F1": "0.571"},
        {"hub": "huggingface", "reviewed_models": 2, "precision": "1.000 (1/1)", "recall": "1.000 (1/1)",
         "F1": "1.000"},
    ]  # fmt: skip
    cli = reviewed_evaluation(full_warehouse)  # what `review --eval` prints: the same figures
    assert [(hub, *report.scores()) for hub, report in cli.items()] == [
        (row["hub"], str(row["reviewed_models"]), row["precision"], row["recall"], row["F1"])
        for row in table.to_dict("records")
    ]
    shown = section(full_report.html, "reviewed")
    assert "Reviewed models are not a random sample: reviewers see what alerts show them" in " ".join(
        shown.split()
    )
    assert '<td class="nowrap">0.500 (2/4)</td>' in shown and '<td class="num">5</td>' in shown
    assert '<td class="nowrap">0.571</td>' in shown and "nan" not in shown.lower()
    assert 'href="#reviewed"' in full_report.html


def test_the_table_is_written_as_csv(tmp_path, full_report):
    save_report(full_report, tmp_path)
    assert (tmp_path / "tables" / "reviewed_evaluation.csv").read_text().splitlines() == [
        "hub,reviewed_models,precision,recall,F1",
        "civitai,5,0.500 (2/4),0.667 (2/3),0.571",
        "huggingface,2,1.000 (1/1),1.000 (1/1),1.000",
    ]


def test_no_verdict_yet_is_one_line(full_data, no_charts):
    report = build_report(type(full_data)(**{**full_data.__dict__, "reviewed": {}}), load_study())
    shown = section(report.html, "reviewed")
    assert "No reviewed models yet" in shown
    assert "<table" not in shown and "nan" not in shown.lower()
    assert shown.count('<p class="na">') == 1 and 'class="muted"' not in shown


def test_a_warehouse_built_before_review_decisions_says_so(minimal_warehouse, no_charts):
    data = load_report_data(minimal_warehouse)
    assert data.reviewed is None and "dim_model.review_decision" in data.unavailable
    report = build_report(data, load_study())
    assert "Review verdicts (dim_model.review_decision, classifier_is_likeness) are not available" in section(
        report.html, "reviewed"
    )
    assert "reviewed_evaluation" not in report.tables


def test_a_ratio_with_nothing_to_count_is_n_a_not_nan():
    reports = evaluate_decided([("civitai", False, False), ("civitai", False, False)])  # true negatives only
    assert tables.reviewed_evaluation(reports).to_dict("records") == [
        {"hub": "civitai", "reviewed_models": 2, "precision": "n/a (0/0)", "recall": "n/a (0/0)", "F1": "n/a"}
    ]
