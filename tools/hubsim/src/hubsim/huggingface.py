"""Hugging Face Hub API as of a time, in the real response shapes (shared/hub-apis.md).

Endpoints: GET /api/models (bare JSON array; next page only in the `Link` header),
GET /api/models/{owner}/{name} (`?blobs=true` adds LFS sha256/size) and the model card
GET /{owner}/{name}/raw/main/README.md (text). Repos removed by the as-of time answer 404; some
gated repos answer 401/403 on detail (their card stays public, as on the Hub).
"""

from __future__ import annotations

import hashlib
from typing import Any

import yaml

from hubsim import vocab
from hubsim.clock import DAY, iso_utc
from hubsim.counters import model_downloads
from hubsim.hashes import synthetic_sha256
from hubsim.listing import CursorError, Order, id_order, metric_order, paginate
from hubsim.reply import Reply, Request, error
from hubsim.seeded import SeededRandom
from hubsim.world import Model, World

MIGRATION_TS = 1_646_263_744
"""2022-03-02T23:29:04Z: repos older than Hugging Face's migration all report this createdAt."""
MAX_LIMIT = 1000
CARD_PATH = ["raw", "main", "README.md"]
"""The model card, relative to a repo: the only raw file served (weights stay forbidden)."""
LFS_POINTER_SIZE = 134
ADAPTER_TYPES = ("LORA", "LoCon", "DoRA")
SORTS = ("createdAt", "lastModified", "downloads", "likes", "trendingScore")
LIST_FIELDS = (
    "_id",
    "id",
    "likes",
    "trendingScore",
    "private",
    "downloads",
    "tags",
    "pipeline_tag",
    "library_name",
    "createdAt",
    "modelId",
)
FULL_FIELDS = (
    "_id",
    "id",
    "author",
    "sha",
    "lastModified",
    "private",
    "gated",
    "disabled",
    "likes",
    "trendingScore",
    "downloads",
    "downloadsAllTime",
    "tags",
    "pipeline_tag",
    "library_name",
    "createdAt",
    "modelId",
    "cardData",
    "siblings",
)


def handle(world: World, req: Request) -> Reply:
    """Route one Hugging Face API call (path relative to the hub root)."""
    parts = [p for p in req.path.split("/") if p]
    if req.method == "GET" and parts == ["api", "models"]:
        return list_models(world, req)
    if req.method == "GET" and len(parts) == 4 and parts[:2] == ["api", "models"]:
        return get_model(world, req, f"{parts[2]}/{parts[3]}")
    if req.method == "GET" and len(parts) == 5 and parts[2:] == CARD_PATH:
        return get_card(world, req, f"{parts[0]}/{parts[1]}")
    return error(404, "Not Found")


# --- derived repo facts (stable per repo, independent of the as-of time) ---------------------------
class _Repo:
    """Facts of a repo drawn from its own seeded RNG: licence, gating, commits, sample images."""

    __slots__ = ("license", "template", "library", "gated", "edits", "images")

    def __init__(self, world: World, m: Model) -> None:
        rng = SeededRandom(f"{world.cfg.seed}:huggingface:{m.key}")
        self.license = rng.choice(vocab.HF_LICENSES)
        self.template = m.mtype in ADAPTER_TYPES and rng.random() < 0.6
        self.library = "diffusers" if m.mtype != "TextualInversion" and rng.random() < 0.85 else None
        roll = rng.random()
        self.gated: bool | str = "auto" if roll < 0.02 else "manual" if roll < 0.03 else False
        edits, t = [], m.created
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            t += int(rng.expovariate(1 / 30) * DAY) + 60
            edits.append(t)
        self.edits = tuple(edits)
        self.images = rng.choice((0, 0, 1, 2, 4))


def last_modified(info: _Repo, m: Model, t: int) -> int:
    """Time of the last commit before t (repo creation, weight uploads, README edits)."""
    commits = [m.created, *(v.created for v in m.versions), *info.edits]
    return max(c for c in commits if c < t)


def _likes(m: Model, t: int) -> int:
    return int(model_downloads(m, t) * (0.005 + 0.03 * m.quality))


def _recent_downloads(m: Model, t: int) -> int:
    return model_downloads(m, t) - model_downloads(m, t - 30 * DAY)


def _trending(m: Model, t: int) -> int:
    """Like the Hub's trendingScore: last week's downloads and likes."""
    week = t - 7 * DAY
    return (model_downloads(m, t) - model_downloads(m, week)) // 25 + _likes(m, t) - _likes(m, week)


def _base(m: Model, t: int) -> tuple[str, str, str]:
    """(base repo, family tag, pipeline tag) of the newest weights file."""
    latest = [v for v in m.versions if v.created < t] or list(m.versions[:1])
    _intro, _ramp, _peak, _decay, repo, family, pipeline = vocab.BASE_MODELS[latest[-1].base_model]
    return repo, family, pipeline


def tags(info: _Repo, m: Model, t: int) -> list[str]:
    """Hub tags: library, pipeline, lora/template, family, card tags, base_model:*, license, region."""
    repo, family, pipeline = _base(m, t)
    out = [info.library] if info.library else []
    out.append(pipeline)
    if m.mtype in ADAPTER_TYPES:
        out.append("lora")
        if info.template:
            out.append("template:sd-lora")
    elif m.mtype == "TextualInversion":
        out.append("textual_inversion")
    out.append(family)
    out += m.tags
    relation = "adapter" if m.mtype in ADAPTER_TYPES else "finetune"
    out += [f"base_model:{repo}", f"base_model:{relation}:{repo}", f"license:{info.license}", "region:us"]
    return list(dict.fromkeys(out))


def _siblings(info: _Repo, m: Model, t: int, blobs: bool) -> list[dict[str, Any]]:
    files: list[tuple[str, str | None, int]] = [(".gitattributes", None, 1519), ("README.md", None, 1200)]
    files += [(v.file_name, v.sha256, v.size_kb * 1024) for v in m.versions if v.created < t]
    files += [
        (f"images/example_{k}.png", synthetic_sha256("hf-image", m.key, k), 900_000 + 7919 * k)
        for k in range(info.images)
    ]
    out = []
    for name, sha, size in files:
        entry: dict[str, Any] = {"rfilename": name}
        if blobs:
            entry["blobId"] = hashlib.sha1(f"{m.key}/{name}".encode(), usedforsecurity=False).hexdigest()
            entry["size"] = LFS_POINTER_SIZE if sha else size
            if sha:
                entry["lfs"] = {"sha256": sha, "size": size, "pointerSize": LFS_POINTER_SIZE}
        out.append(entry)
    return out


def item_json(world: World, m: Model, t: int, fields: tuple[str, ...], blobs: bool = False) -> dict[str, Any]:
    """A repo rendered with the given fields, in that order."""
    info = _Repo(world, m)
    created = max(m.created, MIGRATION_TS)
    modified = last_modified(info, m, t)
    values = {
        "_id": f"{created:08x}{synthetic_sha256('oid', m.key)[:16]}",
        "id": m.key,
        "modelId": m.key,
        "author": m.creator,
        "sha": hashlib.sha1(f"{m.key}@{modified}".encode(), usedforsecurity=False).hexdigest(),
        "lastModified": iso_utc(modified),
        "private": False,
        "gated": info.gated,
        "disabled": False,
        "likes": lambda: _likes(m, t),
        "trendingScore": lambda: _trending(m, t),
        "downloads": lambda: _recent_downloads(m, t),
        "downloadsAllTime": lambda: model_downloads(m, t),
        "tags": lambda: tags(info, m, t),
        "pipeline_tag": lambda: _base(m, t)[2],
        "library_name": info.library,
        "createdAt": iso_utc(created),
        "cardData": lambda: _card(info, m, t),
        "siblings": lambda: _siblings(info, m, t, blobs),
    }
    out = {}
    for name in fields:
        value = values[name]
        out[name] = value() if callable(value) else value
    if blobs:
        out["usedStorage"] = sum(s.get("lfs", {}).get("size", s["size"]) for s in out.get("siblings", []))
    return out


def _card(info: _Repo, m: Model, t: int) -> dict[str, Any]:
    card_tags = [
        "text-to-image",
        *(["lora", "diffusers"] if m.mtype in ADAPTER_TYPES else []),
        *(["template:sd-lora"] if info.template else []),
        *m.tags,
    ]
    card: dict[str, Any] = {"base_model": _base(m, t)[0], "license": info.license, "tags": card_tags}
    if m.trained_words:
        card["instance_prompt"] = m.trained_words[0]
    return card


# --- endpoints ------------------------------------------------------------------------------------------
def _order(world: World, t: int, sort: str, descending: bool) -> Order:
    if sort == "createdAt":
        return id_order(world, "huggingface", t, descending)
    metric = {
        "lastModified": lambda m, at: last_modified(_Repo(world, m), m, at),
        "downloads": _recent_downloads,
        "likes": _likes,
        "trendingScore": _trending,
    }[sort]
    return metric_order(world, "huggingface", t, sort, metric, descending, lambda m: True)


def list_models(world: World, req: Request) -> Reply:
    """GET /api/models: filters are ANDed; the next page is only announced in `Link`.

    Sorting is descending unless `direction=1`; without `sort`, by trendingScore.
    """
    sort = req.first("sort", "trendingScore")
    if sort not in SORTS:
        return error(400, f"Invalid sort parameter: {sort[:40]}")
    try:
        limit = min(MAX_LIMIT, max(1, int(req.first("limit") or MAX_LIMIT)))
    except ValueError:
        return error(400, "Invalid limit parameter")
    descending = req.first("direction", "-1") != "1"
    t, models = req.t, world.huggingface
    search = (req.first("search") or "").lower()
    author = (req.first("author") or "").lower()
    wanted = req.many("filter")
    pipeline = req.first("pipeline_tag")
    library = req.first("library")

    def accept(p: int) -> bool:
        m = models[p]
        if (
            not m.live(t)
            or (search and search not in m.key.lower())
            or (author and m.creator.lower() != author)
        ):
            return False
        if pipeline and _base(m, t)[2] != pipeline:
            return False
        if not library and not wanted:
            return True
        info = _Repo(world, m)
        return (not library or info.library == library) and set(wanted) <= set(tags(info, m, t))

    try:
        items, nxt = paginate(
            _order(world, t, sort, descending), req.first("cursor"), limit, accept, req.page_fault
        )
    except CursorError as exc:
        return error(400, str(exc))
    expand = req.many("expand[]") + req.many("expand")
    if expand:
        fields = ("_id", "id", *(f for f in FULL_FIELDS if f in expand and f not in ("_id", "id")))
    elif (req.first("full") or "").lower() in ("true", "1"):
        fields = FULL_FIELDS
    else:
        fields = LIST_FIELDS
    records = [item_json(world, models[p], t, fields) for p in items]
    headers = {"Link": f'<{req.url_with("/api/models", cursor=nxt)}>; rel="next"'} if nxt else {}
    return Reply(200, records, headers, items=records)


def get_model(world: World, req: Request, repo_id: str) -> Reply:
    """GET /api/models/{owner}/{name}: 404 when absent or removed; gated repos may refuse."""
    m = world.hf_model(repo_id)
    if m is None or not m.live(req.t):
        return error(404, "Repository not found", {"X-Error-Code": "RepoNotFound"})
    gated = _Repo(world, m).gated
    if gated == "manual" or (gated == "auto" and "authorization" not in req.headers):
        status = 403 if gated == "manual" else 401
        return error(
            status,
            f"Access to model {repo_id} is restricted. You must have access to it and be "
            "authenticated to access it. Please log in.",
            {"X-Error-Code": "GatedRepo"},
        )
    blobs = (req.first("blobs") or "").lower() in ("true", "1")
    record = item_json(world, m, req.t, FULL_FIELDS, blobs=blobs)
    record["spaces"] = []
    return Reply(200, record, items=[record])


def card_text(world: World, m: Model, t: int) -> str:
    """A small README.md as creators write them: cardData as YAML front matter, then a line of markdown."""
    data = _card(_Repo(world, m), m, t)
    front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    kind = "LoRA adapter" if m.mtype in ADAPTER_TYPES else "Fine-tuned model"
    prompt = f" Use `{data['instance_prompt']}` in the prompt." if "instance_prompt" in data else ""
    name = str(m.key).split("/", 1)[1]
    return f"---\n{front}---\n\n# {name}\n\n{kind} for {data['base_model']}.{prompt}\n"


def get_card(world: World, req: Request, repo_id: str) -> Reply:
    """GET /{owner}/{name}/raw/main/README.md: the card as text/plain; 404 when absent or removed."""
    m = world.hf_model(repo_id)
    if m is None or not m.live(req.t):
        return error(404, "Repository not found", {"X-Error-Code": "RepoNotFound"})
    return Reply(200, card_text(world, m, req.t), content_type="text/plain; charset=utf-8")
