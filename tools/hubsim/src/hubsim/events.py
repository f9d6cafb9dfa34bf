"""The world's calendar: growth curves, weekday effect, injected spikes and level shifts, policy dates.

Spike and level-shift dates are known truth, so spike detectors can be scored on recall by size,
precision and delay.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from hubsim import vocab
from hubsim.config import BAN_DAY

HUBS = ("civitai", "huggingface")
EPOCH = date(2022, 11, 1)
"""Growth curves are anchored here (the study window start), whatever the configured start."""
TIGHTENING_DAY = date(2025, 4, 25)
"""Civitai tightened likeness/NSFW moderation here, a month before the ban."""
TAKE_IT_DOWN_DUE = date(2026, 5, 19)
"""US TAKE IT DOWN Act compliance date: Hugging Face removals rise after it."""
SPIKE_SIZES = (1.5, 2.0, 3.0, 5.0, 10.0)
SPIKE_WARMUP_DAYS = 35
"""No event in the first days, so a 28-day trailing baseline exists for every injected day."""
WEEKDAY = (0.95, 0.95, 0.95, 0.95, 1.0, 1.15, 1.15)
# Logistic growth (floor, ceiling rise, midpoint day, width days) of all new models per day.
_GROWTH = {"civitai": (0.6, 5.2, 450.0, 120.0), "huggingface": (0.25, 2.4, 520.0, 130.0)}


@dataclass(frozen=True, slots=True)
class HubEvents:
    """Injected anomalies of one hub: one-day spikes and 7-day level shifts of new likeness models."""

    spikes: tuple[tuple[date, float], ...]
    level_shifts: tuple[tuple[date, date, float], ...]

    def factor(self, day: date) -> float:
        """Multiplier on the expected number of new likeness models that day."""
        out = 1.0
        for when, f in self.spikes:
            if when == day:
                out *= f
        for first, last, f in self.level_shifts:
            if first <= day <= last:
                out *= f
        return out

    def as_dict(self) -> dict[str, list[dict[str, object]]]:
        """JSON-ready form, for the truth file."""
        return {
            "spikes": [{"date": d.isoformat(), "factor": f} for d, f in self.spikes],
            "level_shifts": [
                {"start": a.isoformat(), "end": b.isoformat(), "factor": f} for a, b, f in self.level_shifts
            ],
        }


def total_rate(hub: str, day: date) -> float:
    """Expected new models per day at scale 1 before the weekday effect: the "huge rise"."""
    floor, rise, mid, width = _GROWTH[hub]
    t = (day - EPOCH).days
    return (floor + rise / (1.0 + math.exp(-(t - mid) / width))) * WEEKDAY[day.weekday()]


def likeness_share(hub: str, day: date) -> float:
    """Share of new organic models that are real-person likeness models."""
    if hub == "civitai":
        if day >= BAN_DAY:
            return 0.05
        return 0.18 if day >= TIGHTENING_DAY else 0.24
    return 0.12 if day >= BAN_DAY else 0.08


def base_model_weights(day: date) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Popularity of each base model on a day: ramps in after release, decays as newer ones arrive."""
    names, weights = [], []
    for name, (intro, ramp, peak, decay, *_rest) in vocab.BASE_MODELS.items():
        age = (day - date.fromisoformat(intro)).days
        if age < 0:
            continue
        w = peak * min(1.0, (age + 1) / ramp)
        if age > ramp:
            w *= (1.0 - decay) ** ((age - ramp) / 365.0)
        names.append(name)
        weights.append(w)
    return tuple(names), tuple(weights)


def _free(day: date, taken: list[date], gap: int) -> bool:
    return all(abs((day - other).days) >= gap for other in taken) and abs((day - BAN_DAY).days) > 2


def _pick_day(rng: random.Random, first: date, last: date, taken: list[date], gap: int) -> date | None:
    span = (last - first).days
    if span < 0:
        return None
    for _ in range(200):
        day = first + timedelta(days=rng.randint(0, span))
        if _free(day, taken, gap):
            return day
    return None


def make_events(rng: random.Random, start: date, end: date) -> dict[str, HubEvents]:
    """Spike days (about five a year per hub, one of each size, two more in Apr–Jul 2025) and two
    7-day level shifts per hub, spaced so that each has a clean trailing baseline."""
    out = {}
    first_ok = start + timedelta(days=SPIKE_WARMUP_DAYS)
    for hub in HUBS:
        taken: list[date] = []
        spikes: list[tuple[date, float]] = []
        for year in range(start.year, end.year + 1):
            lo, hi = max(date(year, 1, 1), first_ok), min(date(year, 12, 31), end)
            n = round(len(SPIKE_SIZES) * ((hi - lo).days + 1) / 365)
            sizes = rng.sample(SPIKE_SIZES, len(SPIKE_SIZES))
            for size in sizes[:n]:
                day = _pick_day(rng, lo, hi, taken, 12)
                if day:
                    taken.append(day)
                    spikes.append((day, size))
        for size in (5.0, 3.0):
            day = _pick_day(rng, max(date(2025, 4, 1), first_ok), min(date(2025, 7, 31), end), taken, 12)
            if day:
                taken.append(day)
                spikes.append((day, size))
        shifts = []
        for _ in range(2):
            day = _pick_day(rng, first_ok, end - timedelta(days=6), taken, 20)
            if day:
                taken.append(day)
                shifts.append((day, day + timedelta(days=6), rng.choice((1.5, 2.0, 3.0))))
        out[hub] = HubEvents(tuple(sorted(spikes)), tuple(sorted(shifts)))
    return out
