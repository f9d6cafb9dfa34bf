"""The raw gate on hand-written partitions: pass, block and quarantine, counts, release, bad files."""

from __future__ import annotations

import gzip
import hashlib
import shutil

import duckdb
import pytest

from likeness_watch.quality import (
    QualityGateError,
    SuiteError,
    quarantine_partition,
    validate_partitions,
    validate_raw,
)
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
    con = duckdb.connect(str(settings.state), read_only=True)
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
    envelopes[4]["record"]["lockedProperties"] = []  # a new field: schema drift, recorded, not blocking
    raw.write_partition(store, "civitai", envelopes)
    good_hub = raw.write_partition(store, "huggingface", [raw.hf_envelope("a/b")])

    bad, good = validate_partitions(settings, store, [("civitai", raw.day), ("huggingface", raw.day)])

    assert good.success and not bad.success
    message = bad.failure_message()
    assert message.startswith("raw gate failed for civitai 2025-05-01")
    assert "expect_column_values_to_not_be_null(model_id)" in message
    assert "expect_column_values_to_be_between(record.stats.downloadCount)" in message
    assert "expect_column_values_to_be_in_set(record.type)" in message
    assert not bad.warnings
    assert [d.expectation for d in bad.drift] == ["schema_drift(record.lockedProperties)"]
    assert bad.drift[0].observed == "new on 1 of 30 records since 2025-05-01; feeds no mart column"

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
    broken = gzip.compress(b'{"hub": "huggingface", "model_id": ')[:-6]
    store.put_bytes(manifest.files[0].key, broken)  # written so: its checksum matches
    manifest.files[0].sha256 = hashlib.sha256(broken).hexdigest()
    store.put_bytes(manifest_key("huggingface", raw.day), manifest.to_json())
    with pytest.raises(QualityGateError, match="partition_files_decode"):
        validate_raw(settings, store, "huggingface", raw.day)
    assert read_manifest(store, "huggingface", raw.day).status == "quarantined"


def test_missing_partition_is_reported_not_quarantined(settings, store, raw):
    with pytest.raises(QualityGateError, match="no raw partition for civitai 2025-05-01"):
        validate_raw(settings, store, "civitai", raw.day)


def broken_suites(settings, tmp_path, relative, old, new):
    """Settings whose suites are a copy of the real ones with one edit in ``relative``."""
    copy = tmp_path / "expectations"
    shutil.copytree(settings.expectations, copy, dirs_exist_ok=True)
    path = copy / relative
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return settings.model_copy(update={"expectations": copy}), path, text


BETWEEN = "- type: expect_column_values_to_be_between\n  kwargs: {column: record.stats.downloadCount"


def test_a_typo_in_an_expectation_type_blocks_instead_of_dropping_the_check(settings, store, raw, tmp_path):
    typo = BETWEEN.replace("to_be_between", "to_be_betwen")
    broken, path, original = broken_suites(settings, tmp_path, "raw/civitai.yml", BETWEEN, typo)
    envelopes = [raw.civitai_envelope(i) for i in range(1, 31)]
    for envelope in envelopes:
        envelope["record"]["stats"]["downloadCount"] = -5  # what the dropped check would have caught
    raw.write_partition(store, "civitai", envelopes)

    with pytest.raises(
        SuiteError, match=r"civitai\.yml: expectation 16 \(expect_column_values_to_be_betwen\)"
    ):
        validate_raw(broken, store, "civitai", raw.day)
    assert read_manifest(store, "civitai", raw.day).status == "quarantined"

    path.write_text(original)  # the typo fixed, the check runs and blocks on the data
    with pytest.raises(
        QualityGateError, match=r"expect_column_values_to_be_between\(record.stats.downloadCount\)"
    ):
        validate_raw(broken, store, "civitai", raw.day)
    manifest = read_manifest(store, "civitai", raw.day)
    assert manifest.status == "quarantined" and "gate_error" not in manifest.quarantine


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        (
            "kwargs: {column: downloads, min_value: 0}",
            "kwargs: {colum: downloads, min_value: 0}",
            "SuiteError",
        ),
        (
            "type: expect_column_values_to_be_between",
            "type: expect_column_values_to_be_betwen",
            "SuiteError",
        ),
    ],
)
def test_a_gate_error_quarantines_and_the_next_passing_run_releases(
    settings, store, raw, tmp_path, old, new, error
):
    """A broken suite of another layer fails the gate itself: fail closed, then recover on a rerun."""
    broken, path, original = broken_suites(settings, tmp_path, "marts/dim_model.yml", old, new)
    raw.write_partition(store, "huggingface", [raw.hf_envelope("a/b")])

    with pytest.raises(SuiteError) as raised:
        validate_raw(broken, store, "huggingface", raw.day)
    manifest = read_manifest(store, "huggingface", raw.day)
    assert manifest.status == "quarantined" and manifest.quarantine["gate_error"] is True
    assert manifest.quarantine["reason"].startswith(f"gate error: {error}: suite {path}")
    assert committed_partitions(store) == []
    assert any("huggingface 2025-05-01 quarantined" in note for note in raised.value.__notes__)

    path.write_text(original)
    summary = validate_raw(broken, store, "huggingface", raw.day)  # no --release needed
    assert "released from quarantine" in summary.render()
    assert [(m.hub, m.status) for m in committed_partitions(store)] == [("huggingface", "committed")]


def test_any_exception_quarantines_only_unjudged_partitions_without_secrets(
    settings, store, raw, monkeypatch
):
    import likeness_watch.quality.raw as raw_gate

    monkeypatch.setenv("CIVITAI_API_TOKEN", "tok-s3cr3t")
    raw.write_partition(store, "huggingface", [raw.hf_envelope("a/b")])
    raw.write_partition(store, "civitai", healthy_civitai(raw))
    real = raw_gate.raw_frame

    def crash_on_civitai(envelopes, spec, observe=None):
        if spec.hub == "civitai":
            raise RuntimeError(
                "GET https://user:pw@civitai.com/api?token=tok-s3cr3t failed (Bearer tok-s3cr3t)\nsecond"
            )
        return real(envelopes, spec, observe)

    monkeypatch.setattr(raw_gate, "raw_frame", crash_on_civitai)
    with pytest.raises(RuntimeError):
        validate_partitions(settings, store, [("huggingface", raw.day), ("civitai", raw.day)])

    assert read_manifest(store, "huggingface", raw.day).status == "committed"  # judged: passed
    manifest = read_manifest(store, "civitai", raw.day)
    assert manifest.status == "quarantined"
    reason = manifest.quarantine["reason"]
    assert reason.startswith("gate error: RuntimeError: GET https://***@civitai.com/api?token=***")
    assert "s3cr3t" not in reason and "pw" not in reason and "second" not in reason
    assert "(Bearer ***)" in reason


def test_a_gate_error_keeps_a_data_quarantine_as_it_was(settings, store, raw, tmp_path):
    manifest = raw.write_partition(store, "huggingface", [raw.hf_envelope("a/b")])
    quarantine_partition(store, manifest, ["expect_x"], "reviewed by hand")
    broken, _, _ = broken_suites(
        settings,
        tmp_path,
        "marts/dim_model.yml",
        "kwargs: {column: downloads, min_value: 0}",
        "kwargs: {colum: x}",
    )
    with pytest.raises(SuiteError):
        validate_raw(broken, store, "huggingface", raw.day)
    assert read_manifest(store, "huggingface", raw.day).quarantine["reason"] == "reviewed by hand"
    summary = validate_raw(settings, store, "huggingface", raw.day)
    assert "stays quarantined" in summary.render()  # a data quarantine still needs --release
