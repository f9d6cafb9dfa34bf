"""Stream envelopes into part files, checkpoint progress, and commit with the manifest last.

Protocol (same on local disk and S3, where only whole-object puts are atomic):
1. parts are written under fresh names ``part-<run_id>-<seq>.jsonl.gz``;
2. ``_checkpoint.json`` records the parts written so far and the crawl's resume state;
3. ``manifest.json`` is written last and lists exactly the parts of the partition, with status
   ``landed`` when the crawl writes it: no reader selects it until the raw gate turns it into
   ``committed`` (or ``quarantined``);
4. only then are superseded parts (an earlier run's, or orphans of a crash), the checkpoint and
   temporary files of interrupted puts deleted. A reader sees either the old manifest and its
   parts or the new ones, never a mix. A crash before this step leaves leftovers that the next
   run removes (``remove_superseded``); a checkpoint of a run whose manifest exists is stale and
   is never resumed.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import re
import secrets
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Any

from likeness_watch import __version__
from likeness_watch.raw import points
from likeness_watch.raw.layout import checkpoint_key, manifest_key, part_key, partition_prefix
from likeness_watch.raw.manifest import COMMITTED, DataFile, Manifest, ManifestError
from likeness_watch.raw.reader import iter_envelopes, read_manifest
from likeness_watch.store import ObjectStore

log = logging.getLogger(__name__)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def encode_line(envelope: dict[str, Any]) -> bytes:
    """One JSON Lines record in UTF-8.

    A hub's JSON may escape half of a UTF-16 pair (``"\\ud800"``): Python decodes it to a lone
    surrogate, which UTF-8 cannot encode and DuckDB refuses to read even as an escape. Those
    become U+FFFD (the replacement character), the rest of the record stays exactly as received.
    """
    text = json.dumps(envelope, ensure_ascii=False, sort_keys=True)
    try:
        return text.encode()
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub("\ufffd", text).encode()


class PartitionWriter:
    """Writes one (hub, day) partition; resumes from a checkpoint left by an interrupted run."""

    def __init__(self, store: ObjectStore, hub: str, day: date, records_per_file: int = 5000) -> None:
        self.store = store
        self.hub = hub
        self.day = day
        self.records_per_file = records_per_file
        self.files: list[DataFile] = []
        self.seen: set[str] = set()
        self.resume_state: dict[str, Any] = {}
        self.resumed_via: dict[str, set[str]] = {}
        """Model ids already written before an interruption, by ``via`` (rebuilt, not checkpointed)."""
        self.stats: dict[str, int] = {"pages_fetched": 0, "requests": 0}
        self.started_at = utc_now()
        self.run_id = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
        self._buffer: list[bytes] = []
        self.resumed = self._load_checkpoint()

    def _load_checkpoint(self) -> bool:
        key = checkpoint_key(self.hub, self.day)
        if not self.store.exists(key):
            return False
        checkpoint = json.loads(self.store.get_bytes(key))
        if checkpoint["run_id"] == self._committed_run_id():
            log.info("%s %s: stale checkpoint of run %s removed", self.hub, self.day, checkpoint["run_id"])
            self.store.delete(key)
            return False
        self.files = [DataFile(**item) for item in checkpoint["files"]]
        self.resume_state = checkpoint["state"]
        self.stats = checkpoint["stats"]
        self.started_at = checkpoint["started_at"]
        self.run_id = checkpoint["run_id"]
        for envelope in iter_envelopes(self.store, [f.key for f in self.files]):
            if envelope.get("model_id") is not None:
                self.seen.add(str(envelope["model_id"]))
                self.resumed_via.setdefault(envelope.get("via", ""), set()).add(str(envelope["model_id"]))
        return True

    def _committed_run_id(self) -> str | None:
        """The run of the partition's manifest (a corrupt manifest has none)."""
        try:
            manifest = read_manifest(self.store, self.hub, self.day)
        except ManifestError:
            return None
        return manifest.run_id if manifest else None

    @property
    def record_count(self) -> int:
        return sum(f.records for f in self.files) + len(self._buffer)

    def add(self, envelope: dict[str, Any]) -> bool:
        """Buffer one envelope; returns False (and drops it) when its model is already in the partition."""
        model_id = envelope.get("model_id")
        if model_id is not None:
            if str(model_id) in self.seen:
                return False
            self.seen.add(str(model_id))
        self._buffer.append(encode_line(envelope))
        if len(self._buffer) >= self.records_per_file:
            self._flush()
        return True

    def _flush(self) -> None:
        if not self._buffer:
            return
        raw = io.BytesIO()
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
            for line in self._buffer:
                handle.write(line + b"\n")
        data = raw.getvalue()
        key = part_key(self.hub, self.day, self.run_id, len(self.files))
        self.store.put_bytes(key, data)
        self.files.append(DataFile(key, hashlib.sha256(data).hexdigest(), len(self._buffer), len(data)))
        self._buffer = []
        points.reached("part_written")

    def checkpoint(self, state: dict[str, Any]) -> None:
        """Persist written parts and the caller's resume state (e.g. the next cursor)."""
        self._flush()
        self.resume_state = state
        payload = {
            "run_id": self.run_id,
            "started_at": self.started_at,
            "files": [asdict(f) for f in self.files],
            "stats": self.stats,
            "state": state,
        }
        self.store.put_bytes(checkpoint_key(self.hub, self.day), json.dumps(payload).encode())
        points.reached("checkpoint_written")

    def commit(self, status: str = COMMITTED, **fields: Any) -> Manifest:
        """Flush, write the manifest (the commit point), then remove superseded objects.

        The crawl commits with ``status=LANDED`` (only the raw gate makes data visible); the
        default suits writers of data vetted elsewhere (tests, benchmarks).
        """
        self._flush()
        manifest = Manifest(
            hub=self.hub,
            dt=self.day.isoformat(),
            status=status,
            record_count=sum(f.records for f in self.files),
            files=self.files,
            pages_fetched=self.stats["pages_fetched"],
            requests=self.stats["requests"],
            started_at=self.started_at,
            finished_at=utc_now(),
            crawler_version=__version__,
            run_id=self.run_id,
            **fields,
        )
        self.store.put_bytes(manifest_key(self.hub, self.day), manifest.to_json())
        points.reached("manifest_landed")
        remove_superseded(self.store, manifest)
        points.reached("partition_cleaned")
        return manifest


def remove_superseded(store: ObjectStore, manifest: Manifest) -> None:
    """Delete what the partition's manifest does not name: an earlier run's parts, a crash's
    orphans, the checkpoint and temporary files of interrupted puts."""
    day = date.fromisoformat(manifest.dt)
    prefix = partition_prefix(manifest.hub, day)
    keep = {f.key for f in manifest.files} | {manifest_key(manifest.hub, day)}
    for key in store.list(prefix):
        if key not in keep:
            store.delete(key)
    store.remove_temporary(prefix)
