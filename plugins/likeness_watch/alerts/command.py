"""``likeness-watch alert``: detect, record, deliver and summarise the alerts of a day (or range)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
import duckdb

from likeness_watch.alerts.channels.config import ChannelConfigError
from likeness_watch.alerts.escape import plain
from likeness_watch.alerts.marts import MartsMissing
from likeness_watch.alerts.routing import RoutingError
from likeness_watch.alerts.run import AlertRun, latest_days, run_alerts_range
from likeness_watch.alerts.watchlist import WatchlistError
from likeness_watch.settings import Settings
from likeness_watch.store import StoreError

USER_ERRORS = (
    MartsMissing,
    WatchlistError,
    RoutingError,
    ChannelConfigError,
    StoreError,
    duckdb.Error,
    ValueError,
)


def summary(run: AlertRun, dry_run: bool, suppressed: bool) -> str:
    """The readable summary printed after a run (every hub string made printable)."""
    new_ids = {alert.alert_id for alert in run.new}
    lines = []
    for alert in run.alerts:
        marker = "new" if alert.alert_id in new_ids else "   "
        lines.append(
            f"{alert.day}  {alert.severity.upper():8} {alert.kind:16} {plain(alert.hub):11} {marker}  "
            f"{plain(alert.title, 100)}"
        )
        lines += [
            f"{'':40}· {plain(model.name, 60)}  {plain(model.url or '')}" for model in alert.top_models[:3]
        ]
    lines.append(f"{len(run.alerts)} alert(s), {len(run.new)} new.")
    if dry_run:
        lines.append("Dry run: nothing recorded, written or sent.")
        return "\n".join(lines)
    lines.append(f"Outbox: {len(run.outbox)} file(s).")
    if suppressed:
        lines.append("Delivery suppressed: new alerts recorded as 'suppressed', nothing sent.")
    else:
        sent = (
            ", ".join(f"{name} {count}" for name, count in sorted(run.delivery.delivered.items())) or "none"
        )
        lines.append(f"Delivered: {sent}.")
        if run.delivery.failed:
            failed = ", ".join(f"{name} {count}" for name, count in sorted(run.delivery.failed.items()))
            lines.append(f"Failed (kept pending, retried with backoff next run): {failed}.")
        if run.delivery.dead_lettered:
            dead = ", ".join(f"{name} {count}" for name, count in sorted(run.delivery.dead_lettered.items()))
            lines.append(f"Dead-lettered (not retried): {dead}.")
        lines += [f"Raised: {plain(alert.title, 150)}" for alert in run.delivery.raised]
        lines += [f"  ! {plain(error, 200)}" for error in run.delivery.errors[:10]]
    return "\n".join(lines)


@click.command("alert")
@click.option(
    "--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Day to score (default: latest in marts)."
)
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Score every day from --date to this day.")
@click.option("--dry-run", is_flag=True, help="Detect and print only: record, write and send nothing.")
@click.option("--suppress-delivery", is_flag=True, help="Backfills: record and write the outbox, never send.")
@click.option("--warehouse", type=click.Path(dir_okay=False, path_type=Path), help="DuckDB warehouse file.")
@click.option("--store", help="Object store URI (raw partitions: data completeness).")
@click.option("--outbox", type=click.Path(file_okay=False, path_type=Path), help="Outbox directory.")
def alert(
    day: datetime | None,
    until: datetime | None,
    dry_run: bool,
    suppress_delivery: bool,
    warehouse: Path | None,
    store: str | None,
    outbox: Path | None,
) -> None:
    """Detect spikes, target clusters, watchlist matches, takedown evasion and missing data;
    record them once, write the outbox and deliver to the configured channels."""
    overrides = {"warehouse": warehouse, "store": store, "outbox": outbox}
    try:
        settings = Settings(**{key: value for key, value in overrides.items() if value is not None})
        if day is None:
            if until is not None:
                raise click.UsageError("--until needs --date")
            latest = latest_days(settings, lookback=1)
            if latest is None:
                raise MartsMissing("mart_likeness_daily is empty: nothing to score")
            start = end = latest[1]
        else:
            start = day.date()
            end = until.date() if until is not None else start
            if end < start:
                raise click.UsageError(f"--until {end} is before --date {start}")
        run = run_alerts_range(settings, start, end, dry_run=dry_run, suppress_delivery=suppress_delivery)
    except USER_ERRORS as exc:
        raise click.ClickException(plain(exc)) from None
    click.echo(summary(run, dry_run, suppress_delivery))
