"""Stream envelopes into part files, checkpoint progress, and commit with the manifest last.

Protocol (same on local disk and S3, where only whole-object puts are atomic):
1. parts are written under fresh names ``part-<run_id>-<seq>.jsonl.gz``;
2. ``_checkpoint.json`` records the parts written so far and the crawl's resume state;
3. ``manifest.json`` is written last and lists exactly the parts of the partition;
4. only then are superseded parts (an earlier run's, or orphans of a crash) and the checkpoint
   deleted. A reader sees either the old manifest and its parts or the new ones, never a mix.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Any

from likeness_watch import __version__
from likeness_watch.raw.layout import checkpoint_key, manifest_key, part_key, partition_prefix
from likeness_watch.raw.manifest import COMMITTED, DataFile, Manifest
from likeness_watch.raw.reader import iter_envelopes
from likeness_watch.store import ObjectStore


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

    def commit(self, **fields: Any) -> Manifest:
        """Flush, write the manifest (the commit point), then remove superseded objects."""
        self._flush()
        manifest = Manifest(
            hub=self.hub,
            dt=self.day.isoformat(),
            status=COMMITTED,
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
        keep = {f.key for f in self.files} | {manifest_key(self.hub, self.day)}
        for key in self._partition_keys():
            if key not in keep:
                self.store.delete(key)
        return manifest

    def _partition_keys(self) -> Iterator[str]:
        yield from self.store.list(partition_prefix(self.hub, self.day))
