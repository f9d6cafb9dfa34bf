"""A hub that misbehaves cannot stall, poison or widen the crawl: cursor cycles, endless pages,
absurd watermark keys, one broken model, links and ids that point elsewhere."""

from __future__ import annotations

from datetime import date
from itertools import islice
from typing import Any

import pytest

from likeness_watch.crawl import CrawlError
from likeness_watch.crawl.daily import MAX_CONSECUTIVE_ITEM_ERRORS, MAX_EMPTY_PAGES, DailyCrawl
from likeness_watch.http import HubHTTPError, MalformedResponse
from likeness_watch.http.client import JsonResponse
from likeness_watch.hubs.base import Fetched, Page
from likeness_watch.hubs.civitai import MAX_ID_STEP, CivitaiAdapter
from likeness_watch.hubs.huggingface import HuggingFaceAdapter
from likeness_watch.hubs.registry import hub_settings
from likeness_watch.raw import read_manifest
from likeness_watch.raw.integrity import set_status
from likeness_watch.raw.manifest import COMMITTED
from likeness_watch.settings import Settings

DAY = date(2024, 3, 5)  # not a sweep day for the default sweep interval
NEXT_DAY = date(2024, 3, 6)


class Counted:
    requests_made = 0


class ScriptedCivitai(CivitaiAdapter):
    """Civitai's adapter over scripted pages (cursor -> page) and records (id -> record or error)."""

    def __init__(self, day: date, pages: dict[str | None, Page], records: dict[str, Any] | None = None):
        super().__init__(Counted(), hub_settings("civitai"), day)  # type: ignore[arg-type]
        self.pages = pages
        self.records = records or {}
        self.listed_pages = 0

    def list_newest(self, cursor: str | None) -> Page:
        self.listed_pages += 1
        return self.pages[cursor]

    def fetch(self, model_id: str) -> Fetched:
        record = self.records.get(model_id)
        if isinstance(record, Exception):
            raise record
        return Fetched(model_id, 200, record) if record else Fetched(model_id, 404, None)

    def refresh_batch(self, model_ids):
        return {m: r for m in model_ids if isinstance(r := self.records.get(m), dict) and not r.get("poi")}


def items(*ids: int) -> list[dict[str, Any]]:
    return [{"id": i, "name": f"model {i}"} for i in ids]


def run(store, adapter: ScriptedCivitai):
    landed = DailyCrawl(adapter, store, Settings(store=store.uri, gap_probe_budget=50)).run()
    return set_status(store, landed, COMMITTED, None)  # a passing raw gate: the next day's baseline


def test_a_cursor_cycle_fails_the_crawl_instead_of_looping(store):
    pages = {None: Page(items(9, 8), "a"), "a": Page(items(7), "b"), "b": Page(items(6), "a")}
    adapter = ScriptedCivitai(DAY, pages)
    with pytest.raises(CrawlError, match="cycle"):
        run(store, adapter)
    assert adapter.listed_pages < 10
    assert read_manifest(store, "civitai", DAY) is None


def test_endless_pages_of_known_items_end_discovery(store):
    pages: dict[str | None, Page] = {None: Page(items(3, 2, 1), "0")}
    pages.update({str(n): Page(items(3, 2), str(n + 1)) for n in range(1000)})  # fresh cursors forever
    adapter = ScriptedCivitai(DAY, pages)
    manifest = run(store, adapter)
    assert adapter.listed_pages == 1 + MAX_EMPTY_PAGES
    assert manifest.anomalies["pages_without_new_items"] == MAX_EMPTY_PAGES
    assert manifest.record_count == 3


def test_an_absurd_id_neither_moves_the_watermark_nor_floods_the_gap_probe(store):
    first = run(store, ScriptedCivitai(DAY, {None: Page(items(100, 99, 98), None)}))
    assert first.watermark["max_key"] == 100
    bogus = 100 + MAX_ID_STEP + 1
    page = Page(items(bogus, 101, 100), None)
    second = run(store, ScriptedCivitai(NEXT_DAY, {None: page}))
    assert second.watermark["max_key"] == 101
    assert second.anomalies["implausible_order_keys"] == 1
    assert second.record_count >= 2, "the odd item itself is kept as received"
    huge = ScriptedCivitai(NEXT_DAY, {})
    assert list(islice(huge.gap_candidates({"5"}, 0, 10**12), 2)) == [str(10**12 + 20), str(10**12 + 19)]


def test_one_broken_model_is_skipped_not_the_whole_day(store):
    broken = HubHTTPError("civitai", "https://civitai.test/models/11", 500, "boom")
    adapter = ScriptedCivitai(DAY, {None: Page(items(12, 10), None)}, {"11": broken})
    manifest = run(store, adapter)
    assert manifest.anomalies["gap_probe_errors"] == 1
    assert manifest.record_count == 2


def test_a_hub_failing_every_model_still_stops_the_crawl(store):
    down = MalformedResponse("civitai: non-JSON body (cloudflare)")
    ids = range(100, 100 - 2 * MAX_CONSECUTIVE_ITEM_ERRORS, -2)  # gaps between every listed id
    adapter = ScriptedCivitai(DAY, {None: Page(items(*ids), None)}, {str(i - 1): down for i in ids})
    adapter.records.update({str(i): down for i in range(101, 121)})  # the frontier above the newest
    with pytest.raises(CrawlError, match="cloudflare"):
        run(store, adapter)
    assert read_manifest(store, "civitai", DAY) is None


class ScriptedClient:
    requests_made = 0

    def __init__(self, response: JsonResponse) -> None:
        self.response = response

    def get_json(self, url: str, params: Any = None, ok: tuple[int, ...] = ()) -> JsonResponse:
        return self.response


def hf_with(response: JsonResponse) -> HuggingFaceAdapter:
    return HuggingFaceAdapter(ScriptedClient(response), hub_settings("huggingface"), DAY)  # type: ignore[arg-type]


def test_huggingface_next_link_must_stay_on_the_listing_endpoint():
    def page(next_url: str) -> JsonResponse:
        return JsonResponse(200, [], {}, {"next": {"url": next_url}})

    good = "https://huggingface.co/api/models?cursor=abc&limit=100"
    assert hf_with(page(good)).list_newest(None).next_cursor == good
    for bad in (
        "https://evil.example/api/models?cursor=abc",  # our token would follow it
        "http://huggingface.co/api/models?cursor=abc",
        "https://huggingface.co/acme/flux/resolve/main/w.safetensors",  # a weights download
    ):
        with pytest.raises(MalformedResponse, match="Link rel=next"):
            hf_with(page(bad)).list_newest(None)


@pytest.mark.parametrize(
    "repo_id",
    ["x/../../../acme/flux/resolve/main/w.safetensors", "a/b?blobs=false", "a/b#x", "a/b/c", "../b", "a/.."],
)
def test_huggingface_ids_that_would_change_the_url_are_rejected(repo_id):
    hf = hf_with(JsonResponse(200, [], {}, {}))
    assert hf.model_id({"id": repo_id}) is None
    assert hf.model_id({"id": "jane-doe/Jane_Doe.LoRA-v2"}) == "jane-doe/Jane_Doe.LoRA-v2"


def test_huggingface_repo_names_may_start_with_an_underscore():
    """A real card of ../shared/real: refusing it left an id-less record that quarantined the day."""
    hf = hf_with(JsonResponse(200, [], {}, {}))
    repo_id = "subaqua/_unofficial-WD1.4-fp16-safetensors"
    assert hf.model_id({"id": repo_id}) == repo_id


def test_huggingface_keys_that_are_not_past_timestamps_do_not_move_the_watermark():
    hf = hf_with(JsonResponse(200, [], {}, {}))
    assert hf.order_key({"createdAt": "zzzz"}) is None, "text that would outrank every date"
    assert hf.plausible_key("2024-03-05T10:00:00.000Z", None)
    assert not hf.plausible_key("9999-12-31T00:00:00.000Z", None)
