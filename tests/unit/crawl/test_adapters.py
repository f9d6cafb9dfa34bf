"""Adapters parse pages tolerantly: drift and broken bodies give clear outcomes, never silent loss."""

from __future__ import annotations

from datetime import date

import pytest

from hubsim import sim_base_url
from likeness_watch.http import HubClient, MalformedResponse
from likeness_watch.hubs.civitai import CivitaiAdapter
from likeness_watch.hubs.huggingface import HuggingFaceAdapter
from likeness_watch.hubs.registry import hub_settings

DAY = date(2023, 4, 1)


def adapter(cls, sim, hub: str, page_size: int = 10):
    per_hub = hub_settings(hub, base_url=sim_base_url(sim.url, hub), rps=500.0, page_size=page_size)
    return cls(HubClient(hub, per_hub), per_hub, DAY)


def test_civitai_cursor_pages_are_newest_first_and_end(sim):
    civitai = adapter(CivitaiAdapter, sim, "civitai")
    cursor, ids = None, []
    while True:
        page = civitai.list_newest(cursor)
        ids += [civitai.order_key(item) for item in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert len(ids) > 10 and ids == sorted(ids, reverse=True) and len(ids) == len(set(ids))


def test_huggingface_follows_link_header(sim):
    hf = adapter(HuggingFaceAdapter, sim, "huggingface", page_size=5)
    first = hf.list_newest(None)
    assert first.next_cursor and first.next_cursor.startswith(sim.url) and "cursor=" in first.next_cursor
    second = hf.list_newest(first.next_cursor)
    assert {hf.model_id(i) for i in first.items}.isdisjoint({hf.model_id(i) for i in second.items})


def test_removed_or_unknown_model_is_a_404_not_an_error(sim):
    civitai = adapter(CivitaiAdapter, sim, "civitai")
    fetched = civitai.fetch("1")
    assert fetched.status == 404 and fetched.record is None


def test_schema_drift_keeps_records_and_reports_missing_keys(sim):
    sim.set_faults("drift=1.0")
    hf = adapter(HuggingFaceAdapter, sim, "huggingface")
    page = hf.list_newest(None)
    assert page.items, "drifted items are kept as received"
    assert all(hf.model_id(item) for item in page.items)
    assert all(hf.order_key(item) is None for item in page.items)  # createdAt renamed: no watermark key


@pytest.mark.parametrize("fault", ["malformed=1.0", "truncated=1.0"])
def test_broken_bodies_raise_malformed_response(sim, fault):
    sim.set_faults(fault)
    with pytest.raises(MalformedResponse):
        adapter(CivitaiAdapter, sim, "civitai").list_newest(None)


def test_huggingface_new_repo_gets_its_model_card_and_nothing_else(sim):
    hf = adapter(HuggingFaceAdapter, sim, "huggingface", page_size=5)
    item = hf.list_newest(None).items[0]
    fetched = hf.with_card(hf.fetch(hf.model_id(item)))
    assert fetched is not None and fetched.card is not None
    assert fetched.card["status"] == 200 and fetched.card["text"].startswith("---")
    assert fetched.card["truncated"] is False
    paths = [entry["path"] for entry in sim.requests_log]
    assert any(path.endswith(f"/{hf.model_id(item)}/raw/main/README.md") for path in paths)
    assert not any(entry["forbidden"] for entry in sim.requests_log)
    assert all("/api/models" in path or path.endswith("/raw/main/README.md") for path in paths)


def test_huggingface_model_card_is_cut_at_the_cap(sim, monkeypatch):
    monkeypatch.setattr("likeness_watch.hubs.huggingface.CARD_MAX_BYTES", 16)
    hf = adapter(HuggingFaceAdapter, sim, "huggingface", page_size=5)
    fetched = hf.with_card(hf.fetch(hf.model_id(hf.list_newest(None).items[0])))
    assert fetched is not None and fetched.card is not None
    assert fetched.card["truncated"] is True and len(fetched.card["text"].encode()) == 16


def test_huggingface_lists_every_text_to_image_repo_not_only_loras(sim):
    hf = adapter(HuggingFaceAdapter, sim, "huggingface", page_size=100)
    hf.list_newest(None)
    query = sim.requests_log[-1]["query"]
    assert "pipeline_tag=text-to-image" in query and "filter=lora" not in query


def test_huggingface_repo_changed_after_a_day_by_its_last_commit_in_utc(sim):
    hf = adapter(HuggingFaceAdapter, sim, "huggingface")
    modified = {"a/changed": "2023-03-31T23:30:00.000Z", "a/offset": "2023-03-31T01:00:00+02:00",
                "a/old": "2023-03-30T08:00:00.000Z", "a/none": None}  # fmt: skip
    after = date(2023, 3, 30)
    changed = {repo for repo, when in modified.items() if hf.modified_since({"lastModified": when}, after)}
    assert changed == {"a/changed"}  # 03-31T01:00+02:00 is 03-30T23:00 UTC: not after the 30th
