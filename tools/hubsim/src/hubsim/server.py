"""HTTP plumbing: routing (time-travel prefix, hubs, control endpoints), faults, HF rate-limit
headers, forbidden downloads and the request log, in front of a data source (source.py): the
synthetic world or recorded data (replay.py).

URL scheme (all absolute URLs in responses keep the prefix):
    /at/{YYYY-MM-DD}/civitai/api/v1/...   Civitai at the end of that UTC day
    /at/{YYYY-MM-DD}/huggingface/api/...  Hugging Face likewise
    /civitai/api/v1/..., /huggingface/api/...  the world's last day (recorded data: everything)
    /huggingface/{owner}/{name}/raw/main/README.md  the model card (text/plain)
    /civitai/api/download/models/{id}, /images/..., /huggingface/{repo}/resolve/...  403, logged forbidden
    GET /_sim/health | /_sim/truth[?models=0] | /_sim/requests | /_sim/faults
    POST /_sim/faults {"faults": "..."}
Control calls are not written to the request log.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from hubsim.faults import ITEM, PAGE, FaultPlan, alter_body, alter_items, error_reply
from hubsim.reply import Reply, Request, error
from hubsim.source import Source, WorldSource
from hubsim.world import World

log = logging.getLogger(__name__)
RATE_WINDOW_SECONDS = 300
STOP_POLL_SECONDS = 0.05
"""How often the serving loop checks for stop(): tests start and stop a server per test."""
_AT = re.compile(r"^/at/([^/]*)(/.*)?$")
_CIVITAI_API = "/civitai/api/v1"
_FORBIDDEN = re.compile(r"^(/civitai/api/download/|/images/|/huggingface/[^/]+/[^/]+/resolve/)")


class SimServer:
    """The simulator on a background thread (tests, demo) or in the foreground (`serve`).

    `source` is the synthetic world (a `World`) or any `Source`, e.g. a `Replay` of recorded data;
    `faults`, `hf_quota` and `slow_seconds` default to the source's.

    `requests_log` holds one dict per hub request: method, path, query (raw string), status,
    hub ("civitai" | "huggingface" | None), forbidden (a weights/image fetch), faults (names fired)
    and at (the /at/ date, or None for "today").
    """

    def __init__(
        self,
        source: World | Source,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: str | None = None,
        hf_quota: int | None = None,
        slow_seconds: float | None = None,
    ) -> None:
        self.source: Source = WorldSource(source) if isinstance(source, World) else source
        self.host = host
        self.requested_port = port
        self.hf_quota = self.source.hf_quota if hf_quota is None else hf_quota
        self.slow_seconds = self.source.slow_seconds if slow_seconds is None else slow_seconds
        self.requests_log: list[dict[str, Any]] = []
        self._plan = FaultPlan(self.source.faults if faults is None else faults, self.source.seed)
        self._lock = threading.Lock()
        self._window = (-1, 0)  # (window number, calls in it)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------------------
    def _bind(self) -> ThreadingHTTPServer:
        handler = type("BoundHandler", (_Handler,), {"sim": self})
        self._httpd = ThreadingHTTPServer((self.host, self.requested_port), handler)
        self._httpd.daemon_threads = True
        return self._httpd

    def start(self) -> SimServer:
        """Serve on a daemon thread; returns self once the port is bound."""
        httpd = self._bind()
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": STOP_POLL_SECONDS},
            name="likeness-sim",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (KeyboardInterrupt propagates)."""
        httpd = self._bind()
        log.info("hub simulator listening on %s", self.url)
        try:
            httpd.serve_forever()
        finally:
            httpd.server_close()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # --- faults and rate limit -------------------------------------------------------------------------
    @property
    def faults(self) -> str:
        return self._plan.spec

    def set_faults(self, spec: str) -> None:
        """Replace the fault spec at runtime (raises ValueError on a bad spec)."""
        self._plan = FaultPlan(spec, self.source.seed)

    def _hf_rate(self) -> tuple[int, int]:
        """Count one Hugging Face call in the fixed 5-minute window: (remaining, seconds to reset)."""
        now = time.time()
        window = int(now // RATE_WINDOW_SECONDS)
        with self._lock:
            number, used = self._window
            used = used + 1 if number == window else 1
            self._window = (window, used)
        return self.hf_quota - used, RATE_WINDOW_SECONDS - int(now % RATE_WINDOW_SECONDS)

    def _record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self.requests_log.append(entry)

    # --- request handling ------------------------------------------------------------------------------
    def respond(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> tuple[Reply, bytes]:
        """Answer one request: the reply (status, headers) and the serialised body."""
        url = urlsplit(raw_path)
        path, params = url.path, parse_qs(url.query, keep_blank_values=True)
        origin = f"http://{headers.get('host') or f'{self.host}:{self.port}'}"
        if path.startswith("/_sim/"):
            reply = self._control(method, path, params, body)
            return reply, _serialise(reply)
        entry: dict[str, Any] = {
            "method": method,
            "path": path,
            "query": url.query,
            "status": 404,
            "hub": None,
            "forbidden": False,
            "faults": [],
            "at": None,
        }
        reply, fired = self._hub_reply(method, path, params, headers, body, origin, entry)
        data = _serialise(reply)
        if reply.status == 200:
            data = alter_body(fired, data)
        entry["status"] = reply.status
        self._record(entry)
        return reply, data

    def _hub_reply(
        self,
        method: str,
        path: str,
        params: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
        origin: str,
        entry: dict[str, Any],
    ) -> tuple[Reply, list[str]]:
        day, prefix, rest = None, "", path
        at = _AT.match(path)
        if at:
            try:
                day = date.fromisoformat(at.group(1))
            except ValueError:
                return error(400, f"Invalid date in /at/ prefix: {at.group(1)[:20]}"), []
            prefix, rest, entry["at"] = f"/at/{at.group(1)}", at.group(2) or "/", day.isoformat()
        if _FORBIDDEN.match(rest):
            entry.update(forbidden=True, hub="huggingface" if rest.startswith("/huggingface/") else "civitai")
            return error(403, "Forbidden: weights and images are never to be fetched"), []
        if rest == _CIVITAI_API or rest.startswith(_CIVITAI_API + "/"):
            hub, sub, base = "civitai", rest[len(_CIVITAI_API) :], origin + prefix + _CIVITAI_API
        elif rest.startswith("/huggingface/"):
            hub, sub, base = "huggingface", rest[len("/huggingface") :], origin + prefix + "/huggingface"
        else:
            return error(404, "Not found"), []
        entry["hub"] = hub
        paged = sub.rstrip("/") in ("/models", "/api/models")
        fired = self._plan.draw(hub, paged)
        entry["faults"] = fired
        rate = self._hf_rate() if hub == "huggingface" else None
        if rate and rate[0] < 0:
            reply = error(
                429,
                "You have exceeded our rate limit for api calls. Retry later.",
                {"Retry-After": str(rate[1])},
            )
        else:
            reply = error_reply(self._plan, hub, fired)
        if "slow" in fired:
            time.sleep(self.slow_seconds)
        if reply is None:
            page_fault = next((f for f in fired if f in PAGE), None)
            req = Request(method, sub, params, base, origin, self.source.asof(day), headers, body, page_fault)
            reply = self.source.handle(hub, req)
            if reply.items and any(f in ITEM for f in fired):
                alter_items(hub, fired, reply.items)
        if rate:
            remaining = 0 if reply.status == 429 else max(0, rate[0])
            reply.headers["RateLimit"] = f'"api";r={remaining};t={rate[1]}'
            reply.headers["RateLimit-Policy"] = (
                f'"fixed window";"api";q={self.hf_quota};w={RATE_WINDOW_SECONDS}'
            )
        return reply, fired

    def _control(self, method: str, path: str, params: dict[str, list[str]], body: bytes) -> Reply:
        if method == "GET" and path == "/_sim/health":
            return Reply(200, {"ok": True})
        if method == "GET" and path == "/_sim/truth":
            truth = self.source.truth(include_models=params.get("models", ["1"])[0] != "0")
            return error(404, "No truth: this is recorded data") if truth is None else Reply(200, truth)
        if method == "GET" and path == "/_sim/requests":
            with self._lock:
                return Reply(200, list(self.requests_log))
        if path == "/_sim/faults":
            if method == "POST":
                try:
                    self.set_faults(str(json.loads(body or b"{}").get("faults", "")))
                except (ValueError, AttributeError) as exc:
                    return error(400, f"bad fault spec: {exc}")
            return Reply(200, {"ok": True, "faults": self.faults})
        return error(404, "Not found")


def _serialise(reply: Reply) -> bytes:
    """UTF-8 JSON or text. Recorded data may hold a lone UTF-16 surrogate, which UTF-8 cannot: JSON
    then goes out with `\\ud800` escapes, as the hubs send it, and text with `?` in its place."""
    if isinstance(reply.body, str):
        return reply.body.encode(errors="replace")
    try:
        return json.dumps(reply.body, ensure_ascii=False, separators=(",", ":")).encode()
    except UnicodeEncodeError:
        return json.dumps(reply.body, separators=(",", ":")).encode()


class _Handler(BaseHTTPRequestHandler):
    """Thin adapter from http.server to SimServer.respond."""

    sim: SimServer
    protocol_version = "HTTP/1.1"
    server_version = "likeness-watch-sim"
    disable_nagle_algorithm = True  # headers and body go out as two writes: no delayed-ACK stalls

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self._answer("GET")

    def do_POST(self) -> None:  # noqa: N802 - http.server naming
        self._answer("POST")

    def _answer(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            reply, data = self.sim.respond(method, self.path, headers, body)
        except Exception:  # a simulator bug must surface as a 500, not a dropped connection
            log.exception("simulator failed on %s %s", method, self.path)
            reply = error(500, "simulator error")
            data = _serialise(reply)
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature of the base class
        log.debug("%s " + format, self.address_string(), *args)


def serve(
    source: World | Source, host: str = "127.0.0.1", port: int = 8765, faults: str | None = None
) -> None:
    """Serve a world or recorded data until interrupted: `likeness-watch simulate`."""
    SimServer(source, host, port, faults=faults).serve_forever()
