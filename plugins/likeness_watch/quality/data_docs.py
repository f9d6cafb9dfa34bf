"""GX Data Docs in the object store under ``docs/quality/`` (a local path or S3, same code).

GX builds a site from the results it holds, and an ephemeral context holds one run's. So every
run's results are kept as JSON under ``quality/results/`` and the newest ``HISTORY`` are loaded
back before each build: the index lists recent runs across days, hubs and layers. The site is
built in a temporary directory, then uploaded file by file (static assets only once).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from pathlib import Path

from likeness_watch.quality.gx_runner import BatchResult, GxSession
from likeness_watch.store import ObjectStore

DOCS_PREFIX = "docs/quality/"
RESULTS_PREFIX = "quality/results/"
STATIC_PREFIX = DOCS_PREFIX + "static/"
HISTORY = 60
"""Validation results listed in the Data Docs index (older pages stay in the store, unlinked)."""


def save_results(store: ObjectStore, run_id: str, results: Iterable[BatchResult]) -> None:
    """Keep this run's GX results (raw, unescaped: escaping happens when rendering)."""
    for index, item in enumerate(results):
        payload = {"key": item.key, "result": item.result}
        store.put_bytes(
            f"{RESULTS_PREFIX}{run_id}-{index:03d}.json", json.dumps(payload, default=str).encode()
        )


def recent_results(store: ObjectStore, limit: int = HISTORY) -> list[BatchResult]:
    """The newest ``limit`` stored results (run ids start with the run's UTC time, so names sort)."""
    keys = [key for key in store.list(RESULTS_PREFIX) if key.endswith(".json")][-limit:]
    results = []
    for key in keys:
        payload = json.loads(store.get_bytes(key))
        results.append(BatchResult(key=payload["key"], result=payload["result"]))
    return results


def upload_site(store: ObjectStore, directory: Path) -> None:
    existing = set(store.list(STATIC_PREFIX))
    for path in sorted(directory.rglob("*")):
        if not path.is_file():
            continue
        key = DOCS_PREFIX + path.relative_to(directory).as_posix()
        if key.startswith(STATIC_PREFIX) and key in existing:
            continue
        store.put_bytes(key, path.read_bytes())


def publish_data_docs(session: GxSession, store: ObjectStore, limit: int = HISTORY) -> str:
    """Rebuild the site from recent results and upload it; returns the index page's location."""
    with tempfile.TemporaryDirectory(prefix="lw-data-docs-") as tmp:
        session.build_docs(recent_results(store, limit), Path(tmp))
        upload_site(store, Path(tmp))
    return store.url(DOCS_PREFIX + "index.html")
