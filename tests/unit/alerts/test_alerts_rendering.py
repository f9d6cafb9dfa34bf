"""Hub strings arrive inert in every rendering: Slack, HTML e-mail, headers, JSON, terminal; control
and bidi characters are shown escaped to people, kept raw in the data."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from email import policy
from email.parser import BytesParser

import pytest

from likeness_watch.alerts import render
from likeness_watch.alerts.channels.base import DeliveryRejected
from likeness_watch.alerts.channels.outbox import write_outbox
from likeness_watch.alerts.channels.slack import slack_payload
from likeness_watch.alerts.channels.smtp import build_message
from likeness_watch.alerts.channels.webhook import signed_request
from likeness_watch.alerts.command import summary
from likeness_watch.alerts.escape import header, plain, slack_link, slack_text
from likeness_watch.alerts.model import Alert, ModelRef
from likeness_watch.alerts.run import AlertRun

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
    assert slack_link("https://h/x?a=1>&b", "a|b>") == "<https://h/x?a=1%3E&amp;b|a\u2223b&gt;>"


def test_slack_link_keeps_every_query_parameter():
    """Slack unescapes ``&amp;`` in a link's URL; a percent-encoded ``&`` would merge the parameters."""
    assert slack_link("https://h/x?a=1&b=2&c=3", "n") == "<https://h/x?a=1&amp;b=2&amp;c=3|n>"
    assert slack_link("https://h/x?a=<1>|2", "n") == "<https://h/x?a=%3C1%3E%7C2|n>"


def long_alert(n_models: int = 5) -> Alert:
    hostile = "A" * 600 + " <@U123> @here <!channel> & x"
    models = tuple(
        ModelRef("civitai", str(i), "&" * 600, f"https://civitai.com/models/{i}?a=1&b=2", hostile, True)
        for i in range(n_models)
    )
    return Alert(kind="target_cluster", hub="all", day=date(2025, 5, 1), severity="high",
                 title=f"5 new likeness models of {hostile * 3} & more", observed=5, expected=3,
                 subject="k", top_models=models)  # fmt: skip


def test_slack_sections_stay_within_slack_limits_however_long_and_escaped_the_names():
    payload = slack_payload(long_alert())
    texts = [block["text"]["text"] for block in payload["blocks"] if "text" in block]
    assert texts and all(len(text) <= 3000 for text in texts)
    assert all(len(f["text"]) <= 2000 for block in payload["blocks"] for f in block.get("fields", []))
    assert len(payload["text"]) <= 3000
    models = next(text for text in texts if text.startswith("*Top models*"))
    lines = models.split("\n")[1:]
    assert lines[-1].startswith("+") and lines[-1].endswith("more")
    shown = len(lines) - 1
    assert 0 < shown < 5 and lines[-1] == f"+{5 - shown} more"
    # cut before escaping: whole entities, the printable value bounded, the cut marked
    assert "|" + "&amp;" * 119 + "\u2026>" in models
    assert "&a\u2026" not in models and "&amp;" * 121 not in models
    title = texts[0]
    assert title.endswith("\u2026*") and len(title) < 5 * 150 + 50


def test_slack_lists_all_models_when_they_fit():
    alert = Alert(**{**long_alert().__dict__, "top_models": tuple(
        ModelRef("civitai", str(i), f"Model {i} & co", f"https://civitai.com/models/{i}") for i in range(5)
    )})  # fmt: skip
    models = slack_payload(alert)["blocks"][2]["text"]["text"]
    assert models.count("\u2022") == 5 and "more" not in models
    assert "<https://civitai.com/models/0|Model 0 &amp; co>" in models


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


def test_email_subject_cannot_smuggle_headers_in_encoded_words():
    """CVE-2024-6923: the e-mail library decodes RFC 2047 words in a header value into raw CRLF."""
    words = "=?utf-8?b?" + base64.b64encode(b"x\r\nBcc: evil@x.com").decode() + "?="
    for title in ("=?utf-8?q?hi=0D=0ABcc:_evil@x.com?=", words):
        alert = Alert(**{**evil_alert().__dict__, "title": title})
        message = build_message(alert, "lw@example.org", ["tns@example.org"], NOW)
        parsed = BytesParser(policy=policy.default).parsebytes(message.as_bytes())
        assert parsed["Bcc"] is None and "\n" not in parsed["Subject"] and "\r" not in parsed["Subject"]
        assert "=?" not in header(title)


def test_a_subject_with_a_line_break_is_refused_not_sent(monkeypatch):
    from likeness_watch.alerts.channels import smtp

    monkeypatch.setattr(smtp, "header", lambda text: str(text))  # as if escaping had been bypassed
    alert = Alert(**{**evil_alert().__dict__, "title": "=?utf-8?q?hi=0D=0ABcc:_evil@x.com?="})
    with pytest.raises(DeliveryRejected, match="line break"):
        build_message(alert, "lw@example.org", ["tns@example.org"], NOW)


def test_json_bodies_carry_the_exact_string_without_literal_markup(tmp_path):
    body, _ = signed_request(evil_alert(), "s3cret", NOW)
    assert b"<script>" not in body
    assert json.loads(body)["alert"]["top_models"][0]["name"].startswith(EVIL)
    path = write_outbox(tmp_path, [evil_alert()])[0]
    assert "<script>" not in path.read_text()
    assert json.loads(path.read_text())["title"].startswith("Spike: " + EVIL)


def test_terminal_text_shows_control_and_bidi_characters_escaped_on_one_line():
    assert plain("a\x1b[31mred\u202eevil\r\nnext") == "a\\x1b[31mred\\u202eevil next"
    assert "\r" not in render.text(evil_alert())


SPOOFED = "Jane\u202eAoD\u202c \x1b[2Jfake\x00\u2066x\u2069"
"""A right-to-left override makes "AoD" read "DoA"; ESC [2J clears a terminal; NUL cuts C strings."""
SHOWN = "Jane\\u202eAoD\\u202c \\x1b[2Jfake\\x00\\u2066x\\u2069"
RAW = ("\u202e", "\u202c", "\x1b", "\x00", "\u2066", "\u2069")


def spoofed_alert() -> Alert:
    model = ModelRef("civitai", "7", SPOOFED, "https://civitai.com/models/7", SPOOFED, True)
    return Alert(kind="watchlist_match", hub="civitai", day=date(2025, 5, 1), severity="high",
                 title=f"Watchlist match on civitai: 1 new model(s) naming {SPOOFED}", observed=1,
                 subject="jane", top_models=(model,))  # fmt: skip


def test_slack_shows_control_and_bidi_characters_escaped():
    body = json.loads(json.dumps(slack_payload(spoofed_alert())))
    texts = [body["text"]] + [block["text"]["text"] for block in body["blocks"] if "text" in block]
    shown = "\n".join(texts)
    assert not any(raw in shown for raw in RAW)
    assert SHOWN in body["text"] and shown.count(SHOWN) == 4  # fallback, title, model name and target


def test_email_shows_control_and_bidi_characters_escaped_in_subject_text_and_html():
    message = build_message(spoofed_alert(), "lw@example.org", ["tns@example.org"], NOW)
    parsed = BytesParser(policy=policy.default).parsebytes(message.as_bytes())
    parts = [
        parsed["Subject"],
        parsed.get_body(("plain",)).get_content(),
        parsed.get_body(("html",)).get_content(),
    ]
    for part in parts:
        assert not any(raw in part for raw in RAW) and SHOWN in part


def test_webhook_title_is_shown_escaped_and_the_data_stays_raw(tmp_path):
    body, _ = signed_request(spoofed_alert(), "s3cret", NOW)
    alert = json.loads(body)["alert"]
    assert alert["title"].endswith(SHOWN) and not any(raw in alert["title"] for raw in RAW)
    assert alert["top_models"][0]["name"] == SPOOFED and alert["top_models"][0]["target"] == SPOOFED
    outbox = json.loads(write_outbox(tmp_path, [spoofed_alert()])[0].read_text())
    assert outbox["title"].endswith(SPOOFED) and outbox["top_models"][0]["name"] == SPOOFED


def test_cli_summary_shows_control_and_bidi_characters_escaped():
    text = summary(AlertRun([spoofed_alert()], [spoofed_alert()]), dry_run=True, suppressed=False)
    assert not any(raw in text for raw in RAW) and SHOWN in text


def test_outbox_rewrites_identically_and_leaves_no_temp_files(tmp_path):
    outbox = tmp_path / "outbox"
    first = write_outbox(outbox, [evil_alert()])[0].read_bytes()
    second = write_outbox(outbox, [evil_alert()])[0].read_bytes()
    assert first == second
    assert [p.name for p in outbox.iterdir()] == [f"{evil_alert().alert_id}.json"]


def test_html_links_only_to_web_pages():
    alert = evil_alert()
    bad = Alert(**{**alert.__dict__, "top_models": (ModelRef("x", "1", "n", "javascript:alert(1)"),)})
    assert "javascript:" not in render.html(bad)
    assert 'href="https://civitai.com/models/123"' in render.html(alert)


EVIDENCE = "https://lw.example.org/evidence/20250501-spike-civitai-0123456789ab/index.html?a=1&b=2"


def test_every_channel_links_the_evidence_pack_when_the_alert_has_one():
    linked = replace(evil_alert(), evidence_url=EVIDENCE)
    assert f"Evidence pack: {EVIDENCE}" in render.text(linked)
    assert '<a href="https://lw.example.org/evidence/' in render.html(linked)
    assert "?a=1&amp;b=2" in render.html(linked)  # escaped in the attribute
    sections = [block["text"]["text"] for block in slack_payload(linked)["blocks"] if "text" in block]
    assert slack_link(EVIDENCE, "Evidence pack") in sections
    body, _ = signed_request(linked, "k" * 16, NOW)
    assert json.loads(body)["alert"]["evidence_url"] == EVIDENCE
    message = build_message(linked, "lw@example.org", ["tns@example.org"], NOW)
    assert EVIDENCE in message.get_body(("plain",)).get_content()


def test_without_a_pack_no_channel_shows_a_link_and_the_recorded_payload_has_none():
    alert = evil_alert()
    assert "Evidence pack" not in render.text(alert) + render.html(alert) + json.dumps(slack_payload(alert))
    assert "evidence_url" not in alert.to_dict()  # history payloads and outbox files are unchanged
    body, _ = signed_request(alert, "k" * 16, NOW)
    assert "evidence_url" not in json.loads(body)["alert"]
    unsafe = replace(alert, evidence_url="javascript:alert(1)")
    assert "javascript:" not in render.html(unsafe) + render.text(unsafe) + json.dumps(slack_payload(unsafe))
