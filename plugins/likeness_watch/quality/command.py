"""``likeness-watch validate``: the quality gates from the command line, the same code the DAGs run."""

from __future__ import annotations

from datetime import date, datetime

import click
from rich.console import Console

from likeness_watch.hubs.registry import hub_names
from likeness_watch.raw import committed_partitions
from likeness_watch.raw.manifest import COMMITTED, LANDED, QUARANTINED
from likeness_watch.settings import Settings
from likeness_watch.store import ObjectStore, open_store


def raw_days(store: ObjectStore, hub: str, day: date | None) -> list[date]:
    """The hub's partition to validate: the given day's if it exists, else its newest (landed and
    quarantined too: validating a landed partition finishes a gate a crash interrupted)."""
    manifests = committed_partitions(store, hub, statuses=(LANDED, COMMITTED, QUARANTINED))
    days = [date.fromisoformat(manifest.dt) for manifest in manifests]
    if day is not None:
        return [day] if day in days else []
    return days[-1:]


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
    import duckdb

    from likeness_watch.quality import QualityGateError, SuiteError, validate_partitions, validate_warehouse

    if layer != "raw" and (hubs or release):
        raise click.UsageError("--hub and --release apply to --layer raw only")
    if layer == "raw" and candidate:
        raise click.UsageError("--candidate applies to --layer staging or marts only")
    settings = Settings()
    store = open_store(settings.store)
    given = day.date() if day else None
    try:
        if layer == "raw":
            partitions = [(hub, d) for hub in hubs or hub_names() for d in raw_days(store, hub, given)]
            if not partitions:
                when = f" for {given}" if given else ""
                raise click.ClickException(f"no raw partitions{when} in {settings.store}: crawl first")
            summaries = validate_partitions(settings, store, partitions, release)
        else:
            try:
                summaries = [validate_warehouse(settings, layer, given, candidate=candidate, store=store)]
            except QualityGateError as exc:
                if exc.summary is None:
                    raise
                summaries = [exc.summary]
    except (QualityGateError, SuiteError, duckdb.Error) as exc:
        raise click.ClickException(str(exc).splitlines()[0]) from exc
    console = Console()
    for summary in summaries:
        summary.print_to(console, show_all)
    failed = [summary.failure_message() for summary in summaries if not summary.success]
    if failed:
        raise click.ClickException(" | ".join(failed))
