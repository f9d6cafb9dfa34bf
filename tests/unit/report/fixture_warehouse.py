"""A small hand-written warehouse following the marts contract, with figures known by construction.

60 likeness models (40 Civitai, 20 Hugging Face) first seen every other day from 2025-04-01, plus 10
non-likeness models. Seven Civitai likeness models are taken down on the ban day (2025-05-22) and
their files reappear on Hugging Face in the days after. Known values the tests assert:
57 female / 2 male / 1 unknown targets; countries CN 12, KR 10, JP 8, GB 6, US 5, FR 3, 16 unknown;
54 LoRA + 6 checkpoints; 20 with NSFW intent; model 0 is named ``<script>alert(1)</script>``.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd

FIRST_DAY = date(2025, 4, 1)
LAST_DAY = date(2025, 7, 31)
BAN_DAY = date(2025, 5, 22)
XSS_NAME = "<script>alert(1)</script>"
FORMULA_CREATOR = '=HYPERLINK("http://example.invalid","x")'
COUNTRIES = ["CN"] * 12 + ["KR"] * 10 + ["JP"] * 8 + ["GB"] * 6 + ["US"] * 5 + ["FR"] * 3 + ["unknown"] * 16
LIKENESS = 60


def _hub(i: int) -> str:
    return "civitai" if i < 40 else "huggingface"


def _model_id(i: int) -> str:
    return str(1000 + i) if i < 40 else f"user{i}/person-{i}-lora"


def _taken_down(i: int) -> bool:
    return i < 40 and FIRST_DAY + timedelta(days=2 * i) < BAN_DAY and i % 4 == 0


def dim_model() -> pd.DataFrame:
    rows = []
    for i in range(LIKENESS):
        first_seen = FIRST_DAY + timedelta(days=2 * i)
        rows.append(
            {
                "hub": _hub(i),
                "model_id": _model_id(i),
                "name": XSS_NAME if i == 0 else f"Person {i} LoRA",
                "type": "Checkpoint" if i % 10 == 9 else "LORA",
                "creator": FORMULA_CREATOR if i == 1 else f"maker{i % 7}",
                "first_seen": first_seen,
                "last_seen": BAN_DAY if _taken_down(i) else LAST_DAY,
                "status": "taken_down" if _taken_down(i) else "active",
                "is_likeness": True,
                "likeness_confidence": 0.9,
                "likeness_reasons": ["name_pattern"],
                "target_name": f"person {i}",
                "target_gender": "male" if i in (5, 45) else ("unknown" if i == 7 else "female"),
                "target_country": COUNTRIES[i],
                "nsfw_intent": i % 3 == 0,
                "classifier_version": "clf-test-1",
            }
        )
    for j in range(10):
        rows.append(
            {
                "hub": _hub(j * 5),
                "model_id": f"style-{j}",
                "name": f"Anime style {j}",
                "type": "LORA",
                "creator": "stylist",
                "first_seen": FIRST_DAY + timedelta(days=j),
                "last_seen": LAST_DAY,
                "status": "active",
                "is_likeness": False,
                "likeness_confidence": 0.1,
                "likeness_reasons": [],
                "target_name": None,
                "target_gender": None,
                "target_country": None,
                "nsfw_intent": False,
                "classifier_version": "clf-test-1",
            }
        )
    return pd.DataFrame(rows)


def downloads(i: int) -> int:
    """Final download counter of likeness model ``i`` (model 0, the XSS name, is the most downloaded)."""
    return 1000 * (LIKENESS - i)


def fct_likeness_versions() -> pd.DataFrame:
    """One version per model, two for every fifth; downloads split so the per-model sum is ``downloads``."""
    rows = []
    for i in range(LIKENESS):
        published = FIRST_DAY + timedelta(days=2 * i)
        family = "Flux" if i % 4 == 1 else "SDXL" if i % 4 == 2 else "SD 1.5"
        parts = [downloads(i) // 2, downloads(i) // 2] if i % 5 == 0 else [downloads(i)]
        for k, count in enumerate(parts):
            rows.append(
                {
                    "hub": _hub(i),
                    "model_id": _model_id(i),
                    "version_id": f"{i}-{k}",
                    "published_at": published,
                    "base_model": family,
                    "base_model_family": family,
                    "type": "LORA",
                    "downloads": count,
                }
            )
    return pd.DataFrame(rows)


def mart_likeness_daily(models: pd.DataFrame) -> pd.DataFrame:
    """Per (day, hub): downloads of each model ramp up linearly to its final counter over 30 days."""
    likeness = models[models["is_likeness"]].reset_index(drop=True)
    likeness["final"] = [downloads(i) for i in range(len(likeness))]
    likeness["down_on"] = likeness["last_seen"].where(likeness["status"] == "taken_down")
    rows = []
    for day in pd.date_range(FIRST_DAY, LAST_DAY).date:
        age = likeness["first_seen"].map(lambda first, day=day: (day - first).days + 1)
        ramp = (age / 30).clip(lower=0, upper=1)
        likeness["downloads_now"] = (likeness["final"] * ramp).round().astype("int64")
        likeness["active"] = (age > 0) & ~(likeness["down_on"].notna() & (likeness["down_on"] <= day))
        for hub, mine in likeness.groupby("hub"):
            rows.append(
                {
                    "day": day,
                    "hub": hub,
                    "new_likeness_models": int((mine["first_seen"] == day).sum()),
                    "active_likeness_models": int(mine["active"].sum()),
                    "taken_down_likeness_models": int((mine["down_on"] == day).sum()),
                    "likeness_downloads": int(mine["downloads_now"].sum()),
                    "share_women": 0.95,
                    "share_nsfw_intent": 0.33,
                }
            )
    daily = pd.DataFrame(rows)
    daily["downloads_delta"] = (
        daily.groupby("hub")["likeness_downloads"].diff().fillna(daily["likeness_downloads"])
    )
    return daily


def mart_targets(models: pd.DataFrame) -> pd.DataFrame:
    likeness = models[models["is_likeness"]]
    return pd.DataFrame(
        {
            "target_name": likeness["target_name"],
            "hubs": likeness["hub"].map(lambda h: [h]),
            "models": 1,
            "downloads": [downloads(i) for i in range(len(likeness))],
            "first_seen": likeness["first_seen"],
            "last_seen": likeness["last_seen"],
            "gender": likeness["target_gender"],
            "country": likeness["target_country"],
        }
    )


def mart_reuploads() -> pd.DataFrame:
    rows = []
    for n, i in enumerate(i for i in range(LIKENESS) if _taken_down(i)):
        rows.append(
            {
                "sha256": f"{i:064x}",
                "first_hub": "civitai",
                "first_model_id": _model_id(i),
                "first_seen": FIRST_DAY + timedelta(days=2 * i),
                "hub": "huggingface",
                "model_id": f"mirror/{XSS_NAME if n == 0 else f'copy-{i}'}",
                "seen_on": BAN_DAY + timedelta(days=n + 1),
                "after_takedown": True,
            }
        )
    rows.append(
        {
            "sha256": "f" * 64,
            "first_hub": "civitai",
            "first_model_id": _model_id(1),
            "first_seen": FIRST_DAY,
            "hub": "huggingface",
            "model_id": "mirror/early",
            "seen_on": FIRST_DAY + timedelta(days=5),
            "after_takedown": False,
        }
    )
    return pd.DataFrame(rows)


def alerts() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "alert_id": "a1",
                "kind": "spike",
                "hub": "civitai",
                "day": date(2025, 5, 2),
                "severity": "high",
                "observed": 9,
                "expected": 2.0,
            },
            {
                "alert_id": "a2",
                "kind": "takedown_evasion",
                "hub": "huggingface",
                "day": BAN_DAY + timedelta(days=2),
                "severity": "critical",
                "observed": 3,
                "expected": 0.0,
            },
        ]
    )


def validation_results() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "run": "r1",
                "suite": "raw_civitai",
                "expectation": "expect_column_values_to_be_unique",
                "success": True,
                "observed_value": "0 duplicates",
            },
            {
                "run": "r1",
                "suite": "raw_civitai",
                "expectation": "expect_column_values_to_not_be_null",
                "success": True,
                "observed_value": "0 nulls",
            },
            {
                "run": "r2",
                "suite": "marts",
                "expectation": "expect_column_values_to_be_between",
                "success": False,
                "observed_value": "share_women=1.2",
            },
        ]
    )


def build_fixture_warehouse(path: Path, *, full: bool = True) -> Path:
    """Write the warehouse; ``full=False`` leaves out versions, re-uploads, alerts and validation results."""
    models = dim_model()
    tables = {
        "dim_model": models,
        "mart_likeness_daily": mart_likeness_daily(models),
        "mart_targets": mart_targets(models),
    }
    if full:
        tables |= {
            "fct_likeness_versions": fct_likeness_versions(),
            "mart_reuploads": mart_reuploads(),
            "alerts": alerts(),
            "validation_results": validation_results(),
        }
    with duckdb.connect(str(path)) as con:
        for name, frame in tables.items():
            con.register("frame", frame)
            con.execute(f"create or replace table {name} as select * from frame")
            con.unregister("frame")
    return path
