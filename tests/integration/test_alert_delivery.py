"""End to end: marts + raw manifests → alerts delivered to real receivers on 127.0.0.1.

An HTTP server plays Slack and the generic webhook (and checks the HMAC), aiosmtpd plays the
SMTP relay. Covers: every channel receives the alert with hub strings escaped, one failing channel
does not block the others, a rerun sends nothing new, a failed delivery is retried after its
backoff, backfills with delivery suppressed send nothing, and the CLI summary.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from likeness_watch.alerts import run_alerts
from likeness_watch.alerts.channels.config import channels_from_settings
from likeness_watch.alerts.channels.slack import SlackChannel
from likeness_watch.alerts.channels.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_signature
from likeness_watch.alerts.command import summary
from likeness_watch.alerts.run import run_alerts_range
from likeness_watch.cli import main
from likeness_watch.raw import PartitionWriter
from likeness_watch.settings import Settings

EVIL = "<script>alert(1)</script> <!channel>"
SECRET = "whsec-test"
SLACK_TOKEN = "T000/B000/XXXXSECRET"
START = date(2025, 4, 1)
DAY = date(2025, 5, 10)
T0 = datetime(2025, 5, 11, 6, 0)


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
        self.wfile.write(b"ok" if status == 200 else b"invalid_token")

    def log_message(self, *args: object) -> None:
        return


class Sink:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd hook name)
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture(autouse=True)
def _clean_alert_env(monkeypatch, tmp_path: Path) -> None:
    """No developer channel settings leak in; the watchlist lives in the test's temp dir."""
    for name in Settings.model_fields:
        if name.startswith(("alert_", "slack_", "webhook_", "smtp_")):
            monkeypatch.delenv(f"LW_{name.upper()}", raising=False)
    monkeypatch.setenv("LW_WATCHLIST", str(tmp_path / "watchlist.csv"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def http_receiver() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.requests, server.status = [], {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def smtp_sink() -> Iterator[tuple[Sink, int]]:
    sink, port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    controller.stop()


def posts(server: ThreadingHTTPServer, prefix: str, ok_only: bool = True) -> list[tuple[dict, bytes]]:
    return [(h, b) for p, h, b, s in server.requests if p == prefix and (s == 200 or not ok_only)]


@pytest.fixture
def world(tmp_path: Path, settings: Settings) -> Settings:
    """45 days of two hubs, a civitai spike on DAY (with a hostile model name and a watchlisted person)."""
    from likeness_watch.store import open_store

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
    return settings


@pytest.fixture
def channels_env(monkeypatch, http_receiver, smtp_sink) -> None:
    host, port = http_receiver.server_address
    monkeypatch.setenv("LW_SLACK_WEBHOOK_URL", f"http://{host}:{port}/slack/{SLACK_TOKEN}")
    monkeypatch.setenv("LW_WEBHOOK_URL", f"http://{host}:{port}/hook")
    monkeypatch.setenv("LW_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("LW_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LW_SMTP_PORT", str(smtp_sink[1]))
    monkeypatch.setenv("LW_SMTP_TLS", "none")
    monkeypatch.setenv("LW_SMTP_TO", "tns@example.org")


def test_every_channel_receives_escaped_signed_alerts(world, channels_env, http_receiver, smtp_sink):
    alerts = run_alerts(Settings(), DAY)
    assert {a.kind for a in alerts} == {"spike", "watchlist_match"}

    slack = posts(http_receiver, "/slack")
    assert len(slack) == len(alerts)
    slack_bodies = b"".join(body for _, body in slack)
    assert b"<script>" not in slack_bodies and b"<!channel>" not in slack_bodies
    assert b"&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt;" in slack_bodies

    hooks = posts(http_receiver, "/hook")
    assert len(hooks) == len(alerts)
    for headers, body in hooks:
        now = json.loads(body)["sent_at"]
        assert verify_signature(SECRET, body, headers[SIGNATURE_HEADER], headers[TIMESTAMP_HEADER], now)
        assert b"<script>" not in body
    names = {m["name"] for _, b in hooks for m in json.loads(b)["alert"]["top_models"]}
    assert EVIL in names

    sink, _ = smtp_sink
    assert len(sink.messages) == len(alerts)
    messages = [BytesParser(policy=policy.default).parsebytes(raw) for raw in sink.messages]
    htmls = [message.get_body(("html",)).get_content() for message in messages]
    assert all("<script>" not in html for html in htmls)
    assert any("&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt;" in html for html in htmls)
    assert all(m["To"] == "tns@example.org" and m["Bcc"] is None for m in messages)

    outbox = sorted(p.name for p in Path(Settings().outbox).glob("*.json"))
    assert outbox == sorted(f"{a.alert_id}.json" for a in alerts)


def fast_channels(settings: Settings) -> dict:
    """The configured channels, Slack without in-run retries (keeps the backoff tests fast)."""
    channels = channels_from_settings(settings)
    assert settings.slack_webhook_url is not None
    channels["slack"] = SlackChannel(settings.slack_webhook_url, retries=0)
    return channels


def test_failing_channel_does_not_block_others_and_is_retried_after_backoff(
    world, channels_env, http_receiver, smtp_sink, caplog
):
    http_receiver.status["/slack"] = 503  # Slack down for a while
    channels = fast_channels(Settings())
    first = run_alerts_range(Settings(), DAY, DAY, now=T0, channels=channels)
    n = len(first.alerts)
    assert first.delivery.delivered == {"webhook": n, "email": n}
    assert first.delivery.failed == {"slack": n}
    assert len(smtp_sink[0].messages) == n and len(posts(http_receiver, "/hook")) == n

    con = duckdb.connect(str(Settings().warehouse), read_only=True)
    errors = con.execute(
        "select distinct status, last_error from alert_deliveries where channel = 'slack'"
    ).fetchall()
    con.close()
    assert errors == [("failed", "HTTP 503: invalid_token")]
    assert "XXXXSECRET" not in caplog.text

    rerun = run_alerts_range(Settings(), DAY, DAY, now=T0 + timedelta(minutes=1), channels=channels)
    assert rerun.new == [] and rerun.delivery.delivered == {} and rerun.delivery.failed == {}
    assert len(smtp_sink[0].messages) == n and len(posts(http_receiver, "/hook")) == n

    http_receiver.status["/slack"] = 200
    later = run_alerts_range(Settings(), DAY, DAY, now=T0 + timedelta(minutes=6), channels=channels)
    assert later.delivery.delivered == {"slack": n}
    assert len(posts(http_receiver, "/slack")) == n
    assert len(smtp_sink[0].messages) == n and len(posts(http_receiver, "/hook")) == n

    again = run_alerts_range(Settings(), DAY, DAY, now=T0 + timedelta(hours=1), channels=channels)
    assert again.delivery.delivered == {} and len(http_receiver.requests) == 3 * n


def test_a_message_slack_refuses_is_recorded_as_rejected_and_not_retried(
    world, channels_env, http_receiver, smtp_sink
):
    http_receiver.status["/slack"] = 400  # e.g. invalid_blocks: sending it again cannot help
    first = run_alerts_range(Settings(), DAY, DAY, now=T0)
    n = len(first.alerts)
    assert first.delivery.rejected == {"slack": n} and first.delivery.failed == {}
    assert first.delivery.delivered == {"webhook": n, "email": n}
    assert len(posts(http_receiver, "/slack", ok_only=False)) == n  # one attempt each, no in-run retry
    con = duckdb.connect(str(Settings().warehouse), read_only=True)
    rows = con.execute(
        "select distinct status, attempts, last_error, next_attempt_at from alert_deliveries "
        "where channel = 'slack'"
    ).fetchall()
    con.close()
    assert rows == [("rejected", 1, "HTTP 400: invalid_token", None)]
    assert f"Rejected (not retried): slack {n}." in summary(first, dry_run=False, suppressed=False)

    later = run_alerts_range(Settings(), DAY, DAY, now=T0 + timedelta(days=2))
    assert later.delivery.rejected == {} and later.delivery.failed == {}
    assert len(posts(http_receiver, "/slack", ok_only=False)) == n


def test_transient_server_error_is_retried_within_the_run(world, channels_env, http_receiver):
    http_receiver.status["/hook"] = [503]  # first request fails, the retry succeeds
    run = run_alerts_range(Settings(), DAY, DAY, now=T0)
    assert run.delivery.failed == {}
    assert len(posts(http_receiver, "/hook", ok_only=False)) == len(run.alerts) + 1


def test_backfill_with_delivery_suppressed_records_but_never_sends(
    world, channels_env, http_receiver, smtp_sink
):
    backfill = run_alerts_range(Settings(), DAY - timedelta(days=5), DAY, suppress_delivery=True, now=T0)
    assert backfill.new and backfill.outbox
    later = run_alerts_range(Settings(), DAY, DAY, now=T0 + timedelta(days=1))
    assert later.new == [] and later.delivery.delivered == {}
    assert http_receiver.requests == [] and smtp_sink[0].messages == []


def test_cli_dry_run_prints_escaped_summary_and_records_nothing(world):
    result = CliRunner().invoke(main, ["alert", "--date", DAY.isoformat(), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "spike" in result.output and "watchlist_match" in result.output
    assert "Dry run: nothing recorded" in result.output
    con = duckdb.connect(str(Settings().warehouse), read_only=True)
    tables = {row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()}
    con.close()
    assert "alerts" not in tables
    assert not Path(Settings().outbox).exists()


def test_cli_runs_and_a_second_run_reports_nothing_new(world):
    first = CliRunner().invoke(main, ["alert", "--date", DAY.isoformat()])
    second = CliRunner().invoke(main, ["alert"])  # defaults to the latest day in the marts
    assert first.exit_code == second.exit_code == 0
    assert "3 alert(s), 3 new." in first.output
    assert "3 alert(s), 0 new." in second.output
    assert "Delivered: none." in first.output


def test_cli_user_errors_are_one_line(tmp_path, world, monkeypatch):
    missing = CliRunner().invoke(
        main, ["alert", "--date", "2025-05-10", "--warehouse", str(tmp_path / "x.duckdb")]
    )
    assert (
        missing.exit_code == 1
        and missing.output.count("\n") == 1
        and "likeness-watch build" in missing.output
    )
    monkeypatch.setenv("LW_ALERT_ROUTES", "pager=*")
    bad_route = CliRunner().invoke(main, ["alert", "--date", "2025-05-10"])
    assert (
        bad_route.exit_code == 1 and "bad route" in bad_route.output and "Traceback" not in bad_route.output
    )


def test_cli_reports_a_broken_watchlist_row_in_one_line(world):
    Path(Settings().watchlist).write_text("name,aliases\nMarisol Quenby,\nLee, Min,Lee Min\n")
    result = CliRunner().invoke(main, ["alert", "--date", DAY.isoformat(), "--dry-run"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.count("\n") == 1
    assert str(Settings().watchlist) in result.output and "line 3" in result.output
