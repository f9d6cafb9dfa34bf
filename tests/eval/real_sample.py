"""The stratified sample of ``../shared/real/`` records labelled by hand in ``real_labels.csv``.

Run it to (re)draw the sample and write compact, labeller-friendly views of each record:
``python tests/eval/real_sample.py OUT_DIR [--chunks 6]``. The draw is seeded, so it is the same
sample every time; ``real_labels.csv`` names its records by ``hub`` and ``model_id``.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import random
import re
from collections import defaultdict
from pathlib import Path

from hubsim.recorded import card_repo_id

REAL_DIR = Path(__file__).resolve().parents[3] / "shared" / "real"
CIVITAI_FILE = "civitai_models_2023.jsonl.gz"
HF_FILE = "hf_model_cards_2023_2024.jsonl.gz"
SEED = 20261206

# Civitai strata: (type, poi) -> how many; nsfw is mixed in at >= 30 % where the stratum has it.
CIVITAI_PLAN = {
    ("TextualInversion", True): 125,
    ("LORA", True): 75,
    ("Checkpoint", True): 20,
    ("Hypernetwork", True): 6,
    ("Poses", True): 4,
    ("LORA", False): 240,
    ("Checkpoint", False): 100,
    ("TextualInversion", False): 60,
    ("Hypernetwork", False): 12,
    ("Poses", False): 8,
    ("AestheticGradient", False): 6,
    ("Controlnet", False): 4,
}
HF_RANDOM = 180
HF_PERSON_HINT = 150
_PERSON_HINT = re.compile(
    r"\b(woman|man|girl|boy|person|face|portrait|actress|actor|celebrity|sks|ohwx|photo of)\b", re.I
)


def read_jsonl_gz(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def civitai_sample(items: list[dict], rng: random.Random) -> list[tuple[str, dict]]:
    strata: dict[tuple, list[dict]] = defaultdict(list)
    for item in items:
        strata[(item["type"], bool(item["poi"]))].append(item)
    chosen: list[tuple[str, dict]] = []
    for (kind, poi), count in CIVITAI_PLAN.items():
        pool = sorted(strata[(kind, poi)], key=lambda i: i["id"])
        nsfw = [i for i in pool if i["nsfw"]]
        sfw = [i for i in pool if not i["nsfw"]]
        n_nsfw = min(len(nsfw), max(round(count * 0.3), round(count * len(nsfw) / max(len(pool), 1))))
        picked = rng.sample(nsfw, n_nsfw) + rng.sample(sfw, min(len(sfw), count - n_nsfw))
        label = f"civitai:{kind}:poi={str(poi).lower()}"
        chosen += [(label, item) for item in picked]
    return chosen


def hf_sample(cards: list[dict], rng: random.Random) -> list[tuple[str, dict]]:
    by_id: dict[str, dict] = {}
    for card in cards:
        by_id.setdefault(card_repo_id(card["file"]), card)
    ids = sorted(by_id)
    random_ids = rng.sample(ids, HF_RANDOM)
    rest = [i for i in ids if i not in set(random_ids) and _PERSON_HINT.search(by_id[i]["card"])]
    hint_ids = rng.sample(rest, min(HF_PERSON_HINT, len(rest)))
    return [("huggingface:random", by_id[i]) for i in random_ids] + [
        ("huggingface:person_hint", by_id[i]) for i in hint_ids
    ]


def _text(value: str | None, limit: int) -> str:
    plain = html.unescape(re.sub(r"<[^>]+>", " ", value or ""))
    plain = re.sub(r"\s+", " ", plain).strip()
    return plain[:limit]


def civitai_view(item: dict) -> dict:
    versions = item.get("modelVersions") or []
    words = list(dict.fromkeys(w for v in versions for w in (v.get("trainedWords") or [])))
    return {
        "hub": "civitai",
        "model_id": str(item["id"]),
        "name": item.get("name"),
        "type": item.get("type"),
        "poi": item.get("poi"),
        "nsfw": item.get("nsfw"),
        "creator": (item.get("creator") or {}).get("username"),
        "tags": item.get("tags"),
        "trained_words": [w[:200] for w in words[:12]],
        "versions": [v.get("name") for v in versions[:6]],
        "base_model": versions[0].get("baseModel") if versions else None,
        "description": _text(item.get("description"), 900),
    }


def hf_view(card: dict) -> dict:
    return {"hub": "huggingface", "model_id": card_repo_id(card["file"]), "card": card["card"][:3000]}


def draw(real_dir: Path = REAL_DIR) -> list[dict]:
    """Every sampled record as a compact view, with its stratum (Civitai first, then Hugging Face)."""
    rng = random.Random(SEED)
    civitai = civitai_sample(read_jsonl_gz(real_dir / CIVITAI_FILE), rng)
    hf = hf_sample(read_jsonl_gz(real_dir / HF_FILE), rng)
    views = [{"stratum": s, **civitai_view(i)} for s, i in civitai]
    return views + [{"stratum": s, **hf_view(c)} for s, c in hf]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--chunks", type=int, default=6)
    args = parser.parse_args()
    views = draw()
    rng = random.Random(SEED)
    rng.shuffle(views)
    args.out.mkdir(parents=True, exist_ok=True)
    for index in range(args.chunks):
        chunk = views[index :: args.chunks]
        with open(args.out / f"chunk_{index}.jsonl", "w", encoding="utf-8") as handle:
            for view in chunk:
                handle.write(json.dumps(view, ensure_ascii=False) + "\n")
    print(f"{len(views)} records in {args.chunks} chunks under {args.out}")


if __name__ == "__main__":
    main()
