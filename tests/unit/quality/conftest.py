"""Hand-written raw envelopes in the shapes of hub-apis.md, and partitions written with the real writer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import duckdb
import pytest

from likeness_watch.raw import Manifest, PartitionWriter
from likeness_watch.store import ObjectStore

DAY = date(2025, 5, 1)
FETCHED = "2025-05-01T00:00:03Z"


def civitai_record(model_id: int, downloads: int | None = 10, **fields: Any) -> dict[str, Any]:
    """Every field hub-apis.md lists for a list item (so a healthy partition shows no schema drift)."""
    record = {
        "id": model_id,
        "name": f"Model {model_id}",
        "description": "<p>a LoRA</p>",
        "type": "LORA",
        "poi": False,
        "nsfw": False,
        "nsfwLevel": 1,
        "allowNoCredit": True,
        "allowCommercialUse": ["Image"],
        "allowDerivatives": True,
        "allowDifferentLicense": True,
        "mode": None,
        "creator": {"username": "maker", "image": None},
        "tags": ["character"],
        "stats": {
            "downloadCount": downloads,
            "favoriteCount": 0,
            "thumbsUpCount": 1,
            "thumbsDownCount": 0,
            "commentCount": 0,
            "ratingCount": 0,
            "rating": 4.5,
            "tippedAmountCount": 0,
        },
        "modelVersions": [
            {
                "id": model_id * 10,
                "name": "v1.0",
                "baseModel": "SDXL 1.0",
                "publishedAt": "2025-04-30T12:00:00.000Z",
                "nsfwLevel": 1,
                "trainedWords": [],
                "stats": {"downloadCount": downloads},
                "files": [],
            }
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
        "sha": "0123abcd",
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


FIRST = date(2025, 5, 1)
DAYS = 10
LAST = FIRST + timedelta(days=DAYS - 1)
HUBS = ("civitai", "huggingface")
NEW_MODELS = 60
NEW_LIKENESS = 12


def build_warehouse(path, last_day_likeness=NEW_LIKENESS):
    """Two models per hub per day in staging and the fact; 60 new models a day (12 likeness) in dim_model."""
    con = duckdb.connect(str(path))
    con.execute("create schema staging")
    con.execute(
        """
        create table staging.stg_lake__partitions as
        select hub, (date '2025-05-01' + i::integer)::date as dt, 'committed' as status,
               'run-' || i as run_id, 2 as record_count
        from unnest(['civitai', 'huggingface']) as h(hub), range(10) as r(i)
        """
    )
    for hub in HUBS:
        con.execute(
            f"""
            create table staging.stg_{hub}__models as
            select
                '{hub}' as hub, p.dt,
                (n + 100 * datediff('day', date '2025-05-01', p.dt))::varchar as model_id,
                'listing' as via, p.dt + interval 1 hour as fetched_at, 200 as http_status,
                false as is_tombstone, 'model ' || n as name, 'LORA' as type, 'maker' as creator,
                '<p>x</p>' as description, 'SDXL 1.0' as base_model, null::varchar as hub_mode,
                'active' as status, ['person'] as tags, ['trigger'] as trained_words, 1 as nsfw_level,
                10 * n as downloads, n as likes, 0 as favorites, 0 as comments,
                4.5 as rating, 1 as version_count, false as nsfw, false as poi, false as minor,
                p.dt - interval 1 day as created_at, p.dt - interval 1 day as published_at,
                p.dt - interval 1 hour as updated_at,
                [{{'version_id': '1', 'files': [{{'sha256': repeat('a', 64)}}]}}] as versions
            from staging.stg_lake__partitions as p, range(2) as r(n)
            where p.hub = '{hub}'
            """
        )
    con.execute(
        """
        create table main.fct_model_daily as
        select hub, model_id, dt, 'run-' || datediff('day', date '2025-05-01', dt) as run_id, status,
               downloads, likes
        from (
            select * from staging.stg_civitai__models
            union all select * from staging.stg_huggingface__models
        )
        """
    )
    con.execute(
        f"""
        create table main.dim_model as
        select hub, hub || '-' || d || '-' || n as model_id, 'active' as status, 5 as downloads, 1 as likes,
               1 as version_count, n < {NEW_LIKENESS} as is_likeness, 0.9 as likeness_confidence,
               false as nsfw_intent, 'female' as target_gender,
               (date '2025-05-01' + d::integer)::date as first_seen,
               (date '2025-05-01' + d::integer)::timestamp as published_at
        from unnest(['civitai', 'huggingface']) as h(hub), range({DAYS}) as a(d), range({NEW_MODELS}) as b(n)
        """
    )
    con.execute(
        f"""
        create table main.mart_likeness_daily as
        select (date '2025-05-01' + d::integer)::date as day, hub, true as has_partition,
               case when d = {DAYS - 1} then {last_day_likeness} else {NEW_LIKENESS} end
                   as new_likeness_models,
               {NEW_LIKENESS} * (d + 1) as active_likeness_models, 0 as taken_down_likeness_models,
               100 * (d + 1) as likeness_downloads, 100 as downloads_delta, 0.96 as share_women,
               0.5 as share_nsfw_intent
        from unnest(['civitai', 'huggingface']) as h(hub), range({DAYS}) as a(d)
        """
    )
    con.close()


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


class Warehouse:
    """A hand-built warehouse in the dbt project's schema, as the ``warehouse_kit`` fixture."""

    first, last, days, hubs = FIRST, LAST, DAYS, HUBS
    build = staticmethod(build_warehouse)


@pytest.fixture(scope="session")
def warehouse_kit() -> type[Warehouse]:
    return Warehouse
