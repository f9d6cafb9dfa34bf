"""``likeness-watch build``: build the warehouse from the committed raw partitions (dbt build)."""

from __future__ import annotations

from pathlib import Path

import click

from likeness_watch.settings import Settings
from likeness_watch.store import StoreError


@click.command()
@click.option("--store", metavar="URI", help="Object store with the raw partitions (default: LW_STORE).")
@click.option(
    "--warehouse",
    type=click.Path(dir_okay=False, path_type=Path),
    help="DuckDB warehouse file (default: LW_WAREHOUSE).",
)
@click.option("--full-refresh", is_flag=True, help="Rebuild everything from the raw layer.")
@click.option(
    "--force",
    is_flag=True,
    help="With --full-refresh: rebuild even from a store that holds none of the warehouse's partitions.",
)
@click.option("--select", metavar="SELECTOR", help="dbt node selection, e.g. '+mart_targets'.")
@click.option("--unit-tests", is_flag=True, help="Also run the dbt unit tests (SQL logic on fixed inputs).")
def build(
    store: str | None,
    warehouse: Path | None,
    full_refresh: bool,
    force: bool,
    select: str | None,
    unit_tests: bool,
) -> None:
    """Build the DuckDB warehouse (dbt build): history, likeness decisions and trend marts.

    Incremental by default: only raw partitions that are new or were re-crawled since the last
    build are read. Refuses a build that would drop partitions the warehouse was built from (a
    wrong or emptied store). Without the quality gates (the lw_build DAG builds a candidate,
    gates it and publishes it), it builds a copy beside the file and swaps it in: open read-only
    connections keep their snapshot. It holds the file's writer lock throughout, so that a DAG's
    publish cannot land between the copy and the swap.
    """
    import duckdb
    from filelock import Timeout

    from likeness_watch.warehouse.access import writer_lock
    from likeness_watch.warehouse.build import WarehouseBuildError, build_warehouse, dbt_vars
    from likeness_watch.warehouse.headlines import headline_numbers
    from likeness_watch.warehouse.paths import building_path
    from likeness_watch.warehouse.snapshot import checkpoint, copy_published, swap_in

    if force and not full_refresh:
        raise click.UsageError("--force only goes with --full-refresh")
    given = {"store": store, "warehouse": warehouse}
    settings = Settings(**{key: value for key, value in given.items() if value is not None})
    path = Path(dbt_vars(settings, Path.cwd())["lw_warehouse"])
    building = building_path(path)
    try:
        with writer_lock(path):
            copy_published(path, building)
            result = build_warehouse(
                settings.model_copy(update={"warehouse": building}), full_refresh, select, unit_tests, force
            )
            checkpoint(building)
            swap_in(building, path)
    except (WarehouseBuildError, StoreError) as exc:
        raise click.ClickException(str(exc)) from exc
    except duckdb.Error as exc:  # e.g. a published file that is not a DuckDB database
        raise click.ClickException(f"cannot build from the warehouse {path}: {exc}") from exc
    except Timeout as exc:
        raise click.ClickException(f"{path} stayed locked by another writer (a publish, alerts)") from exc
    result.warehouse = path
    click.echo(result.summary())
    for line in result.quarantined:
        click.echo(line)
    if result.warnings:
        click.echo("warnings: " + ", ".join(node.name for node in result.warnings))
    if select is None:
        for line in headline_numbers(result.warehouse).lines():
            click.echo(f"  {line}")
