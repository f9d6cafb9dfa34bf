"""Turn GX expectation results (their JSON form) into ``Outcome`` rows: pure, no GX import.

Observed values can hold hub-provided strings (an unexpected model type, a drifted field name):
they are made printable here (``ascii`` JSON, control characters escaped, length-capped) and are
escaped again by every renderer (rich ``Text``, HTML).
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from likeness_watch.quality.summary import Outcome

SHOWN_VALUES = 5
_MIDNIGHT = re.compile(r"^\d{4}-\d{2}-\d{2}T00:00:00$")
MAX_VALUE_CHARS = 60


def label(expectation_type: str, kwargs: dict[str, Any]) -> str:
    """``expect_x(column)``, ``expect_x(a, b)`` or just ``expect_x`` for table-level expectations."""
    if isinstance(kwargs.get("column"), str):
        columns = [kwargs["column"]]
    elif isinstance(kwargs.get("column_A"), str):
        columns = [kwargs["column_A"], kwargs.get("column_B", "?")]
    elif isinstance(kwargs.get("column_list"), list):
        columns = kwargs["column_list"]
    else:
        return expectation_type
    return f"{expectation_type}({', '.join(map(str, columns))})"


def _json_safe(value: Any) -> Any:
    """NaN (pandas' null) becomes None, so stored observations are valid JSON."""
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    return value


def short(value: Any) -> str:
    """A value as safe, bounded text (JSON with non-ASCII and control characters escaped)."""
    if isinstance(value, float) and value == value:
        return f"{value:.4g}"
    if isinstance(value, str) and _MIDNIGHT.match(value):
        value = value[:10]  # a DuckDB date that went through pandas
    text = json.dumps(value, ensure_ascii=True, default=str)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def exception_message(result: dict[str, Any]) -> str | None:
    """The first error GX caught while evaluating (e.g. a counter that is a string)."""
    info = result.get("exception_info") or {}
    candidates = [info] + [value for value in info.values() if isinstance(value, dict)]
    for candidate in candidates:
        if candidate.get("raised_exception") or candidate.get("exception_message"):
            message = str(candidate.get("exception_message") or "error").strip().splitlines()
            return message[-1] if message else "error"
    return None


def observed(result: dict[str, Any]) -> dict[str, Any]:
    """The compact, machine-readable part of a result worth storing."""
    error = exception_message(result)
    if error:
        return {"error": error}
    body = result.get("result") or {}
    if "unexpected_count" in body:
        return {
            key: body[key]
            for key in ("element_count", "unexpected_count", "unexpected_percent", "missing_count")
            if key in body
        } | {
            "examples": body.get("partial_unexpected_list", [])[:SHOWN_VALUES],
            "rows": body.get("partial_unexpected_index_list", [])[:SHOWN_VALUES],
        }
    details = (body.get("details") or {}).get("mismatched")
    if details:
        return {"mismatched": details}
    return {"observed_value": body.get("observed_value")}


def observed_text(seen: dict[str, Any], id_columns: list[str]) -> str:
    """One short line: counts, example values, and the ids of rows that hold them."""
    if "error" in seen:
        return f"could not evaluate: {short(seen['error'])}"
    if "unexpected_count" in seen:
        text = f"{seen['unexpected_count']} of {seen.get('element_count', '?')} rows unexpected"
        if seen.get("unexpected_percent") is not None:
            text += f" ({seen['unexpected_percent']:.1f}%)"
        examples = [value for value in seen["examples"] if value is not None]
        if seen["unexpected_count"] and examples:
            text += ", e.g. " + ", ".join(short(value) for value in examples)
        ids = [
            "/".join(short(row.get(column)) for column in id_columns)
            for row in seen["rows"]
            if isinstance(row, dict)
        ]
        if seen["unexpected_count"] and id_columns and ids:
            text += f" at {'/'.join(id_columns)} " + ", ".join(ids)
        return text
    if "mismatched" in seen:
        parts = [
            f"{kind}: " + ", ".join(short(value) for value in values[:SHOWN_VALUES])
            for kind, values in seen["mismatched"].items()
            if values
        ]
        return "; ".join(parts)
    return f"observed {short(seen.get('observed_value'))}"


def to_outcome(
    suite: str, result: dict[str, Any], id_columns: list[str], hub: str | None, day: date | None
) -> Outcome:
    """One GX ``ExpectationValidationResult.to_json_dict()`` as an ``Outcome``."""
    config = result.get("expectation_config") or {}
    severity = str(config.get("severity") or "critical")
    seen = _json_safe(observed(result))
    return Outcome(
        suite=suite,
        expectation=label(str(config.get("type")), config.get("kwargs") or {}),
        success=bool(result.get("success")),
        severity=severity,
        observed=observed_text(seen, id_columns),
        observed_json=json.dumps(seen, ensure_ascii=True, default=str),
        hub=hub,
        day=day,
    )
