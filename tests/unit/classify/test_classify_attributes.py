"""Gender, country and NSFW intent: decided from cues with a confidence, "unknown" when unsure."""

from __future__ import annotations

import pytest

from likeness_watch.classify import classify


def likeness(name: str = "Mina Park", **signals: object) -> dict:
    decision = classify({"hub": "civitai", "name": name, "type": "LORA", "poi": True, **signals})
    assert decision["is_likeness"]
    return decision


@pytest.mark.parametrize(
    ("signals", "gender"),
    [
        ({"name": "Alex Quinnby", "tags": ["actress"]}, "female"),
        ({"name": "Alex Quinnby", "tags": ["actor", "man"]}, "male"),
        ({"name": "Alex Quinnby", "description": "<p>She is a singer. Her best LoRA.</p>"}, "female"),
        ({"name": "Alex Quinnby", "trained_words": ["photo of ohwx man"]}, "male"),
        ({"name": "Alex Quinnby"}, "unknown"),  # neither cue nor a gendered lexicon name
    ],
)
def test_gender_from_cues(signals: dict, gender: str) -> None:
    assert likeness(**signals)["target_gender"] == gender


def test_gender_from_given_name_alone_is_low_confidence() -> None:
    by_name = likeness("Chloe Brennan")
    by_tags = likeness("Chloe Brennan", tags=["woman", "actress"])
    assert by_name["target_gender"] == by_tags["target_gender"] == "female"
    assert by_name["target_gender_confidence"] < 0.8 < by_tags["target_gender_confidence"]


def test_conflicting_gender_cues_give_unknown() -> None:
    assert likeness("Alex Quinnby", tags=["woman", "man"])["target_gender"] == "unknown"


@pytest.mark.parametrize(
    ("signals", "country"),
    [
        ({"tags": ["kpop"]}, "KR"),
        ({"name": "Xiaoyu Wang", "tags": ["douyin"]}, "CN"),
        ({"name": "Misaki Tanaka", "tags": ["gravure"]}, "JP"),
        ({"name": "Chloe Brennan", "tags": ["british"]}, "GB"),
        ({"name": "Chloe Brennan", "tags": ["hollywood"]}, "US"),
        ({"name": "박미나"}, "KR"),
        ({"name": "佐藤みさき"}, "JP"),
        ({"name": "Chloe Brennan"}, "unknown"),  # Brennan: British or American, can't say
    ],
)
def test_country_from_cues_and_scripts(signals: dict, country: str) -> None:
    assert likeness(**signals)["target_country"] == country


def test_romanised_surname_alone_is_a_low_confidence_hint() -> None:
    hint = likeness("Mina Park")
    tagged = likeness("Mina Park", tags=["korean", "kpop"])
    assert hint["target_country"] == tagged["target_country"] == "KR"
    assert hint["target_country_confidence"] < 0.5 < tagged["target_country_confidence"]


@pytest.mark.parametrize(
    ("signals", "reasons"),
    [
        ({"nsfw": True}, ["nsfw_flag"]),
        ({"nsfw_level": 1 | 2 | 4 | 8}, ["nsfw_level:x"]),
        ({"nsfw_level": 16}, ["nsfw_level:xxx"]),
        ({"tags": ["nude"]}, ["tag:nude"]),
        ({"trained_words": ["naked woman"]}, ["trigger:naked"]),
        ({"description": "<p>Great for porn.</p>"}, ["desc:porn"]),
    ],
)
def test_nsfw_intent_reasons(signals: dict, reasons: list[str]) -> None:
    decision = classify({"hub": "civitai", "name": "Neon Lights", **signals})
    assert decision["nsfw_intent"] is True
    assert decision["nsfw_reasons"] == reasons


@pytest.mark.parametrize(
    "signals",
    [
        {"nsfw": False, "nsfw_level": 1 | 2 | 4},  # R alone is suggestive, not intent
        {"description": "<p>No NSFW please. Do not use for porn.</p>"},
        {"name": "Essex Sunset", "tags": ["landscape"]},  # "sex" only as a whole word
    ],
)
def test_no_nsfw_intent(signals: dict) -> None:
    decision = classify({"hub": "civitai", "name": "Neon Lights", **signals})
    assert decision["nsfw_intent"] is False
    assert decision["nsfw_reasons"] == []


def test_class_words_inside_a_trigger_name_are_not_gender_cues() -> None:
    """ "lu man" is a name; only a DreamBooth class noun ("sks woman") speaks for gender."""
    assert likeness("Project LM", tags=["woman"], trained_words=["lu man"])["target_gender"] == "female"
