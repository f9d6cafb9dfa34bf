"""The hub registry: adding a hub = one adapter module + one entry in ``_ADAPTERS``.

The DAG maps one crawl task per registered (and enabled) hub, with the pool named here.
"""

from __future__ import annotations

import os
from importlib import import_module

from likeness_watch.hubs.base import HubAdapter, HubSpec
from likeness_watch.settings import HubSettings

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


def hub_settings(hub: str, **overrides: object) -> HubSettings:
    """Settings for one registered hub: registry defaults < ``LW_<HUB>_*`` env < ``overrides``
    (``None`` overrides are ignored: CLI flags that were not given)."""
    spec = get_hub(hub)
    defaults: dict[str, object] = {"base_url": spec.base_url, "rps": spec.rps, "page_size": spec.page_size}
    token = os.environ.get(spec.token_env)
    if token:
        defaults["token"] = token
    settings = HubSettings(_env_prefix=f"LW_{hub.upper()}_", **defaults)
    given = {key: value for key, value in overrides.items() if value is not None}
    return settings.model_validate({**settings.model_dump(), **given}) if given else settings
