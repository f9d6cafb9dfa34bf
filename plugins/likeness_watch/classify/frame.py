"""Classify a whole staging table at once (the dbt Python model's entry point)."""

from __future__ import annotations

import pandas as pd

from likeness_watch.classify.classifier import classify

SIGNAL_COLUMNS = (
    "hub",
    "name",
    "type",
    "tags",
    "description",
    "trained_words",
    "poi",
    "nsfw",
    "nsfw_level",
    "base_model",
    "creator",
)
DECISION_COLUMNS = (
    "is_likeness",
    "likeness_confidence",
    "likeness_reasons",
    "target_name",
    "target_gender",
    "target_gender_confidence",
    "target_country",
    "target_country_confidence",
    "target_prominence",
    "nsfw_intent",
    "nsfw_reasons",
    "classifier_version",
)
_DTYPES = {
    "is_likeness": "bool",
    "likeness_confidence": "float64",
    "target_gender_confidence": "float64",
    "target_country_confidence": "float64",
    "nsfw_intent": "bool",
}


def classify_frame(df: pd.DataFrame) -> pd.DataFrame:
    """One decision row per input row: ``hub``, ``model_id`` and the decision columns.

    ``df`` needs ``hub``, ``model_id`` and ``name``; other signal columns are optional (missing ones
    count as absent signals). Lists may arrive as lists, numpy arrays or JSON text. Rows are classified
    one by one with the same function as :func:`classify`: per-tag work is cached, so the cost is
    dominated by titles and descriptions (about 40 µs a row on one core).
    """
    missing = [column for column in ("hub", "model_id", "name") if column not in df.columns]
    if missing:
        raise ValueError(f"classify_frame needs columns {missing}")
    present = [column for column in SIGNAL_COLUMNS if column in df.columns]
    columns = [df[column].tolist() for column in present]
    decisions: dict[str, list[object]] = {column: [] for column in DECISION_COLUMNS}
    for values in zip(*columns, strict=True):
        decision = classify(dict(zip(present, values, strict=True)))
        for column in DECISION_COLUMNS:
            decisions[column].append(decision[column])
    out = pd.DataFrame({"hub": df["hub"].tolist(), "model_id": df["model_id"].tolist(), **decisions})
    return out.astype(_DTYPES)
