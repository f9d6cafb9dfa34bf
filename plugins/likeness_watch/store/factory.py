"""Pick the store implementation from a URI."""

from __future__ import annotations

from typing import Any

from likeness_watch.store.base import ObjectStore
from likeness_watch.store.local import LocalStore
from likeness_watch.store.s3 import S3Store


def open_store(uri: str, s3_client: Any | None = None) -> ObjectStore:
    """``s3://bucket/prefix`` → S3 via boto3; anything else is a local directory."""
    if uri.startswith("s3://"):
        return S3Store(uri, client=s3_client)
    return LocalStore(uri.removeprefix("file://"))
