"""Raw envelopes flattened into the frame the raw suites validate."""

from __future__ import annotations

from likeness_watch.quality.frames import flatten_envelope, lookup, raw_frame
from likeness_watch.quality.suites import raw_suite


def test_nested_values_are_summarised_and_expanded_objects_flattened(raw):
    envelope = raw.civitai_envelope(7)
    row = flatten_envelope(envelope, expand=["stats"], paths=["modelVersions[0].publishedAt"])
    assert row["model_id"] == "7" and row["tombstone"] is False
    assert row["record.modelVersions"] == 1  # a list by its length, not its content
    assert row["record.creator"] == 2
    assert row["record.stats.downloadCount"] == 10
    assert row["record.modelVersions[0].publishedAt"] == "2025-04-30T12:00:00.000Z"
    assert "record" not in row


def test_tombstone_has_no_record_columns(raw):
    row = flatten_envelope(raw.civitai_tombstone(3), expand=["stats"])
    assert row["tombstone"] is True
    assert not [key for key in row if key.startswith("record.")]


def test_lookup_tolerates_missing_steps():
    record = {"a": [{"b": 1}], "c": None}
    assert lookup(record, "a[0].b") == 1
    assert lookup(record, "a[3].b") is None
    assert lookup(record, "c.d") is None
    assert lookup(record, "a") == 1


def test_frame_has_every_suite_column_even_when_no_record_has_it(settings, raw):
    spec = raw_suite(settings.expectations, "civitai")
    record = raw.civitai_record(1)
    del record["nsfwLevel"]  # the 2023 shape
    frame = raw_frame([raw.civitai_envelope(1, record), raw.civitai_tombstone(2)], spec)
    assert set(spec.columns()) <= set(frame.columns)
    assert frame["record.nsfwLevel"].isna().all()
    assert frame["tombstone"].tolist() == [False, True]


def test_every_element_path_joins_the_values_of_all_versions():
    record = {
        "modelVersions": [
            {"publishedAt": "2025-07-02T19:13:58.758Z"},
            {"publishedAt": None, "createdAt": "2023-10-05T13:31:16.745"},
            {"publishedAt": "garbage"},
        ],
        "empty": [],
    }
    assert lookup(record, "modelVersions[*].publishedAt") == "2025-07-02T19:13:58.758Z garbage"
    assert lookup(record, "modelVersions[*].createdAt") == "2023-10-05T13:31:16.745"
    assert lookup(record, "empty[*].publishedAt") is None
    assert lookup(record, "missing[*].publishedAt") is None


def test_envelope_values_are_summarised_and_records_observed_once(settings, raw):
    """A Hugging Face model card beside the record must not sit in the frame; ``observe`` sees each
    live record (the fields profile) in the same pass."""
    spec = raw_suite(settings.expectations, "huggingface")
    envelope = raw.hf_envelope("a/b") | {"card": {"status": 200, "text": "x" * 10_000}}
    seen = []
    frame = raw_frame([envelope, raw.civitai_tombstone(3)], spec, seen.append)
    assert frame.loc[0, "card"] == 2
    assert [record["id"] for record in seen] == ["a/b"]


def test_empty_partition_gives_an_empty_frame_with_the_suite_columns(settings):
    spec = raw_suite(settings.expectations, "huggingface")
    frame = raw_frame([], spec)
    assert len(frame) == 0 and "model_id" in frame.columns
