"""Outcomes of a delivery (HTTP and SMTP): what is retried later and what a receiver refused for good."""

from __future__ import annotations

import smtplib
from datetime import date, datetime

import pytest
import requests

from likeness_watch.alerts.channels.base import DeliveryError, DeliveryRejected, post
from likeness_watch.alerts.channels.smtp import EmailChannel
from likeness_watch.alerts.model import Alert

URL = "https://hooks.slack.com/services/T000/B000/SECRET"


class Session:
    def __init__(self, status: int | None, text: str = "") -> None:
        self.status, self.text = status, text

    def post(self, url, data, headers, timeout):
        if self.status is None:
            raise requests.ConnectionError(f"cannot reach {url}")
        response = requests.Response()
        response.status_code, response._content = self.status, self.text.encode()
        return response


@pytest.mark.parametrize("status", [400, 403, 404, 410, 413])
def test_a_client_error_is_a_rejection(status):
    with pytest.raises(DeliveryRejected, match=f"HTTP {status}: invalid_blocks"):
        post(Session(status, "invalid_blocks"), URL, b"{}", {})


@pytest.mark.parametrize("status", [408, 429, 500, 503, None])
def test_rate_limits_server_and_network_errors_stay_retryable(status):
    with pytest.raises(DeliveryError) as error:
        post(Session(status, "busy"), URL, b"{}", {})
    assert not isinstance(error.value, DeliveryRejected)
    assert "SECRET" not in str(error.value)


def test_a_success_raises_nothing():
    post(Session(200, "ok"), URL, b"{}", {})


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"tns@example.org": (550, b"5.1.1 User unknown")}), True),
        (
            smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no"), "b@example.org": (451, b"later")}),
            False,
        ),
        (smtplib.SMTPSenderRefused(553, b"5.7.1 Sender address rejected", "lw@example.org"), True),
        (smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid"), True),
        (smtplib.SMTPDataError(554, b"5.7.1 Message rejected as spam"), True),
        (smtplib.SMTPNotSupportedError("STARTTLS extension not supported by server."), True),
        (smtplib.SMTPDataError(451, b"4.3.0 Temporary failure"), False),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), False),
        (ConnectionRefusedError(111, "Connection refused"), False),
    ],
)
def test_smtp_refusals_for_good_are_rejections_and_the_rest_stay_retryable(monkeypatch, error, permanent):
    class Refusing:
        def __init__(self, *args, **kwargs) -> None:
            raise error

    monkeypatch.setattr(smtplib, "SMTP", Refusing)
    channel = EmailChannel("127.0.0.1", 25, "lw@example.org", ["tns@example.org"], tls="none")
    with pytest.raises(DeliveryError) as raised:
        channel.send(Alert(kind="spike", hub="civitai", day=date(2025, 5, 1), severity="high", title="t",
                           observed=9), datetime(2025, 5, 2))  # fmt: skip
    assert isinstance(raised.value, DeliveryRejected) is permanent
