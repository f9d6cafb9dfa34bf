"""Slack incoming webhook: one Block Kit message per alert.

Slack refuses a whole message (HTTP 400 ``invalid_blocks``) when a section's text exceeds 3000
characters or a field's 2000, so every hub string is cut before it is escaped (escaping lengthens
it) and the model list is cut to what fits, saying how many models were left out.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import SecretStr

from likeness_watch.alerts.channels.base import http_session, post
from likeness_watch.alerts.escape import safe_url, slack_link, slack_text
from likeness_watch.alerts.model import Alert, ModelRef
from likeness_watch.alerts.render import EVIDENCE_LABEL, NAME_LIMIT, TARGET_LIMIT, facts, nsfw

_SEVERITY_EMOJI = {
    "low": ":information_source:",
    "medium": ":warning:",
    "high": ":rotating_light:",
    "critical": ":red_circle:",
}
TITLE_LIMIT = 150
"""Characters of the alert title shown (it may hold a hub-provided target name)."""
VALUE_LIMIT = 200
"""Characters of a fact's value (hub, alert id: ours, but bounded all the same)."""
SECTION_LIMIT = 3000
"""Slack's limit on a section's text."""
LINK_LIMIT = 1500
"""A model link longer than this once encoded is shown as its name only."""


def _model_line(model: ModelRef) -> str:
    """One model in mrkdwn, at most about 2200 characters however long the hub's strings."""
    link = slack_link(safe_url(model.url), model.name, NAME_LIMIT)
    if len(link) > LINK_LIMIT:
        link = slack_link(None, model.name, NAME_LIMIT)
    line = f"• {link} [{slack_text(model.hub, 40)}]"
    if model.target:
        line += f" · target: {slack_text(model.target, TARGET_LIMIT)}"
    return f"{line} · NSFW intent: {nsfw(model)}"


def _capped(heading: str, lines: list[str], limit: int = SECTION_LIMIT) -> str:
    """``heading`` and the first lines that fit in ``limit`` characters, then "+N more"."""
    for shown in range(len(lines), -1, -1):
        rest = len(lines) - shown
        text = "\n".join([heading, *lines[:shown], *([f"+{rest} more"] if rest else [])])
        if len(text) <= limit:
            return text
    return heading[:limit]


def slack_payload(alert: Alert) -> dict[str, Any]:
    """Block Kit body; every hub string cut and escaped for mrkdwn, the fallback ``text`` included."""
    title = f"{_SEVERITY_EMOJI.get(alert.severity, '')} *{slack_text(alert.title, TITLE_LIMIT)}*".strip()
    fields = [
        {"type": "mrkdwn", "text": f"*{label}:*\n{slack_text(value, VALUE_LIMIT)}"}
        for label, value in facts(alert)
    ]
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": title}},
        {"type": "section", "fields": fields[:10]},
    ]
    if alert.top_models:
        lines = [_model_line(model) for model in alert.top_models]
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _capped("*Top models*", lines)}})
    if evidence := safe_url(alert.evidence_url):
        link = slack_link(evidence, EVIDENCE_LABEL)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": link}})
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Likeness Watch · public metadata only"}]}
    )
    return {
        "text": slack_text(alert.title, TITLE_LIMIT),
        "blocks": blocks,
        "unfurl_links": False,
        "unfurl_media": False,
    }


class SlackChannel:
    """Posts to a Slack incoming-webhook URL (the URL is the secret)."""

    name = "slack"

    def __init__(self, webhook_url: SecretStr, retries: int = 2) -> None:
        self._url = webhook_url
        self._session = http_session(retries)

    def send(self, alert: Alert, now: datetime) -> None:
        body = json.dumps(slack_payload(alert), ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-LikenessWatch-Alert-Id": alert.alert_id,
        }
        post(self._session, self._url.get_secret_value(), body, headers)
