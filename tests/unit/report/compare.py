"""Compare measured headline figures with a ground truth (the simulator's) under stated tolerances.

Pure: it takes two plain dicts keyed like ``Headline.comparable()`` and the study file's tolerances,
so the same check serves the end-to-end test and anyone auditing the report on a synthetic world.
A test helper, not product code: only tests (the end-to-end truth test and its unit tests) use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from likeness_watch.report.study import Tolerance


@dataclass(frozen=True)
class FigureCheck:
    key: str
    measured: Any
    truth: Any
    diff: float | None
    tolerance: Tolerance
    ok: bool

    def describe(self) -> str:
        verdict = "ok" if self.ok else "FAIL"
        return f"{self.key}: measured={self.measured!r} truth={self.truth!r} diff={self.diff} [{verdict}]"


def _scalar_diff(measured: float, truth: float, kind: str) -> float:
    if kind == "relative":
        return abs(measured - truth) / abs(truth) if truth else (0.0 if measured == truth else float("inf"))
    return abs(measured - truth)


def _check(key: str, measured: Any, truth: Any, tolerance: Tolerance) -> FigureCheck:
    """Overlap: items in common, at least ``value``. Otherwise the worst difference (over keys of a dict)."""
    if tolerance.kind == "overlap":
        common = float(len(set(measured) & set(truth)))
        enough = common >= min(tolerance.value, len(truth))
        return FigureCheck(key, measured, truth, common, tolerance, enough)
    if isinstance(truth, Mapping):
        got = measured if isinstance(measured, Mapping) else {}
        pairs = [(float(got.get(k, 0)), float(truth.get(k, 0))) for k in {*truth, *got}]
        diff = max((_scalar_diff(m, t, tolerance.kind) for m, t in pairs), default=0.0)
    else:
        diff = _scalar_diff(float(measured), float(truth), tolerance.kind)
    return FigureCheck(key, measured, truth, round(diff, 6), tolerance, diff <= tolerance.value)


def compare_figures(
    measured: Mapping[str, Any], truth: Mapping[str, Any], tolerances: Mapping[str, Tolerance]
) -> list[FigureCheck]:
    """One check per tolerance whose key the truth provides; a figure we could not measure fails."""
    checks = []
    for key, tolerance in tolerances.items():
        if truth.get(key) is None:
            continue
        if measured.get(key) is None:
            checks.append(FigureCheck(key, None, truth[key], None, tolerance, ok=False))
        else:
            checks.append(_check(key, measured[key], truth[key], tolerance))
    return checks
