"""Build the configured channels from ``Settings`` (CLI, env).

Inside Airflow, ``likeness_watch.orchestration.channels`` builds the same channel objects from
connections (falling back to these), so the CLI and the DAG deliver identically.
"""

from __future__ import annotations

from likeness_watch.alerts.channels.base import Channel
from likeness_watch.alerts.channels.slack import SlackChannel
from likeness_watch.alerts.channels.smtp import EmailChannel
from likeness_watch.alerts.channels.webhook import WebhookChannel
from likeness_watch.settings import Settings


class ChannelConfigError(ValueError):
    """A channel is half-configured (e.g. a webhook URL without its signing secret)."""


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
        if (settings.smtp_user is None) != (settings.smtp_password is None):
            raise ChannelConfigError("LW_SMTP_USER and LW_SMTP_PASSWORD go together: set both or neither")
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
