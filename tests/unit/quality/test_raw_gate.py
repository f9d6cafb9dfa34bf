"""The raw gate on hand-written partitions: pass, block and quarantine, counts, release, bad files."""

from __future__ import annotations

import gzip

import duckdb
import pytest

from likeness_watch.quality import QualityGateError, quarantine_partition, validate_partitions, validate_raw
from likeness_watch.raw import committed_partitions, read_manifest
from likeness_watch.raw.layout import manifest_key


def healthy_civitai(raw, count=30):
    envelopes = [raw.civitai_envelope(i) for i in range(1, count + 1)]
    envelopes[0]["record"]["stats"]["downloadCount"] = None  # a minutes-old model: a few nulls are fine
    envelopes.append(raw.civitai_tombstone(999))
    return envelopes


def test_healthy_partition_passes_and_results_are_stored(settings, store, raw):
    raw.write_partition(store, "civitai", healthy_civitai(raw))
    summary = validate_raw(settings, store, "civitai", raw.day)
    assert summary.success and not summary.warnings
    assert read_manifest(store, "civitai", raw.day).status == "committed"
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    stored = con.execute(
        "select count(*), bool_and(success), any_value(layer), any_value(hub), any_value(day) "
        "from validation_results where run_id = ?",
        [summary.run_id],
    ).fetchone()
    con.close()
    assert stored == (len(summary.outcomes), True, "raw", "civitai", raw.day)
    assert summary.docs_url == store.url("docs/quality/index.html")
    assert store.exists("docs/quality/index.html")


def test_bad_partition_is_quarantined_while_the_other_hub_flows(settings, store, raw):
    envelopes = healthy_civitai(raw)
    envelopes[1] = raw.civitai_envelope(None)  # the hub sent an item without an id
    envelopes[2]["record"]["stats"]["downloadCount"] = -4
    envelopes[3]["record"]["type"] = "<script>alert(1)</script>"
    envelopes[4]["record"]["lockedProperties"] = []  # a new field: drift, a warning only
    raw.write_partition(store, "civitai", envelopes)
    good_hub = raw.write_partition(store, "huggingface", [raw.hf_envelope("a/b")])

    bad, good = validate_partitions(settings, store, [("civitai", raw.day), ("huggingface", raw.day)])

    assert good.success and not bad.success
    message = bad.failure_message()
    assert message.startswith("raw gate failed for civitai 2025-05-01")
    assert "expect_column_values_to_not_be_null(model_id)" in message
    assert "expect_column_values_to_be_between(record.stats.downloadCount)" in message
    assert "expect_column_values_to_be_in_set(record.type)" in message
    assert [w.expectation for w in bad.warnings] == ["expect_table_columns_to_match_set"]
    assert "record.lockedProperties" in bad.warnings[0].observed

    manifest = read_manifest(store, "civitai", raw.day)
    assert manifest.status == "quarantined"
    assert "expect_column_values_to_not_be_null(model_id)" in manifest.quarantine["failed"]
    assert [(m.hub, m.run_id) for m in committed_partitions(store)] == [("huggingface", good_hub.run_id)]

    pages = [key for key in store.list("docs/quality/validations/raw_civitai/") if key.endswith(".html")]
    html = store.get_bytes(pages[-1]).decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html


def test_record_count_must_match_the_manifest(settings, store, raw):
    manifest = raw.write_partition(store, "huggingface", [raw.hf_envelope(f"a/m{i}") for i in range(5)])
    manifest.record_count = 6  # a manifest that claims more than its files hold
    store.put_bytes(manifest_key("huggingface", raw.day), manifest.to_json())
    with pytest.raises(QualityGateError, match=r"expect_table_row_count_to_equal \[observed 5\]"):
        validate_raw(settings, store, "huggingface", raw.day)


def test_release_after_revalidation(settings, store, raw):
    manifest = raw.write_partition(store, "huggingface", [raw.hf_envelope("a/b")])
    quarantine_partition(store, manifest, ["expect_x"], "reviewed by hand")

    kept = validate_raw(settings, store, "huggingface", raw.day)
    assert kept.success and "stays quarantined" in kept.render()
    assert committed_partitions(store) == []

    released = validate_raw(settings, store, "huggingface", raw.day, release=True)
    assert "released" in released.render()
    assert [m.status for m in committed_partitions(store)] == ["committed"]
    index = store.get_bytes("docs/quality/index.html").decode()
    assert kept.run_id in index and released.run_id in index  # Data Docs keep the history


def test_undecodable_part_file_blocks(settings, store, raw):
    manifest = raw.write_partition(store, "huggingface", [raw.hf_envelope("a/b")])
    store.put_bytes(manifest.files[0].key, gzip.compress(b'{"hub": "huggingface", "model_id": ')[:-6])
    with pytest.raises(QualityGateError, match="partition_files_decode"):
        validate_raw(settings, store, "huggingface", raw.day)
    assert read_manifest(store, "huggingface", raw.day).status == "quarantined"


def test_missing_partition_is_reported_not_quarantined(settings, store, raw):
    with pytest.raises(QualityGateError, match="no raw partition for civitai 2025-05-01"):
        validate_raw(settings, store, "civitai", raw.day)
