"""Summaries: what blocks, what the message names, and that hub text never becomes markup."""

from __future__ import annotations

from datetime import UTC, datetime

from likeness_watch.quality.summary import Outcome, ValidationSummary


def outcome(expectation, success, severity="critical", observed="ok"):
    return Outcome("raw_civitai", expectation, success, severity, observed, "{}", "civitai", None)


def summary(*outcomes):
    return ValidationSummary(
        "run-1", datetime(2025, 5, 1, tzinfo=UTC), "raw", "civitai 2025-05-01", list(outcomes)
    )


def test_only_critical_failures_fail_the_gate():
    passing = summary(outcome("a", True), outcome("drift", False, "warning"), outcome("c", False, "info"))
    assert passing.success
    assert [o.expectation for o in passing.warnings] == ["drift", "c"]
    failing = summary(
        outcome("a", True), outcome("nulls(model_id)", False, observed="3 of 9 rows unexpected")
    )
    assert not failing.success
    assert failing.failure_message() == (
        "raw gate failed for civitai 2025-05-01: raw_civitai: nulls(model_id) [3 of 9 rows unexpected]"
    )


def test_render_shows_failures_and_notes_and_keeps_markup_literal():
    failing = summary(outcome("types(record.type)", False, observed='e.g. "[bold]x[/bold]"'))
    failing.notes.append("Partition civitai 2025-05-01 quarantined.")
    text = failing.render()
    assert "FAILED" in text and "1 blocking" in text
    assert "[bold]x[/bold]" in text
    assert "quarantined" in text


def test_passing_render_is_one_line_without_table():
    text = summary(outcome("a", True)).render()
    assert text.strip().startswith("raw gate PASSED") and "┃" not in text


def test_drift_is_neither_a_failure_nor_a_warning_and_is_shown_as_drift():
    drifting = summary(
        outcome("a", True),
        outcome(
            "schema_drift(record.nsfwLevel)", False, "drift", "absent from 3 of 3 records since 2025-05-01"
        ),
    )
    assert drifting.success and drifting.warnings == [] and len(drifting.drift) == 1
    text = drifting.render()
    assert "PASSED" in text and "0 warnings, 1 drifting fields" in text
    assert "drift" in text and "absent from 3 of 3 records" in text
    assert "drifting" not in summary(outcome("a", True)).render()
