"""The adapter interface: what the crawler needs from a hub, and nothing more.

An adapter turns a hub's API into four operations (newest-first discovery pages, single fetch,
batch refresh, full listing). The crawler owns ordering, dedupe, checkpoints and budgets.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
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

    def enrich(self, item: dict[str, Any]) -> Fetched | None:
        """Optional detail fetch for a newly discovered item (HF: file hashes). None: keep the item."""
        return None

    def refresh(self, model_ids: Iterable[str]) -> Iterator[Fetched]:
        """Re-fetch tracked models; adapters override with batch endpoints where the hub has one."""
        for model_id in model_ids:
            yield self.fetch(model_id)

    def gap_candidates(self, listed_ids: set[str], low: Any, high: Any) -> Iterator[str]:
        """Ids the listing should have shown in (low, high] but did not (Civitai hides ``poi``),
        lazily: the crawler takes as many as its probe budget allows."""
        return iter(())
