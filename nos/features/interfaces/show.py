"""`show interfaces` in its forms: terse, brief, the default (standard) form, detail, descriptions.

Pure renderers of `Interfaces` state. Column layout from the vSRX 24.4 captures:
terse is Interface 24, Admin 5+1, Link 4+1, Proto 9, Local 22, Remote.
"""

from __future__ import annotations

import fnmatch
import re

from nos.features.interfaces.state import Interfaces, Port, Unit
from nos.routing.prefix import MASKS, addr_text, interface_address
from nos.runtime.clock import format_ago, format_time

_PORT_ORDER = re.compile(r"(\d+)")


def _order(name: str) -> list[object]:
    return [int(p) if p.isdigit() else p for p in _PORT_ORDER.split(name)]


def _ports(state: Interfaces, pattern: str | None) -> list[Port]:
    ports = [p for p in state.ports.values() if p.configured or p.link is not None]
    if pattern:
        base = pattern.split(".", 1)[0]
        ports = [p for p in ports if fnmatch.fnmatchcase(p.name, base) or p.name == base]
    return sorted(ports, key=lambda p: _order(p.name))


def _units(port: Port, pattern: str | None) -> list[Unit]:
    units = [port.units[n] for n in sorted(port.units)]
    if pattern and "." in pattern:
        units = [u for u in units if fnmatch.fnmatchcase(u.name, pattern)]
    return units


def _updown(flag: bool) -> str:
    return "up" if flag else "down"


def terse(state: Interfaces, pattern: str | None = None) -> list[str]:
    lines = ["Interface               Admin Link Proto    Local                 Remote"]
    for port in _ports(state, pattern):
        admin = not port.admin_down
        link = state.port_up(port) if not port.admin_down else _link(state, port)
        if not pattern or "." not in pattern:
            lines.append(f"{port.name:<24}{_updown(admin):<6}{_updown(link)}")
        for unit in _units(port, pattern):
            uadmin = admin and not unit.admin_down
            ulink = state.unit_up(unit) if uadmin else link
            head = f"{unit.name:<24}{_updown(uadmin):<6}{_updown(ulink):<5}"
            families = unit.families or ([] if not unit.addresses else ["inet"])
            if not families:
                lines.append(head.rstrip())
                continue
            first = True
            for family in families:
                addrs = unit.addresses if family == "inet" else []
                if not addrs:
                    lines.append((head if first else " " * 35) + family)
                    first = False
                    continue
                for k, a in enumerate(addrs):
                    lead = head if first else " " * 35
                    fam = f"{family:<9}" if k == 0 else " " * 9
                    lines.append(f"{lead}{fam}{_terse_address(unit, a)}")
                    first = False
    return lines


def _terse_address(unit: Unit, address: str) -> str:
    """A loopback host address prints without its /32 and with `--> 0/0` as the remote end."""
    if unit.name.startswith("lo") and address.endswith("/32"):
        return f"{address[:-3]:<20}--> 0/0"
    return address


def _link(state: Interfaces, port: Port) -> bool:
    from nos.features.interfaces.state import is_virtual

    if is_virtual(port.name) or not state.device.cabled:
        return True
    return bool(port.link)


def _destination(address: str) -> tuple[str, str, str]:
    """(Destination, Local, Broadcast) of an interface address, Junos-style (`10.0.0/24`)."""
    a, plen = interface_address(address)
    net = a & MASKS[plen]
    octets = addr_text(net).split(".")
    keep = max(1, (plen + 7) // 8)
    dest = ".".join(octets[:keep]) + f"/{plen}"
    broadcast = addr_text(net | (~MASKS[plen] & 0xFFFFFFFF))
    return dest, addr_text(a), broadcast


def standard(state: Interfaces, pattern: str | None, now: float, detail: bool = False) -> list[str]:
    """The default `show interfaces [NAME]` form (and a little more with `detail`)."""
    lines: list[str] = []
    for port in _ports(state, pattern):
        up = state.port_up(port)
        enabled = "Enabled" if not port.admin_down else "Administratively down"
        only_unit = pattern is not None and "." in pattern
        if not only_unit:
            if lines:
                lines.append("")
            lines += [
                f"Physical interface: {port.name}, {enabled}, Physical link is {'Up' if up else 'Down'}",
                f"  Interface index: {port.index + 130}, SNMP ifIndex: {port.snmp_index}",
            ]
            if port.description:
                lines.append(f"  Description: {port.description}")
            mtu = port.mtu or 1514
            lines += [  # wrapped as an SRX prints it (ntc show_interfaces capture)
                f"  Link-level type: Ethernet, MTU: {mtu}, MRU: 0, LAN-PHY mode,",
                "  Link-mode: Full-duplex, Speed: 1000mbps, BPDU Error: None,",
                "  MAC-REWRITE Error: None, Loopback: Disabled, Source filtering: Disabled,",
                "  Flow control: Enabled, Auto-negotiation: Enabled, Remote fault: Online",
                "  Device flags   : Present Running" + ("" if up else " Down"),
                "  Interface flags: " + ("SNMP-Traps" if up else "Hardware-Down SNMP-Traps") + " Internal: 0x4000",
                "  Link flags     : None",
                "  CoS queues     : 8 supported, 8 maximum usable queues",
                f"  Current address: {port.mac}, Hardware address: {port.mac}",
                f"  Last flapped   : {format_time(port.flapped)} ({format_ago(now - port.flapped)} ago)",
            ]
            if detail:
                c = port.counters
                total_in = sum(u.counters.in_bytes for u in port.units.values())
                total_out = sum(u.counters.out_bytes for u in port.units.values())
                pk_in = sum(u.counters.in_packets for u in port.units.values())
                pk_out = sum(u.counters.out_packets for u in port.units.values())
                lines += [
                    "  Statistics last cleared: Never",
                    "  Traffic statistics:",
                    f"   Input  bytes  : {total_in + c.in_bytes:>20}                    0 bps",
                    f"   Output bytes  : {total_out + c.out_bytes:>20}                    0 bps",
                    f"   Input  packets: {pk_in + c.in_packets:>20}                    0 pps",
                    f"   Output packets: {pk_out + c.out_packets:>20}                    0 pps",
                ]
            else:
                lines += [
                    "  Input rate     : 0 bps (0 pps)",
                    "  Output rate    : 0 bps (0 pps)",
                    "  Active alarms  : None",
                    "  Active defects : None",
                    "  Interface transmit statistics: Disabled",
                ]
        for unit in _units(port, pattern):
            lines += [""] if lines else []
            lines += _unit(state, unit)
    return lines


def _unit(state: Interfaces, unit: Unit) -> list[str]:
    up = state.unit_up(unit)
    lines = [
        f"  Logical interface {unit.name} (Index {unit.index + 70}) (SNMP ifIndex {unit.snmp_index})",
        f"    Flags: {'Up' if up else 'Device-Down'} SNMP-Traps 0x4000"
        + (f" VLAN-Tag [ 0x8100.{unit.vlan_id} ]" if unit.vlan_id else "")
        + " Encapsulation: ENET2",
    ]
    if unit.description:
        lines.insert(1, f"    Description: {unit.description}")
    lines += [
        f"    Input packets : {unit.counters.in_packets}",
        f"    Output packets: {unit.counters.out_packets}",
    ]
    lines.append(f"    Security: Zone: {state.zone_of.get(unit.name) or 'Null'}")  # SRX: Null when in no zone
    if "inet" in unit.families or unit.addresses:
        lines.append(f"    Protocol inet, MTU: {unit.mtu or 1500}")
        lines.append("      Flags: Sendbcast-pkt-to-re")
        for k, a in enumerate(unit.addresses):
            flags = "Is-Preferred Is-Primary" if k == 0 else "Is-Preferred"
            dest, local, bcast = _destination(a)
            lines.append(f"      Addresses, Flags: {flags}")
            lines.append(f"        Destination: {dest}, Local: {local}, Broadcast: {bcast}")
    return lines


def brief(state: Interfaces, pattern: str | None) -> list[str]:
    lines: list[str] = []
    for port in _ports(state, pattern):
        up = state.port_up(port)
        if lines:
            lines.append("")
        lines += [
            f"Physical interface: {port.name}, {'Enabled' if not port.admin_down else 'Administratively down'},"
            f" Physical link is {'Up' if up else 'Down'}",
        ]
        if port.description:
            lines.append(f"  Description: {port.description}")
        lines += [
            f"  Link-level type: Ethernet, MTU: {port.mtu or 1514}, Link-mode: Full-duplex, Speed: 1000mbps,"
            " Loopback: Disabled, Source filtering: Disabled, Flow control: Enabled",
            "  Device flags   : Present Running" + ("" if up else " Down"),
            "  Interface flags: " + ("SNMP-Traps" if up else "Hardware-Down SNMP-Traps") + " Internal: 0x4000",
            "  Link flags     : None",
        ]
        for unit in _units(port, pattern):
            lines += ["", f"  Logical interface {unit.name} "]
            flags = "Up" if state.unit_up(unit) else "Device-Down"
            lines.append(f"    Flags: {flags} SNMP-Traps 0x4000 Encapsulation: ENET2")
            if unit.addresses:
                lines.append("    inet  " + " ".join(unit.addresses))
    return lines


def descriptions(state: Interfaces) -> list[str]:
    rows = []
    for port in _ports(state, None):
        if port.description:
            up = state.port_up(port)
            rows.append((port.name, "up" if not port.admin_down else "down", _updown(up), port.description))
        for unit in _units(port, None):
            if unit.description:
                up = state.unit_up(unit)
                rows.append((unit.name, "up" if not unit.admin_down else "down", _updown(up), unit.description))
    if not rows:
        return []
    lines = ["Interface       Admin Link Description"]
    lines += [f"{name:<16}{admin:<6}{link:<5}{desc}" for name, admin, link, desc in rows]
    return lines


__all__ = ["brief", "descriptions", "standard", "terse"]
