"""Human-readable renderings of an alert (terminal, e-mail plain text and HTML).

Every hub-provided value goes through ``escape`` for its context; numbers are formatted here so
all channels say the same thing.
"""

from __future__ import annotations

from likeness_watch.alerts.escape import html_text, plain, safe_url
from likeness_watch.alerts.model import SCHEMA_DRIFT, TAKEDOWN_OVERDUE, Alert, ModelRef

NAME_LIMIT = 120
"""Characters of a model name shown (hub names are unbounded)."""
TARGET_LIMIT = 80
"""Characters of a target name shown."""
EVIDENCE_LABEL = "Evidence pack"
"""How every channel labels the link to the alert's evidence pack (``Alert.evidence_url``)."""


def _number(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def nsfw(model: ModelRef) -> str:
    if model.nsfw_intent is None:
        return "unknown"
    return "yes" if model.nsfw_intent else "no"


def facts(alert: Alert) -> list[tuple[str, str]]:
    """Label/value pairs shown by every channel (values are not yet escaped)."""
    rows = [
        ("Kind", alert.kind),
        ("Severity", alert.severity),
        ("Hub", alert.hub),
        ("Day", alert.day.isoformat()),
        ("Observed", _number(alert.observed)),
        ("Expected", _number(alert.expected)),
    ]
    if alert.p_value is not None:
        rows.append(("p-value", f"{alert.p_value:.2e}"))
    if alert.kind == SCHEMA_DRIFT:
        rows.append(("Fields", drift_fields(alert)))
    if alert.kind == TAKEDOWN_OVERDUE:
        rows += [
            ("Reported at (UTC)", str(alert.details.get("reported_at", ""))),
            ("Deadline (UTC)", str(alert.details.get("deadline_at", ""))),
        ]
    rows.append(("Alert id", alert.alert_id))
    return rows


def drift_fields(alert: Alert) -> str:
    """The drifting fields of a ``schema_drift`` alert in one line (field names come from the hub)."""
    parts = []
    for item in alert.details.get("fields", []):
        renamed = f" to {item['renamed_to']}" if item.get("renamed_to") else ""
        feeds = ", ".join(item.get("feeds") or []) or "no mart column"
        counts = f"{item['rows']}/{item['of']} records"
        parts.append(f"{item['field']} {item['change']}{renamed} ({counts}; feeds {feeds})")
    return "; ".join(parts)


def model_line(model: ModelRef) -> str:
    """One model as plain text (already made printable)."""
    parts = [plain(model.name, NAME_LIMIT), f"[{plain(model.hub)}]"]
    if model.target:
        parts.append(f"target: {plain(model.target, TARGET_LIMIT)}")
    parts.append(f"NSFW intent: {nsfw(model)}")
    if model.url:
        parts.append(plain(model.url))
    return " · ".join(parts)


def text(alert: Alert) -> str:
    """Plain-text rendering (terminal summary, e-mail plain part)."""
    lines = [plain(alert.title), ""]
    lines += [f"{label}: {plain(value)}" for label, value in facts(alert)]
    if alert.top_models:
        lines += ["", "Top models:"]
        lines += [f"  - {model_line(model)}" for model in alert.top_models]
    if url := safe_url(alert.evidence_url):
        lines += ["", f"{EVIDENCE_LABEL}: {url}"]
    return "\n".join(lines) + "\n"


def html(alert: Alert) -> str:
    """HTML rendering (e-mail HTML part): every value escaped, links only to http(s) pages."""
    rows = "".join(
        f"<tr><th align='left'>{html_text(label)}</th><td>{html_text(value)}</td></tr>"
        for label, value in facts(alert)
    )
    items = []
    for model in alert.top_models:
        url = safe_url(model.url)
        name = html_text(model.name)
        label = f'<a href="{html_text(url)}">{name}</a>' if url else name
        target = f" · target: {html_text(model.target)}" if model.target else ""
        items.append(f"<li>{label} [{html_text(model.hub)}]{target} · NSFW intent: {nsfw(model)}</li>")
    models = f"<h3>Top models</h3><ul>{''.join(items)}</ul>" if items else ""
    evidence = safe_url(alert.evidence_url)
    if evidence:
        models += f'<p><a href="{html_text(evidence)}">{EVIDENCE_LABEL}</a></p>'
    return (
        "<!doctype html><html><body>"
        f"<h2>{html_text(alert.title)}</h2><table>{rows}</table>{models}"
        "<p><small>Likeness Watch: public metadata only.</small></p></body></html>"
    )
