"""The warehouse side of the person registry: stored keys, the registry table, final decisions."""

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from likeness_watch.alerts.watchlist import WatchlistError
from likeness_watch.classify.registry import NAME_KEYS_VERSION
from likeness_watch.warehouse.person_registry import (
    as_flag,
    current_name_keys,
    decided_models,
    pending_name_keys,
    person_registry,
    watchlist_path,
)

D1, D4 = date(2025, 5, 1), date(2025, 5, 4)
DECISION = (
    "is_likeness boolean, likeness_confidence double, likeness_reasons varchar[], target_name varchar, "
    "target_gender varchar, target_gender_confidence double, target_country varchar, "
    "target_country_confidence double, target_prominence varchar, nsfw_intent boolean, "
    "nsfw_reasons varchar[], classifier_version varchar, attributes_hash varchar"
)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    """int_models__latest and int_models__classified of four models: a strong Civitai decision of
    Jane Doe, a Hugging Face repo that only spells her name, a poi-flagged anime character and a
    style."""
    con = duckdb.connect()
    con.execute(
        "create table latest (hub varchar, model_id varchar, name varchar, trained_words varchar[], "
        "poi boolean, first_seen date, attributes_hash varchar)"
    )
    con.executemany(
        "insert into latest values (?, ?, ?, ?, ?, ?, ?)",
        [
            ("civitai", "101", "Jane Doe LoRA", ["janedoe"], False, D1, "h101"),
            ("huggingface", "fan/janedoe-v2", "janedoe-v2", [], None, D4, "hhf"),
            ("civitai", "112", "Asuka (Evangelion)", [], True, D4, "h112"),
            ("civitai", "113", "Watercolor style", None, False, D4, "h113"),
        ],
    )
    con.execute(f"create table classified (hub varchar, model_id varchar, {DECISION})")
    rows = [
        ("civitai", "101", True, 0.993, ["tag:celebrity"], "Jane Doe", "female", "celebrity"),
        ("huggingface", "fan/janedoe-v2", False, 0.0601, [], None, "unknown", None),
        ("civitai", "112", False, 0.02, ["poi_flag", "neg:fictional_franchise"], None, "unknown", None),
        ("civitai", "113", False, 0.01, ["neg:name:style"], None, "unknown", None),
    ]
    con.executemany(
        "insert into classified values "
        "(?, ?, ?, ?, ?, ?, ?, 0.73, 'unknown', 0.0, ?, false, [], 'clf-1', null)",
        rows,
    )
    store(con, "name_keys", pending_name_keys(con.table("latest")).read_all())
    return con


def store(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> duckdb.DuckDBPyRelation:
    """Write a model's output as dbt-duckdb does (a table from the returned Arrow data)."""
    con.register("output", table)
    con.execute(f"create or replace table {name} as select * from output")
    con.unregister("output")
    return con.table(name)


def registry_of(con: duckdb.DuckDBPyConnection, watchlist: Path) -> duckdb.DuckDBPyRelation:
    return store(
        con, "registry", person_registry(con, con.table("classified"), con.table("latest"), str(watchlist))
    )


def test_name_keys_are_made_again_only_for_changed_inputs_or_an_older_version(con):
    con.execute("update name_keys set keys_version = 'old' where model_id = '112'")
    con.execute("update name_keys set attributes_hash = 'stale' where model_id = '113'")
    known = current_name_keys(con, "name_keys")
    pending = pending_name_keys(con.table("latest"), known).read_all().to_pylist()
    assert sorted(row["model_id"] for row in pending) == ["112", "113"]
    assert all(row["keys_version"] == NAME_KEYS_VERSION for row in pending)
    stored = dict(con.execute("select model_id, name_keys from name_keys").fetchall())
    assert "ianedo" in stored["fan/janedoe-v2"] and "ianedo" in stored["101"]


def test_registry_table_holds_the_people_with_their_provenance(con, tmp_path):
    watchlist = tmp_path / "watchlist.csv"
    watchlist.write_text("name,aliases\nMarisol Quenby,Mari Quenby\n")
    rows = registry_of(con, watchlist).order("person_key").fetchall()
    columns = con.table("registry").columns
    people = {row[0]: dict(zip(columns, row, strict=True)) for row in rows}
    assert set(people) == {"do iane", "marisol qunbi"}
    jane = people["do iane"]
    assert (jane["name"], jane["sources"], jane["first_seen_hub"], jane["first_seen"]) == (
        "Jane Doe",
        ["civitai"],
        "civitai",
        D1,
    )
    assert jane["seed_models"] == [{"hub": "civitai", "model_id": "101"}] and jane["models"] == 1
    assert people["marisol qunbi"]["sources"] == ["watchlist"] and people["marisol qunbi"]["models"] == 0


def test_a_missing_watchlist_adds_nobody_unless_it_was_configured(con, tmp_path):
    absent = tmp_path / "absent.csv"
    assert len(registry_of(con, absent).fetchall()) == 1  # Jane Doe only
    with pytest.raises(WatchlistError, match="not found"):
        person_registry(con, con.table("classified"), con.table("latest"), str(absent), "true")


def test_final_decisions_keep_the_classifier_decision_beside_them(con, tmp_path):
    registry = registry_of(con, tmp_path / "absent.csv")
    decided = decided_models(
        con, con.table("classified"), con.table("latest"), con.table("name_keys"), registry
    )
    rows = {row[1]: dict(zip(decided.columns, row, strict=True)) for row in decided.fetchall()}
    assert len(rows) == 4
    repo = rows["fan/janedoe-v2"]
    assert (repo["is_likeness"], repo["classifier_is_likeness"]) == (True, False)
    assert repo["likeness_reasons"] == ["registry:civitai"] and repo["registry_person_key"] == "do iane"
    assert (repo["target_name"], repo["target_gender"], repo["target_prominence"]) == (
        "Jane Doe",
        "female",
        "celebrity",
    )
    assert repo["classifier_version"] == "clf-1" and repo["nsfw_intent"] is False
    assert rows["112"]["likeness_reasons"] == ["poi_flag", "neg:fictional_franchise", "poi:overruled"]
    assert rows["101"]["registry_person_key"] is None, "the seed is not matched to its own person"
    assert rows["113"]["likeness_reasons"] == ["neg:name:style"] and rows["113"]["is_likeness"] is False


def test_watchlist_paths_are_taken_from_the_repository_root_and_flags_from_rendered_vars(
    tmp_path, monkeypatch
):
    (tmp_path / "dbt_project").mkdir()
    monkeypatch.chdir(tmp_path / "dbt_project")
    assert watchlist_path("config/watchlist.csv") == tmp_path / "config" / "watchlist.csv"
    assert watchlist_path("/srv/w.csv") == Path("/srv/w.csv")
    assert [as_flag(value) for value in ("True", "true", True, "False", "", None)] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]
