"""E-mail over SMTP: multipart plain text + HTML, one message per alert.

Built with ``email.message.EmailMessage`` and every header value flattened to one line (with
no RFC 2047 encoded word the library would decode into a line break), so a model name cannot add
headers or recipients; a message whose headers still hold a line break is refused, never sent.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from pydantic import SecretStr

from likeness_watch.alerts import render
from likeness_watch.alerts.channels.base import DeliveryError, DeliveryRejected
from likeness_watch.alerts.escape import header
from likeness_watch.alerts.model import Alert
from likeness_watch.redaction import redact

TLS_MODES = ("starttls", "ssl", "none")


def build_message(alert: Alert, sender: str, recipients: Sequence[str], now: datetime) -> EmailMessage:
    """The message for one alert (pure); ``DeliveryRejected`` if a header would span lines."""
    message = EmailMessage()
    message["Subject"] = header(f"[Likeness Watch] {alert.severity.upper()} {alert.kind}: {alert.title}")
    message["From"] = header(sender)
    message["To"] = ", ".join(header(r) for r in recipients)
    for name in ("Subject", "From", "To"):
        if any(char in str(message[name]) for char in "\r\n"):  # as the library decoded it
            raise DeliveryRejected(f"e-mail {name} of alert {alert.alert_id} holds a line break: not sent")
    message["Date"] = format_datetime(now if now.tzinfo else now.replace(tzinfo=UTC))
    message["Message-ID"] = make_msgid(idstring=alert.alert_id, domain="likeness-watch.invalid")
    message["X-LikenessWatch-Alert-Id"] = alert.alert_id
    message.set_content(render.text(alert))
    message.add_alternative(render.html(alert), subtype="html")
    return message


class EmailChannel:
    """Sends through an SMTP relay (``tls``: starttls, ssl for port 465, or none for a local relay)."""

    name = "email"

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        recipients: Sequence[str],
        tls: str = "starttls",
        user: str | None = None,
        password: SecretStr | None = None,
        timeout_s: float = 15.0,
    ) -> None:
        if tls not in TLS_MODES:
            raise ValueError(f"SMTP tls must be one of {', '.join(TLS_MODES)}, not {tls!r}")
        if not recipients:
            raise ValueError("e-mail channel needs at least one recipient")
        self.host, self.port, self.tls, self.timeout_s = host, port, tls, timeout_s
        self.sender, self.recipients = sender, list(recipients)
        self._user, self._password = user, password

    def send(self, alert: Alert, now: datetime) -> None:
        message = build_message(alert, self.sender, self.recipients, now)
        password = self._password.get_secret_value() if self._password else None
        context = ssl.create_default_context()
        try:
            smtp_class = smtplib.SMTP_SSL if self.tls == "ssl" else smtplib.SMTP
            kwargs = {"context": context} if self.tls == "ssl" else {}
            with smtp_class(self.host, self.port, timeout=self.timeout_s, **kwargs) as smtp:
                if self.tls == "starttls":
                    smtp.starttls(context=context)
                if self._user and password:
                    smtp.login(self._user, password)
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            error = redact(f"SMTP {type(exc).__name__}: {exc}", [password])
            raise (DeliveryRejected if _permanent(exc) else DeliveryError)(error) from None


def _permanent(exc: Exception) -> bool:
    """Whether the server refused for good: a 5xx reply, which RFC 5321 says not to repeat
    unchanged (a refused recipient, sender, login or message; for recipients, when every one is
    refused so), or a server without STARTTLS. 4xx replies, timeouts and connection errors are
    transient."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return isinstance(exc, smtplib.SMTPNotSupportedError)
