"""Real hub records end to end: raw gate (blocking vs drift), staging, marts.

Partitions are written with the project's raw writer from ``../shared/real/`` (the ``shared/real``
folder beside the repository): a sample of real 2023 Civitai list items (no ``nsfwLevel``, no
``thumbsUpCount``, versions without ``publishedAt``), the real 2025 ``/models/:id`` body, and real
items with their timestamps rewritten into every form the hubs send. Hugging Face records follow
the API shape of hub-apis.md (``shared/real`` holds its model cards, not API records). The days
publish with their drift recorded, every model reaches ``dim_model`` as the API gave it, and bad
data still quarantines the day.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from likeness_watch.quality import QualityGateError, validate_partitions, validate_raw, validate_warehouse
from likeness_watch.quality.summary import ValidationSummary
from likeness_watch.raw import PartitionWriter, read_manifest
from likeness_watch.settings import Settings
from likeness_watch.store import ObjectStore, open_store
from likeness_watch.timestamps import parse_utc
from likeness_watch.warehouse import build_warehouse

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "real"
CIVITAI_2023 = REAL / "civitai_models_2023.jsonl.gz"
CIVITAI_2025 = REAL / "civitai_model_by_id_1580878_lora_2025.json"
if not (CIVITAI_2023.is_file() and CIVITAI_2025.is_file()):
    pytest.skip(f"../shared/real/ is absent: no real hub records at {REAL}", allow_module_level=True)

SAMPLE_EVERY = 8
"""Every 8th of the 17,800 real 2023 items: 2,225 models, all types, a few without versions."""
D1, D2, D3 = date(2023, 8, 1), date(2023, 8, 2), date(2023, 8, 3)
INSTANT = "2023-10-05T13:31:16.745"
TIMESTAMP_FORMS = {
    9_000_001: "2023-10-05T13:31:16.745Z",
    9_000_002: "2023-10-05T13:31:16.745",  # no zone: UTC (a real 2024 list response)
    9_000_003: "2023-10-05T15:31:16.745+02:00",
    9_000_004: "2023-10-05T13:31:16.745000",
}
WHOLE_SECONDS = {9_000_005: "2023-10-05T13:31:16Z", 9_000_006: "2023-10-05T13:31:16"}
HF_FORMS = {
    "fan/jane-doe-lora": "2023-10-05T13:31:16.745Z",
    "fan/jane-doe-lora-v2": "2023-10-05T13:31:16.745",
    "fan/jane-doe-lora-v3": "2023-10-05T13:31:16Z",
    "fan/jane-doe-lora-v4": "2023-10-05T13:31:16",
}


def real_2023_items() -> list[dict[str, Any]]:
    with gzip.open(CIVITAI_2023, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def envelope(hub: str, model_id: Any, record: dict | None, day: date, via: str = "listing") -> dict:
    return {
        "hub": hub,
        "model_id": None if model_id is None else str(model_id),
        "via": via,
        "fetched_at": f"{day}T00:10:00Z",
        "http_status": 200,
        "record": record,
        "error": None,
    }


def write(store: ObjectStore, hub: str, day: date, envelopes: list[dict]) -> None:
    writer = PartitionWriter(store, hub, day)
    for item in envelopes:
        writer.add(item)
    writer.commit(mode="sweep" if day == D1 else "incremental")


def with_timestamps(item: dict[str, Any], model_id: int, text: str) -> dict[str, Any]:
    """A real 2023 item as another model, every version created at ``text`` (one form per model)."""
    versions = [{**version, "createdAt": text, "updatedAt": text} for version in item["modelVersions"]]
    return {**item, "id": model_id, "name": f"{item['name']} {model_id}", "modelVersions": versions}


def hf_record(repo: str, created: str) -> dict[str, Any]:
    """An ``/api/models/{id}?blobs=true`` body (hub-apis.md)."""
    return {
        "_id": "65f0c0ffee0123456789abcd",
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
        "likes": 4,
        "tags": [
            "diffusers",
            "lora",
            "text-to-image",
            "base_model:adapter:stabilityai/stable-diffusion-xl-base-1.0",
        ],
        "pipeline_tag": "text-to-image",
        "library_name": "diffusers",
        "cardData": {"instance_prompt": "janedoe", "base_model": "stabilityai/stable-diffusion-xl-base-1.0"},
        "siblings": [
            {"rfilename": "pytorch_lora_weights.safetensors", "lfs": {"sha256": "ab" * 32, "size": 1000}}
        ],
        "spaces": [],
        "usedStorage": 1000,
    }


def expected_published(record: dict[str, Any]) -> datetime | None:
    """What the API says: the earliest version's publishedAt, or its createdAt where it has none."""
    times = [
        parse_utc(version.get("publishedAt")) or parse_utc(version.get("createdAt"))
        for version in record.get("modelVersions") or []
    ]
    known = [time for time in times if time is not None]
    return min(known).replace(tzinfo=None) if known else None


@dataclass
class Lake:
    settings: Settings
    store: ObjectStore
    expected: dict[str, dict[str, Any]]
    """dim_model columns per Civitai model id, as the API gave them."""
    gates: dict[tuple[str, date], ValidationSummary]


@pytest.fixture(scope="module")
def lake(tmp_path_factory) -> Lake:
    root = tmp_path_factory.mktemp("real")
    # module-scoped: set up before the autouse env isolation, so every path is given here (the
    # gates' results went to ./data/state.duckdb and piled up over reruns)
    settings = Settings(
        store=str(root / "lake"), warehouse=root / "warehouse.duckdb", state=root / "state.duckdb"
    )
    store = open_store(settings.store)
    items = real_2023_items()
    sample = [item for index, item in enumerate(items) if index % SAMPLE_EVERY == 0]
    body_2025 = json.loads(CIVITAI_2025.read_text(encoding="utf-8"))
    base = next(item for item in items if len(item["modelVersions"]) == 2)
    variants = [
        with_timestamps(base, model_id, text)
        for model_id, text in {**TIMESTAMP_FORMS, **WHOLE_SECONDS}.items()
    ]
    write(store, "civitai", D1, [envelope("civitai", item["id"], item, D1) for item in sample])
    write(store, "civitai", D2, [envelope("civitai", body_2025["id"], body_2025, D2, via="gap_probe")])
    write(store, "civitai", D3, [envelope("civitai", item["id"], item, D3) for item in variants])
    write(
        store,
        "huggingface",
        D1,
        [envelope("huggingface", repo, hf_record(repo, created), D1) for repo, created in HF_FORMS.items()],
    )
    partitions = [("civitai", D1), ("huggingface", D1), ("civitai", D2), ("civitai", D3)]
    gates = dict(zip(partitions, validate_partitions(settings, store, partitions), strict=True))
    build_warehouse(settings)
    expected = {
        str(record["id"]): {
            "name": record["name"],
            "type": record["type"],
            "creator": record["creator"]["username"],
            "published_at": expected_published(record),
            "downloads": record["stats"]["downloadCount"],
        }
        for record in [*sample, body_2025, *variants]
    }
    return Lake(settings, store, expected, gates)


def query(lake: Lake, sql: str, *params: Any, state: bool = False) -> list[tuple]:
    """Query the warehouse, or with ``state`` the state store (gate results)."""
    con = duckdb.connect(str(lake.settings.state if state else lake.settings.warehouse), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_every_real_shape_passes_the_raw_gate_with_its_drift_recorded(lake):
    assert len(lake.expected) >= 2_000
    assert all(summary.success for summary in lake.gates.values())
    drift_2023 = {o.expectation: o.observed for o in lake.gates[("civitai", D1)].drift}
    assert set(drift_2023) == {
        f"schema_drift(record.{field})"
        for field in (
            "nsfwLevel",
            "stats.thumbsUpCount",
            "stats.thumbsDownCount",
            "stats.tippedAmountCount",
            "modelVersions[0].publishedAt",
            "modelVersions[0].nsfwLevel",
        )
    }
    assert drift_2023["schema_drift(record.nsfwLevel)"].startswith(
        "absent from 2225 of 2225 records since 2023-08-01"
    )
    assert "feeds dim_model.likes" in drift_2023["schema_drift(record.stats.thumbsUpCount)"]
    assert lake.gates[("civitai", D2)].drift == []  # the 2025 body is the shape the suite knows
    drift_d3 = {o.expectation: o.observed for o in lake.gates[("civitai", D3)].drift}
    assert drift_d3["schema_drift(record.nsfwLevel)"].startswith(
        "absent from 6 of 6 records since 2023-08-03"
    )
    assert lake.gates[("huggingface", D1)].drift == []
    stored = query(
        lake,
        "select day, count(*) from validation_results where layer = 'raw' and hub = 'civitai' "
        "and severity = 'drift' and not success group by day order by day",
        state=True,
    )
    assert stored == [(D1, 6), (D3, 6)]


def test_staging_and_marts_gates_pass_on_real_shapes(lake):
    for day in (D1, D2, D3):
        assert validate_warehouse(lake.settings, "staging", day).success
    assert validate_warehouse(lake.settings, "marts", D3).success


def test_every_model_reaches_dim_model_as_the_api_gave_it(lake):
    rows = query(
        lake,
        "select model_id, name, type, creator, published_at, downloads from dim_model where hub = 'civitai'",
    )
    found = {
        model_id: {
            "name": name,
            "type": kind,
            "creator": creator,
            "published_at": published,
            "downloads": downloads,
        }
        for model_id, name, kind, creator, published, downloads in rows
    }
    assert found == lake.expected
    no_versions = [model_id for model_id, values in found.items() if values["published_at"] is None]
    assert len(no_versions) == 1  # a real 2023 item without any version: the API gives no time


def test_a_version_without_published_at_is_dated_by_its_created_at(lake):
    """2023 versions have only createdAt; the 2025 body has both and keeps its publishedAt."""
    (row,) = query(
        lake,
        "select published_at, [v.published_at for v in versions] from staging.stg_civitai__models "
        "where model_id = '1580878'",
    )
    assert row == (
        datetime(2025, 5, 18, 1, 42, 2, 571000),
        [datetime(2025, 7, 2, 19, 13, 58, 758000), datetime(2025, 5, 18, 1, 42, 2, 571000)],
    )


def test_every_timestamp_form_lands_as_the_same_utc_instant_in_staging(lake):
    ids = ", ".join(f"'{model_id}'" for model_id in TIMESTAMP_FORMS)
    civitai = query(
        lake,
        "select distinct published_at, created_at, updated_at from staging.stg_civitai__models "
        f"where model_id in ({ids})",
    )
    instant = datetime.fromisoformat(INSTANT)
    assert civitai == [(instant, instant, instant)]
    whole = ", ".join(f"'{model_id}'" for model_id in WHOLE_SECONDS)
    assert query(
        lake, f"select distinct published_at from staging.stg_civitai__models where model_id in ({whole})"
    ) == [(instant.replace(microsecond=0),)]
    hf = dict(query(lake, "select model_id, published_at from staging.stg_huggingface__models"))
    assert hf == {
        "fan/jane-doe-lora": instant,
        "fan/jane-doe-lora-v2": instant,
        "fan/jane-doe-lora-v3": instant.replace(microsecond=0),
        "fan/jane-doe-lora-v4": instant.replace(microsecond=0),
    }
    fetched = query(lake, "select distinct fetched_at from staging.stg_civitai__models where dt = ?", D1)
    assert fetched == [(datetime(2023, 8, 1, 0, 10),)]


def test_bad_real_data_still_quarantines_the_day_naming_expectation_and_ids(tmp_path):
    settings = Settings(store=str(tmp_path / "lake"), warehouse=tmp_path / "warehouse.duckdb")
    store = open_store(settings.store)
    items = real_2023_items()[:100]
    negative, unparseable, no_id = items[10], items[20], items[30]
    negative["stats"]["downloadCount"] = -5
    unparseable["modelVersions"][-1]["createdAt"] = "last Tuesday"
    no_id["id"] = None
    write(store, "civitai", D1, [envelope("civitai", item["id"], item, D1) for item in items])

    with pytest.raises(QualityGateError) as failure:
        validate_raw(settings, store, "civitai", D1)
    failed = {o.expectation: o.observed for o in failure.value.summary.failures}
    assert set(failed) == {
        "expect_column_values_to_be_between(record.stats.downloadCount)",
        "expect_column_values_to_match_regex(record.modelVersions[*].createdAt)",
        "expect_column_values_to_not_be_null(model_id)",
        "expect_column_values_to_not_be_null(record.id)",
    }
    assert failed["expect_column_values_to_be_between(record.stats.downloadCount)"].endswith(
        f'e.g. -5 at model_id "{negative["id"]}"'
    )
    assert (
        f'at model_id "{unparseable["id"]}"'
        in failed["expect_column_values_to_match_regex(record.modelVersions[*].createdAt)"]
    )
    assert "last Tuesday" in failed["expect_column_values_to_match_regex(record.modelVersions[*].createdAt)"]
    assert failed["expect_column_values_to_not_be_null(model_id)"].startswith("1 of 100 rows unexpected")
    manifest = read_manifest(store, "civitai", D1)
    assert manifest.status == "quarantined" and set(manifest.quarantine["failed"]) == set(failed)
