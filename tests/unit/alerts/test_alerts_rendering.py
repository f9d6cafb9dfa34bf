"""Hub strings arrive inert in every rendering: Slack, HTML e-mail, headers, JSON, terminal."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from email import policy
from email.parser import BytesParser

from likeness_watch.alerts import render
from likeness_watch.alerts.channels.outbox import write_outbox
from likeness_watch.alerts.channels.slack import slack_payload
from likeness_watch.alerts.channels.smtp import build_message
from likeness_watch.alerts.channels.webhook import signed_request
from likeness_watch.alerts.escape import plain, slack_link, slack_text
from likeness_watch.alerts.model import Alert, ModelRef

EVIL = "<script>alert(1)</script> <!channel>"
NOW = datetime(2025, 5, 2, 6, 0, tzinfo=UTC)


def evil_alert() -> Alert:
    model = ModelRef(
        "civitai", "123", EVIL + " <@U024BE7LH> @here", "https://civitai.com/models/123", "Tar<get>", True
    )
    return Alert(
        kind="spike",
        hub="civitai",
        day=date(2025, 5, 1),
        severity="high",
        title=f"Spike: {EVIL}\r\nBcc: victim@example.org",
        observed=20,
        expected=3,
        p_value=1e-9,
        top_models=(model,),
    )


def test_slack_text_disarms_html_mentions_links_and_broadcasts():
    assert slack_text("<!channel> <@U1> <https://x|y> & @here @everyone") == (
        "&lt;!channel&gt; &lt;@U1&gt; &lt;https://x|y&gt; &amp; @\u2060here @\u2060everyone"
    )
    assert slack_link("https://h/x?a=1>&b", "a|b>") == "<https://h/x?a=1%3E%26b|a\u2223b&gt;>"


def test_slack_payload_contains_no_raw_markup_from_hub_strings():
    body = json.dumps(slack_payload(evil_alert()))
    for raw in ("<script>", "<!channel>", "<@U024BE7LH>", "@here"):
        assert raw not in body
    assert "&lt;script&gt;" in body
    assert "<https://civitai.com/models/123|" in body


def test_email_has_escaped_html_and_no_injected_headers():
    message = build_message(evil_alert(), "lw@example.org", ["tns@example.org"], NOW)
    parsed = BytesParser(policy=policy.default).parsebytes(message.as_bytes())
    assert parsed["Bcc"] is None
    assert "\n" not in parsed["Subject"] and "Bcc: victim" in parsed["Subject"]
    html = parsed.get_body(("html",)).get_content()
    text = parsed.get_body(("plain",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert EVIL in text  # plain text is inert as it is
    assert parsed["X-LikenessWatch-Alert-Id"] == evil_alert().alert_id


def test_json_bodies_carry_the_exact_string_without_literal_markup(tmp_path):
    body, _ = signed_request(evil_alert(), "s3cret", NOW)
    assert b"<script>" not in body
    assert json.loads(body)["alert"]["top_models"][0]["name"].startswith(EVIL)
    path = write_outbox(tmp_path, [evil_alert()])[0]
    assert "<script>" not in path.read_text()
    assert json.loads(path.read_text())["title"].startswith("Spike: " + EVIL)


def test_terminal_text_drops_control_and_bidi_characters():
    assert plain("a\x1b[31mred\u202eevil\r\nnext") == "a [31mredevil next"
    assert "\r" not in render.text(evil_alert())


def test_outbox_rewrites_identically_and_leaves_no_temp_files(tmp_path):
    first = write_outbox(tmp_path, [evil_alert()])[0].read_bytes()
    second = write_outbox(tmp_path, [evil_alert()])[0].read_bytes()
    assert first == second
    assert [p.name for p in tmp_path.iterdir()] == [f"{evil_alert().alert_id}.json"]


def test_html_links_only_to_web_pages():
    alert = evil_alert()
    bad = Alert(**{**alert.__dict__, "top_models": (ModelRef("x", "1", "n", "javascript:alert(1)"),)})
    assert "javascript:" not in render.html(bad)
    assert 'href="https://civitai.com/models/123"' in render.html(alert)
