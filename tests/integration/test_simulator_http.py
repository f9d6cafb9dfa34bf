"""The hub simulator over HTTP: real API shapes, time travel, paging, faults, forbidden fetches.

Uses the session world and the per-test server of tests/conftest.py (seed 7, scale 0.5).
"""

from __future__ import annotations

import json
import time
from datetime import date, timedelta

import pytest
import requests
import yaml

from hubsim import BAN_DAY, FAULTS, SimServer
from hubsim.clock import date_of
from tests.integration.sweeps import civitai_sweep, hf_sweep

DAY = date(2025, 5, 20)
EVERYTHING = {"limit": 100, "sort": "Newest", "nsfw": "true"}


def civ(sim, path: str, day: date | None = DAY) -> str:
    prefix = f"/at/{day.isoformat()}" if day else ""
    return f"{sim.url}{prefix}/civitai/api/v1{path}"


def hf(sim, path: str, day: date | None = DAY) -> str:
    prefix = f"/at/{day.isoformat()}" if day else ""
    return f"{sim.url}{prefix}/huggingface{path}"


def first(models, predicate):
    return next(m for m in models if predicate(m))


# --- control endpoints -----------------------------------------------------------------------------
def test_control_endpoints(sim):
    assert requests.get(f"{sim.url}/_sim/health").json() == {"ok": True}
    truth = requests.get(f"{sim.url}/_sim/truth", params={"models": 0}).json()
    assert truth["ban_day"] == "2025-05-23" and "models" not in truth
    assert truth["aggregates"]["share_women"] > 0.9
    requests.get(civ(sim, "/models/1"))
    logged = requests.get(f"{sim.url}/_sim/requests").json()
    assert logged == sim.requests_log and logged[-1]["status"] == 404
    assert set(logged[-1]) >= {"method", "path", "query", "status", "hub", "forbidden"}
    assert requests.post(f"{sim.url}/_sim/faults", json={"faults": "teapot"}).status_code == 400
    assert (
        requests.post(f"{sim.url}/_sim/faults", json={"faults": "civitai:429"}).json()["faults"]
        == "civitai:429"
    )
    assert requests.get(civ(sim, "/models"), params=EVERYTHING).status_code == 429
    assert requests.get(hf(sim, "/api/models")).status_code == 200


def test_bad_date_prefix_and_unknown_paths(sim):
    assert requests.get(f"{sim.url}/at/2025-13-40/civitai/api/v1/models").status_code == 400
    assert requests.get(f"{sim.url}/nothing/here").json() == {"error": "Not found"}


# --- Civitai -------------------------------------------------------------------------------------------
def test_civitai_cursor_paging_lists_every_listable_model_exactly_once(sim, sim_world):
    items = civitai_sweep(civ(sim, "/models"), EVERYTHING)
    ids = [i["id"] for i in items]
    t = sim_world.asof(DAY)
    listable = {m.key for m in sim_world.civitai if m.live(t) and not m.poi and not m.minor}
    assert len(ids) == len(set(ids)) and set(ids) == listable
    assert ids == sorted(ids, reverse=True)
    assert not any(i["poi"] for i in items)


def test_civitai_next_page_is_absolute_keeps_prefix_and_cursor_is_opaque(sim):
    body = requests.get(civ(sim, "/models"), params=EVERYTHING).json()
    meta = body["metadata"]
    assert meta["nextPage"].startswith(civ(sim, "/models?"))
    assert f"cursor={meta['nextCursor']}" in meta["nextPage"]
    assert str(body["items"][-1]["id"]) not in meta["nextCursor"]
    later = requests.get(
        civ(sim, "/models", DAY + timedelta(days=3)), params={**EVERYTHING, "cursor": meta["nextCursor"]}
    )
    assert later.json()["items"][0]["id"] < body["items"][-1]["id"], "cursors stay valid on later days"


def test_civitai_list_hides_poi_but_detail_serves_it(sim, sim_world):
    t = sim_world.asof(DAY)
    poi = first(sim_world.civitai, lambda m: m.poi and m.live(t))
    listed = requests.get(civ(sim, "/models"), params={"ids": str(poi.key), "nsfw": "true"}).json()
    assert listed["items"] == []
    detail = requests.get(civ(sim, f"/models/{poi.key}")).json()
    assert detail["id"] == poi.key and detail["poi"] is True


def test_civitai_errors(sim, sim_world):
    gap = next(
        i
        for i in range(sim_world.civitai_ids[0], sim_world.civitai_ids[-1])
        if sim_world.civitai_position(i) is None
    )
    missing = requests.get(civ(sim, f"/models/{gap}"))
    assert missing.status_code == 404 and missing.json() == {"error": f"No model with id {gap}"}
    assert requests.get(civ(sim, "/models/abc")).status_code == 400
    too_deep = requests.get(civ(sim, "/models"), params={"limit": 100, "page": 11})
    assert too_deep.status_code == 429 and "cursors" in too_deep.json()["error"]
    assert requests.get(civ(sim, "/models"), params={"limit": 50, "page": 20}).status_code == 200
    assert requests.get(civ(sim, "/models"), params={"query": "a", "page": 2}).status_code == 400
    assert requests.get(civ(sim, "/models"), params={"limit": 101}).status_code == 400
    assert requests.get(civ(sim, "/models"), params={"sort": "Random"}).status_code == 400
    assert requests.get(civ(sim, "/models"), params={"cursor": "garbage"}).status_code == 400


def test_civitai_removed_models_404_or_taken_down(sim, sim_world):
    t = sim_world.asof(DAY)
    deleted = first(sim_world.civitai, lambda m: m.removal_kind == "deleted" and m.removed < t)
    assert requests.get(civ(sim, f"/models/{deleted.key}")).status_code == 404
    before = date_of(deleted.removed) - timedelta(days=1)
    if deleted.created < sim_world.asof(before):
        assert requests.get(civ(sim, f"/models/{deleted.key}", before)).status_code == 200
    taken = first(sim_world.civitai, lambda m: m.removal_kind == "taken_down" and m.removed < t)
    body = requests.get(civ(sim, f"/models/{taken.key}")).json()
    assert body["mode"] == "TakenDown"
    listed = requests.get(civ(sim, "/models"), params={"ids": str(taken.key), "nsfw": "true"}).json()
    assert listed["items"] == []


def test_civitai_record_shapes(sim, sim_world):
    t = sim_world.asof(DAY)
    model = first(sim_world.civitai, lambda m: m.live(t) and not m.poi and not m.minor and m.nsfw_level & 28)
    listed = requests.get(civ(sim, "/models"), params={"ids": str(model.key), "nsfw": "true"}).json()[
        "items"
    ][0]
    detail = requests.get(civ(sim, f"/models/{model.key}")).json()
    for key in (
        "id",
        "name",
        "description",
        "type",
        "poi",
        "nsfw",
        "nsfwLevel",
        "allowCommercialUse",
        "stats",
        "creator",
        "tags",
        "modelVersions",
    ):
        assert key in listed
    assert set(listed["stats"]) >= {"downloadCount", "thumbsUpCount", "ratingCount", "rating"}
    version = listed["modelVersions"][0]
    assert "createdAt" not in version and "status" not in version
    assert {"createdAt", "status"} <= set(detail["modelVersions"][0])
    sha = version["files"][0]["hashes"].get("SHA256")
    if sha:
        assert sha == sha.upper() and version["files"][0]["hashes"]["AutoV2"] == sha[:10]
    assert version["downloadUrl"].startswith(sim.url) and version["images"][0]["url"].startswith(sim.url)
    assert requests.get(civ(sim, "/models"), params={"ids": str(model.key)}).json()["items"] == [], (
        "nsfw hidden"
    )


def test_civitai_schema_changes_with_creation_year(sim, sim_world):
    old = first(
        sim_world.civitai, lambda m: date_of(m.created).year == 2023 and m.removed is None and not m.poi
    )
    new = first(
        sim_world.civitai, lambda m: date_of(m.created).year == 2025 and m.removed is None and not m.poi
    )
    old_body = requests.get(civ(sim, f"/models/{old.key}", None)).json()
    new_body = requests.get(civ(sim, f"/models/{new.key}", None)).json()
    assert not {"minor", "sfwOnly", "availability", "supportsGeneration"} & set(old_body)
    assert {"minor", "sfwOnly", "availability", "supportsGeneration"} <= set(new_body)
    assert isinstance(old_body["allowCommercialUse"], str) and isinstance(
        new_body["allowCommercialUse"], list
    )


def test_civitai_time_travel(sim, sim_world):
    t = sim_world.asof(DAY)
    young = first(sim_world.civitai, lambda m: m.created >= t and m.removed is None and not m.poi)
    assert requests.get(civ(sim, f"/models/{young.key}")).status_code == 404
    today = requests.get(civ(sim, f"/models/{young.key}", None))
    assert today.content == requests.get(civ(sim, f"/models/{young.key}", sim_world.cfg.end)).content
    old = first(sim_world.civitai, lambda m: m.created < t - 86_400 * 30 and m.removed is None and not m.poi)
    counts = [
        requests.get(civ(sim, f"/models/{old.key}", day)).json()["stats"]["downloadCount"]
        for day in (DAY, DAY + timedelta(days=60), DAY + timedelta(days=400))
    ]
    assert counts == sorted(counts) and counts[-1] > counts[0]
    fresh = [m for m in sim_world.civitai if sim_world.asof(date_of(m.created)) - m.created < 3_600][:10]
    stats = [requests.get(civ(sim, f"/models/{m.key}", date_of(m.created))).json()["stats"] for m in fresh]
    assert fresh and any(None in s.values() for s in stats), "minutes-old models may lack counters"


def test_civitai_filters(sim, sim_world):
    t = sim_world.asof(DAY)
    loras = civitai_sweep(civ(sim, "/models"), {**EVERYTHING, "types": "LORA,DoRA"})
    assert loras and {i["type"] for i in loras} <= {"LORA", "DoRA"}
    model = first(sim_world.civitai, lambda m: m.live(t) and not m.poi and not m.minor)
    by_user = civitai_sweep(civ(sim, "/models"), {**EVERYTHING, "username": model.creator})
    assert model.key in {i["id"] for i in by_user} and {i["creator"]["username"] for i in by_user} == {
        model.creator
    }
    tagged = civitai_sweep(civ(sim, "/models"), {**EVERYTHING, "tag": "celebrity"})
    assert tagged and all("celebrity" in i["tags"] for i in tagged)
    top = requests.get(
        civ(sim, "/models"), params={"sort": "Most Downloaded", "nsfw": "true", "limit": 20}
    ).json()
    counts = [i["stats"]["downloadCount"] for i in top["items"]]
    assert counts == sorted(counts, reverse=True)
    second = requests.get(top["metadata"]["nextPage"]).json()["items"]
    assert second[0]["stats"]["downloadCount"] <= counts[-1]


def test_civitai_by_hash(sim, sim_world):
    t = sim_world.asof(DAY)
    model = first(
        sim_world.civitai, lambda m: m.live(t) and len(m.versions) > 1 and m.versions[1].created < t
    )
    version = model.versions[1]
    for digest in (version.sha256.upper(), version.sha256, version.sha256[:10].upper()):
        body = requests.get(civ(sim, f"/model-versions/by-hash/{digest}")).json()
        assert body["id"] == version.vid and body["modelId"] == model.key
    assert requests.get(civ(sim, f"/model-versions/by-hash/{'0' * 64}")).status_code == 404
    many = requests.post(civ(sim, "/model-versions/by-hash"), json=[version.sha256, "f" * 64]).json()
    assert [v["id"] for v in many] == [version.vid]
    assert requests.get(civ(sim, f"/model-versions/{version.vid}")).json()["modelId"] == model.key


# --- Hugging Face ---------------------------------------------------------------------------------------
def test_huggingface_link_paging_covers_every_live_repo(sim, sim_world):
    params = {"limit": 200, "sort": "createdAt", "direction": -1, "full": "true"}
    items, responses = hf_sweep(hf(sim, "/api/models"), params)
    ids = [i["id"] for i in items]
    t = sim_world.asof(DAY)
    assert len(ids) == len(set(ids)) and set(ids) == {m.key for m in sim_world.huggingface if m.live(t)}
    assert len(responses) > 1 and all(isinstance(r.json(), list) for r in responses)
    assert "next" not in responses[-1].links and all("next" in r.links for r in responses[:-1])
    assert responses[0].links["next"]["url"].startswith(hf(sim, "/api/models?"))
    for r in responses:
        assert r.headers["RateLimit"].startswith('"api";r=')
        assert r.headers["RateLimit-Policy"] == '"fixed window";"api";q=100000;w=300'
    created = [i["createdAt"] for i in items]
    assert created == sorted(created, reverse=True)
    assert {
        "_id",
        "id",
        "modelId",
        "author",
        "sha",
        "lastModified",
        "gated",
        "downloads",
        "downloadsAllTime",
        "likes",
        "trendingScore",
        "tags",
        "pipeline_tag",
        "cardData",
        "siblings",
    } <= set(items[0])


def test_huggingface_old_repos_report_the_migration_timestamp(sim):
    oldest = requests.get(
        hf(sim, "/api/models"), params={"sort": "createdAt", "direction": 1, "limit": 1}
    ).json()
    assert oldest[0]["createdAt"] == "2022-03-02T23:29:04.000Z"


def test_huggingface_filters_are_anded(sim):
    flux = "base_model:adapter:black-forest-labs/FLUX.1-dev"
    day = {"limit": 1000}
    lora = requests.get(hf(sim, "/api/models", None), params={**day, "filter": "lora"}).json()
    both = requests.get(
        hf(sim, "/api/models", None), params=[("filter", "lora"), ("filter", flux), ("limit", 1000)]
    ).json()
    assert both and len(both) < len(lora)
    assert all({"lora", flux} <= set(i["tags"]) for i in both)
    searched = requests.get(hf(sim, "/api/models", None), params={"search": "lora", "limit": 50}).json()
    assert searched and all("lora" in i["id"].lower() for i in searched)


def test_huggingface_blobs_carry_lower_case_sha256_of_civitai_reuploads(sim, sim_world):
    t = sim_world.asof(BAN_DAY + timedelta(days=45))
    copy = first(sim_world.huggingface, lambda m: m.reupload_of and m.same_file and m.live(t))
    source = sim_world.civitai[sim_world.civitai_position(copy.reupload_of[1])]
    detail = requests.get(hf(sim, f"/api/models/{copy.key}", date_of(t - 1)), params={"blobs": "true"})
    if detail.status_code in (401, 403):
        pytest.skip("this re-upload is gated")
    lfs = {s["lfs"]["sha256"] for s in detail.json()["siblings"] if s["rfilename"].endswith(".safetensors")}
    civitai_day = date_of(min(source.removed or t, t) - 86_400)
    files = requests.get(civ(sim, f"/models/{source.key}", civitai_day)).json()["modelVersions"]
    civitai_sha = {
        f["hashes"]["SHA256"]
        for v in files
        for f in v["files"]
        if "SHA256" in f["hashes"] and f["type"] == "Model"
    }
    assert lfs and all(s == s.lower() for s in lfs)
    assert {s.upper() for s in lfs} >= civitai_sha
    plain = requests.get(hf(sim, f"/api/models/{copy.key}", date_of(t - 1))).json()
    assert all("lfs" not in s for s in plain["siblings"])


def test_huggingface_detail_errors(sim, sim_world):
    gone = first(sim_world.huggingface, lambda m: m.removed is not None and m.removed < sim_world.end_ts)
    response = requests.get(hf(sim, f"/api/models/{gone.key}", None))
    assert response.status_code == 404 and response.json() == {"error": "Repository not found"}
    assert "RateLimit" in response.headers
    everything = requests.get(hf(sim, "/api/models", None), params={"full": "true", "limit": 1000}).json()
    gated = {i["id"]: i["gated"] for i in everything if i["gated"]}
    assert gated, "some repos are gated"
    for repo, kind in gated.items():
        status = requests.get(hf(sim, f"/api/models/{repo}", None)).status_code
        assert status == (403 if kind == "manual" else 401)
        if kind == "auto":
            authed = requests.get(hf(sim, f"/api/models/{repo}", None), headers={"Authorization": "Bearer x"})
            assert authed.status_code == 200


def test_huggingface_model_card_is_served_as_text(sim, sim_world):
    t = sim_world.asof(DAY)
    repo = first(sim_world.huggingface, lambda m: m.live(t) and m.trained_words)
    detail = requests.get(hf(sim, f"/api/models/{repo.key}"), headers={"Authorization": "Bearer x"}).json()
    card = requests.get(hf(sim, f"/{repo.key}/raw/main/README.md"))
    assert card.status_code == 200 and card.headers["Content-Type"].startswith("text/plain")
    assert card.headers["RateLimit"].startswith('"api";r=')
    _, front, markdown = card.text.split("---\n", 2)
    assert yaml.safe_load(front) == detail["cardData"]
    assert f"`{repo.trained_words[0]}`" in markdown and markdown.strip().startswith("# ")
    assert requests.get(hf(sim, f"/{repo.key}/raw/main/README.md")).text == card.text, "deterministic"
    gone = first(sim_world.huggingface, lambda m: m.removed is not None and m.removed < sim_world.end_ts)
    assert requests.get(hf(sim, f"/{gone.key}/raw/main/README.md", None)).status_code == 404
    assert requests.get(hf(sim, f"/{repo.key}/raw/main/model.safetensors")).status_code == 404
    assert requests.get(hf(sim, f"/{repo.key}/resolve/main/README.md")).status_code == 403


def test_huggingface_quota(sim_world):
    with SimServer(sim_world, hf_quota=3) as server:
        responses = [requests.get(hf(server, "/api/models"), params={"limit": 1}) for _ in range(8)]
    throttled = [r for r in responses if r.status_code == 429]
    assert throttled and responses[0].status_code == 200
    assert throttled[0].headers["RateLimit"].startswith('"api";r=0;t=')
    assert throttled[0].headers["RateLimit-Policy"] == '"fixed window";"api";q=3;w=300'


# --- determinism, forbidden fetches ----------------------------------------------------------------------
def test_same_request_same_bytes(sim, sim_world):
    urls = [civ(sim, "/models?limit=50&nsfw=true"), hf(sim, "/api/models?limit=50&full=true")]
    first_pass = [requests.get(u).content for u in urls]
    with SimServer(sim_world) as other:
        second_pass = [requests.get(u.replace(sim.url, other.url)).content for u in urls]
    assert [b.replace(other.url.encode(), sim.url.encode()) for b in second_pass] == first_pass


def test_weights_and_images_are_forbidden_and_logged(sim):
    item = requests.get(civ(sim, "/models"), params={"limit": 1, "nsfw": "true"}).json()["items"][0]
    version = item["modelVersions"][0]
    urls = [
        version["downloadUrl"],
        version["images"][0]["url"],
        f"{sim.url}/at/{DAY}/civitai/api/download/models/1",
        f"{sim.url}/huggingface/someone/repo/resolve/main/x.safetensors",
    ]
    assert [requests.get(u).status_code for u in urls] == [403] * 4
    forbidden = [r for r in sim.requests_log if r["forbidden"]]
    assert len(forbidden) == 4 and {r["hub"] for r in forbidden} == {"civitai", "huggingface"}


# --- faults ---------------------------------------------------------------------------------------------
def page_pair(sim, params=EVERYTHING):
    """First page clean, then the second page with the fault under test."""
    first_page = requests.get(civ(sim, "/models"), params=params).json()
    return first_page, first_page["metadata"]["nextCursor"]


@pytest.mark.parametrize("fault", [f for f in FAULTS if f != "slow"])  # slow: see its own test below
def test_each_civitai_fault_is_observable(sim, fault):
    clean, cursor = page_pair(sim)
    sim.set_faults(f"civitai:{fault}")
    response = requests.get(civ(sim, "/models"), params={**EVERYTHING, "cursor": cursor})
    assert sim.requests_log[-1]["faults"] == [fault]
    if fault == "429":
        assert response.status_code == 429 and response.headers["Retry-After"] == "1"
        return
    if fault == "5xx":
        assert response.status_code in (500, 502, 503, 524)
        return
    assert response.status_code == 200
    if fault in ("malformed", "truncated"):
        with pytest.raises(ValueError):
            response.json()
        return
    body = response.json()
    items, meta = body["items"], body["metadata"]
    sim.set_faults("")
    clean_next = requests.get(civ(sim, "/models"), params={**EVERYTHING, "cursor": cursor}).json()
    expected = clean_next["items"]
    if fault in ("duplicates", "skip-one"):
        after = requests.get(meta["nextPage"]).json()["items"]
        if fault == "duplicates":
            assert [i["id"] for i in after[:2]] == [i["id"] for i in items[-2:]]
        else:
            clean_after = requests.get(clean_next["metadata"]["nextPage"]).json()["items"]
            assert after[0]["id"] == clean_after[1]["id"], "one item is skipped"
    elif fault == "repeat-cursor":
        assert meta["nextCursor"] == cursor
    elif fault == "empty-page":
        assert items == [] and meta["nextCursor"]
        resumed = requests.get(meta["nextPage"]).json()["items"]
        assert [i["id"] for i in resumed] == [i["id"] for i in expected]
    elif fault == "drift":
        assert all("lockedProperties" in i and "nsfw_level" in i and "nsfwLevel" not in i for i in items)
    elif fault == "negative-stats":
        assert items[0]["stats"]["downloadCount"] < 0
    elif fault == "null-stats":
        assert items[0]["id"] is None and all(v is None for v in items[2]["stats"].values())
    assert clean["items"]


def test_huggingface_faults(sim):
    sim.set_faults("huggingface:429")
    throttled = requests.get(hf(sim, "/api/models"))
    assert throttled.status_code == 429 and throttled.headers["RateLimit"].startswith('"api";r=0;')
    assert requests.get(civ(sim, "/models")).status_code == 200
    sim.set_faults("huggingface:drift")
    items = requests.get(hf(sim, "/api/models"), params={"limit": 5}).json()
    assert all("created_at" in i and "createdAt" not in i and "inference" in i for i in items)
    sim.set_faults("")
    first_page = requests.get(hf(sim, "/api/models"), params={"limit": 5, "sort": "createdAt"})
    sim.set_faults("huggingface:repeat-cursor")
    again = requests.get(first_page.links["next"]["url"])
    assert again.links["next"]["url"] == first_page.links["next"]["url"]


def test_slow_fault_triggers_client_timeouts(sim_world):
    with SimServer(sim_world, faults="slow", slow_seconds=0.6) as server:
        with pytest.raises(requests.Timeout):
            requests.get(civ(server, "/models/1"), timeout=0.2)
        started = time.monotonic()
        requests.get(hf(server, "/api/models"), params={"limit": 1}, timeout=5)
        assert time.monotonic() - started >= 0.6


def test_faults_never_change_the_world(sim):
    url = civ(sim, "/models?limit=20&nsfw=true")
    clean = requests.get(url).content
    sim.set_faults("drift,negative-stats,null-stats")
    requests.get(url)
    sim.set_faults("")
    assert requests.get(url).content == clean
    assert json.loads(clean)["items"]
