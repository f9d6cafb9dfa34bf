import sys
import types

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from likeness_watch.warehouse.classification import (
    CLASSIFIED_SCHEMA,
    NO_RECORD,
    classify_batch,
    classify_batches,
    input_frame,
    pending_models,
)

INPUT = pa.schema(
    [
        ("hub", pa.string()),
        ("model_id", pa.string()),
        ("name", pa.string()),
        ("type", pa.string()),
        ("tags", pa.list_(pa.string())),
        ("description", pa.string()),
        ("trained_words", pa.list_(pa.string())),
        ("poi", pa.bool_()),
        ("nsfw", pa.bool_()),
        ("nsfw_level", pa.int32()),
        ("base_model", pa.string()),
        ("creator", pa.string()),
        ("attributes_hash", pa.string()),
    ]
)


def _batch(rows: list[dict]) -> pa.RecordBatch:
    full = [{name: row.get(name) for name in INPUT.names} for row in rows]
    return pa.RecordBatch.from_pylist(full, schema=INPUT)


@pytest.fixture
def seen(monkeypatch):
    """A stand-in classifier that answers in reverse order and records what it was given."""
    calls: list[pd.DataFrame] = []

    def classify_frame(df: pd.DataFrame) -> pd.DataFrame:
        calls.append(df.copy())
        out = pd.DataFrame(
            {
                "hub": df["hub"],
                "model_id": df["model_id"],
                "is_likeness": ["celebrity" in tags for tags in df["tags"]],
                "likeness_confidence": 0.5,
                "likeness_reasons": [["tag:celebrity"] if "celebrity" in t else [] for t in df["tags"]],
                "target_name": df["name"],
                "target_gender": "unknown",
                "target_gender_confidence": 0.0,
                "target_country": "unknown",
                "target_country_confidence": 0.0,
                "target_prominence": "unknown",
                "nsfw_intent": False,
                "nsfw_reasons": [[] for _ in range(len(df))],
                "classifier_version": "test-1",
                "extra_column": 1,
            }
        )
        return out.iloc[::-1].reset_index(drop=True)

    module = types.ModuleType("likeness_watch.classify")
    module.classify_frame = classify_frame
    module.CLASSIFIER_VERSION = "test-1"
    monkeypatch.setitem(sys.modules, "likeness_watch.classify", module)
    return calls


def test_input_lists_are_plain_lists_never_none():
    frame = input_frame(
        _batch([{"hub": "civitai", "model_id": "1", "name": "x", "tags": None, "trained_words": ["w"]}])
    )
    assert frame.loc[0, "tags"] == []
    assert frame.loc[0, "trained_words"] == ["w"]
    assert isinstance(frame.loc[0, "trained_words"], list)


JANE_DOE = {
    "hub": "civitai",
    "model_id": "1",
    "name": "Jane Doe LoRA",
    "tags": ["celebrity"],
    "attributes_hash": "h1",
}


def test_decisions_are_joined_back_on_keys_not_row_order(seen):
    batch = _batch(
        [
            JANE_DOE,
            {
                "hub": "huggingface",
                "model_id": "a/b",
                "name": "pixel style",
                "tags": ["style"],
                "attributes_hash": "h2",
            },
        ]
    )
    out = classify_batch(batch).to_pylist()
    by_key = {(row["hub"], row["model_id"]): row for row in out}
    assert by_key["civitai", "1"]["is_likeness"] is True
    assert by_key["civitai", "1"]["attributes_hash"] == "h1"
    assert by_key["huggingface", "a/b"]["is_likeness"] is False
    assert by_key["huggingface", "a/b"]["attributes_hash"] == "h2"
    assert "extra_column" not in out[0]
    assert list(seen[0].columns)[:3] == ["hub", "model_id", "name"]
    assert "attributes_hash" not in seen[0].columns


def test_a_classifier_that_drops_rows_fails_loudly(monkeypatch, seen):
    module = sys.modules["likeness_watch.classify"]
    original = module.classify_frame
    monkeypatch.setattr(module, "classify_frame", lambda df: original(df).head(1))
    batch = _batch([{"hub": "civitai", "model_id": str(i), "name": "n", "tags": []} for i in range(2)])
    with pytest.raises(ValueError, match="1 decisions for 2 models"):
        classify_batch(batch)


def test_batches_stream_lazily_with_the_pinned_schema(seen):
    batches = [_batch([{"hub": "civitai", "model_id": "1", "name": "a", "tags": []}]), _batch([])]
    reader = classify_batches(iter(batches))
    assert reader.schema == CLASSIFIED_SCHEMA
    assert seen == []
    assert reader.read_all().num_rows == 1
    assert classify_batches(iter([])).read_all().schema == CLASSIFIED_SCHEMA


def _latest(con: duckdb.DuckDBPyConnection) -> None:
    """A table shaped like int_models__latest with three models."""
    con.execute(
        "create table latest as select * from (values "
        "('civitai', '1', 'same'), ('civitai', '2', 'changed'), ('civitai', '3', 'new')) "
        "t(hub, model_id, attributes_hash)"
    )
    for column in ("name", "type", "description", "base_model", "creator"):
        con.execute(f"alter table latest add column {column} varchar")
    for column in ("tags", "trained_words"):
        con.execute(f"alter table latest add column {column} varchar[]")
    for column in ("poi", "nsfw"):
        con.execute(f"alter table latest add column {column} boolean")
    con.execute("alter table latest add column nsfw_level integer")


def test_pending_models_are_those_without_a_decision_for_their_current_inputs():
    con = duckdb.connect()
    _latest(con)
    decided = con.sql(
        "select * from (values ('civitai', '1', 'same'), ('civitai', '2', 'old')) "
        "t(hub, model_id, attributes_hash)"
    )

    todo = pending_models(con.table("latest"), decided)
    assert sorted(row[1] for row in todo.fetchall()) == ["2", "3"]
    assert len(pending_models(con.table("latest")).fetchall()) == 3


def test_models_observed_without_a_record_are_pending_until_decided():
    con = duckdb.connect()
    _latest(con)
    observed = con.sql(
        "select * from (values ('civitai', '1'), ('civitai', '9'), ('civitai', '9'), ('huggingface', 'a/b')) "
        "t(hub, model_id)"
    )
    todo = pending_models(con.table("latest"), None, observed)
    rows = {row[1]: row for row in todo.fetchall()}
    assert sorted(rows) == ["1", "2", "3", "9", "a/b"], "one row per model, recorded or not"
    assert rows["9"][0] == "civitai" and set(rows["9"][2:]) == {None}, "no inputs, no attributes_hash"
    assert dict(zip(todo.columns, todo.types, strict=True))["tags"] == "VARCHAR[]"

    decided = con.sql(
        "select * from (values ('civitai', '1', 'same'), ('civitai', '2', 'changed'), "
        "('civitai', '3', 'new'), ('civitai', '9', null)) t(hub, model_id, attributes_hash)"
    )
    assert [row[1] for row in pending_models(con.table("latest"), decided, observed).fetchall()] == ["a/b"]
    # the record arrives: the no_record decision (null hash) no longer matches
    con.execute("insert into latest (hub, model_id, attributes_hash) values ('civitai', '9', 'first')")
    pending = pending_models(con.table("latest"), decided, observed).fetchall()
    assert sorted((row[1], row[-1]) for row in pending) == [("9", "first"), ("a/b", None)]


def test_a_model_without_record_is_not_a_likeness_model_with_reason_no_record(seen):
    batch = _batch(
        [
            JANE_DOE,
            {"hub": "civitai", "model_id": "2"},
        ]
    )
    by_key = {row["model_id"]: row for row in classify_batch(batch).to_pylist()}
    assert by_key["2"]["is_likeness"] is False
    assert by_key["2"]["likeness_reasons"] == [NO_RECORD]
    assert by_key["2"]["classifier_version"] == "test-1" and by_key["2"]["attributes_hash"] is None
    assert by_key["1"]["is_likeness"] is True and by_key["1"]["likeness_reasons"] == ["tag:celebrity"]
