"""Escaping of hub-provided strings, one function per rendering context.

Model names, targets and tags are written by anonymous hub users: each channel must render them
as inert text — no HTML, no Slack mentions or links, no e-mail headers, no terminal control codes
(those, and bidi overrides, are shown as visible escapes: ``likeness_watch.display``).
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from likeness_watch.display import visible

_BROADCASTS = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_WORD_JOINER = "\u2060"


def plain(text: object, limit: int | None = None) -> str:
    """Printable one-line text (``visible``: line breaks as spaces, control and bidi characters as
    escapes such as ``\x1b`` and ``\u202e``), cut to ``limit`` characters."""
    cleaned = visible(text)
    if limit is not None and len(cleaned) > limit:
        return cleaned[: limit - 1] + "…"
    return cleaned


def header(text: object, limit: int = 200) -> str:
    """A safe e-mail header value: one line (no CR/LF, so no header injection), bounded length,
    and no ``=?`` (the e-mail library would decode an RFC 2047 word such as ``=?utf-8?q?=0D=0A?=``
    back into CR/LF: CVE-2024-6923, fixed only in Python 3.11.10 and 3.12.5)."""
    return plain(text, limit).replace("=?", "= ?")


def html_text(text: object) -> str:
    """Text for an HTML body or attribute."""
    return html.escape(plain(text), quote=True)


def slack_text(text: object, limit: int | None = None) -> str:
    """Text inside Slack mrkdwn: ``& < >`` escaped as Slack documents, which also disarms
    ``<!channel>``, ``<!here>``, ``<@U…>`` and ``<url|label>``; bare ``@channel`` gets a word joiner.

    ``limit`` cuts the printable text *before* escaping (escaping lengthens it, up to 5×, and
    cutting after could split an entity)."""
    escaped = plain(text, limit).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCASTS.sub(lambda m: "@" + _WORD_JOINER + m.group(1), escaped)


def slack_link(url: str | None, label: object, limit: int | None = None) -> str:
    """A Slack link ``<url|label>`` (``limit``: of the label, as in ``slack_text``).

    The label may not contain ``|`` (it would end the URL part). In the URL ``& < >`` are
    escaped the way Slack documents (``&`` as ``&amp;``, which Slack turns back into ``&``, so every
    query parameter survives), ``< > |`` and anything unusual percent-encoded."""
    text = slack_text(label, limit).replace("|", "\u2223")
    if not url:
        return text
    return f"<{quote(plain(url), safe=':/._-~%+=?#&').replace('&', '&amp;')}|{text}>"


def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit for an ``href`` (anything else is dropped)."""
    if not url:
        return None
    cleaned = plain(url)
    return cleaned if cleaned.startswith(("https://", "http://")) else None


def json_for_html(serialised: str) -> str:
    """JSON with ``< > &`` as unicode escapes: the same data, but inert if a receiver pastes it into HTML."""
    return serialised.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
