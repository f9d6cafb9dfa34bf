"""Versioned expectation suites: YAML files under ``Settings.expectations``, one per layer and hub/table.

The files are the single source of truth: every run builds its GX suites from them in an ephemeral
context, so what is reviewed in git is exactly what runs. Besides GX's own keys (``name``,
``expectations``), ``meta`` says what a suite validates: the layer, the hub (raw) or the table and
query (warehouse), and which columns identify a row in failure reports. A hub has two raw suites:
one on its records (``meta.frame.kind: records``, the default) and one on its record *fields*
(``kind: fields``, ``likeness_watch.quality.drift``), whose only job is to report schema drift.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

LAYERS = ("raw", "staging", "marts")
SEVERITIES = ("critical", "warning", "info")
RECORDS, FIELDS = "records", "fields"
"""Raw frame kinds: one row per envelope, or one row per record field (``meta.frame.kind``)."""
COLUMN_KWARGS = ("column", "column_A", "column_B")
COLUMN_LIST_KWARGS = ("column_list", "column_set")


class SuiteError(ValueError):
    """A suite file is missing or malformed: a configuration error, not a data failure."""


@dataclass(frozen=True)
class SuiteSpec:
    """One suite file, parsed."""

    name: str
    layer: str
    version: int
    meta: dict[str, Any]
    expectations: list[dict[str, Any]]
    path: Path

    @property
    def hub(self) -> str | None:
        return self.meta.get("hub")

    @property
    def frame_kind(self) -> str:
        """What a raw suite validates: ``records`` (the envelopes) or ``fields`` (their schema)."""
        return str(self.meta.get("frame", {}).get("kind", RECORDS))

    @property
    def id_columns(self) -> list[str]:
        """Columns that name a failing row in reports (e.g. ``model_id``)."""
        return list(self.meta.get("id_columns") or self.meta.get("frame", {}).get("id_columns") or [])

    def columns(self) -> list[str]:
        """Every column the expectations mention, in first-mention order."""
        seen: dict[str, None] = {}
        for expectation in self.expectations:
            seen.update(dict.fromkeys(_columns_in(expectation.get("kwargs", {}))))
        return list(seen)

    def gx_dict(self) -> dict[str, Any]:
        """The suite in GX's own form (``ExpectationSuite(**spec.gx_dict())``)."""
        return {"name": self.name, "meta": self.meta, "expectations": self.expectations}


def _columns_in(kwargs: dict[str, Any]) -> Iterator[str]:
    for key in COLUMN_KWARGS:
        if isinstance(kwargs.get(key), str):
            yield kwargs[key]
    for key in COLUMN_LIST_KWARGS:
        yield from kwargs.get(key) or []
    if kwargs.get("row_condition"):
        yield from _condition_columns(kwargs["row_condition"])


def _condition_columns(condition: Any) -> Iterator[str]:
    """Column names inside a serialised GX row condition (``{"column": {"name": ...}}``, nested)."""
    if isinstance(condition, dict):
        column = condition.get("column")
        if isinstance(column, dict) and isinstance(column.get("name"), str):
            yield column["name"]
        for value in condition.values():
            if isinstance(value, list | dict):
                yield from _condition_columns(value)
    elif isinstance(condition, list):
        for item in condition:
            yield from _condition_columns(item)


def describe(number: int, expectation: Any) -> str:
    """How errors name an expectation: its position in the file and its type."""
    kind = expectation.get("type") if isinstance(expectation, dict) else None
    return f"expectation {number}" + (f" ({kind})" if isinstance(kind, str) else "")


def _check_expectation(path: Path, number: int, expectation: Any) -> None:
    """Structure only: whether GX knows the type and accepts the kwargs is checked by ``GxSession``."""
    where = f"suite {path}: {describe(number, expectation)}"
    if not isinstance(expectation, dict):
        raise SuiteError(f"{where} must be a mapping with type, kwargs and severity")
    if not isinstance(expectation.get("type"), str) or not expectation["type"]:
        raise SuiteError(f"{where} needs a type (e.g. expect_column_values_to_not_be_null)")
    if not isinstance(expectation.get("kwargs", {}), dict):
        raise SuiteError(f"{where}: kwargs must be a mapping")
    if expectation.get("severity", "critical") not in SEVERITIES:
        raise SuiteError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")


def parse_suite(path: Path) -> SuiteSpec:
    """Read and check one suite file (structure only; GX checks the expectations themselves)."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SuiteError(f"cannot read suite {path}: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("expectations"), list):
        raise SuiteError(f"suite {path} needs a name, meta and a list of expectations")
    meta = doc.get("meta") or {}
    if not isinstance(meta, dict):
        raise SuiteError(f"suite {path}: meta must be a mapping")
    layer = meta.get("layer")
    if layer not in LAYERS:
        raise SuiteError(f"suite {path}: meta.layer must be one of {', '.join(LAYERS)}")
    if layer != "raw" and not (isinstance(meta.get("table"), str) and meta["table"]):
        raise SuiteError(f"suite {path}: a {layer} suite needs meta.table (the table it validates)")
    for number, expectation in enumerate(doc["expectations"], 1):
        _check_expectation(path, number, expectation)
    try:
        version = int(meta.get("version", 1))
    except (TypeError, ValueError) as exc:
        raise SuiteError(f"suite {path}: meta.version must be an integer") from exc
    return SuiteSpec(
        name=str(doc.get("name") or path.stem),
        layer=layer,
        version=version,
        meta=meta,
        expectations=doc["expectations"],
        path=path,
    )


def load_suites(directory: Path, layer: str | None = None) -> list[SuiteSpec]:
    """All suites (or one layer's), sorted by file name."""
    if not directory.is_dir():
        raise SuiteError(f"no expectations directory at {directory} (set LW_EXPECTATIONS)")
    specs = [parse_suite(path) for path in sorted(directory.glob("*/*.yml"))]
    return [spec for spec in specs if layer is None or spec.layer == layer]


def raw_suites(directory: Path, hub: str) -> dict[str, SuiteSpec]:
    """The raw suites of one hub by frame kind; both kinds are required."""
    specs: dict[str, SuiteSpec] = {}
    for spec in load_suites(directory, "raw"):
        if spec.hub != hub:
            continue
        if spec.frame_kind not in (RECORDS, FIELDS) or spec.frame_kind in specs:
            raise SuiteError(
                f"suite {spec.path}: hub {hub!r} needs one raw suite of each kind {RECORDS}, {FIELDS}"
            )
        specs[spec.frame_kind] = spec
    missing = [kind for kind in (RECORDS, FIELDS) if kind not in specs]
    if missing:
        raise SuiteError(f"no raw {' or '.join(missing)} suite for hub {hub!r} in {directory}/raw/")
    return specs


def raw_suite(directory: Path, hub: str) -> SuiteSpec:
    """The raw suite of one hub's records."""
    return raw_suites(directory, hub)[RECORDS]
