"""Synthetic file digests: stable SHA256 per file and the other hash kinds Civitai derives from it.

The files themselves never exist; only their digests do, and they must agree across hubs so that
re-uploads can be matched (Civitai upper-case hex, Hugging Face LFS lower-case hex).
"""

from __future__ import annotations

import hashlib
import zlib


def synthetic_sha256(*parts: object) -> str:
    """Lower-case hex SHA256 standing in for a weights file identified by `parts`."""
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()


def file_hashes(sha256: str) -> dict[str, str]:
    """Civitai's `hashes` object for a file (upper-case hex; AutoV2 = first 10 hex of SHA256)."""
    raw = bytes.fromhex(sha256)
    return {
        "AutoV1": hashlib.sha256(b"autov1" + raw).hexdigest()[:8].upper(),
        "AutoV2": sha256[:10].upper(),
        "AutoV3": hashlib.sha256(b"autov3" + raw).hexdigest()[:12].upper(),
        "SHA256": sha256.upper(),
        "CRC32": f"{zlib.crc32(raw):08X}",
        "BLAKE3": hashlib.blake2b(raw, digest_size=32).hexdigest().upper(),
    }
