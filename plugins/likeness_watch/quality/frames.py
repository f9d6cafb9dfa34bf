"""Raw envelopes as one flat pandas frame per partition: what the raw suites validate.

One row per envelope. Envelope keys stay as they are; record fields become ``record.<field>``.
Nested objects and lists are summarised by their size (a partition never holds whole records in
memory, and presence is what the checks need), except objects the suite asks to expand one level
(``meta.frame.expand``, e.g. Civitai ``stats``) and explicit paths (``meta.frame.paths``, e.g.
``modelVersions[0].publishedAt``). Every column a suite mentions exists, so a field missing from
all records reads as null, never as a crash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from likeness_watch.quality.suites import SuiteSpec

RECORD = "record."
_STEP = re.compile(r"^(?P<key>[^\[\]]+)(?:\[(?P<index>\d+)\])?$")


def summarise(value: Any) -> Any:
    """Scalars as they are; objects and lists by their size."""
    return len(value) if isinstance(value, dict | list) else value


def lookup(record: Any, path: str) -> Any:
    """The value at ``a.b[0].c`` in nested dicts/lists, or None when any step is missing."""
    value = record
    for step in path.split("."):
        match = _STEP.match(step)
        if match is None or not isinstance(value, dict):
            return None
        value = value.get(match["key"])
        if match["index"] is not None:
            index = int(match["index"])
            value = value[index] if isinstance(value, list) and index < len(value) else None
    return summarise(value)


def flatten_envelope(envelope: dict[str, Any], expand: Iterable[str] = (), paths: Iterable[str] = ()) -> dict:
    """One frame row for one envelope (``tombstone``: the hub said the model is gone)."""
    record = envelope.get("record")
    row = {key: value for key, value in envelope.items() if key != "record"}
    row["tombstone"] = record is None
    if not isinstance(record, dict):
        return row
    expanded = set(expand)
    for key, value in record.items():
        row[RECORD + key] = summarise(value)
        if key in expanded and isinstance(value, dict):
            row.update({f"{RECORD}{key}.{sub}": summarise(item) for sub, item in value.items()})
    for path in paths:
        row[RECORD + path] = lookup(record, path)
    return row


def raw_frame(envelopes: Iterable[dict[str, Any]], spec: SuiteSpec) -> pd.DataFrame:
    """The partition's envelopes as the frame ``spec`` validates."""
    frame_meta = spec.meta.get("frame", {})
    expand, paths = frame_meta.get("expand", []), frame_meta.get("paths", [])
    rows = [flatten_envelope(envelope, expand, paths) for envelope in envelopes]
    frame = pd.DataFrame.from_records(rows) if rows else pd.DataFrame()
    missing = [column for column in spec.columns() if column not in frame.columns]
    if missing:
        frame = pd.concat(
            [frame, pd.DataFrame(None, index=frame.index, columns=missing, dtype=object)], axis=1
        )
    return frame
