"""Recorded real records served in each hub's real API shape: `likeness-watch simulate --replay DIR`.

Why: real-shaped data (recorded.py reads it) must be crawlable like a hub, so it can go through
crawl, gates, build, alerts and the report. The server plumbing (the /at/ prefix, faults, the HF
rate limit, the request log) is shared with the synthetic world; this module only answers the API.

Endpoints, as the synthetic hubs serve them:
- Civitai: GET /models (limit, cursor, sort Newest|Oldest — others list newest first —, ids,
  types, nsfw; `poi`/`minor` models are never listed), GET /models/{id} (serves them; 404, 400);
- Hugging Face: GET /api/models (filter, pipeline_tag, library, author, search, sort, direction,
  limit, full, expand; `Link: rel="next"` paging), GET /api/models/{owner}/{name} (`blobs=true`
  keeps the siblings' `lfs`), GET /{owner}/{name}/raw/main/README.md (a recorded card).
Under /at/{day}/, records created after that UTC day are absent; records without a creation time
are always present. The data never changes while served, so each listing order is one sorted list
built on first use, and a cursor holds a rank in it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from hubsim import civitai, huggingface
from hubsim.clock import DAY, day_start
from hubsim.listing import CursorError, Order, paginate, subset_order
from hubsim.recorded import CivitaiModel, HfRepo, Recording, load
from hubsim.reply import Reply, Request, error

EVERYTHING = 2**62
"""As-of time without an /at/ prefix: every record is visible."""
TEXT = "text/plain; charset=utf-8"
T = TypeVar("T")


def _ranked(n: int) -> Order:
    """An order whose positions are ranks in a sorted list (so a cursor holds a rank)."""
    return Order(range(n), lambda rank: (rank,), range(n))


def _visible(created: float | None, t: int) -> bool:
    return created is None or created < t


def _page(
    order: Order, items: Sequence[T], req: Request, limit: int, accept: Callable[[T], bool]
) -> tuple[list[T], str | None]:
    """One page of `items` (sorted like `order`'s ranks) after the request's cursor, and the next one."""
    ranks, nxt = paginate(order, req.first("cursor"), limit, lambda r: accept(items[r]), req.page_fault)
    return [items[r] for r in ranks], nxt


def _without_blobs(record: dict[str, Any]) -> dict[str, Any]:
    """Siblings as the Hub lists them without `blobs=true`: file names only."""
    siblings = record.get("siblings")
    if isinstance(siblings, list):
        record["siblings"] = [
            {"rfilename": s.get("rfilename")} if isinstance(s, dict) else s for s in siblings
        ]
    return record


@dataclass
class Replay:
    """A `Source` (source.py) over a `Recording`; the attributes are the server's defaults."""

    recording: Recording
    seed: int = 42
    faults: str = ""
    hf_quota: int = 100_000
    slow_seconds: float = 3.0
    _newest: list[CivitaiModel] = field(init=False, repr=False)
    _rank: dict[int, int] = field(init=False, repr=False)
    _hf_orders: dict[tuple[str, bool], list[HfRepo]] = field(init=False, repr=False, default_factory=dict)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._newest = sorted(self.recording.civitai.values(), key=lambda m: -m.key)
        self._rank = {m.key: rank for rank, m in enumerate(self._newest)}

    @classmethod
    def from_directory(cls, directory: Path, **defaults: Any) -> Replay:
        """Read `directory` (recorded.RecordingError names a bad file and line)."""
        return cls(load(directory), **defaults)

    def asof(self, day: date | None) -> int:
        return EVERYTHING if day is None else day_start(day) + DAY

    def truth(self, include_models: bool) -> dict[str, Any] | None:
        return None

    def handle(self, hub: str, req: Request) -> Reply:
        parts = [p for p in req.path.split("/") if p]
        if req.method != "GET":
            return error(404, "Not found")
        if hub == "civitai":
            if parts == ["models"]:
                return self._listing(self._civitai_list, req)
            if len(parts) == 2 and parts[0] == "models":
                return self._civitai_model(req, parts[1])
            return error(404, "Not found")
        if parts == ["api", "models"]:
            return self._listing(self._hf_list, req)
        if len(parts) == 4 and parts[:2] == ["api", "models"]:
            return self._hf_model(req, f"{parts[2]}/{parts[3]}")
        if len(parts) == 5 and parts[2:] == huggingface.CARD_PATH:
            return self._hf_card(req, f"{parts[0]}/{parts[1]}")
        return error(404, "Not Found")

    @staticmethod
    def _listing(answer: Callable[[Request], Reply], req: Request) -> Reply:
        """A listing; a cursor this server never issued is the client's error (400)."""
        try:
            return answer(req)
        except CursorError as exc:
            return error(400, str(exc))

    # --- Civitai ------------------------------------------------------------------------------------
    def _civitai_list(self, req: Request) -> Reply:
        try:
            limit = civitai.int_param(req, "limit", 100, 0, 100) or 100
            ids = [int(x) for x in req.many("ids")]
        except ValueError as exc:
            return error(400, str(exc))
        sort, types = req.first("sort", "Newest"), req.many("types")
        if sort not in civitai.SORTS:
            return error(400, f"sort: Invalid enum value. Expected {' | '.join(civitai.SORTS)}")
        if any(x not in civitai.MODEL_TYPES for x in types):
            return error(400, "types: Invalid enum value")
        nsfw = (req.first("nsfw") or "").lower() == "true"
        models = self._newest[::-1] if sort == "Oldest" else self._newest
        order = _ranked(len(models))
        if ids:
            ranks = [self._rank[i] for i in ids if i in self._rank]
            order = subset_order(order, [len(models) - 1 - r for r in ranks] if sort == "Oldest" else ranks)
        t = req.t
        found, nxt = _page(
            order,
            models,
            req,
            limit,
            lambda m: (
                not m.hidden
                and _visible(m.created, t)
                and (nsfw or not m.nsfw)
                and (not types or m.mtype in types)
            ),
        )
        records = [json.loads(m.text) for m in found]
        metadata = {"nextCursor": nxt, "nextPage": req.url_with("/models", cursor=nxt)} if nxt else {}
        return Reply(200, {"items": records, "metadata": metadata}, items=records)

    def _civitai_model(self, req: Request, raw_id: str) -> Reply:
        try:
            model_id = int(raw_id)
        except ValueError:
            return error(400, f"Invalid model id: {raw_id[:40]}")
        m = self.recording.civitai.get(model_id)
        if m is None or not _visible(m.created, req.t):
            return error(404, f"No model with id {model_id}")
        record = json.loads(m.text)
        return Reply(200, record, items=[record])

    # --- Hugging Face -------------------------------------------------------------------------------
    def _hf_order(self, sort: str, descending: bool) -> list[HfRepo]:
        """Repos by one sort key, ties by repo id; built once per (sort, direction)."""
        with self._lock:
            if (sort, descending) not in self._hf_orders:
                self._hf_orders[sort, descending] = sorted(
                    self.recording.huggingface.values(),
                    key=lambda r: (r.sort_keys[sort], r.key),
                    reverse=descending,
                )
            return self._hf_orders[sort, descending]

    def _hf_list(self, req: Request) -> Reply:
        sort = req.first("sort", "trendingScore")
        if sort not in huggingface.SORTS:
            return error(400, f"Invalid sort parameter: {sort[:40]}")
        try:
            limit = min(huggingface.MAX_LIMIT, max(1, int(req.first("limit") or huggingface.MAX_LIMIT)))
        except ValueError:
            return error(400, "Invalid limit parameter")
        repos = self._hf_order(sort, req.first("direction", "-1") != "1")
        t, wanted = req.t, set(req.many("filter"))
        search = (req.first("search") or "").lower()
        author = (req.first("author") or "").lower()
        pipeline, library = req.first("pipeline_tag"), req.first("library")
        found, nxt = _page(
            _ranked(len(repos)),
            repos,
            req,
            limit,
            lambda r: (
                _visible(r.created, t)
                and (not search or search in r.key.lower())
                and (not author or r.author.lower() == author)
                and (not pipeline or r.pipeline == pipeline)
                and (not library or r.library == library)
                and wanted <= r.tags
            ),
        )
        expand = req.many("expand[]") + req.many("expand")
        full = (req.first("full") or "").lower() in ("true", "1")
        records = []
        for repo in found:
            record = _without_blobs(json.loads(repo.text))
            if expand or not full:
                keep = ("_id", "id", *expand) if expand else huggingface.LIST_FIELDS
                record = {k: v for k, v in record.items() if k in keep}
            records.append(record)
        headers = {"Link": f'<{req.url_with("/api/models", cursor=nxt)}>; rel="next"'} if nxt else {}
        return Reply(200, records, headers, items=records)

    def _hf_repo(self, req: Request, repo_id: str) -> HfRepo | None:
        repo = self.recording.huggingface.get(repo_id)
        return repo if repo is not None and _visible(repo.created, req.t) else None

    def _hf_model(self, req: Request, repo_id: str) -> Reply:
        repo = self._hf_repo(req, repo_id)
        if repo is None:
            return error(404, "Repository not found", {"X-Error-Code": "RepoNotFound"})
        record = json.loads(repo.text)
        if (req.first("blobs") or "").lower() not in ("true", "1"):
            record = _without_blobs(record)
        return Reply(200, record, items=[record])

    def _hf_card(self, req: Request, repo_id: str) -> Reply:
        if self._hf_repo(req, repo_id) is None:
            return error(404, "Repository not found", {"X-Error-Code": "RepoNotFound"})
        card = self.recording.cards.get(repo_id)
        if card is None:
            return error(404, "Entry not found", {"X-Error-Code": "EntryNotFound"})
        return Reply(200, card, content_type=TEXT)
