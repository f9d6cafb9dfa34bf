"""Local-filesystem store: the embedded default (``./data/lake``)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from likeness_watch.store.base import ObjectStore, StoreError

OBJECT_MODE = 0o644
TEMPORARY = ".tmp-"
"""Prefix of a put's temporary file; ``list`` never shows one, a crash mid-put may leave one."""


class LocalStore(ObjectStore):
    """Objects are files under ``root``; puts go through a temp file and ``os.replace``."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser().resolve()
        self.uri = str(self.root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root not in path.parents:
            raise StoreError(f"key escapes the store root: {key!r}")
        return path

    def put_bytes(self, key: str, data: bytes) -> None:
        self._put(key, data, exclusive=False)

    def put_if_absent(self, key: str, data: bytes) -> bool:
        """An exclusive create (``link(2)`` fails when the name exists, as ``O_EXCL`` does) of a
        file written in full beforehand: no reader ever sees it half-written."""
        return self._put(key, data, exclusive=True)

    def _put(self, key: str, data: bytes, exclusive: bool) -> bool:
        path = self._path(key)
        tmp: str | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TEMPORARY, suffix=path.name)
            os.fchmod(fd, OBJECT_MODE)  # mkstemp creates 0600; objects are for readers too
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if not exclusive:
                os.replace(tmp, path)
                return True
            try:
                os.link(tmp, path)
            except FileExistsError:
                return False
            finally:
                Path(tmp).unlink(missing_ok=True)
            return True
        except OSError as exc:
            if tmp is not None:  # a full disk must not also leave a stray temp file behind
                Path(tmp).unlink(missing_ok=True)
            raise StoreError(f"cannot write {path}: {exc.strerror or exc}") from exc

    def get_bytes(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except OSError as exc:
            raise StoreError(f"cannot read {self._path(key)}: {exc.strerror or exc}") from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def list(self, prefix: str) -> list[str]:
        base = self._path(prefix) if prefix else self.root
        start = base if base.is_dir() else base.parent
        if not start.is_dir():
            return []
        keys = (
            path.relative_to(self.root).as_posix()
            for path in start.rglob("*")
            if path.is_file() and not path.name.startswith(TEMPORARY)
        )
        return sorted(key for key in keys if key.startswith(prefix))

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def remove_temporary(self, prefix: str) -> None:
        base = self._path(prefix) if prefix else self.root
        start = base if base.is_dir() else base.parent
        if start.is_dir():
            for path in start.rglob(TEMPORARY + "*"):
                path.unlink(missing_ok=True)

    def url(self, key: str) -> str:
        return str(self._path(key))

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"store {self.root} is not writable: {exc.strerror or exc}") from exc
        if not os.access(self.root, os.W_OK):
            raise StoreError(f"store {self.root} is not writable")
