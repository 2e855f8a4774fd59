"""Structured routing commands: `show route` in every style, `show route instance` and `show route
forwarding-table` carry the same values as text, `| display xml` and `| display json`, use the element
names of the real captures (shared/reference/junos-xml), and answer their RPCs over NETCONF in a form
PyEZ's RouteTable and napalm's get_route_to tables read."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from clidriver import Cli
from jnpr.junos.factory.factory_loader import FactoryLoader
from jnpr.junos.jxml import remove_namespaces_and_spaces
from jnpr.junos.op.routes import RouteTable
from lxml import etree
from test_rpcs import NS, Nc, errors

from nos.features import install
from nos.routing.prefix import addr, prefix
from nos.routing.route import VIA, NextHop, Route
from nos.runtime.accounts import PREDEFINED, Rights
from nos.runtime.clock import ManualScheduler
from nos.runtime.device import Device

CONFIG = """\
set system root-authentication encrypted-password "$6$x"
set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.2/30
set interfaces ge-0/0/2 unit 0 family inet address 203.0.113.2/30
set routing-options autonomous-system 65010
set routing-options router-id 10.255.255.1
set routing-options static route 0.0.0.0/0 next-hop [ 10.0.0.2 198.51.100.1 ]
set routing-options static route 0.0.0.0/0 qualified-next-hop 10.0.0.3 preference 10
set routing-options static route 10.0.0.0/8 discard
set routing-options static route 172.16.0.0/12 reject
set routing-options static route 192.168.2.0/24 next-hop 10.9.9.9
set routing-options static route 192.168.3.0/24 next-hop 10.0.0.2
set routing-options static route 192.168.3.0/24 metric 7
set routing-options static route 192.168.3.0/24 tag 100
set routing-instances VR instance-type virtual-router
set routing-instances VR interface ge-0/0/2.0
set routing-instances VR routing-options router-id 10.255.255.9
set routing-instances VR routing-options static route 0.0.0.0/0 next-table inet.0
"""
FEED_AGE = 65  # the BGP routes' age when the commands run
ROUTING_NS = "http://xml.juniper.net/junos/24.4R0/junos-routing"


@pytest.fixture
def srx(schema, tmp_path: Path) -> Device:  # type: ignore[no-untyped-def]
    """srx1 with statics of every kind (ECMP, qualified, discard, reject, hidden, metric and tag), a
    virtual router, and BGP routes: a packed feed of two prefixes and a less preferred path for one."""
    clock = ManualScheduler()
    device = Device(schema, clock, hostname="srx1", state_dir=tmp_path / "state")
    install(device)
    cli = Cli(device)
    cli.run("configure", *CONFIG.splitlines())
    assert "commit complete" in cli.run("commit and-quit")
    clock.advance(60)
    now = device.scheduler.epoch()
    feed = Route((0, 0), "BGP", (NextHop(VIA, addr("10.0.0.2")),), source="feed", table="inet.0", since=now)
    feed.as_path = "64500 64501"
    device.routing.add_prefixes(feed, [prefix("16.0.0.0/24"), prefix("16.0.1.0/24")], None)
    other = NextHop(VIA, addr("198.51.100.1"))
    device.routing.add(
        Route(
            prefix("16.0.0.0/24"),
            "BGP",
            (other,),
            source="p2",
            table="inet.0",
            since=now,
            as_path="64600",
            local_pref=50,
        )
    )
    clock.advance(FEED_AGE)
    return device


def out(device: Device, line: str) -> list[str]:
    return Cli(device).output(line).rstrip("\n").split("\n")


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def kids(e: ET.Element, tag: str) -> list[ET.Element]:
    return [c for c in e if local(c.tag) == tag]


def txt(e: ET.Element, tag: str) -> str | None:
    found = kids(e, tag)
    return found[0].text if found else None


def reply_of(lines: list[str]) -> ET.Element:
    """The data element of `| display xml` (namespace prefixes left as the CLI prints them)."""
    return ET.fromstring("\n".join(lines))[0]


def from_json(lines: list[str]) -> ET.Element:
    """`| display json` turned back into elements, so the XML's reading applies to it too."""
    ((tag, (obj,)),) = json.loads("\n".join(lines)).items()
    return _element(tag, obj)


def _element(tag: str, obj: dict) -> ET.Element:
    e = ET.Element(tag, {k: v for k, v in obj.get("attributes", {}).items() if k != "xmlns"})
    data = obj.get("data")
    e.text = None if data is None or data == [None] else data
    for key, values in obj.items():
        if key not in ("attributes", "data", "comment"):
            e.extend(_element(key, v) for v in values)
    return e


def style_of(rt: ET.Element) -> str:
    return next(v for k, v in rt.attrib.items() if k.endswith("style"))


# -- show route: what each form says ------------------------------------------------------------------

LETTER = {"Direct": "D", "Local": "L", "Static": "S", "BGP": "B"}


def hop_words(entry: ET.Element) -> tuple[str, ...]:
    """The next hops of an entry in the words of the brief text."""
    words = []
    for c in entry:
        if local(c.tag) == "nh-type" and c.text not in ("Local", "Router", "Interface", "Table lookup"):
            words.append(c.text or "")
        elif local(c.tag) == "nh":
            if txt(c, "nh-local-interface"):
                words.append(f"Local via {txt(c, 'nh-local-interface')}")
            elif txt(c, "nh-table"):
                words.append(f"to table {txt(c, 'nh-table')}")
            else:
                to = f"to {txt(c, 'to')} " if txt(c, "to") else ""
                words.append(f"{to}via {txt(c, 'via')}" if txt(c, "via") else to.strip())
    return tuple(words)


def from_xml(info: ET.Element) -> list[tuple]:
    """(table, counts) and (table, destination, protocol, preference, active, age, hops) rows."""
    rows: list[tuple] = []
    for table in kids(info, "route-table"):
        name = txt(table, "table-name")
        counts = tuple(int(txt(table, f"{c}-count") or -1) for c in ("destination", "total-route", "active-route"))
        rows.append((name, counts + (int(txt(table, "hidden-route-count") or -1),)))
        for rt in kids(table, "rt"):
            dest = txt(rt, "rt-destination") or ""
            if style_of(rt) == "detail":
                dest += f"/{txt(rt, 'rt-prefix-length')}"
            for entry in kids(rt, "rt-entry"):
                active = txt(entry, "active-tag") == "*"
                assert active == bool(kids(entry, "current-active"))
                age = kids(entry, "age")
                seconds = int(next(v for k, v in age[0].attrib.items() if k.endswith("seconds"))) if age else None
                protocol = txt(entry, "protocol-name") or ""
                shown = LETTER[protocol] if style_of(rt) == "terse" else protocol
                age_text = age[0].text if age and style_of(rt) != "terse" else None
                hops = hop_words(entry) if style_of(rt) == "brief" else ()
                pref = txt(entry, "preference")
                rows.append((name, dest, shown, pref, active, age_text, hops))
                if age and protocol == "BGP":
                    assert seconds == FEED_AGE
    return rows


HEADER = re.compile(r"^(\S+): (\d+) destinations, (\d+) routes \((\d+) active, 0 holddown, (\d+) hidden\)$")
BRIEF = re.compile(r"^(\S+)?\s+([* ])\[([\w-]+)/(\d+)\] ([^,]+)")
TERSE = re.compile(r"^([* ]) \? (\S+)?\s+([A-Z?])\s+(\d+)")
DETAIL_DEST = re.compile(r"^(\S+/\d+) \(\d+ entr(?:y|ies), \d announced\)$")
DETAIL_ROUTE = re.compile(r"^ {8}([* ])(\S+)\s+Preference: (\d+)")


def from_text(lines: list[str]) -> list[tuple]:
    rows: list[tuple] = []
    table = dest = ""
    route: list | None = None

    def close() -> None:
        if route is not None:
            rows.append(tuple(route[:6]) + (tuple(route[6]),))

    for line in lines:
        if m := HEADER.match(line):
            close()
            route = None
            table = m[1]
            rows.append((table, tuple(int(m[i]) for i in (2, 3, 4, 5))))
        elif m := DETAIL_DEST.match(line):
            dest = m[1]
        elif (m := DETAIL_ROUTE.match(line)) and dest:
            close()
            route = [table, dest, m[2], m[3], m[1] == "*", None, []]
        elif line.strip().startswith("Age:") and route is not None:
            route[5] = line.split("Age: ")[1].split(" \t")[0]
        elif m := BRIEF.match(line):
            close()
            dest = m[1] or dest
            route = [table, dest, m[3], m[4], m[2] == "*", m[5], []]
        elif (m := TERSE.match(line)) and not line.startswith("A V"):
            close()
            dest = m[2] or dest
            route = [table, dest, m[3], m[4], m[1] == "*", None, []]
        elif route and route[5] and ":" in route[5] and line.startswith(" " * 20) and "AS path:" not in line:
            route[6].append(line.strip().lstrip(">").strip())  # a brief next hop
    close()
    return rows


COMMANDS = [
    "show route",
    "show route terse",
    "show route detail",
    "show route extensive",
    "show route 16.0.0.1",
    "show route 16.0.0.0/24 exact detail",
    "show route 10.0.0.0/8 orlonger",
    "show route 0.0.0.0/0 longer terse",
    "show route table VR",
    "show route protocol bgp",
    "show route protocol static table inet.0 extensive",
    "show route hidden",
    "show route active-path",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_text_xml_and_json_of_show_route_agree(srx: Device, command: str) -> None:
    text = from_text(out(srx, command))
    info = reply_of(out(srx, command + " | display xml"))
    assert info.tag == f"{{{ROUTING_NS}}}route-information"
    assert from_xml(info) == text
    assert from_xml(from_json(out(srx, command + " | display json"))) == text
    assert any(len(row) > 2 for row in text)  # each command shows routes


def test_show_route_rows_hold_what_the_tables_hold(srx: Device) -> None:
    rows = {(r[0], r[1], r[2], r[3]): r for r in from_text(out(srx, "show route")) if len(r) > 2 and r[4]}
    assert rows["inet.0", "0.0.0.0/0", "Static", "5"][6] == (
        "to 10.0.0.2 via ge-0/0/0.0",
        "to 198.51.100.1 via ge-0/0/1.0",
    )
    assert rows["inet.0", "10.0.0.0/8", "Static", "5"][6] == ("Discard",)
    assert rows["inet.0", "172.16.0.0/12", "Static", "5"][6] == ("Reject",)
    assert rows["VR.inet.0", "0.0.0.0/0", "Static", "5"][6] == ("to table inet.0",)
    assert rows["inet.0", "16.0.0.0/24", "BGP", "170"][4:6] == (True, "00:01:05")
    info = reply_of(out(srx, "show route 192.168.3.0/24 exact | display xml"))
    entry = info.find(".//{*}rt-entry")
    assert entry is not None and (txt(entry, "metric"), txt(entry, "rt-tag")) == ("7", "100")
    assert "*[Static/5] 00:02:05, metric 7, tag 100" in out(srx, "show route 192.168.3.0/24 exact")[4]


def test_active_path_shows_only_the_active_routes(srx: Device) -> None:
    every = [r for r in from_text(out(srx, "show route")) if len(r) > 2]
    active = [r for r in from_text(out(srx, "show route active-path")) if len(r) > 2]
    assert any(not r[4] for r in every)
    assert active == [r for r in every if r[4]]
    nc = Nc(srx)
    info = nc.ok("<get-route-information><active-path/><table>inet.0</table></get-route-information>")[0]
    entries = list(info.iter(f"{{{ROUTING_NS}}}rt-entry"))
    assert entries and all(txt(e, "active-tag") == "*" for e in entries)


# -- element names: those of the real captures ----------------------------------------------------------

# Brief: roadshow 18.3 XML and batfish vJunos 25.4 JSON; detail: the napalm get_route_to mock and genie's
# ShowRouteProtocolExtensive schema; instances: napalm's terse mock and genie's ShowRouteInstanceDetail;
# forwarding table: genie's ShowRouteForwardingTableSummary and ShowRouteForwardingTableLabel.
CAPTURED = {
    "route-information": {"route-table"},
    "route-table": {"table-name", *(f"{c}-count" for c in ("destination", "total-route", "active-route")), "rt"}
    | {"holddown-route-count", "hidden-route-count", "address-family", "enabled-protocols", "rt-entry"}
    | {"route-table-summary"},
    "rt": {"rt-destination", "rt-prefix-length", "rt-entry-count", "rt-announced-count", "tsi", "rt-entry"},
    "rt-entry": {"active-tag", "current-active", "last-active", "protocol-name", "preference", "preference2"}
    | {"age", "metric", "rt-tag", "nh-type", "nh", "local-preference", "learned-from", "as-path"}
    | {"validation-state", "rt-entry-state", "inactive-reason", "task-name", "announce-bits", "announce-tasks"}
    | {"rt-destination", "destination-type", "route-reference-count"},
    "nh": {"selected-next-hop", "to", "via", "nh-local-interface", "nh-table", "nh-string"}
    | {"nh-type", "nh-index", "nh-reference-count"},
    "instance-information": {"instance-core"},
    "instance-core": {"instance-name", "instance-type", "instance-rib", "router-id", "instance-state"}
    | {"instance-interface"},
    "instance-interface": {"interface-name"},
    "instance-rib": {"irib-name", "irib-route-count", "irib-active-count", "irib-holddown-count"}
    | {"irib-hidden-count"},
    "forwarding-table-information": {"route-table"},
    "route-table-summary": {"route-table-type", "route-count"},
}
# Ours, not in any capture: the primary table of a secondary route (`Primary Routing Table inet.0`).
UNCAPTURED = {"primary-routing-table"}


@pytest.mark.parametrize(
    "command",
    [
        "show route",
        "show route terse",
        "show route extensive",
        "show route instance",
        "show route instance detail",
        "show route forwarding-table",
        "show route forwarding-table summary",
    ],
)
def test_element_names_are_those_of_the_captures(srx: Device, command: str) -> None:
    info = reply_of(out(srx, command + " | display xml"))
    for parent in info.iter():
        allowed = CAPTURED.get(local(parent.tag), set())
        names = {local(c.tag) for c in parent} - UNCAPTURED
        assert names <= allowed, (local(parent.tag), names - allowed)


# -- show route instance --------------------------------------------------------------------------------


def test_show_route_instance_styles(srx: Device) -> None:
    terse = out(srx, "show route instance")
    assert terse == out(srx, "show route instance summary")  # Junos lists the same RIBs either way
    assert terse[2:] == [
        "master               forwarding",
        "         inet.0                                          10/0/1",
        "VR                   virtual-router",
        "         VR.inet.0                                       3/0/0",
    ]
    assert out(srx, "show route instance VR detail") == [
        "VR:",
        "  Router ID: 10.255.255.9",
        "  Type: virtual-router    State: Active",
        "  Interfaces:",
        "    ge-0/0/2.0",
        "  Tables:",
        "    VR.inet.0              : 3 routes (3 active, 0 holddown, 0 hidden)",
    ]
    detail = out(srx, "show route instance detail")
    assert detail[:5] == [
        "master:",
        "  Router ID: 10.255.255.1",
        "  Type: forwarding        State: Active",
        "  Tables:",
        "    inet.0                 : 13 routes (10 active, 0 holddown, 1 hidden)",
    ]
    assert detail[5:7] == ["", "VR:"]


@pytest.mark.parametrize("command", ["show route instance", "show route instance detail", "show route instance VR"])
def test_text_xml_and_json_of_show_route_instance_agree(srx: Device, command: str) -> None:
    def from_text(lines: list[str]) -> dict[str, tuple[str, ...]]:
        found: dict[str, tuple[str, ...]] = {}
        name = ""
        for line in lines:
            if m := re.match(r"^(\S+)\s+(forwarding|virtual-router)$", line):  # terse
                name = m[1]
            elif m := re.match(r"^ {9}(\S+)\s+(\d+)/(\d+)/(\d+)$", line):
                found[name] = (m[1], m[2], m[4])
            elif m := re.match(r"^(\S+):$", line):  # detail
                name = m[1]
            elif m := re.match(r"^ {4}(\S+)\s*: \d+ routes \((\d+) active, 0 holddown, (\d+) hidden\)$", line):
                found[name] = (m[1], m[2], m[3])
        return found

    def from_xml(info: ET.Element) -> dict[str, tuple[str, ...]]:
        return {
            txt(core, "instance-name") or "": tuple(
                txt(rib, tag) or "" for tag in ("irib-name", "irib-active-count", "irib-hidden-count")
            )
            for core in kids(info, "instance-core")
            for rib in kids(core, "instance-rib")
        }

    text = from_text(out(srx, command))
    assert text and from_xml(reply_of(out(srx, command + " | display xml"))) == text
    assert from_xml(from_json(out(srx, command + " | display json"))) == text


# -- show route forwarding-table ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "show route forwarding-table",
        "show route forwarding-table table VR",
        "show route forwarding-table destination 16.0.1.9",
    ],
)
def test_text_xml_and_json_of_the_forwarding_table_agree(srx: Device, command: str) -> None:
    def from_text(lines: list[str]) -> list[tuple[str, ...]]:
        """Rows by the columns of the header (`Destination Type RtRef Next hop Type Index NhRef Netif`)."""
        rows, table = [], ""
        for line in lines:
            if line.startswith("Routing table: "):
                table = line.split(": ")[1]
            elif line and not line.startswith(("Internet:", "Destination")):
                cols = (
                    line[:18],
                    line[19:23],
                    line[24:29],
                    line[30:48],
                    line[48:54],
                    line[55:63],
                    line[64:69],
                    line[70:],
                )
                rows.append((table, *(c.strip() for c in cols)))
        return rows

    def from_xml(info: ET.Element) -> list[tuple[str, ...]]:
        rows = []
        for table in kids(info, "route-table"):
            for entry in kids(table, "rt-entry"):
                (nh,) = kids(entry, "nh")
                row = [txt(table, "table-name")] + [txt(entry, t) for t in ("rt-destination", "destination-type")]
                row += [txt(entry, "route-reference-count")]
                row += [txt(nh, t) or "" for t in ("to", "nh-type", "nh-index", "nh-reference-count", "via")]
                rows.append(tuple(row))
        return rows  # type: ignore[return-value]

    text = from_text(out(srx, command))
    assert text and from_xml(reply_of(out(srx, command + " | display xml"))) == text
    assert from_xml(from_json(out(srx, command + " | display json"))) == text


def test_forwarding_table_summary_counts_the_entries(srx: Device) -> None:
    summary = out(srx, "show route forwarding-table summary")
    assert summary[:4] == [
        "Routing table: default.inet",
        "Internet:",
        "        user:          6 routes",
        "        intf:          4 routes",
    ]
    counted: dict[tuple[str, str], int] = {}
    table = ""
    for line in out(srx, "show route forwarding-table"):
        if line.startswith("Routing table: "):
            table = line.split(": ")[1]
        elif line and not line.startswith(("Internet:", "Destination")):
            counted[table, line.split()[1]] = counted.get((table, line.split()[1]), 0) + 1
    info = reply_of(out(srx, "show route forwarding-table summary | display xml"))
    from_xml = {
        (txt(t, "table-name"), txt(s, "route-table-type")): int(txt(s, "route-count") or 0)
        for t in kids(info, "route-table")
        for s in kids(t, "route-table-summary")
    }
    assert from_xml == counted


# -- NETCONF: the RPCs by name, and what the clients read -------------------------------------------------

# napalm's junos_protocol_route_table (napalm/junos/utils/junos_views.yml), as get_route_to runs it.
NAPALM_ROUTE_TABLE = """
RouteToTable:
  rpc: get-route-information
  args: {extensive: True}
  item: route-table/rt/rt-entry/nh
  key: via
  view: RouteToView
RouteToView:
  fields:
    destination: {../../rt-destination: str}
    prefix_length: {../../rt-prefix-length: int}
    protocol: {../protocol-name: str}
    current_active: {../current-active: flag}
    last_active: {../last-active: flag}
    age: {../age/@seconds: int}
    next_hop: {to: str}
    outgoing_interface: {via: str}
    selected_next_hop: {selected-next-hop: flag}
    preference: {../preference: int}
    inactive_reason: {../inactive-reason: str}
    routing_table: {../../../table-name: str}
    as_path: {../as-path: str}
    local_preference: {../local-preference: int}
    preference2: {../preference2: int}
    metric: {../metric: int}
"""


def as_pyez(reply: ET.Element) -> etree._Element:
    """The reply's data element as PyEZ tables read a device's answer (namespaces and spaces removed)."""
    return remove_namespaces_and_spaces(etree.fromstring(ET.tostring(reply[0])))


def test_get_route_information_reads_as_napalm_get_route_to(srx: Device) -> None:
    nc = Nc(srx)
    reply = nc.ok("<get-route-information><destination>16.0.0.0/24</destination><extensive/></get-route-information>")
    table = FactoryLoader().load(yaml.safe_load(NAPALM_ROUTE_TABLE))["RouteToTable"](xml=as_pyez(reply))
    rows = [dict(fields) for _, fields in table.get().items()]
    assert [(r["destination"], r["prefix_length"], r["routing_table"]) for r in rows] == [
        ("16.0.0.0", 24, "inet.0")
    ] * 2
    best, other = rows
    assert (best["protocol"], best["current_active"], best["selected_next_hop"], best["age"]) == ("BGP", True, True, 65)
    assert (best["next_hop"], best["outgoing_interface"], best["preference"], best["preference2"]) == (
        "10.0.0.2",
        "ge-0/0/0.0",
        170,
        -101,
    )
    assert (best["local_preference"], best["as_path"], best["inactive_reason"]) == (100, "AS path: 64500 64501 I", None)
    assert (other["current_active"], other["local_preference"], other["inactive_reason"]) == (
        False,
        50,
        "Local Preference",
    )
    assert other["next_hop"] == "198.51.100.1"


def test_get_route_information_reads_as_pyez_route_table(srx: Device) -> None:
    nc = Nc(srx)
    table = RouteTable(xml=as_pyez(nc.ok("<get-route-information/>"))).get()
    listed = dict.fromkeys((r[0], r[1]) for r in from_text(out(srx, "show route")) if len(r) > 2)
    assert table.keys() == [dest for _, dest in listed]  # each destination of each table, in the text's order
    assert (table["16.0.1.0/24"].protocol, table["16.0.1.0/24"].nexthop, table["16.0.1.0/24"].age) == (
        "BGP",
        "10.0.0.2",
        65,
    )
    assert (table["10.0.0.1/32"].protocol, table["10.0.0.1/32"].via) == ("Local", "ge-0/0/0.0")
    assert table["0.0.0.0/0"].via == ["ge-0/0/0.0", "ge-0/0/1.0"]  # ECMP
    one = nc.ok("<get-route-information><destination>16.0.1.7</destination></get-route-information>")
    assert RouteTable(xml=as_pyez(one)).get().keys() == ["16.0.1.0/24", "0.0.0.0/0"]  # inet.0's best, VR's


def test_rpcs_take_the_command_arguments(srx: Device) -> None:
    nc = Nc(srx)
    terse = nc.ok("<get-route-information><table>VR</table><terse/></get-route-information>")[0]
    assert [txt(t, "table-name") for t in kids(terse, "route-table")] == ["VR.inet.0"]
    assert {style_of(rt) for rt in terse.iter(f"{{{ROUTING_NS}}}rt")} == {"terse"}
    static = nc.ok("<get-route-information><protocol>STATIC</protocol><table>inet.0</table></get-route-information>")[0]
    assert {txt(e, "protocol-name") for e in static.iter(f"{{{ROUTING_NS}}}rt-entry")} == {"Static"}
    same = nc.ok('<command format="xml">show route 16.0.1.7 extensive</command>')[0]
    by_rpc = nc.ok("<get-route-information><destination>16.0.1.7</destination><extensive/></get-route-information>")[0]
    assert ET.tostring(same) == ET.tostring(by_rpc)
    instance = nc.ok("<get-instance-information><instance-name>VR</instance-name><detail/></get-instance-information>")[
        0
    ]
    assert instance.tag == f"{{{ROUTING_NS}}}instance-information"
    (core,) = kids(instance, "instance-core")
    assert (txt(core, "instance-name"), txt(core, "router-id"), txt(core, "instance-state")) == (
        "VR",
        "10.255.255.9",
        "Active",
    )
    plain = nc.ok("<get-instance-information/>")[0]
    assert [txt(c, "instance-name") for c in kids(plain, "instance-core")] == ["master", "VR"]  # napalm's instance list
    fib = nc.ok(
        "<get-forwarding-table-information><table>default</table><destination>16.0.1.9</destination></get-forwarding-table-information>"
    )[0]
    ((entry,),) = [kids(t, "rt-entry") for t in kids(fib, "route-table")]
    assert (txt(entry, "rt-destination"), txt(entry.find("{*}nh"), "to")) == ("16.0.1/24", "10.0.0.2")  # type: ignore[arg-type]
    summary = nc.ok("<get-forwarding-table-information><summary/></get-forwarding-table-information>")[0]
    assert kids(kids(summary, "route-table")[0], "route-table-summary")


def test_bad_rpc_arguments_are_errors_naming_them(srx: Device) -> None:
    nc = Nc(srx)
    for body in (
        "<get-route-information><protocol>bogus</protocol></get-route-information>",
        "<get-route-information><destination>not-an-address</destination></get-route-information>",
        "<get-forwarding-table-information><destination>300.1.1.1</destination></get-forwarding-table-information>",
    ):
        reply = nc.rpc(body)
        (err,) = errors(reply)
        assert err["error-message"] == "syntax error"
        bad = [e.text for e in reply.iter() if local(e.tag) == "bad-element"]
        assert bad and bad[0] in body


def test_display_xml_rpc_names_the_arguments(srx: Device) -> None:
    assert out(srx, "show route table VR 0.0.0.0/0 exact detail | display xml rpc")[2:8] == [
        "        <get-route-information>",
        "                <destination>0.0.0.0/0</destination>",
        "                <table>VR</table>",
        "                <exact/>",
        "                <detail/>",
        "        </get-route-information>",
    ]
    assert out(srx, "show route instance VR detail | display xml rpc")[2:6] == [
        "        <get-instance-information>",
        "                <instance-name>VR</instance-name>",
        "                <detail/>",
        "        </get-instance-information>",
    ]
    assert out(srx, "show route forwarding-table summary | display xml rpc")[2:5] == [
        "        <get-forwarding-table-information>",
        "                <summary/>",
        "        </get-forwarding-table-information>",
    ]


@pytest.mark.parametrize(
    "body",
    ["<get-route-information/>", "<get-instance-information/>", "<get-forwarding-table-information/>"],
)
def test_the_login_class_judges_the_rpcs_as_the_commands(srx: Device, body: str) -> None:
    nc = Nc(srx, user="guest", rights=Rights("unauthorized", PREDEFINED["unauthorized"]))
    reply = nc.rpc(body)
    assert [e["error-tag"] for e in errors(reply)] == ["access-denied"]
    assert reply.find(".//nc:ok", NS) is None
    assert Nc(srx, rights=Rights("read-only", PREDEFINED["read-only"])).ok(body)[0].tag.startswith(f"{{{ROUTING_NS}}}")
