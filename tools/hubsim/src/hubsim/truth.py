"""Ground truth of a world, to score crawls, classifiers, spike alerts and study reports against.

truth.json:
    config, ban_day, policy_dates, events {hub: {spikes: [{date, factor}], level_shifts: [{start, end,
    factor}]}}, aggregates {...}, daily_new_likeness {hub: {date: n}}, models [one row per model].
models.csv: the same rows, lists joined with ";" and reupload_of split into two columns.
Downloads are the last observable counter: at the world's end, or frozen at removal.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hubsim.clock import date_of, iso_utc
from hubsim.counters import model_downloads, version_downloads
from hubsim.events import TAKE_IT_DOWN_DUE, TIGHTENING_DAY

if TYPE_CHECKING:
    from hubsim.world import Model, World

ADAPTERS = ("LORA", "LoCon", "DoRA")
NSFW_BITS = 4 | 8 | 16
CSV_COLUMNS = (
    "hub",
    "model_id",
    "name",
    "type",
    "created_at",
    "is_likeness",
    "category",
    "target_id",
    "target_name",
    "target_gender",
    "target_country",
    "target_prominence",
    "nsfw_intent",
    "nsfw_level",
    "poi",
    "minor",
    "removed_on",
    "removed_at",
    "removal_kind",
    "reupload_of_hub",
    "reupload_of_model_id",
    "same_file",
    "versions",
    "version_ids",
    "base_models",
    "sha256",
    "downloads",
)


def model_row(world: World, m: Model) -> dict[str, Any]:
    """Truth labels of one model."""
    target = world.target_of(m)
    return {
        "hub": m.hub,
        "model_id": m.key,
        "name": m.name,
        "type": m.mtype,
        "created_at": iso_utc(m.created),
        "is_likeness": m.is_likeness,
        "category": m.category,
        "target_id": target.index if target else None,
        "target_name": target.name if target else None,
        "target_gender": target.gender if target else None,
        "target_country": target.country if target else None,
        "target_prominence": target.prominence if target else None,
        "nsfw_intent": m.nsfw_intent,
        "nsfw_level": m.nsfw_level,
        "poi": m.poi,
        "minor": m.minor,
        "removed_on": date_of(m.removed).isoformat() if m.removed is not None else None,
        "removed_at": iso_utc(m.removed) if m.removed is not None else None,
        "removal_kind": m.removal_kind,
        "reupload_of": {"hub": m.reupload_of[0], "model_id": m.reupload_of[1]} if m.reupload_of else None,
        "same_file": m.same_file if m.reupload_of else None,
        "versions": len(m.versions),
        "version_ids": [v.vid for v in m.versions] if m.hub == "civitai" else [],
        "base_models": list(dict.fromkeys(v.base_model for v in m.versions)),
        "sha256": [v.sha256 for v in m.versions],
        "downloads": model_downloads(m, world.end_ts),
    }


def iter_rows(world: World) -> Iterator[dict[str, Any]]:
    for hub in ("civitai", "huggingface"):
        for m in world.models(hub):
            yield model_row(world, m)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def aggregates(world: World) -> dict[str, Any]:
    """Figures a study report should reproduce (F1, F2, F3, F6, F7, F9, F10, F11, F14)."""
    end = world.end_ts
    likeness = [m for hub in ("civitai", "huggingface") for m in world.models(hub) if m.is_likeness]
    genders = Counter(world.targets[m.target].gender for m in likeness)
    countries = Counter(world.targets[m.target].country for m in likeness)
    top = sorted(likeness, key=lambda m: -model_downloads(m, end))[:100]
    per_hub = {}
    for hub in ("civitai", "huggingface"):
        models = world.models(hub)
        hub_likeness = [m for m in models if m.is_likeness]
        per_hub[hub] = {
            "models": len(models),
            "likeness_models": len(hub_likeness),
            "likeness_versions": sum(len(m.versions) for m in hub_likeness),
            "removed": sum(m.removed is not None for m in models),
            "likeness_removed": sum(m.removed is not None for m in hub_likeness),
            "reuploads": sum(m.reupload_of is not None for m in models),
            "reuploads_same_sha256": sum(m.reupload_of is not None and m.same_file for m in models),
            "likeness_downloads": sum(model_downloads(m, end) for m in hub_likeness),
        }
    ban = world.ban_day
    banned = [
        m for m in world.civitai if m.is_likeness and m.removed is not None and date_of(m.removed) == ban
    ]
    banned_ids = {m.key for m in banned}
    versions = [v for m in likeness for v in m.versions]
    return {
        "per_hub": per_hub,
        "likeness_models": len(likeness),
        "likeness_versions": len(versions),
        "likeness_version_downloads": sum(
            version_downloads(v.dinf, v.half, v.created, min(end, m.removed or end))
            for m in likeness
            for v in m.versions
        ),
        "share_women": _share(genders["female"], genders["female"] + genders["male"]),
        "top_countries": countries.most_common(10),
        "top_countries_top100_downloaded": Counter(world.targets[m.target].country for m in top).most_common(
            5
        ),
        "prominence": dict(Counter(world.targets[m.target].prominence for m in likeness)),
        "share_adapters": _share(sum(m.mtype in ADAPTERS for m in likeness), len(likeness)),
        "types": dict(Counter(m.mtype for m in likeness)),
        "share_nsfw_intent": _share(sum(m.nsfw_intent for m in likeness), len(likeness)),
        "share_nsfw_level_r_or_more": _share(
            sum(bool(m.nsfw_level & NSFW_BITS) for m in likeness), len(likeness)
        ),
        "base_models_of_versions": dict(Counter(v.base_model for v in versions).most_common()),
        "ban": {
            "civitai_likeness_removed_on_ban_day": len(banned),
            "deleted": sum(m.removal_kind == "deleted" for m in banned),
            "taken_down": sum(m.removal_kind == "taken_down" for m in banned),
            "reuploaded_to_huggingface": sum(
                1 for m in world.huggingface if m.reupload_of and m.reupload_of[1] in banned_ids
            ),
        },
    }


def daily_new_likeness(world: World) -> dict[str, dict[str, int]]:
    """New likeness models per creation day per hub (re-uploads included): the spike series."""
    out = {}
    for hub in ("civitai", "huggingface"):
        counts = Counter(date_of(m.created).isoformat() for m in world.models(hub) if m.is_likeness)
        out[hub] = dict(sorted(counts.items()))
    return out


def truth(world: World, include_models: bool = True) -> dict[str, Any]:
    """The whole truth document (without per-model rows when include_models is False)."""
    doc: dict[str, Any] = {
        "config": world.cfg.as_dict(),
        "ban_day": world.ban_day.isoformat(),
        "policy_dates": {
            "civitai_tightening": TIGHTENING_DAY.isoformat(),
            "civitai_ban": world.ban_day.isoformat(),
            "take_it_down_compliance": TAKE_IT_DOWN_DUE.isoformat(),
        },
        "events": {hub: ev.as_dict() for hub, ev in world.events.items()},
        "aggregates": aggregates(world),
        "daily_new_likeness": daily_new_likeness(world),
    }
    if include_models:
        doc["models"] = list(iter_rows(world))
    return doc


def _csv_value(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(map(str, value))
    return "" if value is None else value


def export_truth(world: World, directory: Path) -> list[Path]:
    """Write truth.json (models streamed one per line) and models.csv; returns both paths."""
    directory.mkdir(parents=True, exist_ok=True)
    json_path, csv_path = directory / "truth.json", directory / "models.csv"
    head = json.dumps(truth(world, include_models=False), ensure_ascii=False)
    with json_path.open("w", encoding="utf-8") as jf, csv_path.open("w", encoding="utf-8", newline="") as cf:
        writer = csv.DictWriter(cf, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        jf.write(head[:-1] + ', "models": [\n')
        for i, row in enumerate(iter_rows(world)):
            jf.write((",\n" if i else "") + json.dumps(row, ensure_ascii=False))
            flat = {k: _csv_value(v) for k, v in row.items() if k != "reupload_of"}
            origin = row["reupload_of"] or {}
            flat.update(
                reupload_of_hub=origin.get("hub", ""), reupload_of_model_id=origin.get("model_id", "")
            )
            writer.writerow(flat)
        jf.write("\n]}\n")
    return [json_path, csv_path]
