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
import math
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from requests_ratelimiter import LimiterAdapter
from urllib3.exceptions import InvalidHeader
from urllib3.util.retry import Retry

from likeness_watch.settings import USER_AGENT, HubSettings

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 520, 521, 522, 523, 524})
_RATELIMIT_REMAINING = re.compile(r"\br=(\d+)")
_RATELIMIT_RESET = re.compile(r"\bt=(\d+)")


class HubHTTPError(RuntimeError):
    """A hub answered with an error status after all retries (or one that is never retried)."""

    def __init__(self, hub: str, url: str, status: int, detail: str) -> None:
        super().__init__(f"{hub}: HTTP {status} for {url}: {detail}")
        self.status = status


class MalformedResponse(RuntimeError):
    """A 2xx body that is not the JSON the hub's API promises."""


MAX_BODY_BYTES = 64 << 20
"""Largest response body read (a full listing page or a repo's file list is a few MB at most)."""
MAX_RETRY_AFTER_S = 300.0
"""Longest wait a hub may ask for per retry; past it the retries run out and the crawl fails
resumably, instead of one task sleeping for hours (urllib3 would allow 6 h)."""


class HubRetry(Retry):
    """urllib3 Retry that also honours Hugging Face's ``RateLimit: "api";r=<left>;t=<seconds>``
    header when the quota is spent, reads fractional ``Retry-After`` values, falls back to
    backoff on unreadable ones and caps every wait at ``MAX_RETRY_AFTER_S``."""

    def get_retry_after(self, response: Any) -> float | None:
        try:
            retry_after = super().get_retry_after(response)
        except InvalidHeader:
            retry_after = _seconds(response.headers.get("Retry-After", ""))
        if retry_after is None:
            retry_after = _quota_reset(response.status, response.headers.get("RateLimit", ""))
        return None if retry_after is None else min(retry_after, MAX_RETRY_AFTER_S)


def _quota_reset(status: int, ratelimit: str) -> float | None:
    """Seconds until the quota window resets, only when the quota is spent (429, or ``r=0``).

    Hugging Face sends ``RateLimit`` on every response: ``t`` is when the window resets, not
    how long to wait. A 5xx with quota left is an ordinary server error that backs off, instead
    of sleeping out the window (up to 5 minutes per retry).
    """
    reset = _RATELIMIT_RESET.search(ratelimit)
    remaining = _RATELIMIT_REMAINING.search(ratelimit)
    if reset is None or (status != 429 and (remaining is None or int(remaining.group(1)) > 0)):
        return None
    return float(reset.group(1))


def _seconds(value: str) -> float | None:
    """A delay in (possibly fractional) seconds, or None when the header is not one."""
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


@dataclass(frozen=True)
class TextResponse:
    status: int
    text: str | None
    truncated: bool


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
        self._token_origin = _origin(settings.base_url)

    def _auth(self, url: str) -> dict[str, str]:
        """The token goes only to the hub's own origin, whatever URL a response points us to."""
        token = self.settings.token
        if token is None or _origin(url) != self._token_origin:
            return {}
        return {"Authorization": f"Bearer {token.get_secret_value()}"}

    def _get(
        self, url: str, params: dict[str, Any] | None, ok: tuple[int, ...], limit: int, truncate: bool
    ) -> tuple[requests.Response, bytes | None]:
        """One rate-limited, retried GET; the body capped at ``limit`` bytes (None past it, or cut
        there with ``truncate``); statuses in ``ok`` are returned rather than raised."""
        self.requests_made += 1
        timeout = (min(10.0, self.settings.timeout_s), self.settings.timeout_s)
        try:
            response = self.session.get(
                url, params=params, timeout=timeout, headers=self._auth(url), stream=True
            )
            with response:
                content = _read_capped(response, limit, truncate)
        except requests.exceptions.RetryError as exc:
            raise HubHTTPError(self.hub, url, 429, f"gave up after retries ({exc})") from exc
        except requests.exceptions.RequestException as exc:
            raise HubHTTPError(self.hub, url, 0, f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 400 and response.status_code not in ok:
            raise HubHTTPError(self.hub, response.url, response.status_code, _excerpt(content))
        return response, content

    def get_json(
        self, url: str, params: dict[str, Any] | None = None, ok: tuple[int, ...] = ()
    ) -> JsonResponse:
        """GET and decode JSON; statuses in ``ok`` (e.g. 404) are returned rather than raised."""
        response, content = self._get(url, params, ok, MAX_BODY_BYTES, truncate=False)
        try:
            if content is None:
                raise ValueError(f"body over {MAX_BODY_BYTES} bytes")
            body = json.loads(content)
        except ValueError as exc:  # JSONDecodeError and undecodable bytes are ValueErrors
            if response.status_code >= 400:  # an accepted error status (e.g. an HTML 404 page): no body
                return JsonResponse(response.status_code, None, dict(response.headers), response.links)
            raise MalformedResponse(
                f"{self.hub}: non-JSON body from {response.url} "
                f"({response.headers.get('Content-Type', '?')}): {exc}: {_excerpt(content)}"
            ) from exc
        return JsonResponse(response.status_code, body, dict(response.headers), response.links)

    def get_text(self, url: str, max_bytes: int, ok: tuple[int, ...] = ()) -> TextResponse:
        """GET a text document (a model card), cut at ``max_bytes``: metadata, never a file body."""
        response, content = self._get(url, None, ok, max_bytes, truncate=True)
        if response.status_code >= 400:
            return TextResponse(response.status_code, None, False)
        body = content or b""
        return TextResponse(response.status_code, body.decode("utf-8", "replace"), len(body) >= max_bytes)

    def close(self) -> None:
        self.session.close()


def _read_capped(response: requests.Response, limit: int, truncate: bool = False) -> bytes | None:
    """The (decompressed) body, or None past ``limit`` bytes (its first ``limit`` bytes with
    ``truncate``): a broken or hostile hub cannot make the crawler hold an unbounded page in memory."""
    chunks, size = [], 0
    for chunk in response.iter_content(chunk_size=1 << 16):
        size += len(chunk)
        if size > limit:
            return (b"".join(chunks) + chunk)[:limit] if truncate else None
        chunks.append(chunk)
    return b"".join(chunks)


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _excerpt(content: bytes | None, limit: int = 160) -> str:
    """A short, single-line excerpt of an untrusted body for error messages (decoded only then:
    successful pages are parsed from bytes)."""
    if content is None:
        return "(body over the size limit)"
    flat = " ".join(content.decode("utf-8", "replace").split())
    return flat[:limit] + ("…" if len(flat) > limit else "")
