"""Build the configured channels: from ``Settings`` (CLI, env) or from Airflow connections.

Both paths produce the same channel objects, so the CLI and the DAG deliver identically.
Connections are read only when a task runs (``channels_from_connections``), never at DAG parse.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import SecretStr, TypeAdapter, ValidationError

from likeness_watch.alerts.channels.base import Channel
from likeness_watch.alerts.channels.slack import SlackChannel
from likeness_watch.alerts.channels.smtp import EmailChannel
from likeness_watch.alerts.channels.webhook import WebhookChannel
from likeness_watch.settings import Recipients, Settings, describe

log = logging.getLogger(__name__)

SLACK_CONN_ID = "lw_slack"
WEBHOOK_CONN_ID = "lw_webhook"
SMTP_CONN_ID = "lw_smtp"


class ChannelConfigError(ValueError):
    """A channel is half-configured (e.g. a webhook URL without its signing secret)."""


_RECIPIENTS = TypeAdapter(Recipients)


def _recipients(conn_id: str, text: str) -> list[str]:
    """A connection's comma-separated ``to``, validated like ``LW_SMTP_TO``."""
    try:
        return _RECIPIENTS.validate_python(text)
    except ValidationError as exc:
        raise ChannelConfigError(f"connection {conn_id}: {describe(exc, prefix='extra to')}") from None


def channels_from_settings(settings: Settings) -> dict[str, Channel]:
    """Channels configured through ``LW_*`` env vars (none configured: an empty dict)."""
    channels: dict[str, Channel] = {}
    if settings.slack_webhook_url is not None:
        channels["slack"] = SlackChannel(settings.slack_webhook_url)
    if settings.webhook_url:
        if settings.webhook_secret is None:
            raise ChannelConfigError(
                "LW_WEBHOOK_URL is set but LW_WEBHOOK_SECRET is not: webhooks are always signed"
            )
        channels["webhook"] = WebhookChannel(settings.webhook_url, settings.webhook_secret)
    if settings.smtp_host:
        if not settings.smtp_to:
            raise ChannelConfigError("LW_SMTP_HOST is set but LW_SMTP_TO has no recipient")
        channels["email"] = EmailChannel(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_from,
            settings.smtp_to,
            tls=settings.smtp_tls,
            user=settings.smtp_user,
            password=settings.smtp_password,
        )
    return channels


def slack_from_connection(conn: Any) -> SlackChannel:
    """``slackwebhook`` connection, read like the Slack provider does: password = token or full URL."""
    token = (conn.password or "").strip()
    if not token:
        raise ChannelConfigError(f"connection {conn.conn_id}: the webhook token (password) is empty")
    if "://" in token:
        return SlackChannel(SecretStr(token))
    host = conn.host or "hooks.slack.com/services"
    base = host if "://" in host else f"{conn.schema or 'https'}://{host}"
    return SlackChannel(SecretStr(base.rstrip("/") + "/" + token.lstrip("/")))


def webhook_from_connection(conn: Any) -> WebhookChannel:
    """``http`` connection: host (or a full URL in host), port, extra ``endpoint``; password = HMAC secret."""
    if not conn.host or not conn.password:
        raise ChannelConfigError(f"connection {conn.conn_id}: host and password (HMAC secret) are required")
    base = conn.host if "://" in conn.host else f"{conn.schema or 'https'}://{conn.host}"
    if conn.port:
        base = f"{base.rstrip('/')}:{conn.port}"
    endpoint = str(conn.extra_dejson.get("endpoint", "")).lstrip("/")
    url = base.rstrip("/") + ("/" + endpoint if endpoint else "")
    return WebhookChannel(url, SecretStr(conn.password))


def email_from_connection(conn: Any) -> EmailChannel:
    """``smtp`` connection, read like the SMTP provider does (``disable_ssl``/``disable_tls``,
    ``from_email`` in extra); recipients in extra ``to`` (comma-separated)."""
    extra = conn.extra_dejson
    recipients = _recipients(conn.conn_id, str(extra.get("to", "")))
    if not conn.host or not recipients:
        raise ChannelConfigError(f"connection {conn.conn_id}: host and extra 'to' (recipients) are required")
    if not extra.get("disable_ssl", False):
        tls = "ssl"
    else:
        tls = "none" if extra.get("disable_tls", False) else "starttls"
    return EmailChannel(
        conn.host,
        int(conn.port or (465 if tls == "ssl" else 587)),
        str(extra.get("from_email") or "likeness-watch@localhost"),
        recipients,
        tls=tls,
        user=conn.login or None,
        password=SecretStr(conn.password) if conn.password else None,
    )


def channels_from_connections(settings: Settings) -> dict[str, Channel]:
    """Inside an Airflow task: ``lw_slack``, ``lw_webhook``, ``lw_smtp`` connections, each falling
    back to the ``LW_*`` env configuration when the connection is not defined."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    channels = channels_from_settings(settings)
    builders = {
        "slack": (SLACK_CONN_ID, slack_from_connection),
        "webhook": (WEBHOOK_CONN_ID, webhook_from_connection),
        "email": (SMTP_CONN_ID, email_from_connection),
    }
    for name, (conn_id, build) in builders.items():
        try:
            conn = Connection.get(conn_id)
        except AirflowNotFoundException:
            continue
        channels[name] = build(conn)
        log.info("alert channel %s configured from connection %s", name, conn_id)
    return channels
