"""/etc/hosts.junos: the names of the internal routing instance's addresses (lo0.16385's).

Junos ships this file to name the addresses its routing engines and FPCs use to
talk to each other inside `__juniper_private1__`. PyEZ maps the addresses of
`show interfaces terse routing-instance __juniper_private1__` through it to
tell which RE it is connected to (its `current_re` fact; a vSRX is `master`,
`re0`, `fpc0.pic0` ...). The lines are the single-chassis part of the file as
SRX branch devices carry it.
"""

from __future__ import annotations

from typing import Any

from nos.runtime.filesystem import View

PATH = ("etc", "hosts.junos")

# (address, names) of a single chassis, new (RT_IRS_V3) address format.
SINGLE_CHASSIS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("128.0.0.1", ("master", "node", "fwdd", "member", "pfem")),
    ("128.0.0.2", ("scb", "sbr", "ssb", "feb", "cfeb0", "cfeb", "cpp0")),
    ("128.0.0.3", ("cfeb1", "cpp1")),
    ("128.0.0.4", ("re0",)),
    ("128.0.0.5", ("re1",)),
    ("128.0.0.6", ("backup",)),
    ("128.0.0.16", ("fpc0",)),
    ("128.0.1.16", ("fpc0.pic0",)),
)


def hosts_junos() -> str:
    lines = [
        "#",
        "# File mapping AF_INET/AF_INET6 hostnames for REs on Single and Multichassis",
        "# systems",
        "#",
        "# The IP addresses in this file are only used for communication between REs",
        "# over the Internal Routing Instances",
        "#",
        "",
        "# New IP address format (RT_IRS_V3)",
        "",
        "#",
        "# Single Chassis Hostnames",
        "#",
        "",
    ]
    lines += [f"{address:<16} {name}" for address, names in SINGLE_CHASSIS for name in names]
    lines += ["", "# End of internal names"]
    return "".join(line + "\n" for line in lines)


def add_view(device: Any) -> None:
    """The file, read-only, in the device's filesystem (`file show /etc/hosts.junos`, NETCONF file-show)."""
    device.fs.views[PATH] = View(lambda secrets: hosts_junos(), lambda: device.boot_time)


__all__ = ["PATH", "SINGLE_CHASSIS", "add_view", "hosts_junos"]
