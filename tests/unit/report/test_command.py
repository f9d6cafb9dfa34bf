from click.testing import CliRunner

from likeness_watch.cli import main


def test_report_command_writes_the_report_and_prints_its_path_last(tmp_path, full_warehouse, no_charts):
    out = tmp_path / "report"
    result = CliRunner().invoke(main, ["report", "--warehouse", str(full_warehouse), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1] == str(out.resolve() / "index.html")
    assert "likeness models   60 (72 versions)" in lines
    assert (out / "index.html").is_file()


def test_period_options_limit_the_report(tmp_path, full_warehouse, no_charts):
    out = tmp_path / "may"
    args = [
        "report",
        "--warehouse",
        str(full_warehouse),
        "--out",
        str(out),
        "--from",
        "2025-05-01",
        "--to",
        "2025-05-31",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "period            2025-05-01 → 2025-05-31" in result.output
    assert "likeness models   16" in result.output


def test_default_output_directory_comes_from_settings(tmp_path, full_warehouse, monkeypatch, no_charts):
    monkeypatch.setenv("LW_REPORT_DIR", str(tmp_path / "from-env"))
    monkeypatch.setenv("LW_WAREHOUSE", str(full_warehouse))
    result = CliRunner().invoke(main, ["report"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "from-env" / "index.html").is_file()


def test_user_errors_are_one_line_without_traceback(tmp_path, full_warehouse, no_charts):
    runner = CliRunner()
    missing = runner.invoke(main, ["report", "--warehouse", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 1
    assert missing.output.startswith("Error: warehouse not found at ")
    assert len(missing.output.strip().splitlines()) == 1
    inverted = runner.invoke(
        main, ["report", "--warehouse", str(full_warehouse), "--from", "2025-06-02", "--to", "2025-06-01"]
    )
    assert inverted.exit_code == 1 and "Traceback" not in inverted.output
    bad_date = runner.invoke(main, ["report", "--from", "May 1st"])
    assert bad_date.exit_code == 2
