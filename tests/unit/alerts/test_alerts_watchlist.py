"""Watchlist parsing and name matching (case, diacritics, transliteration, word order, handles)."""

from __future__ import annotations

from pathlib import Path

import pytest

from likeness_watch.alerts.watchlist import (
    WatchedPerson,
    WatchlistError,
    WatchlistIndex,
    load_watchlist,
    matches,
    parse_watchlist,
)
from likeness_watch.names import name_key, tokens

PERSON = WatchedPerson("Zoë Álvarez-Brun", ("Зоя Альварес",))


def named(person: WatchedPerson, texts: list[str | None]) -> bool:
    return matches(person, [tokens(text) for text in texts])


@pytest.mark.parametrize(
    "text",
    [
        "Zoe Alvarez-Brun LoRA v2",
        "ZOË ÁLVAREZ BRUN [SDXL]",
        "zoe_alvarez_brun",
        "ZoeAlvarezBrun",
        "alvarezbrunzoe",
        "Alvarez Brun Zoe",
        "Зоя Альварес (flux)",
        "Zoya Alvarez",
    ],
)
def test_person_is_found_however_written(text):
    assert named(PERSON, [text])


@pytest.mark.parametrize("text", ["Zoe", "Alvarez", "zoealvarezbrunette style", "Zoey Alvaro", None, ""])
def test_partial_or_different_names_do_not_match(text):
    assert not named(PERSON, [text])


def test_short_names_do_not_match_inside_other_words():
    ann = WatchedPerson("Ann Li", ())
    assert not named(ann, ["Joanna Lindqvist", "annli"])  # "annli" is too short to trust joined
    assert named(ann, ["Li Ann portrait"])


def test_any_string_of_the_model_can_match():
    assert named(PERSON, ["pretty lady", None, "zoealvarezbrun"])


def test_name_key_groups_spellings_of_one_target():
    assert (
        name_key("Lee Min-ji") == name_key("min-ji LEE") == name_key("Lee Minji".replace("Minji", "Min Ji"))
    )
    assert name_key("Lee Min-ji") != name_key("Lee Min-seo")


def test_parse_watchlist_reads_aliases_and_skips_blank_rows():
    people = parse_watchlist(
        "name,aliases\nMarisol Quenby, Mari Q | Марисоль Квенби \n,orphan alias\n\nTavi Ol,\n"
    )
    assert people == [
        WatchedPerson("Marisol Quenby", ("Mari Q", "Марисоль Квенби")),
        WatchedPerson("Tavi Ol", ()),
    ]


def test_watchlist_without_name_column_is_an_error():
    with pytest.raises(WatchlistError, match="name,aliases"):
        parse_watchlist("person,alias\nX,Y\n")


def test_missing_watchlist_file_means_matching_is_off(tmp_path: Path):
    assert load_watchlist(tmp_path / "absent.csv") == []


def test_example_watchlist_in_config_parses(repo_root: Path):
    people = load_watchlist(repo_root / "config" / "watchlist.csv")
    assert len(people) >= 3 and all(person.variants for person in people)


def test_index_finds_exactly_the_persons_named_among_many():
    people = [WatchedPerson(f"Person Number{i}", ()) for i in range(500)] + [PERSON]
    index = WatchlistIndex(people)
    assert index.named_in([tokens("alvarezbrunzoe v2"), tokens("number 7 persona")]) == [PERSON]
    assert index.named_in([tokens("Person Number7 LoRA")]) == [people[7]]
    assert index.named_in([tokens("person"), tokens("number7")]) == []  # tokens in different strings
