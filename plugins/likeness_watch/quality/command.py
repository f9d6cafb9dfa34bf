"""``likeness-watch validate``: the quality gates from the command line, the same code the DAGs run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import click
from rich.console import Console

from likeness_watch.hubs.registry import hub_names
from likeness_watch.raw import committed_partitions
from likeness_watch.raw.manifest import COMMITTED, QUARANTINED
from likeness_watch.settings import Settings
from likeness_watch.store import ObjectStore, open_store


def raw_days(store: ObjectStore, hub: str, day: date | None) -> list[date]:
    """The day to validate for a hub: the given one, else its newest partition (quarantined included)."""
    if day is not None:
        return [day]
    manifests = committed_partitions(store, hub, statuses=(COMMITTED, QUARANTINED))
    return [date.fromisoformat(manifests[-1].dt)] if manifests else []


def run_and_print(gate: Callable[[], object], console: Console, show_all: bool) -> str | None:
    """Run one gate and print its summary; returns the failure message when it failed."""
    from likeness_watch.quality import QualityGateError

    try:
        summary = gate()
    except QualityGateError as exc:
        if exc.summary is None:
            raise
        exc.summary.print_to(console, show_all)
        return str(exc)
    summary.print_to(console, show_all)
    return None


@click.command()
@click.option("--layer", type=click.Choice(["raw", "staging", "marts"]), required=True, help="Gate to run.")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Day to validate (default: newest).")
@click.option(
    "--hub", "hubs", type=click.Choice(hub_names()), multiple=True, help="Raw: hub(s); default all."
)
@click.option("--release", is_flag=True, help="Raw: release a quarantined partition that passes now.")
@click.option("--candidate", is_flag=True, help="Staging/marts: validate the build awaiting publication.")
@click.option(
    "--all", "show_all", is_flag=True, help="List every expectation, not only failures and warnings."
)
def validate(
    layer: str, day: datetime | None, hubs: tuple[str, ...], release: bool, candidate: bool, show_all: bool
) -> None:
    """Run the data-quality gates; exits non-zero when a blocking expectation fails."""
    from likeness_watch.quality import QualityGateError, SuiteError, validate_raw, validate_warehouse

    if layer != "raw" and (hubs or release):
        raise click.UsageError("--hub and --release apply to --layer raw only")
    if layer == "raw" and candidate:
        raise click.UsageError("--candidate applies to --layer staging or marts only")
    settings = Settings()
    store = open_store(settings.store)
    console = Console()
    given = day.date() if day else None
    try:
        if layer == "raw":
            runs = [(hub, d) for hub in hubs or hub_names() for d in raw_days(store, hub, given)]
            if not runs:
                raise click.ClickException(f"no raw partitions in {settings.store}: crawl first")
            failures = [
                run_and_print(
                    lambda h=hub, d=d: validate_raw(settings, store, h, d, release), console, show_all
                )
                for hub, d in runs
            ]
        else:
            failures = [
                run_and_print(
                    lambda: validate_warehouse(settings, layer, given, candidate=candidate, store=store),
                    console,
                    show_all,
                )
            ]
    except (QualityGateError, SuiteError) as exc:
        raise click.ClickException(str(exc)) from exc
    failed = [message for message in failures if message]
    if failed:
        raise click.ClickException(" | ".join(failed))
