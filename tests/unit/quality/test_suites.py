"""The versioned suite files: they parse, blocking is decided per field, and each hub's fields suite
knows every field its records suite reads."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from likeness_watch.hubs.registry import hub_names
from likeness_watch.quality.drift import RecordSchema
from likeness_watch.quality.gx_runner import build_suite
from likeness_watch.quality.suites import (
    FIELDS,
    RECORDS,
    SuiteError,
    load_suites,
    parse_suite,
    raw_suite,
    raw_suites,
)
from likeness_watch.quality.warehouse import targets
from likeness_watch.timestamps import ISO8601

BLOCKING_FIELDS = {
    "civitai": {"record.id", "record.name", "record.type"},
    "huggingface": {"record.id", "record.createdAt"},
}
"""What the marts cannot be correct without, so its absence blocks instead of being drift."""


def test_every_layer_has_suites_and_every_hub_a_raw_suite(settings):
    specs = load_suites(settings.expectations)
    assert {spec.layer for spec in specs} == {"raw", "staging", "marts"}
    assert len({spec.name for spec in specs}) == len(specs)
    for hub in hub_names():
        assert {spec.hub for spec in raw_suites(settings.expectations, hub).values()} == {hub}


@pytest.mark.parametrize("hub", hub_names())
def test_the_fields_suite_knows_every_field_the_records_suite_reads(settings, hub):
    """Otherwise a field the blocking checks read would be reported as new drift on every run."""
    specs = raw_suites(settings.expectations, hub)
    schema = RecordSchema.of(specs[FIELDS])
    read = {
        column.removeprefix("record.").replace("[*]", "[0]")
        for column in specs[RECORDS].columns()
        if column.startswith("record.")
    }
    assert read <= set(schema.fields)
    (drift,) = [e for e in specs[FIELDS].expectations if e["kwargs"].get("column") == "drift"]
    assert drift["severity"] == "warning"  # recorded and alerted on, never blocking


@pytest.mark.parametrize("hub", hub_names())
def test_blocking_fields_are_not_nullable_and_everything_else_is_drift(settings, hub):
    spec = raw_suite(settings.expectations, hub)
    not_null = {
        e["kwargs"]["column"]
        for e in spec.expectations
        if e["type"] == "expect_column_values_to_not_be_null" and e["severity"] == "critical"
    }
    assert not_null == {"model_id"} | BLOCKING_FIELDS[hub]


def test_suite_timestamp_regexes_are_the_forms_the_pipeline_parses(settings):
    """The gate accepts exactly what ``likeness_watch.timestamps`` (and staging's macro) read as UTC."""
    one = f"^{ISO8601.pattern}$"
    many = f"^{ISO8601.pattern}(?: {ISO8601.pattern})*$"
    regexes = {
        e["kwargs"]["column"]: e["kwargs"]["regex"]
        for spec in load_suites(settings.expectations, "raw")
        for e in spec.expectations
        if e["type"] == "expect_column_values_to_match_regex" and e["kwargs"]["column"] != "record.id"
    }
    assert set(regexes.values()) == {one, many}
    assert {column for column, regex in regexes.items() if regex == many} == {
        "record.modelVersions[*].publishedAt",
        "record.modelVersions[*].createdAt",
    }


@pytest.mark.parametrize("hub", hub_names())
def test_raw_suites_block_on_what_breaks_downstream(settings, hub):
    spec = raw_suite(settings.expectations, hub)
    critical = {
        (e["type"], e["kwargs"].get("column")) for e in spec.expectations if e["severity"] == "critical"
    }
    assert ("expect_column_values_to_not_be_null", "model_id") in critical
    assert ("expect_column_values_to_be_unique", "model_id") in critical
    assert ("expect_table_row_count_to_equal", None) in critical
    assert ("expect_table_row_count_to_be_between", None) in critical


def test_columns_include_row_condition_columns(settings):
    spec = raw_suite(settings.expectations, "civitai")
    assert "tombstone" in spec.columns()
    assert "record.stats.downloadCount" in spec.columns()


def test_warehouse_suites_name_a_table_and_a_row_count_floor(settings):
    for spec in load_suites(settings.expectations):
        if spec.layer == "raw":
            continue
        assert spec.meta["table"]
        types = {e["type"] for e in spec.expectations}
        assert types & {"expect_table_row_count_to_be_between", "expect_table_row_count_to_equal"}, spec.name


def test_malformed_suite_is_a_configuration_error(tmp_path):
    bad = tmp_path / "raw" / "x.yml"
    bad.parent.mkdir()
    bad.write_text("name: x\nmeta: {layer: bronze}\nexpectations: []\n")
    with pytest.raises(SuiteError, match="meta.layer"):
        parse_suite(bad)
    bad.write_text("name: x\nmeta: {layer: raw}\nexpectations: [{type: t, kwargs: {}, severity: fatal}]\n")
    with pytest.raises(SuiteError, match="severity"):
        parse_suite(bad)
    with pytest.raises(SuiteError, match="no expectations directory"):
        load_suites(tmp_path / "missing")


def suite_copy(settings, tmp_path, relative, old, new):
    """A copy of the real suites with one edit in ``relative``; returns the edited file."""
    copy = tmp_path / "expectations"
    shutil.copytree(settings.expectations, copy)
    path = copy / relative
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


BETWEEN = "- type: expect_column_values_to_be_between\n  kwargs: {column: record.stats.downloadCount"


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        (
            BETWEEN,
            BETWEEN.replace("to_be_between", "to_be_betwen"),
            "expect_column_values_to_be_betwen not found",
        ),
        (BETWEEN, BETWEEN.replace("{column:", "{colum:"), "ValidationError"),
        (BETWEEN, BETWEEN.replace("kwargs:", "kwarg:"), "TypeError"),
    ],
)
def test_an_expectation_gx_cannot_build_is_a_suite_error_not_a_dropped_check(
    settings, tmp_path, old, new, error
):
    """GX only logs an expectation it cannot build and drops it: the gate would pass one check short."""
    path = suite_copy(settings, tmp_path, "raw/civitai.yml", old, new)
    spec = parse_suite(path)
    with pytest.raises(SuiteError, match="expectation 16 ") as raised:
        build_suite(spec)
    message = str(raised.value)
    assert str(path) in message and error in message and "\n" not in message


def test_every_shipped_expectation_is_built(settings):
    for spec in load_suites(settings.expectations):
        assert len(build_suite(spec).expectations) == len(spec.expectations), spec.name


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            "name: x\nmeta: {layer: raw}\nexpectations: [expect_column_values_to_be_unique]\n",
            "expectation 1 ",
        ),
        ("name: x\nmeta: {layer: raw}\nexpectations: [{kwargs: {}}]\n", "needs a type"),
        ("name: x\nmeta: {layer: raw}\nexpectations: [{type: t, kwargs: [a]}]\n", "kwargs must be a mapping"),
        ("name: x\nmeta: [layer]\nexpectations: []\n", "meta must be a mapping"),
        ("name: x\nmeta: {layer: marts}\nexpectations: []\n", "meta.table"),
    ],
)
def test_malformed_expectations_and_meta_name_the_file(tmp_path, text, error):
    bad = tmp_path / "marts" / "x.yml"
    bad.parent.mkdir()
    bad.write_text(text)
    with pytest.raises(SuiteError, match=error) as raised:
        parse_suite(bad)
    assert str(bad) in str(raised.value)


def test_warehouse_targets_without_a_table_is_a_suite_error(settings):
    spec = next(spec for spec in load_suites(settings.expectations) if spec.layer == "marts")
    broken = dataclasses.replace(spec, meta={k: v for k, v in spec.meta.items() if k != "table"})
    with pytest.raises(SuiteError, match="meta.table") as raised:
        targets(broken)
    assert str(spec.path) in str(raised.value)
