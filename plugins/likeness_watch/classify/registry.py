"""The person registry: real people seen as targets, learnt across hubs, and its effect on decisions.

A person enters the registry from a strong likeness decision (confidence ≥ ``SEED_CONFIDENCE``
with a target name), from a Civitai ``poi``-flagged model the classifier decided is a likeness
model and found a name on (the flag is evidence, not a verdict: an overruled flag teaches no
name), or from the protected-persons watchlist. People are keyed like the alerts and
``mart_targets`` key them (``likeness_watch.names.name_key``), and matched by their name written
as one word (``janedoe``): a model the classifier did not call likeness whose name, repo slug or
trigger words hold a registry person in 1–3 consecutive words (joined, ≥ 6 letters) gets
``REGISTRY_WEIGHT`` added to its score and is decided again, with the reason code
``registry:<where the person was first seen>`` (or ``registry:watchlist``).

Matching is dictionary look-ups of a model's few joined-word keys (computed once per model and
stored by the warehouse), so it costs the same with ten people or a hundred thousand.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

from likeness_watch.classify.classifier import STEEPNESS, THRESHOLD
from likeness_watch.classify.text import TITLE_CHARS, has_cjk
from likeness_watch.names import MIN_JOINED_LENGTH, name_form, name_key, tokens

if TYPE_CHECKING:  # the alerts package imports its delivery channels: not needed here
    from likeness_watch.alerts.watchlist import WatchedPerson

SEED_CONFIDENCE = 0.9
"""A likeness decision at least this confident teaches the registry its target's name."""
REGISTRY_WEIGHT = 3.0
"""Score added when a model names a registry person: a real person's full name known from
elsewhere counts like a likeness tag ("celebrity"); any strong negative cue still outweighs it."""
MAX_WINDOW = 3
"""Consecutive words joined into one model key: "jane doe smith" holds "janedoesmith"."""
NAME_KEYS_VERSION = "1"
"""Bump when ``model_keys`` changes: the warehouse recomputes every model's stored keys."""
WATCHLIST = "watchlist"
REGISTRY_REASON = "registry:{}"
POI_OVERRULED = "poi:overruled"
CONFIDENCE_DIGITS = 4
"""The classifier rounds confidences to 4 decimals."""
SCORE_DIGITS = 2
"""Classifier weights have at most two decimals: rounding the recovered score to two removes the
error of the rounded confidence for scores from -1.75 to 6.75; a score below that range stays
below the threshold after ``REGISTRY_WEIGHT`` either way."""
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Seed:
    """A model that teaches the registry a person: its target name and what it says about them."""

    hub: str
    model_id: str
    name: str
    first_seen: date | None = None
    gender: str | None = None
    gender_confidence: float | None = None
    country: str | None = None
    country_confidence: float | None = None
    prominence: str | None = None


@dataclass(frozen=True)
class Person:
    """One real person: name, aliases, the one-word keys a model may write them as, provenance."""

    person_key: str
    name: str
    aliases: tuple[str, ...] = ()
    joined_keys: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    first_seen_hub: str | None = None
    first_seen_model_id: str | None = None
    first_seen: date | None = None
    seed_models: tuple[tuple[str, str], ...] = ()
    gender: str = "unknown"
    gender_confidence: float = 0.0
    country: str = "unknown"
    country_confidence: float = 0.0
    prominence: str = "unknown"

    @property
    def models(self) -> int:
        return len(self.seed_models)

    @property
    def source(self) -> str:
        """Where the person was first seen: a hub, else the watchlist."""
        return self.first_seen_hub or WATCHLIST

    @cached_property
    def seeded_by(self) -> frozenset[tuple[str, str]]:
        return frozenset(self.seed_models)


def joined_keys(text: str | None, single_word: bool = False) -> set[str]:
    """One-word forms of a name, ≥ ``MIN_JOINED_LENGTH`` letters: every rotation of its words
    joined ("janedoe", "doejane"). A one-word name yields itself only with ``single_word``: a
    given or stage name alone is shared by too many people, a watchlist alias or a name in a
    CJK script ("박미나") is not."""
    form = name_form(text)
    if len(form.tokens) == 1 and single_word and len(form.tokens[0]) >= MIN_JOINED_LENGTH:
        return {form.tokens[0]}
    return set(form.joined)


def _identifies(name: str) -> bool:
    """A full name (two words or more, or a name in a CJK script), not a given name alone."""
    return len(tokens(name)) >= 2 or has_cjk(name)


@dataclass
class _Group:
    """Everything the registry knows of one person key while it is being built."""

    key: str
    watched: list[WatchedPerson] = field(default_factory=list)
    seeds: list[Seed] = field(default_factory=list)

    def person(self) -> Person:
        seeds = sorted(self.seeds, key=lambda s: (s.first_seen or date.max, s.hub, s.model_id))
        listed = [text for person in self.watched for text in (person.name, *person.aliases)]
        # the watchlist's spelling, else the most frequent one (the first seen on a tie)
        name = listed[0] if listed else Counter(seed.name for seed in seeds).most_common(1)[0][0]
        spellings: dict[str, str] = {}  # "elodiebrassac" and "Elodiebrassac" are one alias
        for text in (name, *listed, *(seed.name for seed in seeds)):
            spellings.setdefault(text.casefold(), text)
        aliases = tuple(spellings.values())[1:]
        keys = set()
        for text in (name, *aliases):
            keys |= joined_keys(text, single_word=bool(self.watched) or has_cjk(text))
        first = seeds[0] if seeds else None
        gender, gender_confidence = _mode((s.gender, s.gender_confidence) for s in seeds)
        country, country_confidence = _mode((s.country, s.country_confidence) for s in seeds)
        prominence, _ = _mode((s.prominence, None) for s in seeds)
        return Person(
            person_key=self.key,
            name=name,
            aliases=aliases,
            joined_keys=tuple(sorted(keys)),
            sources=tuple(sorted({seed.hub for seed in seeds} | ({WATCHLIST} if self.watched else set()))),
            first_seen_hub=first.hub if first else None,
            first_seen_model_id=first.model_id if first else None,
            first_seen=first.first_seen if first else None,
            seed_models=tuple((seed.hub, seed.model_id) for seed in seeds),
            gender=gender,
            gender_confidence=gender_confidence,
            country=country,
            country_confidence=country_confidence,
            prominence=prominence,
        )


def _mode(values: Iterable[tuple[str | None, float | None]]) -> tuple[str, float]:
    """The most frequent known value (first seen wins a tie) and its mean confidence."""
    known = [(value, confidence or 0.0) for value, confidence in values if value and value != "unknown"]
    if not known:
        return "unknown", 0.0
    best = Counter(value for value, _ in known).most_common(1)[0][0]
    confidences = [confidence for value, confidence in known if value == best]
    return best, round(sum(confidences) / len(confidences), CONFIDENCE_DIGITS)


def build_registry(seeds: Iterable[Seed], watchlist: Sequence[WatchedPerson] = ()) -> list[Person]:
    """The registry, one ``Person`` per name key, sorted by key.

    Watch-listed people come first: a seed whose name keys like the watchlist name or one of its
    aliases joins that person. Seeds with only a one-word name (not in a CJK script) are left
    out, unless the watchlist lists that word.
    """
    groups: dict[str, _Group] = {}
    listed: dict[str, str] = {}  # name key of a watchlist name or alias → its person's key
    for watched in watchlist:
        key = name_key(watched.name)
        if not key:
            continue
        key = listed.get(key, key)
        groups.setdefault(key, _Group(key)).watched.append(watched)
        for text in (watched.name, *watched.aliases):
            listed.setdefault(name_key(text), key)
    for seed in seeds:
        key = name_key(seed.name)
        if not key or (key not in listed and not _identifies(seed.name)):
            continue
        key = listed.get(key, key)
        groups.setdefault(key, _Group(key)).seeds.append(seed)
    return [groups[key].person() for key in sorted(groups)]


def text_keys(text: str | None) -> set[str]:
    """Joined keys of 1–``MAX_WINDOW`` consecutive words of one model string, ≥ 6 letters.

    Digits split words ("janedoe2" → "janedoe"). Words are folded one whitespace-separated chunk
    at a time through ``names.tokens`` (cached), so common words ("LoRA", "v2") cost nothing.
    """
    if not text:
        return set()
    words = [token for chunk in _DIGITS.sub(" ", text[:TITLE_CHARS]).split() for token in tokens(chunk)]
    keys = set()
    for start in range(len(words)):
        joined = ""
        for word in words[start : start + MAX_WINDOW]:
            joined += word
            if len(joined) >= MIN_JOINED_LENGTH:
                keys.add(joined)
    return keys


def model_keys(name: str | None, trained_words: Iterable[str] | None = ()) -> list[str]:
    """The keys a model can name a person by: its name (repo slug) and each trigger word (prompts
    split on commas, as the classifier reads them); sorted, for storage."""
    keys = text_keys(name)
    for word in trained_words or ():
        for part in (word or "").split(","):
            keys |= text_keys(part)
    return sorted(keys)


class RegistryIndex:
    """Registry people by joined key: a model is checked against the few people its keys name."""

    def __init__(self, people: Sequence[Person]) -> None:
        self.people = list(people)
        self._by_key: dict[str, list[Person]] = defaultdict(list)
        for person in self.people:
            for key in person.joined_keys:
                self._by_key[key].append(person)

    def match(self, model: tuple[str, str], keys: Iterable[str]) -> Person | None:
        """The person a model's keys name, never one the model itself taught the registry. Several:
        the longest key (the most specific name), then the most seed models, then the key."""
        best: tuple[int, int, str] | None = None
        found = None
        for key in keys:
            for person in self._by_key.get(key, ()):
                if model in person.seeded_by:
                    continue
                rank = (-len(key), -person.models, person.person_key)
                if best is None or rank < best:
                    best, found = rank, person
        return found


def score_of(confidence: float) -> float:
    """The classifier's score behind a confidence (its logistic, inverted)."""
    floor = 10.0**-CONFIDENCE_DIGITS
    p = min(max(confidence, floor), 1.0 - floor)
    return round(THRESHOLD + math.log(p / (1.0 - p)) / STEEPNESS, SCORE_DIGITS)


def confidence_of(score: float) -> float:
    return round(1.0 / (1.0 + math.exp(-STEEPNESS * (score - THRESHOLD))), CONFIDENCE_DIGITS)


def redecide(decision: Mapping[str, Any], poi: bool, person: Person | None) -> dict[str, Any]:
    """The final decision of a model the classifier did not call likeness.

    With a registry ``person`` the registry weight joins the score (reason ``registry:<source>``)
    and the model is decided again; a new likeness model takes target name, gender, country and
    prominence from the person where it had none. A ``poi``-flagged model still not likeness gets
    ``poi:overruled``. Returns the likeness columns and ``registry_person_key``.
    """
    reasons = list(decision.get("likeness_reasons") or [])
    final = {
        "is_likeness": bool(decision["is_likeness"]),
        "likeness_confidence": decision["likeness_confidence"],
        "target_name": decision.get("target_name"),
        "target_gender": decision.get("target_gender") or "unknown",
        "target_gender_confidence": decision.get("target_gender_confidence") or 0.0,
        "target_country": decision.get("target_country") or "unknown",
        "target_country_confidence": decision.get("target_country_confidence") or 0.0,
        "target_prominence": decision.get("target_prominence"),
        "registry_person_key": None,
    }
    if person is not None and not final["is_likeness"]:
        score = score_of(final["likeness_confidence"]) + REGISTRY_WEIGHT
        reasons.append(REGISTRY_REASON.format(person.source))
        final |= {
            "is_likeness": score >= THRESHOLD,
            "likeness_confidence": confidence_of(score),
            "registry_person_key": person.person_key,
        }
        if final["is_likeness"]:
            final |= _target_from(final, person)
    if poi and not final["is_likeness"]:
        reasons.append(POI_OVERRULED)
    return final | {"likeness_reasons": reasons}


def _target_from(decision: Mapping[str, Any], person: Person) -> dict[str, Any]:
    """Target attributes from the registry person, where the model's decision has none."""
    target: dict[str, Any] = {}
    if not decision["target_name"]:
        target["target_name"] = person.name
    if decision["target_gender"] == "unknown":
        target |= {"target_gender": person.gender, "target_gender_confidence": person.gender_confidence}
    if decision["target_country"] == "unknown":
        target |= {"target_country": person.country, "target_country_confidence": person.country_confidence}
    if not decision["target_prominence"]:
        known = person.prominence if person.prominence != "unknown" else None
        target["target_prominence"] = known or "private_or_unknown"
    return target
