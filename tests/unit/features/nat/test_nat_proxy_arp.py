"""Proxy ARP in the lab walk: a NAT address in the uplink's subnet is reached only when the SRX answers
ARP for it (`security nat proxy-arp`), the caveat of seed 001.

    H   10.0.1.10 -- ge-0/0/0 10.0.1.1 (trust)
    Srv 10.0.2.10 -- ge-0/0/2 10.0.2.1 (dmz)       SRX
                     ge-0/0/1 192.0.2.1/24 (untrust) -- 192.0.2.2/24 R 198.51.100.1 -- Net (8.8.8.8)

R delivers to the whole of 192.0.2.0/24 directly: the static NAT address 192.0.2.10 (Srv) and the
source pool address 192.0.2.20 (H's sessions) are on its connected subnet, so R resolves them with
ARP on the link to the SRX, which owns neither.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from featurelab import commit_set

from nos.lab.labfile import load_lab_file
from nos.lab.packet import ECHO_REPLY, ECHO_REQUEST, Packet, ipv4_int, ipv4_text
from nos.lab.topology import build_lab
from nos.runtime.clock import ManualScheduler

SRX = """\
set system host-name SRX
set system root-authentication encrypted-password "$6$lab$x"
set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24
set interfaces ge-0/0/1 unit 0 family inet address 192.0.2.1/24
set interfaces ge-0/0/2 unit 0 family inet address 10.0.2.1/24
set routing-options static route 0.0.0.0/0 next-hop 192.0.2.2
set security zones security-zone trust interfaces ge-0/0/0.0
set security zones security-zone untrust interfaces ge-0/0/1.0
set security zones security-zone dmz interfaces ge-0/0/2.0
set security address-book global address srv 10.0.2.10/32
set security policies from-zone trust to-zone untrust policy out match source-address any
set security policies from-zone trust to-zone untrust policy out match destination-address any
set security policies from-zone trust to-zone untrust policy out match application any
set security policies from-zone trust to-zone untrust policy out then permit
set security policies from-zone untrust to-zone dmz policy in match source-address any
set security policies from-zone untrust to-zone dmz policy in match destination-address srv
set security policies from-zone untrust to-zone dmz policy in match application junos-ping
set security policies from-zone untrust to-zone dmz policy in then permit
set security nat source pool uplink address 192.0.2.20/32
set security nat source rule-set out from zone trust
set security nat source rule-set out to zone untrust
set security nat source rule-set out rule all match source-address 0.0.0.0/0
set security nat source rule-set out rule all then source-nat pool uplink
set security nat static rule-set in from zone untrust
set security nat static rule-set in rule srv match destination-address 192.0.2.10/32
set security nat static rule-set in rule srv then static-nat prefix 10.0.2.10/32
"""

PROXY_ARP = (
    "set security nat proxy-arp interface ge-0/0/1.0 address 192.0.2.10/32\n"
    "set security nat proxy-arp interface ge-0/0/1.0 address 192.0.2.20/32\n"
)

R = """\
set system host-name R
set system root-authentication encrypted-password "$6$lab$x"
set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.2/24
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/30
set routing-options static route 0.0.0.0/0 next-hop 198.51.100.2
"""

LAB = """\
[lab]
name = "proxy-arp"
clock = "virtual"

[nodes.SRX]
kind = "device"
config = "srx.conf"

[nodes.R]
kind = "device"
platform = "router"
config = "r.conf"

[nodes.Net]
kind = "internet"
address = "198.51.100.2/30"
serves = ["8.8.8.8"]

[nodes.H]
kind = "host"
address = "10.0.1.10/24"
gateway = "10.0.1.1"

[nodes.Srv]
kind = "host"
address = "10.0.2.10/24"
gateway = "10.0.2.1"

[[links]]
a = "SRX:ge-0/0/0"
b = "H:eth0"

[[links]]
a = "SRX:ge-0/0/2"
b = "Srv:eth0"

[[links]]
a = "SRX:ge-0/0/1"
b = "R:ge-0/0/0"

[[links]]
a = "R:ge-0/0/1"
b = "Net:eth0"
"""


class ArpLab:
    def __init__(self, folder: Path):
        (folder / "srx.conf").write_text(SRX)
        (folder / "r.conf").write_text(R)
        (folder / "lab.toml").write_text(LAB)
        self.lab = build_lab(
            load_lab_file(folder / "lab.toml"), scheduler=ManualScheduler(), state_dir=folder / "state"
        )
        self.srx = self.lab.nodes["SRX"].device

    def ping(self, origin: str, dst: str):  # type: ignore[no-untyped-def]
        return self.lab.exchange(origin, Packet(0, ipv4_int(dst), "icmp", icmp=ECHO_REQUEST, ident=5))


@pytest.fixture
def arp_lab(tmp_path):  # type: ignore[no-untyped-def]
    lab = ArpLab(tmp_path)
    yield lab
    lab.lab.close()


def test_a_static_nat_address_in_the_uplink_subnet_needs_proxy_arp(arp_lab):
    ex = arp_lab.ping("Net", "192.0.2.10")
    assert ex.reply is None
    assert ex.forward is not None and (ex.forward.outcome, ex.forward.node) == ("dropped", "R")
    assert ex.forward.reason == "ARP unresolved: no answer for 192.0.2.10 on R:ge-0/0/0"
    assert len(arp_lab.srx.flow_sessions.table) == 0  # it never reached the SRX

    commit_set(arp_lab.srx, PROXY_ARP)
    ex = arp_lab.ping("Net", "192.0.2.10")
    assert ex.reply is not None and ex.reply.icmp == ECHO_REPLY
    assert ipv4_text(ex.reply.src) == "192.0.2.10"  # Srv's answer, translated back on its way out
    assert ex.forward is not None and ex.forward.node == "Srv"


def test_a_source_pool_address_in_the_uplink_subnet_needs_proxy_arp(arp_lab):
    """The first packet leaves translated and Net answers it, but R cannot deliver the answer."""
    ex = arp_lab.ping("H", "8.8.8.8")
    assert ex.reply is None and ex.forward is not None and ex.forward.node == "Net"
    assert ipv4_text(ex.forward.packet.dst) == "192.0.2.20"  # Net answered the pool address
    assert ex.back is not None and (ex.back.outcome, ex.back.node) == ("dropped", "R")
    assert ex.back.reason.startswith("ARP unresolved: no answer for 192.0.2.20")

    commit_set(arp_lab.srx, PROXY_ARP)
    ex = arp_lab.ping("H", "8.8.8.8")
    assert ex.reply is not None and ipv4_text(ex.reply.src) == "8.8.8.8"


def test_own_addresses_resolve_and_nobody_answers_for_an_unused_one(arp_lab):
    assert arp_lab.ping("Net", "192.0.2.1").reply is None  # (untrust allows no ping to the SRX itself)
    assert arp_lab.ping("R", "192.0.2.1").forward.node == "SRX"  # R resolves the SRX's own address
    ex = arp_lab.ping("H", "10.0.1.99")  # on H's own subnet: H asks, nobody answers
    assert (ex.forward.outcome, ex.forward.node) == ("dropped", "H")
    assert ex.forward.reason == "ARP unresolved: no answer for 10.0.1.99 on H:eth0"
