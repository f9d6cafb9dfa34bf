"""Name keys that survive how people are written on model hubs.

"Zoë Álvarez", "zoe_alvarez", "ZoeAlvarez LoRA", "Álvarez Zoë" (family name first) and
"Зоя Альварес" must meet the same person. A key is built by transliterating to ASCII
(``text_unidecode``, already installed with Airflow; it also drops diacritics), splitting camel
case, dropping punctuation, lower-casing and folding common transliteration variants (both sides
of a comparison are folded alike). Matching is on whole tokens, so "Ann" never matches inside
"Joanna".
"""

from __future__ import annotations

import re
import unicodedata
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


@lru_cache(maxsize=1 << 16)
def tokens(text: str | None) -> tuple[str, ...]:
    """ASCII, lower-case word tokens of a hub or watchlist string (cached: target names and
    trigger words repeat across thousands of models)."""
    if not text:
        return ()
    ascii_text = _CAMEL.sub(" ", unidecode(unicodedata.normalize("NFKC", text))).lower()
    return tuple(_fold(token) for token in _NON_ALNUM.split(_APOSTROPHES.sub("", ascii_text)) if token)


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


def lookup_keys(name_tokens: tuple[str, ...]) -> set[str]:
    """Tokens at least one of which any text naming the person must contain: its own tokens
    (spaced forms) and its joined rotations (one-word forms)."""
    keys = set(name_tokens)
    if len(name_tokens) > 1:
        keys |= {"".join(order) for order in _rotations(name_tokens)}
    return keys


def _rotations(name_tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Given-name-first and family-name-first orders ("Zoe Alvarez Brun", "Alvarez Brun Zoe")."""
    return [name_tokens[i:] + name_tokens[:i] for i in range(len(name_tokens))]


def mentions(text_tokens: tuple[str, ...], name_tokens: tuple[str, ...]) -> bool:
    """Whether a tokenised text names a person, in any rotation of the name, spaced or joined."""
    if not name_tokens or not text_tokens:
        return False
    for order in _rotations(name_tokens):
        if _contains(text_tokens, order):
            return True
        joined = "".join(order)
        if len(order) > 1 and len(joined) >= MIN_JOINED_LENGTH and joined in text_tokens:
            return True
    return False
