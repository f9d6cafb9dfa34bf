"""Versioned cue lexicons (package data under ``lexicons/``) compiled once into lookup tables.

Lexicons are data, not code, so trust & safety reviewers can extend them without touching the
rules; the version string plus a digest of the files' bytes ends up in every decision.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib import resources
from typing import Any

import yaml

from likeness_watch.classify.text import normalise, phrase, words

Cue = tuple[str, str]
"""(category, value): e.g. ("lk_strong", "actress"), ("country", "KR"), ("franchise", "nier")."""

_CJK_CATEGORY = {"likeness_strong": "lk_strong", "likeness_medium": "lk_medium"}


_NOT_LETTER = re.compile(r"[\W\d_]+")


@lru_cache(maxsize=131_072)
def name_key(token: str) -> str:
    """Matching key of a name token: casefolded letters only ("Seo-yeon" and "seoyeon" agree)."""
    return _NOT_LETTER.sub("", normalise(token))


@dataclass(frozen=True)
class Lexicon:
    version: str
    digest: str
    terms: Mapping[str, tuple[Cue, ...]]
    unigrams: frozenset[str]
    phrase_starts: frozenset[str]
    phrases: Mapping[str, tuple[tuple[str, tuple[Cue, ...]], ...]]  # first word -> (" a b c ", cues)
    max_phrase: int
    cjk_terms: tuple[tuple[str, Cue], ...]
    given_names: Mapping[str, tuple[str, tuple[str, ...]]]
    surnames: Mapping[str, tuple[str, ...]]
    cjk_surnames: Mapping[str, str]
    name_noise: frozenset[str]
    name_stop: frozenset[str]
    generic_words: frozenset[str]
    instance_tokens: frozenset[str]
    class_nouns: Mapping[str, str]
    negations: frozenset[str]
    non_person_types: frozenset[str]

    @cached_property
    def surname_keys(self) -> frozenset[str]:
        """The surnames as a hashable set (a cache key of the joined-name reading)."""
        return frozenset(self.surnames)

    def scan(self, tokens: Sequence[str]) -> list[Cue]:
        """Cues of all lexicon terms occurring in ``tokens`` (whole words / word sequences)."""
        hits: list[Cue] = []
        for token in self.unigrams.intersection(tokens):
            hits.extend(self.terms[token])
        starts = self.phrase_starts.intersection(tokens)
        if starts:
            padded = f" {' '.join(tokens)} "
            for start in starts:
                for needle, cues in self.phrases[start]:
                    if needle in padded:
                        hits.extend(cues)
        return hits

    def scan_cjk(self, text: str) -> list[Cue]:
        """Cues of CJK terms, matched as substrings (those scripts do not separate words)."""
        return [cue for term, cue in self.cjk_terms if term in text]

    def unnegated(self, tokens: Sequence[str], categories: frozenset[str]) -> set[Cue]:
        """Cues of ``categories`` occurring at least once without a negation in the four words before
        ("no nsfw please", "not based on any real person")."""
        found: set[Cue] = set()
        size = len(tokens)
        for i in range(size):
            for length in range(1, min(self.max_phrase, size - i) + 1):
                key = tokens[i] if length == 1 else " ".join(tokens[i : i + length])
                for cue in self.terms.get(key, ()):
                    if cue[0] in categories and self.negations.isdisjoint(tokens[max(0, i - 4) : i]):
                        found.add(cue)
        return found


def _read(name: str) -> bytes:
    return resources.files("likeness_watch.classify").joinpath("lexicons").joinpath(name).read_bytes()


_FILES = ("cues.yaml", "given_names.csv", "surnames.csv")


def _terms(raw: Mapping[str, Any]) -> Iterable[tuple[str, Cue]]:
    likeness = raw["likeness"]
    for category, key in (("lk_strong", "strong"), ("lk_medium", "medium"), ("lk_tag_only", "tag_only")):
        for term in likeness[key]:
            yield term, (category, term)
    for term in raw["explicit_real"]:
        yield term, ("explicit_real", term)
    for category in ("celebrity", "influencer"):
        for term in raw["prominence"][category]:
            yield term, (category, term)
    for category, key in (
        ("fictional", "fictional"),
        ("franchise", "franchises"),
        ("booru", "booru"),
        ("synthetic", "synthetic"),
    ):
        for term in raw[key]:
            yield term, (category, term)
    for terms in raw["non_subject"].values():
        for term in terms:
            yield term, ("non_subject", term)
    for term in raw["realistic"]:
        yield term, ("realistic", term)
    for gender in ("female", "male"):
        for term in raw["gender"][gender]:
            yield term, (gender, term)
    for country, terms in raw["countries"].items():
        for term in terms:
            yield term, ("country", country)
    for term in raw["nsfw"]:
        yield term, ("nsfw", term)


def _split_words(entries: Iterable[str]) -> set[str]:
    return {word for entry in entries for word in words(entry)}


def _name_stop(raw: Mapping[str, Any]) -> frozenset[str]:
    """Words that are never part of a person's name in a model title (descriptors, noise, styles)."""
    groups: list[Iterable[str]] = [
        raw["name_noise"],
        raw["generic_subject"],
        raw["realistic"],
        raw["nsfw"],
        raw["fictional"],
        raw["explicit_real"],
        raw["instance_tokens"],
        *raw["likeness"].values(),
        *raw["prominence"].values(),
        *raw["gender"].values(),
        *raw["class_nouns"].values(),
        *raw["non_subject"].values(),
    ]
    stop = set().union(*(_split_words(group) for group in groups))
    # Only one-word place terms: "hong kong" must not make the surname Hong a stop word.
    stop |= {phrase(term) for terms in raw["countries"].values() for term in terms if len(words(term)) == 1}
    return frozenset(stop)


def _countries(cell: str) -> tuple[str, ...]:
    return tuple(sorted(code for code in cell.split(";") if code))


@cache
def load_lexicon() -> Lexicon:
    """The shipped lexicon (parsed once per process)."""
    blobs = {name: _read(name) for name in _FILES}
    raw = yaml.safe_load(blobs["cues.yaml"])
    digest = hashlib.sha256(b"".join(name.encode() + b"\0" + blobs[name] for name in _FILES)).hexdigest()

    terms: dict[str, list[Cue]] = {}
    for term, (category, value) in _terms(raw):
        key = phrase(term)
        cue = (category, value if category == "country" else key.replace(" ", "_"))
        if cue not in terms.setdefault(key, []):
            terms[key].append(cue)

    phrases: dict[str, list[tuple[str, tuple[Cue, ...]]]] = {}
    for key, cues in terms.items():
        if " " in key:
            phrases.setdefault(key.split(" ")[0], []).append((f" {key} ", tuple(cues)))
    cjk_terms = tuple(
        (normalise(term), (_CJK_CATEGORY.get(category, category), value))
        for term, (category, value) in raw["cjk"].items()
    )
    given = {
        name_key(row["name"]): (row["gender"], _countries(row["countries"]))
        for row in csv.DictReader(io.StringIO(blobs["given_names.csv"].decode()))
    }
    surnames = {
        name_key(row["name"]): _countries(row["countries"])
        for row in csv.DictReader(io.StringIO(blobs["surnames.csv"].decode()))
    }
    cjk_surnames = {
        normalise(surname): country for country, names in raw["cjk_surnames"].items() for surname in names
    }
    class_nouns = {noun: gender for gender, nouns in raw["class_nouns"].items() for noun in nouns}
    return Lexicon(
        version=str(raw["version"]),
        digest=digest[:8],
        terms={key: tuple(cues) for key, cues in terms.items()},
        unigrams=frozenset(key for key in terms if " " not in key),
        phrase_starts=frozenset(phrases),
        phrases={first: tuple(entries) for first, entries in phrases.items()},
        max_phrase=max(key.count(" ") + 1 for key in terms),
        cjk_terms=cjk_terms,
        given_names=given,
        surnames=surnames,
        cjk_surnames=cjk_surnames,
        name_noise=frozenset(_split_words(raw["name_noise"])),
        name_stop=_name_stop(raw),
        generic_words=frozenset(_split_words(raw["generic_subject"])),
        instance_tokens=frozenset(raw["instance_tokens"]),
        class_nouns=class_nouns,
        negations=frozenset(_split_words(raw["negations"])),
        non_person_types=frozenset(normalise(kind) for kind in raw["non_person_types"]),
    )
