"""Measure the study's headline figures (F1–F14) from warehouse frames: pure functions, no I/O.

Each figure is computed in the unit the study uses where our data allows it (versions for F1–F3,
models otherwise) and returns ``None`` when the input it needs is not in the warehouse, so the
report can say "not available" instead of showing a misleading number.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from likeness_watch.report.warehouse import ReportData

LORA_TYPES = frozenset({"lora", "locon", "dora", "lycoris"})
EMBEDDING_TYPES = frozenset({"textualinversion", "embedding", "hypernetwork"})
TOP_COUNTRIES = 5
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Headline:
    """Measured headline figures; ``None`` means the warehouse lacks what the figure needs."""

    likeness_models: int
    likeness_versions: int | None
    downloads: int | None
    downloads_basis: str
    unit: str
    count_by_hub: dict[str, int]
    gender_counts: dict[str, int]
    top_countries: list[tuple[str, int]]
    top_countries_by_downloads: list[tuple[str, int]] | None
    nsfw_intent: int | None
    technique_counts: dict[str, int]
    base_model_counts: dict[str, int] | None
    prominence_counts: dict[str, int] | None
    reuploads_after_takedown: int | None
    reuploads_cross_hub: int | None

    @property
    def hub_share(self) -> dict[str, float]:
        return shares(self.count_by_hub)

    @property
    def share_women(self) -> float | None:
        known = self.gender_counts.get("female", 0) + self.gender_counts.get("male", 0)
        return self.gender_counts.get("female", 0) / known if known else None

    @property
    def share_nsfw_intent(self) -> float | None:
        if self.nsfw_intent is None or not self.likeness_models:
            return None
        return self.nsfw_intent / self.likeness_models

    @property
    def share_lora(self) -> float | None:
        total = sum(self.technique_counts.values())
        return self.technique_counts.get("LoRA-like", 0) / total if total else None

    def comparable(self) -> dict[str, object]:
        """The machine-checkable figures, keyed like the study file's ``tolerances``."""
        return {
            "likeness_models": self.likeness_models,
            "likeness_versions": self.likeness_versions,
            "downloads": self.downloads,
            "hub_share": self.hub_share,
            "share_women": self.share_women,
            "share_nsfw_intent": self.share_nsfw_intent,
            "share_lora": self.share_lora,
            "top_countries": [code for code, _ in self.top_countries],
            "reuploads_after_takedown": self.reuploads_after_takedown,
        }


def shares(counts: dict[str, int]) -> dict[str, float]:
    total = sum(counts.values())
    return {key: value / total for key, value in counts.items()} if total else {}


def _counts(values: pd.Series) -> dict[str, int]:
    return {str(key): int(value) for key, value in values.value_counts().items()}


def technique(model_type: object) -> str:
    """Group hub model types the way F10 compares them (LoRA-like vs checkpoints vs the rest)."""
    text = str(model_type or "").strip().lower()
    if text in LORA_TYPES:
        return "LoRA-like"
    if text == "checkpoint":
        return "Checkpoint"
    if text in EMBEDDING_TYPES:
        return "Embedding"
    return "Other/unknown"


def gender_counts(models: pd.DataFrame) -> dict[str, int]:
    if "target_gender" not in models:
        return {}
    gender = models["target_gender"].fillna(UNKNOWN).str.lower()
    gender = gender.where(gender.isin(["female", "male"]), UNKNOWN)
    return {key: int((gender == key).sum()) for key in ("female", "male", UNKNOWN)}


def country_counts(models: pd.DataFrame) -> pd.Series:
    """Likeness models per known target country, most first (unknown excluded)."""
    if "target_country" not in models:
        return pd.Series(dtype="int64")
    country = models["target_country"].dropna().astype(str).str.upper()
    return country[country != UNKNOWN.upper()].value_counts()


def country_downloads(targets: pd.DataFrame | None) -> pd.Series | None:
    """Target downloads per known country (from the per-person mart), most first."""
    if targets is None:
        return None
    known = targets[targets["country"].notna() & (targets["country"].astype(str).str.lower() != UNKNOWN)]
    totals = known.groupby(known["country"].astype(str).str.upper())["downloads"].sum()
    return totals.sort_values(ascending=False).astype("int64")


def _flag_count(frame: pd.DataFrame, column: str) -> int | None:
    return int(frame[column].fillna(False).astype(bool).sum()) if column in frame else None


def _category_counts(frame: pd.DataFrame, column: str) -> dict[str, int] | None:
    return _counts(frame[column].fillna(UNKNOWN)) if column in frame else None


def _downloads(data: ReportData) -> tuple[int | None, str]:
    """F3: latest counter per version if we have versions; else per model; else the daily mart."""
    if data.versions is not None and "downloads" in data.versions:
        return int(data.versions["downloads"].fillna(0).sum()), "latest counter per likeness version"
    if "downloads" in data.models:
        return int(data.models["downloads"].fillna(0).sum()), "latest counter per likeness model"
    if data.daily is not None and "likeness_downloads" in data.daily and not data.daily.empty:
        last = data.daily.sort_values("day").groupby("hub").tail(1)
        basis = "cumulative likeness downloads per hub on the last day of the period"
        if data.start is not None:
            basis += " (includes models published before --from)"
        return int(last["likeness_downloads"].fillna(0).sum()), basis
    return None, "not available"


def reupload_models(reuploads: pd.DataFrame | None) -> pd.DataFrame | None:
    """F14: models that published a file (same SHA256) after an earlier holder was taken down.

    One row per re-uploading model (its first such appearance): the press figure counts models,
    and one model may carry several re-uploaded files.
    """
    if reuploads is None or "after_takedown" not in reuploads:
        return None
    after = reuploads[reuploads["after_takedown"].fillna(False).astype(bool)]
    return after.sort_values("appeared_on").drop_duplicates(["hub", "model_id"]).reset_index(drop=True)


def measure_headline(data: ReportData) -> Headline:
    """All headline figures for the period in ``data``."""
    models = data.models
    versions = data.versions
    unit_frame = versions if versions is not None else models
    downloads, basis = _downloads(data)
    reuploaders = reupload_models(data.reuploads)
    top = country_counts(models).head(TOP_COUNTRIES)
    by_downloads = country_downloads(data.targets)
    top_by_downloads = None if by_downloads is None else by_downloads.head(TOP_COUNTRIES)
    base_source = versions if versions is not None and "base_model_family" in versions else models
    return Headline(
        likeness_models=len(models),
        likeness_versions=None if versions is None else len(versions),
        downloads=downloads,
        downloads_basis=basis,
        unit="versions" if versions is not None else "models",
        count_by_hub=_counts(unit_frame["hub"]),
        gender_counts=gender_counts(models),
        top_countries=[(str(k), int(v)) for k, v in top.items()],
        top_countries_by_downloads=(
            None if top_by_downloads is None else [(str(k), int(v)) for k, v in top_by_downloads.items()]
        ),
        nsfw_intent=_flag_count(models, "nsfw_intent"),
        technique_counts=_counts(models["type"].map(technique)) if "type" in models else {},
        base_model_counts=_category_counts(base_source, "base_model_family"),
        prominence_counts=_category_counts(models, "target_prominence"),
        reuploads_after_takedown=None if reuploaders is None else len(reuploaders),
        reuploads_cross_hub=(
            int(reuploaders["is_cross_hub"].fillna(False).astype(bool).sum())
            if reuploaders is not None and "is_cross_hub" in reuploaders
            else None
        ),
    )
