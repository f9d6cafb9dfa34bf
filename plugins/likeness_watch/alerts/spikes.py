"""Spike scoring for sparse daily counts (new likeness models per hub per day).

Why not a z-score (elementary's ``volume_anomalies``)? Daily counts here are small integers with
many zeros: Gaussian scores misbehave, a constant baseline gives a zero standard deviation, and a
baseline that includes the scored day caps the score. So: the expected count is the median of the
trailing window *excluding* the scored day (optionally times a weekday factor, floored at 0.5),
and the surprise is an exact count tail probability: Poisson, or negative binomial when the window
is over-dispersed. An alert also needs a practical size (absolute excess and ratio), so a tiny
baseline cannot turn 0 → 2 into an alert.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats


@dataclass(frozen=True)
class SpikeParams:
    """Defaults are the documented method (docs/alerts.md); ``sensitivity`` scales all thresholds."""

    window_days: int = 28
    min_history_days: int = 14
    weekday_factor: bool = False
    weekday_weeks: int = 8
    weekday_clip: tuple[float, float] = (0.5, 2.0)
    baseline_floor: float = 0.5
    overdispersion_ratio: float = 1.5
    p_threshold: float = 1e-3
    min_excess: float = 3.0
    min_ratio: float = 2.0

    def with_sensitivity(self, sensitivity: float) -> SpikeParams:
        """Sensitivity s > 0: p < 10^(-3/s), excess ≥ 3/s, ratio ≥ 1 + 1/s (s = 1: the defaults).

        One knob moves all three thresholds together, so "more sensitive" can never mean a
        smaller p-value but the same absolute floor that still blocks every alert.
        """
        if sensitivity <= 0:
            raise ValueError("sensitivity must be positive")
        return replace(
            self,
            p_threshold=10 ** (-3.0 / sensitivity),
            min_excess=3.0 / sensitivity,
            min_ratio=1.0 + 1.0 / sensitivity,
        )


def weekday_factors(history: pd.Series, params: SpikeParams) -> pd.Series:
    """Per day: mean of the same weekday over the previous weeks / mean of all those days.

    ``history`` is the count series already shifted by one day (no peeking at the scored day).
    """
    weeks = params.weekday_weeks
    same_weekday = pd.concat([history.shift(7 * k - 1) for k in range(1, weeks + 1)], axis=1).mean(axis=1)
    overall = history.rolling(7 * weeks, min_periods=7 * 2).mean()
    factor = (same_weekday / overall).where(overall > 0)
    low, high = params.weekday_clip
    return factor.clip(low, high).fillna(1.0)


def upper_tail(counts: np.ndarray, expected: np.ndarray, dispersion: np.ndarray, ratio: float) -> np.ndarray:
    """P(X ≥ count): Poisson(expected), or negative binomial with variance expected × dispersion."""
    k = np.nan_to_num(counts, nan=0.0)
    poisson = stats.poisson.sf(k - 1, expected)
    d = np.where(dispersion > ratio, dispersion, 2.0)
    negbin = stats.nbinom.sf(k - 1, expected / (d - 1.0), 1.0 / d)
    return np.where(dispersion > ratio, negbin, poisson)


def score_series(
    counts: pd.Series, params: SpikeParams | None = None, exposure: pd.Series | None = None
) -> pd.DataFrame:
    """Score every day of a daily count series.

    ``counts`` is indexed by day; NaN marks a day whose data is missing or quarantined: it is
    neither scored nor used in any baseline. ``exposure`` (default 1) is how many days a count
    covers: the first crawl after a gap also finds the models published during the gap, so its
    expectation is the daily baseline times the days covered. Returns one row per day with
    ``count, days, baseline, expected, dispersion, p_value, spike`` (days without enough history have
    NaN scores and ``spike`` False).
    """
    params = params or SpikeParams()
    series = counts.astype(float).copy()
    series.index = pd.DatetimeIndex(series.index)
    series = series.asfreq("D")
    days = pd.Series(1.0, index=series.index)
    if exposure is not None:
        covered = exposure.astype(float).copy()
        covered.index = pd.DatetimeIndex(covered.index)
        days = covered.reindex(series.index).fillna(1.0)
    history = (series / days).shift(1)
    window = history.rolling(params.window_days, min_periods=params.min_history_days)
    baseline = window.median()
    mean = window.mean()
    dispersion = (window.var() / mean).where(mean > 0, 1.0)
    factor = weekday_factors(history, params) if params.weekday_factor else 1.0
    expected = (baseline * factor).clip(lower=params.baseline_floor).where(baseline.notna()) * days
    p_value = pd.Series(
        upper_tail(
            series.to_numpy(),
            expected.fillna(1.0).to_numpy(),
            dispersion.fillna(1.0).to_numpy(),
            params.overdispersion_ratio,
        ),
        index=series.index,
    ).where(expected.notna() & series.notna())
    spike = (
        (p_value < params.p_threshold)
        & (series >= expected + params.min_excess)
        & (series >= params.min_ratio * expected)
    )
    return pd.DataFrame(
        {
            "count": series,
            "days": days,
            "baseline": baseline,
            "expected": expected,
            "dispersion": dispersion,
            "p_value": p_value,
            "spike": spike.fillna(False).astype(bool),
        }
    )
