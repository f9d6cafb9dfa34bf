"""End to end: marts + raw manifests → alerts delivered to real receivers on 127.0.0.1.

An HTTP server plays Slack and the generic webhook (and checks the HMAC), aiosmtpd plays the
SMTP relay. Covers: every channel receives the alert with hub strings escaped, one failing channel
does not block the others, a rerun sends nothing new, a failed delivery is retried after its
backoff, backfills with delivery suppressed send nothing, and the CLI summary.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import datetime, timedelta
from email import policy
from email.parser import BytesParser
from http.server import ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from likeness_watch.alerts.channels.config import channels_from_settings
from likeness_watch.alerts.channels.slack import SlackChannel
from likeness_watch.alerts.channels.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_signature
from likeness_watch.alerts.command import summary
from likeness_watch.alerts.run import run_alerts, run_alerts_range
from likeness_watch.cli import main
from likeness_watch.settings import Settings
from tests.integration.alert_world import DAY, EVIL, write_alert_world
from tests.integration.alert_world import http_receiver as receiving

SECRET = "whsec-test"
SLACK_TOKEN = "T000/B000/XXXXSECRET"
T0 = datetime(2025, 5, 11, 6, 0)


class Sink:
    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.refuse: str | None = None
        """A reply to every RCPT TO instead of accepting it."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # noqa: N802
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

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
    with receiving() as server:
        yield server


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
    write_alert_world(settings)
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

    con = duckdb.connect(str(Settings().state), read_only=True)
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


def deliveries(channel: str) -> list[tuple]:
    con = duckdb.connect(str(Settings().state), read_only=True)
    rows = con.execute(
        "select distinct status, attempts, last_error, next_attempt_at from alert_deliveries d "
        "join alerts a using (alert_id) where d.channel = ? and a.kind <> 'channel_failed'",
        [channel],
    ).fetchall()
    con.close()
    return rows


def test_a_gone_slack_webhook_is_dead_lettered_and_raises_channel_failed_on_the_other_channels(
    world, channels_env, http_receiver, smtp_sink
):
    http_receiver.status["/slack"] = 404  # Slack: no_service, the webhook was removed
    first = run_alerts_range(Settings(), DAY, DAY, now=T0)
    n = len(first.alerts)
    assert first.delivery.dead_lettered == {"slack": n} and first.delivery.failed == {}
    assert len(posts(http_receiver, "/slack", ok_only=False)) == n  # one attempt each, no in-run retry
    assert deliveries("slack") == [("dead_letter", 1, "HTTP 404: no_service (refused)", None)]

    [raised] = first.delivery.raised
    assert (raised.kind, raised.subject, raised.observed) == ("channel_failed", "slack", n)
    assert first.delivery.delivered == {"webhook": n + 1, "email": n + 1}
    hooks = [json.loads(body)["alert"] for _, body in posts(http_receiver, "/hook")]
    assert [a["alert_id"] for a in hooks if a["kind"] == "channel_failed"] == [raised.alert_id]
    assert "no_service" in hooks[-1]["title"] and SLACK_TOKEN not in hooks[-1]["title"]
    subjects = [BytesParser(policy=policy.default).parsebytes(m)["Subject"] for m in smtp_sink[0].messages]
    assert sum("channel_failed" in subject for subject in subjects) == 1
    assert (Path(Settings().outbox) / f"{raised.alert_id}.json").is_file()
    text = summary(first, dry_run=False, suppressed=False)
    assert f"Dead-lettered (not retried): slack {n}." in text and "Raised: Alert channel slack failed" in text

    later = run_alerts_range(Settings(), DAY, DAY, now=T0 + timedelta(days=2))
    assert later.delivery.dead_lettered == {} and later.delivery.failed == {} and later.delivery.raised == []
    assert len(posts(http_receiver, "/slack", ok_only=False)) == n
    assert len(posts(http_receiver, "/hook")) == n + 1 and len(smtp_sink[0].messages) == n + 1


def test_an_smtp_server_refusing_the_recipient_is_dead_lettered_and_raises_channel_failed(
    world, channels_env, http_receiver, smtp_sink
):
    smtp_sink[0].refuse = "550 5.1.1 <tns@example.org>: Recipient address rejected: User unknown"
    first = run_alerts_range(Settings(), DAY, DAY, now=T0)
    n = len(first.alerts)
    assert first.delivery.dead_lettered == {"email": n} and first.delivery.failed == {}
    [(status, attempts, error, retry_at)] = deliveries("email")
    assert (status, attempts, retry_at) == ("dead_letter", 1, None)
    assert error.startswith("SMTP SMTPRecipientsRefused: ") and "550" in error and error.endswith("(refused)")
    assert first.delivery.delivered == {"slack": n + 1, "webhook": n + 1}
    slack = b"".join(body for _, body in posts(http_receiver, "/slack"))
    assert b"Alert channel email failed" in slack

    smtp_sink[0].refuse = None  # fixed: dead letters wait for a re-queue by hand, nothing resent
    later = run_alerts_range(Settings(), DAY, DAY, now=T0 + timedelta(days=2))
    assert later.delivery.delivered == {} and smtp_sink[0].messages == []


def test_an_smtp_server_that_is_busy_is_retried_not_dead_lettered(world, channels_env, smtp_sink):
    smtp_sink[0].refuse = "450 4.2.1 Mailbox busy, try again later"
    first = run_alerts_range(Settings(), DAY, DAY, now=T0)
    assert first.delivery.failed == {"email": len(first.alerts)} and first.delivery.dead_lettered == {}
    assert {row[0] for row in deliveries("email")} == {"failed"}


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
    for path in (Settings().warehouse, Settings().state):
        if path.exists():
            con = duckdb.connect(str(path), read_only=True)
            tables = {name for (name,) in con.execute("select table_name from duckdb_tables()").fetchall()}
            alerts = con.execute("select count(*) from alerts").fetchone() if "alerts" in tables else (0,)
            con.close()
            assert alerts == (0,)
    assert not Path(Settings().outbox).exists()


def test_a_full_rebuild_then_an_alert_run_records_and_sends_nothing_new(
    world, channels_env, http_receiver, smtp_sink
):
    """Delete the warehouse and build it again: the history, in the state store, survives."""
    first = CliRunner().invoke(main, ["alert", "--date", DAY.isoformat()])
    assert first.exit_code == 0 and "3 alert(s), 3 new." in first.output, first.output
    sent = len(http_receiver.requests), len(smtp_sink[0].messages)
    outbox = sorted(Path(Settings().outbox).iterdir())
    marts = duckdb.connect(str(world.warehouse), read_only=True)
    daily, models = marts.sql("from mart_likeness_daily").df(), marts.sql("from dim_model").df()
    marts.close()
    world.warehouse.unlink()
    rebuilt = duckdb.connect(str(world.warehouse))  # the same marts, built again from the raw layer
    for name, frame in (("mart_likeness_daily", daily), ("dim_model", models)):
        rebuilt.register("frame", frame)
        rebuilt.execute(f"create table {name} as from frame")
        rebuilt.unregister("frame")
    rebuilt.close()

    again = CliRunner().invoke(main, ["alert", "--date", DAY.isoformat()])
    assert again.exit_code == 0 and "3 alert(s), 0 new." in again.output, again.output
    assert "Delivered: none." in again.output
    assert (len(http_receiver.requests), len(smtp_sink[0].messages)) == sent == (6, 3)
    assert sorted(Path(Settings().outbox).iterdir()) == outbox
    con = duckdb.connect(str(Settings().state), read_only=True)
    assert con.execute("select count(*) from alerts").fetchone() == (3,)
    con.close()


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
