"""Fault injection: what real hubs do to crawlers, on demand and reproducibly.

Spec: comma-separated `[hub:]name[=rate]`, rate = probability per request (default 1.0), e.g.
`civitai:429=0.1,5xx=0.05,huggingface:drift`. Faults alter a copy of a rendered reply; they never
touch the world, so the same as-of date without faults always gives the same data.

| fault          | effect                                                                        |
|----------------|-------------------------------------------------------------------------------|
| 429            | 429 with `Retry-After: 1` (HF: also RateLimit headers with r=0)               |
| 5xx            | 500/502/503/524; Civitai sometimes a Cloudflare-like HTML page                 |
| slow           | the answer is delayed by `slow_seconds` (client timeouts)                     |
| malformed      | 200 with an invalid JSON body                                                 |
| truncated      | 200 with the body cut mid-JSON                                                |
| duplicates     | the next cursor points two items back: items repeat across pages             |
| repeat-cursor  | the next cursor / Link equals the current one (once)                          |
| skip-one       | the next cursor skips one item (Civitai's known paging bug)                   |
| empty-page     | empty items with a non-null next cursor that resumes at the same place        |
| drift          | a new field appears and a required one is renamed or missing (see DRIFT)      |
| negative-stats | negative download counters on every other item                                |
| null-stats     | null id on the first item, null counters on every other item                  |
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Any

from hubsim.events import HUBS
from hubsim.reply import Reply, error

TRANSPORT = ("429", "5xx", "slow", "malformed", "truncated")
PAGE = ("duplicates", "repeat-cursor", "skip-one", "empty-page")
ITEM = ("drift", "negative-stats", "null-stats")
FAULTS = TRANSPORT + PAGE + ITEM
# Schema drift per hub: (new field, value), (renamed field, new name), missing field.
DRIFT = {
    "civitai": (("lockedProperties", []), ("nsfwLevel", "nsfw_level"), "creator"),
    "huggingface": (("inference", "warm"), ("createdAt", "created_at"), "modelId"),
}
CLOUDFLARE_HTML = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    "<h1>civitai.com</h1><p>Checking if the site connection is secure</p>"
    "<p>Ray ID: 8f2c1d3e4a5b6c7d &bull; Performance &amp; security by Cloudflare</p></body></html>"
)


@dataclass(frozen=True)
class Fault:
    hub: str | None  # None: both hubs
    name: str
    rate: float


def parse(spec: str) -> tuple[Fault, ...]:
    """Parse a fault spec; raises ValueError naming the bad part."""
    out = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        hub, _, rest = part.rpartition(":")
        name, _, rate_text = rest.partition("=")
        if hub and hub not in HUBS:
            raise ValueError(f"unknown hub in fault {part!r}; expected one of {HUBS}")
        if name not in FAULTS:
            raise ValueError(f"unknown fault {name!r}; expected one of {FAULTS}")
        try:
            rate = float(rate_text) if rate_text else 1.0
        except ValueError:
            raise ValueError(f"bad rate in fault {part!r}") from None
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be within [0, 1] in fault {part!r}")
        out.append(Fault(hub or None, name, rate))
    return tuple(out)


class FaultPlan:
    """Decides per request which faults fire, from a seeded RNG (reproducible for a request order)."""

    def __init__(self, spec: str, seed: int) -> None:
        self.spec = spec
        self.faults = parse(spec)
        self._rng = random.Random(f"{seed}:faults:{spec}")
        self._lock = threading.Lock()

    def draw(self, hub: str, paged: bool) -> list[str]:
        """Names of the faults firing for one request to `hub` (`paged`: a list endpoint)."""
        with self._lock:
            fired = [
                f.name
                for f in self.faults
                if f.hub in (None, hub) and (paged or f.name not in PAGE) and self._rng.random() < f.rate
            ]
        return list(dict.fromkeys(fired))

    def status_code(self) -> int:
        with self._lock:
            return self._rng.choice((500, 502, 503, 524))

    def coin(self) -> bool:
        with self._lock:
            return self._rng.random() < 0.5


def error_reply(plan: FaultPlan, hub: str, fired: list[str]) -> Reply | None:
    """The 429 or 5xx answer replacing the real one, if such a fault fired."""
    if "429" in fired:
        return error(429, "Too Many Requests", {"Retry-After": "1"})
    if "5xx" not in fired:
        return None
    status = plan.status_code()
    if hub == "civitai" and plan.coin():
        return Reply(status, CLOUDFLARE_HTML, content_type="text/html; charset=UTF-8")
    return error(status, "Internal Server Error" if status == 500 else "Service Unavailable")


def alter_items(hub: str, fired: list[str], items: list[dict[str, Any]]) -> None:
    """Apply item-level faults in place (the reply's records are fresh copies)."""
    if "drift" in fired:
        (new, value), (old, renamed), missing = DRIFT[hub]
        for item in items:
            item[new] = value
            if old in item:
                item[renamed] = item.pop(old)
            item.pop(missing, None)
    counter = "stats" if hub == "civitai" else None
    for i, item in enumerate(items):
        if "negative-stats" in fired and i % 2 == 0:
            if counter and isinstance(item.get(counter), dict):
                item[counter]["downloadCount"] = -abs(item[counter].get("downloadCount") or 0) - 1
            elif "downloads" in item:
                item["downloads"] = -abs(item["downloads"] or 0) - 1
        if "null-stats" in fired:
            if i == 0:
                item["_id" if hub == "huggingface" else "id"] = None
            elif i % 2 == 0:
                if counter and isinstance(item.get(counter), dict):
                    item[counter] = dict.fromkeys(item[counter])
                else:
                    item.update({k: None for k in ("downloads", "likes", "trendingScore") if k in item})


def alter_body(fired: list[str], body: bytes) -> bytes:
    """Break a serialised 200 body: malformed (invalid JSON) or truncated (cut mid-JSON)."""
    if "malformed" in fired:
        return b"{'" + body[1:]
    if "truncated" in fired:
        return body[: max(1, len(body) // 2)]
    return body
