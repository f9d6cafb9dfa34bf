"""Raw envelopes as one flat pandas frame per partition: what the raw suites validate.

One row per envelope. Envelope keys stay as they are; record fields become ``record.<field>``.
Nested objects and lists are summarised by their size (a partition never holds whole records in
memory, and presence is what the checks need), except objects the suite asks to expand one level
(``meta.frame.expand``, e.g. Civitai ``stats``) and explicit paths (``meta.frame.paths``, e.g.
``modelVersions[0].publishedAt``, or ``modelVersions[*].publishedAt``: every version's value,
joined by spaces, so one regex checks them all). Every column a suite mentions exists, so a field
missing from all records reads as null, never as a crash (whether a field is *absent* is the
fields suite's question: ``likeness_watch.quality.drift``). Envelope values are summarised too: a
Hugging Face model card beside the record must not be held in the frame.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from likeness_watch.quality.suites import SuiteSpec

RECORD = "record."
_STEP = re.compile(r"^(?P<key>[^\[\]]+)(?:\[(?P<index>\d+|\*)\])?$")
EVERY = "[*]"


def summarise(value: Any) -> Any:
    """Scalars as they are; objects and lists by their size."""
    return len(value) if isinstance(value, dict | list) else value


def resolve(record: Any, path: str) -> Any:
    """The raw value at ``a.b[0].c`` in nested dicts/lists, or None when any step is missing."""
    value = record
    for step in path.split("."):
        match = _STEP.match(step)
        if match is None or not isinstance(value, dict):
            return None
        value = value.get(match["key"])
        if match["index"] is not None:
            index = int(match["index"])
            value = value[index] if isinstance(value, list) and index < len(value) else None
    return value


def lookup(record: Any, path: str) -> Any:
    """The value at ``a.b[0].c`` summarised; ``a[*].c``: every element's non-null ``c`` as text,
    space-separated (None when there is none)."""
    if EVERY in path:
        head, _, tail = path.partition(EVERY)
        items = resolve(record, head)
        if not isinstance(items, list):
            return None
        values = [lookup(item, tail.removeprefix(".")) if tail else summarise(item) for item in items]
        shown = [str(value) for value in values if value is not None]
        return " ".join(shown) if shown else None
    return summarise(resolve(record, path))


def flatten_envelope(envelope: dict[str, Any], expand: Iterable[str] = (), paths: Iterable[str] = ()) -> dict:
    """One frame row for one envelope (``tombstone``: the hub said the model is gone)."""
    record = envelope.get("record")
    row = {key: summarise(value) for key, value in envelope.items() if key != "record"}
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


def raw_frame(
    envelopes: Iterable[dict[str, Any]],
    spec: SuiteSpec,
    observe: Callable[[dict[str, Any]], None] | None = None,
) -> pd.DataFrame:
    """The partition's envelopes as the frame ``spec`` validates.

    ``observe`` sees every live record on the way (the fields profile), so a partition is read once.
    """
    frame_meta = spec.meta.get("frame", {})
    expand, paths = frame_meta.get("expand", []), frame_meta.get("paths", [])
    rows = []
    for envelope in envelopes:
        if observe is not None and isinstance(envelope.get("record"), dict):
            observe(envelope["record"])
        rows.append(flatten_envelope(envelope, expand, paths))
    frame = pd.DataFrame.from_records(rows) if rows else pd.DataFrame()
    missing = [column for column in spec.columns() if column not in frame.columns]
    if missing:
        frame = pd.concat(
            [frame, pd.DataFrame(None, index=frame.index, columns=missing, dtype=object)], axis=1
        )
    return frame
