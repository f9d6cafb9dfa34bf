"""``likeness-watch review``: record, load, list and score trust-and-safety review decisions."""

from __future__ import annotations

from pathlib import Path

import click

from likeness_watch.display import visible
from likeness_watch.hubs.registry import hub_names
from likeness_watch.review.decisions import (
    CSV_HEADER,
    DECISIONS,
    ReviewError,
    current_user,
    decision,
    list_decisions,
    read_csv,
    record,
    utc_now,
)
from likeness_watch.settings import Settings
from likeness_watch.state_store import StateStore


@click.command()
@click.option("--hub", type=click.Choice(hub_names()), help="Hub of the model (also a --list filter).")
@click.option("--model", "model_id", metavar="MODEL_ID", help="The hub's model id (also a --list filter).")
@click.option("--decision", "kind", type=click.Choice(DECISIONS), help="What the reviewer decided.")
@click.option("--note", metavar="TEXT", help="Why (free text, kept with the decision).")
@click.option("--by", metavar="NAME", help="Who decided [default: the OS user].")
@click.option(
    "--from-csv",
    "csv_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=f"Load many decisions from a CSV ({CSV_HEADER}); all or none.",
)
@click.option("--list", "show", is_flag=True, help="Show recorded decisions, oldest first.")
@click.option(
    "--eval",
    "score",
    is_flag=True,
    help="Precision and recall of the classifier on the reviewed models, per hub (from the warehouse).",
)
def review(
    hub: str | None,
    model_id: str | None,
    kind: str | None,
    note: str | None,
    by: str | None,
    csv_path: Path | None,
    show: bool,
    score: bool,
) -> None:
    """Record what a reviewer decided about a model, append-only, in the state store (LW_STATE).

    likeness / not_likeness override the classifier in dim_model from the next build (reason
    code review:<decision>, the classifier's own decision kept beside it); reported starts the
    hub's response clock (mart_hub_response_times, takedown_overdue alerts); removed_by_hub
    records that the reviewer saw the model gone. A correction is a newer decision.
    """
    modes = [name for name, on in (("--decision", kind), ("--from-csv", csv_path), ("--list", show)) if on]
    modes += ["--eval"] if score else []
    if len(modes) != 1:
        raise click.UsageError("give one of --decision (with --hub, --model), --from-csv, --list or --eval")
    settings = Settings()
    store = StateStore.of(settings)
    try:
        if kind is not None:
            _record_one(store, hub, model_id, kind, note, by)
        elif csv_path is not None:
            _no_options("--from-csv", hub=hub, model=model_id, note=note)
            decisions = read_csv(csv_path, by or current_user())
            done = record(store, decisions, f"csv:{csv_path.name}")
            click.echo(
                f"recorded {done.new} new decision(s) from {csv_path} "
                f"({done.given - done.new} already recorded)"
            )
        elif show:
            _no_options("--list", note=note, by=by)
            _show(store, hub, model_id)
        else:
            _no_options("--eval", hub=hub, model=model_id, note=note, by=by)
            _score(Path(settings.warehouse))
    except ReviewError as exc:
        raise click.ClickException(str(exc)) from exc


def _no_options(mode: str, **given: str | None) -> None:
    extra = [f"--{name}" for name, value in given.items() if value is not None]
    if extra:
        raise click.UsageError(f"{', '.join(extra)} cannot go with {mode}")


def _record_one(
    store: StateStore, hub: str | None, model_id: str | None, kind: str, note: str | None, by: str | None
) -> None:
    if hub is None or model_id is None:
        raise click.UsageError("--decision needs --hub and --model")
    who, now = by or current_user(), utc_now()
    made = decision(hub=hub, model_id=model_id, decision=kind, note=note, decided_by=who, decided_at=now)
    record(store, [made], "cli")
    click.echo(
        f"recorded: {made.hub} {visible(made.model_id)} {made.decision} by {visible(made.decided_by)} "
        f"at {made.decided_at.isoformat(timespec='seconds')}Z"
    )


def _show(store: StateStore, hub: str | None, model_id: str | None) -> None:
    rows = list_decisions(store, hub, model_id)
    for row in rows:
        note = f"  {visible(row['note'])}" if row["note"] else ""
        when = row["decided_at"].isoformat(timespec="seconds")
        click.echo(
            f"{when}Z  {row['hub']:11} {visible(row['model_id'])}  "
            f"{row['decision']:14} by {visible(row['decided_by'])}{note}"
        )
    click.echo(f"{len(rows)} decision(s).")


def _score(warehouse: Path) -> None:
    from likeness_watch.classify.evaluate import format_by_group
    from likeness_watch.review.evaluation import EvaluationUnavailable, reviewed_evaluation

    try:
        reports = reviewed_evaluation(warehouse)
    except EvaluationUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    if not reports:
        click.echo("No reviewed models yet (likeness / not_likeness decisions, as of the last build).")
        return
    click.echo("The classifier's own decision vs the reviewers' verdicts in force at the last build:")
    click.echo(format_by_group(reports))
