"""Alert channels from Airflow connections, read through the provider hooks.

``lw_slack`` (slackwebhook), ``lw_webhook`` (http, password = HMAC secret) and ``lw_smtp``
(smtp, extra ``to``) each replace the channel of the same name configured by ``LW_*`` env vars.
The Slack and SMTP providers' hooks interpret their connections (token or full URL, host,
``disable_ssl``/``disable_tls``, ``from_email``, ``timeout``), so a connection means here what it
means to any other Airflow task. Delivery stays with the channels: they keep the alert id header,
permanent/transient classification and secret redaction that the hooks' own senders do not have.
Connections are read only when a task runs, never at DAG parse.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from pydantic import SecretStr, TypeAdapter, ValidationError

from likeness_watch.alerts.channels.base import Channel
from likeness_watch.alerts.channels.config import ChannelConfigError, channels_from_settings
from likeness_watch.alerts.channels.slack import SlackChannel
from likeness_watch.alerts.channels.smtp import EmailChannel
from likeness_watch.alerts.channels.webhook import WebhookChannel
from likeness_watch.settings import Recipients, Settings, describe

log = logging.getLogger(__name__)

SLACK_CONN_ID = "lw_slack"
WEBHOOK_CONN_ID = "lw_webhook"
SMTP_CONN_ID = "lw_smtp"

_RECIPIENTS = TypeAdapter(Recipients)


def _recipients(conn_id: str, text: str) -> list[str]:
    """A connection's comma-separated ``to``, validated like ``LW_SMTP_TO``."""
    try:
        return _RECIPIENTS.validate_python(text)
    except ValidationError as exc:
        raise ChannelConfigError(f"connection {conn_id}: {describe(exc, prefix='extra to')}") from None


def slack_from_connection(conn: Any) -> SlackChannel:
    """``slackwebhook`` connection: the webhook URL as ``SlackWebhookHook`` builds it."""
    from airflow.providers.slack.hooks.slack_webhook import SlackWebhookHook
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        url = SlackWebhookHook(slack_webhook_conn_id=conn.conn_id).get_conn().url
    except AirflowNotFoundException:  # the hook's word for a connection without a token
        message = f"connection {conn.conn_id}: the webhook token (password) is empty"
        raise ChannelConfigError(message) from None
    return SlackChannel(SecretStr(url))


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
    """``smtp`` connection as ``SmtpHook`` reads it; recipients in extra ``to`` (comma-separated)."""
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    recipients = _recipients(conn.conn_id, str(conn.extra_dejson.get("to", "")))
    hook = SmtpHook(smtp_conn_id=conn.conn_id)
    hook.smtp_connection = conn  # what the hook's get_conn() loads, without logging in to the server
    if not hook.host or not recipients:
        raise ChannelConfigError(f"connection {conn.conn_id}: host and extra 'to' (recipients) are required")
    tls = "ssl" if hook.use_ssl else "starttls" if hook.smtp_starttls else "none"
    return EmailChannel(
        hook.host,
        hook.port or (465 if tls == "ssl" else 587),
        hook.from_email or "likeness-watch@localhost",
        recipients,
        tls=tls,
        user=hook.smtp_user or None,
        password=SecretStr(hook.smtp_password) if hook.smtp_password else None,
        timeout_s=hook.timeout,
    )


_BUILDERS: dict[str, tuple[str, Callable[[Any], Channel]]] = {
    "slack": (SLACK_CONN_ID, slack_from_connection),
    "webhook": (WEBHOOK_CONN_ID, webhook_from_connection),
    "email": (SMTP_CONN_ID, email_from_connection),
}


def channels_from_connections(settings: Settings) -> dict[str, Channel]:
    """Inside an Airflow task: the ``lw_*`` connections, each falling back to the ``LW_*`` env
    configuration when the connection is not defined."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    channels = channels_from_settings(settings)
    for name, (conn_id, build) in _BUILDERS.items():
        try:
            conn = Connection.get(conn_id)
        except AirflowNotFoundException:
            continue
        channels[name] = build(conn)
        log.info("alert channel %s configured from connection %s", name, conn_id)
    return channels
