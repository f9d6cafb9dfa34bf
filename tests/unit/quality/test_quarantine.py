"""Quarantine hides a partition from every reader; release or a re-crawl brings data back."""

from __future__ import annotations

from likeness_watch.quality.quarantine import quarantine_partition, release_partition
from likeness_watch.raw import committed_partitions, read_manifest


def test_quarantine_rewrites_the_manifest_and_readers_skip_it(store, raw):
    manifest = raw.write_partition(store, "civitai", [raw.civitai_envelope(1)])
    failed = ["expect_column_values_to_not_be_null(model_id)"]
    quarantined = quarantine_partition(store, manifest, failed, "raw gate run r1")
    assert quarantined.status == "quarantined"
    stored = read_manifest(store, "civitai", raw.day)
    assert stored.status == "quarantined"
    assert stored.quarantine["failed"] == failed and stored.quarantine["reason"] == "raw gate run r1"
    assert stored.quarantine["at"].endswith("Z")
    assert stored.files == manifest.files  # data stays in place for inspection
    assert committed_partitions(store) == []


def test_release_makes_the_same_run_visible_again(store, raw):
    manifest = raw.write_partition(store, "civitai", [raw.civitai_envelope(1)])
    quarantine_partition(store, manifest, ["x"], "r")
    released = release_partition(store, manifest)
    assert released.status == "committed" and released.quarantine is None
    assert [m.run_id for m in committed_partitions(store)] == [manifest.run_id]


def test_a_recrawl_committed_meanwhile_is_never_quarantined(store, raw):
    validated = raw.write_partition(store, "civitai", [raw.civitai_envelope(1)])
    fresh = raw.write_partition(store, "civitai", [raw.civitai_envelope(1), raw.civitai_envelope(2)])
    assert quarantine_partition(store, validated, ["x"], "r") is None
    assert read_manifest(store, "civitai", raw.day).run_id == fresh.run_id
    assert committed_partitions(store)[0].status == "committed"


def test_a_corrected_recrawl_releases_by_committing_a_fresh_manifest(store, raw):
    bad = raw.write_partition(store, "civitai", [raw.civitai_envelope(None)])
    quarantine_partition(store, bad, ["x"], "r")
    raw.write_partition(store, "civitai", [raw.civitai_envelope(1)])
    manifest = read_manifest(store, "civitai", raw.day)
    assert manifest.status == "committed" and manifest.quarantine is None
