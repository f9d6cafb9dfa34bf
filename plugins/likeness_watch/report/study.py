"""The study's reference values, policy dates and tolerances, read from the versioned package file.

Values live in ``study_figures.yml`` rather than in code so that a change of reference (a new paper,
a corrected figure) is a reviewed data change with its own version number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class StudyFigure:
    id: str
    label: str
    study: str
    method: str
    study_value: float | None = None


@dataclass(frozen=True)
class PolicyDate:
    day: date
    label: str
    primary: bool = False


@dataclass(frozen=True)
class Tolerance:
    kind: str
    value: float


@dataclass(frozen=True)
class Study:
    version: int
    citation: str
    data_cutoff: date
    figures: tuple[StudyFigure, ...]
    policy_dates: tuple[PolicyDate, ...]
    related: tuple[str, ...]
    tolerances: dict[str, Tolerance]

    def figure(self, figure_id: str) -> StudyFigure:
        return next(f for f in self.figures if f.id == figure_id)

    def policy_dates_between(self, start: date, end: date) -> list[PolicyDate]:
        return [p for p in self.policy_dates if start <= p.day <= end]


def parse_study(raw: dict[str, Any]) -> Study:
    """Build a ``Study`` from the YAML document (kept separate from I/O so tests can vary it)."""
    return Study(
        version=int(raw["version"]),
        citation=" ".join(raw["source"]["citation"].split()),
        data_cutoff=date.fromisoformat(raw["source"]["data_cutoff"]),
        figures=tuple(StudyFigure(**item) for item in raw["figures"]),
        policy_dates=tuple(
            PolicyDate(date.fromisoformat(item["date"]), item["label"], bool(item.get("primary", False)))
            for item in raw["policy_dates"]
        ),
        related=tuple(raw.get("related", [])),
        tolerances={key: Tolerance(**value) for key, value in raw["tolerances"].items()},
    )


@cache
def load_study() -> Study:
    """The packaged reference (``study_figures.yml``)."""
    text = resources.files("likeness_watch.report").joinpath("study_figures.yml").read_text("utf-8")
    return parse_study(yaml.safe_load(text))
