"""Coerce staging-schema signal values (lists, numpy arrays, JSON strings, NaN) to plain Python."""

from __future__ import annotations

import json
import math
from typing import Any


def as_str_list(value: Any) -> list[str]:
    """Tags / trained words as ``list[str]``: accepts lists, tuples, numpy arrays, JSON text, None/NaN."""
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                return as_str_list(json.loads(text))
            except ValueError:
                pass
        return [text] if text else []
    if isinstance(value, float) and math.isnan(value):
        return []
    if hasattr(value, "tolist"):
        value = value.tolist()
    try:
        return [str(item) for item in value if item is not None and isinstance(item, str | int | float)]
    except TypeError:
        return []


def as_text(value: Any) -> str:
    """Optional text: None/NaN/pandas.NA give ""."""
    return value if isinstance(value, str) else ""


def as_bool(value: Any) -> bool | None:
    """Optional flag: None/NaN/pandas.NA give None; numpy bools and 0/1 are accepted."""
    if value is None or isinstance(value, str):
        return None
    try:
        if math.isnan(value):
            return None
    except TypeError:
        return None
    return bool(value)


def as_int(value: Any) -> int | None:
    """Optional integer (Civitai nsfwLevel bit flags); floats from nullable columns are accepted."""
    if value is None or isinstance(value, bool | str):
        return None
    try:
        if math.isnan(value):
            return None
        return int(value)
    except (TypeError, ValueError):
        return None
