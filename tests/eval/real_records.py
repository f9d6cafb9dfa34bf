"""Real hub records from ``../shared/real/`` in the classifier's input schema, joined to the labels.

The mapping mirrors the staging models (``stg_civitai__models``, ``stg_huggingface__models``): a
Hugging Face model card stands for the API record the replay hub serves for it (``hubsim``'s
``card_record``: front matter as ``cardData``) plus the card the crawler fetches beside it (its
markdown body, as staging cuts it, is the ``description``).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from hubsim.recorded import card_record, card_repo_id
from tests.eval.real_sample import CIVITAI_FILE, HF_FILE, REAL_DIR, read_jsonl_gz

LABELS = Path(__file__).with_name("real_labels.csv")
_FRONT_MATTER = re.compile(r"^\s*---.*?\n---[^\n]*\n?", re.S)
"""What ``stg_huggingface__models`` cuts off a card before it becomes the description."""


def civitai_signals(item: dict[str, Any]) -> dict[str, Any]:
    versions = item.get("modelVersions") or []
    words = list(dict.fromkeys(w for v in versions for w in (v.get("trainedWords") or []) if w))
    return {
        "hub": "civitai",
        "model_id": str(item["id"]),
        "name": item.get("name"),
        "type": item.get("type"),
        "tags": item.get("tags") or [],
        "description": item.get("description"),
        "trained_words": words,
        "poi": item.get("poi"),
        "nsfw": item.get("nsfw"),
        "nsfw_level": item.get("nsfwLevel"),
        "base_model": versions[0].get("baseModel") if versions else None,
        "creator": (item.get("creator") or {}).get("username"),
    }


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if v is not None]
    return [str(value)] if value else []


def hf_signals(card: dict[str, Any]) -> dict[str, Any]:
    """A card of the dump as staging reads it once crawled: the served record, and the card text."""
    repo_id = card_repo_id(card["file"])
    record = card_record(repo_id, card["card"])
    data = record["cardData"]
    tags = list(dict.fromkeys([*record["tags"], *_as_list(data.get("tags"))]))
    adapter = "lora" in tags or any(tag.startswith("base_model:adapter:") for tag in tags)
    return {
        "hub": "huggingface",
        "model_id": repo_id,
        "name": repo_id.split("/", 1)[1],
        "type": "LORA" if adapter else ("TextualInversion" if "textual_inversion" in tags else "Checkpoint"),
        "tags": tags,
        "description": _FRONT_MATTER.sub("", card["card"], count=1)[:20000],
        "trained_words": _as_list(data.get("instance_prompt")),
        "poi": None,
        "nsfw": "not-for-all-audiences" in tags,
        "nsfw_level": None,
        "base_model": (_as_list(data.get("base_model")) or [None])[0],
        "creator": record["author"],
    }


def real_signals(real_dir: Path = REAL_DIR) -> dict[tuple[str, str], dict[str, Any]]:
    """Every real record by (hub, model_id), in the classifier's input schema."""
    out = {("civitai", str(i["id"])): civitai_signals(i) for i in read_jsonl_gz(real_dir / CIVITAI_FILE)}
    for card in read_jsonl_gz(real_dir / HF_FILE):
        signals = hf_signals(card)
        out.setdefault(("huggingface", signals["model_id"]), signals)
    return out


def read_labels(path: Path = LABELS) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def labelled_records(labels: list[dict[str, str]], real_dir: Path = REAL_DIR) -> list[dict[str, Any]]:
    """Labels joined to their records, in the format ``likeness_watch.classify.evaluate`` scores."""
    signals = real_signals(real_dir)
    records = []
    for row in labels:
        truth = row["is_likeness"] == "1"
        expected: dict[str, Any] = {"is_likeness": truth, "nsfw_intent": None}
        if truth:
            expected["target_gender"] = row.get("gender") or "unknown"
            expected["target_country"] = row.get("country") or "unknown"
        records.append(
            {
                "id": f"{row['hub']}:{row['model_id']}",
                "case": row.get("stratum") or row["hub"],
                "signals": signals[(row["hub"], row["model_id"])],
                "expected": expected,
                "target_name": row.get("target_name"),
            }
        )
    return records
