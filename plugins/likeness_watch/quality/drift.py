"""Schema drift: the fields a partition's hub records carry, against the fields its suite knows.

Hubs change their record shapes (real Civitai items of 2023 have no ``nsfwLevel`` and no
``publishedAt`` on their versions). What the marts cannot be correct without (an id, a name, a
type, parseable timestamps, sane counters) is checked by the hub's records suite and blocks. Every
other field is listed in the hub's *fields* suite (``meta.fields``): its absence, a field the suite
does not know, or a rename (an absent field and a new one whose names differ only in case and
punctuation, under the same parent) is **schema drift**. Drift never blocks: the day publishes,
and each drifting field is recorded (which field, how many records, since which crawl day, which
mart columns it feeds) in ``validation_results`` and Data Docs, printed by ``validate`` and raised
as a ``schema_drift`` alert.

A field is *present* when its key is in the record, whatever its value: a counter that is null on
a minutes-old model is a value, not a schema change.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from likeness_watch.quality.frames import RECORD, resolve
from likeness_watch.quality.results_table import previous_drift
from likeness_watch.quality.suites import SuiteError, SuiteSpec
from likeness_watch.quality.summary import DRIFT, Outcome
from likeness_watch.state_store import StateStore

ABSENT, NEW, RENAMED = "absent", "new", "renamed"
FRAME_COLUMNS = ("field", "known", "optional", "present", "of", "drift")


@dataclass(frozen=True)
class FieldSpec:
    """One known field: ``optional`` ones may be absent (the hub documents it), ``feeds`` are the
    mart columns that turn null when it is missing."""

    path: str
    optional: bool = False
    feeds: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordSchema:
    """The fields suite's ``meta``: the objects whose keys are compared, and the known fields."""

    objects: tuple[str, ...]
    """Paths of the objects whose keys are compared (``""``: the record itself; ``stats``)."""
    fields: dict[str, FieldSpec]

    @classmethod
    def of(cls, spec: SuiteSpec) -> RecordSchema:
        """Read ``meta.objects`` and ``meta.fields``; ``SuiteError`` names the file when malformed."""
        objects, fields = spec.meta.get("objects"), spec.meta.get("fields")
        if not isinstance(objects, list) or not isinstance(fields, dict) or not fields:
            raise SuiteError(f"suite {spec.path}: a fields suite needs meta.objects (a list) and meta.fields")
        known = {}
        for path, options in fields.items():
            options = options or {}
            if not isinstance(options, dict) or parent(str(path)) not in objects:
                raise SuiteError(
                    f"suite {spec.path}: field {path!r} needs a mapping and a parent listed in meta.objects"
                )
            known[str(path)] = FieldSpec(
                str(path), bool(options.get("optional", False)), tuple(options.get("feeds") or ())
            )
        return cls(tuple(str(item) for item in objects), known)


def parent(path: str) -> str:
    """The object a field belongs to: ``stats`` for ``stats.rating``, ``""`` for ``name``."""
    return path.rpartition(".")[0]


def _join(root: str, key: str) -> str:
    return f"{root}.{key}" if root else key


class FieldProfile:
    """Which fields the partition's live records carry, counted per path (one pass, no records kept)."""

    def __init__(self, objects: Iterable[str]) -> None:
        self.objects = tuple(objects)
        self.holders: Counter[str] = Counter()
        """Records that have each object (the records that could carry its fields)."""
        self.present: Counter[str] = Counter()

    def observe(self, record: dict[str, Any]) -> None:
        for root in self.objects:
            value = record if root == "" else resolve(record, root)
            if isinstance(value, dict):
                self.holders[root] += 1
                self.present.update(_join(root, str(key)) for key in value)


@dataclass(frozen=True)
class Drift:
    """One drifting field of one partition."""

    field: str
    """``record.<path>``, as the raw frame names it."""
    change: str
    """``absent``, ``new`` or ``renamed``."""
    rows: int
    """Records without the field (absent), with it (new), or with its new name (renamed)."""
    of: int
    """Records that have the field's parent object."""
    since: date
    """The first crawl day of this run of drift (it continued on every gated day since)."""
    feeds: tuple[str, ...] = ()
    renamed_to: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.field, self.change

    def describe(self) -> str:
        """One line for Data Docs, ``validate`` and alerts (hub field names escaped by each renderer)."""
        verbs = {ABSENT: "absent from", NEW: "new on", RENAMED: f"renamed to {self.renamed_to} on"}
        what = verbs[self.change]
        feeds = f"feeds {', '.join(self.feeds)}" if self.feeds else "feeds no mart column"
        return f"{self.field} {what} {self.rows} of {self.of} records since {self.since}; {feeds}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {"since": self.since.isoformat(), "feeds": list(self.feeds)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Drift:
        return cls(
            field=str(data["field"]),
            change=str(data["change"]),
            rows=int(data["rows"]),
            of=int(data["of"]),
            since=date.fromisoformat(data["since"]),
            feeds=tuple(data.get("feeds") or ()),
            renamed_to=data.get("renamed_to"),
        )


def _norm(path: str) -> str:
    """A field name without case and punctuation: ``nsfw_level`` and ``nsfwLevel`` are one name."""
    return re.sub(r"[^a-z0-9]", "", path.rpartition(".")[2].lower())


def find_drift(
    schema: RecordSchema, profile: FieldProfile, day: date, since: Mapping[tuple[str, str], date]
) -> list[Drift]:
    """The partition's drifting fields; ``since``: when each drift that was still seen on the last
    earlier gated day began (a drift not seen then begins today)."""
    absent = {
        path: profile.holders[parent(path)] - profile.present[path]
        for path, spec in schema.fields.items()
        if not spec.optional and profile.present[path] < profile.holders[parent(path)]
    }
    new = {path: count for path, count in profile.present.items() if path not in schema.fields}
    drifts = []

    def add(path: str, change: str, rows: int, renamed_to: str | None = None) -> None:
        name = RECORD + path
        known = schema.fields.get(path)
        drifts.append(
            Drift(
                field=name,
                change=change,
                rows=rows,
                of=profile.holders[parent(path)],
                since=min(since.get((name, change), day), day),
                feeds=known.feeds if known else (),
                renamed_to=RECORD + renamed_to if renamed_to else None,
            )
        )

    for path, missing in sorted(absent.items()):
        twins = sorted(n for n in new if parent(n) == parent(path) and _norm(n) == _norm(path))
        if twins:
            add(path, RENAMED, new.pop(twins[0]), renamed_to=twins[0])
        else:
            add(path, ABSENT, missing)
    for path, count in sorted(new.items()):
        add(path, NEW, count)
    return drifts


def fields_frame(schema: RecordSchema, profile: FieldProfile, drifts: list[Drift]) -> pd.DataFrame:
    """What the fields suite validates: one row per known or seen field, ``drift`` set where it drifts.

    A renamed field is one row (its old name's); the column ``drift`` holds the line Data Docs shows.
    """
    described = {drift.field: drift.describe() for drift in drifts}
    renamed = {drift.renamed_to for drift in drifts if drift.renamed_to}
    paths = sorted(set(schema.fields) | set(profile.present))
    rows = [
        {
            "field": RECORD + path,
            "known": path in schema.fields,
            "optional": schema.fields[path].optional if path in schema.fields else False,
            "present": profile.present[path],
            "of": profile.holders[parent(path)],
            "drift": described.get(RECORD + path),
        }
        for path in paths
        if RECORD + path not in renamed
    ]
    return pd.DataFrame.from_records(rows, columns=list(FRAME_COLUMNS))


def drift_outcomes(suite: str, drifts: list[Drift], hub: str | None, day: date | None) -> list[Outcome]:
    """One non-blocking outcome per drifting field (``schema_drift(record.<field>)``)."""
    return [
        Outcome(
            suite=suite,
            expectation=f"schema_drift({drift.field})",
            success=False,
            severity=DRIFT,
            observed=drift.describe().removeprefix(drift.field + " "),
            observed_json=json.dumps(drift.to_json(), ensure_ascii=True),
            hub=hub,
            day=day,
        )
        for drift in drifts
    ]


@dataclass
class DriftHistory:
    """Since when each field drifts: the latest earlier gated day's drift, from this gate run's own
    partitions (a backfill validates days in order before storing) or else ``validation_results``."""

    state: StateStore
    judged: dict[str, list[tuple[date, list[Drift]]]] = field(default_factory=dict)

    def since(self, suite: str, hub: str, day: date) -> dict[tuple[str, str], date]:
        stored_day, stored = previous_drift(self.state, suite, hub, day)
        earlier = [(judged, drifts) for judged, drifts in self.judged.get(hub, []) if judged < day]
        if stored_day is not None:
            earlier.append((stored_day, [Drift.from_json(item) for item in stored]))
        if not earlier:
            return {}
        _, drifts = max(earlier, key=lambda entry: entry[0])
        return {drift.key: drift.since for drift in drifts}

    def remember(self, hub: str, day: date, drifts: list[Drift]) -> None:
        self.judged.setdefault(hub, []).append((day, drifts))
