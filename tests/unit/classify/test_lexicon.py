"""The shipped lexicons: well-formed, versioned, and what the version string promises."""

from __future__ import annotations

import re

from likeness_watch.classify import CLASSIFIER_VERSION
from likeness_watch.classify.classifier import RULES_VERSION
from likeness_watch.classify.lexicon import load_lexicon
from likeness_watch.classify.text import words


def test_version_carries_rules_lexicon_version_and_digest() -> None:
    lexicon = load_lexicon()
    expected = f"{RULES_VERSION}+lex.{lexicon.version}.{lexicon.digest}"
    assert expected == CLASSIFIER_VERSION
    assert re.fullmatch(r"\d+\.\d+\.\d+\+lex\.\d{4}\.\d{1,2}\.\d+\.[0-9a-f]{8}", CLASSIFIER_VERSION)


def test_every_term_is_text_and_matchable() -> None:
    """Unquoted YAML "no"/"on" would load as booleans and silently drop out."""
    lexicon = load_lexicon()
    for key, cues in lexicon.terms.items():
        assert key == " ".join(words(key)), key
        assert all(isinstance(value, str) and value for _, value in cues)


def test_country_codes_are_iso_alpha2() -> None:
    lexicon = load_lexicon()
    codes = {value for cues in lexicon.terms.values() for category, value in cues if category == "country"}
    codes |= {code for _, countries in lexicon.given_names.values() for code in countries}
    codes |= {code for countries in lexicon.surnames.values() for code in countries}
    codes |= set(lexicon.cjk_surnames.values())
    assert codes and all(re.fullmatch(r"[A-Z]{2}", code) for code in codes)
    assert {"KR", "CN", "JP", "GB", "US"} <= codes


def test_name_lexicon_genders() -> None:
    genders = {gender for gender, _ in load_lexicon().given_names.values()}
    assert genders == {"female", "male", "unknown"}


def test_fiction_and_likeness_cues_do_not_overlap() -> None:
    lexicon = load_lexicon()
    for key, cues in lexicon.terms.items():
        categories = {category for category, _ in cues}
        assert not ({"fictional", "franchise"} & categories and {"lk_strong", "lk_medium"} & categories), key
