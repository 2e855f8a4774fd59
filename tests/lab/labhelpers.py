"""Shared by the lab tests: small labs of hosts and an Internet node on a manual clock."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import trio

from nos.lab.nodes import HostNode, InternetNode
from nos.lab.topology import Lab
from nos.runtime.clock import ManualScheduler

REPO = Path(__file__).resolve().parents[2]
DUAL_ISP = REPO / "demo-configs" / "dual-isp"


def host(name: str, address: str, gateway: str | None = None, **kw: object) -> HostNode:
    gw = ipaddress.IPv4Address(gateway) if gateway else None
    return HostNode(name, ipaddress.IPv4Interface(address), gw, **kw)  # type: ignore[arg-type]


def internet(name: str, addresses: list[str], serves: list[str], ports: list[str] | None = None) -> InternetNode:
    ports = ports or [f"eth{i}" for i in range(len(addresses))]
    return InternetNode(
        name,
        ports,
        [ipaddress.IPv4Interface(a) for a in addresses],
        [ipaddress.IPv4Network(s) for s in serves],
    )


def small_lab(seed: int = 7) -> Lab:
    """A host on a /30 straight to the Internet node: `H1:eth0 --(3 ms)-- Net:eth0`."""
    lab = Lab("small", ManualScheduler(), seed)
    lab.add_node(host("H1", "192.0.2.2/30", "192.0.2.1"))
    lab.add_node(internet("Net", ["192.0.2.1/30"], ["8.8.8.8", "208.67.220.0/24"]))
    lab.add_link(("H1", "eth0"), ("Net", "eth0"), latency_ms=3)
    return lab


def run(coro_fn, *args):  # type: ignore[no-untyped-def]
    """Run an async function to completion (manual clock: no Trio clock needed)."""
    return trio.run(coro_fn, *args)
