"""IPv4 addresses and prefixes as integers: the representation every table and lookup uses."""

from __future__ import annotations

MASKS = tuple((0xFFFFFFFF << (32 - n)) & 0xFFFFFFFF for n in range(33))

Prefix = tuple[int, int]  # (network as int, length)


def addr(text: str) -> int:
    a, b, c, d = (int(x) for x in text.split("."))
    return a << 24 | b << 16 | c << 8 | d


def addr_text(value: int) -> str:
    return f"{value >> 24 & 255}.{value >> 16 & 255}.{value >> 8 & 255}.{value & 255}"


def prefix(text: str) -> Prefix:
    """`10.1.0.0/16` -> (network, 16); host bits are cleared; a bare address is a /32."""
    a, _, n = text.partition("/")
    plen = int(n) if n else 32
    return addr(a) & MASKS[plen], plen


def interface_address(text: str) -> tuple[int, int]:
    """`10.1.1.2/24` -> (address with host bits, length), as configured on an interface."""
    a, _, n = text.partition("/")
    return addr(a), int(n) if n else 32


def prefix_text(p: Prefix) -> str:
    return f"{addr_text(p[0])}/{p[1]}"


def contains(outer: Prefix, inner: Prefix) -> bool:
    """Does `outer` cover `inner` (same or longer length, same high-order bits)?"""
    return inner[1] >= outer[1] and inner[0] & MASKS[outer[1]] == outer[0]


def covers_address(p: Prefix, address: int) -> bool:
    return address & MASKS[p[1]] == p[0]


def sort_key(p: Prefix) -> tuple[int, int]:
    return p


__all__ = [
    "MASKS",
    "Prefix",
    "addr",
    "addr_text",
    "contains",
    "covers_address",
    "interface_address",
    "prefix",
    "prefix_text",
]
