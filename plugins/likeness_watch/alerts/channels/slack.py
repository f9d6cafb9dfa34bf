"""Slack incoming webhook: one Block Kit message per alert."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import SecretStr

from likeness_watch.alerts.channels.base import http_session, post
from likeness_watch.alerts.escape import safe_url, slack_link, slack_text
from likeness_watch.alerts.model import Alert
from likeness_watch.alerts.render import facts

_SEVERITY_EMOJI = {
    "low": ":information_source:",
    "medium": ":warning:",
    "high": ":rotating_light:",
    "critical": ":red_circle:",
}


def slack_payload(alert: Alert) -> dict[str, Any]:
    """Block Kit body; every hub string escaped for mrkdwn, the fallback ``text`` included."""
    title = f"{_SEVERITY_EMOJI.get(alert.severity, '')} *{slack_text(alert.title)}*".strip()
    fields = [{"type": "mrkdwn", "text": f"*{label}:*\n{slack_text(value)}"} for label, value in facts(alert)]
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": title}},
        {"type": "section", "fields": fields[:10]},
    ]
    if alert.top_models:
        lines = []
        for model in alert.top_models:
            line = f"• {slack_link(safe_url(model.url), model.name)} [{slack_text(model.hub)}]"
            if model.target:
                line += f" · target: {slack_text(model.target)}"
            nsfw = "unknown" if model.nsfw_intent is None else ("yes" if model.nsfw_intent else "no")
            lines.append(f"{line} · NSFW intent: {nsfw}")
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": "*Top models*\n" + "\n".join(lines)}}
        )
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Likeness Watch · public metadata only"}]}
    )
    return {"text": slack_text(alert.title), "blocks": blocks, "unfurl_links": False, "unfurl_media": False}


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
