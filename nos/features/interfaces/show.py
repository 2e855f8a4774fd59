"""`show interfaces` in its forms, built once as Junos' `<interface-information>` and rendered from it.

The element is what get-interface-information answers (PyEZ's PhyPortTable and
EthPortTable, napalm's get_interfaces and get_interfaces_ip read it): element
names and nesting from the vSRX 24.4 and PyEZ/napalm captures. Each text
renderer reads only that element back, so the text, `| display xml` and `|
display json` carry the same values. Column layout from the vSRX 24.4 captures:
terse is Interface 24, Admin 5+1, Link 4+1, Proto 9, Local 22, Remote.

Forms: terse, brief, descriptions, and the physical form at four levels:
normal (rates), statistics (normal + when cleared and the error totals),
detail (the traffic counters with their rates) and extensive (detail + the
error blocks). Rates are measured (rates.py), MAC addresses derived per device
and port, speeds from the port's type (state.py).
"""

from __future__ import annotations

import fnmatch
import re

from nos.features.interfaces.state import (
    SYSTEM_INTERFACES,
    Interfaces,
    Port,
    SystemInterface,
    SystemUnit,
    Unit,
    is_virtual,
    port_speed,
)
from nos.routing.prefix import MASKS, addr_text, interface_address
from nos.runtime.clock import format_ago, format_time
from nos.runtime.structured import JUNOS, E, Element, Structured, namespace, sub, text_of

NS = namespace("junos-interface")
LEVELS = ("normal", "statistics", "detail", "extensive")  # the physical form's levels
_STYLE = f"{{{JUNOS}}}style"  # the junos:style attribute
_PORT_ORDER = re.compile(r"(\d+)")
_SLOT = re.compile(r"([a-z]+)-(\d+)/(\d+)/(\d+)$")
_PORT_TYPES = ("fe", "ge", "xe", "mge", "et")


def _order(name: str) -> tuple[object, ...]:
    """Junos' order: the slot interfaces by FPC/PIC/port, their types by name within one port
    (ge-0/0/0, gr-0/0/0, ..., sp-0/0/0, ge-0/0/1), then the others by name (dsc, fxp0, lo0...)."""
    slot = _SLOT.match(name)
    if slot:  # the PIC's services interfaces (gr-, sp-...) beside ge-; other port types as before, by type
        kind = slot[1] if slot[1] in _PORT_TYPES else "ge"
        return (0, kind, int(slot[2]), int(slot[3]), int(slot[4]), slot[1])
    return (1, [int(p) if p.isdigit() else p for p in _PORT_ORDER.split(name)])


def _spec(port: Port) -> SystemInterface | None:
    """The always-present interface's own form (lo0 a Loopback...), or None for the Ethernet form."""
    spec = SYSTEM_INTERFACES.get(port.name)
    return spec if spec is not None and not spec.ethernet else None


def _indices(state: Interfaces, port: Port) -> tuple[int, int]:
    """(Interface index, SNMP ifIndex): the vSRX's own for an unconfigured always-present interface."""
    spec = SYSTEM_INTERFACES.get(port.name)
    if spec is not None and state.system.get(port.name) is port:
        return spec.local_index, spec.snmp_index
    return port.index + 130, port.snmp_index


def _ports(state: Interfaces, pattern: str | None, instance: str | None = None) -> list[Port]:
    ports = state.listed()
    if pattern:
        base = pattern.split(".", 1)[0]
        ports = [p for p in ports if fnmatch.fnmatchcase(p.name, base) or p.name == base]
    if instance is not None:  # the ports with a unit in the routing instance
        ports = [p for p in ports if _units(state, p, None, instance)]
    return sorted(ports, key=lambda p: _order(p.name))


def _units(state: Interfaces, port: Port, pattern: str | None, instance: str | None = None) -> list[Unit]:
    units = [port.units[n] for n in sorted(port.units)]
    internal = [u for u in state.system_units.get(port.name, ()) if u.unit not in port.units]
    units = sorted(units + internal, key=lambda u: u.unit) if internal else units
    if pattern and "." in pattern:
        units = [u for u in units if fnmatch.fnmatchcase(u.name, pattern)]
    if instance is not None:  # `routing-instance` (an RPC argument; PyEZ's facts ask for __juniper_private1__)
        units = [u for u in units if _instance(state, u) == instance]
    return units


def _instance(state: Interfaces, unit: Unit) -> str | None:
    if any(u is unit for u in state.system_units.get(unit.name.rsplit(".", 1)[0], ())):
        return state.system_instance(unit)
    return state.engine.instance_of_interface(unit.name)


def _updown(flag: bool) -> str:
    return "up" if flag else "down"


def _flags(parent: Element, tag: str, *names: str) -> Element:
    """A flags element holding empty flag elements (`<if-device-flags><ifdf-present/>...`)."""
    flags = sub(parent, tag)
    for name in names:
        sub(flags, name)
    return flags


def _rpc_args(pattern: str | None, style: str) -> dict[str, str | bool]:
    args: dict[str, str | bool] = {} if style == "normal" else {style: True}
    if pattern:
        args["interface-name"] = pattern
    return args


# -- terse ---------------------------------------------------------------------------------------------


def terse_xml(state: Interfaces, pattern: str | None, instance: str | None = None) -> Element:
    """`show interfaces terse`: admin and link state, families and addresses."""
    info = E("interface-information", ns=NS, junos_style="terse")
    only_unit = pattern is not None and "." in pattern
    for port in _ports(state, pattern, instance):
        admin = not port.admin_down
        link = state.port_up(port) if not port.admin_down else _link(state, port)
        parent = info
        if not only_unit:
            parent = sub(info, "physical-interface")
            sub(parent, "name", port.name)
            sub(parent, "admin-status", _updown(admin))
            sub(parent, "oper-status", _updown(link))
        for unit in _units(state, port, pattern, instance):
            uadmin = admin and not unit.admin_down
            logical = sub(parent, "logical-interface")
            sub(logical, "name", unit.name)
            sub(logical, "admin-status", _updown(uadmin))
            sub(logical, "oper-status", _updown(state.unit_up(unit) if uadmin else link))
            sub(logical, "filter-information")
            for family in unit.families or ([] if not unit.addresses else ["inet"]):
                af = sub(logical, "address-family")
                sub(af, "address-family-name", family)
                for address in unit.addresses if family == "inet" else []:
                    ifa = sub(af, "interface-address")
                    if unit.name.startswith("lo") and address.endswith("/32"):  # a loopback host address
                        sub(ifa, "ifa-local", address[:-3], junos_emit="emit")
                        sub(ifa, "ifa-destination", "0/0", junos_emit="emit")
                    else:
                        sub(ifa, "ifa-local", address, junos_emit="emit")
    return info


def render_terse(info: Element) -> list[str]:
    lines = ["Interface               Admin Link Proto    Local                 Remote"]
    for element in info:
        if element.tag == "physical-interface":
            lines.append(
                f"{text_of(element, 'name'):<24}{text_of(element, 'admin-status'):<6}{text_of(element, 'oper-status')}"
            )
            for logical in element.iterfind("logical-interface"):
                lines += _terse_unit(logical)
        elif element.tag == "logical-interface":
            lines += _terse_unit(element)
    return lines


def _terse_unit(logical: Element) -> list[str]:
    head = f"{text_of(logical, 'name'):<24}{text_of(logical, 'admin-status'):<6}{text_of(logical, 'oper-status'):<5}"
    families = logical.findall("address-family")
    if not families:
        return [head.rstrip()]
    lines: list[str] = []
    for family in families:
        name = text_of(family, "address-family-name")
        addresses = family.findall("interface-address")
        if not addresses:
            lines.append((head if not lines else " " * 35) + name)
            continue
        for k, ifa in enumerate(addresses):
            lead = head if not lines else " " * 35
            fam = f"{name:<9}" if k == 0 else " " * 9
            local = text_of(ifa, "ifa-local")
            remote = ifa.find("ifa-destination")
            lines.append(f"{lead}{fam}" + (f"{local:<20}--> {remote.text}" if remote is not None else local))
    return lines


def _link(state: Interfaces, port: Port) -> bool:
    if is_virtual(port.name) or not state.device.cabled:
        return True
    return bool(port.link)


# -- the physical form: normal, statistics, detail, extensive ----------------------------------------


def _destination(address: str) -> tuple[str, str, str]:
    """(Destination, Local, Broadcast) of an interface address, Junos-style (`10.0.0/24`)."""
    a, plen = interface_address(address)
    net = a & MASKS[plen]
    octets = addr_text(net).split(".")
    keep = max(1, (plen + 7) // 8)
    dest = ".".join(octets[:keep]) + f"/{plen}"
    broadcast = addr_text(net | (~MASKS[plen] & 0xFFFFFFFF))
    return dest, addr_text(a), broadcast


def interfaces_xml(
    state: Interfaces,
    pattern: str | None,
    now: float,
    level: str = "normal",
    media: bool = False,
    instance: str | None = None,
) -> Element:
    """`show interfaces [NAME] [statistics|detail|extensive]` as `<interface-information>`.
    `media` (an RPC argument, as EthPortTable sends) adds the MAC statistics."""
    info = E("interface-information", ns=NS, junos_style="normal")
    only_unit = pattern is not None and "." in pattern
    verbose = level in ("detail", "extensive")
    for port in _ports(state, pattern, instance):
        parent = info if only_unit else _physical(info, state, port, now, level, media)
        for unit in _units(state, port, pattern, instance):
            _logical(parent, state, unit, verbose)
    return info


def _physical_head(info: Element, state: Interfaces, port: Port) -> tuple[Element, bool]:
    """What every `<physical-interface>` starts with: name, states, indices, description."""
    up = state.port_up(port)
    phy = sub(info, "physical-interface")
    sub(phy, "name", port.name)
    admin = not port.admin_down
    sub(phy, "admin-status", _updown(admin), junos_format="Enabled" if admin else "Disabled")
    sub(phy, "oper-status", _updown(up))
    local, snmp = _indices(state, port)
    sub(phy, "local-index", local)
    sub(phy, "snmp-index", snmp)
    if port.description:
        sub(phy, "description", port.description)
    return phy, up


def _physical(info: Element, state: Interfaces, port: Port, now: float, level: str, media: bool) -> Element:
    spec = _spec(port)
    if spec is not None:
        return _system_physical(info, state, port, spec, now, level)
    phy, up = _physical_head(info, state, port)
    for tag, text in (
        ("link-level-type", "Ethernet"),
        ("mtu", port.mtu or 1514),
        ("sonet-mode", "LAN-PHY"),
        ("source-filtering", "disabled"),
        ("link-mode", "Full-duplex"),
        ("speed", port_speed(port.name)),
        ("bpdu-error", "none"),
        ("loopback", "disabled"),
        ("if-flow-control", "enabled"),
        ("if-auto-negotiation", "enabled"),
        ("if-remote-fault", "online"),
    ):
        sub(phy, tag, text)
    _flags(phy, "if-device-flags", "ifdf-present", "ifdf-running", *([] if up else ["ifdf-down"]))
    config = _flags(phy, "if-config-flags", *([] if up else ["iff-hardware-down"]), "iff-snmp-traps")
    sub(config, "internal-flags", "0x4000")
    _flags(phy, "if-media-flags", "ifmf-none")
    cos = sub(phy, "physical-interface-cos-information")
    sub(cos, "physical-interface-cos-hw-max-queues", 8)
    sub(cos, "physical-interface-cos-use-max-queues", 8)
    mac = state.mac(port)
    sub(phy, "current-physical-address", mac)
    sub(phy, "hardware-physical-address", mac)
    age = max(0.0, now - port.flapped)
    sub(phy, "interface-flapped", f"{format_time(port.flapped)} ({format_ago(age)} ago)", junos_seconds=int(age))
    if level != "normal":
        sub(phy, "statistics-cleared", "Never")
    totals = port.totals()
    in_bps, in_pps, out_bps, out_pps = state.rates.rates(port.name, totals)
    if level in ("detail", "extensive"):
        traffic = sub(phy, "traffic-statistics", junos_style="verbose")
        in_b, out_b, in_p, out_p = totals
        for tag, n in (
            ("input-bytes", in_b),
            ("input-bps", in_bps),
            ("output-bytes", out_b),
            ("output-bps", out_bps),
            ("input-packets", in_p),
            ("input-pps", in_pps),
            ("output-packets", out_p),
            ("output-pps", out_pps),
        ):
            sub(traffic, tag, n)
    else:
        traffic = sub(phy, "traffic-statistics", junos_style="brief")
        for tag, n in (("input-bps", in_bps), ("input-pps", in_pps), ("output-bps", out_bps), ("output-pps", out_pps)):
            sub(traffic, tag, n)
    if level in ("statistics", "extensive"):
        _error_lists(phy, port)
    if media or level == "extensive":
        _mac_statistics(phy, totals)
    if level in ("normal", "statistics"):
        for tag in ("active-alarms", "active-defects"):
            _flags(sub(phy, tag), "interface-alarms", "alarm-not-present")
        sub(phy, "interface-transmit-statistics", "Disabled")
    return phy


def _system_physical(
    info: Element, state: Interfaces, port: Port, spec: SystemInterface, now: float, level: str
) -> Element:
    """An always-present interface that is no Ethernet port (lo0, gr-0/0/0, st0...): its type,
    MTU and flags as the vSRX capture shows them; its counters are its units' (0 unconfigured)."""
    phy, up = _physical_head(info, state, port)
    for tag, text in (("if-type", spec.if_type), ("link-level-type", spec.link_type)):
        if text is not None:
            sub(phy, tag, text)
    sub(phy, "mtu", port.mtu or spec.mtu)
    if spec.speed is not None:
        sub(phy, "speed", spec.speed)
    device_flags = ["ifdf-present", "ifdf-running", *(["ifdf-loopback"] if spec.loopback else [])]
    _flags(phy, "if-device-flags", *device_flags, *([] if up else ["ifdf-down"]))
    config_flags = [f for f in spec.config_flags if f != "iff-hardware-down"]
    _flags(phy, "if-config-flags", *([] if up else ["iff-hardware-down"]), *config_flags)
    if spec.flapped == "Never":
        sub(phy, "interface-flapped", "Never", junos_seconds=0)
    elif spec.flapped is not None:
        age = max(0.0, now - port.flapped)
        sub(phy, "interface-flapped", f"{format_time(port.flapped)} ({format_ago(age)} ago)", junos_seconds=int(age))
    if level != "normal":
        sub(phy, "statistics-cleared", "Never")
    totals = port.totals()
    in_b, out_b, in_p, out_p = totals
    if level in ("detail", "extensive"):
        traffic = sub(phy, "traffic-statistics", junos_style="verbose")
        for tag, n in (
            ("input-bytes", in_b),
            ("output-bytes", out_b),
            ("input-packets", in_p),
            ("output-packets", out_p),
        ):
            sub(traffic, tag, n)
    elif spec.rates:
        in_bps, in_pps, out_bps, out_pps = state.rates.rates(port.name, totals)
        traffic = sub(phy, "traffic-statistics", junos_style="brief")
        for tag, n in (("input-bps", in_bps), ("input-pps", in_pps), ("output-bps", out_bps), ("output-pps", out_pps)):
            sub(traffic, tag, n)
    else:
        traffic = sub(phy, "traffic-statistics", junos_style="brief")
        sub(traffic, "input-packets", in_p)
        sub(traffic, "output-packets", out_p)
    if level in ("statistics", "extensive"):
        _error_lists(phy, port)
    return phy


def _error_lists(phy: Element, port: Port) -> None:
    """Errors and drops: nothing in the lab damages frames, so all 0 but the carrier transitions."""
    inputs = sub(phy, "input-error-list")
    for tag in (
        "input-errors",
        "input-drops",
        "framing-errors",
        "input-runts",
        "input-giants",
        "input-discards",
        "input-l3-incompletes",
        "input-l2-channel-errors",
        "input-l2-mismatch-timeouts",
        "input-fifo-errors",
        "input-resource-errors",
    ):
        sub(inputs, tag, 0)
    outputs = sub(phy, "output-error-list")
    sub(outputs, "carrier-transitions", port.flaps)
    for tag in (
        "output-errors",
        "output-collisions",
        "output-drops",
        "aged-packets",
        "mtu-errors",
        "hs-link-crc-errors",
        "output-fifo-errors",
        "output-resource-errors",
    ):
        sub(outputs, tag, 0)


def _mac_statistics(phy: Element, totals: tuple[int, int, int, int]) -> None:
    """What the MAC counted: every lab frame is unicast."""
    in_b, out_b, in_p, out_p = totals
    stats = sub(phy, "ethernet-mac-statistics", junos_style="verbose")
    for tag, n in (
        ("input-bytes", in_b),
        ("output-bytes", out_b),
        ("input-packets", in_p),
        ("output-packets", out_p),
        ("input-unicasts", in_p),
        ("output-unicasts", out_p),
        ("input-broadcasts", 0),
        ("output-broadcasts", 0),
        ("input-multicasts", 0),
        ("output-multicasts", 0),
    ):
        sub(stats, tag, n)


def _internal(state: Interfaces, unit: Unit) -> SystemUnit | None:
    """The vSRX's description of an internal unit (lo0.16384, sp-0/0/0.16383), None for a configured one."""
    base = unit.name.rsplit(".", 1)[0]
    if not any(u is unit for u in state.system_units.get(base, ())):
        return None
    return next(u for u in SYSTEM_INTERFACES[base].units if u.unit == unit.unit)


def _internal_logical(parent: Element, state: Interfaces, unit: Unit, spec: SystemUnit, verbose: bool) -> None:
    logical = sub(parent, "logical-interface")
    sub(logical, "name", unit.name)
    sub(logical, "local-index", spec.local_index)
    sub(logical, "snmp-index", spec.snmp_index)
    config = _flags(logical, "if-config-flags", "iff-up")
    if spec.encapsulation != "Unspecified":
        sub(config, "iff-point-to-point")
    sub(config, "iff-snmp-traps")
    sub(logical, "encapsulation", spec.encapsulation)
    traffic = sub(logical, "traffic-statistics", junos_style="verbose" if verbose else "brief")
    if verbose:
        sub(traffic, "input-bytes", 0)
        sub(traffic, "output-bytes", 0)
    sub(traffic, "input-packets", 0)
    sub(traffic, "output-packets", 0)
    sub(logical, "filter-information")
    sub(logical, "logical-interface-zone-name", "Null")
    for name in spec.families:
        family = sub(logical, "address-family")
        sub(family, "address-family-name", name)
        sub(family, "mtu", spec.mtu)
        _flags(family, "address-family-flags", "ifff-none")
        for address in spec.addresses if name == "inet" else ():
            sub(sub(family, "interface-address"), "ifa-local", address)


def _logical(parent: Element, state: Interfaces, unit: Unit, verbose: bool) -> None:
    spec = _internal(state, unit)
    if spec is not None:
        _internal_logical(parent, state, unit, spec, verbose)
        return
    up = state.unit_up(unit)
    logical = sub(parent, "logical-interface")
    sub(logical, "name", unit.name)
    sub(logical, "local-index", unit.index + 70)
    sub(logical, "snmp-index", unit.snmp_index)
    if unit.description:
        sub(logical, "description", unit.description)
    config = _flags(
        logical,
        "if-config-flags",
        "iff-up" if up else "iff-device-down",
        *(["iff-down"] if unit.admin_down else []),
        "iff-snmp-traps",
    )
    sub(config, "internal-flags", "0x4000")
    if unit.vlan_id:
        tag = f"[ 0x8100.{unit.vlan_id} ]"
        sub(logical, "link-address", tag, junos_format=f"VLAN-Tag {tag}")
    sub(logical, "encapsulation", "ENET2")
    c = unit.counters
    traffic = sub(logical, "traffic-statistics", junos_style="verbose" if verbose else "brief")
    if verbose:
        sub(traffic, "input-bytes", c.in_bytes)
        sub(traffic, "output-bytes", c.out_bytes)
    sub(traffic, "input-packets", c.in_packets)
    sub(traffic, "output-packets", c.out_packets)
    sub(logical, "filter-information")
    sub(logical, "logical-interface-zone-name", state.zone_of.get(unit.name) or "Null")  # SRX: Null in no zone
    if "inet" in unit.families or unit.addresses:
        family = sub(logical, "address-family")
        sub(family, "address-family-name", "inet")
        sub(family, "mtu", unit.mtu or 1500)
        _flags(family, "address-family-flags", "ifff-sendbcast-pkt-to-re")
        for k, address in enumerate(unit.addresses):
            dest, local, broadcast = _destination(address)
            ifa = sub(family, "interface-address")
            _flags(ifa, "ifa-flags", "ifaf-current-preferred", *(["ifaf-current-primary"] if k == 0 else []))
            sub(ifa, "ifa-destination", dest)
            sub(ifa, "ifa-local", local)
            sub(ifa, "ifa-broadcast", broadcast)


_DEVICE_FLAGS = {"ifdf-present": "Present", "ifdf-running": "Running", "ifdf-loopback": "Loopback", "ifdf-down": "Down"}
_CONFIG_FLAGS = {
    "iff-hardware-down": "Hardware-Down",
    "iff-point-to-point": "Point-To-Point",
    "iff-snmp-traps": "SNMP-Traps",
}
_UNIT_FLAGS = {
    "iff-up": "Up",
    "iff-device-down": "Device-Down",
    "iff-point-to-point": "Point-To-Point",
    "iff-snmp-traps": "SNMP-Traps",
}
_ADDRESS_FLAGS = {"ifaf-current-preferred": "Is-Preferred", "ifaf-current-primary": "Is-Primary"}
_FAMILY_FLAGS = {"ifff-sendbcast-pkt-to-re": "Sendbcast-pkt-to-re", "ifff-none": "None"}


def _words(element: Element | None, names: dict[str, str]) -> list[str]:
    """The text words of a flags element's flags, in their order (flags without a word are left out)."""
    return [names[str(child.tag)] for child in (element if element is not None else []) if child.tag in names]


def render_interfaces(info: Element) -> list[str]:
    """The text of `show interfaces [statistics|detail|extensive]`, read from its XML."""
    lines: list[str] = []
    for element in info:
        if element.tag == "physical-interface":
            if lines:
                lines.append("")
            lines += _physical_text(element)
        units = element.iterfind("logical-interface") if element.tag == "physical-interface" else [element]
        for logical in units:
            lines += [""] if lines else []
            lines += _logical_text(logical)
    return lines


def _state_words(phy: Element) -> str:
    enabled = "Enabled" if text_of(phy, "admin-status") == "up" else "Administratively down"
    link = "Up" if text_of(phy, "oper-status") == "up" else "Down"
    return f"Physical interface: {text_of(phy, 'name')}, {enabled}, Physical link is {link}"


def _interface_flags(phy: Element) -> list[str]:
    config = phy.find("if-config-flags")
    return [
        "  Device flags   : " + " ".join(_words(phy.find("if-device-flags"), _DEVICE_FLAGS)),
        "  Interface flags: "
        + " ".join(_words(config, _CONFIG_FLAGS))
        + f" Internal: {text_of(config, 'internal-flags')}",
        "  Link flags     : None",
    ]


def _system_text(phy: Element) -> list[str]:
    """An always-present interface that is no Ethernet port: type, MTU, flags, then rates or packets."""
    lines = [
        _state_words(phy),
        f"  Interface index: {text_of(phy, 'local-index')}, SNMP ifIndex: {text_of(phy, 'snmp-index')}",
    ]
    if phy.find("description") is not None:
        lines.append(f"  Description: {text_of(phy, 'description')}")
    return lines + _system_head(phy) + _system_tail(phy)


def _system_head(phy: Element) -> list[str]:
    """Type, MTU and the flags of an interface that is no Ethernet port."""
    parts = [
        f"{label}: {text_of(phy, tag)}"
        for label, tag in (
            ("Type", "if-type"),
            ("Link-level type", "link-level-type"),
            ("MTU", "mtu"),
            ("Speed", "speed"),
        )
        if phy.find(tag) is not None
    ]
    config = _words(phy.find("if-config-flags"), _CONFIG_FLAGS)
    return [
        "  " + ", ".join(parts),
        "  Device flags   : " + " ".join(_words(phy.find("if-device-flags"), _DEVICE_FLAGS)),
        "  Interface flags: " + (" ".join(config) or "None"),
    ]


def _system_tail(phy: Element) -> list[str]:
    lines: list[str] = []
    if phy.find("interface-flapped") is not None:
        lines.append(f"  Last flapped   : {text_of(phy, 'interface-flapped')}")
    if phy.find("statistics-cleared") is not None:
        lines.append(f"  Statistics last cleared: {text_of(phy, 'statistics-cleared')}")
    traffic = phy.find("traffic-statistics")
    if traffic is not None and traffic.get(_STYLE) == "verbose":
        lines.append("  Traffic statistics:")
        for label, count in (
            ("Input  bytes  ", "input-bytes"),
            ("Output bytes  ", "output-bytes"),
            ("Input  packets", "input-packets"),
            ("Output packets", "output-packets"),
        ):
            lines.append(f"   {label}: {text_of(traffic, count):>20}")
    elif traffic is not None and traffic.find("input-bps") is not None:
        lines += [
            f"  Input rate     : {text_of(traffic, 'input-bps')} bps ({text_of(traffic, 'input-pps')} pps)",
            f"  Output rate    : {text_of(traffic, 'output-bps')} bps ({text_of(traffic, 'output-pps')} pps)",
        ]
    elif traffic is not None:
        lines += [
            f"    Input packets : {text_of(traffic, 'input-packets')}",
            f"    Output packets: {text_of(traffic, 'output-packets')}",
        ]
    inputs, outputs = phy.find("input-error-list"), phy.find("output-error-list")
    if inputs is not None and outputs is not None:
        lines.append(
            f"  Input errors: {text_of(inputs, 'input-errors')}, Output errors: {text_of(outputs, 'output-errors')}"
        )
    return lines


def _physical_text(phy: Element) -> list[str]:
    if phy.find("current-physical-address") is None:  # lo0, gr-0/0/0, st0...: no Ethernet port
        return _system_text(phy)
    lines = [
        _state_words(phy),
        f"  Interface index: {text_of(phy, 'local-index')}, SNMP ifIndex: {text_of(phy, 'snmp-index')}",
    ]
    if phy.find("description") is not None:
        lines.append(f"  Description: {text_of(phy, 'description')}")
    cos = phy.find("physical-interface-cos-information")
    mac, hardware = text_of(phy, "current-physical-address"), text_of(phy, "hardware-physical-address")
    lines += [  # wrapped as an SRX prints it (ntc show_interfaces capture)
        f"  Link-level type: {text_of(phy, 'link-level-type')}, MTU: {text_of(phy, 'mtu')}, MRU: 0, LAN-PHY mode,",
        f"  Link-mode: {text_of(phy, 'link-mode')}, Speed: {text_of(phy, 'speed')}, BPDU Error: None,",
        "  MAC-REWRITE Error: None, Loopback: Disabled, Source filtering: Disabled,",
        "  Flow control: Enabled, Auto-negotiation: Enabled, Remote fault: Online",
        *_interface_flags(phy),
        f"  CoS queues     : {text_of(cos, 'physical-interface-cos-hw-max-queues')} supported,"
        f" {text_of(cos, 'physical-interface-cos-use-max-queues')} maximum usable queues",
        f"  Current address: {mac}, Hardware address: {hardware}",
        f"  Last flapped   : {text_of(phy, 'interface-flapped')}",
    ]
    traffic = phy.find("traffic-statistics")
    verbose = traffic is not None and traffic.get(_STYLE) == "verbose"
    if phy.find("statistics-cleared") is not None:
        lines.append(f"  Statistics last cleared: {text_of(phy, 'statistics-cleared')}")
    if verbose:
        lines.append("  Traffic statistics:")
        for label, count, rate, unit in (
            ("Input  bytes  ", "input-bytes", "input-bps", "bps"),
            ("Output bytes  ", "output-bytes", "output-bps", "bps"),
            ("Input  packets", "input-packets", "input-pps", "pps"),
            ("Output packets", "output-packets", "output-pps", "pps"),
        ):
            lines.append(f"   {label}: {text_of(traffic, count):>20}{text_of(traffic, rate):>21} {unit}")
    else:
        lines += [
            f"  Input rate     : {text_of(traffic, 'input-bps')} bps ({text_of(traffic, 'input-pps')} pps)",
            f"  Output rate    : {text_of(traffic, 'output-bps')} bps ({text_of(traffic, 'output-pps')} pps)",
        ]
    inputs, outputs = phy.find("input-error-list"), phy.find("output-error-list")
    if inputs is not None and outputs is not None:
        if verbose:  # extensive: the error blocks
            lines += [
                "  Input errors:",
                f"    Errors: {text_of(inputs, 'input-errors')}, Drops: {text_of(inputs, 'input-drops')},"
                f" Framing errors: {text_of(inputs, 'framing-errors')}, Runts: {text_of(inputs, 'input-runts')},"
                f" Giants: {text_of(inputs, 'input-giants')}, Policed discards: {text_of(inputs, 'input-discards')},"
                f" Resource errors: {text_of(inputs, 'input-resource-errors')}",
                "  Output errors:",
                f"    Carrier transitions: {text_of(outputs, 'carrier-transitions')},"
                f" Errors: {text_of(outputs, 'output-errors')}, Drops: {text_of(outputs, 'output-drops')},"
                f" MTU errors: {text_of(outputs, 'mtu-errors')},"
                f" Resource errors: {text_of(outputs, 'output-resource-errors')}",
            ]
        else:  # statistics: the totals
            lines.append(
                f"  Input errors: {text_of(inputs, 'input-errors')}, Output errors: {text_of(outputs, 'output-errors')}"
            )
    if phy.find("active-alarms") is not None:
        lines += ["  Active alarms  : None", "  Active defects : None"]
    if phy.find("interface-transmit-statistics") is not None:
        lines.append(f"  Interface transmit statistics: {text_of(phy, 'interface-transmit-statistics')}")
    return lines


def _unit_flags(logical: Element, with_tag: bool) -> str:
    config = logical.find("if-config-flags")
    words = _words(config, _UNIT_FLAGS) + (
        [text_of(config, "internal-flags")] if config.find("internal-flags") is not None else []
    )
    tag = logical.find("link-address")
    if with_tag and tag is not None:
        words.append(f"VLAN-Tag {tag.text}")
    return f"    Flags: {' '.join(words)} Encapsulation: {text_of(logical, 'encapsulation')}"


def _logical_text(logical: Element) -> list[str]:
    lines = [
        f"  Logical interface {text_of(logical, 'name')} (Index {text_of(logical, 'local-index')})"
        f" (SNMP ifIndex {text_of(logical, 'snmp-index')})"
    ]
    if logical.find("description") is not None:
        lines.append(f"    Description: {text_of(logical, 'description')}")
    traffic = logical.find("traffic-statistics")
    lines += [
        _unit_flags(logical, with_tag=True),
        f"    Input packets : {text_of(traffic, 'input-packets')}",
        f"    Output packets: {text_of(traffic, 'output-packets')}",
        f"    Security: Zone: {text_of(logical, 'logical-interface-zone-name')}",
    ]
    for family in logical.iterfind("address-family"):
        lines.append(f"    Protocol {text_of(family, 'address-family-name')}, MTU: {text_of(family, 'mtu')}")
        lines.append("      Flags: " + " ".join(_words(family.find("address-family-flags"), _FAMILY_FLAGS)))
        for ifa in family.iterfind("interface-address"):
            if ifa.find("ifa-destination") is None:  # an internal unit's host address (lo0.16384)
                lines += ["      Addresses", f"        Local: {text_of(ifa, 'ifa-local')}"]
                continue
            lines.append("      Addresses, Flags: " + " ".join(_words(ifa.find("ifa-flags"), _ADDRESS_FLAGS)))
            lines.append(
                f"        Destination: {text_of(ifa, 'ifa-destination')}, Local: {text_of(ifa, 'ifa-local')},"
                f" Broadcast: {text_of(ifa, 'ifa-broadcast')}"
            )
    return lines


# -- brief ---------------------------------------------------------------------------------------------


def brief_xml(state: Interfaces, pattern: str | None, instance: str | None = None) -> Element:
    """`show interfaces brief`: the physical state in a few lines, each unit's flags and addresses."""
    info = E("interface-information", ns=NS, junos_style="brief")
    only_unit = pattern is not None and "." in pattern
    for port in _ports(state, pattern, instance):
        parent = info
        if not only_unit:
            up = state.port_up(port)
            parent = sub(info, "physical-interface")
            sub(parent, "name", port.name)
            admin = not port.admin_down
            sub(parent, "admin-status", _updown(admin), junos_format="Enabled" if admin else "Disabled")
            sub(parent, "oper-status", _updown(up))
            if port.description:
                sub(parent, "description", port.description)
            spec = _spec(port)
            if spec is not None:  # lo0, gr-0/0/0, st0...: type, MTU and flags as the vSRX shows them
                _system_brief(parent, port, spec, up)
                _brief_units(parent, state, port, pattern, instance)
                continue
            for tag, text in (
                ("link-level-type", "Ethernet"),
                ("mtu", port.mtu or 1514),
                ("link-mode", "Full-duplex"),
                ("speed", port_speed(port.name)),
                ("loopback", "disabled"),
                ("source-filtering", "disabled"),
                ("if-flow-control", "enabled"),
            ):
                sub(parent, tag, text)
            _flags(parent, "if-device-flags", "ifdf-present", "ifdf-running", *([] if up else ["ifdf-down"]))
            config = _flags(parent, "if-config-flags", *([] if up else ["iff-hardware-down"]), "iff-snmp-traps")
            sub(config, "internal-flags", "0x4000")
        _brief_units(parent, state, port, pattern, instance)
    return info


def _system_brief(parent: Element, port: Port, spec: SystemInterface, up: bool) -> None:
    for tag, text in (("if-type", spec.if_type), ("link-level-type", spec.link_type)):
        if text is not None:
            sub(parent, tag, text)
    sub(parent, "mtu", port.mtu or spec.mtu)
    if spec.speed is not None:
        sub(parent, "speed", spec.speed)
    device_flags = ["ifdf-present", "ifdf-running", *(["ifdf-loopback"] if spec.loopback else [])]
    _flags(parent, "if-device-flags", *device_flags, *([] if up else ["ifdf-down"]))
    config_flags = [f for f in spec.config_flags if f != "iff-hardware-down"]
    _flags(parent, "if-config-flags", *([] if up else ["iff-hardware-down"]), *config_flags)


def _brief_units(parent: Element, state: Interfaces, port: Port, pattern: str | None, instance: str | None) -> Element:
    for unit in _units(state, port, pattern, instance):
        logical = sub(parent, "logical-interface")
        sub(logical, "name", unit.name)
        internal = _internal(state, unit)
        config = _flags(logical, "if-config-flags", "iff-up" if state.unit_up(unit) else "iff-device-down")
        if unit.admin_down:
            sub(config, "iff-down")
        sub(config, "iff-snmp-traps")
        if internal is None:
            sub(config, "internal-flags", "0x4000")
        sub(logical, "encapsulation", internal.encapsulation if internal is not None else "ENET2")
        families = list(internal.families) if internal is not None else (["inet"] if unit.addresses else [])
        for name in families:
            family = sub(logical, "address-family")
            sub(family, "address-family-name", name)
            addresses = internal.addresses if internal is not None else unit.addresses  # 127.0.0.1, no /32
            for address in addresses if name == "inet" else []:
                sub(sub(family, "interface-address"), "ifa-local", address)
    return parent


def render_brief(info: Element) -> list[str]:
    lines: list[str] = []
    for element in info:
        if element.tag == "physical-interface":
            if lines:
                lines.append("")
            lines.append(_state_words(element))
            if element.find("description") is not None:
                lines.append(f"  Description: {text_of(element, 'description')}")
            if element.find("link-mode") is None:  # lo0, gr-0/0/0, st0...
                lines += _system_head(element)
            else:
                lines.append(
                    f"  Link-level type: {text_of(element, 'link-level-type')}, MTU: {text_of(element, 'mtu')},"
                    f" Link-mode: {text_of(element, 'link-mode')}, Speed: {text_of(element, 'speed')},"
                    " Loopback: Disabled, Source filtering: Disabled, Flow control: Enabled"
                )
                lines += _interface_flags(element)
            units = list(element.iterfind("logical-interface"))
        else:
            units = [element]
        for logical in units:
            lines += (
                ["", f"  Logical interface {text_of(logical, 'name')} "]
                if lines
                else [f"  Logical interface {text_of(logical, 'name')} "]
            )
            lines.append(_unit_flags(logical, with_tag=False))
            for family in logical.iterfind("address-family"):
                addresses = [text_of(ifa, "ifa-local") for ifa in family.iterfind("interface-address")]
                lines.append(f"    {text_of(family, 'address-family-name')}  " + " ".join(addresses))
    return lines


# -- descriptions --------------------------------------------------------------------------------------


def descriptions_xml(state: Interfaces) -> Element:
    """`show interfaces descriptions`: the interfaces with a description (units beside their port)."""
    info = E("interface-information", ns=NS, junos_style="description")
    for port in _ports(state, None):
        if port.description:
            physical = sub(info, "physical-interface")
            sub(physical, "name", port.name)
            sub(physical, "admin-status", _updown(not port.admin_down))
            sub(physical, "oper-status", _updown(state.port_up(port)))
            sub(physical, "description", port.description)
        for unit in _units(state, port, None):
            if unit.description:
                logical = sub(info, "logical-interface")
                sub(logical, "name", unit.name)
                sub(logical, "admin-status", _updown(not unit.admin_down))
                sub(logical, "oper-status", _updown(state.unit_up(unit)))
                sub(logical, "description", unit.description)
    return info


def render_descriptions(info: Element) -> list[str]:
    rows = [
        f"{text_of(e, 'name'):<16}{text_of(e, 'admin-status'):<6}{text_of(e, 'oper-status'):<5}"
        + text_of(e, "description")
        for e in info
    ]
    return ["Interface       Admin Link Description", *rows] if rows else []


# -- the answers -----------------------------------------------------------------------------------------


def show_interfaces(
    state: Interfaces,
    pattern: str | None,
    now: float,
    style: str = "normal",
    media: bool = False,
    instance: str | None = None,
) -> Structured:
    """`show interfaces [NAME] [terse|brief|statistics|detail|extensive]` (get-interface-information);
    `instance`: only the units in that routing instance (`all`: every one)."""
    instance = None if instance == "all" else instance
    if style == "terse":
        xml, render = terse_xml(state, pattern, instance), render_terse
    elif style == "brief":
        xml, render = brief_xml(state, pattern, instance), render_brief
    else:
        xml, render = interfaces_xml(state, pattern, now, style, media, instance), render_interfaces
    args = _rpc_args(pattern, style)
    if instance is not None:
        args["routing-instance"] = instance
    return Structured(xml, render, "get-interface-information", args)


def show_descriptions(state: Interfaces) -> Structured:
    return Structured(descriptions_xml(state), render_descriptions, "get-interface-information", {"descriptions": True})


__all__ = [
    "LEVELS",
    "brief_xml",
    "descriptions_xml",
    "interfaces_xml",
    "render_brief",
    "render_descriptions",
    "render_interfaces",
    "render_terse",
    "show_descriptions",
    "show_interfaces",
    "terse_xml",
]
