"""Address books: the names policies match addresses by.

A book is `security address-book global` (usable from every zone), another named book attached to
zones (`attach zone Z`), or a zone's own (`security-zone Z address-book`); a zone's own books and
the global ones cannot be used together (commit refuses it, as Junos does). Entries are prefixes,
ranges (`range-address A to B`), wildcards (`wildcard-address 10.0.0.1/255.0.255.255`) and sets of
them; `any`, `any-ipv4` and `any-ipv6` are in every book. DNS names are refused at commit: nos does
not resolve names. IPv6 entries are kept (shown) but match no IPv4 packet.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from nos.config.query import child, entries, value
from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.lab.packet import ipv4_int, ipv4_text
from nos.routing.prefix import MASKS

ALL = 0xFFFFFFFF
Range = tuple[int, int]


@dataclass(frozen=True)
class Address:
    name: str
    book: str  # global, a named book, or the zone whose own book holds it
    text: str  # as `show security policies detail` prints it
    ranges: tuple[Range, ...] = ()  # IPv4 (first, last)
    wildcard: tuple[int, int] | None = None  # (address, mask)

    def contains(self, address: int) -> bool:
        if self.wildcard is not None:
            return address & self.wildcard[1] == self.wildcard[0]
        return any(first <= address <= last for first, last in self.ranges)


PREDEFINED = {
    "any": (Address("any-ipv4", "global", "0.0.0.0/0", ((0, ALL),)), Address("any-ipv6", "global", "::/0")),
    "any-ipv4": (Address("any-ipv4", "global", "0.0.0.0/0", ((0, ALL),)),),
    "any-ipv6": (Address("any-ipv6", "global", "::/0"),),
}


@dataclass(frozen=True)
class AddressMatch:
    """A policy's source or destination: the addresses its names stand for, merged for lookup."""

    names: tuple[str, ...]
    addresses: tuple[Address, ...]
    excluded: bool = False
    _starts: tuple[int, ...] = field(default=(), compare=False, repr=False)
    _ends: tuple[int, ...] = field(default=(), compare=False, repr=False)
    _wildcards: tuple[tuple[int, int], ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def of(cls, names: tuple[str, ...], addresses: Iterable[Address], excluded: bool = False) -> AddressMatch:
        found = tuple(addresses)
        merged: list[list[int]] = []
        for first, last in sorted(r for a in found if a.wildcard is None for r in a.ranges):
            if merged and first <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], last)
            else:
                merged.append([first, last])
        wildcards = tuple(a.wildcard for a in found if a.wildcard is not None)
        return cls(names, found, excluded, tuple(m[0] for m in merged), tuple(m[1] for m in merged), wildcards)

    def contains(self, address: int) -> bool:
        i = bisect_right(self._starts, address) - 1
        hit = (i >= 0 and address <= self._ends[i]) or any(address & m == v for v, m in self._wildcards)
        return hit != self.excluded


@dataclass(frozen=True)
class AddressBook:
    name: str  # global, a named book, or a zone's name for the zone's own
    zones: tuple[str, ...] = ()  # a named book's `attach zone`s
    addresses: dict[str, Address] = field(default_factory=dict)
    sets: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return name in PREDEFINED or name in self.addresses or name in self.sets

    def resolve(self, name: str) -> tuple[Address, ...] | None:
        """The addresses a name stands for (a set flattened); None: not in this book."""
        if name in PREDEFINED:
            return PREDEFINED[name]
        if name in self.addresses:
            return (self.addresses[name],)
        if name in self.sets:
            return tuple(self._flatten(name, set()))
        return None

    def _flatten(self, name: str, seen: set[str]) -> Iterator[Address]:
        if name in seen:
            return
        seen.add(name)
        for member in self.sets.get(name, ()):
            if member in self.sets:
                yield from self._flatten(member, seen)
            elif member in self.addresses:
                yield self.addresses[member]

    def ranges(self, name: str) -> tuple[Range, ...] | None:
        """The IPv4 ranges a name stands for (what NAT rules match with); None: not in this book, or
        not an address NAT can use (a wildcard)."""
        found = self.resolve(name)
        if found is None or any(a.wildcard is not None for a in found):
            return None
        return tuple(r for a in found for r in a.ranges)


class AddressBooks:
    """Every book of a configuration, and which of them a zone's policies read names from."""

    def __init__(self, books: dict[str, AddressBook], zone_books: dict[str, AddressBook]):
        self.books = books  # global and the other named books
        self.zone_books = zone_books  # zone name -> its own book
        self.global_book = books.get("global", AddressBook("global"))

    def for_zone(self, zone: str | None) -> list[AddressBook]:
        """The books a policy's names resolve in for `zone`; None: a global policy (global book only)."""
        if zone is None:
            return [self.global_book]
        if zone in self.zone_books:
            return [self.zone_books[zone]]
        attached = [b for b in self.books.values() if b.name != "global" and zone in b.zones]
        return [self.global_book, *attached]

    def resolve(self, zone: str | None, name: str) -> tuple[Address, ...] | None:
        for book in self.for_zone(zone):
            found = book.resolve(name)
            if found is not None:
                return found
        return None

    def defined_anywhere(self, name: str) -> bool:
        return any(b.has(name) for b in (*self.books.values(), *self.zone_books.values()))


# -- compile ------------------------------------------------------------------------------------------


def _prefix_address(name: str, book: str, text: str) -> Address:
    if ":" in text:
        return Address(name, book, text)
    network, _, length = text.partition("/")
    plen = int(length) if length else 32
    first = ipv4_int(network) & MASKS[plen]
    return Address(name, book, f"{ipv4_text(first)}/{plen}", ((first, first | (ALL ^ MASKS[plen])),))


def _entry(name: str, node: Node, book: str, path: list[str], errors: list[CheckError]) -> Address | None:
    """One `address NAME ...`; None (and an error) for what nos cannot match on."""
    if (prefix := value(node, "ip-prefix")) is not None:
        return _prefix_address(name, book, prefix)
    for (dns,), _ in entries(node, "dns-name").items():
        message = f"dns-name addresses are not supported: nos does not resolve '{dns}'; use an ip-prefix"
        errors.append(CheckError([*path, "address", name], f"dns-name {dns}", message))
        return None
    for (low,), entry in entries(node, "range-address").items():
        high = value(entry, "to") or low
        if ":" in low:
            return Address(name, book, f"{low}-{high}")
        first, last = ipv4_int(low), ipv4_int(high)
        if last < first:
            errors.append(CheckError([*path, "address", name], f"range-address {low}", "Invalid address range"))
            return None
        return Address(name, book, f"{low}-{high}", ((first, last),))
    for (text,), _ in entries(node, "wildcard-address").items():
        network, _, mask = text.partition("/")
        try:
            address, netmask = ipv4_int(network), ipv4_int(mask)
        except ValueError:
            errors.append(CheckError([*path, "address", name], f"wildcard-address {text}", "Invalid wildcard address"))
            return None
        return Address(name, book, text, wildcard=(address & netmask, netmask))
    return None  # an address with no content yet: nothing to match


def compile_book(
    name: str, node: Node | None, path: list[str], errors: list[CheckError], zones: tuple[str, ...] = ()
) -> AddressBook:
    """The addresses and sets of one book (`book` names where they come from in the detail view)."""
    addresses: dict[str, Address] = {}
    for (entry_name,), entry in entries(node, "address").items():
        found = _entry(entry_name, entry, name, path, errors)
        if found is not None:
            addresses[entry_name] = found
    sets: dict[str, tuple[str, ...]] = {}
    for (set_name,), entry in entries(node, "address-set").items():
        members = tuple(k[0] for k in entries(entry, "address")) + tuple(k[0] for k in entries(entry, "address-set"))
        sets[set_name] = members
    for set_name in sets:
        if _cycles(set_name, sets):
            errors.append(CheckError(path, f"address-set {set_name}", "address-set refers to itself"))
    return AddressBook(name, zones, addresses, sets)


def _cycles(start: str, sets: dict[str, tuple[str, ...]]) -> bool:
    stack, seen = list(sets.get(start, ())), set()
    while stack:
        name = stack.pop()
        if name == start:
            return True
        if name not in seen:
            seen.add(name)
            stack.extend(sets.get(name, ()))
    return False


def compile_books(security: Node | None, errors: list[CheckError]) -> AddressBooks:
    """All address books of `[edit security]`; a zone's own books beside global ones is an error."""
    books: dict[str, AddressBook] = {}
    for (name,), node in entries(security, "address-book").items():
        zones = tuple(k[0] for k in entries(child(node, "attach"), "zone"))
        books[name] = compile_book(name, node, ["security", "address-book", name], errors, zones)
    zone_books: dict[str, AddressBook] = {}
    for (zone,), node in entries(child(security, "zones"), "security-zone").items():
        own = child(node, "address-book")
        if own is None:
            continue
        path = ["security", "zones", "security-zone", zone, "address-book"]
        zone_books[zone] = compile_book(zone, own, path, errors)
        if books:
            message = "Zone specific address books are not allowed when there are global address books defined"
            errors.append(CheckError(["security", "zones", "security-zone", zone], "", message))
    found = AddressBooks(books, zone_books)
    for path, book in [(["security", "address-book", n], b) for n, b in books.items()] + [
        (["security", "zones", "security-zone", z, "address-book"], b) for z, b in zone_books.items()
    ]:
        for set_name, members in book.sets.items():
            for member in members:
                # A name no book defines is the reference check's error; one another book defines is ours.
                if not book.has(member) and found.defined_anywhere(member):
                    message = f"Address '{member}' is not defined in address book '{book.name}'"
                    errors.append(CheckError([*path, "address-set", set_name], f"address {member}", message))
    return found


__all__ = ["PREDEFINED", "Address", "AddressBook", "AddressBooks", "AddressMatch", "compile_books"]
