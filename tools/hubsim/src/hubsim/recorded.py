"""Recorded hub records for `simulate --replay DIR`: read the files, tell the record kinds apart.

Why: real records (shapes that drift over the years) must go through the same crawl, gates, build
and alerts as the synthetic world. Inputs, in any folder below DIR: `.json` (one object, a list, or
several objects one after another), `.jsonl`, each optionally `.gz`. Record kinds, per record:

- Civitai: `/api/v1/models` items or `/models/{id}` bodies (integer `id` and `modelVersions`),
  also whole recorded list pages (`{"items": [...], "metadata": ...}`);
- Hugging Face: API records (`id` or `modelId` "owner/name");
- Hugging Face model cards (`file` `<author>_<repo>[_README].md`, `card` README text): an API
  record is synthesised from the front matter and the text is served as the repo's README.

Files are read in path order; a later record of the same model replaces an earlier one, except
that a synthesised record never replaces a recorded API record. Every record is kept as its JSON
text, so each reply parses a fresh copy that faults may alter.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

SUFFIXES = (".json", ".jsonl", ".json.gz", ".jsonl.gz")
CARD_CREATED_AT = "2022-03-02T23:29:04.000Z"
"""createdAt/lastModified of a repo known only from its card: the Hub's own placeholder for a
creation time it does not know (repos older than its March 2022 migration report it)."""
NSFW_BITS = 4 | 8 | 16  # Civitai nsfwLevel R, X, XXX
_FENCE_OPEN = re.compile(r"\A\ufeff?\s*---[ \t]*\n")
_FENCE_CLOSE = re.compile(r"^---[ \t]*$", re.MULTILINE)
_TOP_LEVEL_KEY = re.compile(r"^[^\s#-]", re.MULTILINE)
_WS = re.compile(r"\s*")


class RecordingError(ValueError):
    """A file or record that cannot be replayed; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class CivitaiModel:
    """One recorded Civitai model: its JSON text and what listing filters need."""

    key: int
    text: str
    created: float | None  # epoch s; None: no creation time, visible on every day
    hidden: bool  # poi or minor: never listed, served by /models/{id}
    mtype: str | None
    nsfw: bool


@dataclass(frozen=True, slots=True)
class HfRepo:
    """One recorded (or card-synthesised) Hugging Face repo: its JSON text and listing facts."""

    key: str
    text: str
    created: float | None
    author: str
    tags: frozenset[str]  # the record's tags and its pipeline_tag
    pipeline: str | None
    library: str | None
    sort_keys: dict[str, Any]  # createdAt, lastModified (text), downloads, likes, trendingScore
    synthesised: bool


@dataclass
class Recording:
    """Everything read from a replay directory."""

    civitai: dict[int, CivitaiModel] = field(default_factory=dict)
    huggingface: dict[str, HfRepo] = field(default_factory=dict)
    cards: dict[str, str] = field(default_factory=dict)  # repo id -> README text
    files: int = 0


def load(directory: Path) -> Recording:
    """Read every replayable file below `directory` (RecordingError on a bad file or record)."""
    if not directory.is_dir():
        raise RecordingError(f"{directory}: not a directory")
    paths = sorted(p for p in directory.rglob("*") if p.is_file() and p.name.endswith(SUFFIXES))
    if not paths:
        raise RecordingError(f"{directory}: no {', '.join(SUFFIXES)} files in it")
    recording = Recording(files=len(paths))
    for path in paths:
        for line, value in _values(path):
            _add(recording, value, f"{path}:{line}")
    if not recording.civitai and not recording.huggingface:
        raise RecordingError(f"{directory}: the files hold no records")
    return recording


# --- files ------------------------------------------------------------------------------------------
def _values(path: Path) -> Iterator[tuple[int, Any]]:
    """(line, JSON value) of each top-level value; the elements of a top-level list are values."""
    try:
        with gzip.open(path) if path.name.endswith(".gz") else path.open("rb") as fh:
            if path.name.endswith((".jsonl", ".jsonl.gz")):
                for line, raw in enumerate(fh, 1):
                    if raw.strip():
                        yield line, _loads(raw, path, line)
            else:
                yield from _document(fh.read(), path)
    except (OSError, EOFError, zlib.error) as exc:
        raise RecordingError(f"{path}: cannot read: {exc}") from None


def _loads(raw: bytes, path: Path, line: int) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise RecordingError(f"{path}:{line}: invalid JSON: {exc.msg} (column {exc.colno})") from None
    except UnicodeDecodeError:
        raise RecordingError(f"{path}:{line}: not UTF-8 text") from None


def _document(data: bytes, path: Path) -> Iterator[tuple[int, Any]]:
    """Values of a `.json` file: one value, several one after another, or the elements of a list."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise RecordingError(f"{path}:{line}: not UTF-8 text") from None
    decoder, lines = json.JSONDecoder(), _LineCounter(text)

    def decode(at: int) -> tuple[Any, int]:
        try:
            return decoder.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            raise RecordingError(
                f"{path}:{exc.lineno}: invalid JSON: {exc.msg} (column {exc.colno})"
            ) from None

    i = _skip_space(text, 0)
    if text.startswith("[", i):
        i = _skip_space(text, i + 1)
        while not text.startswith("]", i):
            value, end = decode(i)
            yield lines.line_of(i), value
            i = _skip_space(text, end)
            if text.startswith(",", i):
                i = _skip_space(text, i + 1)
            elif not text.startswith("]", i):
                raise RecordingError(f"{path}:{lines.line_of(i)}: invalid JSON: expected ',' or ']'")
        i = _skip_space(text, i + 1)
    while i < len(text):
        value, end = decode(i)
        yield lines.line_of(i), value
        i = _skip_space(text, end)


def _skip_space(text: str, at: int) -> int:
    match = _WS.match(text, at)
    return match.end() if match else at


class _LineCounter:
    """Line numbers of increasing offsets, in O(text) over a whole file."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line = text, 0, 1

    def line_of(self, offset: int) -> int:
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


# --- records ----------------------------------------------------------------------------------------
def _add(recording: Recording, value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise RecordingError(f"{where}: expected a JSON object, got {type(value).__name__}")
    if isinstance(value.get("items"), list) and "metadata" in value:  # a recorded Civitai list page
        for item in value["items"]:
            _add(recording, item, where)
        return
    model_id, repo_id = value.get("id"), _repo_id(value)
    if (
        isinstance(model_id, int)
        and not isinstance(model_id, bool)
        and isinstance(value.get("modelVersions"), list)
    ):
        recording.civitai[model_id] = _civitai(model_id, value)
    elif repo_id is not None:
        recording.huggingface[repo_id] = _hf(repo_id, value, synthesised=False)
    elif isinstance(value.get("file"), str) and isinstance(value.get("card"), str):
        repo_id = card_repo_id(value["file"])
        if repo_id is None:
            raise RecordingError(
                f"{where}: card file {value['file'][:100]!r} is not <author>_<repo>[_README].md"
            )
        recording.cards[repo_id] = value["card"]
        known = recording.huggingface.get(repo_id)
        if known is None or known.synthesised:
            recording.huggingface[repo_id] = _hf(
                repo_id, card_record(repo_id, value["card"]), synthesised=True
            )
    else:
        keys = ", ".join(sorted(map(str, value))[:8])
        raise RecordingError(
            f"{where}: not a Civitai model (integer id, modelVersions), a Hugging Face model "
            f"(id 'owner/name') or a model card (file, card); keys: {keys or 'none'}"
        )


def _repo_id(record: dict[str, Any]) -> str | None:
    for name in ("id", "modelId"):
        value = record.get(name)
        if isinstance(value, str):
            owner, sep, repo = value.partition("/")
            if sep and owner and repo and "/" not in repo:
                return value
    return None


def _text(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def epoch(value: Any) -> float | None:
    """Epoch seconds of an ISO-8601 timestamp; no zone means UTC (Civitai sends both); else None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def civitai_created(record: dict[str, Any]) -> float | None:
    """The earliest version's publishedAt (else its createdAt), else the model's createdAt."""
    versions = [v for v in record.get("modelVersions") or [] if isinstance(v, dict)]
    times = [
        t for v in versions if (t := epoch(v.get("publishedAt")) or epoch(v.get("createdAt"))) is not None
    ]
    return min(times) if times else epoch(record.get("createdAt"))


def _civitai(model_id: int, record: dict[str, Any]) -> CivitaiModel:
    level = record.get("nsfwLevel")
    return CivitaiModel(
        key=model_id,
        text=_text(record),
        created=civitai_created(record),
        hidden=record.get("poi") is True or record.get("minor") is True,
        mtype=record["type"] if isinstance(record.get("type"), str) else None,
        nsfw=record.get("nsfw") is True or (isinstance(level, int) and bool(level & NSFW_BITS)),
    )


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _hf(repo_id: str, record: dict[str, Any], synthesised: bool) -> HfRepo:
    listed = record.get("tags") if isinstance(record.get("tags"), list) else []
    tags = {t for t in listed if isinstance(t, str)}
    pipeline = record["pipeline_tag"] if isinstance(record.get("pipeline_tag"), str) else None
    library = record["library_name"] if isinstance(record.get("library_name"), str) else None
    author = record["author"] if isinstance(record.get("author"), str) else repo_id.split("/", 1)[0]
    return HfRepo(
        key=repo_id,
        text=_text(record),
        created=epoch(record.get("createdAt")),
        author=author,
        tags=frozenset(tags | ({pipeline} if pipeline else set())),
        pipeline=pipeline,
        library=library,
        sort_keys={
            "createdAt": record.get("createdAt") if isinstance(record.get("createdAt"), str) else "",
            "lastModified": record.get("lastModified") if isinstance(record.get("lastModified"), str) else "",
            **{name: _number(record.get(name)) for name in ("downloads", "likes", "trendingScore")},
        },
        synthesised=synthesised,
    )


# --- model cards --------------------------------------------------------------------------------------
def card_repo_id(file: str) -> str | None:
    """`<author>_<repo>[_README].md` -> `author/repo` (split at the first underscore), else None."""
    name = PurePosixPath(file).name
    if not name.endswith(".md"):
        return None
    author, sep, repo = name[: -len(".md")].removesuffix("_README").partition("_")
    return f"{author}/{repo}" if sep and author and repo else None


def front_matter(card: str) -> dict[str, Any]:
    """The card's YAML front matter as JSON-ready data; {} when absent, broken or not a mapping.

    A card cut inside its front matter (dumps cap card length) keeps its complete top-level keys.
    """
    text = card.replace("\r", "")  # cards come with \n, \r\n and even \r\r\n
    opening = _FENCE_OPEN.match(text)
    if opening is None:
        return {}
    closing = _FENCE_CLOSE.search(text, opening.end())
    body = text[opening.end() : closing.start() if closing else None]
    if closing is None:
        keys = [m.start() for m in _TOP_LEVEL_KEY.finditer(body)]
        body = body[: keys[-1]] if keys else ""
    try:
        data = yaml.safe_load(body)
    except yaml.YAMLError:
        return {}
    return _jsonable(data) if isinstance(data, dict) else {}


def _jsonable(value: Any) -> Any:
    """YAML data as JSON can hold it: string keys, dates as ISO text, no NaN or infinity."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _strings(value: Any) -> list[str]:
    """A front-matter field that may be a string or a list, as strings."""
    values = value if isinstance(value, list) else [value]
    return [str(v) for v in values if v is not None and not isinstance(v, dict | list)]


def card_record(repo_id: str, card: str) -> dict[str, Any]:
    """A plausible Hub API record (`/api/models/{id}` shape) of a repo known only from its card."""
    meta = front_matter(card)
    pipeline = meta["pipeline_tag"] if isinstance(meta.get("pipeline_tag"), str) else "text-to-image"
    card_tags = _strings(meta.get("tags"))
    library = meta.get("library_name")
    if not isinstance(library, str):  # the Hub infers it; a diffusers-tagged card is a diffusers repo
        library = "diffusers" if "diffusers" in card_tags else None
    tags = [
        *card_tags,
        pipeline,
        *([library] if library else []),
        *(f"base_model:{x}" for x in _strings(meta.get("base_model"))),
        *(f"dataset:{x}" for x in _strings(meta.get("datasets"))),
        *(f"license:{x}" for x in _strings(meta.get("license"))),
    ]
    digest = hashlib.sha1(f"{repo_id}\n{card}".encode(errors="replace"), usedforsecurity=False).hexdigest()
    return {
        "_id": hashlib.sha1(repo_id.encode(), usedforsecurity=False).hexdigest()[:24],
        "id": repo_id,
        "modelId": repo_id,
        "author": repo_id.split("/", 1)[0],
        "sha": digest,
        "lastModified": CARD_CREATED_AT,
        "private": False,
        "gated": False,
        "disabled": False,
        "likes": 0,
        "downloads": 0,
        "tags": list(dict.fromkeys(tags)),
        "pipeline_tag": pipeline,
        "library_name": library,
        "createdAt": CARD_CREATED_AT,
        "cardData": meta,
        "siblings": [{"rfilename": "README.md"}],
    }
