"""The synthetic world: every model on both hubs over the whole span, plus lookup indexes.

The world is immutable once built; "the hub as of day D" is a pure view of it (see `asof`), so
time travel is stateless and any day can be replayed.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hubsim import truth
from hubsim.clock import DAY, day_start
from hubsim.config import BAN_DAY, SimConfig
from hubsim.events import HubEvents
from hubsim.hashes import file_hashes
from hubsim.names import Target

MEMO_SIZE = 12
"""Memoised per-as-of metric orders kept at once (each is O(models) memory)."""


class Version:
    """One Civitai model version (one primary file), or one LFS weights file of a Hugging Face repo."""

    __slots__ = ("vid", "created", "base_model", "dinf", "half", "sha256", "size_kb", "file_name")

    def __init__(
        self,
        vid: int,
        created: int,
        base_model: str,
        dinf: int,
        half: float,
        sha256: str,
        size_kb: int,
        file_name: str,
    ) -> None:
        self.vid = vid
        self.created = created
        self.base_model = base_model
        self.dinf = dinf
        self.half = half
        self.sha256 = sha256  # lower-case hex
        self.size_kb = size_kb
        self.file_name = file_name


@dataclass(slots=True, eq=False)
class Model:
    """One model (Civitai) or repository (Hugging Face), with its truth labels."""

    hub: str
    key: int | str  # Civitai integer id, or Hugging Face "owner/name"
    created: int  # epoch seconds, UTC
    name: str
    category: str
    mtype: str  # Civitai model type (LORA, LoCon, Checkpoint, ...), also used for HF truth
    target: int  # index into World.targets, -1 when not a likeness model
    nsfw_level: int  # Civitai bit flags 1 PG, 2 PG-13, 4 R, 8 X, 16 XXX
    nsfw_intent: bool
    poi: bool
    minor: bool
    tags: tuple[str, ...]
    trained_words: tuple[str, ...]
    creator: str
    versions: tuple[Version, ...]
    quality: float  # 0..1, drives ratings, likes and some rendering choices
    hostile: bool  # description carries a hostile string
    removed: int | None = None
    removal_kind: str | None = None  # deleted | taken_down | archived
    reupload_of: tuple[str, int | str] | None = None
    same_file: bool = True  # a re-upload keeps the original SHA256 (False: converted copy)

    @property
    def is_likeness(self) -> bool:
        return self.target >= 0

    def live(self, t: int) -> bool:
        """Exists and is not removed at time t."""
        return self.created < t and (self.removed is None or self.removed >= t)


class World:
    """All models of both hubs, sorted for bisect seeks, plus lazily built lookup indexes."""

    def __init__(
        self,
        cfg: SimConfig,
        targets: list[Target],
        events: dict[str, HubEvents],
        civitai: list[Model],
        huggingface: list[Model],
    ) -> None:
        self.cfg = cfg
        self.targets = targets
        self.events = events
        self.ban_day = BAN_DAY
        self.civitai = civitai  # sorted by id == by creation time
        self.civitai_ids = [m.key for m in civitai]
        self.civitai_created = [m.created for m in civitai]
        self.huggingface = huggingface  # sorted by creation time, then repo id
        self.hf_created = [m.created for m in huggingface]
        self.hf_index = {m.key: i for i, m in enumerate(huggingface)}
        self.end_ts = day_start(cfg.end + timedelta(days=1))
        self._lock = threading.Lock()
        self._memo: OrderedDict[Any, Any] = OrderedDict()
        self._indexes: dict[str, Any] = {}

    # --- time --------------------------------------------------------------------------------------
    def asof(self, day: date | None) -> int:
        """Exclusive upper bound (epoch s) of "the end of UTC day `day`", clamped to the world's end."""
        if day is None or day > self.cfg.end:
            return self.end_ts
        return day_start(day) + DAY

    # --- lookups -----------------------------------------------------------------------------------
    def models(self, hub: str) -> list[Model]:
        return self.civitai if hub == "civitai" else self.huggingface

    def created_index(self, hub: str) -> list[int]:
        return self.civitai_created if hub == "civitai" else self.hf_created

    def upto(self, hub: str, t: int) -> int:
        """Number of models of `hub` created before t (they form a prefix)."""
        return bisect_left(self.created_index(hub), t)

    def civitai_position(self, model_id: int) -> int | None:
        """Index of a Civitai model id in `civitai`, or None (never published or a gap)."""
        i = bisect_left(self.civitai_ids, model_id)
        return i if i < len(self.civitai_ids) and self.civitai_ids[i] == model_id else None

    def hf_model(self, repo_id: str) -> Model | None:
        i = self.hf_index.get(repo_id)
        return None if i is None else self.huggingface[i]

    def target_of(self, model: Model) -> Target | None:
        return self.targets[model.target] if model.target >= 0 else None

    def civitai_version(self, vid: int) -> tuple[Model, Version] | None:
        """Version by id (index built on first use)."""
        vids, refs = self._index("version", self._build_version_index)
        i = bisect_left(vids, vid)
        return refs[i] if i < len(vids) and vids[i] == vid else None

    def civitai_by_hash(self, digest: str) -> tuple[Model, Version] | None:
        """Version by file hash of any Civitai kind (SHA256, AutoV1/2/3, CRC32, BLAKE3)."""
        h = digest.strip().lower()
        shas, refs = self._index("sha", self._build_sha_index)
        if len(h) in (10, 64):  # AutoV2 is the first 10 hex of the SHA256
            i = bisect_left(shas, h)
            if i < len(shas) and shas[i].startswith(h):
                return refs[i]
            return None
        return self._index("other-hash", self._build_other_hash_index).get(h)

    def _index(self, name: str, factory: Callable[[], Any]) -> Any:
        """Lookup indexes built on first use (most runs never need them)."""
        with self._lock:
            if name not in self._indexes:
                self._indexes[name] = factory()
            return self._indexes[name]

    def memo(self, key: Any, factory: Callable[[], Any]) -> Any:
        """Small LRU cache for per-as-of orders (safe across server threads)."""
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        value = factory()
        with self._lock:
            self._memo[key] = value
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return value

    def _build_version_index(self) -> tuple[list[int], list[tuple[Model, Version]]]:
        pairs = sorted(((v.vid, (m, v)) for m in self.civitai for v in m.versions), key=lambda p: p[0])
        return [p[0] for p in pairs], [p[1] for p in pairs]

    def _build_sha_index(self) -> tuple[list[str], list[tuple[Model, Version]]]:
        pairs = sorted(((v.sha256, (m, v)) for m in self.civitai for v in m.versions), key=lambda p: p[0])
        return [p[0] for p in pairs], [p[1] for p in pairs]

    def _build_other_hash_index(self) -> dict[str, tuple[Model, Version]]:
        out: dict[str, tuple[Model, Version]] = {}
        for m in self.civitai:
            for v in m.versions:
                for kind, value in file_hashes(v.sha256).items():
                    if kind not in ("SHA256", "AutoV2"):
                        out[value.lower()] = (m, v)
        return out

    # --- truth -------------------------------------------------------------------------------------
    def truth(self, include_models: bool = True) -> dict[str, Any]:
        """Known truth of this world (see truth.py for the format)."""
        return truth.truth(self, include_models)

    def export_truth(self, directory: str | Path) -> list[Path]:
        """Write truth.json and models.csv into `directory`; returns the paths written."""
        return truth.export_truth(self, Path(directory))
