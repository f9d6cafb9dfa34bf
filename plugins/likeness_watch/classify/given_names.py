"""Given names and their usual gender, from gender-guesser's name dictionary (~45,000 names).

The shipped lexicon (``lexicons/given_names.csv``) is small and curated, and decides whether a title
*is* a name. This larger list answers narrower questions where a hand list runs out: is a one-word
Hugging Face repo id or DreamBooth subject ("ismo", "edvindb") a person's name, and what gender does a
target's given name suggest. Names whose gender the dictionary calls ``andy`` or ``unknown`` give none.
"""

from __future__ import annotations

from functools import lru_cache

import gender_guesser.detector

_GENDER = {"female": "female", "mostly_female": "female", "male": "male", "mostly_male": "male"}
MIN_PREFIX = 4
"""Shortest given name read off the front of a joined slug ("edvin" in "edvindb")."""


@lru_cache(maxsize=1)
def _detector() -> gender_guesser.detector.Detector:
    return gender_guesser.detector.Detector(case_sensitive=False)


@lru_cache(maxsize=131_072)
def name_gender(key: str) -> str | None:
    """``female`` / ``male`` for a known given name (letters only, any case), else None."""
    if len(key) < 2 or not key.isalpha() or not key.isascii():
        return None
    return _GENDER.get(_detector().get_gender(key.capitalize()))


MAX_AFFIX = 3
"""Letters a joined slug may add around a given name: initials or a short tag ("edvin" + "db")."""


@lru_cache(maxsize=131_072)
def joined_name(key: str, surnames: frozenset[str] = frozenset()) -> tuple[str, str] | None:
    """The given name a joined slug is made of, and its gender: "edvindb" → ("edvin", "male").

    The whole key; a name of ≥ ``MIN_PREFIX`` letters followed by ≤ ``MAX_AFFIX`` letters or by a
    known surname ("janedoe"); or ≤ ``MAX_AFFIX`` initials then a name ("jsjessy"). Letters typed
    twice ("jjaannaa") are read once. Anything longer is a phrase, not a name ("istolemyownwheat").
    """
    if len(key) >= 2 * MIN_PREFIX and len(key) % 2 == 0 and key[::2] == key[1::2]:
        key = key[::2]
    for end in range(len(key), MIN_PREFIX - 1, -1):
        rest = key[end:]
        if len(rest) <= MAX_AFFIX or rest in surnames:
            gender = name_gender(key[:end])
            if gender:
                return key[:end], gender
    for start in range(1, MAX_AFFIX + 1):
        if len(key) - start >= MIN_PREFIX and (gender := name_gender(key[start:])):
            return key[start:], gender
    return None
