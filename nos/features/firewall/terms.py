"""Firewall filter terms: compiled from `firewall family inet filter F term T` and matched against a packet.

A term's `from` conditions must all hold (an empty `from` matches everything);
within one condition any value may (`protocol [ tcp udp ]`). Its `then` holds
one terminating action (accept when none is given), `next term`, and the
modifiers `count C`, `log` and `syslog`.
"""

from __future__ import annotations

from dataclasses import dataclass

from nos.config.query import child, entries, flag, value, values
from nos.config.tree import Node
from nos.features.flow.applications import ICMP_TYPES
from nos.lab.packet import Packet
from nos.routing.prefix import MASKS, Prefix, prefix

PROTOCOLS = {"icmp": 1, "igmp": 2, "tcp": 6, "udp": 17, "gre": 47, "esp": 50, "ah": 51, "ospf": 89, "pim": 103}
PORTS = {
    "ftp-data": 20, "ftp": 21, "ssh": 22, "telnet": 23, "smtp": 25, "domain": 53, "dhcp": 67, "tftp": 69,
    "http": 80, "pop3": 110, "ntp": 123, "snmp": 161, "snmptrap": 162, "bgp": 179, "ldap": 389, "https": 443,
    "ike": 500, "syslog": 514, "radius": 1812, "radacct": 1813,
}  # fmt: skip


def _number(text: str, names: dict[str, int]) -> int:
    return names[text] if text in names else int(text)


def _ranges(words: tuple[str, ...], names: dict[str, int]) -> tuple[tuple[int, int], ...]:
    out = []
    for w in words:
        lo, _, hi = w.partition("-") if w not in names else (w, "", "")
        try:
            out.append((_number(lo, names), _number(hi, names) if hi else _number(lo, names)))
        except (ValueError, KeyError):
            continue
    return tuple(out)


@dataclass
class AddressList:
    entries: tuple[tuple[Prefix, bool], ...] = ()  # (prefix, except)

    def matches(self, address: int) -> bool:
        """The longest entry that contains the address decides; an `except` entry means no match."""
        best = -1
        result = False
        for (net, plen), excepted in self.entries:
            if address & MASKS[plen] == net and plen > best:
                best, result = plen, not excepted
        return result


@dataclass
class FilterTerm:
    name: str
    source: AddressList | None = None
    destination: AddressList | None = None
    address: AddressList | None = None  # source or destination
    prefix_lists: tuple[str, ...] = ()
    source_prefix_lists: tuple[str, ...] = ()
    destination_prefix_lists: tuple[str, ...] = ()
    protocols: tuple[tuple[int, int], ...] = ()
    ports: tuple[tuple[int, int], ...] = ()
    source_ports: tuple[tuple[int, int], ...] = ()
    destination_ports: tuple[tuple[int, int], ...] = ()
    icmp_types: tuple[tuple[int, int], ...] = ()
    interfaces: tuple[str, ...] = ()
    action: str = "accept"  # accept | discard | reject | routing-instance | next
    instance: str | None = None
    counter: str | None = None
    log: bool = False  # `then log`: a line in the firewall log (show firewall log)
    syslog: bool = False  # `then syslog`: a PFE_FW_SYSLOG_IP message


def _addresses(node: Node | None) -> AddressList | None:
    if node is None:
        return None
    return AddressList(tuple((prefix(k[0]), flag(e, "except")) for k, e in entries(node, "prefix").items()))


def filter_entries(fw: Node | None) -> dict[str, Node]:
    """The filters of a `firewall` statement by name (`family inet filter` and `filter`)."""
    found = {key[0]: entry for key, entry in entries(child(child(fw, "family"), "inet"), "filter").items()}
    found.update((key[0], entry) for key, entry in entries(fw, "filter").items())
    return found


def compile_terms(entry: Node) -> list[FilterTerm]:
    terms = []
    for (tname,), t in entries(entry, "term").items():
        f, then = child(t, "from"), child(t, "then")
        term = FilterTerm(
            tname,
            source=_addresses(child(f, "source-address")),
            destination=_addresses(child(f, "destination-address")),
            address=_addresses(child(f, "address")),
            prefix_lists=values(f, "prefix-list"),
            source_prefix_lists=values(f, "source-prefix-list"),
            destination_prefix_lists=values(f, "destination-prefix-list"),
            protocols=_ranges(values(f, "protocol"), PROTOCOLS),
            ports=_ranges(values(f, "port"), PORTS),
            source_ports=_ranges(values(f, "source-port"), PORTS),
            destination_ports=_ranges(values(f, "destination-port"), PORTS),
            icmp_types=_ranges(values(f, "icmp-type"), ICMP_TYPES),
            interfaces=values(f, "interface"),
            counter=value(then, "count"),
            log=flag(then, "log"),
            syslog=flag(then, "syslog"),
        )
        if flag(then, "discard"):
            term.action = "discard"
        elif flag(then, "reject"):
            term.action = "reject"
        elif value(then, "routing-instance"):
            term.action, term.instance = "routing-instance", value(then, "routing-instance")
        elif value(then, "next"):
            term.action = "next"
        terms.append(term)
    return terms


def _in(number: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(lo <= number <= hi for lo, hi in ranges)


def _in_lists(address: int, names: tuple[str, ...], lists: dict[str, list[Prefix]]) -> bool:
    return any(address & MASKS[p[1]] == p[0] for name in names for p in lists.get(name, ()))


def term_matches(term: FilterTerm, packet: Packet, ifl: str, lists: dict[str, list[Prefix]]) -> bool:
    if term.source is not None and not term.source.matches(packet.src):
        return False
    if term.destination is not None and not term.destination.matches(packet.dst):
        return False
    if term.address is not None and not (term.address.matches(packet.src) or term.address.matches(packet.dst)):
        return False
    if term.prefix_lists and not (
        _in_lists(packet.src, term.prefix_lists, lists) or _in_lists(packet.dst, term.prefix_lists, lists)
    ):
        return False
    if term.source_prefix_lists and not _in_lists(packet.src, term.source_prefix_lists, lists):
        return False
    if term.destination_prefix_lists and not _in_lists(packet.dst, term.destination_prefix_lists, lists):
        return False
    if term.protocols and not _in(PROTOCOLS.get(packet.proto, -1), term.protocols):
        return False
    if term.ports and not (_in(packet.sport, term.ports) or _in(packet.dport, term.ports)):
        return False
    if term.source_ports and not _in(packet.sport, term.source_ports):
        return False
    if term.destination_ports and not _in(packet.dport, term.destination_ports):
        return False
    if term.icmp_types and not (packet.proto == "icmp" and _in(ICMP_TYPES.get(packet.icmp or "", -1), term.icmp_types)):
        return False
    return not term.interfaces or ifl in term.interfaces


__all__ = ["PORTS", "PROTOCOLS", "AddressList", "FilterTerm", "compile_terms", "filter_entries", "term_matches"]
