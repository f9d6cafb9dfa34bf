"""Hand-written raw envelopes in the shapes of hub-apis.md, and partitions written with the real writer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import pytest

from likeness_watch.raw import Manifest, PartitionWriter
from likeness_watch.store import ObjectStore

DAY = date(2025, 5, 1)
FETCHED = "2025-05-01T00:00:03Z"


def civitai_record(model_id: int, downloads: int | None = 10, **fields: Any) -> dict[str, Any]:
    record = {
        "id": model_id,
        "name": f"Model {model_id}",
        "description": "<p>a LoRA</p>",
        "type": "LORA",
        "poi": False,
        "nsfw": False,
        "nsfwLevel": 1,
        "mode": None,
        "creator": {"username": "maker", "image": None},
        "tags": ["character"],
        "stats": {"downloadCount": downloads, "thumbsUpCount": 1, "rating": 4.5},
        "modelVersions": [
            {"id": model_id * 10, "baseModel": "SDXL 1.0", "publishedAt": "2025-04-30T12:00:00.000Z"}
        ],
    }
    record.update(fields)
    return record


def civitai_envelope(model_id: int | None, record: dict[str, Any] | None = None, **envelope: Any) -> dict:
    return {
        "hub": "civitai",
        "model_id": None if model_id is None else str(model_id),
        "via": "listing",
        "fetched_at": FETCHED,
        "http_status": 200,
        "record": civitai_record(model_id or 0) if record is None else record,
        "error": None,
    } | envelope


def civitai_tombstone(model_id: int) -> dict:
    return civitai_envelope(model_id, via="refresh", http_status=404, error="HTTP 404") | {"record": None}


def hf_envelope(repo: str, downloads: int | None = 5, **fields: Any) -> dict:
    record = {
        "_id": "66a1b2c3d4e5f6a7b8c9d0e1",
        "id": repo,
        "modelId": repo,
        "author": repo.split("/")[0],
        "createdAt": "2025-04-30T10:00:00.000Z",
        "lastModified": "2025-04-30T11:00:00.000Z",
        "private": False,
        "gated": False,
        "disabled": False,
        "downloads": downloads,
        "downloadsAllTime": downloads,
        "likes": 1,
        "tags": ["lora", "text-to-image"],
        "siblings": [{"rfilename": "model.safetensors"}],
    } | fields
    return {
        "hub": "huggingface",
        "model_id": repo,
        "via": "listing",
        "fetched_at": FETCHED,
        "http_status": 200,
        "record": record,
        "error": None,
    }


def write_partition(
    store: ObjectStore, hub: str, envelopes: Iterable[dict], day: date = DAY, records_per_file: int = 5000
) -> Manifest:
    writer = PartitionWriter(store, hub, day, records_per_file=records_per_file)
    for envelope in envelopes:
        writer.add(envelope)
    return writer.commit(mode="sweep")


class Raw:
    """The helpers above, handed to tests as the ``raw`` fixture (test modules cannot import conftest)."""

    day = DAY
    civitai_record = staticmethod(civitai_record)
    civitai_envelope = staticmethod(civitai_envelope)
    civitai_tombstone = staticmethod(civitai_tombstone)
    hf_envelope = staticmethod(hf_envelope)
    write_partition = staticmethod(write_partition)


@pytest.fixture(scope="session")
def raw() -> type[Raw]:
    return Raw
