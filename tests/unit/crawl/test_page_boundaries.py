"""A listing without ids to probe (Hugging Face) loses nothing to a next cursor that skips an item:
each page is read again with one item more, and the item after it is recorded if the next page did
not list it. What cannot be checked is counted; a model a failed call left unread is named."""

from __future__ import annotations

from datetime import date
from typing import Any

from likeness_watch.crawl.daily import DailyCrawl
from likeness_watch.hubs.base import Fetched, HubAdapter, Page
from likeness_watch.hubs.huggingface import HuggingFaceAdapter
from likeness_watch.hubs.registry import hub_settings
from likeness_watch.raw import iter_envelopes
from likeness_watch.settings import Settings

DAY = date(2024, 3, 5)
PAGE = 3
ITEMS = [
    {"id": f"owner/model-{n}", "createdAt": f"2024-03-0{5 - n // 4}T0{9 - n % 4}:00:00.000Z"}
    for n in range(10)
]


class Counted:
    requests_made = 0


class ScriptedListing(HubAdapter):
    """Hugging Face's spec over a scripted newest-first listing; ``skip_after`` are the offsets
    whose next cursor jumps one item (the paging bug); ``cap`` limits any page's size."""

    spec = HuggingFaceAdapter.spec

    def __init__(self, skip_after: set[int], cap: int | None = None) -> None:
        super().__init__(Counted(), hub_settings("huggingface", page_size=PAGE), DAY)  # type: ignore[arg-type]
        self.skip_after = skip_after
        self.cap = cap

    def list_newest(self, cursor: str | None, limit: int | None = None) -> Page:
        start = int(cursor or 0)
        size = min(limit or PAGE, self.cap or len(ITEMS))
        items = ITEMS[start : start + size]
        end = start + len(items) + (1 if limit is None and start in self.skip_after else 0)
        return Page([dict(item) for item in items], str(end) if end < len(ITEMS) else None)

    def model_id(self, item: dict[str, Any]) -> str | None:
        return item.get("id")

    def order_key(self, item: dict[str, Any]) -> Any:
        return item.get("createdAt")

    def fetch(self, model_id: str) -> Fetched:
        return Fetched(model_id, 200, {"id": model_id})


def crawl(store, adapter: HubAdapter):
    manifest = DailyCrawl(adapter, store, Settings(store=store.uri)).run()
    ids = [e["model_id"] for e in iter_envelopes(store, [f.key for f in manifest.files])]
    return manifest, ids


def test_items_a_skipping_cursor_jumps_over_are_recorded(store):
    manifest, ids = crawl(store, ScriptedListing(skip_after={0, 4}))
    assert sorted(ids) == sorted(item["id"] for item in ITEMS) and len(ids) == len(set(ids))
    assert manifest.anomalies["skipped_items_recovered"] == 2


def test_without_the_check_the_same_listing_loses_them(store):
    """What the check is for: the scripted listing does skip (the test above can fail)."""

    class Unchecked(ScriptedListing):
        supports_gap_probe = True  # hubs with a gap probe skip the check; there is none here

    _, ids = crawl(store, Unchecked(skip_after={0, 4}))
    assert len(ids) == len(ITEMS) - 2


def test_a_boundary_that_cannot_be_checked_is_counted(store):
    manifest, ids = crawl(store, ScriptedListing(skip_after=set(), cap=PAGE))
    assert len(ids) == len(ITEMS)
    assert manifest.anomalies["boundaries_unchecked"] == 3  # every page followed by another


def test_a_probe_that_fails_names_its_model_in_unread(store):
    from likeness_watch.http import HubHTTPError
    from tests.unit.crawl.test_hostile_hubs import ScriptedCivitai, items

    broken = HubHTTPError("civitai", "https://civitai.test/models/11", 500, "boom")
    adapter = ScriptedCivitai(DAY, {None: Page(items(12, 10), None)}, {"11": broken})
    manifest = DailyCrawl(adapter, store, Settings(store=store.uri, gap_probe_budget=50)).run()
    assert manifest.unread == {"gap_probe_errors": ["11"]}
    assert manifest.anomalies["gap_probe_errors"] == 1
