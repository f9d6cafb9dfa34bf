"""The labelled real records, crawled from the replay hub and built, get the same decisions in
``dim_model`` as the real-record evaluation measures (tests/eval/real_records.py mirrors staging).

Hugging Face cards go through the production path the evaluation stands for: listing, detail
record, model card fetched beside it, raw gate, staging (card markdown as description), classifier.
"""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from hubsim import Replay, SimServer, sim_base_url
from hubsim.recorded import card_repo_id
from likeness_watch.classify import classify
from likeness_watch.crawl import crawl_day
from likeness_watch.quality import validate_raw
from likeness_watch.settings import Settings
from likeness_watch.store import open_store
from likeness_watch.warehouse import build_warehouse
from tests.eval.real_records import hf_signals, read_labels
from tests.eval.real_sample import HF_FILE, REAL_DIR, read_jsonl_gz

DAY = date(2023, 7, 4)

pytestmark = pytest.mark.skipif(
    not (REAL_DIR / HF_FILE).exists(),
    reason=f"{REAL_DIR} is absent: the real-record path test needs ../shared/real/ beside the project",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    """The labelled Hugging Face cards replayed, crawled, gated and built; their cards by repo."""
    labelled = {row["model_id"] for row in read_labels() if row["hub"] == "huggingface"}
    cards = {}
    for card in read_jsonl_gz(REAL_DIR / HF_FILE):
        repo = card_repo_id(card["file"])
        if repo in labelled:
            cards.setdefault(repo, card)
    root = tmp_path_factory.mktemp("real-path")
    with gzip.open(root / "cards.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(card) + "\n" for card in cards.values())
    settings = Settings(store=str(root / "lake"), warehouse=root / "warehouse.duckdb")
    store = open_store(settings.store)
    with SimServer(Replay.from_directory(root)) as running:
        manifest = crawl_day(
            "huggingface", DAY, settings, store, base_url=sim_base_url(running.url, "huggingface"), rps=500.0
        )
    assert manifest.status == "landed"  # the raw gate below commits it
    assert validate_raw(settings, store, "huggingface", DAY).success
    build_warehouse(settings)
    return settings.warehouse, cards


def test_every_labelled_card_reaches_dim_model_with_the_decision_the_evaluation_measures(built):
    warehouse, cards = built
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select model_id, is_likeness, likeness_reasons from dim_model where hub = 'huggingface'"
        ).fetchall()
    finally:
        con.close()
    decided = {model_id: (is_likeness, reasons) for model_id, is_likeness, reasons in rows}
    labels = {
        row["model_id"]: row["is_likeness"] == "1" for row in read_labels() if row["hub"] == "huggingface"
    }
    missed = {repo for repo in cards if repo not in decided}
    assert len(decided) >= 250
    assert not [repo for repo in missed if labels[repo]], "every labelled likeness repo is crawled"
    assert all(classify(hf_signals(cards[repo]))["is_likeness"] is False for repo in missed), (
        "repos outside the text-to-image listing (LLMs, ControlNets) are no likeness models either"
    )
    differ = [
        repo for repo in decided if decided[repo][0] != classify(hf_signals(cards[repo]))["is_likeness"]
    ]
    assert not differ, differ[:10]
    assert any(any(r.startswith("card:") for r in reasons) for _, reasons in decided.values()), (
        "card evidence reaches the warehouse"
    )
