"""What a validation run found, in our terms: one outcome per expectation, and a readable summary.

Severity decides what blocks: a failed ``critical`` expectation fails the gate; ``warning`` and
``info`` failures are stored and printed but let data through, and so is ``drift``: one outcome per
drifting field of a raw partition (``likeness_watch.quality.drift``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime

from rich.console import Console
from rich.table import Table
from rich.text import Text

BLOCKING = "critical"
DRIFT = "drift"


class QualityGateError(RuntimeError):
    """A gate failed (or could not run); the message names the failing expectations."""

    def __init__(self, message: str, summary: ValidationSummary | None = None) -> None:
        super().__init__(message)
        self.summary = summary


@dataclass(frozen=True)
class Outcome:
    """One expectation evaluated on one batch (a raw partition or a warehouse table)."""

    suite: str
    expectation: str
    """GX expectation type and column(s), e.g. ``expect_column_values_to_not_be_null(model_id)``."""
    success: bool
    severity: str
    observed: str
    """Short text of what was seen (counts, a few unexpected values and the rows that hold them)."""
    observed_json: str
    """The same, machine-readable (stored in ``validation_results.observed_value``)."""
    hub: str | None = None
    day: date | None = None

    @property
    def blocking(self) -> bool:
        return not self.success and self.severity == BLOCKING


def _status(outcome: Outcome) -> Text:
    if outcome.success:
        return Text("pass", style="green")
    if outcome.severity == DRIFT:
        return Text("drift", style="magenta")
    return Text("FAIL", style="bold red") if outcome.blocking else Text("warn", style="yellow")


@dataclass
class ValidationSummary:
    """The result of one gate run: ``success`` unless a critical expectation failed."""

    run_id: str
    run_at: datetime
    layer: str
    target: str
    outcomes: list[Outcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    docs_url: str | None = None

    @property
    def success(self) -> bool:
        return not self.failures

    @property
    def failures(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.blocking]

    @property
    def warnings(self) -> list[Outcome]:
        return [
            outcome
            for outcome in self.outcomes
            if not outcome.success and not outcome.blocking and outcome.severity != DRIFT
        ]

    @property
    def drift(self) -> list[Outcome]:
        """Schema drift: one outcome per field absent, new or renamed (never blocking)."""
        return [outcome for outcome in self.outcomes if not outcome.success and outcome.severity == DRIFT]

    def failure_message(self, limit: int = 6) -> str:
        """One line naming the failing expectations (for exceptions, DAG logs and the CLI)."""
        shown = "; ".join(f"{o.suite}: {o.expectation} [{o.observed}]" for o in self.failures[:limit])
        more = f" (+{len(self.failures) - limit} more)" if len(self.failures) > limit else ""
        return f"{self.layer} gate failed for {self.target}: {shown}{more}"

    def headline(self) -> str:
        status = "PASSED" if self.success else "FAILED"
        passed = sum(outcome.success for outcome in self.outcomes)
        return (
            f"{self.layer} gate {status} for {self.target}: {passed}/{len(self.outcomes)} expectations met, "
            f"{len(self.failures)} blocking, {len(self.warnings)} warnings"
            + (f", {len(self.drift)} drifting fields" if self.drift else "")
            + f" (run {self.run_id})"
        )

    def table(self, show_all: bool = False) -> Table:
        """Failures first, then warnings and drift (every outcome with ``show_all``). Hub text is never
        markup."""
        table = Table()
        for column in ("result", "suite", "expectation", "observed"):
            table.add_column(column, overflow="fold")
        rows = self.failures + self.warnings + self.drift
        if show_all:
            rows += [outcome for outcome in self.outcomes if outcome.success]
        for outcome in rows:
            table.add_row(
                _status(outcome),
                Text(outcome.suite),
                Text(outcome.expectation),
                Text(outcome.observed),
            )
        return table

    def print_to(self, console: Console, show_all: bool = False) -> None:
        """Headline, the table of failures, warnings and drift (or every outcome), notes and the Data
        Docs link."""
        console.print(Text(self.headline(), style="bold green" if self.success else "bold red"))
        if show_all or self.failures or self.warnings or self.drift:
            console.print(self.table(show_all))
        for note in self.notes:
            console.print(Text(note))
        if self.docs_url:
            console.print(Text(f"Data Docs: {self.docs_url}"))

    def render(self, show_all: bool = False, width: int = 140) -> str:
        """Plain text for logs and the demo."""
        buffer = io.StringIO()
        self.print_to(Console(file=buffer, width=width, no_color=True, highlight=False), show_all)
        return buffer.getvalue()
