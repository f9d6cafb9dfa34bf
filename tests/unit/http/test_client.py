"""The shared hub client against a scripted server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from likeness_watch.http import HubClient, HubHTTPError, MalformedResponse
from likeness_watch.settings import USER_AGENT, HubSettings


class Script:
    """Responses served in order, then the last one forever; records request headers."""

    def __init__(self) -> None:
        self.responses: list[tuple[int, dict[str, str], bytes]] = []
        self.seen: list[dict[str, str]] = []
        self.times: list[float] = []
        self.delays: list[float] = []


@pytest.fixture
def scripted() -> Iterator[tuple[Script, str]]:
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            script.seen.append(dict(self.headers))
            script.times.append(time.monotonic())
            if len(script.seen) <= len(script.delays):
                time.sleep(script.delays[len(script.seen) - 1])
            index = min(len(script.seen) - 1, len(script.responses) - 1)
            status, headers, body = script.responses[index]
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    class QuietServer(ThreadingHTTPServer):
        def handle_error(self, request, client_address) -> None:
            """A client that timed out and left makes the late reply fail: expected here."""

    server = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield script, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()  # joins handler threads, so none outlives the test


def client(base: str, rps: float = 100.0, **kwargs: object) -> HubClient:
    return HubClient("civitai", HubSettings(base_url=base, rps=rps, page_size=10, timeout_s=2, **kwargs))


OK = (200, {"Content-Type": "application/json"}, json.dumps({"items": []}).encode())


def test_retries_429_honouring_retry_after(scripted):
    script, base = scripted
    script.responses = [(429, {"Retry-After": "1"}, b'{"error":"slow down"}'), OK]
    response = client(base).get_json(base + "/models")
    assert response.body == {"items": []}
    assert len(script.seen) == 2
    assert script.times[1] - script.times[0] >= 0.9


# Headers as the hubs send them (docs/hub-apis.md): Hugging Face puts its quota on every response
# (``t`` = seconds until the 5-minute window resets), Civitai publishes none and errors through
# Cloudflare.
HF_POLICY = {"RateLimit-Policy": '"fixed window";"api";q=500;w=300'}
HF_JSON = {"Content-Type": "application/json; charset=utf-8", **HF_POLICY}
CIVITAI_CLOUDFLARE = {"Server": "cloudflare", "CF-RAY": "8e3f2c1a9b7d4e21-FRA", "Content-Type": "text/html"}


@pytest.mark.parametrize(
    ("status", "ratelimit"),
    [(429, '"api";r=0;t=1'), (429, '"api";r=3;t=1'), (503, '"api";r=0;t=1')],
    ids=["429", "429-quota-left", "503-quota-spent"],
)
def test_huggingface_quota_reset_is_waited_for_when_the_quota_is_spent(scripted, status, ratelimit):
    script, base = scripted
    script.responses = [(status, {**HF_JSON, "RateLimit": ratelimit}, b'{"error":"x"}'), OK]
    client(base).get_json(base + "/api/models")
    assert script.times[1] - script.times[0] >= 0.9


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_huggingface_server_error_with_quota_left_backs_off_instead_of_waiting_out_the_window(
    scripted, status
):
    script, base = scripted
    answer = {**HF_JSON, "RateLimit": '"api";r=487;t=4'}
    script.responses = [(status, answer, b'{"error":"Internal Error"}'), (200, answer, OK[2])]
    assert client(base).get_json(base + "/api/models").body == {"items": []}
    assert script.times[1] - script.times[0] < 2.5  # backoff and jitter, not the window's 4 s


def test_civitai_cloudflare_errors_back_off_without_a_rate_limit_header(scripted):
    script, base = scripted
    script.responses = [
        (524, CIVITAI_CLOUDFLARE, b"<html>A timeout occurred</html>"),
        (429, {"Content-Type": "application/json"}, b'{"error":"Too Many Requests"}'),
        OK,
    ]
    assert client(base).get_json(base + "/models").body == {"items": []}
    assert len(script.seen) == 3 and script.times[2] - script.times[0] < 3.5


@pytest.mark.parametrize(
    ("header", "at_least"),
    [("0.5", 0.45), ("soon", 0.0)],  # fractional seconds; unreadable: plain backoff, still retried
)
def test_odd_retry_after_values_still_retry(scripted, header, at_least):
    script, base = scripted
    script.responses = [(429, {"Retry-After": header}, b"{}"), OK]
    assert client(base).get_json(base + "/models").body == {"items": []}
    assert len(script.seen) == 2
    assert script.times[1] - script.times[0] >= at_least


def test_retry_after_waits_are_capped(scripted, monkeypatch):
    monkeypatch.setattr("likeness_watch.http.client.MAX_RETRY_AFTER_S", 0.2)
    script, base = scripted
    day, hour = {"Retry-After": "86400"}, {"RateLimit": '"api";r=0;t=3600'}
    script.responses = [(429, day, b"{}"), (429, hour, b"{}"), OK]
    started = time.monotonic()
    client(base).get_json(base + "/models")
    assert len(script.seen) == 3 and time.monotonic() - started < 5


def test_retries_5xx_then_gives_up_with_clear_error(scripted):
    script, base = scripted
    script.responses = [(503, {}, b"<html>cloudflare</html>")]
    with pytest.raises(HubHTTPError, match="HTTP 503") as err:
        client(base, max_retries=2).get_json(base + "/models")
    assert err.value.status == 503
    assert len(script.seen) == 3


def test_404_can_be_accepted_without_retry(scripted):
    script, base = scripted
    script.responses = [(404, {}, b'{"error":"No model with id 7"}')]
    response = client(base).get_json(base + "/models/7", ok=(404,))
    assert response.status == 404 and len(script.seen) == 1


def test_accepted_error_status_with_an_html_body_is_still_that_status(scripted):
    script, base = scripted
    script.responses = [(404, {"Content-Type": "text/html"}, b"<html>Not found</html>")]
    response = client(base).get_json(base + "/models/7", ok=(404,))
    assert (response.status, response.body) == (404, None)


def test_a_body_over_the_size_limit_is_malformed_not_held_in_memory(scripted, monkeypatch):
    monkeypatch.setattr("likeness_watch.http.client.MAX_BODY_BYTES", 1000)
    script, base = scripted
    script.responses = [
        (200, {"Content-Type": "application/json"}, json.dumps({"items": ["x" * 2000]}).encode())
    ]
    with pytest.raises(MalformedResponse, match="over 1000 bytes"):
        client(base).get_json(base + "/models")


def test_malformed_json_is_a_distinct_error(scripted):
    script, base = scripted
    script.responses = [(200, {"Content-Type": "text/html"}, b"<html>Just a moment...</html>")]
    with pytest.raises(MalformedResponse, match="non-JSON body"):
        client(base).get_json(base + "/models")


def test_token_bucket_limits_request_rate(scripted):
    script, base = scripted
    script.responses = [OK]
    hub = client(base, rps=5.0)
    started = time.monotonic()
    for _ in range(6):
        hub.get_json(base + "/models")
    assert time.monotonic() - started >= 0.9  # 6 requests at 5/s need at least ~1 s


def test_identifies_itself_and_sends_token_only_as_header(scripted, caplog):
    script, base = scripted
    script.responses = [OK]
    hub = client(base, token="s3cr3t-token")
    hub.get_json(base + "/models")
    assert script.seen[0]["User-Agent"] == USER_AGENT
    assert script.seen[0]["Authorization"] == "Bearer s3cr3t-token"
    assert "s3cr3t-token" not in repr(hub.settings)
    assert "s3cr3t-token" not in caplog.text


def test_token_goes_only_to_the_hub_origin(scripted):
    script, base = scripted
    script.responses = [OK]
    hub = client(base, token="s3cr3t-token")
    elsewhere = base.replace("127.0.0.1", "localhost")  # same server, another origin
    hub.get_json(elsewhere + "/models")
    assert "Authorization" not in script.seen[0]


def test_read_timeout_is_retried(scripted):
    script, base = scripted
    script.responses = [OK]
    script.delays = [1.0]  # first answer arrives after the 0.3 s read timeout
    hub = HubClient(
        "huggingface", HubSettings(base_url=base, rps=100, page_size=10, timeout_s=0.3, max_retries=2)
    )
    assert hub.get_json(base + "/api/models").body == {"items": []}
    assert len(script.seen) == 2


def test_unreachable_hub_is_a_clear_error():
    hub = HubClient(
        "huggingface", HubSettings(base_url="http://127.0.0.1:9", rps=100, page_size=10, max_retries=1)
    )
    with pytest.raises(HubHTTPError, match="ConnectionError"):
        hub.get_json("http://127.0.0.1:9/api/models")
