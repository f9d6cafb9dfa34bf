"""Spike scoring: the documented method on small daily counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from likeness_watch.alerts.spikes import SpikeParams, score_series


def series(values: list[float], start: str = "2025-01-01") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="D"), dtype=float)


def noisy(mean: float, n: int, seed: int = 1) -> list[float]:
    return list(np.random.default_rng(seed).poisson(mean, n).astype(float))


def test_clear_spike_fires_and_ordinary_day_does_not():
    scores = score_series(series(noisy(5, 40) + [25, 6]))
    spike, ordinary = scores.iloc[-2], scores.iloc[-1]
    assert spike["spike"] and spike["p_value"] < 1e-6
    assert spike["expected"] == pytest.approx(5, abs=1.5)
    assert not ordinary["spike"]


def test_scored_day_is_excluded_from_its_own_baseline():
    """Elementary's default includes the day; with a constant zero baseline a z-score is 0."""
    scores = score_series(series([0.0] * 30 + [6]))
    last = scores.iloc[-1]
    assert last["baseline"] == 0
    assert last["expected"] == 0.5  # the floor
    assert last["spike"]


def test_small_absolute_changes_never_alert_even_when_improbable():
    """0 → 3 is improbable under Poisson(0.5) but not worth waking T&S: excess must be ≥ 3."""
    scores = score_series(series([0.0] * 30 + [3]))
    assert scores.iloc[-1]["p_value"] < 0.02
    assert not scores.iloc[-1]["spike"]


def test_ratio_rule_blocks_large_baselines_with_small_relative_change():
    scores = score_series(series([100.0] * 30 + [160]))
    last = scores.iloc[-1]
    assert last["p_value"] < 1e-6 and last["count"] >= last["expected"] + 3
    assert not last["spike"]  # 1.6× < 2×


def test_missing_days_are_not_scored_and_not_in_the_baseline():
    values = [2.0] * 30 + [np.nan] * 3 + [50.0, 2.0]
    values[10:18] = [np.nan] * 8  # an outage inside the baseline window
    scores = score_series(series(values))
    assert not scores.iloc[30:33]["spike"].any()
    assert scores.iloc[30:33]["p_value"].isna().all()
    assert scores.iloc[-2]["spike"]
    assert scores.iloc[-2]["baseline"] == 2.0


def test_exposure_scales_the_expectation_of_catch_up_days():
    values = series([4.0] * 30 + [np.nan, 12.0, 4.0])
    exposure = pd.Series(1.0, index=values.index)
    exposure.iloc[-2] = 2.0  # the day after the gap covers two days
    scores = score_series(values, exposure=exposure)
    assert scores.iloc[-2]["expected"] == 8 and not scores.iloc[-2]["spike"]
    assert score_series(values).iloc[-2]["spike"]  # without exposure the catch-up looks like a spike
    values.iloc[-2] = 30.0
    assert score_series(values, exposure=exposure).iloc[-2]["spike"]


def test_not_enough_history_means_no_score():
    scores = score_series(series([1.0] * 10 + [40]))
    assert scores["p_value"].isna().all()
    assert not scores["spike"].any()


def test_overdispersed_history_uses_negative_binomial_and_is_more_cautious():
    calm = series([5.0] * 28 + [14])
    bursty = series([1.0, 9.0, 2.0, 8.0, 5.0, 5.0, 0.0] * 4 + [14])
    p_calm = score_series(calm).iloc[-1]
    p_bursty = score_series(bursty).iloc[-1]
    assert p_calm["dispersion"] <= 1.5 < p_bursty["dispersion"]
    assert p_bursty["p_value"] > p_calm["p_value"]


def test_weekday_factor_raises_expectations_on_busy_weekdays_only():
    pattern = [2.0, 2, 2, 2, 2, 10, 10] * 10
    values = series(pattern, start="2025-01-01")
    plain = score_series(values, SpikeParams())
    weekly = score_series(values, SpikeParams(weekday_factor=True))
    recent = values.index[-14:]
    busy, quiet = recent[values.loc[recent] == 10], recent[values.loc[recent] == 2]
    assert (plain.loc[recent, "expected"] == 2).all()
    assert (weekly.loc[busy, "expected"] == 4).all()  # factor clipped at 2
    assert (weekly.loc[quiet, "expected"] == 1).all()  # factor clipped at 0.5


def test_sensitivity_moves_all_thresholds_and_one_is_the_default():
    assert SpikeParams().with_sensitivity(1.0) == SpikeParams()
    moderate = series([4.0] * 30 + [9])
    assert not score_series(moderate).iloc[-1]["spike"]
    assert score_series(moderate, SpikeParams().with_sensitivity(2.0)).iloc[-1]["spike"]
    assert not score_series(series([4.0] * 30 + [15]), SpikeParams().with_sensitivity(0.5)).iloc[-1]["spike"]
    with pytest.raises(ValueError):
        SpikeParams().with_sensitivity(0)
