"""A small hand-written warehouse with the marts' real columns, and figures known by construction.

60 likeness models (40 Civitai, 20 Hugging Face) first seen every other day from 2025-04-01, plus 10
non-likeness models. Model 0 (named ``<script>alert(1)</script>``) is a back-catalogue model published
2024-12-01. Seven Civitai likeness models are taken down on the ban day (2025-05-22); in the days
after, each has its file re-uploaded by one Hugging Face mirror (the first mirror carries two files),
and one Civitai model re-uploads a file on Civitai itself. Known values the tests assert:
57 female / 2 male / 1 unknown targets; countries CN 12, KR 10, JP 8, GB 6, US 5, FR 3, 16 unknown;
54 LoRA + 6 checkpoints; 20 with NSFW intent; 72 versions; 8 re-uploading models (7 cross-hub).
Civitai flags 6 models as a real person (``poi``): 4 likeness models and 2 anime styles the final
decision overrules (``poi:overruled``). Four models were reported to their hub (hub response
times): model 0 is still up past its 48 h deadline, one was taken down in 24 h, one Hugging Face repo
in 72 h (late), one is pending. Seven models have a reviewer's verdict (classifier on reviewed
models): on Civitai likeness models 0 and 4 (the classifier agreed), 8 (it missed it) and styles 3
and 4 (it called them likeness): precision 2/4, recall 2/3; on Hugging Face model 40 and style 8
(both agreed): 1/1 and 1/1.

``full=False`` writes only the contract's core columns and marts (no versions, re-uploads, alerts,
validation results, nor dim_model's downloads/published_at/base_model_family/target_prominence/poi).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

FIRST_DAY = date(2025, 4, 1)
LAST_DAY = date(2025, 7, 31)
BAN_DAY = date(2025, 5, 22)
BACK_CATALOGUE_DAY = date(2024, 12, 1)
XSS_NAME = "<script>alert(1)</script>"
FORMULA_CREATOR = '=HYPERLINK("http://example.invalid","x")'
COUNTRIES = ["CN"] * 12 + ["KR"] * 10 + ["JP"] * 8 + ["GB"] * 6 + ["US"] * 5 + ["FR"] * 3 + ["unknown"] * 16
LIKENESS = 60
TAKEN_DOWN = (0, 4, 8, 12, 16, 20, 24)
POI_LIKENESS = (3, 13, 23, 33)
POI_OVERRULED_STYLES = (1, 2)
REVIEWED = {0: True, 4: True, 8: False, 40: True}
"""Likeness models with a ``likeness`` verdict: model → the classifier's own decision."""
REVIEWED_STYLES = {3: True, 4: True, 8: False}
"""Styles with a ``not_likeness`` verdict: style → the classifier's own decision."""
CORE_MODEL_COLUMNS = (
    "hub",
    "model_id",
    "name",
    "type",
    "creator",
    "first_seen",
    "last_seen",
    "status",
    "is_likeness",
    "likeness_confidence",
    "likeness_reasons",
    "target_name",
    "target_gender",
    "target_country",
    "nsfw_intent",
    "classifier_version",
)


def _hub(i: int) -> str:
    return "civitai" if i < 40 else "huggingface"


def _model_id(i: int) -> str:
    return str(1000 + i) if i < 40 else f"user{i}/person-{i}-lora"


def first_seen(i: int) -> date:
    return FIRST_DAY + timedelta(days=2 * i)


def published(i: int) -> date:
    return BACK_CATALOGUE_DAY if i == 0 else first_seen(i)


def downloads(i: int) -> int:
    """Final download counter of likeness model ``i`` (model 0, the XSS name, is the most downloaded)."""
    return 1000 * (LIKENESS - i)


def family(i: int) -> str:
    return "Flux" if i % 4 == 1 else "SDXL" if i % 4 == 2 else "SD 1.5"


def dim_model(full: bool) -> pd.DataFrame:
    rows = []
    for i in range(LIKENESS):
        down = i in TAKEN_DOWN
        rows.append(
            {
                "hub": _hub(i),
                "model_id": _model_id(i),
                "name": XSS_NAME if i == 0 else f"Person {i} LoRA",
                "type": "Checkpoint" if i % 10 == 9 else "LORA",
                "creator": FORMULA_CREATOR if i == 1 else f"maker{i % 7}",
                "first_seen": first_seen(i),
                "last_seen": BAN_DAY if down else LAST_DAY,
                "status": "taken_down" if down else "active",
                "is_likeness": True,
                "likeness_confidence": 0.9,
                "likeness_reasons": ["name_pattern"],
                "target_name": f"person {i}",
                "target_gender": "male" if i in (5, 45) else ("unknown" if i == 7 else "female"),
                "target_country": COUNTRIES[i],
                "nsfw_intent": i % 3 == 0,
                "classifier_version": "clf-test-1",
                "downloads": downloads(i),
                "published_at": published(i),
                "base_model_family": family(i),
                "target_prominence": "celebrity" if i < 30 else "influencer" if i < 50 else "unknown",
                "version_count": 2 if i % 5 == 0 else 1,
                "poi": i in POI_LIKENESS,
                "review_decision": "likeness" if i in REVIEWED else None,
                "classifier_is_likeness": REVIEWED.get(i, True),
            }
        )
    for j in range(10):
        overruled = j in POI_OVERRULED_STYLES
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
                "likeness_reasons": ["poi_flag", "neg:tag:anime", "poi:overruled"] if overruled else [],
                "target_name": None,
                "target_gender": None,
                "target_country": None,
                "nsfw_intent": False,
                "classifier_version": "clf-test-1",
                "downloads": 5,
                "published_at": FIRST_DAY + timedelta(days=j),
                "base_model_family": "SDXL",
                "target_prominence": None,
                "version_count": 1,
                "poi": overruled,
                "review_decision": "not_likeness" if j in REVIEWED_STYLES else None,
                "classifier_is_likeness": REVIEWED_STYLES.get(j, False),
            }
        )
    frame = pd.DataFrame(rows)
    return frame if full else frame[list(CORE_MODEL_COLUMNS)]


def fct_likeness_versions() -> pd.DataFrame:
    """One version per model, two for every fifth; downloads split so the per-model sum is ``downloads``."""
    rows = []
    for i in range(LIKENESS):
        parts = [downloads(i) // 2, downloads(i) // 2] if i % 5 == 0 else [downloads(i)]
        for k, count in enumerate(parts):
            rows.append(
                {
                    "hub": _hub(i),
                    "model_id": _model_id(i),
                    "version_id": f"{i}-{k}",
                    "published_at": published(i),
                    "base_model": family(i),
                    "base_model_family": family(i),
                    "type": "LORA",
                    "downloads": count,
                    "status": "taken_down" if i in TAKEN_DOWN else "active",
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
            "target_key": likeness["target_name"],
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


def _appearance(sha: str, hub: str, model_id: str, day: date, first: tuple[str, str], after: bool) -> dict:
    return {
        "sha256": sha,
        "hub": hub,
        "model_id": model_id,
        "appeared_on": day,
        "seen_on": day,
        "first_hub": first[0],
        "first_model_id": first[1],
        "is_cross_hub": hub != first[0],
        "after_takedown": after,
        "is_likeness": True,
    }


def mart_reuploads() -> pd.DataFrame:
    """One row per appearance of a shared file, the first appearance included (as the mart has it)."""
    rows = []
    for n, i in enumerate(TAKEN_DOWN):
        sha, origin = f"{i:064x}", ("civitai", _model_id(i))
        rows.append(_appearance(sha, *origin, first_seen(i), origin, after=False))
        mirror = f"mirror/{XSS_NAME}" if n == 0 else f"mirror/copy-{i}"
        rows.append(
            _appearance(sha, "huggingface", mirror, BAN_DAY + timedelta(days=n + 1), origin, after=True)
        )
    second_file = f"{4:064x}"
    rows.append(
        _appearance(
            second_file,
            "huggingface",
            f"mirror/{XSS_NAME}",
            BAN_DAY + timedelta(days=1),
            ("civitai", _model_id(4)),
            after=True,
        )
    )
    rows.append(
        _appearance(
            f"{8:064x}", "civitai", "2000", BAN_DAY + timedelta(days=3), ("civitai", _model_id(8)), after=True
        )
    )
    early = ("civitai", _model_id(1))
    rows.append(_appearance("f" * 64, *early, first_seen(1), early, after=False))
    rows.append(
        _appearance("f" * 64, "huggingface", "mirror/early", first_seen(1) + timedelta(days=5), early, False)
    )
    return pd.DataFrame(rows)


def alerts() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "alert_id": "a1",
                "kind": "spike",
                "severity": "high",
                "hub": "civitai",
                "day": date(2025, 5, 2),
                "title": f"9 new likeness models, e.g. {XSS_NAME}",
                "observed": 9.0,
                "expected": 2.0,
            },
            {
                "alert_id": "a2",
                "kind": "takedown_evasion",
                "severity": "critical",
                "hub": "huggingface",
                "day": BAN_DAY + timedelta(days=2),
                "title": "file of a removed model re-uploaded",
                "observed": 3.0,
                "expected": 0.0,
            },
        ]
    )


def validation_results() -> pd.DataFrame:
    run_at = datetime(2025, 7, 31, 6)
    rows = [
        (
            "r1",
            "raw",
            "raw_civitai",
            "civitai",
            date(2025, 4, 10),
            "expect_column_values_to_be_unique",
            True,
            "0",
        ),
        (
            "r2",
            "raw",
            "raw_civitai",
            "civitai",
            date(2025, 7, 30),
            "expect_column_values_to_not_be_null",
            True,
            "0",
        ),
        (
            "r2",
            "raw",
            "raw_civitai",
            "civitai",
            date(2025, 7, 30),
            "expect_column_values_to_be_unique",
            True,
            "0",
        ),
        (
            "r3",
            "marts",
            "marts",
            None,
            None,
            "expect_column_values_to_be_between",
            False,
            '{"share_women": 1.2}',
        ),
    ]
    return pd.DataFrame(
        [
            {
                "run_id": r,
                "run_at": run_at,
                "layer": layer,
                "suite": suite,
                "hub": hub,
                "day": day,
                "expectation": e,
                "success": ok,
                "observed_value": observed,
                "severity": "error",
            }
            for r, layer, suite, hub, day, e, ok, observed in rows
        ]
    )


REPORTED_AT = datetime(2025, 5, 20)


def mart_hub_response_times() -> pd.DataFrame:
    """Four reported models: model 0 (the XSS name) still up past the deadline, one taken down in
    24 h, one Hugging Face repo taken down in 72 h (late), one whose deadline has not passed."""

    def row(hub: str, i: int, status: str, hours: float | None, overdue_on: date | None) -> dict:
        return {
            "hub": hub,
            "model_id": _model_id(i),
            "name": XSS_NAME if i == 0 else f"Model {i}",
            "status": "active" if hours is None else "taken_down",
            "response_status": status,
            "deadline_hours": 48,
            "hours_to_takedown": hours,
            "reported_at": REPORTED_AT + timedelta(days=10 if status == "pending" else 0),
            "deadline_at": REPORTED_AT + timedelta(days=12 if status == "pending" else 2),
            "taken_down_at": None if hours is None else REPORTED_AT + timedelta(hours=hours),
            "overdue_on": overdue_on,
        }

    overdue_on = REPORTED_AT.date() + timedelta(days=1)
    return pd.DataFrame(
        [
            row("civitai", 0, "overdue", None, overdue_on),
            row("civitai", 4, "taken_down_in_time", 24.0, None),
            row("civitai", 8, "pending", None, None),
            row("huggingface", 40, "taken_down_late", 72.0, overdue_on),
        ]
    )


def mart_hub_response_summary() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"hub": "civitai", "deadline_hours": 48, "reported_models": 3, "taken_down": 1,
             "taken_down_in_time": 1, "taken_down_late": 0, "overdue": 1, "pending": 1,
             "median_hours_to_takedown": 24.0, "share_in_time": 0.5},
            {"hub": "huggingface", "deadline_hours": 48, "reported_models": 1, "taken_down": 1,
             "taken_down_in_time": 0, "taken_down_late": 1, "overdue": 0, "pending": 0,
             "median_hours_to_takedown": 72.0, "share_in_time": 0.0},
        ]
    )  # fmt: skip


def fixture_state(warehouse: Path) -> Path:
    """The state store written beside a fixture warehouse (alerts and validation results)."""
    return warehouse.with_name(warehouse.stem + ".state.duckdb")


def build_fixture_warehouse(path: Path, *, full: bool = True) -> Path:
    """Write the warehouse (``full=False``: the contract's core marts and columns only) and, when
    ``full``, its state store (``fixture_state``)."""
    models = dim_model(full)
    tables = {
        "dim_model": models,
        "mart_likeness_daily": mart_likeness_daily(models),
        "mart_targets": mart_targets(models),
    }
    if full:
        tables |= {
            "fct_likeness_versions": fct_likeness_versions(),
            "mart_reuploads": mart_reuploads(),
            "mart_hub_response_times": mart_hub_response_times(),
            "mart_hub_response_summary": mart_hub_response_summary(),
        }
        _write(fixture_state(path), {"alerts": alerts(), "validation_results": validation_results()})
    _write(path, tables)
    return path


def _write(path: Path, tables: dict[str, pd.DataFrame]) -> None:
    with duckdb.connect(str(path)) as con:
        for name, frame in tables.items():
            con.register("frame", frame)
            con.execute(f"create or replace table {name} as select * from frame")
            con.unregister("frame")
