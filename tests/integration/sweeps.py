"""Page through a served hub listing the way a client would (shared by the simulator and replay tests)."""

from __future__ import annotations

import requests


def civitai_sweep(url: str, params: dict) -> list[dict]:
    """Every item of a Civitai ``/models`` listing, following ``metadata.nextPage``."""
    items, session = [], requests.Session()
    while url:
        body = session.get(url, params=params, timeout=30).json()
        params = None
        items += body["items"]
        url = body["metadata"].get("nextPage")
    return items


def hf_sweep(url: str, params: dict) -> tuple[list[dict], list[requests.Response]]:
    """Every item of a Hugging Face ``/api/models`` listing, following ``Link: rel="next"``."""
    items, responses, session = [], [], requests.Session()
    while url:
        response = session.get(url, params=params, timeout=30)
        params = None
        responses.append(response)
        items += response.json()
        url = response.links.get("next", {}).get("url")
    return items, responses
