"""Interfaces at run time: physical ports and their units, admin and link state, addresses, counters.

The configuration says what exists and what is disabled; the lab says whether a
cable is there and up. A unit is up when its port is up (configured, not
disabled, link up) and the unit itself is not disabled. Every change of a
unit's addresses or state is handed to the routing engine, which owns the
Direct and Local routes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from nos.config.query import child, entries, flag, value
from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.features.interfaces.rates import RateMeter
from nos.routing.engine import RoutingEngine
from nos.routing.prefix import interface_address

# Interfaces that have no cable: their link is up whenever they exist.
VIRTUAL = ("lo", "st", "irb", "vlan", "fxp", "em", "me", "vme", "reth", "ae", "fab", "gr", "ip", "lt", "pp", "dsc")


def is_virtual(name: str) -> bool:
    prefix = name.split("-", 1)[0].rstrip("0123456789")
    return prefix in VIRTUAL


# Port speeds by interface type, as `show interfaces` prints them.
_SPEEDS = {"fe": "100mbps", "ge": "1000mbps", "xe": "10Gbps", "mge": "10Gbps", "et": "100Gbps"}


def port_speed(name: str) -> str:
    """The speed of a port, from its type: ge- 1000mbps, xe- 10Gbps; `Unspecified` for virtual ones."""
    return _SPEEDS.get(name.split("-", 1)[0], "Unspecified") if "-" in name else "Unspecified"


def mac_address(owner: str, port: str) -> str:
    """The MAC address of `owner`'s port (a device's host name, a lab host's or Internet node's name).

    Derived, so it is the same every run and differs between devices and ports: a locally
    administered address (02:...) whose other five bytes hash the owner and the port."""
    digest = hashlib.blake2s(f"{owner}/{port}".encode(), digest_size=5).digest()
    return "02:" + ":".join(f"{b:02x}" for b in digest)


@dataclass(frozen=True)
class SystemUnit:
    """A unit Junos creates on its own (lo0.16384): shown, never routed by nos."""

    unit: int
    families: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()  # host addresses, shown `--> 0/0` in terse
    instance: str | None = None  # the internal routing instance it sits in
    encapsulation: str = "Unspecified"
    mtu: str = "Unlimited"
    local_index: int = 0  # the capture's Index and SNMP ifIndex
    snmp_index: int = 0


@dataclass(frozen=True)
class SystemInterface:
    """An interface every vSRX lists even unconfigured, as the vSRX 24.4 capture of
    get-interface-information shows it (type, MTU, speed, flags, indices)."""

    name: str
    if_type: str | None
    link_type: str | None
    mtu: str
    speed: str | None
    local_index: int
    snmp_index: int
    config_flags: tuple[str, ...] = ()
    link_up: bool = True
    flapped: str | None = None  # "Never", "boot" (the device's start) or None (not shown)
    rates: bool = True  # traffic in bps/pps (else packet counts)
    ethernet: bool = False  # shown in the Ethernet form (a MAC address and its media lines)
    loopback: bool = False
    units: tuple[SystemUnit, ...] = ()


_P2P, _TRAPS = "iff-point-to-point", "iff-snmp-traps"
_SP = "Adaptive-Services"
# The vSRX's always-present interfaces (vSRX 24.4 get-interface-information capture).
SYSTEM_INTERFACES: dict[str, SystemInterface] = {
    s.name: s
    for s in (
        SystemInterface("gr-0/0/0", "GRE", "GRE", "Unlimited", "800mbps", 142, 515, (_P2P,)),
        SystemInterface("ip-0/0/0", "IPIP", "IP-over-IP", "Unlimited", "800mbps", 143, 516),
        SystemInterface("lsq-0/0/0", None, "LinkService", "1504", None, 144, 517, (_P2P, _TRAPS), flapped="boot"),
        SystemInterface(
            "lt-0/0/0",
            "Logical-tunnel",
            "Logical-tunnel",
            "Unlimited",
            "800mbps",
            146,
            519,
            (_P2P, _TRAPS),
            flapped="Never",
        ),
        SystemInterface("mt-0/0/0", "Multicast-GRE", "GRE", "Unlimited", "800mbps", 145, 518, (_TRAPS,)),
        SystemInterface(
            "sp-0/0/0",
            _SP,
            _SP,
            "9192",
            "800mbps",
            141,
            514,
            (_P2P, _TRAPS),
            flapped="boot",
            units=(
                SystemUnit(0, ("inet", "inet6"), (), None, _SP, "9192", 73, 520),
                SystemUnit(16383, ("inet",), (), None, _SP, "9192", 74, 521),
            ),
        ),
        SystemInterface(
            "dsc", "Software-Pseudo", None, "Unlimited", None, 5, 5, (_P2P, _TRAPS), flapped="Never", rates=False
        ),
        SystemInterface(
            "fti0", "FTI", "Flexible-tunnel-Interface", "Unlimited", "Unlimited", 133, 506, flapped="Never", rates=False
        ),
        SystemInterface(
            "fxp0",
            "Ethernet",
            "Ethernet",
            "1514",
            "10Gbps",
            65,
            1,
            (_TRAPS,),
            flapped="boot",
            rates=False,
            ethernet=True,
        ),
        SystemInterface("gre", "GRE", "GRE", "Unlimited", "Unlimited", 10, 8, (_P2P, _TRAPS), rates=False),
        SystemInterface("ipip", "IPIP", "IP-over-IP", "Unlimited", "Unlimited", 11, 9, (_TRAPS,), rates=False),
        SystemInterface(
            "irb",
            "Ethernet",
            "Ethernet",
            "1514",
            None,
            129,
            502,
            (_TRAPS,),
            flapped="Never",
            rates=False,
            ethernet=True,
        ),
        SystemInterface(
            "lo0",
            "Loopback",
            None,
            "Unlimited",
            None,
            6,
            6,
            (_TRAPS,),
            flapped="Never",
            rates=False,
            loopback=True,
            units=(
                SystemUnit(16384, ("inet",), ("127.0.0.1",), local_index=66, snmp_index=21),
                SystemUnit(
                    16385,
                    ("inet",),
                    ("10.0.0.1", "10.0.0.16", "128.0.0.1", "128.0.0.4", "128.0.1.16"),
                    # PyEZ's current_re fact maps these through /etc/hosts.junos (iri.py).
                    instance="__juniper_private1__",
                    local_index=65,
                    snmp_index=22,
                ),
                SystemUnit(32768, local_index=64, snmp_index=251),
            ),
        ),
        SystemInterface("lsi", "Software-Pseudo", "LSI", "Unlimited", "Unlimited", 4, 4, flapped="Never", rates=False),
        SystemInterface("mtun", "Multicast-GRE", "GRE", "Unlimited", "Unlimited", 64, 12, (_TRAPS,), rates=False),
        SystemInterface("pimd", "PIMD", "PIM-Decapsulator", "Unlimited", "Unlimited", 26, 11, rates=False),
        SystemInterface("pime", "PIME", "PIM-Encapsulator", "Unlimited", "Unlimited", 25, 10, rates=False),
        SystemInterface("pp0", "PPPoE", "PPPoE", "1532", None, 128, 501, (_P2P, _TRAPS)),
        SystemInterface("ppd0", "PIMD", "PIM-Decapsulator", "Unlimited", "800mbps", 131, 504, (_TRAPS,)),
        SystemInterface("ppe0", "PIME", "PIM-Encapsulator", "Unlimited", "800mbps", 132, 505, (_TRAPS,)),
        SystemInterface("st0", "Secure-Tunnel", "Secure-Tunnel", "9192", None, 130, 503, (_P2P,)),
        SystemInterface(
            "tap",
            "Software-Pseudo",
            "Interface-Specific",
            "Unlimited",
            "Unlimited",
            12,
            7,
            (_TRAPS,),
            flapped="Never",
            rates=False,
        ),
        SystemInterface(
            "vlan", "VLAN", "VLAN", "1518", "1000mbps", 134, 507, ("iff-hardware-down",), link_up=False, flapped="boot"
        ),
    )
}


def default_router_id(loopbacks: Iterable[int], others: Iterable[int]) -> int:
    """The router ID when none is configured (Junos: the lowest lo0 address if lo0 has one, else
    the lowest address of the other interfaces; 127/8 never); 0 when there is no address.
    The one rule `show route summary`, `show route instance detail` and BGP use."""
    usable = [a for a in loopbacks if a >> 24 != 127]
    if usable:
        return min(usable)
    return min((a for a in others if a >> 24 != 127), default=0)


@dataclass
class Counters:
    """A unit's traffic counters; the packet walk adds to them through `add_in` / `add_out`."""

    in_packets: int = 0
    in_bytes: int = 0
    out_packets: int = 0
    out_bytes: int = 0

    def add_in(self, size: int, packets: int = 1) -> None:
        self.in_packets += packets
        self.in_bytes += size * packets

    def add_out(self, size: int, packets: int = 1) -> None:
        self.out_packets += packets
        self.out_bytes += size * packets


@dataclass
class Unit:
    name: str  # ge-0/0/0.0
    unit: int
    description: str | None = None
    disabled: bool = False
    vlan_id: int | None = None
    addresses: list[str] = field(default_factory=list)  # as configured: 10.0.0.1/24
    mtu: int | None = None
    filter_in: str | None = None
    filter_out: str | None = None
    families: list[str] = field(default_factory=list)
    counters: Counters = field(default_factory=Counters)
    index: int = 0
    held: bool = False  # disabled by ip-monitoring (`then interface X disable`), not by configuration

    @property
    def admin_down(self) -> bool:
        return self.disabled or self.held

    @property
    def snmp_index(self) -> int:
        return 520 + self.index

    def parsed(self) -> list[tuple[int, int]]:
        return [interface_address(a) for a in self.addresses]


@dataclass
class Port:
    name: str  # ge-0/0/0
    configured: bool = False
    description: str | None = None
    disabled: bool = False
    mtu: int | None = None
    link: bool | None = None  # lab link state; None: not cabled
    units: dict[int, Unit] = field(default_factory=dict)
    counters: Counters = field(default_factory=Counters)
    flapped: float = 0.0
    flaps: int = 0  # carrier transitions: the times its link went up or down
    index: int = 0
    held: bool = False  # disabled by ip-monitoring, not by configuration

    @property
    def admin_down(self) -> bool:
        return self.disabled or self.held

    @property
    def snmp_index(self) -> int:
        return 500 + self.index

    def totals(self) -> tuple[int, int, int, int]:
        """(input bytes, output bytes, input packets, output packets): the port's and its units' counters."""
        c = self.counters
        in_b, out_b, in_p, out_p = c.in_bytes, c.out_bytes, c.in_packets, c.out_packets
        for unit in self.units.values():
            u = unit.counters
            in_b += u.in_bytes
            out_b += u.out_bytes
            in_p += u.in_packets
            out_p += u.out_packets
        return in_b, out_b, in_p, out_p


class Interfaces:
    """The `interfaces` feature: configuration in, unit states out to the routing engine."""

    name = "interfaces"

    def __init__(self, device, engine: RoutingEngine):  # type: ignore[no-untyped-def]
        self.device = device
        self.engine = engine
        self.ports: dict[str, Port] = {}
        self.units: dict[str, Unit] = {}  # ge-0/0/0.0 -> Unit
        self.zone_of: dict[str, str] = {}  # ge-0/0/0.0 -> security zone (for show interfaces)
        self._next_index = 1
        self._applied: Node | None = None  # the `interfaces` statement applied last
        self._zones: Node | None = None  # the `security zones` statement zone_of was read from
        self.rates = RateMeter(device.scheduler, self._totals, self._settle)
        # The always-present interfaces as shown when unconfigured, and their internal units: for
        # `show interfaces` only (not lab ports, not in the routing engine, not in the packet walk).
        boot = device.scheduler.epoch()
        self.system: dict[str, Port] = {name: Port(name, configured=True, flapped=boot) for name in SYSTEM_INTERFACES}
        self.system_units: dict[str, list[Unit]] = {
            name: [
                Unit(f"{name}.{u.unit}", u.unit, addresses=[f"{a}/32" for a in u.addresses], families=list(u.families))
                for u in spec.units
            ]
            for name, spec in SYSTEM_INTERFACES.items()
        }

    # -- configuration ------------------------------------------------------------------------------

    def verify(self, new: Node) -> list[CheckError]:
        return []

    def apply(self, old: Node, new: Node) -> None:
        """Read what changed since the configuration applied last (a commit keeps unchanged
        statements as the same nodes) and tell the routing engine, in one batch."""
        config = child(new, "interfaces")
        zones = child(child(new, "security"), "zones")
        if zones is not self._zones or self._applied is None:
            self.zone_of = _zones(new)
            self._zones = zones
        if config is self._applied:
            return
        before = entries(self._applied, "interface")
        current = entries(config, "interface")
        self._applied = config
        changed: list[Port] = []
        for (name,), entry in current.items():
            port = self.ports.get(name)
            if port is not None and port.configured and before.get((name,)) is entry:
                continue
            port = self._port(name)
            self._configure_port(port, entry)
            changed.append(port)
        for name, port in self.ports.items():
            if port.configured and (name,) not in current:
                port.configured = False
                port.units = {}
                changed.append(port)
        if not changed:
            return
        self.units = {u.name: u for p in self.ports.values() for u in p.units.values()}
        with self.engine.batch():
            for ifl in list(self.engine.interfaces):
                if ifl not in self.units:
                    self.engine.forget_interface(ifl)
            for port in changed:
                self._push(port)

    def _configure_port(self, port: Port, entry: Node) -> None:
        name = port.name
        port.configured = True
        port.description = value(entry, "description")
        port.disabled = flag(entry, "disable")
        port.mtu = int(value(entry, "mtu") or 0) or None
        units: dict[int, Unit] = {}
        for (number,), u in entries(entry, "unit").items():
            unit = port.units.get(int(number)) or Unit(f"{name}.{number}", int(number), index=self._index())
            unit.description = value(u, "description")
            unit.disabled = flag(u, "disable")
            vlan = value(u, "vlan-id")
            unit.vlan_id = int(vlan) if vlan else None
            family = child(u, "family")
            inet = child(family, "inet")
            unit.families = [f for f in ("inet", "inet6", "ethernet-switching") if child(family, f) is not None]
            unit.addresses = [key[0] for key in entries(inet, "address")]
            unit.mtu = int(value(inet, "mtu") or 0) or None
            filt = child(inet, "filter")
            unit.filter_in, unit.filter_out = value(filt, "input"), value(filt, "output")
            units[unit.unit] = unit
        port.units = units

    def _index(self) -> int:
        self._next_index += 1
        return self._next_index

    def _port(self, name: str) -> Port:
        port = self.ports.get(name)
        if port is None:
            port = self.ports[name] = Port(name, index=self._index(), flapped=self.device.scheduler.epoch())
        return port

    # -- state ---------------------------------------------------------------------------------------

    def port_up(self, port: Port) -> bool:
        if self.system.get(port.name) is port:  # shown unconfigured: as the vSRX shows it
            return SYSTEM_INTERFACES[port.name].link_up
        if not port.configured or port.admin_down:
            return False
        if is_virtual(port.name) or not self.device.cabled:
            return True
        return bool(port.link)

    def mac(self, port: Port) -> str:
        """The port's MAC address: the device's name in its lab (its host name when alone) and the port."""
        return mac_address(getattr(self.device, "node_name", None) or self.device.hostname, port.name)

    def _totals(self) -> dict[str, tuple[int, int, int, int]]:
        return {name: port.totals() for name, port in self.ports.items() if port.configured or port.link is not None}

    def _settle(self) -> None:
        settle = getattr(self.device.network, "settle", None)
        if settle is not None:  # counters the lab still owes (replayed probes)
            settle()

    def unit_up(self, unit: Unit) -> bool:
        base = unit.name.rsplit(".", 1)[0]
        port = self.ports.get(base)
        if port is None:  # an internal unit (lo0.16384) of an unconfigured interface: up with the device
            return any(u is unit for u in self.system_units.get(base, ()))
        return self.port_up(port) and not unit.admin_down

    def listed(self) -> list[Port]:
        """The ports `show interfaces` lists: the configured or cabled ones, and the always-present
        ones (their unconfigured form where the configuration does not name them)."""
        shown = {name: port for name, port in self.system.items()}
        shown.update({p.name: p for p in self.ports.values() if p.configured or p.link is not None})
        return list(shown.values())

    def system_instance(self, unit: Unit) -> str | None:
        """The internal routing instance of an internal unit (lo0.16385: __juniper_private1__), else None."""
        base, _, number = unit.name.rpartition(".")
        spec = SYSTEM_INTERFACES.get(base)
        for u in spec.units if spec is not None and any(x is unit for x in self.system_units[base]) else ():
            if str(u.unit) == number:
                return u.instance
        return None

    def router_id(self, instance: str = "master") -> int:
        """The router ID derived from the instance's interface addresses (see `default_router_id`)."""
        loopbacks: list[int] = []
        others: list[int] = []
        for unit in self.units.values():
            if self.engine.instance_of_interface(unit.name) != instance:
                continue
            found = [a for a, _ in unit.parsed()]
            (loopbacks if unit.name.startswith("lo0.") else others).extend(found)
        return default_router_id(loopbacks, others)

    def set_link(self, name: str, up: bool) -> None:
        """The lab's cable on port `name` went up or down."""
        port = self._port(name)
        self.rates.start()  # cabled into a lab: traffic may flow from now on
        before = self.port_up(port)
        port.link = up
        after = self.port_up(port)
        if before != after:
            port.flapped = self.device.scheduler.epoch()
            port.flaps += 1
            status = "up(1)" if after else "down(2)"
            tag = "SNMP_TRAP_LINK_UP" if after else "SNMP_TRAP_LINK_DOWN"
            self.device.event(
                "mib2d",
                tag,
                f"ifIndex {port.snmp_index}, ifAdminStatus up(1), ifOperStatus {status}, ifName {name}",
            )
        self._push(port)

    def hold(self, name: str, down: bool) -> bool:
        """ip-monitoring takes an interface (`ge-0/0/3` or a unit, `ge-0/0/3.0`) down or lets it up.

        The configuration is untouched; the interface reads administratively down while held.
        Returns False when there is no such interface.
        """
        port_name, _, number = name.partition(".")
        port = self.ports.get(port_name)
        if port is None:
            return False
        target: Port | Unit | None = port.units.get(int(number)) if number.isdigit() else port
        if target is None:
            return False
        before = self.port_up(port)
        target.held = down
        if before != self.port_up(port):
            port.flapped = self.device.scheduler.epoch()
            port.flaps += 1
        up = self.unit_up(target) if isinstance(target, Unit) else self.port_up(port)
        self.device.event(
            "mib2d",
            "SNMP_TRAP_LINK_UP" if up else "SNMP_TRAP_LINK_DOWN",
            f"ifIndex {target.snmp_index}, ifAdminStatus {'down(2)' if target.admin_down else 'up(1)'},"
            f" ifOperStatus {'up(1)' if up else 'down(2)'}, ifName {name}",
        )
        self._push(port)
        return True

    def refresh(self) -> None:
        """Tell the routing engine every unit's state again (after the device was cabled into a lab)."""
        with self.engine.batch():
            for port in self.ports.values():
                self._push(port)

    def _push(self, port: Port) -> None:
        with self.engine.batch():
            for unit in port.units.values():
                self.engine.set_interface(unit.name, unit.parsed(), self.unit_up(unit))

    def unit_for_port(self, port_name: str, vlan: int | None = None) -> Unit | None:
        """The unit that takes untagged traffic arriving on a port: unit 0, else the lowest unit."""
        port = self.ports.get(port_name)
        if port is None or not port.units:
            return None
        if vlan is not None:
            for unit in port.units.values():
                if unit.vlan_id == vlan:
                    return unit
        return port.units.get(0) or port.units[min(port.units)]

    def primary_address(self, unit: Unit) -> int | None:
        parsed = unit.parsed()
        return parsed[0][0] if parsed else None


def _zones(root: Node) -> dict[str, str]:
    out: dict[str, str] = {}
    zones = child(child(root, "security"), "zones")
    for (zone,), entry in entries(zones, "security-zone").items():
        for (ifl,) in entries(child(entry, "interfaces"), "interface"):
            out[ifl] = zone
    return out


__all__ = [
    "SYSTEM_INTERFACES",
    "Counters",
    "Interfaces",
    "Port",
    "SystemInterface",
    "SystemUnit",
    "Unit",
    "default_router_id",
    "is_virtual",
    "mac_address",
    "port_speed",
]
