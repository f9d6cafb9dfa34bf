"""Behaviour of ``classify`` on the cases that matter: real people vs fiction, looks, tools."""

from __future__ import annotations

import pytest

from likeness_watch.classify import CLASSIFIER_VERSION, classify


def civitai(name: str, **signals: object) -> dict:
    return {"hub": "civitai", "name": name, "type": "LORA", "tags": [], "trained_words": [], **signals}


def huggingface(repo: str, **signals: object) -> dict:
    return {"hub": "huggingface", "name": repo, "type": "LORA", "tags": ["lora", "region:us"], **signals}


@pytest.mark.parametrize(
    "signals",
    [
        civitai("Mina Park LoRA", tags=["celebrity", "woman"], poi=True),
        civitai("Mina Park v2", tags=["woman", "realistic"]),  # post-ban: no flag, no likeness tag
        civitai("[SDXL] Seo-yeon Kim - Korean actress"),
        civitai("Chloe Brennan", tags=["actress"]),
        civitai(
            "Project Lotus",
            description="<p>This is a LoRA of the singer Lotus Chen.</p>",
            trained_words=["lotuschen woman"],
        ),
        civitai("박미나 LoRA", tags=["kpop", "idol"]),
        civitai("王小雨 | 抖音网红"),
        huggingface("someuser/jiwoo-han-flux-lora", trained_words=["photo of jwhan woman"]),
        huggingface(
            "someuser/celeb-lora-01", tags=["lora", "celebrity"], trained_words=["photo of sks woman"]
        ),
    ],
)
def test_real_person_models_are_likeness(signals: dict) -> None:
    assert classify(signals)["is_likeness"] is True


@pytest.mark.parametrize(
    "signals",
    [
        civitai("Tifa Lockhart (Final Fantasy VII)", tags=["character", "video game"]),
        civitai("Asuka Langley", tags=["anime", "evangelion"], trained_words=["asuka, 1girl, red hair"]),
        civitai("2B (NieR: Automata)", tags=["game character"]),
        civitai("Hu Tao | Genshin Impact", tags=["character"]),
        civitai("Lyra Starfall (Crystal Saga)", tags=["anime", "game character"]),  # invented franchise
        civitai("Realistic Tifa Cosplay", tags=["cosplay", "realistic", "final fantasy"]),
        civitai("Beautiful Woman", tags=["woman", "realistic"]),
        civitai("Realistic Asian Girl v2", tags=["asian", "girl"]),
        civitai("Korean Doll Likeness", tags=["korean", "woman"]),
        civitai("Instagram Girl Style", tags=["instagram", "style", "woman"]),
        civitai("Red Qipao Dress", tags=["clothing"]),
        civitai("Helena Marsh Art Style", tags=["style", "artist"]),  # a person's name, but a style
        civitai("Age Slider", tags=["slider"]),
        civitai("Kim Mina Pose Pack", type="Poses"),
        huggingface("labs/sks-dog", trained_words=["a photo of sks dog"]),
        huggingface("gen/beautiful-asian-woman-lora", trained_words=["beautiful asian woman"]),
    ],
)
def test_fiction_looks_and_tools_are_not_likeness(signals: dict) -> None:
    assert classify(signals)["is_likeness"] is False


def test_poi_flag_with_a_real_cosplayer_outweighs_the_franchise() -> None:
    decision = classify(civitai("Kira Vance", tags=["cosplayer", "genshin impact"], poi=True))
    assert decision["is_likeness"] is True
    assert decision["likeness_reasons"][0] == "poi_flag"


@pytest.mark.parametrize(
    "signals",
    [
        civitai("Shrine Maiden Outfit", tags=["clothing", "anime"], poi=True),
        civitai("Photo R Mix V5", type="Checkpoint", tags=["style"], poi=True),
        civitai("aass11qq", type="Hypernetwork", tags=["anime", "character"], poi=True),
    ],
)
def test_poi_flag_is_evidence_not_a_verdict(signals: dict) -> None:
    """Real Civitai flags clothing, merges and anime characters too (docs/classifier.md)."""
    decision = classify(signals)
    assert decision["is_likeness"] is False
    assert "poi_flag" in decision["likeness_reasons"]


def test_reasons_explain_both_directions() -> None:
    real = classify(civitai("Mina Park LoRA", tags=["celebrity"], poi=True))
    fiction = classify(civitai("Tifa Lockhart", tags=["anime", "final fantasy"]))
    assert {"poi_flag", "tag:celebrity", "name_pattern:person_lora"} <= set(real["likeness_reasons"])
    assert {"neg:tag:anime", "neg:fictional_franchise"} <= set(fiction["likeness_reasons"])


def test_confidence_is_monotonic_in_evidence() -> None:
    name_only = classify(civitai("Mina Park"))["likeness_confidence"]
    tagged = classify(civitai("Mina Park", tags=["celebrity"]))["likeness_confidence"]
    flagged = classify(civitai("Mina Park", tags=["celebrity"], poi=True))["likeness_confidence"]
    fiction = classify(civitai("Mina Park", tags=["anime"]))["likeness_confidence"]
    assert 0.0 <= fiction < 0.5 <= name_only < tagged < flagged <= 1.0


def test_target_name_is_normalised_display_form() -> None:
    variants = [
        "MINA PARK LoRA v2",
        "mina park [SDXL]",
        "Mina  Park - XL",
        "✨Mina Park✨",
        "ＭＩＮＡ ＰＡＲＫ",
    ]
    names = {classify(civitai(title, tags=["actress"]))["target_name"] for title in variants}
    assert names == {"Mina Park"}


def test_target_name_comes_from_trigger_or_description_when_title_hides_it() -> None:
    from_trigger = classify(civitai("Request #12", tags=["celebrity"], trained_words=["mina park woman"]))
    from_description = classify(
        civitai("Untitled 7", description="<p>Likeness of Chloe Brennan (singer).</p>", tags=["woman"])
    )
    assert from_trigger["target_name"] == "Mina Park"
    assert from_description["target_name"] == "Chloe Brennan"


def test_hostile_markup_never_reaches_target_name() -> None:
    decision = classify(
        civitai('<script>alert("x")</script><img src=x onerror=alert(1)> Mina Park LoRA', tags=["actress"])
    )
    assert decision["is_likeness"] is True
    assert decision["target_name"] == "Mina Park"


def test_non_likeness_rows_have_no_target() -> None:
    decision = classify(civitai("Neon Lights", tags=["concept"]))
    assert decision["target_name"] is None
    assert decision["target_prominence"] is None
    assert (decision["target_gender"], decision["target_country"]) == ("unknown", "unknown")


def test_hugging_face_structural_tags_are_ignored() -> None:
    # Every HF repo carries "region:us": it must not make the target American.
    decision = classify(huggingface("u/jiwoo-han-lora", tags=["lora", "region:us", "celebrity"]))
    assert decision["target_country"] == "KR"


@pytest.mark.parametrize(
    ("signals", "prominence"),
    [
        (civitai("Mina Park", tags=["kpop idol"]), "celebrity"),
        (civitai("Mina Park", tags=["instagram", "influencer"]), "influencer"),
        (
            huggingface("u/anna-k-dreambooth", tags=["lora", "person"], trained_words=["photo of sks woman"]),
            "private_or_unknown",
        ),
    ],
)
def test_prominence(signals: dict, prominence: str) -> None:
    assert classify(signals)["target_prominence"] == prominence


def test_missing_and_null_signals_are_tolerated() -> None:
    decision = classify({"hub": "civitai", "name": None, "tags": None, "poi": None, "nsfw_level": None})
    assert decision["is_likeness"] is False
    assert decision["classifier_version"] == CLASSIFIER_VERSION


def test_decision_has_exactly_the_documented_keys() -> None:
    assert set(classify(civitai("Mina Park"))) == {
        "is_likeness",
        "likeness_confidence",
        "likeness_reasons",
        "target_name",
        "target_gender",
        "target_gender_confidence",
        "target_country",
        "target_country_confidence",
        "target_prominence",
        "nsfw_intent",
        "nsfw_reasons",
        "classifier_version",
    }


def test_negated_description_cues_do_not_count() -> None:
    generic = civitai(
        "Photoreal Portrait Mix",
        tags=["realistic"],
        description="<p>Generates beautiful women. Not based on any real person, no celebrity.</p>",
    )
    decision = classify(generic)
    assert decision["is_likeness"] is False
    assert not any(reason.startswith("desc:") for reason in decision["likeness_reasons"])


def test_dreambooth_instance_token_marks_one_subject() -> None:
    person = classify(
        huggingface("u/project-x", tags=["lora", "photorealistic"], trained_words=["ohwx woman"])
    )
    look = classify(
        huggingface("u/project-y", tags=["lora", "photorealistic"], trained_words=["asian woman"])
    )
    assert "trigger:instance_token" in person["likeness_reasons"] and person["is_likeness"] is True
    assert look["is_likeness"] is False


def test_repository_named_after_its_two_word_trigger() -> None:
    """Out-of-lexicon names still count when the repo spells its own trigger, in any word order."""
    for repo, trigger in [
        ("u/vivianekelford", "viviane kelford"),
        ("u/kelford-viviane-lora", "vivianekelford"),
    ]:
        decision = classify(huggingface(repo, tags=["lora", "woman"], trained_words=[trigger]))
        assert "name_pattern:trigger_name" in decision["likeness_reasons"], repo
        assert decision["is_likeness"] is True


def test_many_fiction_cues_outweigh_a_spammy_celebrity_tag() -> None:
    fan_art = civitai(
        "Saki Hoshimura - Ember Knights",
        tags=["girl", "game character", "waifu", "fanart", "真人写真 明星"],
        trained_words=["saki_hoshimura"],
    )
    assert classify(fan_art)["is_likeness"] is False


def test_cjk_descriptors_do_not_turn_a_generic_title_into_a_name() -> None:
    decision = classify(civitai("Beautiful Asian Woman | Qwen 真人写真 明星 模型", tags=["realistic"]))
    assert "neg:generic_subject" in decision["likeness_reasons"]
    assert decision["is_likeness"] is False


@pytest.mark.parametrize(
    "text",
    [
        "\u202eevil\u202c Mina Park",
        "Mi\u200bna\u200b Park",  # zero-width spaces dodging keyword filters
        "\x00\x01\x1b[31m",
        "a" * 100_000,
        "<" * 5_000,
        "&amp;" * 3_000,
        "(" * 50,
        "Mina Park" + "🔥" * 1_000,
        "",
    ],
)
def test_hostile_text_anywhere_never_breaks_a_decision(text: str) -> None:
    decision = classify(
        civitai(text, tags=[text, None, 3], trained_words=[text], description=text * 2, type=text, poi="yes")
    )
    assert set(decision) == set(classify(civitai("x")))
    if "Mina" in text:
        assert decision["target_name"] is None or decision["target_name"] == "Mina Park"
