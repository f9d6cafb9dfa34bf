"""Find the person a model is named after, and tell generic looks ("beautiful asian woman") apart.

Model titles mix a name with descriptors, versions and base models ("[SDXL] Seo-yeon Kim - Korean
actress v2"). We split the title into segments, drop known non-name words, and read what is left as
a name only when it has the shape of one: lexicon-backed given names (shipped, invented-people-safe
lists of common names), a CJK surname followed by a given name, or two capitalised words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from likeness_watch.classify.lexicon import Lexicon, name_key
from likeness_watch.classify.text import normalise, script_of, strip_html, visible

# Kinds of name evidence, strongest first (the classifier weighs them in this order).
PERSON = "person"  # 2–4 words with a lexicon given name
CJK = "cjk"  # CJK surname + given name
SURNAME = "surname"  # 2–3 words with a lexicon surname (given name unknown to the lexicon)
CAPITALISED = "capitalised"  # 2–3 capitalised words, no lexicon support
MONONYM = "mononym"  # a single lexicon given name (stage names)
_RANK = {PERSON: 0, CJK: 1, SURNAME: 2, CAPITALISED: 3, MONONYM: 4}

_SEGMENT_BREAK = re.compile(
    r"[\[\](){}<>|/\\:;,~•·+!?&\"“”«»【】「」『』（）《》〈〉｜：；，、。！？]|\s[-–—=]+\s*|[-–—=]+\s|\.\s"
)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
# Versions, epochs, sizes and base-model tags: "v2", "e10", "1.5", "SD1.5", "XL1.0".
_VERSION = re.compile(
    r"^(?:v|ver|version|e|ep|r)?\d[\w.]*$|^v\d|^(?:sd|sdxl|xl|sd3|il|flux)[\d._]+$", re.IGNORECASE
)
# Anything but letters, digits, spaces and punctuation: emoji, ™, ©, ...
_SYMBOL = re.compile(
    r"[^\w\s\-'’.,:;|/\\()\[\]{}<>!?&\"“”«»#*~•·+=–—"
    r"【】「」『』（）《》〈〉｜：；，、。！？]"
)
_NAME_TOKEN = re.compile(r"^[^\W\d_]+(?:['’.-][^\W\d_]+)*\.?$")


@dataclass(frozen=True)
class PersonName:
    """A person's name read from a title or trigger word, with what the name itself suggests."""

    display: str
    kind: str
    key: str
    gender: str | None
    countries: tuple[str, ...]
    script: str | None


@lru_cache(maxsize=131_072)
def _folded(token: str) -> str:
    """Normalised token (cached: titles reuse a modest vocabulary)."""
    return normalise(token)


def title_case(text: str) -> str:
    """Display form: NFKC, collapsed spaces, Title Case (so "MINA PARK" and "mina park" agree)."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).title()


def _clean(title: str, hub: str) -> str:
    text = visible(strip_html(title))
    if hub == "huggingface":
        text = re.sub(r"[-_.]+", " ", text.rsplit("/", 1)[-1])
    text = text.replace("_", " ")
    if not any(char.isspace() for char in text.strip()):
        text = _CAMEL.sub(" ", text)  # "MinaParkXL"; titles with spaces keep "NieR", "McKay"
    return _SYMBOL.sub(" | ", text)  # emoji and other symbols separate segments like punctuation


def title_segments(title: str, hub: str, lexicon: Lexicon) -> list[list[str]]:
    """Segments of a title as lists of original-case tokens, with version/format noise removed."""
    noise = lexicon.name_noise
    segments = []
    for segment in _SEGMENT_BREAK.split(_clean(title, hub)):
        tokens = []
        for raw in segment.split():
            token = raw.strip("'’.-*#\"")
            if token and not _VERSION.match(token) and _folded(token) not in noise:
                tokens.append(token)
        if tokens:
            segments.append(tokens)
    return segments


def is_generic_subject(segments: list[list[str]], lexicon: Lexicon) -> bool:
    """True when every word is a generic look word: "Realistic Asian Girl", "Korean Doll Likeness".

    CJK descriptor terms ("真人写真 明星") are ignored: they describe, they do not name anyone.
    """
    tokens = [_folded(token) for segment in segments for token in segment]
    words = [token for token in tokens if not (not token.isascii() and _is_stop(token, lexicon))]
    return bool(words) and all(token in lexicon.generic_words for token in words)


def name_shaped_parts(segments: list[list[str]], lexicon: Lexicon) -> tuple[str, ...]:
    """Letter keys of the first segment made of 2–3 name-shaped words ("liora", "quillford"), if any."""
    for segment in segments:
        tokens = [token for token in segment if not _is_stop(_folded(token), lexicon)]
        if 2 <= len(tokens) <= 3 and all(token.isalpha() and len(token) >= 2 for token in tokens):
            return tuple(name_key(token) for token in tokens)
    return ()


def find_person_name(segments: list[list[str]], lexicon: Lexicon, cased: bool = True) -> PersonName | None:
    """The strongest name-shaped segment, or None. ``cased=False`` for slugs and trigger words."""
    best: PersonName | None = None
    for segment in segments:
        candidate = _read_segment(segment, lexicon, cased)
        if candidate and (best is None or _RANK[candidate.kind] < _RANK[best.kind]):
            best = candidate
    return best


def _read_segment(segment: list[str], lexicon: Lexicon, cased: bool) -> PersonName | None:
    tokens = [token for token in segment if not _is_stop(_folded(token), lexicon)]
    if cased:
        tokens = _capitalised_run(tokens)
    if not tokens:
        return None
    script = script_of("".join(tokens))
    if script:
        return _read_cjk("".join(tokens), script, lexicon)
    if not all(_NAME_TOKEN.match(token) and len(name_key(token)) >= 2 for token in tokens):
        return None
    keys = [name_key(token) for token in tokens]
    given = _given(keys, lexicon)
    surname_countries = [lexicon.surnames[key] for key in keys if key in lexicon.surnames]
    # A surname used in one country only is a hint; "Lee" (KR, CN, US, GB) is none.
    single = {countries[0] for countries in surname_countries if len(countries) == 1}
    countries = (single.pop(),) if len(single) == 1 else ()
    display = title_case(" ".join(tokens))
    key = "".join(keys)
    if given and 2 <= len(tokens) <= 4 and (len(tokens) < 4 or surname_countries):
        gender, given_countries = given
        return PersonName(display, PERSON, key, gender, countries or _single(given_countries), None)
    if surname_countries and 2 <= len(tokens) <= 3 and all(len(key) >= 2 for key in keys):
        return PersonName(display, SURNAME, key, None, countries, None)
    if given and len(tokens) == 1:
        gender, given_countries = given
        return PersonName(display, MONONYM, key, gender, _single(given_countries), None)
    if cased and 2 <= len(tokens) <= 3 and all(token[:1].isupper() for token in tokens):
        return PersonName(display, CAPITALISED, key, None, countries, None)
    return None


def _capitalised_run(tokens: list[str]) -> list[str]:
    """Drop lower-case words around a capitalised name ("evil Mina Park" -> "Mina Park")."""
    capitalised = [i for i, token in enumerate(tokens) if token[:1].isupper()]
    if len(capitalised) < 2 or len(capitalised) == len(tokens):
        return tokens
    return tokens[capitalised[0] : capitalised[-1] + 1]


def _is_stop(token: str, lexicon: Lexicon) -> bool:
    if token in lexicon.name_stop:
        return True
    return not token.isascii() and any(term in token for term, _ in lexicon.cjk_terms)


def _given(keys: list[str], lexicon: Lexicon) -> tuple[str, tuple[str, ...]] | None:
    """Given-name entry of the first or last token (or two tokens, as in "Seo Yeon Kim")."""
    candidates = [keys[0] + keys[1], keys[-2] + keys[-1]] if len(keys) >= 2 else []
    candidates += [keys[0], keys[-1]]
    for key in candidates:
        if key in lexicon.given_names:
            return lexicon.given_names[key]
    return None


def _single(countries: tuple[str, ...]) -> tuple[str, ...]:
    return countries if len(countries) == 1 else ()


def _read_cjk(text: str, script: str, lexicon: Lexicon) -> PersonName | None:
    """Hangul: 3 syllables from a known surname; Han: 3 characters, or 3–4 with a Japanese surname."""
    for size in (3, 2, 1):
        country = lexicon.cjk_surnames.get(text[:size])
        if country and _cjk_length_ok(text, script, country, size):
            return PersonName(text, CJK, normalise(text), None, (country,), script)
    return None


def _cjk_length_ok(text: str, script: str, country: str, surname_size: int) -> bool:
    if script == "hangul":
        return country == "KR" and len(text) == 3
    if country == "JP":
        return 3 <= len(text) <= surname_size + 4
    if script == "han":
        return country == "CN" and len(text) == 3
    return False
