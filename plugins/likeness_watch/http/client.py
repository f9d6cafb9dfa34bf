"""HTTP for untrusted hubs: timeouts, retries with backoff + jitter, Retry-After, token bucket.

Retries and rate limiting are delegated to well-kept libraries: urllib3's ``Retry`` (429/5xx,
connection errors, read timeouts, ``Retry-After``) mounted through requests-ratelimiter's
``LimiterAdapter`` (a pyrate-limiter token bucket per client). Bodies that are not JSON
(Cloudflare challenge pages, truncated pages) raise ``MalformedResponse``; the crawler retries
those at page level.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import requests
from requests_ratelimiter import LimiterAdapter
from urllib3.util.retry import Retry

from likeness_watch.settings import USER_AGENT, HubSettings

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 520, 521, 522, 523, 524})
_RATELIMIT_RESET = re.compile(r"\bt=(\d+)")


class HubHTTPError(RuntimeError):
    """A hub answered with an error status after all retries (or one that is never retried)."""

    def __init__(self, hub: str, url: str, status: int, detail: str) -> None:
        super().__init__(f"{hub}: HTTP {status} for {url}: {detail}")
        self.status = status


class MalformedResponse(RuntimeError):
    """A 2xx body that is not the JSON the hub's API promises."""


class HubRetry(Retry):
    """urllib3 Retry that also honours Hugging Face's ``RateLimit: "api";r=0;t=<seconds>`` header."""

    def get_retry_after(self, response: Any) -> float | None:
        retry_after = super().get_retry_after(response)
        if retry_after is not None:
            return retry_after
        match = _RATELIMIT_RESET.search(response.headers.get("RateLimit", ""))
        return float(match.group(1)) if match else None


@dataclass(frozen=True)
class JsonResponse:
    status: int
    body: Any
    headers: dict[str, str]
    links: dict[str, dict[str, str]]


class HubClient:
    """A requests session configured for one hub."""

    def __init__(self, hub: str, settings: HubSettings) -> None:
        self.hub = hub
        self.settings = settings
        self.requests_made = 0
        retry = HubRetry(
            total=settings.max_retries,
            connect=settings.max_retries,
            read=settings.max_retries,
            status=settings.max_retries,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET"}),
            backoff_factor=0.5,
            backoff_jitter=0.5,
            backoff_max=60,
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        adapter = LimiterAdapter(per_second=settings.rps, burst=1, max_retries=retry, per_host=False)
        self.session = requests.Session()
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        if settings.token is not None:
            self.session.headers["Authorization"] = f"Bearer {settings.token.get_secret_value()}"

    def get_json(
        self, url: str, params: dict[str, Any] | None = None, ok: tuple[int, ...] = ()
    ) -> JsonResponse:
        """GET and decode JSON; statuses in ``ok`` (e.g. 404) are returned rather than raised."""
        self.requests_made += 1
        timeout = (min(10.0, self.settings.timeout_s), self.settings.timeout_s)
        try:
            response = self.session.get(url, params=params, timeout=timeout)
        except requests.exceptions.RetryError as exc:
            raise HubHTTPError(self.hub, url, 429, f"gave up after retries ({exc})") from exc
        except requests.exceptions.RequestException as exc:
            raise HubHTTPError(self.hub, url, 0, f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 400 and response.status_code not in ok:
            raise HubHTTPError(self.hub, response.url, response.status_code, _snippet(response.text))
        try:
            body = response.json()
        except (json.JSONDecodeError, requests.exceptions.JSONDecodeError) as exc:
            raise MalformedResponse(
                f"{self.hub}: non-JSON body from {response.url} "
                f"({response.headers.get('Content-Type', '?')}): {_snippet(response.text)}"
            ) from exc
        return JsonResponse(response.status_code, body, dict(response.headers), response.links)

    def close(self) -> None:
        self.session.close()


def _snippet(text: str, limit: int = 160) -> str:
    """A short, single-line excerpt of an untrusted body for error messages."""
    flat = " ".join(text.split())
    return flat[:limit] + ("…" if len(flat) > limit else "")
