"""``likeness-watch evidence``: write the evidence pack of an alert or of one model."""

from __future__ import annotations

from pathlib import Path

import click

from likeness_watch.hubs.registry import hub_names
from likeness_watch.settings import Settings


@click.command()
@click.option("--alert", "alert_id", default=None, help="A recorded alert's id: every model it names.")
@click.option("--hub", type=click.Choice(hub_names()), default=None, help="The model's hub (with --model).")
@click.option("--model", "model_id", default=None, help="The model's id on its hub (with --hub).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder the pack's folder goes in [default: LW_EVIDENCE_DIR or ./data/evidence].",
)
def evidence(alert_id: str | None, hub: str | None, model_id: str | None, out_dir: Path | None) -> None:
    """Write an evidence pack: <out>/<alert id>/ or <out>/model-<hub>-<id>/, holding index.html
    (self-contained, hub strings escaped) and evidence.json (the same data, raw values).

    From stored data only (the warehouse, the committed raw partitions, the state store's alerts and
    review decisions): nothing is requested from a hub. Prints the path of index.html last.
    """
    from likeness_watch.review.evidence import EvidenceError, build_alert_pack, build_model_pack, write_pack

    if alert_id is not None and (hub or model_id):
        raise click.UsageError("give --alert, or --hub and --model, not both")
    if alert_id is None and not (hub and model_id):
        raise click.UsageError("give --alert ALERT_ID, or --hub HUB and --model MODEL_ID")
    settings = Settings()
    try:
        if alert_id is not None:
            pack = build_alert_pack(settings, alert_id)
        else:
            assert hub is not None and model_id is not None
            pack = build_model_pack(settings, hub, model_id)
        index = write_pack(pack, out_dir or settings.evidence_dir, settings)
    except EvidenceError as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"cannot write the evidence pack: {exc}") from exc
    records = sum(len(model["raw_records"]) for model in pack.models)
    click.echo(f"models            {len(pack.models)}")
    click.echo(f"raw records       {records}")
    click.echo(str(index))
