"""Value types of leaves and list keys.

Each type checks one word (or a few, for compound values such as `upto /24`) and
returns its canonical form, or raises `BadValue` with the message Junos prints.
Checks run on every loaded line, so they are written for speed: a compiled regex
and a little arithmetic, no `ipaddress` objects on the IPv4 path.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Sequence


class BadValue(ValueError):
    """A value the type refuses. `syntax` marks shape errors, which Junos reports as `syntax error`."""

    def __init__(self, message: str, syntax: bool = False):
        super().__init__(message)
        self.syntax = syntax


class ValueType:
    """Base type: any single word."""

    name = "string"
    hint = "<value>"
    arity = 1  # words consumed (compound types override `consume`)
    multiword = False  # values such as `upto /24` are printed as several words, unquoted

    def check(self, word: str) -> str:
        return word

    def consume(self, words: Sequence[str], i: int) -> tuple[str, int]:
        """Take the value starting at words[i]; return (canonical value, words used)."""
        return self.check(words[i]), 1

    def candidates(self) -> list[tuple[str, str]]:
        """Fixed choices offered by completion (name, help); empty for free-form types."""
        return []


class StringType(ValueType):
    def __init__(self, args: Sequence[str] = (), hint: str = "<value>", name: str = "string"):
        self.hint = hint
        self.name = name
        self.min_len, self.max_len = 0, 1 << 30
        if args:
            lo, _, hi = args[0].partition("..")
            self.min_len, self.max_len = int(lo), int(hi)

    def check(self, word: str) -> str:
        if not self.min_len <= len(word) <= self.max_len:
            raise BadValue(f"Must be a string of {self.min_len} to {self.max_len} characters at '{word}'")
        return word


_DIGITS = re.compile(r"-?\d+\Z")


class IntType(ValueType):
    name = "int"

    def __init__(self, args: Sequence[str] = ()):
        self.lo, self.hi = 0, 4294967295
        if args:
            lo, _, hi = args[0].partition("..")
            self.lo, self.hi = int(lo), int(hi)
        self.hint = "<number>"

    def check(self, word: str) -> str:
        if not _DIGITS.match(word):
            raise BadValue(f"number: '{word}': Value must be a number from {self.lo} to {self.hi} at '{word}'")
        n = int(word)
        if not self.lo <= n <= self.hi:
            raise BadValue(f"number: '{word}': Value must be a number from {self.lo} to {self.hi} at '{word}'")
        return str(n)


class RollbackType(IntType):
    """The index of a kept configuration (0..49); the CLI lists the existing ones with their dates."""

    name = "rollback"

    def __init__(self) -> None:
        super().__init__(("0..49",))


class EnumType(ValueType):
    name = "enum"

    def __init__(self, args: Sequence[str]):
        self.values = tuple(args)
        self.hint = "<" + "|".join(self.values) + ">" if len(self.values) < 4 else "<value>"

    def check(self, word: str) -> str:
        if word in self.values:
            return word
        matches = [v for v in self.values if v.startswith(word)]
        if len(matches) == 1:
            return matches[0]
        raise BadValue("syntax error", syntax=True)

    def candidates(self) -> list[tuple[str, str]]:
        return [(v, "") for v in self.values]


_IPV4 = re.compile(r"(\d{1,3})(?:\.(\d{1,3}))?(?:\.(\d{1,3}))?(?:\.(\d{1,3}))?\Z")


_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_CANONICAL_IPV4 = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}\Z")


def _fast_ipv4(text: str) -> int | None:
    """The address as an int when `text` is a canonical dotted quad (the common case), else None."""
    if _CANONICAL_IPV4.match(text) is None:
        return None
    return int.from_bytes(socket.inet_aton(text), "big")


def _ipv4_octets(text: str, whole: str, allow_short: bool) -> list[int]:
    m = _IPV4.match(text)
    if not m:
        raise BadValue("syntax error", syntax=True)
    parts = [p for p in m.groups() if p is not None]
    if len(parts) < 4 and not allow_short:
        raise BadValue(f"invalid ip address or hostname: {whole} at '{whole}'")
    octets = []
    for p in parts:
        n = int(p)
        if n > 255:
            raise BadValue(f"invalid value '{p}' in ip address: '{whole}' at '{whole}'")
        octets.append(n)
    return octets + [0] * (4 - len(octets))


class Ipv4Type(ValueType):
    name = "ipv4"
    hint = "<address>"

    def check(self, word: str) -> str:
        if _fast_ipv4(word) is not None:
            return word
        o = _ipv4_octets(word, word, allow_short=False)
        return f"{o[0]}.{o[1]}.{o[2]}.{o[3]}"


class Ipv4PrefixType(ValueType):
    """An address with a prefix length. `network` clears host bits (routes, prefix lists).

    A bare address is read as a host route (/32), as Junos does.
    """

    name = "ipv4prefix"
    hint = "<prefix>"

    def __init__(self, network: bool = False):
        self.network = network

    def check(self, word: str) -> str:
        addr, slash, plen = word.partition("/")
        if not slash:
            plen = "32"
        if not plen.isdigit():
            raise BadValue(f"missing or invalid prefix length '{plen}' in address '{word}' at '{word}'")
        length = int(plen)
        if length > 32:
            raise BadValue(f"prefix length '{length}' is larger than 32 in address '{word}' at '{word}'")
        fast = _fast_ipv4(addr)
        canonical = fast is not None and slash and len(plen) == len(str(length))
        if canonical and (not self.network or fast & (0xFFFFFFFF >> length) == 0):  # type: ignore[operator]
            return word
        o = _ipv4_octets(addr, word, allow_short=True)
        if self.network:
            value = (o[0] << 24 | o[1] << 16 | o[2] << 8 | o[3]) & ((0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF)
            o = [value >> 24, (value >> 16) & 255, (value >> 8) & 255, value & 255]
        return f"{o[0]}.{o[1]}.{o[2]}.{o[3]}/{length}"


class IpAddrType(ValueType):
    """IPv4 or IPv6 address, optionally with a prefix length."""

    name = "ipaddr"
    hint = "<address>"

    def __init__(self, prefix: bool = False, network: bool = False):
        self.prefix = prefix
        self.v4 = Ipv4PrefixType(network=network) if prefix else Ipv4Type()
        self.network = network

    def check(self, word: str) -> str:
        if ":" not in word:
            return self.v4.check(word)
        try:
            if self.prefix:
                net = ipaddress.IPv6Network(word if "/" in word else word + "/128", strict=False)
                if self.network:
                    return str(net)
                return f"{ipaddress.IPv6Interface(word).ip}/{net.prefixlen}" if "/" in word else str(net)
            return str(ipaddress.IPv6Address(word))
        except ValueError:
            raise BadValue(f"invalid ip address or hostname: {word} at '{word}'") from None


_HOSTNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-_]*\Z")


class HostType(ValueType):
    """An address or a host name (RADIUS servers, ping targets)."""

    name = "host"
    hint = "<host>"

    def check(self, word: str) -> str:
        if word[:1].isdigit() and _IPV4.match(word.partition("/")[0]):
            return Ipv4Type().check(word)
        if ":" in word:
            return IpAddrType().check(word)
        if not _HOSTNAME.match(word) or word.replace(".", "").isdigit():
            raise BadValue(f"invalid ip address or hostname: {word} at '{word}'")
        return word


_IFNAME = re.compile(
    r"(?:(?:ge|xe|et|fe|mge|gr|ip|lt|ms|sp|at|t1|e1|ppe|pd|pe|lsi|mt|vt|si|ps|ams|rms|rlsq|ud|umd|cl|sxe)"
    r"-\d+(?:/\d+){1,3}(?::\d+)?"
    r"|(?:ae|reth|fab|swfab|lo|st|fxp|em|me|vme|irb|vlan|gre|ipip|pp|dl|dsc|tap|vtep|jsrv|bme|esi|lsq|vcp)\d*)"
    r"(?:\.(\d+))?\Z"
)


class InterfaceType(ValueType):
    """Junos interface names: ge-0/0/0, xe-1/2/3:0, lo0, st0, reth1, fxp0; with a unit, a logical name.

    `unit` says whether the unit (`ge-0/0/0.0`) is optional, required (`.0` is added) or forbidden.
    """

    name = "interface"
    hint = "<interface-name>"

    def __init__(self, unit: str = "optional"):
        self.unit = unit  # "optional" | "required" | "forbidden"

    def check(self, word: str) -> str:
        m = _IFNAME.match(word)
        if not m:
            raise BadValue("syntax error", syntax=True)
        has_unit = m.group(1) is not None
        if self.unit == "forbidden" and has_unit:
            raise BadValue("syntax error", syntax=True)
        if self.unit == "required" and not has_unit:
            return word + ".0"
        if has_unit and int(m.group(1)) > 1073741823:
            raise BadValue(f"number: '{m.group(1)}': Value must be a number from 0 to 1073741823 at '{word}'")
        return word


class NextHopType(ValueType):
    """A next hop: an address, or an interface name (`st0.0`)."""

    name = "nexthop"
    hint = "<next-hop>"

    def check(self, word: str) -> str:
        if word[:1].isdigit() or ":" in word:
            return IpAddrType().check(word)
        return InterfaceType("optional").check(word)


class AreaType(ValueType):
    """An OSPF area: dotted quad, or a number Junos turns into one (`0` is `0.0.0.0`)."""

    name = "area"
    hint = "<area_id>"

    def check(self, word: str) -> str:
        if word.isdigit():
            n = int(word)
            if n > 0xFFFFFFFF:
                raise BadValue(f"number: '{word}': Value must be a number from 0 to 4294967295 at '{word}'")
            return f"{n >> 24}.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
        return Ipv4Type().check(word)


_RIB = re.compile(r"(?:[A-Za-z0-9_\-]+\.)?(?:inet|inet6|inet6flow|inetflow|mpls|iso|l2circuit|bgp\.l3vpn)\.\d+\Z")


class RibType(ValueType):
    name = "rib"
    hint = "<rib-name>"

    def check(self, word: str) -> str:
        if not _RIB.match(word):
            raise BadValue("syntax error", syntax=True)
        return word


class PrefixLengthType(ValueType):
    name = "plen"
    hint = "</prefix-length>"

    def check(self, word: str) -> str:
        if not (word.startswith("/") and word[1:].isdigit() and int(word[1:]) <= 32):
            raise BadValue("syntax error", syntax=True)
        return word


class PrefixLengthRangeType(ValueType):
    name = "plen-range"
    hint = "</prefix-length2-/prefix-length3>"

    def check(self, word: str) -> str:
        lo, dash, hi = word.partition("-")
        plen = PrefixLengthType()
        if not dash:
            raise BadValue("syntax error", syntax=True)
        plen.check(lo)
        plen.check(hi)
        return word


class RouteFilterMatchType(ValueType):
    """The match type of a route-filter: `exact`, `orlonger`, `upto /24`, `prefix-length-range /8-/24`, ..."""

    name = "route-filter-match"
    hint = "<match-type>"
    multiword = True
    SIMPLE = ("exact", "longer", "orlonger")
    WITH_ARG: dict[str, ValueType] = {
        "upto": PrefixLengthType(),
        "through": Ipv4PrefixType(network=True),
        "prefix-length-range": PrefixLengthRangeType(),
    }

    def consume(self, words: Sequence[str], i: int) -> tuple[str, int]:
        word = EnumType(self.SIMPLE + tuple(self.WITH_ARG)).check(words[i])
        if word in self.SIMPLE:
            return word, 1
        if i + 1 >= len(words):
            raise BadValue("missing argument", syntax=True)
        return f"{word} {self.WITH_ARG[word].check(words[i + 1])}", 2

    def check(self, word: str) -> str:
        return self.consume(word.split(), 0)[0]

    def candidates(self) -> list[tuple[str, str]]:
        return [
            ("exact", "Exactly match the prefix length"),
            ("longer", "Mask is greater than the prefix length"),
            ("orlonger", "Mask is greater than or equal to the prefix length"),
            ("prefix-length-range", "Mask falls between two prefix lengths"),
            ("through", "Route falls between two prefixes"),
            ("upto", "Mask falls between two prefix lengths"),
        ]


_DURATION = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s?)?\Z")


class DurationType(ValueType):
    """A span of time for simulator commands: `90`, `90s`, `1.5s`, `5m`, `1h30m`."""

    name = "duration"
    hint = "<duration>"

    def check(self, word: str) -> str:
        m = _DURATION.match(word)
        if not word or not m or not any(m.groups()):
            raise BadValue("syntax error", syntax=True)
        return word

    @staticmethod
    def seconds(word: str) -> float:
        m = _DURATION.match(word)
        assert m is not None
        h, mnt, s = m.groups()
        return int(h or 0) * 3600 + int(mnt or 0) * 60 + float(s or 0)


def make_type(name: str, args: Sequence[str] = ()) -> ValueType:
    """Build a type from its schema spelling (`int(1..15)`, `enum(a b)`, ...)."""
    factories = {
        "string": lambda: StringType(args),
        "word": lambda: StringType(args),
        "as-path": lambda: StringType(args, hint="<as-path>"),
        "filename": lambda: StringType(args, hint="<filename>", name="filename"),
        "secret": lambda: StringType(args, hint="<password>"),
        "int": lambda: IntType(args),
        "rollback": RollbackType,
        "enum": lambda: EnumType(args),
        "ipv4": Ipv4Type,
        "ipv4prefix": lambda: Ipv4PrefixType(network=False),
        "ipv4network": lambda: Ipv4PrefixType(network=True),
        "ipaddr": IpAddrType,
        "ipprefix": lambda: IpAddrType(prefix=True),
        "ipnetwork": lambda: IpAddrType(prefix=True, network=True),
        "host": HostType,
        "interface": lambda: InterfaceType("optional"),
        "physical-interface": lambda: InterfaceType("forbidden"),
        "unit-interface": lambda: InterfaceType("required"),
        "nexthop": NextHopType,
        "area": AreaType,
        "rib": RibType,
        "plen": PrefixLengthType,
        "plen-range": PrefixLengthRangeType,
        "route-filter-match": RouteFilterMatchType,
        "duration": DurationType,
        "config-path": lambda: StringType(hint="<path>", name="config-path"),
        "command": lambda: StringType(hint="<command>", name="command"),
    }
    try:
        return factories[name]()
    except KeyError:
        raise KeyError(f"unknown type '{name}'") from None
