"""Evidence packs without a warehouse: which models an alert names, pack folder names and links,
and the folder swap that replaces a pack."""

from __future__ import annotations

from datetime import date

import pytest

from likeness_watch.alerts.model import TAKEDOWN_EVASION, Alert, ModelRef
from likeness_watch.review.evidence import (
    EvidenceError,
    Pack,
    model_pack_id,
    named_models,
    pack_url,
    write_pack,
)


def alert(kind: str, models: tuple[ModelRef, ...], files: list[dict] | None = None) -> Alert:
    details = {"files": files} if files is not None else {}
    return Alert(kind, "huggingface", date(2025, 5, 3), "high", "t", 1.0, top_models=models, details=details)


def test_an_evasion_alert_names_its_models_and_the_earlier_holders_once():
    copies = (ModelRef("huggingface", "a/b", "b", None), ModelRef("huggingface", "c/d", "d", None))
    files = [
        {"sha256": "1" * 64, "first_hub": "civitai", "first_model_id": "7"},
        {"sha256": "2" * 64, "first_hub": "civitai", "first_model_id": "7"},
        {"sha256": "3" * 64, "first_hub": "huggingface", "first_model_id": "a/b"},
    ]
    assert named_models(alert(TAKEDOWN_EVASION, copies, files)) == [
        ("huggingface", "a/b"),
        ("huggingface", "c/d"),
        ("civitai", "7"),
    ]
    assert named_models(alert("spike", copies[:1], files)) == [("huggingface", "a/b")]  # files: evasion only
    assert named_models(alert("data_missing", ())) == []


def test_pack_folders_are_path_safe_and_links_point_under_evidence():
    assert model_pack_id("civitai", "1580878") == "model-civitai-1580878"
    assert model_pack_id("huggingface", "some.one/Lora_v2-x") == "model-huggingface-some.one--Lora_v2-x"
    assert model_pack_id("huggingface", "../../etc/passwd") == "model-huggingface-..--..--etc--passwd"
    assert "/" not in model_pack_id("huggingface", "a/b\\c d")
    assert pack_url("https://lw.example.org/tns", "20250503-spike-all-0123456789ab") == (
        "https://lw.example.org/tns/evidence/20250503-spike-all-0123456789ab/index.html"
    )


def pack(pack_id: str, name: str) -> Pack:
    return Pack(
        pack_id,
        {
            "pack": {
                "version": 1, "kind": "model", "id": pack_id, "generated_at": "2025-05-04T06:00:00Z",
                "generator": "test", "metadata_only": True, "record_sha256": "defined", "data_through": None,
            },
            "alert": None,
            "models": [
                {
                    "hub": "civitai", "model_id": "1", "name": name, "daily": [], "status_changes": [],
                    "files": [], "appearances": [], "review_decisions": [], "raw_records": [], "notes": [],
                }
            ],
        },
    )  # fmt: skip


def test_writing_a_pack_again_replaces_it_and_leaves_nothing_else(tmp_path):
    out = tmp_path / "packs"
    write_pack(pack("model-civitai-1", "first"), out)
    index = write_pack(pack("model-civitai-1", "second"), out)
    assert "second" in index.read_text() and "first" not in index.read_text()
    assert [p.name for p in out.iterdir()] == ["model-civitai-1"]


def test_a_pack_id_that_is_no_folder_name_is_refused_before_anything_is_written(tmp_path):
    for bad in ("../escape", ".hidden"):
        with pytest.raises(EvidenceError, match="is not a folder name"):
            write_pack(pack(bad, "x"), tmp_path / "packs")
    assert not (tmp_path / "packs").exists() and not (tmp_path / "escape").exists()
