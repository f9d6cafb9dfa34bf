"""A published warehouse that raises alerts, and an HTTP receiver that plays Slack and the
webhook: for tests that run alert deliveries against real sockets on 127.0.0.1 (the delivery tests
and the crash matrix)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pandas as pd

from likeness_watch.raw import PartitionWriter
from likeness_watch.settings import Settings
from likeness_watch.store import open_store

EVIL = "<script>alert(1)</script> <!channel>"
START = date(2025, 4, 1)
DAY = date(2025, 5, 10)
SLACK_ERRORS = {404: b"no_service", 410: b"channel_is_archived"}
"""What Slack's incoming webhooks answer when the webhook or its channel is gone."""


def write_alert_world(settings: Settings) -> None:
    """45 days of two hubs, a civitai spike on DAY (with a hostile model name and a watchlisted
    person): committed (empty) partitions, the two marts alerts read, and the watchlist."""
    store = open_store(settings.store)
    all_days = [START + timedelta(days=i) for i in range((DAY - START).days + 1)]
    for hub in ("civitai", "huggingface"):
        for day in all_days:
            PartitionWriter(store, hub, day).commit(mode="incremental")
    daily = pd.DataFrame(
        [{"day": d, "hub": h, "new_likeness_models": 2} for h in ("civitai", "huggingface") for d in all_days]
    )
    daily.loc[(daily["hub"] == "civitai") & (daily["day"] == DAY), "new_likeness_models"] = 24
    names = [EVIL, "Marisol Quenby LoRA"] + [f"Person {i} v2" for i in range(22)]
    models = pd.DataFrame(
        [
            {"hub": "civitai", "model_id": str(1000 + i), "name": name, "first_seen": DAY,
             "is_likeness": True, "likeness_confidence": 0.99 - i / 100, "target_name": f"Target {i}",
             "nsfw_intent": i % 2 == 0}
            for i, name in enumerate(names)
        ]
    )  # fmt: skip
    con = duckdb.connect(str(settings.warehouse))
    con.register("daily", daily)
    con.register("models", models)
    con.execute(
        "create table mart_likeness_daily as select day::date as day, hub, new_likeness_models from daily"
    )
    con.execute(
        "create table dim_model as select hub, model_id, name, first_seen::date as first_seen, is_likeness, "
        "likeness_confidence, target_name, nsfw_intent from models"
    )
    con.close()
    Path(settings.watchlist).write_text("name,aliases\nMarisol Quenby,Mari Quenby\n")


class Receiver(BaseHTTPRequestHandler):
    """Records every POST; answers ``server.status[path-prefix]`` (default 200)."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        prefix = "/" + self.path.strip("/").split("/")[0]
        status = self.server.status.get(prefix, 200)
        if isinstance(status, list):
            status = status.pop(0) if status else 200
        self.server.requests.append((prefix, dict(self.headers), body, status))
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok" if status == 200 else SLACK_ERRORS.get(status, b"invalid_token"))

    def log_message(self, *args: object) -> None:
        return


@contextmanager
def http_receiver() -> Iterator[ThreadingHTTPServer]:
    """A ``Receiver`` on an ephemeral port: ``.requests`` (prefix, headers, body, status), ``.status``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.requests, server.status = [], {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
