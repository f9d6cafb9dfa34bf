"""Schema drift: fields absent, new or renamed are recorded per field (rows, since when, what they
feed), never blocking; ``validate`` prints them and ``validation_results`` keeps them."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta

import duckdb
import pytest
from click.testing import CliRunner

from likeness_watch.cli import main
from likeness_watch.quality import validate_partitions, validate_raw
from likeness_watch.quality.drift import FieldProfile, RecordSchema, fields_frame, find_drift
from likeness_watch.quality.suites import FIELDS, SuiteError, raw_suites

DAY = date(2025, 5, 1)


@pytest.fixture
def civitai_schema(settings):
    return RecordSchema.of(raw_suites(settings.expectations, "civitai")[FIELDS])


def profile_of(schema, records):
    profile = FieldProfile(schema.objects)
    for record in records:
        profile.observe(record)
    return profile


def record_2023(raw, model_id):
    """The 2023 list-item shape: no nsfwLevel, no thumbsUpCount, versions without publishedAt."""
    record = raw.civitai_record(model_id)
    del record["nsfwLevel"]
    del record["stats"]["thumbsUpCount"]
    version = record["modelVersions"][0]
    del version["publishedAt"]
    version["createdAt"] = "2023-05-01T10:00:00.000Z"
    return record


def test_a_complete_record_has_no_drift_and_null_values_are_not_absence(raw, civitai_schema):
    record = raw.civitai_record(1, downloads=None)  # a minutes-old model: counters null, still there
    profile = profile_of(civitai_schema, [record])
    assert find_drift(civitai_schema, profile, DAY, {}) == []


def test_absent_fields_are_counted_with_what_they_feed(raw, civitai_schema):
    records = [record_2023(raw, 1), record_2023(raw, 2), raw.civitai_record(3)]
    drifts = find_drift(civitai_schema, profile_of(civitai_schema, records), DAY, {})
    by_field = {d.field: d for d in drifts}
    assert set(by_field) == {
        "record.nsfwLevel",
        "record.stats.thumbsUpCount",
        "record.modelVersions[0].publishedAt",
    }
    nsfw = by_field["record.nsfwLevel"]
    assert (nsfw.change, nsfw.rows, nsfw.of, nsfw.since) == ("absent", 2, 3, DAY)
    assert "dim_model.nsfw_level" in nsfw.feeds
    assert by_field["record.stats.thumbsUpCount"].feeds == ("dim_model.likes", "fct_model_daily.likes")
    assert nsfw.describe() == (
        "record.nsfwLevel absent from 2 of 3 records since 2025-05-01; feeds dim_model.nsfw_level, "
        "dim_model.nsfw_intent, fct_model_daily.nsfw_level, mart_likeness_daily.share_nsfw_intent"
    )


def test_optional_fields_may_be_absent_and_a_rename_is_one_drift(raw, civitai_schema):
    record = raw.civitai_record(1, mode="Archived", sfwOnly=True)
    renamed = raw.civitai_record(2, lockedProperties=[])
    renamed["nsfw_level"] = renamed.pop("nsfwLevel")
    assert "sfwOnly" not in renamed  # optional: absent on 2024 items, not drift
    drifts = find_drift(civitai_schema, profile_of(civitai_schema, [record, renamed]), DAY, {})
    assert [(d.field, d.change, d.rows, d.renamed_to) for d in drifts] == [
        ("record.nsfwLevel", "renamed", 1, "record.nsfw_level"),
        ("record.lockedProperties", "new", 1, None),
    ]
    frame = fields_frame(civitai_schema, profile_of(civitai_schema, [record, renamed]), drifts)
    assert "record.nsfw_level" not in set(frame["field"])  # the rename is one row, under its old name
    assert frame["drift"].notna().sum() == 2


def test_since_carries_over_from_the_previous_gated_day(raw, civitai_schema):
    profile = profile_of(civitai_schema, [record_2023(raw, 1)])
    earlier = {("record.nsfwLevel", "absent"): date(2025, 4, 20)}
    drifts = {d.field: d.since for d in find_drift(civitai_schema, profile, DAY, earlier)}
    assert drifts["record.nsfwLevel"] == date(2025, 4, 20)
    assert drifts["record.stats.thumbsUpCount"] == DAY  # not drifting on the previous day: begins today


def test_a_field_outside_the_compared_objects_is_a_suite_error(settings):
    spec = raw_suites(settings.expectations, "civitai")[FIELDS]
    broken = dataclasses.replace(spec, meta={**spec.meta, "fields": {"x.y": {}}})
    with pytest.raises(SuiteError, match="field 'x.y' needs a mapping and a parent"):
        RecordSchema.of(broken)


def drift_rows(settings):
    con = duckdb.connect(str(settings.state), read_only=True)
    rows = con.execute(
        "select day, expectation, success, observed_value from validation_results "
        "where severity = 'drift' order by day, expectation"
    ).fetchall()
    con.close()
    return [(day, expectation, success, json.loads(value)) for day, expectation, success, value in rows]


def test_drift_publishes_the_day_and_is_stored_per_field_since_its_first_day(settings, store, raw):
    days = [DAY + timedelta(days=i) for i in range(4)]
    shapes = [record_2023, record_2023, lambda raw, i: raw.civitai_record(i), record_2023]
    for day, shape in zip(days, shapes, strict=True):
        envelopes = [raw.civitai_envelope(i, shape(raw, i)) for i in range(1, 4)]
        raw.write_partition(store, "civitai", envelopes, day=day)
    first = validate_raw(settings, store, "civitai", days[0])  # stored before the next run reads it
    assert first.success and len(first.drift) == 3
    rest = validate_partitions(settings, store, [("civitai", day) for day in days[1:]])  # one backfill run
    assert all(summary.success for summary in rest)
    assert [len(summary.drift) for summary in rest] == [3, 0, 3]

    stored = drift_rows(settings)
    nsfw = [
        (day, value["since"]) for day, name, _, value in stored if name == "schema_drift(record.nsfwLevel)"
    ]
    assert nsfw == [(days[0], "2025-05-01"), (days[1], "2025-05-01"), (days[3], "2025-05-04")]
    assert all(not success for _, _, success, _ in stored)
    assert {value["rows"] for _, _, _, value in stored} == {3}


def test_validate_prints_drift_and_exits_zero(store, raw):
    raw.write_partition(store, "civitai", [raw.civitai_envelope(i, record_2023(raw, i)) for i in range(1, 4)])
    result = CliRunner().invoke(
        main, ["validate", "--layer", "raw", "--hub", "civitai"], env={"COLUMNS": "250"}
    )
    assert result.exit_code == 0, result.output
    assert "raw gate PASSED for civitai 2025-05-01" in result.output and "3 drifting fields" in result.output
    assert "schema_drift(record.nsfwLevel)" in result.output
    assert "absent from 3 of 3 records since 2025-05-01" in result.output
    assert "Schema drift on civitai 2025-05-01" in result.output
