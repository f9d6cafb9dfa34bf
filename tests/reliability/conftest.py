"""The reliability suite's figures (crash points and outcomes, losses under faults) at the end of
the run: tests record them with ``record_property("figure", line)``, which also reaches the
controller from pytest-xdist workers."""

from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    reports = [report for key in ("passed", "failed") for report in terminalreporter.stats.get(key, [])]
    figures = sorted(
        value for report in reports for name, value in report.user_properties if name == "figure"
    )
    if figures:
        terminalreporter.section("reliability figures")
        for line in figures:
            terminalreporter.write_line(line)
