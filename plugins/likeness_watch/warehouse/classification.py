"""Adapter between the warehouse and the likeness classifier (``likeness_watch.classify``).

The dbt Python model ``int_models__classified`` streams models through ``classify_frame`` in
batches, so memory stays flat however many models need (re)classifying. The output schema is
pinned here: the marts rely on these columns and types even when a batch is empty.

Every observed model gets a decision, also one the hub never served a record of (observed only
as tombstones: a 404 from a refresh or gap probe whose record the lake does not hold). With no
attributes to decide on it is not a likeness model, with the reason code ``no_record``; its
``attributes_hash`` is null, so the record, once one arrives, is classified in its place.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import duckdb
import pandas as pd
import pyarrow as pa

from likeness_watch.classify.frame import SIGNAL_COLUMNS

CLASSIFIER_INPUT = ("hub", "model_id", *(column for column in SIGNAL_COLUMNS if column != "hub"))
LIST_INPUTS = ("tags", "trained_words")
KEYS = ("hub", "model_id")
BATCH_ROWS = 20_000
"""Models per classifier call: bounds memory (descriptions can be long) at a negligible cost."""
PASSTHROUGH = "attributes_hash"
"""Hash of the classifier inputs, kept beside each decision to know when to reclassify."""
NO_RECORD = "no_record"
"""Reason code of a model observed only without a record: nothing to decide on, not a likeness model."""

CLASSIFIED_SCHEMA = pa.schema(
    [
        ("hub", pa.string()),
        ("model_id", pa.string()),
        ("is_likeness", pa.bool_()),
        ("likeness_confidence", pa.float64()),
        ("likeness_reasons", pa.list_(pa.string())),
        ("target_name", pa.string()),
        ("target_gender", pa.string()),
        ("target_gender_confidence", pa.float64()),
        ("target_country", pa.string()),
        ("target_country_confidence", pa.float64()),
        ("target_prominence", pa.string()),
        ("nsfw_intent", pa.bool_()),
        ("nsfw_reasons", pa.list_(pa.string())),
        ("classifier_version", pa.string()),
        (PASSTHROUGH, pa.string()),
    ]
)


def input_frame(batch: pa.RecordBatch) -> pd.DataFrame:
    """Rows as the classifier expects them: plain Python lists (never None) for list columns."""
    frame = pd.DataFrame(batch.to_pylist(), columns=[*CLASSIFIER_INPUT, PASSTHROUGH])
    for column in LIST_INPUTS:
        frame[column] = [list(value) if value is not None else [] for value in frame[column]]
    return frame


def classify_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Classify one batch; decisions are joined back on (hub, model_id), never on row order."""
    from likeness_watch.classify import classify_frame

    frame = input_frame(batch)
    decided = classify_frame(frame[list(CLASSIFIER_INPUT)])
    decided = decided.merge(frame[[*KEYS, PASSTHROUGH]], on=list(KEYS), how="inner", validate="one_to_one")
    if len(decided) != len(frame):
        raise ValueError(f"classifier returned {len(decided)} decisions for {len(frame)} models")
    no_record = decided[PASSTHROUGH].isna()
    if no_record.any():
        decided["is_likeness"] = decided["is_likeness"].where(~no_record, False)
        decided["likeness_reasons"] = [
            [NO_RECORD] if missing else reasons
            for missing, reasons in zip(no_record, decided["likeness_reasons"], strict=True)
        ]
    return pa.RecordBatch.from_pandas(
        decided[CLASSIFIED_SCHEMA.names], schema=CLASSIFIED_SCHEMA, preserve_index=False
    )


def unrecorded_models(
    latest: duckdb.DuckDBPyRelation, observed: duckdb.DuckDBPyRelation
) -> duckdb.DuckDBPyRelation:
    """Classifier inputs of the models in ``observed`` (hub, model_id) that ``latest`` holds no
    record of: the keys, every input and ``attributes_hash`` null (typed as in ``latest``)."""
    keys = observed.select("hub, model_id").distinct().set_alias("observed")
    joined = keys.join(
        latest.set_alias("latest"),
        "observed.hub = latest.hub and observed.model_id = latest.model_id",
        how="left",
    )
    columns = [f"latest.{column}" for column in (*CLASSIFIER_INPUT[2:], PASSTHROUGH)]
    return joined.filter("latest.model_id is null").select(
        ", ".join(["observed.hub as hub", "observed.model_id as model_id", *columns])
    )


def pending_models(
    latest: duckdb.DuckDBPyRelation,
    decided: duckdb.DuckDBPyRelation | None = None,
    observed: duckdb.DuckDBPyRelation | None = None,
) -> duckdb.DuckDBPyRelation:
    """Classifier inputs of the models that have no decision for their current inputs: those of
    ``latest`` and, with ``observed`` (hub, model_id of every observed model), those never seen
    with a record (``unrecorded_models``). ``decided`` holds (hub, model_id, attributes_hash) of
    the current version's decisions; a ``no_record`` decision (null hash) stands until a record
    arrives."""
    todo = latest.select(", ".join([*CLASSIFIER_INPUT, PASSTHROUGH]))
    if observed is not None:
        todo = todo.union(unrecorded_models(latest, observed))
    todo = todo.set_alias("latest")
    if decided is None:
        return todo
    return todo.join(
        decided.set_alias("decided"),
        "latest.hub = decided.hub and latest.model_id = decided.model_id"
        " and latest.attributes_hash is not distinct from decided.attributes_hash",
        how="anti",
    )


def current_decisions(session: duckdb.DuckDBPyConnection, table: object) -> duckdb.DuckDBPyRelation:
    """(hub, model_id, attributes_hash) of the decisions in ``table`` made by this classifier version."""
    from likeness_watch.classify import CLASSIFIER_VERSION

    return session.sql(
        f"select hub, model_id, attributes_hash from {table} where classifier_version = ?",  # noqa: S608
        params=[CLASSIFIER_VERSION],
    )


def classify_batches(batches: Iterable[pa.RecordBatch]) -> pa.RecordBatchReader:
    """A lazy reader of decisions: DuckDB pulls one batch at a time while it writes the table."""

    def decisions() -> Iterator[pa.RecordBatch]:
        for batch in batches:
            if batch.num_rows:
                yield classify_batch(batch)

    return pa.RecordBatchReader.from_batches(CLASSIFIED_SCHEMA, decisions())


def classify_pending(
    latest: duckdb.DuckDBPyRelation,
    decided: duckdb.DuckDBPyRelation | None,
    observed: duckdb.DuckDBPyRelation | None = None,
    batch_rows: int = BATCH_ROWS,
) -> pa.RecordBatchReader:
    """Decisions for the models of ``latest`` (and of ``observed`` without a record) that need
    one, read ``batch_rows`` at a time."""
    return classify_batches(pending_models(latest, decided, observed).to_arrow_reader(batch_rows))
