"""What every delivery channel shares: the interface, the error type, the HTTP session.

Channels raise ``DeliveryError`` with a message that is safe to store and log: secrets (webhook
URLs, passwords) are redacted before anything leaves the channel.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from likeness_watch.alerts.model import Alert
from likeness_watch.redaction import redact
from likeness_watch.settings import USER_AGENT

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
TRANSIENT_CLIENT_STATUSES = frozenset({408, 429})
"""4xx answers that say "later" (timeout, rate limit); every other 4xx refuses the request itself."""


class DeliveryError(RuntimeError):
    """One attempt to deliver one alert failed; the history table keeps it for a later retry."""


class DeliveryRejected(DeliveryError):
    """The receiver refused this alert for good (HTTP 4xx other than 408/429, an unsendable
    message): sending the same bytes again cannot succeed, so it is recorded and never retried."""


class Channel(Protocol):
    """A place alerts are sent to (``name`` is the key in routes and in the history table)."""

    name: str

    def send(self, alert: Alert, now: datetime) -> None:
        """Deliver one alert or raise ``DeliveryError``."""


def http_session(retries: int = 2) -> requests.Session:
    """A session that retries POSTs on connection errors, 429 and 5xx with backoff, honouring
    ``Retry-After`` (the project's urllib3-``Retry`` convention, see ``likeness_watch.http``).

    Retrying a POST can duplicate a message when a receiver answered 5xx after acting on it;
    every request carries the alert id so receivers can drop duplicates.
    """
    retry = Retry(
        total=retries,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"POST"}),
        backoff_factor=1.0,
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.headers["User-Agent"] = USER_AGENT
    return session


def post(
    session: requests.Session,
    url: str,
    body: bytes,
    headers: dict[str, str],
    secrets: Iterable[str | None] = (),
) -> None:
    """POST and raise a redacted ``DeliveryError`` unless the receiver answered 2xx
    (``DeliveryRejected`` for a 4xx other than 408/429: e.g. Slack's 400 ``invalid_blocks``).

    The URL is redacted too (a Slack webhook URL *is* its secret), including its path alone,
    which is how urllib3 quotes it in connection errors.
    """
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    secrets = [url, path if len(path) > 1 else None, *secrets]
    try:
        response = session.post(url, data=body, headers=headers, timeout=(5, 15))
    except requests.RequestException as exc:
        raise DeliveryError(redact(f"{type(exc).__name__}: {exc}", secrets)) from None
    if not 200 <= response.status_code < 300:
        snippet = " ".join(response.text.split())[:120]
        message = redact(f"HTTP {response.status_code}: {snippet}", secrets)
        if 400 <= response.status_code < 500 and response.status_code not in TRANSIENT_CLIENT_STATUSES:
            raise DeliveryRejected(message)
        raise DeliveryError(message)
