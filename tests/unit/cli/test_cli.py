"""User errors are one line and a non-zero exit; every command has --help."""

from __future__ import annotations

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
    ],
)
def test_user_errors_are_one_line_without_traceback(runner, args, message):
    result = runner.invoke(main, args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


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
    from likeness_watch.demo import sim_base_url

    result = runner.invoke(
        main,
        ["crawl", "--hub", "huggingface", "--date", "2023-04-01", "--store", str(tmp_path / "lake"),
         "--base-url", sim_base_url(sim.url, "huggingface")],
        env={"LW_HUGGINGFACE_RPS": "500"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "huggingface 2023-04-01:" in result.output and "records" in result.output
    assert (tmp_path / "lake/raw/hub=huggingface/dt=2023-04-01/manifest.json").is_file()
