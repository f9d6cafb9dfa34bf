"""Decide whether one model imitates a real, identifiable person, and describe its target.

An additive evidence score: each cue (hub flag, tag, title shape, trigger word, description phrase)
adds or subtracts a fixed weight and leaves a reason code, so a reviewer can see why. Weights were
set by hand from what each signal means on the hubs (see docs/classifier.md), then checked on the
labelled evaluation set in tests/eval/ — not fitted to it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import permutations
from typing import Any

from likeness_watch.classify.given_names import joined_name, name_gender
from likeness_watch.classify.lexicon import Cue, Lexicon, load_lexicon, name_key
from likeness_watch.classify.names import (
    CAPITALISED,
    CJK,
    MONONYM,
    PERSON,
    SURNAME,
    PersonName,
    find_person_name,
    is_generic_subject,
    name_shaped_parts,
    title_case,
    title_segments,
)
from likeness_watch.classify.romanized import romanised_country
from likeness_watch.classify.signals import as_bool, as_int, as_str_list, as_text
from likeness_watch.classify.text import (
    DESCRIPTION_CHARS,
    TITLE_CHARS,
    description_words,
    has_cjk,
    strip_html,
    words,
)

RULES_VERSION = "2.0.0"

THRESHOLD = 2.5
"""Score at which a model counts as a likeness model (confidence 0.5)."""

POI_FLAG = 3.5  # Civitai moderators flag real people, noisily (styles, clothing, anime too): strong
# evidence that a fiction, non-subject or type cue can still outweigh.
SOURCE_WEIGHT = {"tag": 1.0, "name": 1.0, "trigger": 0.8, "desc": 0.7}
LIKENESS_CUE = {"lk_strong": 3.0, "lk_medium": 2.0, "lk_tag_only": 1.5}
SECOND_CUE_BONUS = 0.5
NAME_SHAPE = {PERSON: 2.5, CJK: 2.0, SURNAME: 2.0, CAPITALISED: 1.5, MONONYM: 1.0}
TRIGGER_PERSON = 2.0  # trigger word is a (lexicon-backed) person name the title does not show
TRIGGER_MATCHES_NAME = 0.5
INSTANCE_TOKEN = 2.5  # DreamBooth recipe for one subject: "photo of sks woman", "ohwx man"
INSTANCE_PERSON = 1.5  # the same shape with a less certain binder ("kmz woman")
TRIGGER_NAMED_TITLE = 2.0  # the title spells its own two-word trigger ("milena-sobolova" / "milena sobolova")
DESC_PERSON = 1.0
CARD_PERSON_SUBJECT = 3.0  # a DreamBooth card whose class images are people ("a portrait of a person")
CARD_NAMED_SUBJECT = 2.5  # a DreamBooth card of one subject whose repo is named like a person ("ismo")
CARD_PER_USER = 2.5  # a DreamBooth repo named by a UUID: avatar apps train one per customer's selfies
DISGUISED_NAME = 2.5  # a name spelt with digits for letters ("J4ne D0e"): evading a real-person filter
SUPPORT = 0.5  # realistic look; a person-class tag next to a name
FICTIONAL = {"tag": 3.0, "name": 3.0, "trigger": 2.0, "desc": 1.5}
FRANCHISE = {"tag": 3.5, "name": 3.5, "trigger": 3.5, "desc": 2.0}
MORE_CUES_BONUS = (1.0, 2.0)  # a second, and a third or more, distinct fiction / non-subject cue
EXPLICIT_REAL_DISCOUNT = 0.5  # "real person"/"cosplayer" halves fiction penalties
BOORU_PROMPT = ((4, 2.5), (2, 1.5))  # (distinct booru tags, penalty); one as a hub tag is enough
NON_SUBJECT = {"tag": 2.5, "name": 2.5, "trigger": 1.0}
SYNTHETIC = {"tag": 5.0, "name": 5.0, "trigger": 2.0, "desc": 3.0}  # no "real" discount: a stated fake
GENERIC_SUBJECT = 3.0
NON_PERSON_TYPE = 8.0
STEEPNESS = 1.1  # logistic slope turning the score into a confidence

NSFW_LEVEL_BITS = ((8, "nsfw_level:x"), (16, "nsfw_level:xxx"))
_INSTANCE_PREFIX = frozenset(
    {"a", "an", "the", "photo", "of", "portrait", "picture", "image", "raw", "closeup"}
)
_DREAMBOOTH = re.compile(
    r"\bdream\s?booth\b|fine-?tuned on the .{1,60}? concept|instance_(?:prompt|data)|sample pictures of",
    re.IGNORECASE,
)
_HUMAN = r"(person|man|woman|boy|girl|guy|lady|face|myself|me)"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CARD_CLASS = (
    re.compile(r"class_(?:data_dir|prompt)\W{1,6}[^\n]{0,40}?\b" + _HUMAN + r"\b", re.IGNORECASE),
    re.compile(
        r"\b(?:photo|portrait|picture|image|headshot)s? of (?:a |an |the )?(?:[\w<>\[\]-]{2,20} )?"
        + _HUMAN
        + r"\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"trained on (?:\d+ )?(?:photos|pictures|images|selfies) of (me|myself|my \w+)\b", re.IGNORECASE
    ),
    re.compile(r"\b(avatar)s?\b[^\n]{0,30}?\b(?:face|project|selfies?)\b|\bai (avatar)s?\b", re.IGNORECASE),
)
CARD_SCAN_CHARS = 6000
_CARD_STYLE = re.compile(r"\b(?:artists?|art ?style|styles?|artworks?|pixiv|painting|illustrations?)\b", re.I)
CARD_STYLE = 1.5  # the card presents an artist's or a look's style, not a subject
_SLUG_NOISE = frozenset(
    {"huggingface", "hf", "dreambooth", "sd", "diffusion", "stable", "model", "finetuned", "ft",
     "with", "env", "v", "ckpt", "diffusers", "lora", "xl", "sdxl", "ddim", "steps", "step", "px"}
)  # fmt: skip
_LEET = str.maketrans("4310578", "aeiostb")
_LEET_TOKEN = re.compile(r"[a-z]*\d[a-z\d]*[a-z][a-z\d]*|[a-z]+\d[a-z\d]*")
_DESC_NAME = re.compile(
    r"\b(?i:actress|actor|singer|idol|influencer|model|streamer|youtuber|cosplayer|athlete|rapper|celebrity|"
    r"personality|presenter|lora of|likeness of|embedding of|trained on (?:photos|pictures|images) of)"
    r"\s+([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2})"
)


@dataclass
class Evidence:
    """Cues found in each signal field: ``hits[(source, category)]`` → values, in order of appearance."""

    hits: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def add(self, source: str, cues: Iterable[Cue]) -> None:
        for category, value in cues:
            values = self.hits.setdefault((source, category), [])
            if value not in values:
                values.append(value)

    def get(self, source: str, category: str) -> list[str]:
        return self.hits.get((source, category), [])

    def anywhere(self, category: str, sources: Iterable[str] = ("tag", "name", "trigger", "desc")) -> bool:
        return any((source, category) in self.hits for source in sources)


@dataclass
class Triggers:
    """What the trained/trigger words say about a subject."""

    person: PersonName | None = None
    instance_class: str | None = None  # "female" / "male" / "neutral" for "photo of sks woman"
    instance_token: bool = False  # the binder is a known DreamBooth token (sks, ohwx, ...)
    names: list[tuple[str, ...]] = field(default_factory=list)  # name-shaped phrases, as letter keys


class Score:
    """Running score with the reason code of every contribution."""

    def __init__(self) -> None:
        self.value = 0.0
        self.reasons: list[str] = []

    def add(self, weight: float, reason: str) -> None:
        self.value += weight
        self.reasons.append(reason)

    def best_of(self, scored: list[tuple[float, str]], bonus: float, sign: float = 1.0) -> None:
        """Strongest cue counts fully, a second distinct cue adds ``bonus``; every cue is listed."""
        if not scored:
            return
        scored.sort(key=lambda item: -item[0])
        self.value += sign * (scored[0][0] + (bonus if len(scored) > 1 else 0.0))
        self.reasons.extend(reason for _, reason in scored)


def classify(signals: Mapping[str, Any]) -> dict[str, Any]:
    """Likeness decision for one normalised model (staging schema; see ``likeness_watch.classify``)."""
    lexicon = load_lexicon()
    hub = as_text(signals.get("hub"))
    title = as_text(signals.get("name"))[:TITLE_CHARS]
    tags = [tag for tag in as_str_list(signals.get("tags")) if ":" not in tag]  # HF "region:us", "license:…"
    trained = as_str_list(signals.get("trained_words"))
    description = as_text(signals.get("description"))
    poi = as_bool(signals.get("poi"))

    evidence = Evidence()
    evidence.add("tag", _tags_cues(tuple(tags)))
    evidence.add("name", _text_cues(strip_html(title), lexicon))
    readings = [_read_trigger(part.strip()) for word in trained for part in word.split(",") if part.strip()]
    for reading in readings:
        evidence.add("trigger", reading.cues)
    desc_tokens = description_words(description)
    evidence.add("desc", _description_cues(desc_tokens, lexicon))
    head = description[: DESCRIPTION_CHARS * 2]
    if head and has_cjk(head):
        evidence.add("desc", lexicon.scan_cjk(strip_html(head).casefold()))

    segments = title_segments(title, hub, lexicon)
    generic = is_generic_subject(segments, lexicon)
    person = None if generic else find_person_name(segments, lexicon, cased=hub != "huggingface")
    triggers = _triggers(readings)
    named_in_desc = not person and (evidence.get("desc", "lk_strong") or evidence.get("desc", "lk_medium"))
    desc_person = _description_person(description, lexicon) if named_in_desc else None
    trigger_named = None
    if not person and triggers.names:
        keys = TitleKeys(
            "".join(name_key(token) for segment in segments for token in segment),
            name_shaped_parts(segments, lexicon),
        )
        trigger_named = _trigger_named_title(keys, triggers)

    card = _card_subject(title, description, lexicon) if hub == "huggingface" and not person else None
    disguised = None if person else _disguised_name(title, lexicon)

    score = Score()
    if poi:
        score.add(POI_FLAG, "poi_flag")
    _likeness_cues(score, evidence, generic)
    _name_evidence(score, evidence, person, triggers, trigger_named, desc_person, tags, lexicon)
    if card:
        _card_evidence(score, card, triggers)
    if disguised:
        score.add(DISGUISED_NAME, "name_pattern:disguised_name")
        disclaimers = (("desc", "fictional"), ("desc", "synthetic"))
        evidence.hits = {key: v for key, v in evidence.hits.items() if key not in disclaimers}
    _negative_evidence(score, evidence, signals, generic, lexicon)

    confidence = 1.0 / (1.0 + math.exp(-STEEPNESS * (score.value - THRESHOLD)))
    is_likeness = score.value >= THRESHOLD
    nsfw_reasons = _nsfw_reasons(evidence, signals)
    decision: dict[str, Any] = {
        "is_likeness": is_likeness,
        "likeness_confidence": round(confidence, 4),
        "likeness_reasons": score.reasons,
        "target_name": None,
        "target_gender": "unknown",
        "target_gender_confidence": 0.0,
        "target_country": "unknown",
        "target_country_confidence": 0.0,
        "target_prominence": None,
        "nsfw_intent": bool(nsfw_reasons),
        "nsfw_reasons": nsfw_reasons,
        "classifier_version": _VERSION,
    }
    if is_likeness:
        target = (
            person
            or triggers.person
            or trigger_named
            or desc_person
            or disguised
            or (card.name if card else None)
        )
        decision["target_name"] = target.display if target else None
        decision["target_gender"], decision["target_gender_confidence"] = _gender(
            evidence, target, triggers, card.class_gender if card else None
        )
        decision["target_country"], decision["target_country_confidence"] = _country(evidence, target)
        decision["target_prominence"] = _prominence(evidence)
    return decision


def classifier_version() -> str:
    """Rules version + lexicon version + digest of the lexicon files: any change shows in the output."""
    lexicon = load_lexicon()
    return f"{RULES_VERSION}+lex.{lexicon.version}.{lexicon.digest}"


_VERSION = classifier_version()


@lru_cache(maxsize=131_072)
def _tags_cues(tags: tuple[str, ...]) -> tuple[Cue, ...]:
    """Cues of a model's tags (cached: hubs reuse a small vocabulary of tag sets)."""
    lexicon = load_lexicon()
    return tuple(cue for tag in tags for cue in _text_cues(tag, lexicon))


_NEGATABLE = frozenset({"lk_strong", "lk_medium", "explicit_real", "nsfw"})


def _description_cues(tokens: list[str], lexicon: Lexicon) -> list[Cue]:
    """Description cues; likeness and NSFW terms only where not negated ("not a real person")."""
    cues = lexicon.scan(tokens)
    if not any(category in _NEGATABLE for category, _ in cues):
        return cues
    kept = lexicon.unnegated(tokens, _NEGATABLE)
    return [cue for cue in cues if cue[0] not in _NEGATABLE or cue in kept]


def _text_cues(text: str, lexicon: Lexicon) -> list[Cue]:
    cues = lexicon.scan(words(text))
    if has_cjk(text):
        cues += lexicon.scan_cjk(text.casefold())
    return cues


def _likeness_cues(score: Score, evidence: Evidence, generic: bool) -> None:
    # A generic title ("Instagram Girl Style") names a look, not an influencer.
    score.best_of(
        _weighed(evidence, _LIKENESS_WEIGHTS, "{}:{}", skip="name" if generic else ""), SECOND_CUE_BONUS
    )


# Weight of each (source, category) evidence key.
_LIKENESS_WEIGHTS = {
    (source, category): weight * source_weight
    for category, weight in LIKENESS_CUE.items()
    for source, source_weight in SOURCE_WEIGHT.items()
    if category != "lk_tag_only" or source == "tag"
}
_FICTION_WEIGHTS = {(source, "fictional"): weight for source, weight in FICTIONAL.items()}
_NON_SUBJECT_WEIGHTS = {(source, "non_subject"): weight for source, weight in NON_SUBJECT.items()}
_LIKENESS_CATEGORIES = frozenset(LIKENESS_CUE)


def _weighed(
    evidence: Evidence, weights: Mapping[tuple[str, str], float], reason: str, skip: str = ""
) -> list[tuple[float, str]]:
    """(weight, reason) per distinct cue of the weighted categories, highest weight per reason."""
    best: dict[str, float] = {}
    for key, values in evidence.hits.items():
        weight = weights.get(key)
        source = key[0]
        if weight is None or source == skip:
            continue
        for value in values:
            code = reason.format(source, value)
            if weight > best.get(code, 0.0):
                best[code] = weight
    return [(weight, code) for code, weight in best.items()]


def _name_evidence(
    score: Score,
    evidence: Evidence,
    person: PersonName | None,
    triggers: Triggers,
    trigger_named: PersonName | None,
    desc_person: PersonName | None,
    tags: list[str],
    lexicon: Lexicon,
) -> None:
    if person:
        reason = "name_pattern:person_lora" if person.kind == PERSON else f"name_pattern:{person.kind}_name"
        score.add(NAME_SHAPE[person.kind], reason)
        if person.kind != CAPITALISED and any(_spells(parts, person.key) for parts in triggers.names):
            score.add(TRIGGER_MATCHES_NAME, "trigger:matches_name")
    elif triggers.person and triggers.person.kind in (PERSON, CJK, SURNAME):
        score.add(TRIGGER_PERSON, "trigger:person_name")
    elif trigger_named:
        score.add(TRIGGER_NAMED_TITLE, "name_pattern:trigger_name")
    elif desc_person:
        score.add(DESC_PERSON, "desc:person_name")
    if triggers.instance_token:
        score.add(INSTANCE_TOKEN, "trigger:instance_token")
    elif triggers.instance_class:
        score.add(INSTANCE_PERSON, "trigger:instance_person")
    if evidence.anywhere("realistic", ("tag", "name")):
        score.add(SUPPORT, "support:realistic")
    named = person or triggers.person or trigger_named or desc_person
    if named and any(lexicon.class_nouns.get(word) for tag in tags for word in words(tag)):
        score.add(SUPPORT, "support:person_class_tag")


def _disguised_name(title: str, lexicon: Lexicon) -> PersonName | None:
    """A title word that spells a given name with digits for letters ("Ang3l", "J4ne"): a disclaimer
    such as "she is fictional" beside it is part of the disguise, so description fiction cues go."""
    for token in words(strip_html(title)):
        if len(token) < 4 or token in lexicon.terms or not _LEET_TOKEN.fullmatch(token):
            continue
        plain = token.translate(_LEET)
        if plain.isalpha() and (name_gender(plain) or plain in lexicon.given_names):
            return PersonName(title_case(plain), MONONYM, plain, name_gender(plain), (), None)
    return None


@dataclass(frozen=True)
class CardSubject:
    """What a Hugging Face model card says about the one subject a DreamBooth was trained on."""

    style: bool  # the card talks of artists or styles
    human_class: str | None  # the class noun of a person subject ("person", "woman", "me")
    class_gender: str | None  # "female" / "male" when the class noun says so ("woman", "guy")
    name: PersonName | None  # the repo named like a person ("ismo", "edvindb")
    per_user: bool  # the repo is named by a UUID (an avatar app's per-customer model)


def _card_subject(title: str, card: str, lexicon: Lexicon) -> CardSubject | None:
    """DreamBooth recipe, person class and a person-named repo, read off the card and repo id;
    None for a card that is no DreamBooth of one subject."""
    head = card[:CARD_SCAN_CHARS]
    if not _DREAMBOOTH.search(head):
        return None
    human_class = next(
        (next(g for g in m.groups() if g).casefold() for p in _CARD_CLASS if (m := p.search(head))), None
    )
    class_gender = lexicon.class_nouns.get(human_class or "")
    return CardSubject(
        style=bool(_CARD_STYLE.search(head)),
        human_class=human_class,
        class_gender=class_gender if class_gender in ("female", "male") else None,
        name=_slug_person(title, lexicon),
        per_user=bool(_UUID.fullmatch(title.rsplit("/", 1)[-1].casefold())),
    )


def _slug_person(title: str, lexicon: Lexicon) -> PersonName | None:
    """A repo id that is one given name, alone or joined to more ("torben", "edvindb", "janedoe")."""
    slug = re.sub(r"[-_.]+", " ", title.rsplit("/", 1)[-1])
    tokens = [name_key(token) for token in words(re.sub(r"\d+", " ", slug)) if token not in _SLUG_NOISE]
    if any(
        token in lexicon.name_noise
        or token in lexicon.name_stop
        or token in lexicon.generic_words
        or token in lexicon.instance_tokens
        or token in lexicon.class_nouns
        for token in tokens
    ):
        return None  # "princess-knight", "anime-girl": a described subject, not a name
    if len(tokens) != 1:
        return None
    found = joined_name(tokens[0], lexicon.surname_keys)
    if not found:
        return None
    given, gender = found
    display = title_case(given if len(tokens[0]) - len(given) > 3 else tokens[0])
    return PersonName(display, MONONYM, tokens[0], gender, (), None)


def _card_evidence(score: Score, card: CardSubject, triggers: Triggers) -> None:
    if card.human_class or triggers.instance_class:
        subject = card.human_class or "instance_prompt"
        score.add(
            CARD_PERSON_SUBJECT - (INSTANCE_PERSON if triggers.instance_class else 0.0),
            f"card:person_subject:{subject}",
        )
    elif card.name:
        score.add(CARD_NAMED_SUBJECT, "card:named_subject")
    elif card.per_user:
        score.add(CARD_PER_USER, "card:per_user_model")
    if card.style:
        score.add(-CARD_STYLE, "neg:card:style")


@dataclass(frozen=True)
class TitleKeys:
    """The title as letters only ("liorawickhart..."), and its name-shaped words if it has 2–3."""

    key: str
    parts: tuple[str, ...]


def _trigger_named_title(title: TitleKeys, triggers: Triggers) -> PersonName | None:
    """The model is named after its own trigger, a two- or three-word name, in any spelling."""
    for parts in triggers.names:
        if len(parts) >= 2 and _spells(parts, title.key):
            name = parts
        elif title.parts and _spells(title.parts, "".join(parts)):
            name = title.parts
        else:
            continue
        return PersonName(title_case(" ".join(name)), CAPITALISED, "".join(name), None, (), None)
    return None


def _spells(parts: tuple[str, ...], key: str) -> bool:
    """Whether ``key`` contains the name ``parts`` in some order ("kwon da won" in "dawonkwon")."""
    joined = "".join(parts)
    if len(joined) < 4:
        return False
    return any("".join(order) in key for order in permutations(parts)) if len(parts) <= 3 else joined in key


def _negative_evidence(
    score: Score, evidence: Evidence, signals: Mapping[str, Any], generic: bool, lexicon: Lexicon
) -> None:
    kind = as_text(signals.get("type")).casefold()
    if kind in lexicon.non_person_types:
        score.add(-NON_PERSON_TYPE, f"neg:type:{kind}")
    discount = EXPLICIT_REAL_DISCOUNT if evidence.anywhere("explicit_real", ("tag", "name")) else 1.0
    fiction = [
        (weight * discount, code) for weight, code in _weighed(evidence, _FICTION_WEIGHTS, "neg:{}:{}")
    ]
    score.best_of(fiction, _more_cues_bonus(fiction) * discount, sign=-1.0)
    franchise = [weight for source, weight in FRANCHISE.items() if evidence.get(source, "franchise")]
    if franchise:
        score.add(-max(franchise) * discount, "neg:fictional_franchise")
    booru = {value for source in ("tag", "trigger") for value in evidence.get(source, "booru")}
    for count, penalty in BOORU_PROMPT:
        if len(booru) >= count or (penalty == BOORU_PROMPT[-1][1] and evidence.get("tag", "booru")):
            score.add(-penalty, "neg:booru_prompt")
            break
    synthetic = [weight for source, weight in SYNTHETIC.items() if evidence.get(source, "synthetic")]
    if synthetic:
        score.add(-max(synthetic), "neg:synthetic_person")
    non_subject = _weighed(evidence, _NON_SUBJECT_WEIGHTS, "neg:{}:{}")
    score.best_of(non_subject, _more_cues_bonus(non_subject), sign=-1.0)
    if generic:
        score.add(-GENERIC_SUBJECT, "neg:generic_subject")


def _more_cues_bonus(cues: list[tuple[float, str]]) -> float:
    """Independent cues of the same kind add up, with diminishing weight."""
    return MORE_CUES_BONUS[min(len(cues), 3) - 2] if len(cues) >= 2 else 0.0


@dataclass(frozen=True)
class TriggerReading:
    """One trigger phrase: its cues, a DreamBooth binding ("sks woman"), a name, its name-shaped words."""

    cues: tuple[Cue, ...]
    instance_class: str | None
    instance_token: bool
    person: PersonName | None
    name_parts: tuple[str, ...]


@lru_cache(maxsize=131_072)
def _read_trigger(text: str) -> TriggerReading:
    lexicon = load_lexicon()
    tokens = words(text)
    subject = [token for token in tokens if token not in _INSTANCE_PREFIX]
    instance_class = None
    binder, noun = subject[:-1], subject[-1] if subject else ""
    if 1 <= len(binder) <= 3 and noun in lexicon.class_nouns and all(_is_binder(t, lexicon) for t in binder):
        instance_class = lexicon.class_nouns[noun]
    instance_token = instance_class is not None and any(t in lexicon.instance_tokens for t in binder)
    names = [token for token in subject if token not in lexicon.class_nouns]
    person = find_person_name([names], lexicon, cased=False) if names else None
    name_parts = tuple(name_key(token) for token in names if not _is_stop_word(token, lexicon))
    if len(name_parts) != len(names) or not all(len(part) >= 2 for part in name_parts):
        name_parts = ()  # only phrases made entirely of name-shaped words
    cues = tuple(_text_cues(text, lexicon))
    if all(token in lexicon.generic_words or token in lexicon.name_noise for token in tokens):
        cues = tuple(cue for cue in cues if cue[0] not in _LIKENESS_CATEGORIES)  # "realistic instagram girl"
    return TriggerReading(cues, instance_class, instance_token, person, name_parts[:4])


def _is_stop_word(token: str, lexicon: Lexicon) -> bool:
    return token in lexicon.name_stop or token in lexicon.instance_tokens or not token.isalpha()


def _triggers(readings: list[TriggerReading]) -> Triggers:
    triggers = Triggers()
    for reading in readings:
        if reading.instance_class and triggers.instance_class is None:
            triggers.instance_class = reading.instance_class
        triggers.instance_token |= reading.instance_token
        if reading.person and (triggers.person is None or reading.person.kind == PERSON):
            triggers.person = reading.person
        if reading.name_parts:
            triggers.names.append(reading.name_parts)
    return triggers


def _is_binder(token: str, lexicon: Lexicon) -> bool:
    """A rare token bound to a subject ("sks", "m1napark"), not a look word ("beautiful", "asian")."""
    if token in lexicon.instance_tokens:
        return True
    return token not in lexicon.name_stop and token not in lexicon.generic_words and len(token) >= 3


def _description_person(description: str, lexicon: Lexicon) -> PersonName | None:
    """A name right after "singer"/"LoRA of" in the description, for titles that hide the name."""
    match = _DESC_NAME.search(strip_html(description[: DESCRIPTION_CHARS * 2])[:DESCRIPTION_CHARS])
    if not match:
        return None
    person = find_person_name([match.group(1).split()], lexicon)
    return person if person and person.kind in (PERSON, SURNAME, CAPITALISED) else None


def _gender(
    evidence: Evidence, target: PersonName | None, triggers: Triggers, card_class: str | None = None
) -> tuple[str, float]:
    # Trigger words count only through their class noun ("sks woman"): in "lu man" "man" is a name.
    weights = {"tag": 2.0, "name": 2.0, "desc": 1.0}
    female = sum(weight for source, weight in weights.items() if evidence.get(source, "female"))
    male = sum(weight for source, weight in weights.items() if evidence.get(source, "male"))
    if triggers.instance_class == "female":
        female += 2.0
    elif triggers.instance_class == "male":
        male += 2.0
    if card_class == "female":
        female += 2.0
    elif card_class == "male":
        male += 2.0
    given_gender = target.gender if target else None
    if target and not given_gender and not target.script:  # beyond the curated list: gender-guesser
        given_gender = name_gender(name_key(target.display.split()[0]))
    if given_gender == "female":
        female += 1.0
    elif given_gender == "male":
        male += 1.0
    margin = female - male
    if abs(margin) < 1.0:
        return "unknown", 0.0
    confidence = round(1.0 / (1.0 + math.exp(-abs(margin))), 4)
    return ("female" if margin > 0 else "male"), confidence


_COUNTRY_WEIGHT = {"tag": 2.0, "name": 2.0, "trigger": 1.5, "desc": 1.0}
ROMANISED_NAME_COUNTRY = 1.5  # "Liu Yifei", "YamamotoAzusa": the name's own reading, as good as its script


def _name_country_weight(target: PersonName) -> float:
    """Hangul/kana spell a name the way its own country does; a romanised surname is only a hint."""
    if target.script in ("hangul", "kana"):
        return 2.0
    if target.script == "han":
        return 1.5 if target.countries == ("JP",) else 1.0
    return 1.0


def _country(evidence: Evidence, target: PersonName | None) -> tuple[str, float]:
    scores: dict[str, float] = {}
    for source, weight in _COUNTRY_WEIGHT.items():
        for country in evidence.get(source, "country"):
            scores[country] = scores.get(country, 0.0) + weight
    if target and target.countries:
        weight = _name_country_weight(target)
        for country in target.countries:
            scores[country] = scores.get(country, 0.0) + weight
    elif target and not target.script and (country := romanised_country(target.key)):
        scores[country] = scores.get(country, 0.0) + ROMANISED_NAME_COUNTRY
    if not scores:
        return "unknown", 0.0
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    top_country, top = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if top < 1.0 or top - runner_up < 0.5:
        return "unknown", 0.0
    confidence = top / (sum(scores.values()) + 0.5) * (1.0 - math.exp(-top / 1.5))
    return top_country, round(confidence, 4)


def _prominence(evidence: Evidence) -> str:
    if evidence.anywhere("celebrity"):
        return "celebrity"
    if evidence.anywhere("influencer"):
        return "influencer"
    return "private_or_unknown"


def _nsfw_reasons(evidence: Evidence, signals: Mapping[str, Any]) -> list[str]:
    reasons = []
    if as_bool(signals.get("nsfw")):
        reasons.append("nsfw_flag")
    level = as_int(signals.get("nsfw_level")) or 0
    reasons += [reason for bit, reason in NSFW_LEVEL_BITS if level & bit]
    for source in ("tag", "name", "trigger", "desc"):
        reasons += [f"{source}:{value}" for value in evidence.get(source, "nsfw")]
    return reasons
