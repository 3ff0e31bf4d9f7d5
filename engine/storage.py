"""File store port: bytes in, bytes out, by SHA-256. A local directory here; an object store
(S3-compatible) in a larger deployment implements the same three methods."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path


class LocalFileStore:
    """Content-addressed files under a root directory (root/ab/abcdef...)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def put(self, data: bytes) -> str:
        """Store bytes; returns their SHA-256. Written to a temp name first: never half a file."""
        digest = hashlib.sha256(data).hexdigest()
        path = self.path(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".part")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        return digest

    def path(self, digest: str) -> Path:
        if len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest):
            raise ValueError("not a sha256")
        return self.root / digest[:2] / digest

    def exists(self, digest: str) -> bool:
        return self.path(digest).exists()


_store: dict[str, LocalFileStore] = {}


def configure(root: str | os.PathLike) -> None:
    """Set the process's store (the app factory passes a folder of its instance path)."""
    _store["default"] = LocalFileStore(root)


def store() -> LocalFileStore:
    return _store["default"]
