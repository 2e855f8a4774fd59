"""`show arp`: the device's neighbours in its lab, as Junos' `<arp-table-information>`.

A device learns the MAC address of every lab node it reaches on a connected
subnet. nos does not carry ARP itself, so the table is what it would hold:
for each up unit whose port has an up lab link, the node at the far end of
that link with an address on one of the unit's subnets (another device's
unit, a host, an Internet node's port), with that node's MAC address (a
device's from its interfaces, a host's or Internet node's derived from its
name and port, state.mac_address). Outside a lab the table is empty.

Entries age as on Junos (20 minutes, refreshed while the link stays up):
the time to expire counts down from the port's last flap. The text follows
the vSRX 24.4 capture (`show arp no-resolve`) and Junos' resolving form; the
PyEZ ArpTable and napalm's get_arp_table read the XML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nos.features.interfaces.state import Interfaces, mac_address
from nos.routing.prefix import MASKS, addr_text
from nos.runtime.structured import E, Element, Structured, namespace, sub, text_of

NS = namespace("junos-arp")
AGING = 1200  # seconds an entry lives without a refresh (Junos' default ARP aging timer)


@dataclass(frozen=True)
class Neighbour:
    address: int
    mac: str
    interface: str  # the device's unit it is reached on
    expires: int  # seconds until the entry is refreshed


def neighbours(device: Any, interfaces: Interfaces) -> list[Neighbour]:
    """The lab nodes on the device's connected subnets, by address."""
    lab = getattr(device, "lab", None)
    if lab is None:
        return []
    me = device.node_name
    now = device.scheduler.epoch()
    found: dict[tuple[int, str], Neighbour] = {}
    for port in interfaces.ports.values():
        if not interfaces.port_up(port):
            continue
        link = lab.link_at(me, port.name)
        if link is None or not link.up:
            continue
        far_name, far_port = link.far_end(me, port.name)
        far = lab.nodes.get(far_name)
        if far is None:
            continue
        addresses = _addresses_on(far, far_port)
        if not addresses:
            continue
        mac = _mac_of(far, far_name, far_port)
        expires = AGING - int(max(0.0, now - port.flapped)) % AGING
        for unit in port.units.values():
            if not interfaces.unit_up(unit):
                continue
            for own, plen in unit.parsed():
                mask = MASKS[plen]
                for address in addresses:
                    if address != own and address & mask == own & mask:
                        found[address, unit.name] = Neighbour(address, mac, unit.name, expires)
    return sorted(found.values(), key=lambda n: (n.address, n.interface))


def _addresses_on(node: Any, port: str) -> list[int]:
    """The addresses a lab node has on its `port` (duck-typed: the lab's node kinds)."""
    device = getattr(node, "device", None)
    if device is not None:  # another nos device: its up units on that port
        state = getattr(getattr(device, "dataplane", None), "interfaces", None)
        far = state.ports.get(port) if state is not None else None
        if far is None:
            return []
        return [a for unit in far.units.values() if state.unit_up(unit) for a, _ in unit.parsed()]
    port_address = getattr(node, "port_address", None)
    if port_address is not None:  # an Internet node: its address on that port
        iface = port_address.get(port)
        return [int(iface.ip)] if iface is not None else []
    address = getattr(node, "address", None)  # a host
    up = getattr(node, "link_up", {}).get(port, True)
    return [address] if isinstance(address, int) and up else []


def _mac_of(node: Any, name: str, port: str) -> str:
    device = getattr(node, "device", None)
    state = getattr(getattr(device, "dataplane", None), "interfaces", None)
    if state is not None and port in state.ports:
        return state.mac(state.ports[port])
    return mac_address(name, port)


# -- the element and its text ----------------------------------------------------------------------------


def arp_xml(entries: list[Neighbour], expiration: bool = False) -> Element:
    info = E("arp-table-information", ns=NS, junos_style="normal")
    for entry in entries:
        row = sub(info, "arp-table-entry")
        address = addr_text(entry.address)
        sub(row, "mac-address", entry.mac)
        sub(row, "ip-address", address)
        sub(row, "hostname", address)  # no name service in the lab: the address is its own name
        sub(row, "interface-name", entry.interface)
        if expiration:
            sub(row, "time-to-expire", entry.expires)
        sub(sub(row, "arp-table-entry-flags"), "none")
    sub(info, "arp-entry-count", len(entries))
    return info


def _flags(row: Element) -> str:
    flags = row.find("arp-table-entry-flags")
    return " ".join(str(f.tag) for f in flags) if flags is not None else "none"


def render_arp(info: Element, resolve: bool = True) -> list[str]:
    """The text of `show arp [no-resolve] [expiration-time]`, read from its XML."""
    rows = list(info.iterfind("arp-table-entry"))
    expiration = any(row.find("time-to-expire") is not None for row in rows)
    name = "Name                      " if resolve else ""
    if expiration:
        lines = [f"MAC Address       Address         {name}Interface     Flags    TTE"]
    else:
        lines = [f"MAC Address       Address         {name}Interface" + (" " * 15 if resolve else " " * 16) + "Flags"]
    for row in rows:
        head = f"{text_of(row, 'mac-address'):<17} {text_of(row, 'ip-address'):<15} "
        if resolve:
            head += f"{text_of(row, 'hostname'):<25} "
        interface = text_of(row, "interface-name")
        if expiration:
            lines.append(f"{head}{interface:<14}{_flags(row):>11}{text_of(row, 'time-to-expire'):>5}")
        else:
            lines.append(f"{head}{interface:<{23 if resolve else 24}} {_flags(row)}")
    lines.append(f"Total entries: {text_of(info, 'arp-entry-count')}")
    return lines


def show_arp(
    device: Any,
    interfaces: Interfaces,
    *,
    resolve: bool = True,
    interface: str | None = None,
    hostname: str | None = None,
    expiration: bool = False,
) -> Structured:
    """`show arp [no-resolve] [interface X] [hostname H] [expiration-time]` (get-arp-table-information)."""
    entries = neighbours(device, interfaces)
    if interface:
        entries = [e for e in entries if e.interface == interface or e.interface.split(".", 1)[0] == interface]
    if hostname:
        entries = [e for e in entries if addr_text(e.address) == hostname]
    args: dict[str, str | bool] = {}
    if not resolve:
        args["no-resolve"] = True
    if expiration:
        args["expiration-time"] = True
    if interface:
        args["interface"] = interface
    if hostname:
        args["hostname"] = hostname

    def render(info: Element) -> list[str]:
        return render_arp(info, resolve)

    return Structured(arp_xml(entries, expiration), render, "get-arp-table-information", args)


__all__ = ["AGING", "Neighbour", "arp_xml", "neighbours", "render_arp", "show_arp"]
