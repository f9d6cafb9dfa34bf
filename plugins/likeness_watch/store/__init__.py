"""Object storage for raw partitions and state: local filesystem or S3, behind one interface."""

from likeness_watch.store.base import ObjectStore, StoreError
from likeness_watch.store.factory import open_store

__all__ = ["ObjectStore", "StoreError", "open_store"]
