"""GX results turned into readable, safe outcome rows."""

from __future__ import annotations

import json

from likeness_watch.quality.outcomes import label, short, to_outcome


def gx_result(success, result, severity="critical", **kwargs):
    return {
        "success": success,
        "expectation_config": {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": kwargs,
            "severity": severity,
        },
        "result": result,
        "exception_info": {"raised_exception": False, "exception_message": None},
    }


def test_label_names_type_and_columns():
    assert label("expect_x", {"column": "model_id"}) == "expect_x(model_id)"
    assert label("expect_x", {"column_A": "a", "column_B": "b"}) == "expect_x(a, b)"
    assert label("expect_x", {"column_list": ["hub", "day"]}) == "expect_x(hub, day)"
    assert label("expect_table_row_count_to_equal", {"value": 3}) == "expect_table_row_count_to_equal"


def test_unexpected_values_and_row_ids_are_reported():
    result = {
        "element_count": 4,
        "unexpected_count": 2,
        "unexpected_percent": 50.0,
        "partial_unexpected_list": ["Lora", None],
        "partial_unexpected_index_list": [{"model_id": "3"}, {"model_id": "9"}],
    }
    outcome = to_outcome(
        "raw_civitai", gx_result(False, result, column="record.type"), ["model_id"], "civitai", None
    )
    assert outcome.expectation == "expect_column_values_to_be_in_set(record.type)"
    assert outcome.blocking
    assert outcome.observed == '2 of 4 rows unexpected (50.0%), e.g. "Lora" at model_id "3", "9"'
    assert json.loads(outcome.observed_json)["examples"] == ["Lora", None]


def test_nan_is_stored_as_json_null():
    result = {"element_count": 1, "unexpected_count": 1, "partial_unexpected_list": [float("nan")]}
    outcome = to_outcome("s", gx_result(False, result, column="c"), [], None, None)
    assert json.loads(outcome.observed_json)["examples"] == [None]


def test_warning_failure_does_not_block():
    outcome = to_outcome("s", gx_result(False, {"observed_value": 3}, severity="warning"), [], None, None)
    assert not outcome.success and not outcome.blocking
    assert outcome.observed == "observed 3"


def test_drift_lists_unexpected_fields():
    result = {
        "observed_value": ["a", "b"],
        "details": {"mismatched": {"unexpected": ["record.lockedProperties"]}},
    }
    outcome = to_outcome("s", gx_result(False, result, severity="warning"), [], None, None)
    assert outcome.observed == 'unexpected: "record.lockedProperties"'


def test_evaluation_errors_are_failures_with_their_message():
    failed = gx_result(False, {})
    failed["exception_info"] = {
        "metric-id": {
            "exception_message": "'>=' not supported between 'str' and 'int'",
            "raised_exception": True,
        }
    }
    outcome = to_outcome("s", failed, [], None, None)
    assert outcome.blocking
    assert outcome.observed.startswith("could not evaluate:")


def test_hub_strings_become_inert_bounded_text():
    text = short("\x1b[31m" + "x" * 200)
    assert "\x1b" not in text and "\\u001b" in text
    assert len(text) <= 60
