"""What the three kinds of NAT rules share: address and port ranges, the `from`/`to` context of a
rule set and its precedence, protocols, and the compile context that resolves address-book names
and collects commit errors.

Addresses are IPv4 ints; a match criterion is a tuple of inclusive (low, high) ranges, the empty
tuple meaning "any" (Junos shows it as 0.0.0.0 - 255.255.255.255). IPv6 entries are skipped: the
simulator forwards IPv4 only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from nos.config.query import child, entries, value, values
from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.routing.prefix import MASKS, addr_text

Range = tuple[int, int]
Ranges = tuple[Range, ...]
ANY: Ranges = ()
EVERYTHING: Range = (0, 0xFFFFFFFF)
NOTHING: Ranges = ((1, 0),)  # criteria that no IPv4 address meets (a rule naming only IPv6 addresses)

AddressLookup = Callable[[str], Ranges | None]
"""An address-book name (address or address-set) -> the IPv4 ranges it stands for; None: not there."""
ApplicationMatch = Callable[[str, str, int, int], bool | None]
"""(application or application-set name, protocol, source port, destination port) -> does the flow
belong to it; None: no such application."""


@dataclass(frozen=True)
class Lookups:
    """What NAT needs from the security policies' configuration (core 1): names of the global address
    book, and application matching for `match application`."""

    addresses: AddressLookup
    applications: ApplicationMatch | None = None


# -- contexts --------------------------------------------------------------------------------------------

CONTEXT_KINDS = ("interface", "zone", "routing-instance")  # most specific first (the rule-set precedence)
MASTER_NAMES = ("default", "master")


def instance_name(instance: str | None) -> str:
    """The routing instance as NAT names it: the master instance is `default`."""
    return "default" if instance is None or instance in MASTER_NAMES else instance


@dataclass(frozen=True)
class Context:
    """A rule set's `from` (or `to`): some interfaces, zones or routing instances."""

    kind: str  # interface | zone | routing-instance
    names: tuple[str, ...]

    @property
    def rank(self) -> int:
        """0 for interfaces, 1 for zones, 2 for routing instances: the more specific, the earlier."""
        return CONTEXT_KINDS.index(self.kind)

    def matches(self, zone: str | None, ifl: str | None, instance: str | None) -> bool:
        if self.kind == "interface":
            return ifl is not None and ifl in self.names
        if self.kind == "zone":
            return zone is not None and zone in self.names
        return instance_name(instance) in {instance_name(n) for n in self.names}


def context(node: Node | None) -> Context | None:
    """The context a `from` or `to` statement gives (None when it names nothing)."""
    for kind in CONTEXT_KINDS:
        names = values(node, kind)
        if names:
            return Context(kind, names)
    return None


# -- addresses, ports, protocols -------------------------------------------------------------------------


def address_range(text: str) -> Range | None:
    """`10.0.1.0/24` or `10.0.1.7` -> its (first, last) address; None for an IPv6 one."""
    if ":" in text:
        return None
    a, _, n = text.partition("/")
    plen = int(n) if n else 32
    x, y, z, w = (int(p) for p in a.split("."))
    net = (x << 24 | y << 16 | z << 8 | w) & MASKS[plen]
    return net, net | (~MASKS[plen] & 0xFFFFFFFF)


def span(low: str, high: str | None) -> Range | None:
    """An address or an address range `low to high` (each an address, or a prefix whose first address
    counts); None for IPv6."""
    first = address_range(low)
    if first is None or high is None:
        return first
    last = address_range(high)
    return None if last is None else (first[0], last[0])


def in_ranges(number: int, ranges: Ranges) -> bool:
    """Is the address (or port) in one of the ranges? Any when there are none."""
    return not ranges or any(lo <= number <= hi for lo, hi in ranges)


def port_ranges(node: Node | None) -> Ranges:
    """A `source-port` / `destination-port` statement: its `port LOW [to HIGH]` entries."""
    out = []
    for (low,), entry in entries(node, "port").items():
        high = value(entry, "to")
        out.append((int(low), int(high) if high is not None else int(low)))
    return tuple(out)


PROTOCOL_NUMBERS = {"icmp": 1, "igmp": 2, "tcp": 6, "udp": 17, "gre": 47, "esp": 50, "ah": 51, "ospf": 89}
_PROTOCOL_NAMES = {n: name for name, n in PROTOCOL_NUMBERS.items()}


def protocol_name(text: str | int) -> str:
    """A protocol as the data plane names it (`tcp`), from a name or a number (`6`)."""
    if isinstance(text, int) or text.isdigit():
        return _PROTOCOL_NAMES.get(int(text), str(int(text)))
    return text


def is_unicast(address: int) -> bool:
    """`any-unicast`: not multicast (224/4), not class E, not the limited broadcast."""
    return address < 0xE0000000


# -- the global address book (when no lookup is given) -------------------------------------------------


def _books(root: Node | None) -> list[Node]:
    """Every address book of the configuration: the named ones and the zones' own."""
    security = child(root, "security")
    books = list(entries(security, "address-book").values())
    for zone in entries(child(security, "zones"), "security-zone").values():
        book = child(zone, "address-book")
        if book is not None:
            books.append(book)
    return books


def global_address_book(root: Node | None) -> AddressLookup:
    """Names of `security address-book global` (addresses, ranges, sets of them), as NAT rules may use
    them; `any` is everything. Used until the security policies' own lookup is wired in."""
    book = entries(child(root, "security"), "address-book").get(("global",))

    def lookup(name: str, seen: frozenset[str] = frozenset()) -> Ranges | None:
        if name in ("any", "any-ipv4"):
            return (EVERYTHING,)
        address = entries(book, "address").get((name,))
        if address is not None:
            prefix = value(address, "ip-prefix")
            if prefix is not None:
                found = address_range(prefix)
                return (found,) if found is not None else ()
            for (low,), entry in entries(address, "range-address").items():
                found = span(low, value(entry, "to"))
                return (found,) if found is not None else ()
            return None  # a dns-name or wildcard address: not something NAT can use
        members = entries(book, "address-set").get((name,))
        if members is None or name in seen:
            return None
        out: list[Range] = []
        for kind in ("address", "address-set"):
            for (member,) in entries(members, kind):
                found = lookup(member, seen | {name})
                if found is None:
                    return None
                out.extend(found)
        return tuple(out)

    return lookup


def defined_addresses(root: Node | None) -> set[str]:
    """Every address and address-set name defined in any address book (for telling "not defined",
    which the schema's reference check reports, from "not usable by NAT")."""
    return {name for book in _books(root) for kind in ("address", "address-set") for (name,) in entries(book, kind)}


# -- compiling -------------------------------------------------------------------------------------------


@dataclass
class Compiler:
    """The state of one compile: the configuration, its lookups, and the commit errors found so far."""

    root: Node | None
    lookups: Lookups
    errors: list[CheckError] = field(default_factory=list)
    _defined: set[str] | None = None

    def error(self, path: list[str], statement: str, message: str, mandatory: bool = False) -> None:
        self.errors.append(CheckError(list(path), statement, message, mandatory=mandatory))

    def missing(self, path: list[str], statement: str, name: str) -> None:
        self.error(path, statement, f"Missing mandatory statement: '{name}'", mandatory=True)

    def addresses(self, path: list[str], literals: tuple[str, ...], names: tuple[str, ...], what: str) -> Ranges:
        """Ranges of literal prefixes and of address-book names (each name checked against the lookup)."""
        out: list[Range] = []
        for text in literals:
            found = address_range(text)
            if found is not None:
                out.append(found)
        for name in names:
            found_names = self.lookups.addresses(name)
            if found_names is None:
                if self._defined is None:
                    self._defined = defined_addresses(self.root)
                if name in self._defined:  # (an unknown name is the schema's reference error)
                    message = f"address '{name}' is not an IPv4 address or address-set of the global address book"
                    self.error(path, f"{what} {name}", message)
                continue
            out.extend(found_names)
        if (literals or names) and not out:
            return NOTHING  # only IPv6 or unusable entries: no IPv4 address matches
        return tuple(dict.fromkeys(out))  # (a range named twice counts once)

    def applications(self, path: list[str], names: tuple[str, ...]) -> tuple[str, ...]:
        """The `match application` names, when they can be matched."""
        if names and self.lookups.applications is None:
            self.error(path, f"application {names[0]}", "NAT application match needs the security applications")
            return ()
        return names  # (an undefined name is the schema's reference error)


def ranges_text(ranges: Ranges) -> list[tuple[str, str]]:
    """(low, high) texts of ranges, `any` as the whole space."""
    return [(addr_text(lo), addr_text(hi)) for lo, hi in (ranges or (EVERYTHING,)) if lo <= hi]


__all__ = [
    "ANY",
    "CONTEXT_KINDS",
    "EVERYTHING",
    "NOTHING",
    "AddressLookup",
    "ApplicationMatch",
    "Compiler",
    "Context",
    "Lookups",
    "Range",
    "Ranges",
    "address_range",
    "context",
    "defined_addresses",
    "global_address_book",
    "in_ranges",
    "instance_name",
    "is_unicast",
    "port_ranges",
    "protocol_name",
    "ranges_text",
    "span",
]
