"""User errors are one line and a non-zero exit; every command has --help."""

from __future__ import annotations

import shutil
import sys
from datetime import date

import pytest
from click.testing import CliRunner

from likeness_watch.cli import COMMANDS, main


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_top_level_help_lists_commands_without_importing_them(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help(runner, command):
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crawl", "--hub", "civitai", "--date", "2025-13-01"], "Invalid value for '--date'"),
        (["crawl", "--hub", "nohub", "--date", "2025-01-01"], "Invalid value for '--hub'"),
        (["crawl", "--hub", "civitai", "--date", "2025-01-01", "--store", "/proc/nope"], "not writable"),
        (["simulate", "--scale", "0"], "Invalid value for '--scale'"),
        (["simulate", "--faults", "bogus"], "unknown fault 'bogus'"),
        (["simulate", "--replay", "/nonexistent/recorded"], "Invalid value for '--replay'"),
    ],
)
def test_user_errors_are_one_line_without_traceback(runner, args, message):
    result = runner.invoke(main, args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    ("files", "extra", "message"),
    [
        ({}, [], "no .json, .jsonl, .json.gz, .jsonl.gz files"),
        ({"a.jsonl": '{"id": 1, "modelVersions": []}\n{"id": 2'}, [], "a.jsonl:2: invalid JSON"),
        ({"b.json": '{"name": "x"}'}, [], "b.json:1: not a Civitai model"),
        ({"c.jsonl": '{"id": 1, "modelVersions": []}'}, ["--scale", "2"], "--scale shape(s) only"),
    ],
)
def test_simulate_replay_errors_are_one_line(runner, tmp_path, files, extra, message):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    result = runner.invoke(main, ["simulate", "--replay", str(tmp_path), *extra])
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


class NoSimulator:
    """An import finder that makes ``hubsim`` missing, as in a base install."""

    def find_spec(self, name, path=None, target=None):
        if name == "hubsim":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


@pytest.mark.parametrize("command", ["simulate", "demo"])
def test_without_the_simulator_its_commands_say_to_install_the_dev_extras(runner, monkeypatch, command):
    """A base install has no hub simulator (a dev tool): one line that says what to install."""
    for name in [m for m in sys.modules if m.split(".")[0] == "hubsim"] + ["likeness_watch.demo"]:
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setattr(sys, "meta_path", [NoSimulator(), *sys.meta_path])
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 1
    assert "install the dev extras" in result.output and "Traceback" not in result.output


def test_unreachable_hub_is_a_one_line_error(runner, tmp_path):
    result = runner.invoke(
        main,
        [
            "crawl",
            "--hub",
            "civitai",
            "--date",
            "2025-01-01",
            "--store",
            str(tmp_path),
            "--base-url",
            "http://127.0.0.1:9",
        ],
        env={"LW_CIVITAI_MAX_RETRIES": "0"},
    )
    assert result.exit_code == 1
    assert "ConnectionError" in result.output and "rerun to resume" in result.output
    assert "Traceback" not in result.output


def test_crawl_command_against_simulator(runner, sim, tmp_path):
    from hubsim import sim_base_url

    result = runner.invoke(
        main,
        ["crawl", "--hub", "huggingface", "--date", "2023-04-01", "--store", str(tmp_path / "lake"),
         "--base-url", sim_base_url(sim.url, "huggingface")],
        env={"LW_HUGGINGFACE_RPS": "500"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "huggingface 2023-04-01:" in result.output and "records" in result.output
    assert "raw gate PASSED for huggingface 2023-04-01" in result.output  # the gate ran on it
    assert (tmp_path / "lake/raw/hub=huggingface/dt=2023-04-01/manifest.json").is_file()


def fake_crawl(model_id):
    """A stand-in for ``crawl_day`` that commits a one-record Hugging Face partition."""
    from likeness_watch.raw import PartitionWriter

    def crawl_day(hub, day, settings, store, progress=None, **overrides):
        writer = PartitionWriter(store, hub, day)
        record = {
            "_id": "66a1b2c3d4e5f6a7b8c9d0e1",
            "id": model_id,
            "createdAt": "2025-04-30T10:00:00.000Z",
            "lastModified": "2025-04-30T11:00:00.000Z",
            "tags": ["lora"],
            "downloads": 5,
            "likes": 1,
        }
        envelope = {"hub": hub, "model_id": model_id, "via": "listing", "fetched_at": "2025-05-01T00:00:03Z"}
        writer.add(envelope | {"http_status": 200, "record": record, "error": None})
        return writer.commit(mode="sweep")

    return crawl_day


def test_a_recrawl_that_fails_the_raw_gate_is_quarantined_and_exits_non_zero(runner, tmp_path, monkeypatch):
    """``crawl`` is how a quarantine ends: it must never commit a partition the gate has not passed."""
    from likeness_watch.raw import committed_partitions, read_manifest
    from likeness_watch.store import open_store

    monkeypatch.setattr("likeness_watch.crawl.command.crawl_day", fake_crawl(None))  # an item without id
    result = runner.invoke(main, ["crawl", "--hub", "huggingface", "--date", "2025-05-01"])
    assert result.exit_code == 1, result.output
    assert "raw gate FAILED for huggingface 2025-05-01" in result.output
    assert "partition quarantined: raw gate failed for huggingface 2025-05-01" in result.output
    assert "Traceback" not in result.output
    store = open_store(str(tmp_path / "lake"))
    assert read_manifest(store, "huggingface", date(2025, 5, 1)).status == "quarantined"
    assert committed_partitions(store) == []


def test_a_raw_gate_error_during_crawl_quarantines_and_is_one_line(runner, tmp_path, monkeypatch, repo_root):
    from likeness_watch.raw import read_manifest
    from likeness_watch.store import open_store

    suites = tmp_path / "expectations"
    shutil.copytree(repo_root / "expectations", suites)
    dim = suites / "marts/dim_model.yml"
    text = dim.read_text()
    assert "kwargs: {column: downloads," in text, "the typo below must break the suite"
    dim.write_text(text.replace("kwargs: {column: downloads,", "kwargs: {colum: downloads,"))
    monkeypatch.setenv("LW_EXPECTATIONS", str(suites))
    monkeypatch.setattr("likeness_watch.crawl.command.crawl_day", fake_crawl("a/b"))
    result = runner.invoke(main, ["crawl", "--hub", "huggingface", "--date", "2025-05-01"])
    assert result.exit_code == 1, result.output
    assert "raw gate error for huggingface 2025-05-01, partition quarantined: suite" in result.output
    assert "dim_model.yml" in result.output and "Traceback" not in result.output
    manifest = read_manifest(open_store(str(tmp_path / "lake")), "huggingface", date(2025, 5, 1))
    assert manifest.status == "quarantined" and manifest.quarantine["gate_error"]
