"""What a hub handler receives and returns, independent of the HTTP plumbing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode


@dataclass(frozen=True)
class Request:
    """One API call to a hub, already routed: `path` is relative to the hub's API base."""

    method: str
    path: str
    params: Mapping[str, list[str]]
    base: str  # absolute API base incl. any /at/{date} prefix, for nextPage and Link URLs
    origin: str  # http://host:port, for downloadUrl and image URLs
    t: int  # as-of time (exclusive), epoch seconds
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    page_fault: str | None = None

    def first(self, name: str, default: str | None = None) -> str | None:
        values = self.params.get(name)
        return values[0] if values else default

    def many(self, name: str) -> list[str]:
        """Values of a repeatable or comma-separated parameter."""
        return [v.strip() for raw in self.params.get(name, []) for v in raw.split(",") if v.strip()]

    def url_with(self, path: str, **replace: str) -> str:
        """Absolute URL of `path` with the same query, some parameters replaced."""
        params = {k: v for k, v in self.params.items() if k not in replace}
        query = urlencode([*((k, x) for k, vs in params.items() for x in vs), *replace.items()])
        return f"{self.base}{path}?{query}"


@dataclass
class Reply:
    """A response before serialisation. `items` points at the records inside `body` so that
    item-level faults (drift, negative/null stats) can alter them in place."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    items: list[dict[str, Any]] | None = None
    content_type: str = "application/json; charset=utf-8"


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    """The hubs' error body: {"error": "..."}."""
    return Reply(status, {"error": message}, dict(headers or {}))
