"""Password hashes in the `$6$` (SHA-512 crypt) form Junos stores.

Python's `crypt` module is gone from 3.13, so the algorithm (Ulrich Drepper's
"Unix crypt using SHA-256 and SHA-512", the glibc scheme) is written out here.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

_ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ORDER = [
    (0, 21, 42), (22, 43, 1), (44, 2, 23), (3, 24, 45), (25, 46, 4), (47, 5, 26), (6, 27, 48),
    (28, 49, 7), (50, 8, 29), (9, 30, 51), (31, 52, 10), (53, 11, 32), (12, 33, 54), (34, 55, 13),
    (56, 14, 35), (15, 36, 57), (37, 58, 16), (59, 17, 38), (18, 39, 60), (40, 61, 19), (62, 20, 41),
]  # fmt: skip


def _b64(b2: int, b1: int, b0: int, n: int) -> str:
    w = (b2 << 16) | (b1 << 8) | b0
    out = []
    for _ in range(n):
        out.append(_ITOA64[w & 0x3F])
        w >>= 6
    return "".join(out)


def _repeat(digest: bytes, length: int) -> bytes:
    return digest * (length // 64) + digest[: length % 64]


def sha512_crypt(password: str, salt: str | None = None, rounds: int = 5000) -> str:
    """The `$6$salt$hash` string for `password` (glibc-compatible)."""
    pw = password.encode()
    if salt is None:
        salt = "".join(secrets.choice(_ITOA64) for _ in range(16))
    s = salt[:16].encode()
    b = hashlib.sha512(pw + s + pw).digest()
    a = hashlib.sha512(pw + s)
    a.update(_repeat(b, len(pw)))
    n = len(pw)
    while n:
        a.update(b if n & 1 else pw)
        n >>= 1
    c = a.digest()
    p = _repeat(hashlib.sha512(pw * len(pw)).digest(), len(pw))
    ds = _repeat(hashlib.sha512(s * (16 + c[0])).digest(), len(s))
    for i in range(rounds):
        h = hashlib.sha512(p if i & 1 else c)
        if i % 3:
            h.update(ds)
        if i % 7:
            h.update(p)
        h.update(c if i & 1 else p)
        c = h.digest()
    encoded = "".join(_b64(c[x], c[y], c[z], 4) for x, y, z in _ORDER) + _b64(0, 0, c[63], 2)
    prefix = "$6$" if rounds == 5000 else f"$6$rounds={rounds}$"
    return f"{prefix}{salt[:16]}${encoded}"


def verify(password: str, stored: str) -> bool:
    """Does `password` match a stored `$6$` hash?"""
    if not stored.startswith("$6$"):
        return False
    parts = stored.split("$")
    rounds = 5000
    if parts[2].startswith("rounds="):
        rounds = int(parts[2][7:])
        salt = parts[3]
    else:
        salt = parts[2]
    return hmac.compare_digest(sha512_crypt(password, salt, rounds), stored)
