"""Score the classifier against a labelled JSON Lines set and print a metrics table.

    python -m likeness_watch.classify.evaluate tests/eval/likeness_eval.jsonl [--errors]

Each line: ``{"id", "case", "signals": {...staging schema...}, "expected": {"is_likeness",
"nsfw_intent", ["target_gender", "target_country"]}}``.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from likeness_watch.classify.classifier import classifier_version, classify

NO_VALUE = "n/a"
"""A ratio or F1 with nothing to count (0/0), as printed."""


@dataclass
class Ratio:
    """hits / total, with the total kept so small denominators stay visible."""

    hits: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else float("nan")

    def count(self, hit: bool) -> None:
        self.hits += hit
        self.total += 1

    def __str__(self) -> str:
        """``0.500 (1/2)``; ``n/a (0/0)`` when nothing was counted (no NaN in a printed table)."""
        shown = f"{self.value:.3f}" if self.total else NO_VALUE
        return f"{shown} ({self.hits}/{self.total})"


@dataclass
class EvalReport:
    precision: Ratio = field(default_factory=Ratio)
    recall: Ratio = field(default_factory=Ratio)
    gender_accuracy: Ratio = field(default_factory=Ratio)  # likeness rows with a known gender, decided
    gender_coverage: Ratio = field(default_factory=Ratio)  # ... of which the classifier decided
    country_accuracy: Ratio = field(default_factory=Ratio)
    country_coverage: Ratio = field(default_factory=Ratio)
    nsfw_accuracy: Ratio = field(default_factory=Ratio)
    by_case: dict[str, Ratio] = field(default_factory=lambda: defaultdict(Ratio))
    errors: list[dict[str, Any]] = field(default_factory=list)
    labelled: int = 0
    """Decisions counted by ``count`` (true negatives included)."""

    @property
    def f1(self) -> float:
        p, r = self.precision.value, self.recall.value
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def f1_text(self) -> str:
        """F1 as printed: ``n/a`` when precision or recall has nothing to count."""
        return f"{self.f1:.3f}" if self.precision.total and self.recall.total else NO_VALUE

    def scores(self) -> tuple[str, str, str, str]:
        """Labelled decisions, precision, recall and F1 as printed (``0.500 (1/2)``, ratios with
        their counts): one line of ``format_by_group``, one row of the study report's table."""
        return str(self.labelled), str(self.precision), str(self.recall), self.f1_text

    def count(self, truth: bool, predicted: bool) -> None:
        """One labelled ``is_likeness`` decision in precision and recall."""
        self.labelled += 1
        if predicted:
            self.precision.count(truth)
        if truth:
            self.recall.count(predicted)


def load_records(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate(records: list[dict[str, Any]]) -> EvalReport:
    """Precision/recall of ``is_likeness``; gender/country accuracy on true likeness rows; NSFW accuracy."""
    report = EvalReport()
    for record in records:
        expected = record["expected"]
        decision = classify(record["signals"])
        truth, predicted = expected["is_likeness"], decision["is_likeness"]
        report.count(truth, predicted)
        report.by_case[record.get("case", "?")].count(truth == predicted)
        if expected.get("nsfw_intent") is not None:  # real-record labels leave it out
            report.nsfw_accuracy.count(decision["nsfw_intent"] == expected["nsfw_intent"])
        if truth and predicted:
            _attribute(report.gender_accuracy, report.gender_coverage, expected, decision, "target_gender")
            _attribute(report.country_accuracy, report.country_coverage, expected, decision, "target_country")
        if truth != predicted:
            report.errors.append(
                {
                    "id": record.get("id"),
                    "case": record.get("case"),
                    "name": record["signals"].get("name"),
                    "expected": truth,
                    "reasons": decision["likeness_reasons"],
                }
            )
    return report


def evaluate_decided(rows: Iterable[tuple[str, bool, bool]]) -> dict[str, EvalReport]:
    """Precision/recall of decisions already made, per group: ``(group, truth, predicted)`` rows,
    e.g. (hub, a reviewer's verdict, the classifier's decision) for the reviewed models."""
    reports: dict[str, EvalReport] = defaultdict(EvalReport)
    for group, truth, predicted in rows:
        reports[group].count(bool(truth), bool(predicted))
    return dict(sorted(reports.items()))


def _attribute(accuracy: Ratio, coverage: Ratio, expected: dict, decision: dict, key: str) -> None:
    truth = expected.get(key, "unknown")
    if truth == "unknown":
        return
    decided = decision[key] != "unknown"
    coverage.count(decided)
    if decided:
        accuracy.count(decision[key] == truth)


def format_report(report: EvalReport, records: int) -> str:
    rows = [
        ("records", str(records)),
        ("classifier_version", classifier_version()),
        ("is_likeness precision", str(report.precision)),
        ("is_likeness recall", str(report.recall)),
        ("is_likeness F1", report.f1_text),
        ("target_gender accuracy (decided)", str(report.gender_accuracy)),
        ("target_gender coverage", str(report.gender_coverage)),
        ("target_country accuracy (decided)", str(report.country_accuracy)),
        ("target_country coverage", str(report.country_coverage)),
        ("nsfw_intent accuracy", str(report.nsfw_accuracy)),
    ]
    rows += [(f"  case {case}", str(ratio)) for case, ratio in sorted(report.by_case.items())]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


def format_by_group(reports: dict[str, EvalReport], group: str = "hub") -> str:
    """One line per group: labelled decisions, precision, recall and F1 (ratios with their counts)."""
    rows = [(group, "labelled", "is_likeness precision", "is_likeness recall", "F1")]
    rows += [(name, *report.scores()) for name, report in reports.items()]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(f"{cell:<{width}}" for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="labelled JSON Lines file")
    parser.add_argument("--errors", action="store_true", help="also list misclassified records")
    args = parser.parse_args(argv)
    records = load_records(args.path)
    report = evaluate(records)
    print(format_report(report, len(records)))
    if args.errors:
        for error in report.errors:
            print(json.dumps(error, ensure_ascii=False))


if __name__ == "__main__":
    main()
