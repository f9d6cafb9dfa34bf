"""Civitai REST API v1 (``/api/v1``): cursor paging, hidden ``poi`` models, batch refresh by ids.

Metadata only: the records carry ``downloadUrl`` and image ``url`` fields, which are stored as
received and never requested.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from likeness_watch.http import MalformedResponse
from likeness_watch.hubs.base import Fetched, HubAdapter, HubSpec, Page

BATCH = 100
FRONTIER = 20
"""Ids probed above the newest listed id: models flagged ``poi`` at upload never reach the list."""
MAX_ID = 2**31 - 1
"""Civitai's ids are 32-bit integers."""
MAX_ID_STEP = 1_000_000
"""Largest believable rise of the newest id between two crawls (the hub adds a few thousand
models a day): a larger one is a bogus item, not a watermark."""


class CivitaiAdapter(HubAdapter):
    spec = HubSpec(
        name="civitai",
        base_url="https://civitai.com/api/v1",
        rps=1.0,
        page_size=100,
        token_env="CIVITAI_API_TOKEN",
        pool_slots=1,
        owner="data-eng",
        model_url="https://civitai.com/models/{model_id}",
    )
    supports_gap_probe = True
    batch_size = BATCH

    def list_newest(self, cursor: str | None, limit: int | None = None) -> Page:
        size = min(limit or self.settings.page_size, BATCH)  # the API answers 400 above 100
        params: dict[str, Any] = {"limit": size, "sort": "Newest", "nsfw": "true"}
        if cursor:
            params["cursor"] = cursor
        body = self.client.get_json(self.url("models"), params).body
        return _page(body, self.client.hub)

    def model_id(self, item: dict[str, Any]) -> str | None:
        value = item.get("id")
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else None

    def order_key(self, item: dict[str, Any]) -> int | None:
        value = item.get("id")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def plausible_key(self, key: Any, previous: Any) -> bool:
        return 0 < key <= MAX_ID and (not isinstance(previous, int) or key <= previous + MAX_ID_STEP)

    def fetch(self, model_id: str) -> Fetched:
        response = self.client.get_json(self.url(f"models/{int(model_id)}"), ok=(404,))
        if response.status == 404:
            return Fetched(model_id, 404, None)
        if not isinstance(response.body, dict):
            raise MalformedResponse(f"civitai: /models/{model_id} returned {type(response.body).__name__}")
        return Fetched(model_id, response.status, response.body)

    def refresh_batch(self, model_ids: list[str]) -> dict[str, dict[str, Any]]:
        """One ``/models?ids=`` call (up to 100 ids); the list endpoint leaves out what it hides
        (poi, minor) and what is gone, which the crawler then fetches by id."""
        params = {"ids": ",".join(model_ids[:BATCH]), "limit": BATCH, "nsfw": "true"}
        page = _page(self.client.get_json(self.url("models"), params).body, self.client.hub)
        wanted = set(model_ids)
        return {
            model_id: item
            for item in page.items
            if (model_id := self.model_id(item)) is not None and model_id in wanted
        }

    def gap_candidates(self, listed_ids: set[str], low: Any, high: Any) -> Iterator[str]:
        """Newest first: a few ids above the newest listed one (a brand-new hidden model), then the gaps.

        Below the oldest known id nothing is probed: those ids predate everything we have seen.
        """
        if not isinstance(high, int):
            return
        known = [int(model_id) for model_id in listed_ids if model_id.isdigit()]
        floor = max(low if isinstance(low, int) else 0, min(known, default=1) - 1)
        for i in range(high + FRONTIER, floor, -1):
            if str(i) not in listed_ids:
                yield str(i)


def _page(body: Any, hub: str) -> Page:
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise MalformedResponse(f"{hub}: listing body has no 'items' array")
    metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
    cursor = metadata.get("nextCursor")
    items = [item for item in body["items"] if isinstance(item, dict)]
    return Page(items, str(cursor) if cursor not in (None, "") else None)
