"""Evaluate spike detection on the simulator's injected spikes and level shifts.

Daily new-likeness counts per hub come from the simulated world's truth (and, with
``--warehouse``, also from ``mart_likeness_daily`` over the days it covers). The detector is the
production one (``likeness_watch.alerts.spikes.score_series``), run over 2023-01 .. 2026-12.

Scored per hub and for the total ("all"):
- recall of one-day spikes, by injected size (an alert on the spike day);
- level shifts (7 days) detected (any alert inside) and the delay to the first alert;
- precision: alerts on an injected day / all alerts, with alerts inside the world's staged
  policy windows (Civitai tightening and ban, TAKE IT DOWN compliance: +14 days) counted apart,
  since those surges are real (mass re-uploads) but not injected;
- false alerts per hub per 90 days (outside injected events and policy windows);
- an upper bound on spike recall that no detector can beat at the goal's false-alert budget:
  an oracle that knows each day's true expected count (``oracle_recall``).

Usage: ``python benchmarks/detection.py [--scales 1,3,10] [--seed 42] [--weekday] [--sensitivity 1]``
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from scipy import stats

from hubsim import SimConfig, build_world
from hubsim.events import likeness_share, total_rate
from likeness_watch.alerts.spikes import SpikeParams, score_series

SCORE_FROM, SCORE_TO = date(2023, 1, 1), date(2026, 12, 31)
POLICY_WINDOW_DAYS = 14
HUBS = ("civitai", "huggingface")
GOAL_FALSE_ALERTS_PER_DAY = 1 / 90
"""The issue's budget: at most one false alert per hub per 90 days."""


@dataclass
class Tally:
    spikes_by_size: dict[float, list[bool]] = field(default_factory=lambda: defaultdict(list))
    shift_delays: list[int | None] = field(default_factory=list)
    true_alerts: int = 0
    policy_alerts: int = 0
    false_alerts: int = 0
    days: int = 0

    def add(self, other: Tally) -> None:
        for size, hits in other.spikes_by_size.items():
            self.spikes_by_size[size] += hits
        self.shift_delays += other.shift_delays
        self.true_alerts += other.true_alerts
        self.policy_alerts += other.policy_alerts
        self.false_alerts += other.false_alerts
        self.days += other.days


def truth_counts(truth: dict[str, Any], start: date, end: date) -> pd.DataFrame:
    """Day × hub new-likeness counts from the truth (days absent from the truth had none)."""
    index = pd.date_range(start, end, freq="D")
    frame = pd.DataFrame(
        {hub: pd.Series(truth["daily_new_likeness"].get(hub, {}), dtype=float) for hub in HUBS}
    )
    frame.index = pd.to_datetime(frame.index)
    frame = frame.reindex(index).fillna(0.0)
    frame["all"] = frame[list(HUBS)].sum(axis=1)
    return frame


def mart_counts(warehouse: Path) -> pd.DataFrame:
    """Day × hub counts from the warehouse marts (what production alerts score)."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        daily = con.execute("select day::date as day, hub, new_likeness_models from mart_likeness_daily").df()
    finally:
        con.close()
    frame = daily.pivot_table(index="day", columns="hub", values="new_likeness_models", aggfunc="sum")
    frame.index = pd.to_datetime(frame.index)
    frame = frame.asfreq("D").fillna(0.0)
    frame["all"] = frame[[hub for hub in HUBS if hub in frame]].sum(axis=1)
    return frame


def events_for(truth: dict[str, Any], series: str) -> tuple[dict[date, float], list[tuple[date, date]]]:
    """Injected one-day spikes {day: size} and level-shift windows for a hub (or all hubs)."""
    hubs = HUBS if series == "all" else (series,)
    spikes: dict[date, float] = {}
    shifts: list[tuple[date, date]] = []
    for hub in hubs:
        events = truth["events"][hub]
        for spike in events["spikes"]:
            day = date.fromisoformat(spike["date"])
            spikes[day] = max(spikes.get(day, 0.0), spike["factor"])
        shifts += [
            (date.fromisoformat(s["start"]), date.fromisoformat(s["end"])) for s in events["level_shifts"]
        ]
    return spikes, shifts


def evaluate(counts: pd.Series, truth: dict[str, Any], series: str, params: SpikeParams) -> Tally:
    scores = score_series(counts, params)
    scored = scores.loc[pd.Timestamp(SCORE_FROM) : pd.Timestamp(SCORE_TO)]
    alerts = {ts.date() for ts in scored.index[scored["spike"]]}
    spikes, shifts = events_for(truth, series)
    policy = [date.fromisoformat(d) for d in truth["policy_dates"].values()]
    in_scope = [d for d in spikes if SCORE_FROM <= d <= SCORE_TO]
    tally = Tally(days=len(scored))
    for day in in_scope:
        tally.spikes_by_size[spikes[day]].append(day in alerts)
    shift_days = set()
    for first, last in shifts:
        if not SCORE_FROM <= first <= SCORE_TO:
            continue
        window = {first + timedelta(days=i) for i in range((last - first).days + 1)}
        shift_days |= window
        hits = sorted(day for day in alerts if day in window)
        tally.shift_delays.append((hits[0] - first).days if hits else None)
    for day in alerts:
        if day in spikes or day in shift_days:
            tally.true_alerts += 1
        elif any(0 <= (day - p).days <= POLICY_WINDOW_DAYS for p in policy):
            tally.policy_alerts += 1
        else:
            tally.false_alerts += 1
    return tally


def oracle_recall(truth: dict[str, Any], scale: float) -> dict[float, list[float]]:
    """Each injected spike's chance, by size, to be found by a detector that knows each day's
    true expected count λ (the simulator's own rate) and alerts when P(X ≥ count | λ) is within
    the false-alert budget.

    Counts are Poisson(λ) on ordinary days and Poisson(size·λ) on spike days, so this bounds
    every real detector, which must estimate λ from noisy history (and faces re-upload waves
    this oracle ignores): no method reaches a higher recall at that false-alert rate.
    """
    found: dict[float, list[float]] = defaultdict(list)
    for hub in HUBS:
        for spike in truth["events"][hub]["spikes"]:
            day = date.fromisoformat(spike["date"])
            if SCORE_FROM <= day <= SCORE_TO:
                expected = total_rate(hub, day) * scale * likeness_share(hub, day)
                threshold = stats.poisson.isf(GOAL_FALSE_ALERTS_PER_DAY, expected)  # alert above it
                found[spike["factor"]].append(float(stats.poisson.sf(threshold, spike["factor"] * expected)))
    return found


SIZES = (1.5, 2.0, 3.0, 5.0, 10.0)
COLUMNS = ("recall " + " / ".join(f"{s:g}×" for s in SIZES), "recall ≥3×", "recall all", "shifts found",
           "shift delay (d)", "precision", "policy-window alerts", "false / hub / 90 d")  # fmt: skip


def cells(t: Tally) -> list[str]:
    """One table row's cells for a tally.

    ``t.days`` counts scored days per series and is summed by ``Tally.add`` (hub-days for the
    both-hubs tally), so false alerts / (days / 90) is the rate per hub (per series) per 90 days.
    """
    by_size = [t.spikes_by_size.get(s, []) for s in SIZES]
    big = [hit for s, hits in zip(SIZES, by_size, strict=True) if s >= 3 for hit in hits]
    every = [hit for hits in by_size for hit in hits]
    found = [d for d in t.shift_delays if d is not None]
    judged = t.true_alerts + t.false_alerts
    return [
        " / ".join(f"{sum(h)}/{len(h)}" for h in by_size),
        f"{sum(big) / len(big):.2f}" if big else "–",
        f"{sum(every) / len(every):.2f}" if every else "–",
        f"{len(found)}/{len(t.shift_delays)}",
        ", ".join(str(d) for d in found) or "–",
        f"{t.true_alerts / judged:.2f} ({t.true_alerts}/{judged})" if judged else "–",
        str(t.policy_alerts),
        f"{t.false_alerts / (t.days / 90):.2f}" if t.days else "–",
    ]


def table(first: str, rows: list[tuple[str, list[str]]]) -> list[str]:
    header = [first, *COLUMNS]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join([name, *row]) + " |" for name, row in rows] + [""]


def run(counts: pd.DataFrame, truth: dict[str, Any], params: SpikeParams) -> dict[str, Tally]:
    tallies = {name: evaluate(counts[name], truth, name, params) for name in counts.columns}
    total = Tally()
    for name in HUBS:
        if name in tallies:
            total.add(tallies[name])
    tallies["both hubs"] = total
    return tallies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,3,10", help="Simulator scales (comma-separated).")
    parser.add_argument("--sensitivities", default="1,2,3", help="Sensitivities to compare (first: details).")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--weekday", action="store_true", help="Also compare with the weekday factor on.")
    parser.add_argument("--warehouse", type=Path, help="Also score mart_likeness_daily from this warehouse.")
    args = parser.parse_args()
    sensitivities = [float(s) for s in args.sensitivities.split(",")]
    variants = [(s, False) for s in sensitivities] + (
        [(s, True) for s in sensitivities] if args.weekday else []
    )
    summary: list[tuple[str, list[str]]] = []
    bounds: list[tuple[str, list[str]]] = []
    for scale in [float(s) for s in args.scales.split(",")]:
        started = time.perf_counter()
        truth = build_world(SimConfig(seed=args.seed, scale=scale)).truth(include_models=False)
        built = time.perf_counter() - started
        counts = truth_counts(truth, date.fromisoformat(truth["config"]["start"]), SCORE_TO)
        mean = ", ".join(f"{hub} {counts[hub].loc[str(SCORE_FROM) :].median():.0f}" for hub in HUBS)
        chances = oracle_recall(truth, scale)
        every = [chance for size in SIZES for chance in chances[size]]
        by_size = " / ".join(f"{sum(chances[size]) / len(chances[size]):.2f}" for size in SIZES)
        bounds.append((f"scale {scale:g}", [by_size, f"{sum(every) / len(every):.2f}"]))
        for sensitivity, weekday in variants:
            params = SpikeParams(weekday_factor=weekday).with_sensitivity(sensitivity)
            started = time.perf_counter()
            tallies = run(counts, truth, params)
            elapsed = time.perf_counter() - started
            label = f"scale {scale:g}, sensitivity {sensitivity:g}" + (", weekday factor" if weekday else "")
            summary.append((label, cells(tallies["both hubs"])))
            if (sensitivity, weekday) == variants[0]:
                print(f"#### Seed {args.seed}, {label} (median new likeness models/day: {mean})\n")
                print(
                    "\n".join(
                        table(
                            "series", [(name, cells(t)) for name, t in tallies.items() if name != "both hubs"]
                        )
                    )
                )
                scored = f"{len(counts.columns)} series × {len(counts)} days scored in {elapsed:.2f} s"
                print(f"World built in {built:.1f} s; {scored}.\n")
            if args.warehouse:
                marts = mart_counts(args.warehouse)
                print(f"#### {label}: counts from {args.warehouse} marts\n")
                print(
                    "\n".join(table("series", [(n, cells(t)) for n, t in run(marts, truth, params).items()]))
                )
    print("#### Both hubs, by scale and sensitivity\n")
    print("\n".join(table("setting", summary)))
    print("\n#### Upper bound: an oracle knowing each day's expected count, ≤ 1 false alert / 90 days\n")
    print(f"| world | oracle recall {' / '.join(f'{s:g}×' for s in SIZES)} | oracle recall all |")
    print("|---|---|---|")
    print("\n".join(f"| {label} | {' | '.join(row)} |" for label, row in bounds))


if __name__ == "__main__":
    main()
