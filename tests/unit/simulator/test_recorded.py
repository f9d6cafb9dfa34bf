"""Reading recorded hub data for the replay: formats, record kinds, model cards, one-line errors."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime

import pytest

from hubsim.recorded import (
    CARD_CREATED_AT,
    RecordingError,
    card_record,
    card_repo_id,
    civitai_created,
    epoch,
    front_matter,
    load,
)

CIVITAI = {"id": 7, "name": "A", "type": "LORA", "poi": False, "nsfw": False, "modelVersions": []}
HF = {"id": "alice/flux-lora", "sha": "0" * 40, "tags": ["lora"], "pipeline_tag": "text-to-image"}
CARD = "---\nlicense: mit\ntags:\n- lora\n- diffusers\nbase_model: stabilityai/sdxl\n---\n# Jane\n"


def write(path, text, gz=False):
    path.parent.mkdir(parents=True, exist_ok=True)
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_every_format_and_kind_is_read_recursively(tmp_path):
    write(tmp_path / "a.json", json.dumps([CIVITAI, {**CIVITAI, "id": 8, "poi": True}], indent=2))
    write(
        tmp_path / "sub" / "b.jsonl.gz", json.dumps(HF) + "\n\n" + json.dumps({**CIVITAI, "id": 9}), gz=True
    )
    write(tmp_path / "c.json.gz", json.dumps({"file": "bob_jane-doe_README.md", "card": CARD}), gz=True)
    write(tmp_path / "d.jsonl", json.dumps({"items": [{**CIVITAI, "id": 10}], "metadata": {}}) + "\n")
    write(tmp_path / "notes.md", "ignored")
    recording = load(tmp_path)
    assert sorted(recording.civitai) == [7, 8, 9, 10]
    assert recording.civitai[8].hidden and not recording.civitai[7].hidden
    assert sorted(recording.huggingface) == ["alice/flux-lora", "bob/jane-doe"]
    assert recording.cards == {"bob/jane-doe": CARD}
    assert recording.huggingface["bob/jane-doe"].synthesised
    assert recording.huggingface["alice/flux-lora"].tags == {"lora", "text-to-image"}
    assert recording.files == 4


def test_a_recorded_api_record_wins_over_one_synthesised_from_its_card(tmp_path):
    api = {"id": "bob/jane-doe", "sha": "1" * 40, "createdAt": "2024-01-02T00:00:00.000Z"}
    write(tmp_path / "1.jsonl", json.dumps(api) + "\n")
    write(tmp_path / "2.jsonl", json.dumps({"file": "bob_jane-doe.md", "card": CARD}) + "\n")
    write(tmp_path / "3.jsonl", json.dumps({**CIVITAI, "name": "later"}) + "\n" + json.dumps(CIVITAI) + "\n")
    recording = load(tmp_path)
    repo = recording.huggingface["bob/jane-doe"]
    assert not repo.synthesised and json.loads(repo.text)["sha"] == "1" * 40
    assert recording.cards["bob/jane-doe"] == CARD  # the card is still served as the README
    assert json.loads(recording.civitai[7].text)["name"] == "A"  # a later record replaces an earlier one


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.jsonl", '{"id": 1, "modelVersions": []}\n{"id": 2,\n', "bad.jsonl:2: invalid JSON"),
        ("list.json", '[\n{"id": 1, "modelVersions": []},\n{"id": }\n]', "list.json:3: invalid JSON"),
        ("list.json", '[\n{"id": 1, "modelVersions": []}\n{"id": 2}]', "list.json:3: invalid JSON: expected"),
        ("kind.jsonl", '\n\n{"name": "x"}\n', "kind.jsonl:3: not a Civitai model"),
        ("scalar.jsonl", "[1, 2]\n", "scalar.jsonl:1: expected a JSON object, got list"),
        ("card.jsonl", '{"file": "README.md", "card": "x"}\n', "card.jsonl:1: card file 'README.md' is not"),
    ],
)
def test_a_bad_record_is_one_line_naming_file_and_line(tmp_path, name, text, message):
    write(tmp_path / name, text)
    with pytest.raises(RecordingError) as info:
        load(tmp_path)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_bad_files_and_directories(tmp_path):
    with pytest.raises(RecordingError, match="not a directory"):
        load(tmp_path / "absent")
    with pytest.raises(RecordingError, match="no .json, .jsonl, .json.gz, .jsonl.gz files"):
        load(tmp_path)
    write(tmp_path / "empty.json", "[]")
    with pytest.raises(RecordingError, match="hold no records"):
        load(tmp_path)
    (tmp_path / "empty.json").unlink()
    (tmp_path / "broken.json.gz").write_bytes(b"not gzip")
    with pytest.raises(RecordingError, match=r"broken.json.gz: cannot read"):
        load(tmp_path)
    (tmp_path / "broken.json.gz").unlink()
    (tmp_path / "latin1.jsonl").write_bytes(b'{"id": 1, "modelVersions": []}\n{"name": "caf\xe9"}\n')
    with pytest.raises(RecordingError, match=r"latin1.jsonl:2: not UTF-8"):
        load(tmp_path)


def test_timestamps_without_a_zone_are_utc():
    expected = datetime(2023, 10, 5, 13, 31, 16, 745000, tzinfo=UTC).timestamp()
    assert epoch("2023-10-05T13:31:16.745") == expected == epoch("2023-10-05T13:31:16.745Z")
    assert epoch("not a date") is None and epoch(None) is None


def test_civitai_creation_is_the_earliest_version_publication():
    versions = [
        {"createdAt": "2023-05-01T00:00:00Z", "publishedAt": "2023-05-03T00:00:00Z"},
        {"createdAt": "2023-04-01T00:00:00Z", "publishedAt": None},
    ]
    assert civitai_created({"modelVersions": versions}) == epoch("2023-04-01T00:00:00Z")
    assert civitai_created({"modelVersions": [], "createdAt": "2023-01-01T00:00:00"}) == epoch(
        "2023-01-01T00:00:00Z"
    )
    assert civitai_created({"modelVersions": []}) is None


def test_card_file_names_split_at_the_first_underscore():
    assert (
        card_repo_id("project/cards/0xAnders_pai-symbol-heywhale_README.md") == "0xAnders/pai-symbol-heywhale"
    )
    assert card_repo_id("17939225_feature_extractor.md") == "17939225/feature_extractor"
    assert card_repo_id("README.md") is None and card_repo_id("a_b.txt") is None


@pytest.mark.parametrize(
    ("card", "expected"),
    [
        ("---\r\r\nlicense: mit\r\r\n---\r\r\n# x", {"license": "mit"}),
        ("\n---\ntags: [a]\ndate: 2023-01-02\n---\n", {"tags": ["a"], "date": "2023-01-02"}),
        ("---\ntags: [a\n---\n", {}),  # broken YAML
        ("---\n- a\n---\n", {}),  # not a mapping
        ("# no front matter", {}),
        ("---\nlicense: mit\ntags:\n- lora\nwidget:\n- text: cut here", {"license": "mit", "tags": ["lora"]}),
    ],
)
def test_front_matter_is_parsed_tolerantly(card, expected):
    assert front_matter(card) == expected


def test_card_record_is_a_plausible_hub_record():
    record = card_record("bob/jane-doe", CARD)
    assert record == card_record("bob/jane-doe", CARD), "deterministic"
    assert record["id"] == record["modelId"] == "bob/jane-doe" and record["author"] == "bob"
    assert len(record["sha"]) == 40 and record["sha"] != card_record("bob/jane-doe", CARD + "!")["sha"]
    assert record["createdAt"] == record["lastModified"] == CARD_CREATED_AT
    flags = ("private", "gated", "disabled", "downloads", "likes")
    assert [record[k] for k in flags] == [False, False, False, 0, 0]
    assert record["tags"] == [
        "lora",
        "diffusers",
        "text-to-image",
        "base_model:stabilityai/sdxl",
        "license:mit",
    ]
    assert record["pipeline_tag"] == "text-to-image" and record["library_name"] == "diffusers"
    assert record["cardData"] == front_matter(CARD)
    assert record["siblings"] == [{"rfilename": "README.md"}]
    json.dumps(record)
    broken = card_record("a/b", "---\n: : :\n---\n")
    assert broken["cardData"] == {} and broken["tags"] == ["text-to-image"]
