"""Text normalisation shared by the lexicon loader and the classifier, so both sides agree on words."""

from __future__ import annotations

import html
import re
import string
import unicodedata

_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^<>]*>")  # [^<>]: linear even on "<<<<…" (hostile input)
_WORD = re.compile(r"[^\W_]+")
_ASCII_BREAKS = str.maketrans(dict.fromkeys(string.punctuation, " "))
# Hub descriptions can be many kilobytes of HTML; the cues we read sit near the top.
DESCRIPTION_CHARS = 800
TITLE_CHARS = 500  # real titles are far shorter; bounds the work on hostile input


# Zero-width characters hide inside words to dodge keyword filters ("Mi\u200bna"): drop them. (Bidi
# controls such as U+202E wrap whole spans instead; they stay, and split words like punctuation.)
_INVISIBLE = dict.fromkeys([0x200B, 0x200C, 0x200D, *range(0x2060, 0x2065), 0xFEFF])


def visible(text: str) -> str:
    """NFKC with invisible characters removed (case kept, for display)."""
    return unicodedata.normalize("NFKC", text.translate(_INVISIBLE))


def normalise(text: str) -> str:
    """NFKC + casefold: full-width forms, ligatures and case variants compare equal."""
    return visible(text).casefold()


def strip_html(text: str) -> str:
    """Visible text of an HTML fragment (script/style bodies dropped, entities decoded)."""
    if "<" in text:
        if "<s" in text or "<S" in text:
            text = _SCRIPT_OR_STYLE.sub(" ", text)
        text = _TAG.sub(" ", text)
    return html.unescape(text) if "&" in text else text


def words(text: str) -> list[str]:
    """Normalised words; "-", "_" and punctuation are breaks, so "K-Pop" gives ["k", "pop"]."""
    if text.isascii():  # the common case, ~4x faster than the regex
        return text.lower().translate(_ASCII_BREAKS).split()
    return _WORD.findall(normalise(text))


def phrase(text: str) -> str:
    """A lexicon key: normalised words joined by single spaces."""
    return " ".join(words(text))


def description_words(description: str | None) -> list[str]:
    """Words of the first ``DESCRIPTION_CHARS`` characters of a (possibly HTML) description."""
    if not description:
        return []
    return words(strip_html(description[: DESCRIPTION_CHARS * 2])[:DESCRIPTION_CHARS])


def has_cjk(text: str) -> bool:
    return not text.isascii() and any(_is_cjk(char) for char in text)


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # kana
        or 0x3400 <= code <= 0x9FFF  # CJK ideographs (ext. A + unified)
        or 0xAC00 <= code <= 0xD7AF  # Hangul syllables
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
    )


def script_of(text: str) -> str | None:
    """ "hangul", "kana" (any kana present), "han" (ideographs only) or None for non-CJK text."""
    scripts = set()
    for char in text:
        code = ord(char)
        if 0xAC00 <= code <= 0xD7AF:
            scripts.add("hangul")
        elif 0x3040 <= code <= 0x30FF:
            scripts.add("kana")
        elif 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF:
            scripts.add("han")
        elif not char.isspace():
            return None
    if not scripts:
        return None
    if "hangul" in scripts:
        return "hangul" if scripts == {"hangul"} else None
    return "kana" if "kana" in scripts else "han"
