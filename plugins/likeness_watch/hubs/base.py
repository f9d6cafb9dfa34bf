"""The adapter interface: what the crawler needs from a hub, and nothing more.

An adapter turns a hub's API into a few operations, each one request (a newest-first listing
page, one model by id, an ids= batch where the hub has one, a model card where it keeps them).
The crawler owns ordering, dedupe, checkpoints and budgets: it counts every request it sends.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from likeness_watch.http import HubClient
from likeness_watch.settings import HubSettings


@dataclass(frozen=True)
class HubSpec:
    """Registry row: defaults for one hub (overridable by ``LW_<HUB>_*`` env vars)."""

    name: str
    base_url: str
    rps: float
    page_size: int
    token_env: str
    pool_slots: int
    """Slots this hub adds to the shared ``lw_hub_api`` crawl pool."""
    owner: str
    model_url: str
    """Public page of a model, ``{model_id}`` substituted: used in alerts and reports."""


@dataclass
class Page:
    """One listing page: items as received and the cursor to resume after it (None: last page)."""

    items: list[dict[str, Any]]
    next_cursor: str | None


@dataclass
class Fetched:
    """One model fetched by id: ``record`` is None when the hub says it is gone (404)."""

    model_id: str
    status: int
    record: dict[str, Any] | None
    card: dict[str, Any] | None = None
    """The model card as fetched (HF ``README.md``: text, truncated, status), kept beside the record."""


class HubAdapter(ABC):
    """Speaks one hub's API for one crawl day."""

    spec: HubSpec
    supports_gap_probe = False
    batch_size = 1
    """Models one ``refresh_batch`` request returns (1: the hub has no batch endpoint)."""
    has_cards = False
    """New and changed models are fetched by id with their model card (two requests)."""

    def __init__(self, client: HubClient, settings: HubSettings, day: date) -> None:
        self.client = client
        self.settings = settings
        self.day = day

    def url(self, path: str) -> str:
        return self.settings.url(path, self.day.isoformat())

    @abstractmethod
    def list_newest(self, cursor: str | None, limit: int | None = None) -> Page:
        """One page of the newest-first listing (including NSFW), starting at ``cursor``, of
        ``limit`` items (default: the configured page size)."""

    @abstractmethod
    def model_id(self, item: dict[str, Any]) -> str | None:
        """The hub's id of a listing item or record (None if the item lacks one)."""

    @abstractmethod
    def order_key(self, item: dict[str, Any]) -> Any:
        """Monotone 'newness' of an item (Civitai id, HF createdAt): the discovery watermark."""

    def plausible_key(self, key: Any, previous: Any) -> bool:
        """Whether an order key may move the watermark (``previous``: the last partition's)."""
        return True

    @abstractmethod
    def fetch(self, model_id: str) -> Fetched:
        """Fetch one model by id."""

    def refresh_batch(self, model_ids: list[str]) -> dict[str, dict[str, Any]]:
        """Records of up to ``batch_size`` models in one request, by id; the ones the hub leaves out
        (hidden from listings, removed) are missing. Only hubs with ``batch_size`` > 1 have it."""
        raise NotImplementedError(f"{self.spec.name} has no batch endpoint")

    def with_card(self, fetched: Fetched) -> Fetched:
        """The model card beside a fetched record (one request), on hubs that keep cards."""
        return fetched

    def modified_since(self, record: dict[str, Any], after: date) -> bool:
        """Whether the hub says the model changed after the day ``after`` (HF: lastModified)."""
        return False

    def gap_candidates(self, listed_ids: set[str], low: Any, high: Any) -> Iterator[str]:
        """Ids the listing should have shown in (low, high] but did not (Civitai hides ``poi``),
        lazily: the crawler takes as many as its probe budget allows."""
        return iter(())
