"""Short hex digests for cache keys and file names.

``hashlib`` is imported at the first digest, not with this module: importing it loads OpenSSL's
libcrypto (3.3 MB), which nothing on the way to the window's first paint needs.
"""

from __future__ import annotations


def sha256_hex(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def blake2s_hex(data: bytes, size: int) -> str:
    """The BLAKE2s digest of ``data``, ``size`` bytes long, as hex digits."""
    import hashlib

    return hashlib.blake2s(data, digest_size=size).hexdigest()
