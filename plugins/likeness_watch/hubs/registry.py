"""The hub registry: adding a hub = one adapter module + one entry in ``_ADAPTERS``.

The DAG maps one crawl task per registered (and enabled) hub, with the pool named here.
"""

from __future__ import annotations

from importlib import import_module

from likeness_watch.hubs.base import HubAdapter, HubSpec

_ADAPTERS: dict[str, str] = {
    "civitai": "likeness_watch.hubs.civitai:CivitaiAdapter",
    "huggingface": "likeness_watch.hubs.huggingface:HuggingFaceAdapter",
}


class UnknownHubError(ValueError):
    def __init__(self, hub: str) -> None:
        super().__init__(f"unknown hub {hub!r}; known hubs: {', '.join(hub_names())}")


def hub_names() -> list[str]:
    return list(_ADAPTERS)


def adapter_class(hub: str) -> type[HubAdapter]:
    if hub not in _ADAPTERS:
        raise UnknownHubError(hub)
    module, attr = _ADAPTERS[hub].split(":")
    return getattr(import_module(module), attr)


def get_hub(hub: str) -> HubSpec:
    return adapter_class(hub).spec
