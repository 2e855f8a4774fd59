"""`show interfaces` and `show arp` as structured answers: the text, `| display xml`, `| display json`
and the RPCs (get-interface-information, get-arp-table-information) carry the same values, and the
tables PyEZ and napalm define over them read those values."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from clidriver import Cli
from jnpr.junos.factory import FactoryLoader
from jnpr.junos.jxml import remove_namespaces_and_spaces
from jnpr.junos.op.ethport import EthPortTable
from jnpr.junos.op.phyport import PhyPortStatsTable, PhyPortTable
from lxml import etree
from test_rpcs import NS, Nc, errors

from nos.features import install
from nos.features.interfaces.state import SYSTEM_INTERFACES
from nos.lab.labfile import load_lab_file
from nos.lab.topology import Lab, build_lab
from nos.runtime.accounts import PREDEFINED, Rights
from nos.runtime.clock import ManualScheduler
from nos.runtime.device import Device

IFNS = "{http://xml.juniper.net/junos/24.4R0/junos-interface}"
ARPNS = "{http://xml.juniper.net/junos/24.4R0/junos-arp}"
DUAL_ISP = Path(__file__).resolve().parents[2] / "demo-configs" / "dual-isp"

CONFIG = """\
set system root-authentication encrypted-password "$6$x"
set interfaces ge-0/0/0 description LAN
set interfaces ge-0/0/0 unit 0 description "office hosts"
set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24
set interfaces ge-0/0/1 unit 0 family inet address 10.0.1.1/30
set interfaces ge-0/0/1 unit 0 family inet address 10.0.9.1/24
set interfaces ge-0/0/2 disable
set interfaces ge-0/0/2 unit 0 family inet address 10.0.2.1/24
set interfaces xe-0/0/0 unit 0 family inet address 10.0.3.1/30
set interfaces lo0 unit 0 family inet address 10.255.255.1/32
set routing-instances VR instance-type virtual-router
set routing-instances VR interface xe-0/0/0.0
"""

# napalm's junos_views tables over these RPCs (napalm/junos/utils/junos_views.yml; napalm reads
# `unicode` as `str`), as the reference's junos-xml/INDEX.md lists them.
NAPALM_TABLES = """
junos_iface_table:
  rpc: get-interface-information
  args_key: interface_name
  item: physical-interface
  view: junos_iface_view
junos_iface_view:
  fields:
    is_up: { oper-status: True=up }
    is_enabled: { admin-status: True=up }
    description: { description: str }
    last_flapped: { interface-flapped/@seconds: int }
    speed: speed
    mtu: mtu
    mac_address: current-physical-address
junos_logical_iface_table:
  rpc: get-interface-information
  item: physical-interface/logical-interface
  view: junos_logical_iface_view
junos_logical_iface_view:
  fields:
    is_up: { ../oper-status: True=up }
    description: { description: str }
    speed: ../speed
    mac_address: ../current-physical-address
junos_ip_interfaces_table:
  rpc: get-interface-information
  args:
    terse: True
  item: physical-interface/logical-interface/address-family/interface-address
  key: ifa-local
  view: junos_ip_interfaces_view
junos_ip_interfaces_view:
  fields:
    family: ../address-family-name
    interface: ../../name
junos_arp_table:
  rpc: get-arp-table-information
  args:
    expiration-time: True
    no-resolve: True
  item: arp-table-entry
  key: interface-name
  view: junos_arp_view
junos_arp_view:
  fields:
    interface: { interface-name: str }
    mac: { mac-address: str }
    ip: { ip-address: str }
    age: { time-to-expire: float }
"""
NAPALM = FactoryLoader().load(yaml.safe_load(NAPALM_TABLES))


@pytest.fixture
def srx(schema, tmp_path: Path) -> Device:  # type: ignore[no-untyped-def]
    """srx1 cabled like a lab box: 1000 bytes in 5 packets a second on ge-0/0/0.0 for 10 s, 500 out."""
    clock = ManualScheduler()
    device = Device(schema, clock, hostname="srx1", state_dir=tmp_path / "state")
    install(device)
    cli = Cli(device)
    cli.run("configure", *CONFIG.splitlines())
    assert "commit complete" in cli.run("commit and-quit")
    for port in ("ge-0/0/0", "ge-0/0/1", "xe-0/0/0"):
        device.dataplane.set_link(port, True)
    unit = device.dataplane.interfaces.units["ge-0/0/0.0"]
    for _ in range(10):  # in the middle of each second between the samples
        clock.advance(0.5)
        unit.counters.add_in(200, 5)
        unit.counters.add_out(100, 5)
        clock.advance(0.5)
    return device


def out(device: Device, line: str) -> list[str]:
    return Cli(device).output(line).rstrip("\n").split("\n")


def reply_of(device: Device, line: str) -> ET.Element:
    """The data element of `line | display xml`."""
    lines = out(device, f"{line} | display xml")
    return ET.fromstring("\n".join(lines).replace("junos:", "junos-"))[0]  # junos: is declared on rpc-reply


def json_of(device: Device, line: str) -> dict:
    return json.loads("\n".join(out(device, f"{line} | display json")))


def lxml_of(element: ET.Element):  # type: ignore[no-untyped-def]
    """An RPC's reply element as PyEZ hands it to its tables: lxml, namespaces and spaces removed."""
    return remove_namespaces_and_spaces(etree.fromstring(ET.tostring(element)))


def data(obj: dict, key: str) -> str:
    return obj[key][0]["data"]


# -- show interfaces -------------------------------------------------------------------------------------


def physical_from_text(lines: list[str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in lines:
        if m := re.match(r"Physical interface: (\S+), (Enabled|Administratively down), Physical link is (\w+)", line):
            current = found[m[1]] = {"admin": "up" if m[2] == "Enabled" else "down", "oper": m[3].lower()}
        elif m := re.search(r"Current address: (\S+),", line):
            current["mac"] = m[1]
        elif m := re.search(r"Speed: (\w+),", line):
            current["speed"] = m[1]
        elif m := re.search(r"Input rate     : (\d+) bps \((\d+) pps\)", line):
            current["in"] = f"{m[1]}/{m[2]}"
        elif m := re.search(r"Output rate    : (\d+) bps \((\d+) pps\)", line):
            current["out"] = f"{m[1]}/{m[2]}"
        elif m := re.match(r"  Last flapped   : (.*)", line):
            current["flapped"] = m[1]
        elif m := re.search(r"Local: ([\d.]+),", line):
            current["locals"] = current.get("locals", "") + m[1] + " "
    return found


def physical_from_xml(info: ET.Element) -> dict[str, dict[str, str]]:
    found = {}
    for phy in info.iter(f"{IFNS}physical-interface"):

        def text(tag: str, phy: ET.Element = phy) -> str:
            return phy.findtext(f"{IFNS}{tag}") or ""

        traffic = phy.find(f"{IFNS}traffic-statistics")
        assert traffic is not None
        rate = {t.tag.removeprefix(IFNS): t.text for t in traffic}
        locals_ = "".join(a.text + " " for a in phy.iter(f"{IFNS}ifa-local") if a.text)
        found[text("name")] = {
            "admin": text("admin-status"),
            "oper": text("oper-status"),
            "mac": text("current-physical-address"),
            "speed": text("speed"),
            "in": f"{rate.get('input-bps')}/{rate.get('input-pps')}",
            "out": f"{rate.get('output-bps')}/{rate.get('output-pps')}",
            "flapped": text("interface-flapped"),
            **({"locals": locals_} if locals_ else {}),
        }
    return found


def physical_from_json(obj: dict) -> dict[str, dict[str, str]]:
    found = {}
    for phy in obj["interface-information"][0]["physical-interface"]:
        if "current-physical-address" not in phy:  # lo0, gr-0/0/0...: no Ethernet port
            continue
        traffic = phy["traffic-statistics"][0]
        locals_ = "".join(
            data(ifa, "ifa-local") + " "
            for unit in phy.get("logical-interface", [])
            for family in unit.get("address-family", [])
            for ifa in family.get("interface-address", [])
        )
        found[data(phy, "name")] = {
            "admin": data(phy, "admin-status"),
            "oper": data(phy, "oper-status"),
            "mac": data(phy, "current-physical-address"),
            "speed": data(phy, "speed"),
            "in": f"{data(traffic, 'input-bps')}/{data(traffic, 'input-pps')}",
            "out": f"{data(traffic, 'output-bps')}/{data(traffic, 'output-pps')}",
            "flapped": data(phy, "interface-flapped"),
            **({"locals": locals_} if locals_ else {}),
        }
    return found


def test_show_interfaces_text_xml_and_json_agree(srx: Device) -> None:
    listed = physical_from_text(out(srx, "show interfaces"))
    assert set(listed) == {"ge-0/0/0", "ge-0/0/1", "ge-0/0/2", "xe-0/0/0"} | set(SYSTEM_INTERFACES)  # lo0 too
    ports = ("ge-0/0/0", "ge-0/0/1", "ge-0/0/2", "xe-0/0/0")  # the always-present ones: test_interfaces_always.py
    text = {name: listed[name] for name in ports}
    ge0 = text["ge-0/0/0"]
    assert ge0["in"] == "8000/5" and ge0["out"] == "4000/5"  # 1000 bytes and 5 packets a second in
    assert ge0["speed"] == "1000mbps" and text["xe-0/0/0"]["speed"] == "10Gbps"
    assert (text["ge-0/0/2"]["admin"], text["ge-0/0/2"]["oper"]) == ("down", "down")
    assert text["ge-0/0/1"]["locals"] == "10.0.1.1 10.0.9.1 "
    assert len({listed[name]["mac"] for name in (*ports, "fxp0", "irb")}) == 6  # one MAC a port
    info = reply_of(srx, "show interfaces")
    assert info.tag == f"{IFNS}interface-information" and info.get("junos-style") == "normal"
    assert {k: v for k, v in physical_from_xml(info).items() if k in ports} == text
    assert {k: v for k, v in physical_from_json(json_of(srx, "show interfaces")).items() if k in ports} == text


def test_every_form_renders_from_its_own_xml(srx: Device) -> None:
    """terse, brief, statistics, detail, extensive, descriptions: the text names what the XML holds."""
    for form in ("terse", "brief", "statistics", "detail", "extensive"):
        lines = out(srx, f"show interfaces ge-0/0/0 {form}")
        info = reply_of(srx, f"show interfaces ge-0/0/0 {form}")
        names = [e.text for e in info.iter() if e.tag in (f"{IFNS}name",)]
        assert names == ["ge-0/0/0", "ge-0/0/0.0"], form
        assert all(any(name in line for line in lines) for name in names), form
    detail = out(srx, "show interfaces ge-0/0/0 detail")
    assert "   Input  bytes  :                10000                 8000 bps" in detail
    traffic = reply_of(srx, "show interfaces ge-0/0/0 detail").find(f".//{IFNS}traffic-statistics")
    assert traffic is not None and traffic.get("junos-style") == "verbose"
    assert traffic.findtext(f"{IFNS}input-bytes") == "10000" and traffic.findtext(f"{IFNS}input-bps") == "8000"
    extensive = out(srx, "show interfaces ge-0/0/0 extensive")
    assert "  Output errors:" in extensive
    assert extensive[extensive.index("  Output errors:") + 1].startswith("    Carrier transitions: 1, Errors: 0")
    errors_ = reply_of(srx, "show interfaces ge-0/0/0 extensive").find(f".//{IFNS}output-error-list")
    assert errors_ is not None and errors_.findtext(f"{IFNS}carrier-transitions") == "1"
    statistics = out(srx, "show interfaces ge-0/0/0 statistics")
    assert "  Statistics last cleared: Never" in statistics and "  Input errors: 0, Output errors: 0" in statistics
    terse = out(srx, "show interfaces terse")
    rows = {line.split()[0]: line.split()[1:] for line in terse[1:] if line.split()[0][0] != " "}
    info = reply_of(srx, "show interfaces terse")
    assert info.get("junos-style") == "terse"
    for element in info.iter():
        if element.tag in (f"{IFNS}physical-interface", f"{IFNS}logical-interface"):
            name = element.findtext(f"{IFNS}name")
            assert rows[name][:2] == [element.findtext(f"{IFNS}admin-status"), element.findtext(f"{IFNS}oper-status")]
    assert rows["lo0.0"] == ["up", "up", "inet", "10.255.255.1", "-->", "0/0"]
    described = out(srx, "show interfaces descriptions")
    assert described == [
        "Interface       Admin Link Description",
        "ge-0/0/0        up    up   LAN",
        "ge-0/0/0.0      up    up   office hosts",
    ]
    obj = json_of(srx, "show interfaces descriptions")["interface-information"][0]
    assert obj["attributes"]["junos:style"] == "description"
    assert data(obj["physical-interface"][0], "description") == "LAN"
    assert data(obj["logical-interface"][0], "description") == "office hosts"


def test_the_mac_address_is_per_device_and_port(srx: Device, schema, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = Device(schema, ManualScheduler(), hostname="srx2", state_dir=tmp_path / "other")
    install(other)
    Cli(other).run("configure", "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.2/24", "commit and-quit")
    mine = physical_from_text(out(srx, "show interfaces ge-0/0/0"))["ge-0/0/0"]["mac"]
    theirs = physical_from_text(out(other, "show interfaces ge-0/0/0"))["ge-0/0/0"]["mac"]
    assert mine != theirs
    assert mine == physical_from_text(out(srx, "show interfaces ge-0/0/0"))["ge-0/0/0"]["mac"]  # stable


def test_get_interface_information_over_netconf_with_arguments(srx: Device) -> None:
    nc = Nc(srx)
    one = nc.ok("<get-interface-information><interface-name>ge-0/0/0</interface-name></get-interface-information>")
    info = one[0]
    assert info.tag == f"{IFNS}interface-information"
    assert physical_from_xml(info) == physical_from_text(out(srx, "show interfaces ge-0/0/0"))
    terse = nc.ok("<get-interface-information><terse/></get-interface-information>")[0]
    assert terse.get("{http://xml.juniper.net/junos/24.4R1.9/junos}style") == "terse"
    assert len(terse.findall(f"{IFNS}physical-interface")) == 4 + len(SYSTEM_INTERFACES)  # lo0 among them
    glob = nc.ok(
        "<get-interface-information><extensive/><interface-name>[efgx][et]-*</interface-name></get-interface-information>"
    )[0]
    assert [p.findtext(f"{IFNS}name") for p in glob] == ["ge-0/0/0", "ge-0/0/1", "ge-0/0/2", "xe-0/0/0"]
    vr = nc.ok("<get-interface-information><terse/><routing-instance>VR</routing-instance></get-interface-information>")
    assert [e.findtext(f"{IFNS}name") for e in vr[0].iter() if e.find(f"{IFNS}name") is not None] == [
        "xe-0/0/0",
        "xe-0/0/0.0",
    ]
    private = "<get-interface-information><terse/><routing-instance>__juniper_private1__</routing-instance>"
    internal = nc.ok(private + "</get-interface-information>")[0]  # lo0.16385 alone, as PyEZ's current_re reads it
    assert [e.findtext(f"{IFNS}name") for e in internal.iter() if e.find(f"{IFNS}name") is not None] == [
        "lo0",
        "lo0.16385",
    ]
    described = nc.ok("<get-interface-information><descriptions/></get-interface-information>")[0]
    assert [e.findtext(f"{IFNS}description") for e in described] == ["LAN", "office hosts"]
    same = nc.ok('<command format="xml">show interfaces ge-0/0/0 terse</command>')[0]
    assert [e.findtext(f"{IFNS}name") for e in same.iter() if e.find(f"{IFNS}name") is not None] == [
        "ge-0/0/0",
        "ge-0/0/0.0",
    ]
    asked = nc.ok("<command>show interfaces ge-0/0/0 terse | display xml rpc</command>")
    assert asked[0][0].tag.endswith("get-interface-information")
    rpc = out(srx, "show interfaces ge-0/0/0 terse | display xml rpc")
    assert [line.strip() for line in rpc[2:6]] == [
        "<get-interface-information>",
        "<terse/>",
        "<interface-name>ge-0/0/0</interface-name>",
        "</get-interface-information>",
    ]


def test_pyez_and_napalm_tables_read_the_interfaces(srx: Device) -> None:
    nc = Nc(srx)
    # PhyPortTable: interface_name [efgx][et]-*
    reply = nc.ok(
        "<get-interface-information><interface-name>[efgx][et]-*</interface-name></get-interface-information>"
    )
    ports = PhyPortTable(xml=lxml_of(reply[0])).get()
    text = physical_from_text(out(srx, "show interfaces"))
    assert ports.keys() == ["ge-0/0/0", "ge-0/0/1", "ge-0/0/2", "xe-0/0/0"]
    ge0 = ports["ge-0/0/0"]
    assert (ge0.oper, ge0.admin, ge0.mtu, ge0.speed, ge0.description) == ("up", "up", 1514, "1000mbps", "LAN")
    assert ge0.macaddr == text["ge-0/0/0"]["mac"] and ge0.link_mode == "Full-duplex"
    assert ports["ge-0/0/2"].admin == "down"
    # PhyPortStatsTable: extensive
    reply = nc.ok(
        "<get-interface-information><extensive/><interface-name>ge-0/0/0</interface-name></get-interface-information>"
    )
    stats = PhyPortStatsTable(xml=lxml_of(reply[0])).get()["ge-0/0/0"]
    assert (stats.rx_bytes, stats.rx_packets, stats.rx_bps, stats.rx_pps) == (10000, 50, 8000, 5)
    assert (stats.tx_bytes, stats.tx_packets, stats.tx_bps) == (5000, 50, 4000)
    assert (stats.rx_err_input, stats.rx_err_drops) == (0, 0)
    # EthPortTable: media
    reply = nc.ok(
        "<get-interface-information><media/><interface-name>[afgxe][et]-*</interface-name></get-interface-information>"
    )
    eth = EthPortTable(xml=lxml_of(reply[0])).get()["ge-0/0/0"]
    assert (eth.running, eth.present, eth.rx_bytes, eth.tx_packets) == (True, True, "10000", "50")
    # napalm get_interfaces / get_interfaces_ip
    reply = nc.ok("<get-interface-information/>")
    ifaces = NAPALM["junos_iface_table"](xml=lxml_of(reply[0])).get()
    assert ifaces["xe-0/0/0"].speed == "10Gbps" and ifaces["ge-0/0/2"].is_enabled is False
    assert ifaces["ge-0/0/0"].last_flapped == 10 and ifaces["ge-0/0/0"].is_up is True
    logical = NAPALM["junos_logical_iface_table"](xml=lxml_of(reply[0])).get()
    assert logical["ge-0/0/0.0"].description == "office hosts"
    assert logical["ge-0/0/0.0"].mac_address == text["ge-0/0/0"]["mac"]
    reply = nc.ok("<get-interface-information><terse/></get-interface-information>")
    addresses = NAPALM["junos_ip_interfaces_table"](xml=lxml_of(reply[0])).get()
    assert {k: (dict(v)["interface"], dict(v)["family"]) for k, v in addresses.items()} == {
        "10.0.0.1/24": ("ge-0/0/0.0", "inet"),
        "10.0.1.1/30": ("ge-0/0/1.0", "inet"),
        "10.0.9.1/24": ("ge-0/0/1.0", "inet"),
        "10.0.2.1/24": ("ge-0/0/2.0", "inet"),
        "10.255.255.1": ("lo0.0", "inet"),
        "10.0.3.1/30": ("xe-0/0/0.0", "inet"),
        # lo0's internal units: a vSRX's terse lists them too
        "127.0.0.1": ("lo0.16384", "inet"),
        **{a: ("lo0.16385", "inet") for a in ("10.0.0.1", "10.0.0.16", "128.0.0.1", "128.0.0.4", "128.0.1.16")},
    }


def test_the_login_class_judges_the_rpcs_as_the_commands(srx: Device) -> None:
    nc = Nc(srx, user="guest", rights=Rights("unauthorized", PREDEFINED["unauthorized"]))
    for rpc in ("<get-interface-information/>", "<get-arp-table-information><no-resolve/></get-arp-table-information>"):
        reply = nc.rpc(rpc)
        assert [e["error-tag"] for e in errors(reply)] == ["access-denied"], rpc
        assert reply.find(".//nc:ok", NS) is None


def test_an_unknown_interface_is_an_error(srx: Device) -> None:
    assert out(srx, "show interfaces ge-0/0/7") == ["error: device ge-0/0/7 not found"]


# -- show arp --------------------------------------------------------------------------------------------


@pytest.fixture
def lab(tmp_path: Path):  # type: ignore[no-untyped-def]
    """The dual-ISP demo lab on a manual clock, 30 s after its start."""
    clock = ManualScheduler()
    built = build_lab(load_lab_file(DUAL_ISP / "lab.toml"), scheduler=clock, state_dir=tmp_path / "state")
    clock.advance(30)
    yield built
    built.close()


def arp_from_text(lines: list[str]) -> list[tuple[str, str, str]]:
    assert lines[-1] == f"Total entries: {len(lines) - 2}"
    return [(line.split()[0], line.split()[1], line.split()[-2]) for line in lines[1:-1]]


def test_show_arp_text_xml_and_json_agree(lab: Lab) -> None:
    branch = lab.devices["BranchC"]
    text = out(branch, "show arp no-resolve")
    assert text[0] == "MAC Address       Address         Interface                Flags"
    rows = arp_from_text(text)
    assert [(ip, iface) for _, ip, iface in rows] == [
        ("10.0.1.10", "ge-0/0/3.0"),
        ("10.0.2.10", "ge-0/0/4.0"),
        ("10.1.1.1", "ge-0/0/1.0"),
        ("10.2.2.1", "ge-0/0/2.0"),
    ]
    info = reply_of(branch, "show arp no-resolve")
    assert info.tag == f"{ARPNS}arp-table-information"
    from_xml = [
        (e.findtext(f"{ARPNS}mac-address"), e.findtext(f"{ARPNS}ip-address"), e.findtext(f"{ARPNS}interface-name"))
        for e in info.iter(f"{ARPNS}arp-table-entry")
    ]
    assert from_xml == rows and info.findtext(f"{ARPNS}arp-entry-count") == "4"
    obj = json_of(branch, "show arp")["arp-table-information"][0]
    entries = obj["arp-table-entry"]
    assert [(data(e, "mac-address"), data(e, "ip-address"), data(e, "interface-name")) for e in entries] == rows
    assert entries[0]["arp-table-entry-flags"] == [{"none": [{"data": [None]}]}]
    resolved = out(branch, "show arp")
    assert resolved[0] == "MAC Address       Address         Name                      Interface               Flags"
    assert resolved[1].split() == [rows[0][0], "10.0.1.10", "10.0.1.10", "ge-0/0/3.0", "none"]
    assert out(branch, "show arp interface ge-0/0/1.0 no-resolve")[1:] == [text[3], "Total entries: 1"]
    assert out(branch, "show arp hostname 10.2.2.1")[1].split()[1] == "10.2.2.1"


def test_the_arp_table_holds_the_neighbours_macs(lab: Lab) -> None:
    """A device's entry for its neighbour carries the MAC the neighbour shows on that port."""
    branch, isp1 = lab.devices["BranchC"], lab.devices["ISP1"]
    rows = {ip: mac for mac, ip, _ in arp_from_text(out(branch, "show arp no-resolve"))}
    isp1_mac = physical_from_text(out(isp1, "show interfaces ge-0/0/0"))["ge-0/0/0"]["mac"]
    assert rows["10.1.1.1"] == isp1_mac
    back = {ip: mac for mac, ip, _ in arp_from_text(out(isp1, "show arp no-resolve"))}
    assert back["10.1.1.2"] == physical_from_text(out(branch, "show interfaces ge-0/0/1"))["ge-0/0/1"]["mac"]
    assert len(set(rows.values())) == 4  # hosts and devices: each its own
    isp2_mac = physical_from_text(out(lab.devices["ISP2"], "show interfaces ge-0/0/0"))["ge-0/0/0"]["mac"]
    assert isp1_mac != isp2_mac  # the same port of two devices


def test_get_arp_table_information_over_netconf(lab: Lab) -> None:
    branch = lab.devices["BranchC"]
    nc = Nc(branch)
    reply = nc.ok("<get-arp-table-information><no-resolve/></get-arp-table-information>")
    info = reply[0]
    assert info.tag == f"{ARPNS}arp-table-information"
    assert [e.findtext(f"{ARPNS}ip-address") for e in info.iter(f"{ARPNS}arp-table-entry")] == [
        "10.0.1.10",
        "10.0.2.10",
        "10.1.1.1",
        "10.2.2.1",
    ]
    from jnpr.junos.op.arp import ArpTable

    table = ArpTable(xml=lxml_of(info)).get()
    text = {mac: (ip, iface) for mac, ip, iface in arp_from_text(out(branch, "show arp no-resolve"))}
    assert {k: (dict(v)["ip_address"], dict(v)["interface_name"]) for k, v in table.items()} == text
    napalm = nc.ok("<get-arp-table-information><expiration-time/><no-resolve/></get-arp-table-information>")
    arp = NAPALM["junos_arp_table"](xml=lxml_of(napalm[0])).get()
    assert arp["ge-0/0/3.0"].ip == "10.0.1.10" and arp["ge-0/0/3.0"].age == 1170.0
    one = nc.ok("<get-arp-table-information><interface>ge-0/0/4.0</interface></get-arp-table-information>")[0]
    assert [e.findtext(f"{ARPNS}ip-address") for e in one.iter(f"{ARPNS}arp-table-entry")] == ["10.0.2.10"]
    tte = out(branch, "show arp no-resolve expiration-time")
    assert tte[0] == "MAC Address       Address         Interface     Flags    TTE"
    assert tte[1].endswith("ge-0/0/3.0           none 1170")


def test_outside_a_lab_the_arp_table_is_empty(srx: Device) -> None:
    assert out(srx, "show arp") == [
        "MAC Address       Address         Name                      Interface               Flags",
        "Total entries: 0",
    ]
    assert reply_of(srx, "show arp").findtext(f"{ARPNS}arp-entry-count") == "0"
