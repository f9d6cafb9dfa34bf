"""Hub strings shown to people: control and bidi characters written as visible escapes.

Model names are written by anonymous uploaders and can carry NUL, terminal escape sequences (ESC)
or right-to-left overrides and other bidi controls that make a name read as something else
(Trojan Source, CVE-2021-42574). Every human-facing output (the study report, Slack, e-mail, the
terminal, the webhook's title) shows them as ``\\x1b`` or ``\\u202e``: visible, so T&S sees that
a name was tampered with, where dropping them would hide it. The data (warehouse, outbox JSON,
CSV, the webhook's other fields) keeps the raw value. Shared by ``alerts`` and ``report``, which
do not import each other.
"""

from __future__ import annotations

import re
import unicodedata

_LAYOUT_WHITESPACE = re.compile(r"[\t\n\r ]+")
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
"""Controls, format characters (bidi embeddings, overrides and isolates, zero-width characters,
soft hyphen), lone surrogates, and the line and paragraph separators. Private-use and unassigned
code points are left alone: the latter include emoji newer than this Python's Unicode tables."""


def visible(text: object) -> str:
    """``text`` on one line with nothing hidden: runs of spaces, tabs and line breaks become one
    space, every other character of ``_ESCAPED_CATEGORIES`` its Python escape (``\\x00``,
    ``\\x1b``, ``\\u202e``, ``\\U000e0001``)."""
    flat = _LAYOUT_WHITESPACE.sub(" ", str(text)).strip(" ")
    if flat.isprintable():  # the common case: nothing to escape
        return flat
    return "".join(_shown(char) for char in flat)


def visible_block(text: object) -> str:
    """Preformatted ``text`` (pretty-printed JSON) with its line breaks and spaces kept, every other
    character of ``_ESCAPED_CATEGORIES`` (tabs and carriage returns included) its escape."""
    return "\n".join("".join(_shown(char) for char in line) for line in str(text).split("\n"))


def _shown(char: str) -> str:
    if unicodedata.category(char) not in _ESCAPED_CATEGORIES:
        return char
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
