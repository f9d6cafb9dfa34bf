"""Civitai REST API v1 as of a time, in the real response shapes (shared/hub-apis.md).

Endpoints: GET /models (cursor and page paging), GET /models/:id, GET /model-versions/:id,
GET /model-versions/by-hash/:hash, POST /model-versions/by-hash. Rendering draws only from
per-model and per-version seeded RNGs, so the same as-of time always gives the same bytes.
"""

from __future__ import annotations

import json
import random
import zlib
from datetime import date
from typing import Any

from hubsim import vocab
from hubsim.clock import day_start, iso_utc
from hubsim.config import BAN_DAY
from hubsim.counters import likes, model_downloads, version_downloads
from hubsim.hashes import file_hashes, synthetic_sha256
from hubsim.listing import (
    CursorError,
    Order,
    id_order,
    metric_order,
    page_number,
    paginate,
    subset_order,
)
from hubsim.reply import Reply, Request, error
from hubsim.seeded import SeededRandom
from hubsim.world import Model, Version, World

SORTS = (
    "Highest Rated",
    "Most Downloaded",
    "Most Liked",
    "Most Discussed",
    "Most Collected",
    "Most Images",
    "Newest",
    "Oldest",
)
PERIODS = ("AllTime", "Year", "Month", "Week", "Day")
MODEL_TYPES = (
    "Checkpoint",
    "TextualInversion",
    "Hypernetwork",
    "AestheticGradient",
    "LORA",
    "LoCon",
    "DoRA",
    "Controlnet",
    "Upscaler",
    "MotionModule",
    "VAE",
    "Poses",
    "Wildcards",
    "Workflows",
    "Detection",
    "Other",
)
NSFW_BITS = 4 | 8 | 16  # R, X, XXX
PAGE_LIMIT_ITEMS = 1000
NEW_SCHEMA_FROM = day_start(date(2025, 1, 1))
"""Models created before this lack minor / sfwOnly / availability / supportsGeneration."""
LIST_LICENSE_FROM = day_start(date(2023, 10, 1))
"""Older models have allowCommercialUse as a string, newer ones as a list."""
NULL_STATS_SECONDS = 3_600
IMAGE_PATH = "/images/xG1nkqKTMzGDvpLrqFT7WA"
_BLURBS = {
    "character": "Character LoRA trained on official art.",
    "style": "An art style for your generations.",
    "concept": "Adds the concept to any prompt.",
    "clothing": "Outfit LoRA, works with most characters.",
    "pose": "Pose helper, use with ControlNet or alone.",
    "generic_person": "Generates beautiful realistic women. Not based on any real person.",
    "cosplay": "Realistic cosplay of the character.",
}


def handle(world: World, req: Request) -> Reply:
    """Route one Civitai API call (path relative to /api/v1)."""
    parts = [p for p in req.path.split("/") if p]
    if req.method == "GET" and parts == ["models"]:
        return list_models(world, req)
    if req.method == "GET" and len(parts) == 2 and parts[0] == "models":
        return get_model(world, req, parts[1])
    if parts[:2] == ["model-versions", "by-hash"]:
        if req.method == "GET" and len(parts) == 3:
            return version_by_hash(world, req, parts[2])
        if req.method == "POST" and len(parts) == 2:
            return versions_by_hashes(world, req)
    if req.method == "GET" and len(parts) == 2 and parts[0] == "model-versions":
        return get_version(world, req, parts[1])
    return error(404, "Not found")


# --- list -----------------------------------------------------------------------------------------
def int_param(req: Request, name: str, default: int, lo: int, hi: int) -> int:
    raw = req.first(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name}: Expected number, received string") from None
    if not lo <= value <= hi:
        raise ValueError(f"{name}: Number must be between {lo} and {hi}")
    return value


def listable(m: Model) -> bool:
    """The list endpoint never returns persons of interest or minors."""
    return not m.poi and not m.minor


def _order(world: World, t: int, sort: str) -> Order:
    if sort in ("Newest", "Oldest"):
        return id_order(world, "civitai", t, sort == "Newest")
    metric, name = (likes, "likes") if sort == "Most Liked" else (model_downloads, "downloads")
    return metric_order(world, "civitai", t, name, metric, True, listable)


def list_models(world: World, req: Request) -> Reply:
    """GET /models with the real filters, cursor paging and the page*limit>1000 → 429 rule."""
    try:
        limit = int_param(req, "limit", 100, 0, 100) or 100
        page = int_param(req, "page", 0, 1, 10**9)
        ids = [int(x) for x in req.many("ids")]
    except ValueError as exc:
        return error(400, str(exc))
    sort = req.first("sort", "Highest Rated")
    types = req.many("types")
    query = (req.first("query") or "").lower()
    if sort not in SORTS:
        return error(400, f"sort: Invalid enum value. Expected {' | '.join(SORTS)}")
    if req.first("period", "AllTime") not in PERIODS:
        return error(400, "period: Invalid enum value")
    if any(x not in MODEL_TYPES for x in types):
        return error(400, "types: Invalid enum value")
    if query:  # known hub bug, reproduced: sort and types are ignored with query
        sort, types = "Highest Rated", []
    cursor = req.first("cursor")
    if page and not cursor:
        if query:
            return error(400, "Cannot use page with query. Please use cursor instead")
        if page * limit > PAGE_LIMIT_ITEMS:
            return error(429, "You've requested too many pages, please use cursors instead")
    t, models = req.t, world.civitai
    order = _order(world, t, sort)
    if ids:
        order = subset_order(order, [i for i in map(world.civitai_position, ids) if i is not None])
    nsfw = (req.first("nsfw") or "").lower() == "true"
    tag = (req.first("tag") or "").lower()
    username = (req.first("username") or "").lower()
    base_models = set(req.many("baseModels"))

    def accept(p: int) -> bool:
        m = models[p]
        return (
            m.live(t)
            and listable(m)
            and (nsfw or not m.nsfw_level & NSFW_BITS)
            and (not types or m.mtype in types)
            and (not tag or tag in m.tags)
            and (not username or m.creator.lower() == username)
            and (not query or query in m.name.lower())
            and (not base_models or any(v.base_model in base_models for v in m.versions if v.created < t))
        )

    metadata: dict[str, Any] = {}
    if page and not cursor:
        items, more = page_number(order, page, limit, accept)
        metadata.update(currentPage=page, pageSize=limit)
        if more:
            metadata["nextPage"] = req.url_with("/models", page=str(page + 1))
    else:
        try:
            items, nxt = paginate(order, cursor, limit, accept, req.page_fault)
        except CursorError as exc:
            return error(400, str(exc))
        if nxt:
            metadata.update(nextCursor=nxt, nextPage=req.url_with("/models", cursor=nxt))
    primary_only = (req.first("primaryFileOnly") or "").lower() == "true"
    records = [model_json(world, models[p], req, detail=False, primary_only=primary_only) for p in items]
    return Reply(200, {"items": records, "metadata": metadata}, items=records)


# --- single records ---------------------------------------------------------------------------------
def _visible(m: Model | None, t: int) -> bool:
    """Detail endpoints serve poi/minor models and taken-down/archived ones, not deleted ones."""
    if m is None or m.created >= t:
        return False
    return m.removed is None or m.removed >= t or m.removal_kind != "deleted"


def get_model(world: World, req: Request, raw_id: str) -> Reply:
    """GET /models/:id — 400 for a non-integer id, 404 when gone or never published."""
    try:
        model_id = int(raw_id)
    except ValueError:
        return error(400, f"Invalid model id: {raw_id[:40]}")
    p = world.civitai_position(model_id)
    m = None if p is None else world.civitai[p]
    if not _visible(m, req.t):
        return error(404, f"No model with id {model_id}")
    record = model_json(world, m, req, detail=True)
    return Reply(200, record, items=[record])


def _version_reply(world: World, req: Request, found: tuple[Model, Version] | None, missing: str) -> Reply:
    if found is None:
        return error(404, missing)
    m, v = found
    if v.created >= req.t or not m.live(req.t):
        return error(404, missing)
    record = version_with_model(world, m, v, req)
    return Reply(200, record, items=[record])


def get_version(world: World, req: Request, raw_id: str) -> Reply:
    try:
        vid = int(raw_id)
    except ValueError:
        return error(400, f"Invalid version id: {raw_id[:40]}")
    return _version_reply(world, req, world.civitai_version(vid), f"No version with id {vid}")


def version_by_hash(world: World, req: Request, digest: str) -> Reply:
    """GET /model-versions/by-hash/:hash — any hash kind, case-insensitive."""
    return _version_reply(world, req, world.civitai_by_hash(digest), "Model not found")


def versions_by_hashes(world: World, req: Request) -> Reply:
    """POST /model-versions/by-hash with a JSON array of at most 100 SHA256 digests."""
    try:
        digests = json.loads(req.body or b"[]")
        if not isinstance(digests, list) or not all(isinstance(d, str) for d in digests):
            raise ValueError
    except ValueError:
        return error(400, "Expected an array of hashes")
    if len(digests) > 100:
        return error(400, "Too many hashes: 100 max")
    records = []
    for digest in digests:
        reply = version_by_hash(world, req, digest)
        if reply.status == 200:
            records.append(reply.body)
    return Reply(200, records, items=records)


# --- rendering ----------------------------------------------------------------------------------------
def _flag(key: object, field: str, one_in: int) -> bool:
    """Deterministic per-record coin that does not consume the record's RNG stream."""
    return zlib.crc32(f"{key}:{field}".encode()) % one_in == 0


def _image_url(origin: str, seed: str, width: int, name: str) -> str:
    u = synthetic_sha256("image", seed)
    return f"{origin}{IMAGE_PATH}/{u[:8]}-{u[8:12]}-{u[12:16]}-{u[16:20]}-{u[20:32]}/width={width}/{name}"


def _commercial(rng: random.Random, m: Model) -> str | list[str]:
    if m.created < LIST_LICENSE_FROM:
        return rng.choice(("None", "Image", "Rent", "Sell"))
    return [x for x in ("Image", "RentCivit", "Rent", "Sell") if rng.random() < 0.6]


def _description(rng: random.Random, world: World, m: Model) -> str | None:
    """HTML as creators write it: who it is (less often after the ban), training notes, NSFW hints."""
    target = world.target_of(m)
    parts: list[str] = []
    if target is not None:
        named = rng.random() < (0.8 if m.created < day_start(BAN_DAY) else 0.25)
        if named:
            who = target.name + (f" ({target.native})" if target.native and rng.random() < 0.5 else "")
            parts.append(f"<p>LoRA of {who}, {target.nationality} {target.occupation}.</p>")
            if target.prominence == "private":
                parts.append(f"<p>Instagram model with {rng.randint(2, 9)}k followers.</p>")
            elif target.prominence == "influencer":
                parts.append(f"<p>Popular influencer, {rng.randint(50, 900)}k followers.</p>")
        else:
            parts.append("<p>Realistic character LoRA.</p>")
        parts.append(f"<p>Trained on {rng.randint(15, 60)} images, weight 0.{rng.randint(6, 9)}-1.0.</p>")
        if m.nsfw_intent and rng.random() < 0.6:
            parts.append(
                rng.choice(
                    (
                        "<p>Works well for NSFW.</p>",
                        "<p>Good with lingerie and nude prompts.</p>",
                        "<p>Uncensored, NSFW capable.</p>",
                    )
                )
            )
    elif rng.random() < 0.9:
        parts.append(f"<p>{_BLURBS.get(m.category, 'Checkpoint merge.')}</p>")
    if m.trained_words and rng.random() < 0.7:
        parts.append(f"<p>Trigger word: <strong>{m.trained_words[0]}</strong></p>")
    if m.hostile:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice((*vocab.HOSTILE, vocab.LONG_FILLER * 30)))
    return "".join(parts) or None


def _model_stats(m: Model, t: int) -> dict[str, Any]:
    dl = model_downloads(m, t)
    up = likes(m, t)
    q = m.quality
    ratings = up // 5
    stats: dict[str, Any] = {
        "downloadCount": dl,
        "favoriteCount": 0,
        "thumbsUpCount": up,
        "thumbsDownCount": int(up * 0.05 * (1 - q)),
        "commentCount": int(dl * 0.004 * q),
        "ratingCount": ratings,
        "rating": round(4 + q, 2) if ratings else 0,
        "tippedAmountCount": int(dl * 0.002 * q),
    }
    if t - m.created < NULL_STATS_SECONDS:  # minutes-old models: counters not computed yet
        for field in stats:
            if _flag(m.key, field, 2):
                stats[field] = None
    return stats


def model_json(
    world: World, m: Model, req: Request, detail: bool, primary_only: bool = False
) -> dict[str, Any]:
    """A model as /models (detail=False) or /models/:id (detail=True) render it at req.t."""
    rng = SeededRandom(f"{world.cfg.seed}:civitai:{m.key}")
    t, new_schema = req.t, m.created >= NEW_SCHEMA_FROM
    nsfw = bool(m.nsfw_level & NSFW_BITS)
    out: dict[str, Any] = {
        "id": m.key,
        "name": m.name,
        "description": _description(rng, world, m),
        "allowNoCredit": rng.random() < 0.7,
        "allowCommercialUse": _commercial(rng, m),
        "allowDerivatives": rng.random() < 0.8,
        "allowDifferentLicense": rng.random() < 0.6,
        "type": m.mtype,
    }
    sfw_only = m.poi or (not nsfw and rng.random() < 0.1)
    supports_generation = m.mtype != "Workflows" and rng.random() < 0.6
    if new_schema:
        out.update(minor=m.minor, sfwOnly=sfw_only)
    out.update(poi=m.poi, nsfw=nsfw, nsfwLevel=m.nsfw_level)
    if m.removed is not None and m.removed < t:
        out["mode"] = "TakenDown" if m.removal_kind == "taken_down" else "Archived"
    if new_schema:
        out["availability"] = "Public"
    out["cosmetic"] = None
    if new_schema:
        out["supportsGeneration"] = supports_generation
    out["stats"] = _model_stats(m, t)
    creator_image = _image_url(req.origin, m.creator, 96, f"{m.creator}.jpeg") if rng.random() < 0.8 else None
    out["creator"] = {"username": m.creator, "image": creator_image}
    out["tags"] = list(m.tags)
    versions = [v for v in m.versions if v.created < t]
    out["modelVersions"] = [
        version_json(world, m, v, i, req, detail, primary_only) for i, v in enumerate(reversed(versions))
    ]
    return out


def version_json(
    world: World, m: Model, v: Version, index: int, req: Request, detail: bool, primary_only: bool = False
) -> dict[str, Any]:
    """A model version; the list strips createdAt and status, detail endpoints keep them."""
    rng = SeededRandom(f"{world.cfg.seed}:civitai-version:{v.vid}")
    t = m.removed if m.removed is not None and m.removed < req.t else req.t  # counters freeze at removal
    ordinal = m.versions.index(v) + 1
    name = rng.choice((f"v{ordinal}.0", f"v{ordinal}", f"{vocab.BASE_SHORT[v.base_model]} v{ordinal}"))
    published = min(v.created + rng.randrange(30, 900), req.t - 1)
    dl = version_downloads(v.dinf, v.half, v.created, t)
    up = int(dl * (0.03 + 0.12 * m.quality))
    out: dict[str, Any] = {
        "id": v.vid,
        "index": index,
        "name": name,
        "baseModel": v.base_model,
        "baseModelType": "Standard",
    }
    if detail:
        out["createdAt"] = iso_utc(v.created, v.vid % 1000)
    out["publishedAt"] = iso_utc(published, (v.vid * 7) % 1000)
    if detail:
        out["status"] = "Published"
    out.update(
        availability="Public",
        nsfwLevel=m.nsfw_level,
        description=f"<p>{name}: {rng.choice(('retrained', 'more steps', 'new dataset', 'fixes'))}</p>"
        if ordinal > 1
        else None,
        trainedWords=list(m.trained_words),
        stats={
            "downloadCount": dl,
            "ratingCount": up // 5,
            "rating": round(4 + m.quality, 2) if up >= 5 else 0,
            "thumbsUpCount": up,
            "thumbsDownCount": int(up * 0.05 * (1 - m.quality)),
        },
        files=_files(rng, m, v, req.origin, primary_only),
        images=_images(rng, m, v, req.origin),
        downloadUrl=f"{req.origin}/civitai/api/download/models/{v.vid}",
    )
    return out


def _files(rng: random.Random, m: Model, v: Version, origin: str, primary_only: bool) -> list[dict[str, Any]]:
    roll = rng.random()
    hashes = file_hashes(v.sha256)
    if roll < 0.01:  # not hashed yet
        hashes = {}
    elif roll < 0.05:  # hashed before AutoV1/AutoV3 existed
        hashes = {k: x for k, x in hashes.items() if k not in ("AutoV1", "AutoV3")}
    pickle = v.file_name.endswith(".pt")
    scanned = iso_utc(v.created + rng.randrange(60, 1800))
    files = [
        {
            "id": v.vid * 3,
            "sizeKB": v.size_kb + round(rng.random(), 3),
            "name": v.file_name,
            "type": "Model",
            "pickleScanResult": "Success",
            "pickleScanMessage": "No Pickle imports",
            "virusScanResult": "Success",
            "virusScanMessage": None,
            "scannedAt": scanned,
            "metadata": {
                "format": "PickleTensor" if pickle else "SafeTensor",
                "size": rng.choice(("pruned", "full", None)),
                "fp": rng.choice(("fp16", "fp16", "bf16", "fp32")),
            },
            "hashes": hashes,
            "primary": True,
            "downloadUrl": f"{origin}/civitai/api/download/models/{v.vid}",
        }
    ]
    if rng.random() < 0.1 and not primary_only:
        data_sha = synthetic_sha256("training-data", v.sha256)
        files.append(
            {
                "id": v.vid * 3 + 1,
                "sizeKB": rng.randint(2_000, 90_000),
                "name": v.file_name.rsplit(".", 1)[0] + ".zip",
                "type": "Training Data",
                "pickleScanResult": "Success",
                "pickleScanMessage": None,
                "virusScanResult": "Success",
                "virusScanMessage": None,
                "scannedAt": scanned,
                "metadata": {"format": "Other", "size": None, "fp": None},
                "hashes": file_hashes(data_sha),
                "primary": False,
                "downloadUrl": f"{origin}/civitai/api/download/models/{v.vid}?type=Training%20Data",
            }
        )
    return files


def _images(rng: random.Random, m: Model, v: Version, origin: str) -> list[dict[str, Any]]:
    bits = [b for b in (1, 2, 4, 8, 16) if m.nsfw_level & b]
    out = []
    for j in range(1 + rng.randrange(4)):
        image_id = v.vid * 10 + j
        width, height = rng.choice(((512, 768), (832, 1216), (1024, 1024), (768, 512), (896, 1152)))
        out.append(
            {
                "id": image_id,
                "url": _image_url(origin, f"{v.vid}:{j}", 450, f"{image_id}.jpeg"),
                "nsfwLevel": bits[-1] if j == 0 else rng.choice(bits),
                "width": width,
                "height": height,
                "hash": "U" + synthetic_sha256("blurhash", image_id)[:27],
                "type": "image",
                "hasMeta": rng.random() < 0.7,
                "onSite": False,
                "poi": m.poi,
                "minor": m.minor,
            }
        )
    return out


def version_with_model(world: World, m: Model, v: Version, req: Request) -> dict[str, Any]:
    """Version JSON as /model-versions endpoints render it: with modelId and a model summary."""
    versions = [x for x in m.versions if x.created < req.t]
    out = version_json(world, m, v, len(versions) - 1 - versions.index(v), req, detail=True)
    out["modelId"] = m.key
    out["model"] = {"name": m.name, "type": m.mtype, "nsfw": bool(m.nsfw_level & NSFW_BITS), "poi": m.poi}
    return out
