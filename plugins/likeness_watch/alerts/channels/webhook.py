"""Generic webhook: the alert as signed JSON.

The signature is ``X-LikenessWatch-Signature: sha256=<hex HMAC-SHA256(secret, body)>``. The body
carries ``sent_at`` (Unix seconds) equal to the ``X-LikenessWatch-Timestamp`` header, so the
timestamp is covered by the signature: a receiver rejects stale or replayed requests with
``verify_signature``. The alert's ``title`` is for display (control and bidi characters escaped,
as in every channel); every other field carries the data as recorded, raw.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

from pydantic import SecretStr

from likeness_watch.alerts.channels.base import http_session, post
from likeness_watch.alerts.escape import json_for_html, plain
from likeness_watch.alerts.model import Alert

SIGNATURE_HEADER = "X-LikenessWatch-Signature"
TIMESTAMP_HEADER = "X-LikenessWatch-Timestamp"
REPLAY_TOLERANCE_S = 300


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signed_request(alert: Alert, secret: str, now: datetime) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one delivery (pure: ``now`` is given; naive means UTC, the
    history table's convention)."""
    sent_at = int((now if now.tzinfo else now.replace(tzinfo=UTC)).timestamp())
    shown = {**alert.to_dict(), "title": plain(alert.title)}
    payload = {"source": "likeness-watch", "sent_at": sent_at, "alert": shown}
    body = json_for_html(json.dumps(payload, ensure_ascii=False, sort_keys=True)).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        SIGNATURE_HEADER: sign(secret, body),
        TIMESTAMP_HEADER: str(sent_at),
        "X-LikenessWatch-Alert-Id": alert.alert_id,
    }
    return body, headers


def verify_signature(
    secret: str,
    body: bytes,
    signature: str | bytes,
    timestamp: str,
    now: float,
    tolerance_s: int = REPLAY_TOLERANCE_S,
) -> bool:
    """What a receiver checks: the HMAC, the signed ``sent_at`` equals the header, and it is fresh.

    Any header value is only compared, never an error: bytes are compared (``compare_digest``
    raises TypeError on non-ASCII ``str``).
    """
    given = signature if isinstance(signature, bytes) else str(signature).encode("utf-8", "replace")
    if not hmac.compare_digest(sign(secret, body).encode(), given):
        return False
    try:
        sent_at = json.loads(body)["sent_at"]
    except (ValueError, KeyError, TypeError):
        return False
    return str(sent_at) == timestamp and abs(now - float(sent_at)) <= tolerance_s


class WebhookChannel:
    """POSTs signed JSON to any HTTPS endpoint (SIEM, ticketing, a T&S queue)."""

    name = "webhook"

    def __init__(self, url: str, secret: SecretStr, retries: int = 2) -> None:
        self._url = url
        self._secret = secret
        self._session = http_session(retries)

    def send(self, alert: Alert, now: datetime) -> None:
        secret = self._secret.get_secret_value()
        body, headers = signed_request(alert, secret, now)
        post(self._session, self._url, body, headers, secrets=[secret])
