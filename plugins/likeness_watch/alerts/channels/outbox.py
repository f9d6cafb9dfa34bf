"""The always-on file channel: one JSON file per alert, named by its id.

What a new user sees without configuring anything, and a durable local record. Writes are
atomic (temp file + rename), and rewriting an alert gives the same bytes, so reruns are harmless.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from likeness_watch.alerts.escape import json_for_html
from likeness_watch.alerts.model import Alert


def write_outbox(outbox: Path, alerts: Iterable[Alert]) -> list[Path]:
    """Write (or rewrite identically) one ``<alert_id>.json`` per alert; returns the paths."""
    outbox.mkdir(parents=True, exist_ok=True)
    paths = []
    for alert in alerts:
        path = outbox / f"{alert.alert_id}.json"
        data = json_for_html(json.dumps(alert.to_dict(), ensure_ascii=False, indent=2, sort_keys=True)) + "\n"
        fd, tmp = tempfile.mkstemp(dir=outbox, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        paths.append(path)
    return paths
