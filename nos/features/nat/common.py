"""What the three kinds of NAT rules share: address and port ranges, the `from`/`to` context of a
rule set and its precedence, protocols, and the compile context that resolves address-book names
and collects commit errors.

Addresses are IPv4 ints; a match criterion is a tuple of inclusive (low, high) ranges, the empty
tuple meaning "any" (Junos shows it as 0.0.0.0 - 255.255.255.255). IPv6 entries are skipped: the
simulator forwards IPv4 only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, TypeVar

from nos.config.query import child, entries, flag, value, values
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


# -- rules -----------------------------------------------------------------------------------------------

RuleKey = tuple[str, str, str]  # (source | destination | static, rule set, rule): a rule's counters


@dataclass(frozen=True, kw_only=True)
class Rule:
    """What every NAT rule has: its names, its places (`id` in the configuration, `position` in the
    evaluation order, both from 1) and its rule set's `from` context."""

    KIND: ClassVar[str] = ""
    rule_set: str
    name: str
    id: int
    position: int = 0
    from_context: Context
    description: str | None = None

    @property
    def key(self) -> RuleKey:
        return (self.KIND, self.rule_set, self.name)


@dataclass(frozen=True, kw_only=True)
class MatchRule(Rule):
    """A source or destination rule: the match conditions both kinds have (a destination rule has no
    source ports; `any_unicast` is its `destination-address any-unicast`) and its action."""

    sources: Ranges = ANY
    destinations: Ranges = ANY
    any_unicast: bool = False
    source_ports: Ranges = ANY
    destination_ports: Ranges = ANY
    protocols: tuple[str, ...] = ()
    applications: tuple[str, ...] = ()
    action: str  # interface (source rules) | pool | off
    pool: str | None = None

    def fits(self, src: int, dst: int, proto: str, sport: int, dport: int, apps: ApplicationMatch | None) -> bool:
        """Does the packet meet the rule's match conditions (addresses, ports, protocol, application)?"""
        if self.any_unicast:
            if not is_unicast(dst):
                return False
        elif not in_ranges(dst, self.destinations):
            return False
        if not in_ranges(src, self.sources):
            return False
        if not in_ranges(sport, self.source_ports) or not in_ranges(dport, self.destination_ports):
            return False
        if self.protocols and proto not in self.protocols:
            return False
        if self.applications:
            return apps is not None and any(apps(name, proto, sport, dport) for name in self.applications)
        return True


class Held:
    """A translation a rule decided (a session's match): the rule's counters are under its key."""

    __slots__ = ()  # (the matches have slots: sessions hold them)
    rule: Rule

    @property
    def key(self) -> RuleKey:
        return self.rule.key


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

    def match_addresses(self, path: list[str], match: Node | None, side: str) -> Ranges:
        """A rule's `match source-address[-name]` (side `source`) or `destination-address[-name]`."""
        literals, names = values(match, f"{side}-address"), values(match, f"{side}-address-name")
        return self.addresses(path, literals, names, f"match {side}-address-name")

    def check_ports(self, path: list[str], match: Node | None, *whats: str) -> None:
        """Refuse a `match source-port|destination-port` range that runs backwards."""
        for what in whats:
            for low, high in port_ranges(child(match, what)):
                if high < low:
                    message = "Upper limit of port range is lower than its start"
                    self.error([*path, "match", what], f"port {low} to {high}", message)

    def span(self, path: list[str], statement: str, low: str, high: str | None) -> Range | None:
        """An address range `low [to high]` (common.span), refused when it runs backwards; None for IPv6
        or refused."""
        found = span(low, high)
        if found is not None and found[1] < found[0]:
            self.error(path, statement, "Upper limit of address range is lower than its start")
            return None
        return found


@dataclass(frozen=True)
class RuleSite:
    """One rule being compiled: where it stands (for its errors) and whether its rule set has every
    context it needs (a rule of a rule set without one is checked but not kept)."""

    base: list[str]  # security nat KIND
    rule_set: str
    name: str
    node: Node
    usable: bool

    @property
    def set_path(self) -> list[str]:
        return [*self.base, "rule-set", self.rule_set]

    @property
    def path(self) -> list[str]:
        return [*self.set_path, "rule", self.name]

    @property
    def match(self) -> Node | None:
        return child(self.node, "match")


R = TypeVar("R", bound=Rule)
RuleFields = Callable[[Compiler, RuleSite], dict[str, Any] | None]
"""A kind's own fields of one rule (None: the rule is left out, its errors reported)."""


def compile_rules(
    c: Compiler, kind: str, node: Node | None, make: type[R], fields: RuleFields, sides: tuple[str, ...] = ("from",)
) -> tuple[R, ...]:
    """Every rule of the `kind` rule sets under `node`, in evaluation order (their `position`): rule
    sets with the more specific `from` context first (interface, zone, routing instance), then `to`
    likewise, then configuration order; rules in their order within a set. `Rule Id` counts every
    rule of the configuration, kept or not."""
    base = ["security", "nat", kind]
    found: list[tuple[tuple[int, ...], R]] = []
    rule_id = 0
    for set_order, ((rs_name,), rs) in enumerate(entries(node, "rule-set").items()):
        contexts: dict[str, Context] = {}
        for side in sides:
            found_context = context(child(rs, side))
            if found_context is None:
                c.missing(base, f"rule-set {rs_name}", side)
            else:
                contexts[f"{side}_context"] = found_context
        usable = len(contexts) == len(sides)
        for rule_order, ((name,), rule) in enumerate(entries(rs, "rule").items()):
            rule_id += 1
            own = fields(c, RuleSite(base, rs_name, name, rule, usable))
            if own is None or not usable:
                continue
            description = value(rule, "description")
            made = make(rule_set=rs_name, name=name, id=rule_id, description=description, **contexts, **own)
            ranks = tuple(ctx.rank for ctx in contexts.values())
            found.append(((*ranks, set_order, rule_order), made))
    found.sort(key=lambda item: item[0])
    return tuple(replace(rule, position=n + 1) for n, (_, rule) in enumerate(found))


def rule_action(then: Node | None, *actions: str) -> tuple[str, str | None] | None:
    """A rule's `then`: `off`, `pool P`, or one of `actions` (flags such as `interface`), with the
    pool's name; None when it says none of them."""
    if flag(then, "off"):
        return "off", None
    pool = value(child(then, "pool"), "pool-name")
    if pool:
        return "pool", pool
    for action in actions:
        if flag(then, action):
            return action, None
    return None


def match_fields(c: Compiler, site: RuleSite, destinations: Callable[[], Ranges], *ports: str) -> dict[str, Any]:
    """The MatchRule conditions of a source or destination rule: addresses (`destinations` resolves
    the kind's own destination statement), the `ports` statements it has, protocols, applications."""
    match = site.match
    return {
        "sources": c.match_addresses(site.path, match, "source"),
        "destinations": destinations(),
        **{what.replace("-", "_") + "s": port_ranges(child(match, what)) for what in ports},
        "protocols": tuple(protocol_name(p) for p in values(match, "protocol")),
        "applications": c.applications([*site.path, "match"], values(match, "application")),
    }


def single_destination(match: Node | None) -> tuple[str | None, str | None]:
    """The one `destination-address A` or `destination-address-name N` of a destination or static
    rule: (literal, name)."""
    literal = value(child(match, "destination-address"), "dst-addr")
    return literal, value(child(match, "destination-address-name"), "dst-addr-name")


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
