"""``likeness-watch crawl``: one hub (or all), one day, into the object store, then the raw gate."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from likeness_watch.crawl.daily import crawl_day
from likeness_watch.hubs.registry import hub_names, hub_settings
from likeness_watch.raw import Manifest
from likeness_watch.settings import Settings
from likeness_watch.store import ObjectStore, open_store

if TYPE_CHECKING:
    from likeness_watch.quality.summary import ValidationSummary


def progress_bar() -> Progress:
    """The progress display long commands share (renders only on a terminal)."""
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
    )


def crawl_with_progress(
    hub: str, day: date, settings: Settings, store: ObjectStore, progress: Progress, **hub_overrides: object
) -> Manifest:
    """Run one crawl, showing items per phase on ``progress``."""
    tasks: dict[str, int] = {}

    def advance(phase: str, count: int, requests: int) -> None:
        if phase not in tasks:
            tasks[phase] = progress.add_task(f"{hub} {day} {phase}", total=None)
        progress.advance(tasks[phase], count)

    return crawl_day(hub, day, settings, store, progress=advance, **hub_overrides)


def gate_partition(settings: Settings, store: ObjectStore, hub: str, day: date) -> ValidationSummary:
    """The raw gate on a partition just committed (``validate_raw``, as the DAG's validate task).

    A failed gate quarantines the partition and its summary is returned; a gate that fails itself
    quarantines it too and raises ``click.ClickException`` (configuration and store errors) or the
    original exception.
    """
    import duckdb

    from likeness_watch.quality import QualityGateError, SuiteError, validate_raw

    try:
        return validate_raw(settings, store, hub, day)
    except QualityGateError as exc:
        if exc.summary is not None:
            return exc.summary
        error: Exception = exc
    except (SuiteError, duckdb.Error) as exc:
        error = exc
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    raise click.ClickException(
        f"raw gate error for {hub} {day}, partition quarantined: {message} "
        f"(fix it, then `likeness-watch validate --layer raw --hub {hub} --date {day}` releases it)"
    ) from error


def not_in_the_future(ctx: click.Context, param: click.Parameter, value: datetime) -> datetime:
    """A hub cannot be crawled for a day that has not begun (2999-01-01 was crawled and built)."""
    today = datetime.now(UTC).date()
    if value.date() > today:
        raise click.BadParameter(f"{value:%Y-%m-%d} is in the future; the latest day is today, {today} (UTC)")
    return value


@click.command()
@click.option("--hub", "hubs", type=click.Choice(hub_names()), multiple=True, help="Hub(s); default all.")
@click.option(
    "--date",
    "day",
    type=click.DateTime(["%Y-%m-%d"]),
    required=True,
    callback=not_in_the_future,
    help="Day to crawl (UTC), up to today.",
)
@click.option("--base-url", help="Override the hub's API base URL ({date} is replaced by the day).")
@click.option("--store", help="Object store URI (default $LW_STORE or ./data/lake).")
def crawl(hubs: tuple[str, ...], day: datetime, base_url: str | None, store: str | None) -> None:
    """Crawl hub metadata for one day into an immutable raw partition, then run its raw gate.

    Each committed partition is validated right away (a re-crawl ends a quarantine only if it
    passes); exits non-zero when one is quarantined.
    """
    settings = Settings(**({"store": store} if store else {}))
    if base_url and len(hubs) != 1:
        raise click.UsageError("--base-url needs exactly one --hub")
    selected = hubs or hub_names()
    for hub in selected:  # a bad LW_<HUB>_* fails here, before the store is touched
        hub_settings(hub, base_url=base_url)
    object_store = open_store(settings.store)
    object_store.check()
    quarantined = []
    with progress_bar() as progress:
        for hub in selected:
            manifest = crawl_with_progress(
                hub, day.date(), settings, object_store, progress, base_url=base_url
            )
            click.echo(
                f"{hub} {manifest.dt}: {manifest.record_count} records, {manifest.new_models} new "
                f"({manifest.mode}), "
                f"{manifest.pages_fetched} pages, {manifest.requests} requests -> {settings.store}"
            )
            summary = gate_partition(settings, object_store, hub, day.date())
            summary.print_to(progress.console)
            if not summary.success:
                quarantined.append(summary.failure_message())
    if quarantined:
        raise click.ClickException("partition quarantined: " + " | ".join(quarantined))
