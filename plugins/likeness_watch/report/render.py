"""HTML rendering: one Jinja template, autoescaped, no external resources.

Every value reaches the page through Jinja's autoescape (no ``|safe`` anywhere), so hub-provided
strings such as model names are inert text, and table cells show control and bidi characters as
visible escapes (``likeness_watch.display``; the CSV tables keep the raw values). A
Content-Security-Policy in the page forbids scripts and remote loads as a second line of defence.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import jinja2
import pandas as pd

from likeness_watch.display import visible

NOWRAP_CHARS = 12
_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("likeness_watch.report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def cell(value: Any) -> str:
    """Display form of one table value: thousands separators, ISO dates, blanks for missing, text
    with nothing hidden (``visible``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.3f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return visible(value)


def _is_number(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def table_view(frame: pd.DataFrame | None) -> dict[str, list[Any]] | None:
    """Column headers (with alignment hints) and display rows of a frame, for the template."""
    if frame is None:
        return None
    rows = [
        [cell(value.item() if hasattr(value, "item") else value) for value in row]
        for row in frame.itertuples(index=False)
    ]
    columns = [
        {
            "label": str(name).replace("_", " "),
            "numeric": _is_number(frame[name]),
            "nowrap": all(len(row[index]) <= NOWRAP_CHARS for row in rows),
        }
        for index, name in enumerate(frame.columns)
    ]
    return {"columns": columns, "rows": rows}


def render_html(context: dict[str, Any]) -> str:
    return _ENV.get_template("report.html").render(**context)
