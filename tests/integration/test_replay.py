"""`simulate --replay`: the real records of ../shared/real/ served in the hubs' API shapes, crawled, gated.

The expectations are computed here from the dump lines themselves, not from the replay's index.
"""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest
import requests

from hubsim import Replay, SimServer, sim_base_url
from hubsim.recorded import card_repo_id
from likeness_watch.crawl import crawl_day
from likeness_watch.crawl.plan import BACKLOG_WINDOW
from likeness_watch.quality import validate_raw
from likeness_watch.raw import iter_envelopes
from likeness_watch.settings import Settings
from likeness_watch.store import open_store
from tests.integration.sweeps import civitai_sweep, hf_sweep

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "real"
CIVITAI_DUMP = "civitai_models_2023.jsonl.gz"
CARDS = "hf_model_cards_2023_2024.jsonl.gz"
BY_ID = "civitai_model_by_id_1580878_lora_2025.json"
EVERYTHING = {"limit": 100, "sort": "Newest", "nsfw": "true"}
CRAWLED = 2_000


@pytest.fixture(scope="module")
def real() -> Path:
    if not REAL.is_dir():
        pytest.skip("../shared/real/ is absent: real-record tests need it")
    return REAL


def created_day(record: dict) -> str | None:
    """UTC day of the earliest version (the 2023 dump has createdAt with a Z on every version)."""
    times = [v.get("publishedAt") or v["createdAt"] for v in record["modelVersions"]]
    return min(times)[:10] if times else None


@pytest.fixture(scope="module")
def dump(real) -> dict[int, tuple[bytes, dict]]:
    """Civitai id -> (dump line, facts: poi, nsfw, type, day created)."""
    out = {}
    with gzip.open(real / CIVITAI_DUMP) as fh:
        for line in fh:
            record = json.loads(line)
            facts = {"poi": record["poi"], "nsfw": record["nsfw"], "type": record["type"]}
            out[record["id"]] = (line, {**facts, "day": created_day(record)})
    return out


@pytest.fixture(scope="module")
def cards(real) -> dict[str, str]:
    """Repo id -> card text (a later card of the same repo replaces an earlier one)."""
    with gzip.open(real / CARDS, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return {card_repo_id(row["file"]): row["card"] for row in rows}


@pytest.fixture(scope="module")
def server(real):
    """The real folder itself, replayed as a user would point --replay at it."""
    with SimServer(Replay.from_directory(real)) as running:
        yield running


def civ(server, path: str, day: date | None = None) -> str:
    return f"{server.url}{f'/at/{day}' if day else ''}/civitai/api/v1{path}"


def hf(server, path: str, day: date | None = None) -> str:
    return f"{server.url}{f'/at/{day}' if day else ''}/huggingface{path}"


# --- Civitai ------------------------------------------------------------------------------------------
def test_civitai_cursor_paging_lists_every_unflagged_model_exactly_once(server, dump):
    items = civitai_sweep(civ(server, "/models"), EVERYTHING)
    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids))
    assert ids == sorted(ids, reverse=True), "Newest: id descending"
    assert set(ids) == {i for i, (_, facts) in dump.items() if not facts["poi"]} | {1580878}
    first = next(i for i in items if i["id"] in dump)
    assert first == json.loads(dump[first["id"]][0]), "records are served exactly as recorded"


def test_civitai_poi_models_are_never_listed_but_served_by_id(server, dump):
    poi = [i for i, (_, facts) in dump.items() if facts["poi"]]
    assert len(poi) > 2000
    for model_id in poi[:: len(poi) // 20]:
        response = requests.get(civ(server, f"/models/{model_id}"))
        assert response.status_code == 200 and response.json() == json.loads(dump[model_id][0])
    batch = requests.get(civ(server, "/models"), params={"ids": ",".join(map(str, poi[:50])), "nsfw": "true"})
    assert batch.json()["items"] == []
    missing = next(i for i in range(2, 10**6) if i not in dump)
    assert requests.get(civ(server, f"/models/{missing}")).json() == {"error": f"No model with id {missing}"}
    assert requests.get(civ(server, f"/models/{missing}")).status_code == 404
    assert requests.get(civ(server, "/models/abc")).status_code == 400


def test_civitai_filters(server, dump):
    listed = [i for i, (_, facts) in dump.items() if not facts["poi"]][:30]
    batch = requests.get(civ(server, "/models"), params={"ids": ",".join(map(str, listed)), "nsfw": "true"})
    assert sorted(i["id"] for i in batch.json()["items"]) == sorted(listed)
    safe = requests.get(civ(server, "/models"), params={"limit": 100}).json()["items"]
    assert safe and not any(i["nsfw"] for i in safe)
    params = {**EVERYTHING, "types": "TextualInversion"}
    embeddings = requests.get(civ(server, "/models"), params=params).json()["items"]
    assert embeddings and all(i["type"] == "TextualInversion" for i in embeddings)
    assert requests.get(civ(server, "/models"), params={"limit": 101}).status_code == 400
    assert requests.get(civ(server, "/models"), params={"cursor": "forged"}).status_code == 400


def test_civitai_time_travel_hides_models_created_after_the_day(server, dump):
    day = date(2023, 1, 15)
    items = civitai_sweep(civ(server, "/models", day), EVERYTHING)
    expected = {
        i for i, (_, f) in dump.items() if not f["poi"] and (f["day"] is None or f["day"] <= day.isoformat())
    }
    assert {i["id"] for i in items} == expected and 0 < len(expected) < len(dump) / 2
    later = next(i for i, (_, f) in dump.items() if f["day"] and f["day"] > day.isoformat())
    assert requests.get(civ(server, f"/models/{later}", day)).status_code == 404
    assert requests.get(civ(server, f"/models/{later}")).status_code == 200
    assert requests.get(civ(server, "/models/1580878", date(2025, 5, 17))).status_code == 404
    assert requests.get(civ(server, "/models/1580878", date(2025, 5, 18))).status_code == 200


# --- Hugging Face ---------------------------------------------------------------------------------------
def test_huggingface_link_paging_covers_every_carded_repo(server, cards):
    day = date(2024, 6, 1)
    params = {"limit": 500, "sort": "createdAt", "direction": -1, "full": "true"}
    items, responses = hf_sweep(hf(server, "/api/models", day), params)
    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids)) and set(ids) == set(cards)
    assert len(responses) > 1 and "next" not in responses[-1].links
    assert all(r.links["next"]["url"].startswith(hf(server, "/api/models?", day)) for r in responses[:-1])
    assert all(r.headers["RateLimit"].startswith('"api";r=') for r in responses)
    lora = requests.get(hf(server, "/api/models"), params={"filter": "lora", "limit": 1000}).json()
    assert lora and all("lora" in i["tags"] for i in lora)
    assert len(lora) == sum("lora" in i["tags"] for i in items)
    both = requests.get(hf(server, "/api/models"), params=[("filter", "lora"), ("filter", "text-to-image")])
    assert 0 < len(both.json()) <= len(lora)
    assert requests.get(hf(server, "/api/models", date(2022, 3, 1))).json() == [], "cards are 2022-03-02"


def test_huggingface_detail_and_readme(server, cards):
    repo = next(r for r, card in cards.items() if "instance_prompt" in card)
    detail = requests.get(hf(server, f"/api/models/{repo}"), params={"blobs": "true"})
    assert detail.status_code == 200 and detail.json()["id"] == repo and detail.json()["cardData"]
    readme = requests.get(hf(server, f"/{repo}/raw/main/README.md"))
    assert readme.status_code == 200 and readme.headers["Content-Type"].startswith("text/plain")
    assert readme.text == cards[repo]
    assert requests.get(hf(server, "/api/models/nobody/nothing")).status_code == 404
    assert requests.get(hf(server, "/nobody/nothing/raw/main/README.md")).status_code == 404
    assert requests.get(hf(server, f"/{repo}/resolve/main/README.md")).status_code == 403
    assert requests.get(f"{server.url}/_sim/health").json() == {"ok": True}
    assert requests.get(f"{server.url}/_sim/truth").status_code == 404


# --- input formats and faults ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mixed(real, dump, tmp_path_factory) -> Path:
    """A few real records in every input format, in nested folders."""
    folder = tmp_path_factory.mktemp("mixed")
    lines = [line for _, (line, _) in sorted(dump.items())[:300]]
    (folder / "list.json").write_text("[\n" + ",\n".join(x.decode() for x in lines[:100]) + "\n]\n")
    (folder / "plain").mkdir()
    (folder / "plain" / "part.jsonl").write_bytes(b"".join(lines[100:200]))
    with gzip.open(folder / "plain" / "part.jsonl.gz", "wb") as fh:
        fh.write(b"".join(lines[200:300]))
    with gzip.open(folder / "detail.json.gz", "wb") as fh:
        fh.write((real / BY_ID).read_bytes())
    with gzip.open(real / CARDS) as src, gzip.open(folder / "cards.jsonl.gz", "wb") as dst:
        dst.writelines(line for _, line in zip(range(40), src, strict=False))
    return folder


def test_every_input_format_is_served(mixed, dump):
    replay = Replay.from_directory(mixed)
    expected = sorted(dump)[:300]
    with SimServer(replay) as running:
        served = civitai_sweep(civ(running, "/models"), EVERYTHING)
        assert {i["id"] for i in served} == {i for i in expected if not dump[i][1]["poi"]} | {1580878}
        repos = requests.get(hf(running, "/api/models"), params={"limit": 1000}).json()
        assert 0 < len(repos) <= 40


def test_a_fault_profile_applies_to_replayed_data(mixed):
    faults = "civitai:429=0.3,civitai:5xx=0.3,civitai:skip-one=0.5,huggingface:drift"
    with SimServer(Replay.from_directory(mixed), faults=faults) as running:
        statuses = {requests.get(civ(running, "/models"), params=EVERYTHING).status_code for _ in range(30)}
        assert {200, 429} <= statuses and statuses & {500, 502, 503, 524}
        drifted = requests.get(hf(running, "/api/models"), params={"limit": 5}).json()
        assert all("created_at" in i and "createdAt" not in i for i in drifted)
        log = requests.get(f"{running.url}/_sim/requests").json()
        fired = {name for entry in log for name in entry["faults"]}
        assert {"429", "5xx", "skip-one", "drift"} <= fired
        running.set_faults("")
        clean = requests.get(hf(running, "/api/models"), params={"limit": 5}).json()
        assert all("createdAt" in i for i in clean), "faults alter copies, never the recording"


# --- crawl ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def crawl_slice(dump, tmp_path_factory) -> tuple[Path, list[int], date]:
    """2,000 consecutive real Civitai models (a dense id range whose ends are listed, so the gap
    probe covers every hidden one), as a gzipped JSON Lines recording; and the crawl day."""
    ids = sorted(dump)
    start = next(
        s
        for s in range(870, len(ids))
        if not dump[ids[s]][1]["poi"] and not dump[ids[s + CRAWLED - 1]][1]["poi"]
    )
    chosen = ids[start : start + CRAWLED]
    folder = tmp_path_factory.mktemp("slice")
    with gzip.open(folder / "civitai.jsonl.gz", "wb") as fh:
        fh.writelines(dump[i][0] for i in chosen)
    last_day = max(dump[i][1]["day"] or "" for i in chosen)
    return folder, chosen, date.fromisoformat(last_day)


def test_crawl_of_replayed_real_civitai_commits_every_model(crawl_slice, dump, tmp_path):
    folder, chosen, day = crawl_slice
    lake = tmp_path / "lake"
    settings = Settings(store=str(lake), gap_probe_budget=100_000)
    with SimServer(Replay.from_directory(folder)) as running:
        manifest = crawl_day(
            "civitai",
            day,
            settings,
            open_store(str(lake)),
            base_url=sim_base_url(running.url, "civitai"),
            rps=500.0,
            max_retries=2,
            timeout_s=10.0,
        )
    assert manifest.status == "landed" and manifest.mode == "sweep"  # the raw gate commits it
    rows = {
        e["model_id"]: e
        for e in iter_envelopes(open_store(str(lake)), [f.key for f in manifest.files])
        if e["http_status"] == 200
    }
    assert set(rows) == {str(i) for i in chosen}
    poi = [i for i in chosen if dump[i][1]["poi"]]
    assert len(poi) > 100 and {rows[str(i)]["via"] for i in poi} == {"gap_probe"}
    assert {rows[str(i)]["via"] for i in chosen if i not in poi} == {"sweep"}
    for model_id in chosen[::97]:
        assert rows[str(model_id)]["record"] == json.loads(dump[model_id][0]), "stored as received"
    assert manifest.record_count == CRAWLED
    assert validate_raw(settings, open_store(str(lake)), "civitai", day).success, (
        "2023 shapes pass the raw gate"
    )


def test_a_sparse_id_range_costs_one_window_of_probes_not_the_day(dump, tmp_path):
    """Three real models 20,000+ ids apart: the first crawl probes one fruitless window of the
    older ids, records that it paused, and commits; it does not spend the day's budget (40,000+
    probes, the whole afternoon at Civitai's real rate) on ids that hold nothing."""
    ids = sorted(i for i in dump if not dump[i][1]["poi"])
    chosen = [ids[0]]
    for model_id in ids:
        if model_id > chosen[-1] + 20_000 and len(chosen) < 3:
            chosen.append(model_id)
    folder = tmp_path / "sparse"
    folder.mkdir()
    with gzip.open(folder / "civitai.jsonl.gz", "wb") as fh:
        fh.writelines(dump[i][0] for i in chosen)
    day = date.fromisoformat(max(dump[i][1]["day"] for i in chosen))
    lake = tmp_path / "lake"
    with SimServer(Replay.from_directory(folder)) as running:
        manifest = crawl_day(
            "civitai",
            day,
            Settings(store=str(lake)),
            open_store(str(lake)),
            base_url=sim_base_url(running.url, "civitai"),
            rps=500.0,
            max_retries=2,
            timeout_s=10.0,
        )
    assert manifest.record_count == len(chosen) == 3
    assert manifest.phases["gap_probe"]["probes"] == BACKLOG_WINDOW
    assert manifest.anomalies["backlog_probing_paused"] == 1
    assert manifest.anomalies["gaps_unprobed"] > 20_000, "what was left is counted, for the next days"


def test_crawl_of_replayed_real_cards_stores_each_card(mixed, tmp_path):
    with gzip.open(mixed / "cards.jsonl.gz") as fh:
        cards = {card_repo_id(row["file"]): row["card"] for row in map(json.loads, fh)}
    lake = tmp_path / "lake"
    settings = Settings(store=str(lake))
    with SimServer(Replay.from_directory(mixed)) as running:
        listed = requests.get(hf(running, "/api/models"), params={"pipeline_tag": "text-to-image"}).json()
        manifest = crawl_day(
            "huggingface",
            date(2023, 7, 4),
            settings,
            open_store(str(lake)),
            base_url=sim_base_url(running.url, "huggingface"),
            rps=500.0,
        )
    rows = list(iter_envelopes(open_store(str(lake)), [f.key for f in manifest.files]))
    assert manifest.status == "landed" and listed
    assert {e["model_id"] for e in rows} == {i["id"] for i in listed}
    assert all(e["http_status"] == 200 and e["card"]["text"] == cards[e["model_id"]] for e in rows)
    assert validate_raw(settings, open_store(str(lake)), "huggingface", date(2023, 7, 4)).success
