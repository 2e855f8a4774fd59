"""The interfaces a vSRX always lists (lo0 with lo0.16384/16385, fxp0, gr-0/0/0, dsc, vlan...) and the
router ID derived from the interfaces when none is configured (one rule for show route and BGP)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from clidriver import Cli

from nos.features.bgp.config import router_id
from nos.features.interfaces.state import SYSTEM_INTERFACES, default_router_id
from nos.lab.packet import ipv4_int
from nos.runtime.device import Device

# The order and states of the vSRX 24.4 capture (get-interface-information), with ge-0/0/0..1 configured.
TERSE_ORDER = [
    "ge-0/0/0",
    "gr-0/0/0",
    "ip-0/0/0",
    "lsq-0/0/0",
    "lt-0/0/0",
    "mt-0/0/0",
    "sp-0/0/0",
    "ge-0/0/1",
    "dsc",
    "fti0",
    "fxp0",
    "gre",
    "ipip",
    "irb",
    "lo0",
    "lsi",
    "mtun",
    "pimd",
    "pime",
    "pp0",
    "ppd0",
    "ppe0",
    "st0",
    "tap",
    "vlan",
]
PORTS = """
set interfaces ge-0/0/0 unit 0 family inet address 192.168.10.1/24
set interfaces ge-0/0/1 unit 0 family inet address 10.0.0.1/30
"""
IFNS = "{http://xml.juniper.net/junos/24.4R0/junos-interface}"


def out(device: Device, line: str) -> list[str]:
    return Cli(device).output(line).rstrip("\n").split("\n")


def reply_of(device: Device, line: str) -> ET.Element:
    return ET.fromstring("\n".join(out(device, f"{line} | display xml")).replace("junos:", "junos-"))[0]


def test_terse_lists_the_always_present_interfaces_in_junos_order(srx):
    device = srx(PORTS)
    lines = out(device, "show interfaces terse")
    physical = [line.split()[0] for line in lines[1:] if line[0] != " " and "." not in line.split()[0]]
    assert physical == TERSE_ORDER
    assert set(physical) >= set(SYSTEM_INTERFACES)
    rows = {line.split()[0]: line for line in lines[1:] if line[0] != " "}
    assert rows["vlan"] == "vlan                    up    down"  # the capture: no VLAN interface up
    assert rows["lo0.16384"] == "lo0.16384               up    up   inet     127.0.0.1           --> 0/0"
    assert rows["lo0.16385"].startswith("lo0.16385               up    up   inet     10.0.0.1            --> 0/0")
    assert rows["sp-0/0/0.0"] == "sp-0/0/0.0              up    up   inet"
    assert "lo0.0" not in rows  # lo0 unconfigured: only its internal units


def test_text_xml_and_json_name_the_same_interfaces(srx):
    device = srx(PORTS)
    for form in ("terse", "brief", "", "detail", "extensive"):
        command = f"show interfaces {form}".strip()
        text = "\n".join(out(device, command))
        info = reply_of(device, command)
        names = [e.findtext(f"{IFNS}name") for e in info if e.tag == f"{IFNS}physical-interface"]
        assert names == TERSE_ORDER, form
        data = json.loads("\n".join(out(device, f"{command} | display json")))
        assert [p["name"][0]["data"] for p in data["interface-information"][0]["physical-interface"]] == names
        assert all(name in text for name in names), form
        states = {
            e.findtext(f"{IFNS}name"): (e.findtext(f"{IFNS}admin-status"), e.findtext(f"{IFNS}oper-status"))
            for e in info
        }
        assert states["vlan"] == ("up", "down") and states["lo0"] == ("up", "up"), form


def test_lo0_and_gr_in_their_own_form(srx):
    device = srx(PORTS)
    lo0 = out(device, "show interfaces lo0")
    assert lo0[:6] == [
        "Physical interface: lo0, Enabled, Physical link is Up",
        "  Interface index: 6, SNMP ifIndex: 6",
        "  Type: Loopback, MTU: Unlimited",
        "  Device flags   : Present Running Loopback",
        "  Interface flags: SNMP-Traps",
        "  Last flapped   : Never",
    ]
    assert "  Logical interface lo0.16384 (Index 66) (SNMP ifIndex 21)" in lo0  # the capture's indices
    assert "        Local: 127.0.0.1" in lo0
    gr = out(device, "show interfaces gr-0/0/0")
    assert gr[2] == "  Type: GRE, Link-level type: GRE, MTU: Unlimited, Speed: 800mbps"
    assert "  Input rate     : 0 bps (0 pps)" in gr
    assert out(device, "show interfaces lo0.16385 terse")[1].startswith("lo0.16385 ")
    assert out(device, "show interfaces nosuch0") == ["error: device nosuch0 not found"]


def test_a_configured_lo0_keeps_its_internal_units(srx):
    device = srx(PORTS + "set interfaces lo0 unit 0 family inet address 10.255.255.1/32\n")
    units = [line.split()[0] for line in out(device, "show interfaces lo0 terse")[1:] if line[0] != " "]
    assert units == ["lo0", "lo0.0", "lo0.16384", "lo0.16385", "lo0.32768"]


def test_always_present_interfaces_are_no_lab_ports_and_not_routed(srx):
    device = srx(PORTS)
    state = device.dataplane.interfaces
    assert device.dataplane.ports() == ["ge-0/0/0", "ge-0/0/1"]
    assert "lo0" not in state.ports and "lo0.16384" not in state.units
    assert "lo0.16384" not in device.dataplane.engine.interfaces
    assert ipv4_int("127.0.0.1") not in device.dataplane.addresses()


def summary_router_id(device: Device) -> str:
    return next(line for line in out(device, "show route summary") if line.startswith("Router ID:"))


def test_router_id_is_lo0s_address_else_the_lowest_interface_address(srx):
    assert summary_router_id(srx("")) == "Router ID: 0.0.0.0"
    assert summary_router_id(srx(PORTS)) == "Router ID: 10.0.0.1"  # the lowest address
    with_lo0 = srx(PORTS + "set interfaces lo0 unit 0 family inet address 10.255.255.1/32\n")
    assert summary_router_id(with_lo0) == "Router ID: 10.255.255.1"  # lo0 first, though higher
    detail = out(with_lo0, "show route instance master detail")
    assert detail[:2] == ["master:", "  Router ID: 10.255.255.1"]
    xml = reply_of(with_lo0, "show route summary")
    assert xml.findtext("{http://xml.juniper.net/junos/24.4R0/junos-routing}router-id") == "10.255.255.1"
    configured = srx(PORTS + "set routing-options router-id 192.0.2.9\n")
    assert summary_router_id(configured) == "Router ID: 192.0.2.9"


def test_bgp_uses_the_same_rule():
    lo0, others = [ipv4_int("10.255.255.1")], [ipv4_int("10.0.0.1"), ipv4_int("192.168.10.1")]
    assert default_router_id(lo0, others) == lo0[0]
    assert default_router_id([ipv4_int("127.0.0.1")], others) == others[0]  # 127/8 never
    assert default_router_id([], []) == 0
    assert router_id(None, others, lo0) == lo0[0]
    assert router_id(None, others) == others[0]
