"""The evidence pack's HTML page: one Jinja template, autoescaped, no external resource, no script.

Every value reaches the page through Jinja's autoescape (no ``|safe``), after ``display.visible``
(or ``visible_block`` for pretty-printed records) made control and bidi characters visible
escapes, so a hub string is inert text that shows it was tampered with. Links are rendered only
for http(s) URLs. A Content-Security-Policy forbids scripts and remote loads as a second line of
defence. The JSON file beside the page keeps the raw values.
"""

from __future__ import annotations

import json
from typing import Any

import jinja2

from likeness_watch.alerts.escape import safe_url
from likeness_watch.alerts.model import Alert
from likeness_watch.alerts.render import facts as alert_facts
from likeness_watch.display import visible, visible_block

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("likeness_watch.review", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

IDENTITY = (
    ("name", "Name"), ("creator", "Creator"), ("type", "Type"), ("base_model", "Base model"),
    ("published_at", "Published (hub)"), ("first_seen", "First seen"), ("last_seen", "Last seen"),
    ("status", "Status now"), ("status_since", "Status since"), ("taken_down_on", "Taken down on"),
    ("reappeared_on", "Reappeared on"), ("downloads", "Downloads (latest)"), ("nsfw_level", "NSFW level"),
    ("poi", "Flagged poi by the hub"), ("tags", "Tags"), ("trained_words", "Trigger words"),
)  # fmt: skip
DECISION = (
    ("is_likeness", "Likeness model"), ("likeness_confidence", "Confidence"),
    ("likeness_reasons", "Reason codes"), ("classifier_is_likeness", "Classifier's own decision"),
    ("classifier_version", "Classifier version"), ("target_name", "Target person"),
    ("target_gender", "Target gender"), ("target_country", "Target country"),
    ("target_prominence", "Target prominence"), ("nsfw_intent", "NSFW intent"),
    ("nsfw_reasons", "NSFW reasons"),
)  # fmt: skip
DAILY = (
    ("day", "day"), ("status", "status"), ("hub_mode", "hub mode"), ("via", "reached by"),
    ("http_status", "HTTP"), ("poi", "poi"), ("downloads", "downloads"), ("likes", "likes"),
)  # fmt: skip
CHANGES = (("day", "day"), ("previous_status", "from"), ("status", "to"), ("via", "reached by"))
FILES = (
    ("version_name", "version"), ("version_id", "version id"), ("file_name", "file"), ("file_type", "type"),
    ("size_kb", "size (KB)"), ("sha256", "SHA256"), ("autov2", "AutoV2"), ("hashes", "all hashes as sent"),
    ("first_seen", "first seen"),
)  # fmt: skip
APPEARANCES = (
    ("sha256", "SHA256"), ("appearance", "#"), ("hub", "hub"), ("model_id", "model id"),
    ("model_name", "name"), ("status", "status"), ("appeared_on", "appeared on"), ("seen_on", "seen on"),
    ("after_takedown", "after a takedown"), ("earlier_takedown_on", "earlier takedown"),
    ("days_after_takedown", "days after"),
)  # fmt: skip
RECORDS = (
    ("partition", "partition"), ("file", "data file"), ("file_sha256", "data file SHA-256"),
    ("line", "line"), ("fetched_at", "fetched at"), ("via", "reached by"), ("http_status", "HTTP"),
    ("sha256", "record SHA-256"),
)  # fmt: skip


def shown(value: Any) -> str:
    """Display form of one JSON value: blank for null, yes/no, thousands separators, lists joined,
    mappings as ``key: value``, text with nothing hidden (``visible``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    if isinstance(value, list | tuple):
        return ", ".join(shown(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{shown(key)}: {shown(item)}" for key, item in value.items())
    return visible(value)


def _pairs(row: dict[str, Any], labels: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    return [(label, shown(row[key])) for key, label in labels if key in row]


def _table(
    rows: list[dict[str, Any]], labels: tuple[tuple[str, str], ...], links: dict[str, str] | None = None
) -> dict[str, Any]:
    """Headers and cells (``text``, and ``href`` where ``links`` maps a column to a URL column)."""
    present = [(key, label) for key, label in labels if any(key in row for row in rows)]
    links = links or {}
    return {
        "columns": [label for _, label in present],
        "rows": [
            [
                {"text": shown(row.get(key)), "href": safe_url(row.get(links[key])) if key in links else None}
                for key, _ in present
            ]
            for row in rows
        ],
    }


def _decisions(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Review decisions with whatever columns the state store has (read defensively)."""
    keys = list(dict.fromkeys(key for row in rows for key in row if key not in ("hub", "model_id")))
    return _table(rows, tuple((key, key.replace("_", " ")) for key in keys))


def _records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each raw record's citation and, when its API record differs from the previous one, the
    whole envelope pretty-printed (unchanged days only say so)."""
    shown_records, previous = [], None
    for record in records:
        envelope = json.loads(record["text"])
        content = json.dumps(envelope.get("record"), sort_keys=True)
        changed = content != previous
        previous = content
        pretty = visible_block(json.dumps(envelope, ensure_ascii=False, indent=2, sort_keys=True))
        shown_records.append({"record": record, "json": pretty if changed else None})
    return shown_records


def _model_view(entry: dict[str, Any]) -> dict[str, Any]:
    others = [row for row in entry["appearances"] if not row.get("is_this_model")]
    records = _records(entry["raw_records"])
    return {
        "title": f"{visible(entry['hub'])} · {visible(entry['model_id'])}",
        "url": safe_url(entry.get("url")),
        "url_text": visible(entry.get("url") or "no public URL known"),
        "identity": _pairs(entry, IDENTITY),
        "decision": _pairs(entry, DECISION),
        "daily": _table(entry["daily"], DAILY),
        "changes": _table(entry["status_changes"], CHANGES),
        "files": _table(entry["files"], FILES),
        "appearances": _table(others, APPEARANCES, links={"model_id": "url"}),
        "decisions": _decisions(entry["review_decisions"]),
        "records": _table([item["record"] for item in records], RECORDS),
        "record_json": [item["json"] for item in records],
        "notes": [visible(note) for note in entry["notes"]],
    }


def _alert_view(recorded: dict[str, Any] | None) -> dict[str, Any] | None:
    if recorded is None:
        return None
    alert = Alert.from_dict(recorded)
    return {
        "title": visible(alert.title),
        "facts": [(label, visible(value)) for label, value in alert_facts(alert)]
        + [("Detected at (UTC)", shown(recorded.get("detected_at")))],
        "details": visible_block(json.dumps(alert.details, ensure_ascii=False, indent=2, sort_keys=True)),
    }


def render_pack(data: dict[str, Any]) -> str:
    """The pack's self-contained ``index.html``."""
    header = data["pack"]
    return _ENV.get_template("evidence.html").render(
        pack={key: shown(value) for key, value in header.items()},
        alert=_alert_view(data["alert"]),
        models=[_model_view(entry) for entry in data["models"]],
    )
