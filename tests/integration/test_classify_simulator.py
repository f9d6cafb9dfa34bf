"""The likeness classifier on the hub simulator's world, scored against the world's ground truth.

Every model is fetched over HTTP (127.0.0.1) as the crawler would, on the day it was created, and
turned into classifier signals the way the dbt staging models do (stg_civitai__models,
stg_huggingface__models). The world is synthetic and was not used to write the classifier's rules:
this is the independent check of the goals met on tests/eval (precision ≥ 0.95, recall ≥ 0.90).
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from likeness_watch.classify import classify
from likeness_watch.classify.evaluate import Ratio

simulator = pytest.importorskip("hubsim")

SCALE, SEED = 0.2, 2026


def civitai_signals(record: dict[str, Any]) -> dict[str, Any]:
    """As stg_civitai__models: trained words of all versions, base model of the newest version."""
    versions = record.get("modelVersions") or []
    trained = [word for v in versions for word in (v.get("trainedWords") or []) if word and word.strip()]
    return {
        "hub": "civitai",
        "name": record.get("name"),
        "type": record.get("type"),
        "tags": record.get("tags") or [],
        "description": record.get("description"),
        "trained_words": list(dict.fromkeys(trained)),
        "poi": record.get("poi"),
        "nsfw": record.get("nsfw"),
        "nsfw_level": record.get("nsfwLevel"),
        "base_model": versions[0].get("baseModel") if versions else None,
        "creator": (record.get("creator") or {}).get("username"),
    }


def huggingface_signals(record: dict[str, Any]) -> dict[str, Any]:
    """As stg_huggingface__models: repo name only, tags ∪ card tags, instance_prompt as trigger."""
    card = record.get("cardData") or {}
    tags = list(dict.fromkeys((record.get("tags") or []) + (card.get("tags") or [])))
    prompts = card.get("instance_prompt")
    prompts = prompts if isinstance(prompts, list) else [prompts]
    adapter = "lora" in tags or any(tag.startswith("base_model:adapter:") for tag in tags)
    base = card.get("base_model")
    return {
        "hub": "huggingface",
        "name": record["id"].split("/", 1)[1],
        "type": "LORA" if adapter else "TextualInversion" if "textual_inversion" in tags else "Other",
        "tags": tags,
        "description": None,
        "trained_words": [prompt for prompt in prompts if prompt and prompt.strip()],
        "poi": None,
        "nsfw": "not-for-all-audiences" in tags,
        "nsfw_level": None,
        "base_model": base[0] if isinstance(base, list) else base,
        "creator": record.get("author"),
    }


@pytest.fixture(scope="module")
def scored() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(truth row, decision) for every model the simulator serves on its creation day."""
    world = simulator.build_world(simulator.SimConfig(seed=SEED, scale=SCALE))
    pairs = []
    with simulator.SimServer(world) as server, requests.Session() as session:
        for truth in world.truth()["models"]:
            day = truth["created_at"][:10]
            if truth["hub"] == "civitai":
                url = f"{server.url}/at/{day}/civitai/api/v1/models/{truth['model_id']}"
            else:
                url = f"{server.url}/at/{day}/huggingface/api/models/{truth['model_id']}"
            response = session.get(url, timeout=10)
            if response.status_code in (401, 403):  # gated Hugging Face repos: no metadata to judge
                continue
            response.raise_for_status()
            record = response.json()
            signals = civitai_signals(record) if truth["hub"] == "civitai" else huggingface_signals(record)
            pairs.append((truth, classify(signals)))
    return pairs


def test_precision_and_recall_on_the_simulated_world(scored) -> None:
    precision, recall = Ratio(), Ratio()
    for truth, decision in scored:
        if decision["is_likeness"]:
            precision.count(truth["is_likeness"])
        if truth["is_likeness"]:
            recall.count(decision["is_likeness"])
    assert recall.total >= 100 and precision.total >= 100
    assert precision.value >= 0.95, precision
    assert recall.value >= 0.90, recall


def test_recall_holds_on_each_hub(scored) -> None:
    for hub in ("civitai", "huggingface"):
        recall = Ratio()
        for truth, decision in scored:
            if truth["hub"] == hub and truth["is_likeness"]:
                recall.count(decision["is_likeness"])
        assert recall.value >= 0.85, (hub, recall)


def test_target_gender_and_country_on_found_likeness_models(scored) -> None:
    gender, country = Ratio(), Ratio()
    for truth, decision in scored:
        if truth["is_likeness"] and decision["is_likeness"]:
            if decision["target_gender"] != "unknown":
                gender.count(decision["target_gender"] == truth["target_gender"])
            if decision["target_country"] != "unknown":
                country.count(decision["target_country"] == truth["target_country"])
    assert gender.value >= 0.95, gender
    assert country.value >= 0.90, country
