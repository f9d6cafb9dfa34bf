"""Chinese and Japanese names written in Latin letters ("liuyifei", "YamamotoAzusa"), read with
pypinyin and pykakasi rather than hand-written syllable or surname lists.

A romanised CJK name tells where its bearer is from about as well as the name in its own script:
Chinese surname readings come from the lexicon's Chinese surnames through pypinyin, Japanese ones
from its Japanese surnames through pykakasi (Hepburn). A name counts only when the whole key splits
into the surname and one to two syllables (pinyin) or the surname and a given name (Japanese), and
is not itself a common given name elsewhere ("linda" splits as lin+da).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from likeness_watch.classify.given_names import name_gender
from likeness_watch.classify.lexicon import load_lexicon

MIN_KEY = 5


@cache
def _pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable pypinyin knows (about 420)."""
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    return frozenset(
        to_normal(reading) for readings in pinyin_dict.values() for reading in readings.split(",")
    )


@cache
def _surname_readings() -> tuple[frozenset[str], frozenset[str]]:
    """(Chinese surname readings in pinyin, Japanese surname readings in Hepburn) of the lexicon."""
    import pykakasi
    from pypinyin import lazy_pinyin

    lexicon = load_lexicon()
    kakasi = pykakasi.kakasi()
    chinese, japanese = set(), set()
    for surname, country in lexicon.cjk_surnames.items():
        if country == "CN":
            chinese.add("".join(lazy_pinyin(surname)))
        elif country == "JP":
            japanese.add("".join(part["hepburn"] for part in kakasi.convert(surname)))
    return frozenset(chinese), frozenset(japanese)


def _syllables(rest: str, limit: int) -> bool:
    """Whether ``rest`` splits into 1..``limit`` pinyin syllables."""
    if not rest:
        return False
    syllables = _pinyin_syllables()
    return any(
        rest[:end] in syllables and (end == len(rest) or (limit > 1 and _syllables(rest[end:], limit - 1)))
        for end in range(min(len(rest), 6), 1, -1)  # given-name syllables of one letter ("a") are rare
    )


@lru_cache(maxsize=131_072)
def romanised_country(key: str) -> str | None:
    """``CN`` / ``JP`` for a joined-letters name key that reads as a Chinese or Japanese name."""
    if len(key) < MIN_KEY or not key.isascii() or not key.isalpha() or name_gender(key):
        return None
    chinese, japanese = _surname_readings()
    splits = [(key[:size], key[size:]) for size in range(2, min(len(key) - 1, 12))]
    if any(surname in japanese and _is_hepburn(rest) for surname, rest in splits):
        return "JP"
    if any(surname in chinese and _syllables(rest, 2) for surname, rest in splits):
        return "CN"
    return None


_HEPBURN = re.compile(r"(?:(?:sh|ch|ts|[kgsztdnhbpmrjfw]y?|y)?[aeiou]|n(?![aeiouy]))+")
"""Hepburn morae: an optional consonant (or sh/ch/ts, or a y-glide) and a vowel, or a syllabic n."""


def _is_hepburn(rest: str) -> bool:
    """Whether ``rest`` reads as a Japanese given name in Hepburn romanisation ("azusa", "aika")."""
    return len(rest) >= 2 and _HEPBURN.fullmatch(rest) is not None
