"""The environment variable names the code reads: ``Settings`` fields and per-hub knobs.

The compose file and ``.env.example`` are checked against this list, so a setting added to
``Settings`` or a hub added to the registry cannot silently miss the deployment.
``python -m likeness_watch.deploy.env`` prints it.
"""

from __future__ import annotations

from pydantic import AliasChoices
from pydantic_settings import BaseSettings

from likeness_watch.hubs.registry import get_hub, hub_names
from likeness_watch.settings import HubSettings, Settings


def field_env_names(model: type[BaseSettings], prefix: str) -> set[str]:
    """Env names of a settings class: ``prefix + FIELD`` unless the field declares its own alias."""
    names: set[str] = set()
    for field_name, field in model.model_fields.items():
        alias = field.validation_alias or field.alias
        if isinstance(alias, str):
            names.add(alias.upper())
        elif isinstance(alias, AliasChoices):
            names.update(choice.upper() for choice in alias.choices if isinstance(choice, str))
        else:
            names.add(f"{prefix}{field_name}".upper())
    return names


def settings_env_names() -> set[str]:
    """Platform-wide ``LW_*`` names."""
    return field_env_names(Settings, Settings.model_config.get("env_prefix", ""))


def hub_env_names(hub: str) -> set[str]:
    """``LW_<HUB>_*`` overrides of one hub plus the hub's API token variable."""
    return field_env_names(HubSettings, f"LW_{hub}_") | {get_hub(hub).token_env}


def env_names() -> list[str]:
    """Every name the code reads, sorted."""
    names = settings_env_names()
    for hub in hub_names():
        names |= hub_env_names(hub)
    return sorted(names)


if __name__ == "__main__":
    print("\n".join(env_names()))
