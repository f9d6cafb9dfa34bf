"""``likeness-watch simulate``: serve the synthetic hubs on 127.0.0.1."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click


@click.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Bind address (keep it on loopback).")
@click.option("--seed", type=int, default=42, show_default=True, help="World seed (same seed, same world).")
@click.option(
    "--scale", type=click.FloatRange(0.01, 1000), default=1.0, show_default=True, help="World size."
)
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), default="2022-11-01", show_default=True)
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), default="2026-12-31", show_default=True)
@click.option(
    "--faults",
    default="",
    help="Comma-separated [hub:]name[=rate], e.g. 'civitai:429=0.1,5xx=0.05,huggingface:drift'. "
    "Names: 429, 5xx, slow, malformed, truncated, duplicates, repeat-cursor, skip-one, empty-page, "
    "drift, negative-stats, null-stats.",
)
@click.option(
    "--hf-quota", type=click.IntRange(1), default=100_000, show_default=True, help="HF calls / 5 min."
)
@click.option(
    "--export-truth",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write truth.json and models.csv (ground truth) into this directory and exit.",
)
def simulate(
    port: int,
    host: str,
    seed: int,
    scale: float,
    start: datetime,
    end: datetime,
    faults: str,
    hf_quota: int,
    export_truth: Path | None,
) -> None:
    """Serve Civitai- and Hugging Face-shaped APIs from a deterministic synthetic world.

    URLs: /at/<YYYY-MM-DD>/civitai/api/v1/... and /at/<YYYY-MM-DD>/huggingface/api/... serve each
    hub as it was at the end of that day; /_sim/truth, /_sim/requests, /_sim/health, POST /_sim/faults.
    """
    from likeness_watch.simulator import SimConfig, build_world, serve

    try:
        cfg = SimConfig(
            seed=seed, scale=scale, faults=faults, start=start.date(), end=end.date(), hf_quota=hf_quota
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    if export_truth is not None:
        for path in build_world(cfg).export_truth(export_truth):
            click.echo(f"wrote {path}")
        return
    click.echo(f"hub simulator on http://{host}:{port} (seed {seed}, scale {scale}); Ctrl-C stops it")
    try:
        serve(cfg, host, port)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    except KeyboardInterrupt:
        click.echo("stopped")
