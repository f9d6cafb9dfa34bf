"""``likeness-watch`` command line.

Subcommands are loaded lazily (click's documented LazyGroup pattern) so ``--help`` and light
commands never import Airflow, dbt or Great Expectations. User errors become one-line messages
with a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import importlib

import click

from likeness_watch import __version__

COMMANDS: dict[str, str] = {
    "simulate": "likeness_watch.simulator.command:simulate",
    "crawl": "likeness_watch.crawl.command:crawl",
    "demo": "likeness_watch.demo:demo",
    "build": "likeness_watch.warehouse.command:build",
    "validate": "likeness_watch.quality.command:validate",
    "alert": "likeness_watch.alerts.command:alert",
    "report": "likeness_watch.report.command:report",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported only when invoked (or listed)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        return getattr(importlib.import_module(module_name), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="likeness-watch")
def main() -> None:
    """Watch public AI model hubs for likeness models and alert trust & safety teams."""
