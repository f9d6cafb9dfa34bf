"""Alert test fixtures: no developer channel settings leak in; marts in a temp DuckDB file and
raw manifests in a temp store, built the way the warehouse and the crawler build them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from likeness_watch.raw import PartitionWriter, manifest_key, read_manifest
from likeness_watch.raw.manifest import QUARANTINED
from likeness_watch.settings import Settings
from likeness_watch.store import ObjectStore

ALERT_PREFIXES = ("alert_", "slack_", "webhook_", "smtp_")
ALERT_ENV = [f"LW_{name.upper()}" for name in Settings.model_fields if name.startswith(ALERT_PREFIXES)]

MODEL_DEFAULTS: dict[str, Any] = {
    "name": "model",
    "type": "LORA",
    "creator": "someone",
    "last_seen": None,
    "status": "active",
    "is_likeness": True,
    "likeness_confidence": 0.9,
    "likeness_reasons": ["name_person"],
    "target_name": None,
    "target_gender": "female",
    "target_country": "unknown",
    "nsfw_intent": False,
    "classifier_version": "test",
    "trained_words": [],
}
REUPLOAD_DEFAULTS: dict[str, Any] = {"appeared_on": None, "first_seen": None, "after_takedown": True}


def days(start: date, n: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(n)]


def commit_partitions(store: ObjectStore, hub: str, when: Iterable[date]) -> None:
    """Committed (empty) partitions: what completeness needs, written the way the crawler does."""
    for day in when:
        PartitionWriter(store, hub, day).commit(mode="incremental")


def quarantine(store: ObjectStore, hub: str, day: date, reason: str = "record_count mismatch") -> None:
    """Mark a committed partition quarantined, as the quality gate does."""
    manifest = read_manifest(store, hub, day)
    assert manifest is not None
    detail = {"reason": reason, "failed": [], "at": ""}
    flagged = dataclasses.replace(manifest, status=QUARANTINED, quarantine=detail)
    store.put_bytes(manifest_key(hub, day), flagged.to_json())


def _create(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, types: dict[str, str]) -> None:
    columns = ", ".join(f"{name} {kind}" for name, kind in types.items())
    con.execute(f"create table {table} ({columns})")
    if not frame.empty:
        con.register("frame", frame[list(types)])
        con.execute(f"insert into {table} select * from frame")
        con.unregister("frame")


def build_warehouse(
    path: Path,
    daily: dict[str, dict[date, int]],
    models: Iterable[dict[str, Any]] = (),
    reuploads: Iterable[dict[str, Any]] = (),
) -> Path:
    """A warehouse with the mart tables and columns the alerts read (per the marts contract)."""
    con = duckdb.connect(str(path))
    rows = [
        {"day": day, "hub": hub, "new_likeness_models": count, "active_likeness_models": 0,
         "taken_down_likeness_models": 0, "likeness_downloads": 0, "downloads_delta": 0,
         "share_women": 0.9, "share_nsfw_intent": 0.5}
        for hub, counts in daily.items() for day, count in counts.items()
    ]  # fmt: skip
    _create(con, "mart_likeness_daily", pd.DataFrame(rows), {
        "day": "date", "hub": "varchar", "new_likeness_models": "bigint", "active_likeness_models": "bigint",
        "taken_down_likeness_models": "bigint", "likeness_downloads": "bigint", "downloads_delta": "bigint",
        "share_women": "double", "share_nsfw_intent": "double",
    })  # fmt: skip
    _create(con, "dim_model", pd.DataFrame([{**MODEL_DEFAULTS, **m} for m in models]), {
        "hub": "varchar", "model_id": "varchar", "name": "varchar", "type": "varchar", "creator": "varchar",
        "first_seen": "date", "last_seen": "date", "status": "varchar", "is_likeness": "boolean",
        "likeness_confidence": "double", "likeness_reasons": "varchar[]", "target_name": "varchar",
        "target_gender": "varchar", "target_country": "varchar", "nsfw_intent": "boolean",
        "classifier_version": "varchar", "trained_words": "varchar[]",
    })  # fmt: skip
    _create(con, "mart_reuploads", pd.DataFrame([{**REUPLOAD_DEFAULTS, **r} for r in reuploads]), {
        "sha256": "varchar", "hub": "varchar", "model_id": "varchar", "appeared_on": "date",
        "seen_on": "date", "first_hub": "varchar", "first_model_id": "varchar", "first_seen": "date",
        "after_takedown": "boolean",
    })  # fmt: skip
    con.close()
    return path


@pytest.fixture(autouse=True)
def _no_channels(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ALERT_ENV:
        monkeypatch.delenv(name, raising=False)
    watchlist = tmp_path / "config" / "watchlist.csv"
    watchlist.parent.mkdir(exist_ok=True)
    watchlist.write_text("name,aliases\n")  # configured and empty; tests that need names rewrite it
    monkeypatch.setenv("LW_WATCHLIST", str(watchlist))


@pytest.fixture
def make_warehouse(settings: Settings) -> Callable[..., Path]:
    """``make_warehouse(daily, models=(), reuploads=())`` builds the marts at ``settings.warehouse``."""
    return lambda *args, **kwargs: build_warehouse(Path(settings.warehouse), *args, **kwargs)


@pytest.fixture
def lake(store: ObjectStore) -> Any:
    """``lake.commit(hub, days)`` / ``lake.quarantine(hub, day)`` on the test store."""

    class Lake:
        def commit(self, hub: str, when: Iterable[date]) -> None:
            commit_partitions(store, hub, when)

        def quarantine(self, hub: str, day: date, reason: str = "record_count mismatch") -> None:
            quarantine(store, hub, day, reason)

    return Lake()
