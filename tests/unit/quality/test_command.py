"""``likeness-watch validate``: exit codes and what it prints."""

from __future__ import annotations

from click.testing import CliRunner

from likeness_watch.cli import main
from likeness_watch.raw import read_manifest


def invoke(*args):
    return CliRunner().invoke(main, ["validate", *args], terminal_width=200)


def test_failing_raw_gate_exits_non_zero_and_names_the_expectation(store, raw):
    good = [raw.civitai_envelope(i) for i in range(1, 6)]
    bad = good + [raw.civitai_envelope(6, raw.civitai_record(6, downloads=-3))]
    raw.write_partition(store, "civitai", bad)
    result = invoke("--layer", "raw", "--hub", "civitai")  # no --date: the hub's newest partition
    assert result.exit_code == 1
    assert "raw gate FAILED for civitai 2025-05-01" in result.output
    assert "expect_column_values_to_be_between(record.stats.downloadCount)" in result.output
    assert "quarantined" in result.output
    assert result.output.strip().splitlines()[-1].startswith("Error: raw gate failed for civitai 2025-05-01")
    assert "Traceback" not in result.output
    assert read_manifest(store, "civitai", raw.day).status == "quarantined"


def test_user_errors_are_one_line():
    assert invoke("--layer", "marts", "--release").exit_code == 2
    nothing = invoke("--layer", "raw")
    assert nothing.exit_code == 1
    assert nothing.output.startswith("Error: no raw partitions in ")
    missing = invoke("--layer", "marts")
    assert missing.exit_code == 1 and "run `likeness-watch build` first" in missing.output
