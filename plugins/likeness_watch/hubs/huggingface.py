"""Hugging Face Hub API: LoRA listing newest-first, ``Link: rel="next"`` paging, blobs for SHA256.

Discovery stores the detail record (``?blobs=true``) so each ``.safetensors`` file carries its LFS
sha256, comparable with Civitai's SHA256 for cross-hub re-upload detection.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from likeness_watch.http import MalformedResponse
from likeness_watch.hubs.base import Fetched, HubAdapter, HubSpec, Page


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

    def list_newest(self, cursor: str | None) -> Page:
        if cursor:
            response = self.client.get_json(cursor)
        else:
            params = {
                "filter": "lora",
                "sort": "createdAt",
                "direction": "-1",
                "limit": self.settings.page_size,
                "full": "true",
            }
            response = self.client.get_json(self.url("api/models"), params)
        if not isinstance(response.body, list):
            raise MalformedResponse("huggingface: /api/models did not return a JSON array")
        next_url = response.links.get("next", {}).get("url")
        return Page([item for item in response.body if isinstance(item, dict)], next_url)

    def model_id(self, item: dict[str, Any]) -> str | None:
        value = item.get("id") or item.get("modelId")
        return value if isinstance(value, str) and "/" in value else None

    def order_key(self, item: dict[str, Any]) -> str | None:
        value = item.get("createdAt")
        return value if isinstance(value, str) else None

    def fetch(self, model_id: str) -> Fetched:
        path = "api/models/" + quote(model_id, safe="/")
        response = self.client.get_json(self.url(path), {"blobs": "true"}, ok=(401, 403, 404))
        if response.status in (401, 403, 404):
            return Fetched(model_id, response.status, None)
        if not isinstance(response.body, dict):
            raise MalformedResponse(f"huggingface: /api/models/{model_id} did not return an object")
        return Fetched(model_id, response.status, response.body)

    def enrich(self, item: dict[str, Any]) -> Fetched | None:
        model_id = self.model_id(item)
        if model_id is None:
            return None
        fetched = self.fetch(model_id)
        return fetched if fetched.record is not None else None
