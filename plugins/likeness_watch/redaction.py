"""Secrets kept out of stored and logged messages.

Shared by the alert channels and the quality gates (which store error messages next to API
tokens' reach), so it lives beside the other neutral helpers instead of in either package.
"""

from __future__ import annotations

from collections.abc import Iterable


def redact(message: str, secrets: Iterable[str | None]) -> str:
    """Replace every non-empty secret in ``message`` with ``***``."""
    for secret in secrets:
        if secret:
            message = message.replace(secret, "***")
    return message
