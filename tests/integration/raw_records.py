"""Raw records shaped like the hubs' APIs (hub-apis.md) and their crawl envelopes, for tests that
write a lake with the real ``PartitionWriter`` and build it (the warehouse and evidence-pack tests)."""

from __future__ import annotations

from typing import Any


def civitai_model(
    model_id: int, name: str, tags: list[str], sha: str, downloads: int | None, **extra: Any
) -> dict:
    """A /api/v1/models item (hashes upper-case, as Civitai sends them)."""
    record = {
        "id": model_id,
        "name": name,
        "description": f"<p>{name}. Trained on 20 photos.</p>",
        "type": "LORA",
        "poi": False,
        "nsfw": False,
        "nsfwLevel": 1,
        "creator": {"username": "uploader1", "image": None},
        "tags": tags,
        "stats": {"downloadCount": downloads, "favoriteCount": 3, "thumbsUpCount": 7, "commentCount": 1},
        "modelVersions": [
            {
                "id": model_id * 10,
                "index": 0,
                "name": "v1.0",
                "baseModel": extra.pop("base_model", "SD 1.5"),
                "publishedAt": extra.pop("published_at", "2025-04-01T10:00:00.000Z"),
                "trainedWords": extra.pop("trained_words", []),
                "stats": {"downloadCount": downloads},
                "files": [
                    {
                        "id": model_id * 100,
                        "name": f"{name.replace(' ', '_')}.safetensors",
                        "type": "Model",
                        "sizeKB": 147_000.5,
                        "primary": True,
                        "hashes": {"SHA256": sha.upper(), "AutoV2": sha[:10].upper()},
                    }
                ],
            }
        ],
    }
    record.update(extra)
    return record


def hf_repo(repo: str, tags: list[str], sha: str, downloads: int, created: str) -> dict:
    """An /api/models/{id}?blobs=true body (LFS sha256 lower-case)."""
    return {
        "_id": "65f0c0ffee",
        "id": repo,
        "modelId": repo,
        "author": repo.split("/")[0],
        "sha": "0123abcd",
        "createdAt": created,
        "lastModified": created,
        "private": False,
        "gated": False,
        "disabled": False,
        "downloads": 12,
        "downloadsAllTime": downloads,
        "likes": 4,
        "tags": tags,
        "pipeline_tag": "text-to-image",
        "library_name": "diffusers",
        "cardData": {
            "base_model": "black-forest-labs/FLUX.1-dev",
            "instance_prompt": "elenam",
            "license": "other",
        },
        "siblings": [
            {"rfilename": "README.md"},
            {"rfilename": "sample.png", "lfs": {"sha256": "11" * 32, "size": 1000}},
            {"rfilename": "lora.safetensors", "lfs": {"sha256": sha, "size": 150_528_512}},
        ],
    }


def envelope(
    hub: str,
    model_id: Any,
    record: dict | None,
    status: int = 200,
    via: str = "listing",
    fetched_at: str = "2025-05-01T00:10:00Z",
) -> dict:
    return {
        "hub": hub,
        "model_id": None if model_id is None else str(model_id),
        "via": via,
        "fetched_at": fetched_at,
        "http_status": status,
        "record": record,
        "error": None if record is not None else f"HTTP {status}",
    }
