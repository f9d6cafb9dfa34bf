"""Hugging Face Hub API: text-to-image listing newest-first, ``Link: rel="next"`` paging, blobs for
SHA256, model cards.

Discovery lists every text-to-image repo (LoRAs, DreamBooth and other fine-tuned checkpoints:
most likeness repos are DreamBooth checkpoints without a ``lora`` tag) and stores the detail record
(``?blobs=true``), so each ``.safetensors`` file carries its LFS sha256, comparable with Civitai's
SHA256 for cross-hub re-upload detection. New repos, and repos changed since the previous day, also
get their model card (``README.md``, capped): the person is often named only there (instance
prompt, "trained on photos of ..."). Nothing but the card is ever read from a repository.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from likeness_watch.http import MalformedResponse
from likeness_watch.hubs.base import Fetched, HubAdapter, HubSpec, Page
from likeness_watch.timestamps import parse_utc, utc_key

_REPO_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9_][A-Za-z0-9._-]{0,95}")
"""``owner/name`` as the Hub allows them (a name may start with "_": real repos such as
``subaqua/_unofficial-WD1.4-fp16-safetensors`` do); anything else (``..``, ``?``, ``#``) could turn
the detail URL into another endpoint, e.g. a weights download."""
CARD_MAX_BYTES = 64 * 1024
"""Model cards are a few KiB; past this the card is cut (and says so), never read further."""
LISTING_PIPELINE = "text-to-image"


class HuggingFaceAdapter(HubAdapter):
    spec = HubSpec(
        name="huggingface",
        base_url="https://huggingface.co",
        rps=1.5,
        page_size=100,
        token_env="HF_TOKEN",
        pool_slots=1,
        owner="data-eng",
        model_url="https://huggingface.co/{model_id}",
    )
    has_cards = True

    def list_newest(self, cursor: str | None, limit: int | None = None) -> Page:
        if cursor:
            response = self.client.get_json(_with_limit(cursor, limit) if limit else cursor)
        else:
            params = {
                "pipeline_tag": LISTING_PIPELINE,
                "sort": "createdAt",
                "direction": "-1",
                "limit": limit or self.settings.page_size,
                "full": "true",
            }
            response = self.client.get_json(self.url("api/models"), params)
        if not isinstance(response.body, list):
            raise MalformedResponse("huggingface: /api/models did not return a JSON array")
        next_url = response.links.get("next", {}).get("url")
        if next_url is not None and not self._is_listing_url(next_url):
            raise MalformedResponse(f"huggingface: Link rel=next leaves /api/models: {next_url[:200]}")
        return Page([item for item in response.body if isinstance(item, dict)], next_url)

    def _is_listing_url(self, url: str) -> bool:
        """The next page must be this endpoint again: a hub-provided URL is followed with our token."""
        listing, candidate = urlsplit(self.url("api/models")), urlsplit(url)
        return (candidate.scheme, candidate.netloc, candidate.path) == (
            listing.scheme,
            listing.netloc,
            listing.path,
        )

    def model_id(self, item: dict[str, Any]) -> str | None:
        value = item.get("id") or item.get("modelId")
        return value if isinstance(value, str) and _REPO_ID.fullmatch(value) and ".." not in value else None

    def order_key(self, item: dict[str, Any]) -> str | None:
        """``createdAt`` as a UTC key that compares as text: the hub's forms (``Z``, an offset, no
        zone meaning UTC, with or without milliseconds) would not, and a non-timestamp would
        outrank every date."""
        return utc_key(item.get("createdAt"))

    def plausible_key(self, key: Any, previous: Any) -> bool:
        """Not after tomorrow (UTC): a repo cannot be created in the future."""
        return key[:10] <= (datetime.now(UTC).date() + timedelta(days=1)).isoformat()

    def fetch(self, model_id: str) -> Fetched:
        path = "api/models/" + quote(model_id, safe="/")
        response = self.client.get_json(self.url(path), {"blobs": "true"}, ok=(401, 403, 404))
        if response.status in (401, 403, 404):
            return Fetched(model_id, response.status, None)
        if not isinstance(response.body, dict):
            raise MalformedResponse(f"huggingface: /api/models/{model_id} did not return an object")
        return Fetched(model_id, response.status, response.body)

    def modified_since(self, record: dict[str, Any], after: date) -> bool:
        """``lastModified`` (any commit: weights, card) falls after the day ``after`` (UTC)."""
        modified = parse_utc(record.get("lastModified"))
        return modified is not None and modified.date() > after

    def with_card(self, fetched: Fetched) -> Fetched:
        """The repo's ``README.md`` beside its record (404: the repo has no card)."""
        url = self.url(quote(fetched.model_id, safe="/") + "/raw/main/README.md")
        response = self.client.get_text(url, CARD_MAX_BYTES, ok=(401, 403, 404))
        card = {"status": response.status, "text": response.text, "truncated": response.truncated}
        return Fetched(fetched.model_id, fetched.status, fetched.record, card)


def _with_limit(url: str, limit: int) -> str:
    """A ``Link`` URL of the listing with another page size (its cursor and filters unchanged)."""
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != "limit"]
    return parts._replace(query=urlencode([*query, ("limit", str(limit))])).geturl()
