"""Finding a model's envelope lines in a partition as stored: the bytes a record hash covers and
the line a notice cites."""

from __future__ import annotations

import gzip
import json
from datetime import date

import pytest

from likeness_watch.raw import ChecksumError, PartitionWriter
from likeness_watch.raw.reader import find_partition_lines

DAY = date(2025, 5, 1)


def envelope(model_id: str, name: str) -> dict:
    record = {"name": name, "parent": {"model_id": "7"}} if name == "b" else {"name": name}
    return {"hub": "civitai", "model_id": model_id, "via": "listing", "record": record}


@pytest.fixture
def manifest(store):
    writer = PartitionWriter(store, "civitai", DAY, records_per_file=3)
    names = ["a", "b", "c", "d\u202e Zoë", "e"]  # b's record holds a key model_id of its own
    for number, name in enumerate(names, start=5):
        writer.add(envelope(str(number), name))
    return writer.commit(mode="incremental")


def needle(model_id: str) -> bytes:
    return b'"model_id": ' + json.dumps(model_id).encode()


def test_lines_are_found_as_stored_with_their_file_and_line_number(store, manifest):
    found = list(find_partition_lines(store, manifest, [needle("5"), needle("8"), needle("9")]))
    assert [(file.key, number) for file, number, _ in found] == [
        (manifest.files[0].key, 1),
        (manifest.files[1].key, 1),
        (manifest.files[1].key, 2),
    ]
    for file, number, line in found:
        stored = gzip.decompress(store.get_bytes(file.key)).split(b"\n")[number - 1]
        assert line == stored and json.loads(line)["model_id"] in {"5", "8", "9"}
    assert json.loads(found[1][2])["record"]["name"] == "d\u202e Zoë"  # UTF-8, unescaped, as written


def test_a_line_is_found_once_and_an_id_inside_another_string_is_left_to_the_caller(store, manifest):
    found = list(find_partition_lines(store, manifest, [needle("7"), needle("7")]))
    assert sorted(json.loads(line)["model_id"] for _, _, line in found) == ["6", "7"]


def test_a_changed_file_is_refused_before_it_is_searched(store, manifest):
    store.put_bytes(manifest.files[1].key, gzip.compress(b'{"model_id": "8"}\n'))
    with pytest.raises(ChecksumError, match=manifest.files[1].key):
        list(find_partition_lines(store, manifest, [needle("8")]))
