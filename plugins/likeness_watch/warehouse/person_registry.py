"""Adapter between the warehouse and the person registry (``likeness_watch.classify.registry``).

Three dbt Python models call it, in the model_state stage:

- ``int_model_name_keys``: each model's joined-word keys (``registry.model_keys``), computed only
  for models whose inputs changed (``attributes_hash``) or whose keys were made by another
  ``NAME_KEYS_VERSION``, so the matching never re-reads every model's strings;
- ``int_person_registry``: the registry, rebuilt on every run from the classifier's decisions and
  the watchlist (``LW_WATCHLIST``, read and validated by ``likeness_watch.alerts.watchlist``);
- ``int_models__decided``: the final decisions. DuckDB picks the candidates (models not called
  likeness whose keys meet a registry key, and ``poi``-flagged ones), Python re-decides only
  those (``registry.redecide``), and DuckDB joins them back over the classifier's decisions.

The registry and the final decisions are recomputed in full on every build, so a person first
seen today also decides yesterday's models, and a full rebuild gives the same result.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from likeness_watch.classify.registry import (
    NAME_KEYS_VERSION,
    SEED_CONFIDENCE,
    Person,
    RegistryIndex,
    Seed,
    build_registry,
    model_keys,
    redecide,
)
from likeness_watch.warehouse.classification import CLASSIFIED_SCHEMA, PASSTHROUGH
from likeness_watch.warehouse.paths import root_for

BATCH_ROWS = 20_000
NAME_KEYS_SCHEMA = pa.schema(
    [
        ("hub", pa.string()),
        ("model_id", pa.string()),
        ("name_keys", pa.list_(pa.string())),
        ("keys_version", pa.string()),
        ("attributes_hash", pa.string()),
    ]
)
SEED_MODEL = pa.struct([("hub", pa.string()), ("model_id", pa.string())])
REGISTRY_SCHEMA = pa.schema(
    [
        ("person_key", pa.string()),
        ("name", pa.string()),
        ("aliases", pa.list_(pa.string())),
        ("joined_keys", pa.list_(pa.string())),
        ("sources", pa.list_(pa.string())),
        ("first_seen_hub", pa.string()),
        ("first_seen_model_id", pa.string()),
        ("first_seen", pa.date32()),
        ("models", pa.int64()),
        ("seed_models", pa.list_(SEED_MODEL)),
        ("gender", pa.string()),
        ("gender_confidence", pa.float64()),
        ("country", pa.string()),
        ("country_confidence", pa.float64()),
        ("prominence", pa.string()),
    ]
)
CLASSIFIER_ONLY = ("nsfw_intent", "nsfw_reasons", "classifier_version")
REDECIDED_SCHEMA = pa.schema(
    [field for field in CLASSIFIED_SCHEMA if field.name not in (*CLASSIFIER_ONLY, PASSTHROUGH)]
    + [pa.field("registry_person_key", pa.string())]
)
"""A re-decision: the classifier's decision columns it may change, and the person it matched."""
"""Decision columns the registry never changes."""


# -- int_model_name_keys ------------------------------------------------------------------------


def current_name_keys(session: duckdb.DuckDBPyConnection, table: object) -> duckdb.DuckDBPyRelation:
    """(hub, model_id, attributes_hash) of the stored keys made by this ``NAME_KEYS_VERSION``."""
    return session.sql(
        f"select hub, model_id, attributes_hash from {table} where keys_version = ?",  # noqa: S608
        params=[NAME_KEYS_VERSION],
    )


def keys_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Keys of one batch of (hub, model_id, name, trained_words, attributes_hash)."""
    rows = batch.to_pydict()
    keys = [model_keys(name, words) for name, words in zip(rows["name"], rows["trained_words"], strict=True)]
    return pa.RecordBatch.from_pydict(
        {
            "hub": rows["hub"],
            "model_id": rows["model_id"],
            "name_keys": keys,
            "keys_version": [NAME_KEYS_VERSION] * batch.num_rows,
            "attributes_hash": rows["attributes_hash"],
        },
        schema=NAME_KEYS_SCHEMA,
    )


def pending_name_keys(
    latest: duckdb.DuckDBPyRelation,
    known: duckdb.DuckDBPyRelation | None = None,
    batch_rows: int = BATCH_ROWS,
) -> pa.RecordBatchReader:
    """Keys of the models of ``latest`` without keys for their current inputs, a batch at a time."""
    todo = latest.select("hub, model_id, name, trained_words, attributes_hash").set_alias("latest")
    if known is not None:
        todo = todo.join(
            known.set_alias("known"),
            "latest.hub = known.hub and latest.model_id = known.model_id"
            " and latest.attributes_hash is not distinct from known.attributes_hash",
            how="anti",
        )

    def batches() -> Iterator[pa.RecordBatch]:
        for batch in todo.to_arrow_reader(batch_rows):
            if batch.num_rows:
                yield keys_batch(batch)

    return pa.RecordBatchReader.from_batches(NAME_KEYS_SCHEMA, batches())


# -- int_person_registry ------------------------------------------------------------------------


def watchlist_path(configured: str) -> Path:
    """The watchlist file: absolute as the build passes it, relative to the repository root when
    dbt runs by hand (in the repository or in dbt_project/)."""
    path = Path(configured).expanduser()
    return path if path.is_absolute() else root_for(Path.cwd()) / path


def as_flag(value: Any) -> bool:
    """A dbt config value rendered from a var ("True", "false", True) as a bool."""
    return str(value).strip().lower() in {"true", "1", "yes"}


def seeds(
    session: duckdb.DuckDBPyConnection, classified: duckdb.DuckDBPyRelation, latest: duckdb.DuckDBPyRelation
) -> list[Seed]:
    """The models that teach the registry a person: likeness decisions with a target name that
    are confident (≥ ``SEED_CONFIDENCE``) or carry Civitai's poi flag."""
    rows = session.sql(
        f"""
        select
            classified.hub, classified.model_id, classified.target_name, latest.first_seen,
            classified.target_gender, classified.target_gender_confidence,
            classified.target_country, classified.target_country_confidence,
            classified.target_prominence
        from ({classified.sql_query()}) as classified
        inner join ({latest.sql_query()}) as latest using (hub, model_id)
        where classified.is_likeness
            and classified.target_name is not null
            and (classified.likeness_confidence >= ? or coalesce(latest.poi, false))
        """,  # noqa: S608
        params=[SEED_CONFIDENCE],
    ).fetchall()
    return [Seed(*row) for row in rows]


def registry_table(people: list[Person]) -> pa.Table:
    """The registry as stored (``REGISTRY_SCHEMA``)."""
    return pa.Table.from_pylist(
        [
            {
                "person_key": person.person_key,
                "name": person.name,
                "aliases": list(person.aliases),
                "joined_keys": list(person.joined_keys),
                "sources": list(person.sources),
                "first_seen_hub": person.first_seen_hub,
                "first_seen_model_id": person.first_seen_model_id,
                "first_seen": person.first_seen,
                "models": person.models,
                "seed_models": [{"hub": hub, "model_id": model_id} for hub, model_id in person.seed_models],
                "gender": person.gender,
                "gender_confidence": person.gender_confidence,
                "country": person.country,
                "country_confidence": person.country_confidence,
                "prominence": person.prominence,
            }
            for person in people
        ],
        schema=REGISTRY_SCHEMA,
    )


def person_registry(
    session: duckdb.DuckDBPyConnection,
    classified: duckdb.DuckDBPyRelation,
    latest: duckdb.DuckDBPyRelation,
    watchlist: str,
    watchlist_required: Any = False,
) -> pa.Table:
    """The registry from the classifier's decisions and the watchlist file. A missing default
    watchlist adds nobody; a missing file someone configured (``watchlist_required``) fails, as
    it fails the alerts."""
    from likeness_watch.alerts.watchlist import load_watchlist

    watched = load_watchlist(watchlist_path(watchlist), required=as_flag(watchlist_required))
    return registry_table(build_registry(seeds(session, classified, latest), watched))


# -- int_models__decided ------------------------------------------------------------------------


def person_from_row(row: dict[str, Any]) -> Person:
    return Person(
        person_key=row["person_key"],
        name=row["name"],
        aliases=tuple(row["aliases"] or ()),
        joined_keys=tuple(row["joined_keys"] or ()),
        sources=tuple(row["sources"] or ()),
        first_seen_hub=row["first_seen_hub"],
        first_seen_model_id=row["first_seen_model_id"],
        first_seen=row["first_seen"],
        seed_models=tuple((seed["hub"], seed["model_id"]) for seed in row["seed_models"] or ()),
        gender=row["gender"],
        gender_confidence=row["gender_confidence"],
        country=row["country"],
        country_confidence=row["country_confidence"],
        prominence=row["prominence"],
    )


def candidates(
    session: duckdb.DuckDBPyConnection,
    classified: duckdb.DuckDBPyRelation,
    latest: duckdb.DuckDBPyRelation,
    name_keys: duckdb.DuckDBPyRelation,
    registry: duckdb.DuckDBPyRelation,
) -> duckdb.DuckDBPyRelation:
    """Decisions to look at again: models not called likeness that carry Civitai's poi flag or
    hold a key of a registry person (a hash join on the keys: cheap at 500,000 models)."""
    return session.sql(
        f"""
        with
        classified as ({classified.sql_query()}),
        latest as ({latest.sql_query()}),
        name_keys as ({name_keys.sql_query()}),
        registry_keys as (
            select distinct unnest(joined_keys) as name_key from ({registry.sql_query()})
        ),
        model_keys as (
            select hub, model_id, unnest(name_keys) as name_key from name_keys
        ),
        named as (
            select distinct hub, model_id from model_keys semi join registry_keys using (name_key)
        )
        select
            classified.*,
            coalesce(latest.poi, false) as poi,
            coalesce(name_keys.name_keys, []) as name_keys
        from classified
        inner join latest using (hub, model_id)
        left join name_keys using (hub, model_id)
        left join named using (hub, model_id)
        where not classified.is_likeness and (coalesce(latest.poi, false) or named.model_id is not null)
        """  # noqa: S608
    )


def redecided(rows: duckdb.DuckDBPyRelation, index: RegistryIndex, batch_rows: int = BATCH_ROWS) -> pa.Table:
    """``registry.redecide`` on each candidate row (``REDECIDED_SCHEMA``)."""
    decided = []
    for batch in rows.to_arrow_reader(batch_rows):
        for row in batch.to_pylist():
            model = (row["hub"], row["model_id"])
            final = redecide(row, row["poi"], index.match(model, row["name_keys"]))
            decided.append({"hub": model[0], "model_id": model[1]} | final)
    return pa.Table.from_pylist(decided, schema=REDECIDED_SCHEMA)


def decided_models(
    session: duckdb.DuckDBPyConnection,
    classified: duckdb.DuckDBPyRelation,
    latest: duckdb.DuckDBPyRelation,
    name_keys: duckdb.DuckDBPyRelation,
    registry: duckdb.DuckDBPyRelation,
) -> duckdb.DuckDBPyRelation:
    """Every model's final decision: the classifier's, or the registry's re-decision, with the
    classifier's own ``is_likeness`` kept as ``classifier_is_likeness``."""
    index = RegistryIndex([person_from_row(row) for row in registry.to_arrow_table().to_pylist()])
    changed = session.from_arrow(
        redecided(candidates(session, classified, latest, name_keys, registry), index)
    ).set_alias("changed")
    decided = [
        f"if(changed.model_id is null, classifier.{column}, changed.{column}) as {column}"
        for column in REDECIDED_SCHEMA.names[2:-1]
    ]
    return (
        classified.set_alias("classifier")
        .join(
            changed,
            "classifier.hub = changed.hub and classifier.model_id = changed.model_id",
            how="left",
        )
        .select(
            ", ".join(
                [
                    "classifier.hub as hub",
                    "classifier.model_id as model_id",
                    *decided,
                    *(f"classifier.{column} as {column}" for column in CLASSIFIER_ONLY),
                    "classifier.is_likeness as classifier_is_likeness",
                    "changed.registry_person_key as registry_person_key",
                ]
            )
        )
    )
