"""``likeness-watch demo``: the whole pipeline on the simulator, through the code the DAGs run.

A new user sees in a few minutes what the platform does: simulated hubs are crawled day by day
into the object store, each partition passes the raw quality gate, the warehouse is built and
gated before it is published, alerts for the period land in the outbox, and the study report
is written. Nothing is sent anywhere unless alert channels are configured. The simulator is a dev
tool (``hubsim``, the dev and demo extras): without it the CLI says which extras to install.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from hubsim import SIM_RPS, SimConfig, SimServer, build_world, sim_base_url
from likeness_watch.crawl.command import crawl_with_progress, progress_bar
from likeness_watch.hubs.registry import hub_names
from likeness_watch.raw import Manifest
from likeness_watch.settings import Settings
from likeness_watch.store import open_store

if TYPE_CHECKING:  # the pipeline loads the quality gates: not at import (demo --help stays quick)
    from likeness_watch.pipeline import RawGateOutcome

SIM_GAP_PROBE_BUDGET = 5000
SIM_REFRESH_BUDGET = 300
"""Enough to notice the ban day's removals among recent models, small enough for a quick demo."""


def crawl_days(
    settings: Settings, sim_url: str, days: list[date], console: Console
) -> tuple[dict[tuple[str, date], Manifest], RawGateOutcome]:
    """Crawl every hub for each day against the simulator, and gate each day before the next, as
    lw_crawl does: a crawl lands its partition, only the raw gate commits it, and the next day's
    crawl continues from the last committed one. Returns the manifests and the gate outcome."""
    from likeness_watch.pipeline import RawGateOutcome, gate_raw

    store = open_store(settings.store)
    store.check()
    manifests: dict[tuple[str, date], Manifest] = {}
    gated = RawGateOutcome()
    with progress_bar() as progress:
        overall = progress.add_task("crawl days", total=len(days) * len(hub_names()))
        for day in days:
            for hub in hub_names():
                manifests[hub, day] = crawl_with_progress(
                    hub, day, settings, store, progress, base_url=sim_base_url(sim_url, hub), rps=SIM_RPS
                )
                progress.advance(overall)
            outcome = gate_raw(settings, store, [(hub, day) for hub in hub_names()])
            gated.passed += outcome.passed
            gated.quarantined.update(outcome.quarantined)
    return manifests, gated


def crawl_table(manifests: dict[tuple[str, date], Manifest]) -> Table:
    table = Table(title="Crawled partitions (per hub per day)")
    table.add_column("day")
    table.add_column("hub")
    table.add_column("mode")
    for column in ("records", "new", "hidden found", "removed", "requests"):
        table.add_column(column, justify="right")
    for (hub, day), manifest in sorted(manifests.items(), key=lambda item: (item[0][1], item[0][0])):
        table.add_row(
            day.isoformat(),
            hub,
            manifest.mode,
            str(manifest.record_count),
            str(manifest.new_models),
            str(manifest.via_counts.get("gap_probe", 0)),
            str(manifest.phases.get("refresh", {}).get("gone", 0)),
            str(manifest.requests),
        )
    return table


@click.command()
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), default="2025-05-05", show_default=True)
@click.option("--days", type=click.IntRange(1, 400), default=30, show_default=True, help="Days to crawl.")
@click.option("--seed", type=int, default=42, show_default=True, help="Simulator world seed.")
@click.option("--scale", type=click.FloatRange(0.01, 100), default=1.0, show_default=True)
def demo(start: datetime, days: int, seed: int, scale: float) -> None:
    """Run the pipeline end to end on the simulated hubs and print what it found."""
    console = Console(width=max(Console().width, 100))
    settings = Settings(gap_probe_budget=SIM_GAP_PROBE_BUDGET, refresh_budget=SIM_REFRESH_BUDGET)
    day_list = [start.date() + timedelta(days=i) for i in range(days)]
    console.print(f"[bold]Building the simulated world[/] (seed {seed}, scale {scale})…")
    world = build_world(SimConfig(seed=seed, scale=scale))
    server = SimServer(world, host="127.0.0.1", port=0)
    server.start()
    try:
        console.print(f"Simulator on {server.url}; store {settings.store}")
        manifests, gate = crawl_days(settings, server.url, day_list, console)
    finally:
        server.stop()
    console.print(crawl_table(manifests))
    run_downstream(settings, day_list, gate, console)


def run_downstream(settings: Settings, days: list[date], gate: RawGateOutcome, console: Console) -> None:
    """Warehouse, its gates, alerts and report for the crawled and raw-gated period."""
    from likeness_watch.alerts.command import summary as alert_summary
    from likeness_watch.alerts.run import run_alerts_range
    from likeness_watch.pipeline import build_and_publish
    from likeness_watch.report import write_report

    console.rule("Raw quality gate (each day, right after its crawl)")
    console.print(f"{len(gate.passed)} partitions passed, {len(gate.quarantined)} quarantined")
    for (hub, day), message in sorted(gate.quarantined.items()):
        console.print(f"quarantined {hub} {day}: {message}", markup=False, highlight=False)
    console.rule("Warehouse (dbt build on a candidate, gated, then published)")
    published = build_and_publish(settings, days[-1])
    result = published.build
    loaded = len(result.loaded)
    console.print(f"dbt build: {len(result.nodes)} nodes, {loaded} partitions in {result.seconds:.0f} s")
    for validation in published.gates:
        console.print(validation.render(), highlight=False)
    console.print("\n".join(published.headlines), highlight=False)
    console.rule("Alerts for the simulated period")
    run = run_alerts_range(settings, days[0], days[-1])
    console.print(alert_summary(run, dry_run=False, suppressed=False), highlight=False, markup=False)
    console.rule("Study report")
    index = write_report(settings, settings.report_dir)
    console.print(f"report: {index.resolve()}")
