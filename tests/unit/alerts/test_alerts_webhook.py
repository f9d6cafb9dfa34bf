"""Webhook signatures: what receivers verify."""

from __future__ import annotations

from datetime import UTC, date, datetime

from likeness_watch.alerts.channels.webhook import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signed_request,
    verify_signature,
)
from likeness_watch.alerts.model import Alert

NOW = datetime(2025, 5, 2, 6, 0, tzinfo=UTC)
ALERT = Alert(
    kind="spike", hub="civitai", day=date(2025, 5, 1), severity="high", title="t", observed=9, expected=2
)


def test_valid_signature_verifies_within_the_replay_window():
    body, headers = signed_request(ALERT, "k3y", NOW)
    assert headers[SIGNATURE_HEADER].startswith("sha256=")
    assert verify_signature(
        "k3y", body, headers[SIGNATURE_HEADER], headers[TIMESTAMP_HEADER], NOW.timestamp() + 60
    )


def test_tampering_wrong_secret_stale_or_swapped_timestamp_fail():
    body, headers = signed_request(ALERT, "k3y", NOW)
    sig, ts = headers[SIGNATURE_HEADER], headers[TIMESTAMP_HEADER]
    now = NOW.timestamp()
    assert not verify_signature("k3y", body.replace(b'"observed": 9', b'"observed": 1'), sig, ts, now)
    assert not verify_signature("other", body, sig, ts, now)
    assert not verify_signature("k3y", body, sig, ts, now + 3600)  # replayed an hour later
    assert not verify_signature("k3y", body, sig, str(int(now) + 3600), now + 3600)  # header moved, body not


def test_naive_times_are_utc_whatever_the_machine_timezone(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        _, headers = signed_request(ALERT, "k3y", NOW.replace(tzinfo=None))
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert headers[TIMESTAMP_HEADER] == str(int(NOW.timestamp()))


def test_a_non_ascii_or_garbled_signature_is_rejected_not_an_error():
    body, headers = signed_request(ALERT, "k3y", NOW)
    ts, now = headers[TIMESTAMP_HEADER], NOW.timestamp()
    for signature in ("sha256=\u00e9", headers[SIGNATURE_HEADER] + "\u00e9", "sha256=\ud800", ""):
        assert verify_signature("k3y", body, signature, ts, now) is False
