"""``classify_frame``: the dbt Python model's entry point must agree with ``classify`` row by row."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd
import pytest

from likeness_watch.classify import CLASSIFIER_VERSION, DECISION_COLUMNS, classify, classify_frame

ROWS = [
    {
        "hub": "civitai",
        "model_id": "1",
        "name": "Mina Park LoRA",
        "type": "LORA",
        "tags": ["celebrity"],
        "trained_words": ["minapark"],
        "poi": True,
        "nsfw": True,
        "nsfw_level": 28,
        "description": None,
    },
    {
        "hub": "civitai",
        "model_id": "2",
        "name": "Tifa Lockhart",
        "type": "LORA",
        "tags": ["anime"],
        "trained_words": [],
        "poi": False,
        "nsfw": False,
        "nsfw_level": 1,
        "description": "<p>FF7</p>",
    },
    {
        "hub": "huggingface",
        "model_id": "u/jiwoo-han-lora",
        "name": "u/jiwoo-han-lora",
        "type": "LORA",
        "tags": ["lora", "region:us"],
        "trained_words": ["photo of jwhan woman"],
        "poi": None,
        "nsfw": None,
        "nsfw_level": None,
        "description": None,
    },
]


def test_frame_matches_row_by_row_classification() -> None:
    out = classify_frame(pd.DataFrame(ROWS))
    assert list(out.columns) == ["hub", "model_id", *DECISION_COLUMNS]
    assert out["model_id"].tolist() == ["1", "2", "u/jiwoo-han-lora"]
    for row, (_, decided) in zip(ROWS, out.iterrows(), strict=True):
        # pandas stores a missing string as NaN; DuckDB reads it as NULL (see the DuckDB test).
        got = {column: None if _missing(decided[column]) else decided[column] for column in DECISION_COLUMNS}
        assert got == classify(row)


def _missing(value: object) -> bool:
    return not isinstance(value, list) and pd.isna(value)


@pytest.mark.parametrize(
    "encode",
    [
        lambda items: items,
        lambda items: np.array(items, dtype=object),
        lambda items: json.dumps(items),
    ],
    ids=["list", "numpy", "json"],
)
def test_list_columns_in_any_encoding(encode) -> None:
    frame = pd.DataFrame(ROWS)
    frame["tags"] = [encode(row["tags"]) for row in ROWS]
    frame["trained_words"] = [encode(row["trained_words"]) for row in ROWS]
    assert classify_frame(frame)["is_likeness"].tolist() == [True, False, True]


def test_nullable_columns_from_a_warehouse() -> None:
    """DuckDB hands pandas NaN/NA for NULL flags and levels, and NaN for missing lists."""
    frame = pd.DataFrame(ROWS).astype({"nsfw_level": "Int64"})
    frame["poi"] = pd.array([True, False, pd.NA], dtype="boolean")
    frame.loc[2, "trained_words"] = np.nan
    out = classify_frame(frame)
    assert out["nsfw_intent"].tolist() == [True, False, False]
    assert out.dtypes["is_likeness"] == "bool" and out.dtypes["likeness_confidence"] == "float64"


def test_optional_signal_columns_may_be_absent() -> None:
    out = classify_frame(pd.DataFrame({"hub": ["civitai"], "model_id": ["9"], "name": ["Mina Park"]}))
    assert out.loc[0, "is_likeness"]
    assert out.loc[0, "classifier_version"] == CLASSIFIER_VERSION


def test_missing_key_columns_are_an_error() -> None:
    with pytest.raises(ValueError, match="model_id"):
        classify_frame(pd.DataFrame({"hub": ["civitai"], "name": ["x"]}))


def test_empty_frame_keeps_the_schema() -> None:
    out = classify_frame(pd.DataFrame({"hub": [], "model_id": [], "name": []}))
    assert out.empty and list(out.columns) == ["hub", "model_id", *DECISION_COLUMNS]


def test_duckdb_reads_reasons_as_string_lists() -> None:
    """What dbt-duckdb does with a Python model's DataFrame: list columns become VARCHAR[]."""
    out = classify_frame(pd.DataFrame(ROWS))
    con = duckdb.connect()
    con.register("decisions", out)
    types = dict(con.execute("select column_name, column_type from (describe decisions)").fetchall())
    assert types["likeness_reasons"] == "VARCHAR[]" and types["nsfw_reasons"] == "VARCHAR[]"
    assert types["is_likeness"] == "BOOLEAN"
    flagged = con.execute("select model_id from decisions where list_contains(likeness_reasons, 'poi_flag')")
    assert flagged.fetchall() == [("1",)]
    untargeted = con.execute(
        "select model_id from decisions where target_name is null and target_prominence is null"
    )
    assert untargeted.fetchall() == [("2",)]
