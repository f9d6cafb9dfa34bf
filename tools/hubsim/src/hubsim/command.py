"""``likeness-watch simulate``: serve the synthetic hubs, or a replay of recorded data, on 127.0.0.1."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

if TYPE_CHECKING:
    from hubsim.source import Source
    from hubsim.world import World

WORLD_ONLY = ("scale", "start", "end", "export_truth")
"""Options that shape the synthetic world only: with --replay they are a mistake, not a no-op."""


def _fault_spec(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Reject a bad spec before a world is built or data is read (it failed with a traceback)."""
    from hubsim.faults import parse

    try:
        parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    return value


@click.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Bind address (keep it on loopback).")
@click.option(
    "--seed",
    type=int,
    default=42,
    show_default=True,
    help="World seed (same seed, same world); with --replay it seeds only the faults.",
)
@click.option(
    "--scale", type=click.FloatRange(0.01, 1000), default=1.0, show_default=True, help="World size."
)
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), default="2022-11-01", show_default=True)
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), default="2026-12-31", show_default=True)
@click.option(
    "--faults",
    default="",
    callback=_fault_spec,
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
@click.option(
    "--replay",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Serve the recorded hub records in this directory (.json, .jsonl, optionally .gz; "
    "Civitai models, Hugging Face models or model cards) instead of a synthetic world.",
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
    replay: Path | None,
) -> None:
    """Serve Civitai- and Hugging Face-shaped APIs from a deterministic synthetic world.

    URLs: /at/<YYYY-MM-DD>/civitai/api/v1/... and /at/<YYYY-MM-DD>/huggingface/api/... serve each
    hub as it was at the end of that day; /_sim/truth, /_sim/requests, /_sim/health, POST /_sim/faults.
    With --replay DIR, the same URLs serve the records recorded in DIR.
    """
    from hubsim import SimConfig, build_world

    if replay is not None:
        _replay(replay, host, port, seed, faults, hf_quota)
        return

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
    _serve(build_world(cfg), host, port, faults)


def _replay(directory: Path, host: str, port: int, seed: int, faults: str, hf_quota: int) -> None:
    """`--replay DIR`: read the recorded data (one-line errors naming file and line), then serve it."""
    from hubsim.recorded import RecordingError
    from hubsim.replay import Replay

    ctx = click.get_current_context()
    given = [
        "--" + name.replace("_", "-")
        for name in WORLD_ONLY
        if ctx.get_parameter_source(name) not in (ParameterSource.DEFAULT, None)
    ]
    if given:
        raise click.UsageError(
            f"--replay serves recorded data; {', '.join(given)} shape(s) only the synthetic world"
        )
    click.echo(f"reading recorded data in {directory} ...")
    try:
        source = Replay.from_directory(directory, seed=seed, faults=faults, hf_quota=hf_quota)
    except RecordingError as exc:
        raise click.ClickException(str(exc)) from exc
    data = source.recording
    hidden = sum(m.hidden for m in data.civitai.values())
    click.echo(
        f"replaying {data.files} files from {directory}: {len(data.civitai)} Civitai models ({hidden} never "
        f"listed), {len(data.huggingface)} Hugging Face repos ({len(data.cards)} cards) "
        f"on http://{host}:{port}; Ctrl-C stops it"
    )
    _serve(source, host, port, faults)


def _serve(source: World | Source, host: str, port: int, faults: str) -> None:
    from hubsim import serve

    try:
        serve(source, host, port, faults)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    except KeyboardInterrupt:
        click.echo("stopped")
