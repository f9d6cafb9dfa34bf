"""``likeness-watch`` command line.

Subcommands are loaded lazily (click's documented LazyGroup pattern) so ``--help`` and light
commands never import Airflow, dbt or Great Expectations. User errors become one-line messages
with a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import importlib

import click

from likeness_watch import __version__

COMMANDS: dict[str, tuple[str, str]] = {
    "simulate": ("hubsim.command:simulate", "Serve the hub simulator on 127.0.0.1."),
    "crawl": ("likeness_watch.crawl.command:crawl", "Crawl hub metadata for one day into the store."),
    "build": ("likeness_watch.warehouse.command:build", "Build the DuckDB warehouse with dbt."),
    "validate": ("likeness_watch.quality.command:validate", "Run the data-quality gates."),
    "alert": ("likeness_watch.alerts.command:alert", "Detect spikes and deliver alerts for a day."),
    "report": ("likeness_watch.report.command:report", "Write the study report (HTML, plots, CSV)."),
    "evidence": (
        "likeness_watch.review.evidence_command:evidence",
        "Write the evidence pack of an alert or a model.",
    ),
    "review": ("likeness_watch.review.command:review", "Record, load, list and score review decisions."),
    "demo": ("likeness_watch.demo:demo", "Simulate, crawl, build, validate, alert and report end to end."),
}

SIMULATOR = "hubsim"
"""The hub simulator's package: a dev tool (the dev and demo extras), absent from a base install."""


class LazyGroup(click.Group):
    """A group whose subcommands are imported only when invoked (or listed)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target[0].split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != SIMULATOR:
                raise
            raise click.ClickException(
                f"{cmd_name} needs the hub simulator, which is not installed: install the dev extras "
                "(pip install -e '.[dev]')"
            ) from exc
        return getattr(module, attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List commands from the table, without importing them."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_text) for name, (_, help_text) in COMMANDS.items()])

    def invoke(self, ctx: click.Context) -> object:
        """Known operational failures and invalid settings become one-line errors (exit 1) instead
        of tracebacks; a usage error is click's own message on one line (exit 2), without the
        usage block above it."""
        from likeness_watch.crawl import CrawlError
        from likeness_watch.settings import SettingsError
        from likeness_watch.store import StoreError

        try:
            return super().invoke(ctx)
        except (CrawlError, StoreError, SettingsError) as exc:
            raise click.ClickException(str(exc)) from exc
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else ctx.command_path
            short = click.ClickException(f"{exc.format_message()} (see '{command} --help')")
            short.exit_code = exc.exit_code
            raise short from exc


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="likeness-watch")
def main() -> None:
    """Watch public AI model hubs for likeness models and alert trust & safety teams."""
