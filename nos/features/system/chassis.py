"""The chassis of a vSRX: `show chassis routing-engine` (`<route-engine-information>`),
`show chassis hardware` (`<chassis-inventory>`) and the cluster status a standalone
box refuses.

PyEZ facts read the routing engine's status, model and up-time (RE0; a single
routing engine sends no slot or mastership, which PyEZ takes as slot 0, master),
the chassis serial number (`.//chassis[1]/serial-number`), and take the
`xnm:error` "Chassis cluster is not enabled" as srx_cluster False.
The inventory lists what a vSRX has, with part and serial numbers `BUILTIN` as
built-in parts print them (so ntc-templates' parser reads every line); the
chassis serial number is derived from the device's name, so it is stable for a
lab node and differs between nodes.
"""

from __future__ import annotations

import hashlib
from typing import Any

from lxml import etree

from nos.features.system.uptime import load_averages
from nos.runtime.clock import format_time
from nos.runtime.structured import E, Element, namespace, sub, text_of

XNM = "http://xml.juniper.net/xnm/1.1/xnm"
CLUSTER_NOT_ENABLED = "error: Chassis cluster is not enabled"

# The routing engine of a vSRX with 2 vCPUs and 4 GB: memory in MB (total, used) per part.
MEMORY = {
    "memory-system-total": (4035, 1738),
    "memory-control-plane": (1731, 1006),
    "memory-data-plane": (2304, 732),
}
REBOOT_REASON = "Router rebooted after a normal shutdown."

# (name, description, sub-modules): what a vSRX's inventory lists below the chassis.
MODULES = (
    ("Routing Engine", "VSRX RE", ()),
    ("FPC 0", "Virtual FPC", (("PIC 0", "VSRX DPDK GE", ()),)),
)


def serial_number(name: str) -> str:
    """A vSRX serial number (12 hex digits), the same for the same device name."""
    return hashlib.sha256(f"nos-vsrx:{name}".encode()).hexdigest()[:12]


def _duration(seconds: int) -> str:
    """`1 day, 7 hours, 59 minutes, 40 seconds` (leading zero units left out)."""
    parts = []
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        n, seconds = divmod(seconds, size)
        if n or parts or unit == "second":
            parts.append(f"{n} {unit}{'s' if n != 1 else ''}")
    return ", ".join(parts)


def route_engine_xml(device: Any) -> Element:
    now = device.scheduler.epoch()
    up = int(now - device.boot_time)
    info = E("route-engine-information", ns=namespace("junos-chassis"))
    engine = sub(info, "route-engine")  # no slot or mastership: a single RE (PyEZ takes slot 0, master)
    sub(engine, "status", "Testing")  # what vSRX and Firefly report
    for prefix, (total, used) in MEMORY.items():
        sub(engine, prefix, total)
        sub(engine, f"{prefix}-used", used)
        sub(engine, f"{prefix}-util", used * 100 // total)
    for field, value in (("user", 0), ("background", 0), ("system", 0), ("interrupt", 0), ("idle", 100)):
        sub(engine, f"cpu-{field}", value)
    sub(engine, "model", "VSRX RE")
    sub(engine, "start-time", format_time(device.boot_time), junos_seconds=int(device.boot_time))
    sub(engine, "up-time", _duration(up), junos_seconds=up)
    sub(engine, "last-reboot-reason", REBOOT_REASON)
    for name, value in zip(("one", "five", "fifteen"), load_averages(device), strict=True):  # as `w` says
        sub(engine, f"load-average-{name}", value)
    return info


def render_route_engine(info: Element) -> list[str]:
    lines = ["Routing Engine status:"]
    for engine in info.iterfind("route-engine"):
        for label, prefix in (
            ("    Total memory", "memory-system-total"),
            ("      Control plane memory", "memory-control-plane"),
            ("      Data plane memory", "memory-data-plane"),
        ):
            size, used, util = (text_of(engine, prefix + suffix) for suffix in ("", "-used", "-util"))
            lines.append(f"{label:<30}{size:>4} MB Max {used:>5} MB used ({util:>3} percent)")
        lines.append("    CPU utilization:")
        for label, tag in (
            ("User", "user"),
            ("Background", "background"),
            ("Kernel", "system"),
            ("Interrupt", "interrupt"),
            ("Idle", "idle"),
        ):
            lines.append(f"      {label:<23}{text_of(engine, 'cpu-' + tag):>5} percent")
        for label, tag in (
            ("Model", "model"),
            ("Start time", "start-time"),
            ("Uptime", "up-time"),
            ("Last reboot reason", "last-reboot-reason"),
        ):
            lines.append(f"    {label:<31}{text_of(engine, tag)}")
        loads = [text_of(engine, f"load-average-{n}") for n in ("one", "five", "fifteen")]
        lines.append(f"    {'Load averages:':<31}1 minute   5 minute  15 minute")
        lines.append(f"{'':35}{loads[0]:>8}{loads[1]:>11}{loads[2]:>11}")
    return lines


def inventory_xml(device: Any) -> Element:
    info = E("chassis-inventory", ns=namespace("junos-chassis"))
    chassis = sub(info, "chassis", junos_style="inventory")
    sub(chassis, "name", "Chassis")
    sub(chassis, "serial-number", serial_number(device.node_name))
    sub(chassis, "description", "VSRX")

    def add(parent: Element, tag: str, modules: tuple) -> None:  # type: ignore[type-arg]
        for name, description, inner in modules:
            module = sub(parent, tag)
            sub(module, "name", name)
            sub(module, "part-number", "BUILTIN")
            sub(module, "serial-number", "BUILTIN")
            sub(module, "description", description)
            add(module, tag.replace("chassis-", "chassis-sub-", 1), inner)

    add(chassis, "chassis-module", MODULES)
    return info


def render_inventory(info: Element) -> list[str]:
    """Columns as Junos prints them: Item, Version, Part number, Serial number, Description;
    the chassis and its modules at the margin, each sub-module two further in."""
    lines = ["Hardware inventory:", "Item             Version  Part number  Serial number     Description"]

    def row(item: Element, depth: int) -> None:
        name = "  " * depth + text_of(item, "name")
        line = (
            f"{name:<17}{text_of(item, 'version'):<9}{text_of(item, 'part-number'):<13}"
            f"{text_of(item, 'serial-number'):<18}{text_of(item, 'description')}"
        )
        lines.append(line.rstrip())
        for child in item:
            if isinstance(child.tag, str) and etree.QName(child).localname.startswith("chassis-sub"):
                row(child, depth + 1)

    for chassis in info.iterfind("chassis"):
        row(chassis, 0)
        for module in chassis.iterfind("chassis-module"):
            row(module, 0)
    return lines


def cluster_status_error() -> Element:
    """What a standalone SRX answers to get-chassis-cluster-status: an `xnm:error` inside the reply."""
    error = etree.Element(f"{{{XNM}}}error", nsmap={"xnm": XNM})
    etree.SubElement(error, f"{{{XNM}}}parse")
    etree.SubElement(error, f"{{{XNM}}}source-daemon").text = "jsrpd"
    etree.SubElement(error, f"{{{XNM}}}message").text = CLUSTER_NOT_ENABLED
    return error
