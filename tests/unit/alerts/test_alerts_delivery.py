"""HTTP outcomes of a delivery: what is retried later and what a receiver refused for good."""

from __future__ import annotations

import pytest
import requests

from likeness_watch.alerts.channels.base import DeliveryError, DeliveryRejected, post

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
