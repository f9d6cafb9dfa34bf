"""``likeness-watch report``: write the study report from the warehouse."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from likeness_watch.settings import Settings
from likeness_watch.store import StoreError

_DAY = click.DateTime(formats=["%Y-%m-%d"])


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output directory [default: LW_REPORT_DIR or ./data/report].",
)
@click.option("--from", "start", type=_DAY, default=None, help="First day of the period (YYYY-MM-DD).")
@click.option("--to", "end", type=_DAY, default=None, help="Last day of the period [default: latest data].")
@click.option(
    "--warehouse",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="DuckDB warehouse [default: LW_WAREHOUSE].",
)
def report(
    out_dir: Path | None, start: datetime | None, end: datetime | None, warehouse: Path | None
) -> None:
    """Write the study report: self-contained HTML with plots, plus PNG/SVG charts and CSV tables.

    Puts the Oxford study's headline figures next to the same figures measured from our warehouse.
    Prints the path of index.html last. Imports are deferred so ``--help`` stays fast.
    """
    import duckdb

    from likeness_watch.report.build import build_report, save_report
    from likeness_watch.report.study import load_study
    from likeness_watch.report.warehouse import ReportError, load_settings_data

    settings = Settings()
    if warehouse is not None:
        settings = settings.model_copy(update={"warehouse": warehouse})
    try:
        data = load_settings_data(settings, _day(start), _day(end))
        built = build_report(data, load_study())
        index = save_report(built, out_dir or settings.report_dir)
    except ReportError as exc:
        raise click.ClickException(str(exc)) from exc
    except StoreError as exc:
        raise click.ClickException(f"cannot write the report: {exc}") from exc
    except duckdb.Error as exc:  # e.g. a warehouse file that is not a DuckDB database
        raise click.ClickException(f"cannot read the warehouse {settings.warehouse}: {exc}") from exc
    headline = built.headline
    click.echo(f"period            {data.timeline_start} → {data.end}")
    versions = "" if headline.likeness_versions is None else f" ({headline.likeness_versions:,} versions)"
    click.echo(f"likeness models   {headline.likeness_models:,}{versions}")
    if headline.share_women is not None:
        click.echo(f"targets women     {headline.share_women:.1%}")
    click.echo(f"charts / tables   {len(built.charts)} / {len(built.tables)}")
    click.echo(str(index))
