"""CSV export that cannot smuggle spreadsheet formulas.

A hub-provided name such as ``=HYPERLINK(...)`` becomes a live formula when an analyst opens the CSV in
a spreadsheet. Text cells starting with a formula trigger are prefixed with an apostrophe (OWASP's
advice), which spreadsheets display as plain text.
"""

from __future__ import annotations

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    return safe.to_csv(index=False).encode("utf-8")
