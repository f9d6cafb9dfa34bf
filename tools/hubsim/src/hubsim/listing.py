"""Sorted traversal orders of a hub as of a time, opaque cursors that seek into them, and paging.

A cursor holds the sort key of the last item served, so the next page starts with a bisect, not a
scan, and id-keyed cursors stay valid across days. Id/creation orders are lazy ranges; metric orders
(downloads, likes, ...) are computed once per (hub, as-of, sort) and memoised.
"""

from __future__ import annotations

import base64
import json
from bisect import bisect_right
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass

from hubsim.world import Model, World

Key = tuple[int, ...]


@dataclass(frozen=True)
class Order:
    """Model indices in traversal order; `key(index)` ascends along `positions`; `members` answers
    "is this index in the order" in O(1)."""

    positions: Sequence[int]
    key: Callable[[int], Key]
    members: Container[int]


class CursorError(ValueError):
    """The client sent a cursor this server never issued."""


def encode_cursor(key: Key | None, salt: str = "") -> str:
    """Opaque token; `salt` makes an equivalent but distinct token (for the empty-page fault)."""
    doc: dict[str, object] = {"a": None if key is None else list(key)}
    if salt:
        doc["s"] = salt
    return base64.urlsafe_b64encode(json.dumps(doc, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(token: str) -> Key | None:
    try:
        doc = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        after = doc["a"]
        if after is None:
            return None
        if not all(isinstance(x, int) for x in after):
            raise TypeError(after)
        return tuple(after)
    except (ValueError, TypeError, KeyError) as exc:
        raise CursorError(f"Invalid cursor: {token[:40]}") from exc


def id_order(world: World, hub: str, t: int, descending: bool) -> Order:
    """Models created before t by id (Civitai) or creation rank (HF); no materialisation."""
    hi = world.upto(hub, t)
    if hub == "civitai":
        ids = world.civitai_ids
        if descending:
            return Order(range(hi - 1, -1, -1), lambda p: (-ids[p],), range(hi))
        return Order(range(hi), lambda p: (ids[p],), range(hi))
    if descending:
        return Order(range(hi - 1, -1, -1), lambda p: (-p,), range(hi))
    return Order(range(hi), lambda p: (p,), range(hi))


def metric_order(
    world: World,
    hub: str,
    t: int,
    name: str,
    metric: Callable[[Model, int], int],
    descending: bool,
    listable: Callable[[Model], bool],
) -> Order:
    """Listable models live at t sorted by metric (ties: newest first), memoised per as-of."""

    def build() -> Order:
        models = world.models(hub)
        sign = -1 if descending else 1
        keyed = sorted(
            ((sign * metric(models[p], t), -p), p)
            for p in range(world.upto(hub, t))
            if models[p].live(t) and listable(models[p])
        )
        keys = {p: k for k, p in keyed}
        return Order([p for _, p in keyed], keys.__getitem__, keys)

    return world.memo((hub, t, name, descending), build)


def subset_order(order: Order, indices: list[int]) -> Order:
    """The same order restricted to a few known models (e.g. the Civitai `ids` filter)."""
    kept = sorted((p for p in set(indices) if p in order.members), key=order.key)
    return Order(kept, order.key, set(kept))


def paginate(
    order: Order, token: str | None, limit: int, accept: Callable[[int], bool], fault: str | None = None
) -> tuple[list[int], str | None]:
    """One page of accepted model indices after the cursor, and the next cursor (None at the end).

    `fault` reproduces a hub paging bug: skip-one, duplicates, repeat-cursor or empty-page.
    """
    after = decode_cursor(token) if token else None
    if fault == "empty-page":
        return [], encode_cursor(after, salt="empty")
    positions = order.positions
    i = 0 if after is None else bisect_right(positions, after, key=order.key)
    found: list[int] = []
    while i < len(positions) and len(found) <= limit:
        if accept(positions[i]):
            found.append(positions[i])
        i += 1
    items, more = found[:limit], len(found) > limit
    if not more or not items:
        return items, None
    if fault == "repeat-cursor":
        return items, token or encode_cursor(None)
    if fault == "skip-one":
        return items, encode_cursor(order.key(found[limit]))
    if fault == "duplicates" and len(items) >= 3:
        return items, encode_cursor(order.key(items[-3]))
    return items, encode_cursor(order.key(items[-1]))


def page_number(order: Order, page: int, limit: int, accept: Callable[[int], bool]) -> tuple[list[int], bool]:
    """Page-number paging (Civitai `page`): accepted items of page `page`, and whether more exist."""
    skip, found = (page - 1) * limit, []
    for p in order.positions:
        if accept(p):
            if skip:
                skip -= 1
                continue
            found.append(p)
            if len(found) > limit:
                break
    return found[:limit], len(found) > limit
