"""The minimal object-store interface every writer and reader uses.

Only whole-object puts are offered: a put is atomic on both backends (S3 PUT; local temp file +
``os.replace``), which is what makes "manifest written last" a safe commit protocol.
"""

from __future__ import annotations

from abc import ABC, abstractmethod


class StoreError(RuntimeError):
    """The store is unreachable, misconfigured or an object is missing."""


class ObjectStore(ABC):
    """Keys are ``/``-separated relative paths such as ``raw/hub=civitai/dt=2025-05-01/manifest.json``."""

    uri: str

    @abstractmethod
    def put_bytes(self, key: str, data: bytes) -> None:
        """Atomically create or replace an object."""

    @abstractmethod
    def put_if_absent(self, key: str, data: bytes) -> bool:
        """Atomically create an object only if none has ``key``; False (nothing written) when one
        does. Of two callers racing for one key, exactly one gets True: what locks are made of."""

    @abstractmethod
    def get_bytes(self, key: str) -> bytes:
        """Read an object; ``StoreError`` when missing."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether the object exists."""

    @abstractmethod
    def list(self, prefix: str) -> list[str]:
        """All keys under ``prefix`` (recursive), sorted."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Delete an object; deleting a missing object is not an error."""

    @abstractmethod
    def url(self, key: str) -> str:
        """A location readers outside this package can open (a path, or ``s3://bucket/key``)."""

    @abstractmethod
    def remove_temporary(self, prefix: str) -> None:
        """Delete temporary objects that interrupted puts left under ``prefix``."""

    @abstractmethod
    def check(self) -> None:
        """Fail fast with ``StoreError`` when the store cannot be reached or written."""
