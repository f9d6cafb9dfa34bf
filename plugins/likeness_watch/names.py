"""Name keys that survive how people are written on model hubs.

"Zoë Álvarez", "zoe_alvarez", "ZoeAlvarez LoRA", "zoealvarez" and "Álvarez Zoë" (family name
first) meet the same person, and "Zoya Alvarez", "Zoia Alvarez" and "Зоя Альварес" (romanised
"Zoia") meet each other. A key is built by transliterating to ASCII (``text_unidecode``, already
installed with Airflow; it also drops diacritics), splitting camel case, dropping punctuation,
lower-casing and folding common transliteration variants (both sides of a comparison are folded
alike). Folding cannot guess every romanisation: "Зоя" does not meet "Zoë" (that takes the name
in its original script as a watchlist alias). Matching is on whole tokens, so "Ann" never
matches inside "Joanna".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from text_unidecode import unidecode

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = re.compile(r"['`\u2019]")
_DOUBLED = re.compile(r"([a-z])\1+")
_SPELLING_FOLDS = (
    ("ph", "f"),
    ("kh", "h"),
    ("ck", "k"),
    ("ue", "u"),
    ("oe", "o"),
    ("ae", "a"),
    ("y", "i"),
    ("z", "s"),
    ("w", "v"),
    ("j", "i"),
)
"""Variants that transliteration produces for one name (Zoya/Zoia, Alvarez/Alvares, Müller/Mueller)."""
_TRAILING_H = re.compile(r"(?<=[aeiou])h$")
MIN_JOINED_LENGTH = 6
"""A name written without spaces ("emmastone") is matched only if it is at least this long."""


def _words(text: str | None) -> list[str]:
    """ASCII, lower-case words before folding."""
    if not text:
        return []
    ascii_text = _CAMEL.sub(" ", unidecode(unicodedata.normalize("NFKC", text))).lower()
    return [word for word in _NON_ALNUM.split(_APOSTROPHES.sub("", ascii_text)) if word]


@lru_cache(maxsize=1 << 16)
def tokens(text: str | None) -> tuple[str, ...]:
    """ASCII, lower-case, folded word tokens of a hub or watchlist string (cached: target names
    and trigger words repeat across thousands of models)."""
    return tuple(_fold(word) for word in _words(text))


def _fold(token: str) -> str:
    for variant, canonical in _SPELLING_FOLDS:
        token = token.replace(variant, canonical)
    return _TRAILING_H.sub("", _DOUBLED.sub(r"\1", token))


def name_key(text: str | None) -> str:
    """Order-insensitive key for grouping models by target ("Lee Min" = "Min Lee")."""
    return " ".join(sorted(tokens(text)))


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    width = len(needle)
    return any(haystack[i : i + width] == needle for i in range(len(haystack) - width + 1))


@dataclass(frozen=True)
class NameForm:
    """A person's name (or alias) as matched: its folded tokens, and the one-word forms a text
    may write it as ("sarahconnor", "connorsarah")."""

    tokens: tuple[str, ...]
    joined: frozenset[str]


def name_form(text: str | None) -> NameForm:
    """The match form of a watchlist name.

    A one-word text is folded as one word, which is not the same as folding its parts: "Sarah
    Connor" folds to ``sara conor`` but "sarahconnor" to ``sarahconor`` (the ``h`` is no longer
    final), "Philip Hansen" to ``filip hansen`` but "philiphansen" to ``filifansen`` (a ``ph``
    across the join). So each rotation of the words is joined both ways: folded tokens joined,
    and raw words joined then folded. Forms shorter than ``MIN_JOINED_LENGTH`` are not trusted.
    """
    words = _words(text)
    folded = tuple(_fold(word) for word in words)
    joined: set[str] = set()
    if len(words) > 1:
        for raw, order in zip(_rotations(tuple(words)), _rotations(folded), strict=True):
            joined |= {"".join(order), _fold("".join(raw))}
    return NameForm(folded, frozenset(form for form in joined if len(form) >= MIN_JOINED_LENGTH))


def lookup_keys(name: NameForm) -> set[str]:
    """Tokens at least one of which any text naming the person must contain: its own tokens
    (spaced forms) and its one-word forms."""
    return set(name.tokens) | name.joined


def _rotations(name_tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Given-name-first and family-name-first orders ("Zoe Alvarez Brun", "Alvarez Brun Zoe")."""
    return [name_tokens[i:] + name_tokens[:i] for i in range(len(name_tokens))]


def mentions(text_tokens: tuple[str, ...], name: NameForm) -> bool:
    """Whether a tokenised text names a person, in any rotation of the name, spaced or joined."""
    if not name.tokens or not text_tokens:
        return False
    if any(_contains(text_tokens, order) for order in _rotations(name.tokens)):
        return True
    return any(form in text_tokens for form in name.joined)
