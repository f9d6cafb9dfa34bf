"""The person registry: who it learns, how models are matched to people, how decisions change."""

import random
import time
from datetime import date

import pytest

from likeness_watch.alerts.watchlist import WatchedPerson
from likeness_watch.classify import classify
from likeness_watch.classify.classifier import THRESHOLD
from likeness_watch.classify.registry import (
    MAX_WINDOW,
    POI_OVERRULED,
    REGISTRY_WEIGHT,
    Person,
    RegistryIndex,
    Seed,
    build_registry,
    confidence_of,
    model_keys,
    redecide,
    score_of,
    text_keys,
)

D1, D2, D3 = date(2025, 5, 1), date(2025, 5, 2), date(2025, 5, 3)
JANE = Seed("civitai", "101", "Jane Doe", D1, "female", 0.9, "US", 0.4, "celebrity")


def not_likeness(confidence: float = 0.0601, reasons: tuple[str, ...] = ()) -> dict:
    """A classifier decision that is not likeness (score 0 by default: no evidence at all)."""
    return {
        "is_likeness": False,
        "likeness_confidence": confidence,
        "likeness_reasons": list(reasons),
        "target_name": None,
        "target_gender": "unknown",
        "target_gender_confidence": 0.0,
        "target_country": "unknown",
        "target_country_confidence": 0.0,
        "target_prominence": None,
    }


def match(
    people: list[Person], model: tuple[str, str], name: str, trained: tuple[str, ...] = ()
) -> Person | None:
    return RegistryIndex(people).match(model, model_keys(name, trained))


# -- model keys ----------------------------------------------------------------------------------


def test_model_keys_join_one_to_three_consecutive_words_of_six_letters_or_more():
    assert "ianedo" in model_keys("janedoe-v2")  # "janedoe", folded as likeness_watch.names folds
    assert "ianedo" in model_keys("jane_doe_v3")
    assert "ianedo" in model_keys("JaneDoe2")  # camel case split, digits split words
    assert text_keys("ab cd ef gh") == {"abcdef", "cdefgh"}, "at most three words, at least six letters"
    assert text_keys("Ana Lopez") == {"analopes"}
    assert text_keys(None) == set() and text_keys("Bo Li") == set()


def test_trigger_words_are_read_phrase_by_phrase():
    assert "ianedo" in model_keys("model-42", ["photo of janedoe woman, masterpiece"])
    assert "ianedo" not in model_keys("model-42", ["jane, doe"]), "never joined across prompt phrases"


def test_keys_per_model_are_bounded_by_its_words():
    title = " ".join(f"word{letter}xyz" for letter in "abcdefghijklmnopqrst")  # digits split: 40 words
    assert len(text_keys(title)) <= MAX_WINDOW * 40


# -- who the registry learns ---------------------------------------------------------------------


def test_people_are_keyed_by_name_key_with_spellings_as_aliases_and_first_sighting():
    people = build_registry(
        [
            Seed("huggingface", "fan/jd", "Doe Jane", D2, "female", 0.7),
            JANE,
            Seed("civitai", "102", "Jane Doe", D3, "female", 0.8, "unknown", 0.0, "influencer"),
        ]
    )
    assert len(people) == 1
    jane = people[0]
    assert (jane.person_key, jane.name, jane.aliases) == ("do iane", "Jane Doe", ("Doe Jane",))
    assert jane.sources == ("civitai", "huggingface")
    assert (jane.first_seen_hub, jane.first_seen_model_id, jane.first_seen) == ("civitai", "101", D1)
    assert jane.seed_models == (("civitai", "101"), ("huggingface", "fan/jd"), ("civitai", "102"))
    assert (jane.gender, jane.gender_confidence) == ("female", 0.8)
    assert (jane.country, jane.prominence) == ("US", "celebrity")  # first seen wins a tie
    assert {"ianedo", "doiane"} <= set(jane.joined_keys)


def test_registry_does_not_depend_on_the_order_of_its_inputs():
    seeds = [JANE, Seed("huggingface", "a/b", "Doe Jane", D1), Seed("civitai", "9", "Mina Park", D2)]
    shuffled = seeds[:]
    random.Random(3).shuffle(shuffled)
    assert build_registry(shuffled) == build_registry(seeds)


def test_a_given_name_alone_teaches_nobody_but_cjk_names_are_kept_in_their_script():
    people = {
        person.person_key: person
        for person in build_registry(
            [
                Seed("civitai", "1", "Valentina", D1),
                Seed("civitai", "2", "王小雨", D1, "female", 0.7, "CN", 0.6),
                Seed("civitai", "3", "박미나", D1),
            ]
        )
    }
    assert set(people) == {"iu vang xiao", "bagmina"}
    assert people["iu vang xiao"].name == "王小雨" and "vangxiaoiu" in people["iu vang xiao"].joined_keys
    assert people["bagmina"].name == "박미나" and people["bagmina"].joined_keys == ("bagmina",)
    for model, name in [(("civitai", "8"), "王小雨写真 v2"), (("huggingface", "u/w"), "wangxiaoyu-lora")]:
        found = match(list(people.values()), model, name)
        assert found is not None and found.name == "王小雨", name
    assert match(list(people.values()), ("civitai", "9"), "박미나 LoRA").name == "박미나"


def test_watchlist_people_are_in_the_registry_and_absorb_seeds_named_by_an_alias():
    watchlist = [
        WatchedPerson("Marisol Quenby", ("Mari Quenby", "Марисоль Квенби")),
        WatchedPerson("Elodie Brassac-Nuñez", ("elodiebrassac",)),
    ]
    people = {p.name: p for p in build_registry([Seed("civitai", "7", "Mari Quenby", D2)], watchlist)}
    marisol, elodie = people["Marisol Quenby"], people["Elodie Brassac-Nuñez"]
    assert marisol.sources == ("civitai", "watchlist") and marisol.source == "civitai"
    assert marisol.aliases == ("Mari Quenby", "Марисоль Квенби")
    assert elodie.sources == ("watchlist",) and elodie.source == "watchlist" and elodie.models == 0
    assert "elodiebrasac" in elodie.joined_keys, "a one-word watchlist alias counts as a key"
    assert match(list(people.values()), ("huggingface", "x/y"), "marisol-kvenbi-flux") is marisol
    decided = redecide(not_likeness(), False, match(list(people.values()), ("civitai", "8"), "elodiebrassac"))
    assert decided["is_likeness"] and decided["likeness_reasons"] == ["registry:watchlist"]
    assert (
        decided["target_name"] == "Elodie Brassac-Nuñez"
        and decided["target_prominence"] == "private_or_unknown"
    )


# -- matching ------------------------------------------------------------------------------------


def test_a_joined_slug_with_weak_evidence_becomes_likeness_of_the_person_first_seen_on_civitai():
    people = build_registry([JANE])
    person = match(people, ("huggingface", "fan/janedoe-v2"), "janedoe-v2")
    assert person is not None and person.person_key == "do iane"
    decided = redecide(not_likeness(), False, person)
    assert decided["is_likeness"] is True
    assert decided["likeness_reasons"] == ["registry:civitai"]
    assert decided["likeness_confidence"] == confidence_of(REGISTRY_WEIGHT)
    assert (decided["target_name"], decided["target_gender"], decided["target_country"]) == (
        "Jane Doe",
        "female",
        "US",
    )
    assert decided["target_prominence"] == "celebrity" and decided["registry_person_key"] == "do iane"


def test_a_model_is_never_matched_to_a_person_it_taught_the_registry():
    people = build_registry([JANE, Seed("civitai", "102", "Jane Doe", D2)])
    assert match(people, ("civitai", "101"), "Jane Doe anime") is None
    assert match(people, ("civitai", "102"), "Jane Doe anime") is None
    assert match(people, ("civitai", "103"), "Jane Doe anime") is people[0]


def test_the_most_specific_name_wins():
    people = build_registry(
        [Seed("civitai", "1", "Mary Jane", D1), Seed("civitai", "2", "Mary Jane Watson", D2)]
    )
    assert match(people, ("civitai", "3"), "mary jane watson v2").name == "Mary Jane Watson"
    assert match(people, ("civitai", "4"), "mary jane portrait").name == "Mary Jane"


def test_whole_words_only():
    people = build_registry([Seed("civitai", "1", "Anna Bell", D1)])
    assert match(people, ("civitai", "2"), "joannabell style") is None
    assert match(people, ("civitai", "3"), "annabell") is not None


# -- re-decisions ------------------------------------------------------------------------------


def test_score_is_recovered_from_the_rounded_confidence():
    for step in range(-35, 136):  # scores -1.75 … 6.75 in steps of 0.05
        score = step / 20
        assert score_of(confidence_of(score)) == pytest.approx(score, abs=1e-9), score
    assert score_of(0.0) < -5 and score_of(1.0) > 10, "rounded to 0 or 1: clamped, not infinite"


def test_strong_negative_evidence_still_outweighs_the_registry():
    anime = classify({"hub": "civitai", "name": "Jane Doe", "type": "LORA", "tags": ["anime", "manga"]})
    assert anime["is_likeness"] is False
    decided = redecide(anime, False, build_registry([JANE])[0])
    assert decided["is_likeness"] is False and decided["likeness_reasons"][-1] == "registry:civitai"
    assert decided["likeness_confidence"] > anime["likeness_confidence"]
    assert decided["target_name"] is None and decided["registry_person_key"] == "do iane"
    expected = confidence_of(score_of(anime["likeness_confidence"]) + REGISTRY_WEIGHT)
    assert decided["likeness_confidence"] == expected < 0.5


def test_a_classifier_decision_at_the_edge_is_decided_exactly():
    below = not_likeness(confidence_of(THRESHOLD - REGISTRY_WEIGHT - 0.05))
    at = not_likeness(confidence_of(THRESHOLD - REGISTRY_WEIGHT))
    person = build_registry([JANE])[0]
    assert redecide(below, False, person)["is_likeness"] is False
    assert redecide(at, False, person)["is_likeness"] is True


def test_poi_flag_the_final_decision_overrules_is_marked():
    overruled = redecide(not_likeness(0.01, ("poi_flag", "neg:fictional_franchise")), True, None)
    assert overruled["likeness_reasons"] == ["poi_flag", "neg:fictional_franchise", POI_OVERRULED]
    assert overruled["registry_person_key"] is None
    rescued = redecide(not_likeness(0.3, ("poi_flag", "neg:name:style")), True, build_registry([JANE])[0])
    assert rescued["is_likeness"] and POI_OVERRULED not in rescued["likeness_reasons"]
    assert redecide(not_likeness(), False, None)["likeness_reasons"] == []


def test_likeness_decisions_are_left_as_they_are():
    decision = not_likeness(0.8, ("tag:celebrity",)) | {"is_likeness": True, "target_name": "Jane Doe"}
    decided = redecide(decision, True, build_registry([JANE])[0])
    assert decided["is_likeness"] and decided["likeness_confidence"] == 0.8
    assert decided["likeness_reasons"] == ["tag:celebrity"] and decided["registry_person_key"] is None


# -- cost ----------------------------------------------------------------------------------------


def test_matching_is_key_lookups_whatever_the_size_of_the_registry():
    """100,000 people and 20,000 models: each model costs a few dictionary look-ups, never a scan
    of the registry (a generous bound; it takes a fraction of a second)."""
    rng = random.Random(5)
    letters = "abcdefghiklmnoprstuv"

    def word() -> str:
        return "".join(rng.choice(letters) for _ in range(rng.randint(4, 8)))

    people = [Person(f"p{i}", f"Person {i}", joined_keys=(word() + word(),)) for i in range(100_000)]
    index = RegistryIndex(people)
    models = [(f"u/{i}", model_keys(f"{word()}{word()}-lora-v{i % 9}", [word()])) for i in range(20_000)]
    started = time.process_time()
    found = sum(index.match(("huggingface", model_id), keys) is not None for model_id, keys in models)
    assert time.process_time() - started < 2.0
    assert found < 100, "random slugs rarely spell a random person"
