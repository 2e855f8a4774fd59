"""Security zones: which zone a logical interface is in, and what traffic to the device itself
(`host-inbound-traffic`) each interface lets in.

A zone lists its interfaces (an interface is in one zone at most; the schema's unique check refuses
a second) and may allow `system-services` and `protocols` towards the device. An interface may set
its own: the interface's `system-services` replace the zone's system-services, its `protocols` the
zone's protocols (each kind on its own, as Junos applies them). `all` allows every service of its
kind, `SERVICE except` takes one back out of `all`. NDP is always allowed. The functional zone
`management` carries host-inbound-traffic for out-of-band interfaces and no transit traffic, so
its interfaces are in no security zone. fxp0 (vSRX out-of-band management) is outside flow: the
device always answers on it.

Zone IDs follow Junos: junos-host is 2, configured zones are numbered from 7 in the order they
first appear, and keep their number across commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from nos.config.query import child, entries, flag, value
from nos.config.tree import Node

JUNOS_HOST = "junos-host"
JUNOS_HOST_ID = 2
FIRST_ZONE_ID = 7
PROTOCOLS = frozenset(
    {
        "all", "bfd", "bgp", "dvmrp", "igmp", "ldp", "msdp", "ndp", "nhrp", "ospf", "ospf3", "pgm", "pim", "rip",
        "ripng", "router-discovery", "rsvp", "sap", "vrrp",
    }
)  # fmt: skip
ALWAYS = frozenset({"ndp"})
OUT_OF_BAND = ("fxp", "em", "me")


@dataclass(frozen=True)
class Allowed:
    """One kind of host-inbound-traffic (system-services or protocols) as configured at one level."""

    everything: bool = False  # `all` (or `any-service`)
    names: frozenset[str] = frozenset()
    excepted: frozenset[str] = frozenset()

    def allows(self, name: str) -> bool:
        return name not in self.excepted and (self.everything or name in self.names)


@dataclass(frozen=True)
class HostInbound:
    services: Allowed | None = None  # None: not configured at this level
    protocols: Allowed | None = None


@dataclass(frozen=True)
class Zone:
    name: str
    id: int
    interfaces: tuple[str, ...] = ()
    description: str | None = None
    tcp_rst: bool = False
    screen: str | None = None
    unidirectional_refresh: bool = False
    host_inbound: HostInbound = field(default_factory=HostInbound)
    interface_inbound: Mapping[str, HostInbound] = field(default_factory=dict)  # interfaces with their own
    functional: bool = False  # the functional zone `management`

    def allows(self, ifl: str, service: str) -> bool:
        """Does host-inbound-traffic let `service` (a system service or a protocol) in on `ifl`?"""
        if service in ALWAYS:
            return True
        kind = "protocols" if service in PROTOCOLS else "services"
        own = self.interface_inbound.get(ifl)
        rule = getattr(own, kind) if own is not None else None
        if rule is None:
            rule = getattr(self.host_inbound, kind)
        return rule is not None and rule.allows(service)


class Zones:
    """The zones of a configuration, by name and by interface."""

    def __init__(self, zones: dict[str, Zone], management: Zone | None = None):
        self.zones = zones
        self.management = management
        self.by_ifl = {ifl: z for z in zones.values() for ifl in z.interfaces}
        self.management_ifls = frozenset(management.interfaces) if management is not None else frozenset()

    def zone_of(self, ifl: str) -> str | None:
        """The security zone of a logical interface; None: it is in none (flow drops its transit)."""
        zone = self.by_ifl.get(ifl)
        return zone.name if zone is not None else None

    def host_inbound(self, ifl: str, service: str) -> bool:
        """May traffic for `service` reach the device itself through `ifl`?"""
        zone = self.by_ifl.get(ifl)
        if zone is None and ifl in self.management_ifls and self.management is not None:
            zone = self.management
        if zone is None:
            return ifl.startswith(OUT_OF_BAND)
        return zone.allows(ifl, service)

    def names(self) -> list[str]:
        return list(self.zones)


# -- compile ------------------------------------------------------------------------------------------


def _allowed(node: Node | None, list_name: str) -> Allowed | None:
    found = entries(node, list_name)
    if node is None or not found:
        return None
    names = {k[0] for k, entry in found.items() if not flag(entry, "except")}
    excepted = {k[0] for k, entry in found.items() if flag(entry, "except")}
    everything = bool(names & {"all", "any-service"})
    return Allowed(everything, frozenset(names), frozenset(excepted))


def host_inbound(node: Node | None) -> HostInbound:
    """The `host-inbound-traffic` under a zone or one of its interfaces."""
    hit = child(node, "host-inbound-traffic")
    return HostInbound(
        _allowed(child(hit, "system-services"), "service"), _allowed(child(hit, "protocols"), "protocol")
    )


def _interfaces(node: Node) -> tuple[tuple[str, ...], dict[str, HostInbound]]:
    listed = entries(child(node, "interfaces"), "interface")
    own = {}
    for (ifl,), entry in listed.items():
        if child(entry, "host-inbound-traffic") is not None:
            own[ifl] = host_inbound(entry)
    return tuple(k[0] for k in listed), own


def compile_zones(security: Node | None, previous_ids: Mapping[str, int] | None = None) -> Zones:
    """The zones of `[edit security zones]`; a zone keeps the ID it had (`previous_ids`)."""
    zones_node = child(security, "zones")
    ids = dict(previous_ids or {})
    next_id = max([FIRST_ZONE_ID - 1, *ids.values()]) + 1
    zones: dict[str, Zone] = {}
    for (name,), node in entries(zones_node, "security-zone").items():
        if name not in ids:
            ids[name], next_id = next_id, next_id + 1
        interfaces, own = _interfaces(node)
        zones[name] = Zone(
            name,
            ids[name],
            interfaces,
            value(node, "description"),
            flag(node, "tcp-rst"),
            value(node, "screen"),
            flag(node, "unidirectional-session-refreshing"),
            host_inbound(node),
            own,
        )
    management = None
    mgmt = child(child(zones_node, "functional-zone"), "management")
    if mgmt is not None:
        interfaces, own = _interfaces(mgmt)
        management = Zone(
            "management", 0, interfaces, value(mgmt, "description"), host_inbound=host_inbound(mgmt),
            interface_inbound=own, functional=True,
        )  # fmt: skip
    return Zones(zones, management)


__all__ = ["JUNOS_HOST", "JUNOS_HOST_ID", "Allowed", "HostInbound", "Zone", "Zones", "compile_zones", "host_inbound"]
