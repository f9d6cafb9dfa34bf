"""Evidence packs: what a reviewer cites in a report or a takedown notice, from stored data only.

A pack covers one model (``--hub/--model``) or every model an alert names (``--alert``): the
warehouse's facts (public URL, name, creator, target, reason codes, first/last seen, status and
downloads by day, file hashes and every other appearance of those files), the review decisions
recorded for it, and the raw records as crawled, each with its partition, ``fetched_at`` and a
SHA-256 (``evidence_raw.RECORD_SHA256``). Metadata only: nothing is fetched from a hub, no image
or weight is read. It is one folder, ``<pack id>/index.html`` (self-contained, hub strings
escaped) and ``<pack id>/evidence.json`` (the same data with raw values), written to a temporary
folder beside it and renamed into place.

With ``LW_PUBLIC_BASE_URL`` set, the alert run writes the pack of each alert it sends into
``LW_EVIDENCE_DIR`` before the first send, and the alert links to it
(``<base>/evidence/<alert id>/index.html``): a link never points at a pack that is not there.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import duckdb

from likeness_watch import __version__
from likeness_watch.alerts.escape import json_for_html
from likeness_watch.alerts.model import TAKEDOWN_EVASION, Alert
from likeness_watch.review import evidence_warehouse as facts
from likeness_watch.review.evidence_raw import RECORD_SHA256, ModelKey, file_hashes, raw_records
from likeness_watch.review.evidence_render import render_pack
from likeness_watch.settings import Settings
from likeness_watch.state_store import StateStore
from likeness_watch.store import ObjectStore, StoreError, open_store
from likeness_watch.warehouse.access import connect

log = logging.getLogger(__name__)

PACK_VERSION = 1
INDEX = "index.html"
DATA = "evidence.json"
URL_FOLDER = "evidence"
"""Where a web server at ``LW_PUBLIC_BASE_URL`` serves ``LW_EVIDENCE_DIR``."""
DECISION_ORDER = ("decided_at", "recorded_at")
"""Columns that order review decisions, the first present wins (the table is read defensively)."""
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


class EvidenceError(Exception):
    """A pack that cannot be made (unknown alert or model, no warehouse): one line, nothing written."""


@dataclass(frozen=True)
class Pack:
    """One pack: its folder name and its JSON data (the HTML is rendered from the data)."""

    pack_id: str
    data: dict[str, Any]

    @property
    def models(self) -> list[dict[str, Any]]:
        return self.data["models"]


def model_pack_id(hub: str, model_id: str) -> str:
    """``model-<hub>-<id>``, the id's ``/`` as ``--`` (Hugging Face forbids ``--`` in repo names)
    and any other character unfit for a path as ``_``."""
    return _SAFE_NAME.sub("_", f"model-{hub}-{model_id.replace('/', '--')}")


def pack_url(base: str, pack_id: str) -> str:
    """The pack's public page under ``LW_PUBLIC_BASE_URL``."""
    return f"{base.rstrip('/')}/{URL_FOLDER}/{quote(pack_id)}/{INDEX}"


def named_models(alert: Alert) -> list[ModelKey]:
    """The models an alert names: its top models, and for takedown evasion the earlier holders of
    the files (in order, once each)."""
    named = [(model.hub, model.model_id) for model in alert.top_models]
    if alert.kind == TAKEDOWN_EVASION:
        for item in alert.details.get("files", []):
            if item.get("first_hub") and item.get("first_model_id"):
                named.append((str(item["first_hub"]), str(item["first_model_id"])))
    return list(dict.fromkeys(named))


def _now(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _header(kind: str, pack_id: str, through: str | None, now: datetime | None) -> dict[str, Any]:
    return {
        "version": PACK_VERSION,
        "kind": kind,
        "id": pack_id,
        "generated_at": _now(now),
        "generator": f"likeness-watch {__version__}",
        "metadata_only": True,
        "record_sha256": RECORD_SHA256,
        "data_through": through,
    }


@contextmanager
def _state(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """The state store read-only, or None when there is none yet (a pack never creates one)."""
    if not Path(settings.state).is_file():
        yield None
        return
    try:
        with StateStore.of(settings).reader() as con:
            yield con
    except duckdb.Error as exc:
        raise EvidenceError(f"cannot read state store {settings.state}: {str(exc).splitlines()[0]}") from exc


def _review_decisions(
    con: duckdb.DuckDBPyConnection | None, models: list[ModelKey]
) -> dict[ModelKey, list[dict[str, Any]]]:
    """Each model's review decisions, oldest first; a store without the table has none."""
    present = [] if con is None else facts.columns(con, "main", "review_decisions")
    if con is None or not {"hub", "model_id"} <= set(present):
        return {}
    order = next((f"order by {column}" for column in DECISION_ORDER if column in present), "")
    sql = f"select * from main.review_decisions where hub = ? and model_id = ? {order}"  # noqa: S608
    return {(hub, model_id): facts.rows(con, sql, [hub, model_id]) for hub, model_id in models}


def _model_entries(
    settings: Settings, models: list[ModelKey], store: ObjectStore | None, strict: bool
) -> tuple[list[dict[str, Any]], str | None]:
    """The warehouse's facts and the raw records of each model, and the warehouse's last day.
    ``strict``: a model the warehouse does not know is an error (else a note in its entry)."""
    path = Path(settings.warehouse)
    if not path.is_file():
        raise EvidenceError(f"warehouse not found at {path}: run `likeness-watch build` first")
    try:
        con = connect(path, read_only=True)
    except duckdb.Error as exc:
        raise EvidenceError(f"cannot open warehouse {path}: {str(exc).splitlines()[0]}") from exc
    try:
        if "model_id" not in facts.columns(con, "main", "dim_model"):
            raise EvidenceError(f"warehouse {path} has no dim_model yet: run `likeness-watch build` first")
        entries = [_entry(con, hub, model_id, path, strict) for hub, model_id in models]
        through = facts.data_through(con)
    except duckdb.Error as exc:
        raise EvidenceError(f"cannot read warehouse {path}: {str(exc).splitlines()[0]}") from exc
    finally:
        con.close()
    days = {(e["hub"], e["model_id"]): [row["day"] for row in e["daily"]] for e in entries}
    runs = {((e["hub"], e["model_id"]), row["day"]): row.get("run_id") for e in entries for row in e["daily"]}
    try:
        records, notes = raw_records(store or open_store(settings.store), days, runs)
    except StoreError as exc:
        raise EvidenceError(f"cannot read the raw store: {exc}") from exc
    for entry in entries:
        key = (entry["hub"], entry["model_id"])
        entry["raw_records"] = records[key]
        entry["notes"] += notes[key]
        hashes = file_hashes(records[key])
        for file in entry["files"]:
            file["hashes"] = hashes.get(str(file.get("file_id")), {})
    return entries, through


def _entry(
    con: duckdb.DuckDBPyConnection, hub: str, model_id: str, path: Path, strict: bool
) -> dict[str, Any]:
    notes: list[str] = []
    known = facts.model_facts(con, hub, model_id)
    if known is None:
        if strict:
            raise EvidenceError(f"unknown model {hub} {model_id}: not in the warehouse {path}")
        notes.append("the warehouse does not know this model (dim_model has no row)")
    days = facts.daily(con, hub, model_id, notes) if known else []
    return {
        **(known or {"hub": hub, "model_id": model_id}),
        "daily": days,
        "status_changes": facts.status_changes(days),
        "files": facts.files(con, hub, model_id, notes) if known else [],
        "appearances": facts.appearances(con, hub, model_id, notes) if known else [],
        "review_decisions": [],
        "notes": notes,
    }


def _with_decisions(entries: list[dict[str, Any]], con: duckdb.DuckDBPyConnection | None) -> None:
    decisions = _review_decisions(con, [(e["hub"], e["model_id"]) for e in entries])
    for entry in entries:
        entry["review_decisions"] = decisions.get((entry["hub"], entry["model_id"]), [])


def build_model_pack(
    settings: Settings, hub: str, model_id: str, store: ObjectStore | None = None, now: datetime | None = None
) -> Pack:
    """The pack of one model; ``EvidenceError`` when the warehouse does not know it."""
    entries, through = _model_entries(settings, [(hub, model_id)], store, strict=True)
    with _state(settings) as con:
        _with_decisions(entries, con)
    pack_id = model_pack_id(hub, model_id)
    return Pack(pack_id, {"pack": _header("model", pack_id, through, now), "alert": None, "models": entries})


def build_alert_pack(
    settings: Settings, alert_id: str, store: ObjectStore | None = None, now: datetime | None = None
) -> Pack:
    """The pack of a recorded alert (the state store's ``alerts``); ``EvidenceError`` when there is
    no such alert or it names no model."""
    with _state(settings) as con:
        row = None
        if con is not None and "payload" in facts.columns(con, "main", "alerts"):
            row = con.execute(
                "select payload, detected_at from alerts where alert_id = ?", [alert_id]
            ).fetchone()
    if row is None:
        raise EvidenceError(f"unknown alert {alert_id}: not in the state store {settings.state}")
    return pack_for_alert(settings, Alert.from_dict(json.loads(row[0])), row[1], store, now)


def pack_for_alert(
    settings: Settings,
    alert: Alert,
    detected_at: datetime | None = None,
    store: ObjectStore | None = None,
    now: datetime | None = None,
) -> Pack:
    """The pack of ``alert``: every model it names (one the warehouse lacks keeps a note)."""
    models = named_models(alert)
    if not models:
        raise EvidenceError(f"alert {alert.alert_id} ({alert.kind}) names no model: nothing to put in a pack")
    entries, through = _model_entries(settings, models, store, strict=False)
    with _state(settings) as con:
        _with_decisions(entries, con)
    recorded = {**alert.to_dict(), "detected_at": facts.json_value(detected_at)}
    header = _header("alert", alert.alert_id, through, now)
    return Pack(alert.alert_id, {"pack": header, "alert": recorded, "models": entries})


def _secret_values(settings: Settings) -> dict[str, str]:
    """Settings a pack must never contain (a webhook URL carries its token)."""
    values = {
        f"LW_{name.upper()}": value.get_secret_value()
        for name in type(settings).model_fields
        if hasattr(value := getattr(settings, name), "get_secret_value")
    }
    if settings.webhook_url:
        values["LW_WEBHOOK_URL"] = settings.webhook_url
    return {name: value for name, value in values.items() if len(value) >= 8}


def render(pack: Pack) -> tuple[str, str]:
    """The pack's ``index.html`` and ``evidence.json`` texts (JSON with ``< > &`` as unicode
    escapes: the same data, inert if a browser ever sniffs it as HTML)."""
    data = json_for_html(json.dumps(pack.data, ensure_ascii=False, indent=2)) + "\n"
    return render_pack(pack.data), data


def write_pack(pack: Pack, out_dir: Path, settings: Settings | None = None) -> Path:
    """Write ``<out_dir>/<pack id>/`` (index.html, evidence.json) through a temporary folder beside
    it, renamed into place (an earlier pack of the same id is replaced); returns index.html.

    With ``settings``, a pack that would contain a secret setting's value is refused."""
    if _SAFE_NAME.search(pack.pack_id) or pack.pack_id.startswith("."):
        raise EvidenceError(f"pack id {pack.pack_id!r} is not a folder name")
    html, data = render(pack)
    for name, value in (_secret_values(settings) if settings else {}).items():
        if value in html or value in data:
            raise EvidenceError(f"pack {pack.pack_id} would contain the value of {name}: not written")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / pack.pack_id
    staging = Path(tempfile.mkdtemp(dir=out_dir, prefix=f".tmp-{pack.pack_id}-"))
    try:
        (staging / DATA).write_text(data, encoding="utf-8")
        (staging / INDEX).write_text(html, encoding="utf-8")
        staging.chmod(0o755)  # mkdtemp makes 0700: the pack is for a web server too
        if target.exists():
            old = Path(tempfile.mkdtemp(dir=out_dir, prefix=f".old-{pack.pack_id}-"))
            os.replace(target, old / pack.pack_id)
            os.replace(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target / INDEX


def evidence_links(
    settings: Settings, store: ObjectStore | None = None
) -> Callable[[Alert], str | None] | None:
    """With ``LW_PUBLIC_BASE_URL`` set: a function giving an alert's pack link, writing the pack into
    ``LW_EVIDENCE_DIR`` first when it is not there (once per run). Alerts that name no model, and
    any whose pack cannot be written (logged), get no link: a link is never dead."""
    base = settings.public_base_url
    if base is None:
        return None
    out_dir = Path(settings.evidence_dir)
    links: dict[str, str | None] = {}

    def link(alert: Alert) -> str | None:
        if alert.alert_id not in links:
            written = _ensure(settings, alert, out_dir, store)
            links[alert.alert_id] = pack_url(base, alert.alert_id) if written else None
        return links[alert.alert_id]

    return link


def _ensure(settings: Settings, alert: Alert, out_dir: Path, store: ObjectStore | None) -> bool:
    """Whether the alert's pack is in ``out_dir`` (written now when missing)."""
    if not named_models(alert):
        return False
    if (out_dir / alert.alert_id / INDEX).is_file():
        return True
    try:
        write_pack(pack_for_alert(settings, alert, store=store), out_dir, settings)
    except (EvidenceError, OSError) as exc:
        log.warning("no evidence pack for alert %s, sent without a link: %s", alert.alert_id, exc)
        return False
    return True
