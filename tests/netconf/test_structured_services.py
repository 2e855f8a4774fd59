"""Structured output of BGP, RPM and ip-monitoring: `show bgp summary|neighbor`, `show route
receive-protocol|advertising-protocol bgp`, `show services rpm probe-results|history-results` and
`show services ip-monitoring status` carry the same values as text, `| display xml` and `| display
json`, answer their Junos RPCs over NETCONF (with arguments), and are refused by a login class that
may not run them. Element names are checked against those of real replies (reference junos-xml).

    R1 ge-0/0/0 198.51.100.1 --2 ms-- ISP1 198.51.100.2 (AS 65001: 16.0.0.0/24..16.0.2.0/24, 8.8.8.0/24 MED 10)
       ge-0/0/1 203.0.113.1  --4 ms-- ISP2 203.0.113.2  (AS 65002: 8.8.8.0/24 longer, 9.9.9.0/24, a loop)
       neighbour 192.0.2.66 (AS 65003) never comes up

    srx1 ge-0/0/1 198.51.100.1 --3 ms-- Net (8.8.8.8); [VPN] ge-0/0/3 192.0.2.1 --5 ms-- Net (8.8.4.4)
       RPM isp1/icmp (source address, next hop) and vpn/icmp (routing instance VPN); ISP1 loses
       everything from 00:01:00, so isp1 fails and policy `failover` applies its route and interface.
"""

from __future__ import annotations

import ipaddress
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from clidriver import Cli
from test_rpcs import NS, Nc, errors

from nos.features.bgp.labpeer import Announcement, LabPeer
from nos.features.bgp.messages import key_of
from nos.lab.labfile import load_lab_file
from nos.lab.topology import build_lab
from nos.routing.prefix import prefix
from nos.runtime.accounts import PREDEFINED, Rights
from nos.runtime.clock import ManualScheduler
from nos.runtime.device import Device

ISP1, ISP2, LOST = "198.51.100.2", "203.0.113.2", "192.0.2.66"

R1 = """\
set system host-name R1
set system root-authentication encrypted-password "$6$x$x"
set interfaces ge-0/0/0 unit 0 family inet address 198.51.100.1/30
set interfaces ge-0/0/1 unit 0 family inet address 203.0.113.1/30
set routing-options router-id 192.0.2.1
set routing-options autonomous-system 65000
set routing-options static route 10.10.0.0/16 discard
set policy-options policy-statement out term statics from protocol static
set policy-options policy-statement out term statics then accept
set protocols bgp group isp1 type external
set protocols bgp group isp1 peer-as 65001
set protocols bgp group isp1 neighbor 198.51.100.2
set protocols bgp group isp2 type external
set protocols bgp group isp2 peer-as 65002
set protocols bgp group isp2 hold-time 30
set protocols bgp group isp2 export out
set protocols bgp group isp2 neighbor 203.0.113.2 description "transit two"
set protocols bgp group lost type external
set protocols bgp group lost peer-as 65003
set protocols bgp group lost neighbor 192.0.2.66
"""

BGP_LAB = """\
[lab]
name = "structured-bgp"
clock = "virtual"

[nodes.R1]
kind = "device"
platform = "router"
config = "r1.conf"

[nodes.ISP1]
kind = "internet"
address = ["198.51.100.2/30"]

[nodes.ISP2]
kind = "internet"
address = ["203.0.113.2/30"]

[[links]]
a = "R1:ge-0/0/0"
b = "ISP1:eth0"
latency = 2

[[links]]
a = "R1:ge-0/0/1"
b = "ISP2:eth0"
latency = 4
"""

SRX1 = """\
set system host-name srx1
set system root-authentication encrypted-password "$6$x$x"
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/30
set interfaces ge-0/0/3 unit 0 family inet address 192.0.2.1/30
set interfaces ge-0/0/5 unit 0 family inet address 10.0.5.1/24
set routing-options static route 0.0.0.0/0 next-hop 198.51.100.2
set routing-instances VPN instance-type virtual-router
set routing-instances VPN interface ge-0/0/3.0
set routing-instances VPN routing-options static route 0.0.0.0/0 next-hop 192.0.2.2
set services rpm probe isp1 test icmp probe-type icmp-ping
set services rpm probe isp1 test icmp target address 8.8.8.8
set services rpm probe isp1 test icmp source-address 198.51.100.1
set services rpm probe isp1 test icmp next-hop 198.51.100.2
set services rpm probe isp1 test icmp probe-count 5
set services rpm probe isp1 test icmp probe-interval 2
set services rpm probe isp1 test icmp test-interval 10
set services rpm probe isp1 test icmp thresholds successive-loss 3
set services rpm probe isp1 test icmp thresholds total-loss 5
set services rpm probe vpn test icmp target address 8.8.4.4
set services rpm probe vpn test icmp routing-instance VPN
set services rpm probe vpn test icmp probe-count 5
set services rpm probe vpn test icmp probe-interval 1
set services rpm probe vpn test icmp test-interval 20
set services ip-monitoring policy failover match rpm-probe isp1
set services ip-monitoring policy failover then preferred-route route 0.0.0.0/0 next-hop 192.0.2.2
set services ip-monitoring policy failover then interface ge-0/0/5 enable
set services ip-monitoring policy vpn-watch match rpm-probe vpn
set services ip-monitoring policy vpn-watch then preferred-route routing-instances VPN route 10.20.0.0/16 discard
"""

RPM_LAB = """\
[lab]
name = "structured-rpm"
clock = "virtual"

[nodes.srx1]
kind = "device"
platform = "router"
config = "srx1.conf"

[nodes.Net]
kind = "internet"
address = ["198.51.100.2/30", "192.0.2.2/30"]
serves = ["8.8.8.8", "8.8.4.4"]

[[links]]
a = "srx1:ge-0/0/1"
b = "Net:eth0"
latency = 3

[[links]]
a = "srx1:ge-0/0/3"
b = "Net:eth1"
latency = 5
"""

# Element names of real replies (shared/reference/junos-xml): a name we emit must be one of them.
SUMMARY_NAMES = {  # get-bgp-summary-information__napalm__instance_master_nsstripped.xml, and the 21.x+
    # header elements a published Go parser of `show bgp summary | display xml` reads
    "bgp-information", "bgp-thread-mode", "default-ebgp-advertise-mode", "default-ebgp-receive-mode",
    "group-count", "peer-count", "down-peer-count", "bgp-rib", "name", "total-prefix-count",
    "received-prefix-count", "accepted-prefix-count", "active-prefix-count", "suppressed-prefix-count",
    "history-prefix-count", "damped-prefix-count", "total-external-prefix-count", "active-external-prefix-count",
    "accepted-external-prefix-count", "suppressed-external-prefix-count", "total-internal-prefix-count",
    "active-internal-prefix-count", "accepted-internal-prefix-count", "suppressed-internal-prefix-count",
    "pending-prefix-count", "bgp-rib-state", "bgp-peer", "peer-address", "peer-as", "input-messages",
    "output-messages", "route-queue-count", "flap-count", "elapsed-time", "description", "peer-state",
}  # fmt: skip
NEIGHBOR_NAMES = {  # the napalm and batfish (vJunos 25.4) get-bgp-neighbor-information replies
    "bgp-information", "bgp-peer", "peer-address", "peer-as", "local-address", "local-as", "peer-group",
    "peer-cfg-rti", "peer-fwd-rti", "peer-type", "peer-state", "peer-flags", "last-state", "last-event",
    "last-error", "bgp-option-information", "export-policy", "import-policy", "bgp-options", "bgp-options2",
    "holdtime", "preference", "flap-count", "peer-id", "local-id", "active-holdtime", "keepalive-interval",
    "group-index", "peer-index", "local-interface-name", "nlri-type-session", "bgp-rib", "name", "rib-bit",
    "send-state", "active-prefix-count", "received-prefix-count", "accepted-prefix-count",
    "suppressed-prefix-count", "advertised-prefix-count", "input-messages", "input-updates", "input-refreshes",
    "output-messages", "output-updates", "output-refreshes",
    "description",  # junos_exporter's bgp-peer (no capture of a described neighbour)
}  # fmt: skip
ROUTE_NAMES = {  # genie's ShowRouteReceiveProtocol / ShowRouteAdvertisingProtocol expectations
    "route-information", "route-table", "table-name", "destination-count", "total-route-count",
    "active-route-count", "holddown-route-count", "hidden-route-count", "rt", "rt-destination", "rt-entry",
    "active-tag", "protocol-name", "nh", "to", "med", "local-preference", "as-path",
}  # fmt: skip
PROBE_NAMES = {  # a Junos 22.2 `show services rpm probe-results | display xml`, napalm's mock
    "probe-results", "probe-test-results", "owner", "test-name", "target-address", "source-address",
    "probe-type", "icmp-id", "routing-instance-name", "test-size", "probe-single-results", "probe-status",
    "probe-sent-time", "probe-time", "hardware-timestamp-status", "rtt", "round-trip-jitter",
    "round-trip-interarrival-jitter", "probe-test-current-results", "probe-last-test-results",
    "probe-test-global-results", "probe-test-generic-results", "results-scope", "probes-sent",
    "probe-responses", "loss-percentage", "probe-last-test-info", "last-test-time", "probe-test-rtt",
    "probe-test-positive-round-trip-jitter", "probe-test-negative-round-trip-jitter", "probe-summary-results",
    "probe-results-type", "samples", "min-delay", "max-delay", "avg-delay", "jitter-delay", "stddev-delay",
    "sum-delay", "delay-thresh", "jitter-thresh", "stddev-thresh", "loss-thresh-total", "loss-thresh-succ",
}  # fmt: skip


def _ip(text: str) -> int:
    return int(ipaddress.IPv4Address(text))


@pytest.fixture(scope="module")
def r1(tmp_path_factory):  # type: ignore[no-untyped-def]
    """R1 at 1:00:00, both upstreams established, the third neighbour Active."""
    folder = tmp_path_factory.mktemp("structured-bgp")
    (folder / "r1.conf").write_text(R1)
    (folder / "lab.toml").write_text(BGP_LAB)
    clock = ManualScheduler()
    lab = build_lab(load_lab_file(folder / "lab.toml"), scheduler=clock, state_dir=folder / "state")
    keys = [key_of(prefix(p)) for p in ("16.0.0.0/24", "16.0.1.0/24", "16.0.2.0/24")]
    one, two = lab.nodes["ISP1"], lab.nodes["ISP2"]
    one.bgp = LabPeer(
        one,
        lab,
        65001,
        _ip(ISP1),
        {_ip("198.51.100.1"): 65000},
        [Announcement(keys, (174,)), Announcement([key_of(prefix("8.8.8.0/24"))], (15169,), med=10)],
    )
    two.bgp = LabPeer(
        two,
        lab,
        65002,
        _ip(ISP2),
        {_ip("203.0.113.1"): 65000},
        [
            Announcement([key_of(prefix("8.8.8.0/24"))], (3356, 15169)),
            Announcement([key_of(prefix("9.9.9.0/24"))], (19281,)),
            Announcement([key_of(prefix("10.99.0.0/16"))], (65000,)),
        ],
    )
    one.bgp.start()
    two.bgp.start()
    clock.advance(3600)
    yield lab.nodes["R1"].device
    lab.close()


@pytest.fixture(scope="module")
def srx1(tmp_path_factory):  # type: ignore[no-untyped-def]
    """srx1 at 00:01:39.5: isp1 failed at 00:01:24 (policy failover applied), vpn passing."""
    folder = tmp_path_factory.mktemp("structured-rpm")
    (folder / "srx1.conf").write_text(SRX1)
    (folder / "lab.toml").write_text(RPM_LAB)
    clock = ManualScheduler()
    lab = build_lab(load_lab_file(folder / "lab.toml"), scheduler=clock, state_dir=folder / "state")
    clock.advance(60.0)
    lab.set_link_quality(lab.find_link("srx1:ge-0/0/1"), loss_pct=100.0)
    clock.advance(39.5)
    yield lab.nodes["srx1"].device
    lab.close()


def out(device: Device, line: str) -> list[str]:
    return Cli(device).output(line).rstrip("\n").split("\n")


def xml_of(device: Device, line: str) -> ET.Element:
    """The element `line | display xml` prints (the first child of its <rpc-reply>)."""
    lines = out(device, line + " | display xml")
    assert lines[-4:] == ["    <cli>", "        <banner></banner>", "    </cli>", "</rpc-reply>"]
    return _plain(ET.fromstring("\n".join(lines))[0])


def json_of(device: Device, line: str) -> dict:
    return json.loads("\n".join(out(device, line + " | display json")))


def _plain(element: ET.Element) -> ET.Element:
    """The element without namespaces in its tags (as PyEZ tables read a reply)."""
    for e in element.iter():
        e.tag = e.tag.split("}")[-1]
    return element


def names(element: ET.Element) -> set[str]:
    return {e.tag.split("}")[-1] for e in element.iter()}


def data(obj: dict, key: str) -> str:
    """The text of the one `key` of a Junos JSON object."""
    (found,) = obj[key]
    return found["data"]


# -- BGP ------------------------------------------------------------------------------------------------


def summary_from_text(lines: list[str]) -> dict[str, tuple[str, ...]]:
    """Peer rows: address -> (AS, InPkt, OutPkt, OutQ, Flaps, state, and `a/r/acc/d` when up)."""
    peers: dict[str, tuple[str, ...]] = {}
    rows = lines[lines.index(next(x for x in lines if x.startswith("Peer "))) + 1 :]
    last = ""
    for row in rows:
        if row.startswith("  "):
            peers[last] += (row.split(": ")[1],)
            continue
        words = row.split()
        last = words[0]
        peers[last] = (*words[1:6], words[-1])
    return peers


def summary_from_xml(info: ET.Element) -> dict[str, tuple[str, ...]]:
    peers: dict[str, tuple[str, ...]] = {}
    for peer in info.iter("bgp-peer"):
        state = peer.find("peer-state")
        assert state is not None
        row = tuple(
            peer.findtext(tag, "")
            for tag in ("peer-as", "input-messages", "output-messages", "route-queue-count", "flap-count")
        )
        row += (state.get(f"{{{JUNOS}}}format") or state.text or "",)
        for rib in peer.iter("bgp-rib"):
            row += (
                "/".join(
                    rib.findtext(t, "")
                    for t in (
                        "active-prefix-count",
                        "received-prefix-count",
                        "accepted-prefix-count",
                        "suppressed-prefix-count",
                    )
                ),
            )
        peers[peer.findtext("peer-address", "")] = row
    return peers


JUNOS = "http://xml.juniper.net/junos/24.4R1.9/junos"


def test_bgp_summary_text_xml_and_json_agree(r1: Device) -> None:
    text = out(r1, "show bgp summary")
    assert text[2] == "Groups: 3 Peers: 3 Down peers: 1"
    peers = summary_from_text(text)
    assert peers[ISP1] == ("65001", peers[ISP1][1], peers[ISP1][2], "0", "0", "Establ", "4/4/4/0")
    assert peers[ISP2][-2:] == ("Establ", "1/3/2/0") and peers[LOST][-1] == "Active"
    info = xml_of(r1, "show bgp summary")
    assert info.tag == "bgp-information" and names(info) <= SUMMARY_NAMES
    assert summary_from_xml(info) == peers
    assert [info.findtext(t) for t in ("group-count", "peer-count", "down-peer-count")] == ["3", "3", "1"]
    rib = info.find("bgp-rib")
    assert rib is not None and rib.findtext("name") == "inet.0"
    assert text[5].split() == [rib.findtext(t) for t in ("total-prefix-count", "active-prefix-count")] + ["0"] * 4
    elapsed = info.find("bgp-peer/elapsed-time")
    assert elapsed is not None and elapsed.get(f"{{{JUNOS}}}seconds") == "3600"  # napalm's uptime
    (obj,) = json_of(r1, "show bgp summary")["bgp-information"]
    by_json = {data(p, "peer-address"): data(p, "peer-as") for p in obj["bgp-peer"]}
    assert by_json == {address: row[0] for address, row in peers.items()}
    assert obj["bgp-peer"][1]["peer-state"][0]["attributes"] == {"junos:format": "Establ"}


def neighbor_from_text(lines: list[str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for block in "\n".join(lines).split("\n\n"):
        head = re.match(r"Peer: (\S+) AS (\d+)\s+Local: (\S+) AS (\d+)", block)
        assert head is not None
        fields = {"peer-as": head[2], "local-address": head[3], "local-as": head[4]}
        for label, tag in (
            ("State", "peer-state"),
            ("Last State", "last-state"),
            ("Last Error", "last-error"),
            ("Holdtime", "holdtime"),
            ("Peer ID", "peer-id"),
            ("Local ID", "local-id"),
            ("Received prefixes", "received-prefix-count"),
            ("Advertised prefixes", "advertised-prefix-count"),
            ("Group", "peer-group"),
        ):
            match = re.search(rf"(?<![\w ]){label}: +(\S+)|  {label}: +(\S+)", block)
            if match:
                fields[tag] = match[1] or match[2]
        found[head[1]] = fields
    return found


def neighbor_from_xml(info: ET.Element) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for peer in info.iter("bgp-peer"):
        fields = {}
        for path in (
            "peer-as",
            "local-address",
            "local-as",
            "peer-state",
            "last-state",
            "last-error",
            "bgp-option-information/holdtime",
            "peer-id",
            "local-id",
            "bgp-rib/received-prefix-count",
            "bgp-rib/advertised-prefix-count",
            "peer-group",
        ):
            value = peer.findtext(path)
            if value is not None:
                fields[path.split("/")[-1]] = value.split()[0]
        fields.setdefault("local-address", "unspecified")
        found[peer.findtext("peer-address", "")] = fields
    return found


def test_bgp_neighbor_text_xml_and_json_agree(r1: Device) -> None:
    text = out(r1, "show bgp neighbor")
    expected = neighbor_from_text(text)
    assert expected[ISP1] == {
        "peer-as": "65001",
        "local-address": "198.51.100.1",
        "local-as": "65000",
        "peer-group": "isp1",
        "peer-state": "Established",
        "last-state": "OpenConfirm",
        "last-error": "None",
        "holdtime": "90",
        "peer-id": ISP1,
        "local-id": "192.0.2.1",
        "received-prefix-count": "4",
        "advertised-prefix-count": "1",
    }
    assert expected[ISP2]["received-prefix-count"] == "3" and expected[LOST]["peer-state"] == "Active"
    info = xml_of(r1, "show bgp neighbor")
    assert names(info) <= NEIGHBOR_NAMES
    assert neighbor_from_xml(info) == expected
    two = next(p for p in info.iter("bgp-peer") if p.findtext("peer-address") == ISP2)
    assert two.findtext("description") == "transit two"
    assert two.findtext("bgp-option-information/export-policy") == "out"
    assert two.findtext("active-holdtime") == "30" and two.findtext("keepalive-interval") == "10"
    (obj,) = json_of(r1, f"show bgp neighbor {ISP2}")["bgp-information"]
    (peer,) = obj["bgp-peer"]
    assert data(peer, "peer-address") == ISP2 and data(peer, "local-address") == "203.0.113.1"
    assert data(peer["bgp-rib"][0], "accepted-prefix-count") == "2"
    assert data(peer, "peer-flags") == "Sync"
    assert xml_of(r1, "show bgp neighbor 10.9.9.9").findall("bgp-peer") == []


def routes_from_text(lines: list[str]) -> list[tuple[str, ...]]:
    """Rows as (active mark, prefix, next hop, MED, local preference, AS path), split at their columns."""
    rows = [x for x in lines if x[:1] in "* " and x[2:3].isdigit()]
    return [(r[0], r[2:26].strip(), r[26:47].strip(), r[47:55].strip(), r[55:66].strip(), r[66:]) for r in rows]


def routes_from_xml(info: ET.Element) -> list[tuple[str, ...]]:
    return [
        (
            rt.findtext("rt-entry/active-tag", " "),
            rt.findtext("rt-destination", ""),
            rt.findtext("rt-entry/nh/to", ""),
            rt.findtext("rt-entry/med", ""),
            rt.findtext("rt-entry/local-preference", ""),
            rt.findtext("rt-entry/as-path", ""),
        )
        for rt in info.iter("rt")
    ]


@pytest.mark.parametrize(
    "line",
    [
        f"show route receive-protocol bgp {ISP1}",
        f"show route receive-protocol bgp {ISP2}",
        f"show route receive-protocol bgp {ISP1} 16.0.0.0/23",
        f"show route advertising-protocol bgp {ISP2}",
        f"show route advertising-protocol bgp {ISP1} 9.9.9.0/24 exact",
    ],
)
def test_routes_of_a_peer_text_xml_and_json_agree(r1: Device, line: str) -> None:
    text = out(r1, line)
    rows = routes_from_text(text)
    assert rows
    info = xml_of(r1, line)
    assert info.tag == "route-information" and names(info) <= ROUTE_NAMES
    assert routes_from_xml(info) == rows
    table = info.find("route-table")
    assert table is not None
    counts = [table.findtext(t) for t in ("destination-count", "total-route-count", "active-route-count")]
    assert text[1].startswith(f"inet.0: {counts[0]} destinations, {counts[1]} routes ({counts[2]} active")
    (obj,) = json_of(r1, line)["route-information"]
    by_json = [data(rt, "rt-destination") for rt in obj["route-table"][0]["rt"]]
    assert by_json == [row[1] for row in rows]


def test_receive_protocol_rows(r1: Device) -> None:
    """ISP1's MED is in its own column; ISP2's longer path to 8.8.8.0/24 is not the active one."""
    one = routes_from_xml(xml_of(r1, f"show route receive-protocol bgp {ISP1}"))
    assert ("*", "8.8.8.0/24", ISP1, "10", "", "65001 15169 I") in one
    two = routes_from_xml(xml_of(r1, f"show route receive-protocol bgp {ISP2}"))
    assert [(r[0], r[1]) for r in two] == [(" ", "8.8.8.0/24"), ("*", "9.9.9.0/24")]
    advertised = routes_from_xml(xml_of(r1, f"show route advertising-protocol bgp {ISP2}"))
    assert ("*", "10.10.0.0/16", "Self", "", "", "I") in advertised


def test_display_xml_rpc_names_the_rpcs_and_their_arguments(r1: Device) -> None:
    def asked(line: str) -> list[str]:
        lines = out(r1, line + " | display xml rpc")
        return [x.strip() for x in lines[2 : lines.index("    </rpc>")]]

    assert asked("show bgp summary") == ["<get-bgp-summary-information>", "</get-bgp-summary-information>"]
    assert asked(f"show bgp neighbor {ISP1}")[1] == f"<neighbor-address>{ISP1}</neighbor-address>"
    assert asked(f"show route receive-protocol bgp {ISP1} 16.0.0.0/23 exact")[1:-1] == [
        "<receive-protocol-name>bgp</receive-protocol-name>",
        f"<peer>{ISP1}</peer>",
        "<destination>16.0.0.0/23</destination>",
        "<exact/>",
    ]
    assert asked(f"show route advertising-protocol bgp {ISP2}")[1:-1] == [
        "<advertising-protocol-name>bgp</advertising-protocol-name>",
        f"<neighbor>{ISP2}</neighbor>",
    ]


def test_bgp_rpcs_over_netconf(r1: Device) -> None:
    nc = Nc(r1)
    (summary,) = nc.ok("<get-bgp-summary-information/>")
    assert summary_from_xml(_plain(summary)) == summary_from_text(out(r1, "show bgp summary"))
    (master,) = nc.ok("<get-bgp-summary-information><instance>master</instance></get-bgp-summary-information>")
    assert summary_from_xml(_plain(master)) == summary_from_xml(_plain(summary))
    (other,) = nc.ok("<get-bgp-summary-information><instance>VR</instance></get-bgp-summary-information>")
    assert _plain(other).findtext("peer-count") == "0"
    body = f"<get-bgp-neighbor-information><neighbor-address>{ISP2}</neighbor-address></get-bgp-neighbor-information>"
    (neighbor,) = nc.ok(body)
    assert neighbor_from_xml(_plain(neighbor)) == neighbor_from_text(out(r1, f"show bgp neighbor {ISP2}"))
    (received,) = nc.ok(
        "<get-route-information><receive-protocol-name>bgp</receive-protocol-name>"
        f"<peer>{ISP1}</peer><destination>16.0.0.0/23</destination></get-route-information>"
    )
    assert routes_from_xml(_plain(received)) == routes_from_text(
        out(r1, f"show route receive-protocol bgp {ISP1} 16.0.0.0/23")
    )
    (advertised,) = nc.ok(
        "<get-route-information><advertising-protocol-name>bgp</advertising-protocol-name>"
        f"<neighbor>{ISP2}</neighbor></get-route-information>"
    )
    assert routes_from_xml(_plain(advertised)) == routes_from_text(
        out(r1, f"show route advertising-protocol bgp {ISP2}")
    )
    (same,) = nc.ok('<command format="xml">show bgp summary</command>')
    assert summary_from_xml(_plain(same)) == summary_from_xml(_plain(summary))


def test_bgp_not_running_is_an_output_element(tmp_path: Path, schema, clock) -> None:  # type: ignore[no-untyped-def]
    from nos.features import install

    device = Device(schema, clock, hostname="srx1", state_dir=tmp_path / "state")
    install(device)
    assert out(device, "show bgp summary") == ["BGP is not running"]
    reply = ET.fromstring("\n".join(out(device, "show bgp summary | display xml")))
    assert reply[0].tag == "output" and reply[0].text == "BGP is not running"
    assert json_of(device, "show bgp neighbor") == {"output": [{"data": "BGP is not running"}]}
    (answer,) = Nc(device).ok("<get-bgp-summary-information/>")
    assert _plain(answer).tag == "output" and answer.text == "BGP is not running"  # as a vSRX 24.4 answers


# -- RPM ------------------------------------------------------------------------------------------------


def probes_from_text(lines: list[str]) -> dict[tuple[str, str], dict[str, list[str]]]:
    """Per test: its target, type, probe status and rtt, and each `Results over` span's numbers."""
    found: dict[tuple[str, str], dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    span = ""
    for line in lines:
        text = line.strip()
        if text.startswith("Owner: "):
            owner, test = re.findall(r"Owner: (\S+), Test: (\S+)", text)[0]
            current = found[(owner, test)] = {}
        elif text.startswith("Target address: "):
            current["target"] = re.findall(r"Target address: ([\d.]+)", text)
            current["type"] = re.findall(r"Probe type: ([\w-]+)", text)
        elif text in ("Response received", "Request timed out"):
            current.setdefault("status", []).append(text)
        elif text.startswith("Rtt: "):
            current.setdefault("rtt", []).append(text.split()[1])
        elif text.startswith("Results over "):
            span = text[len("Results over ") : -1]
        elif text.startswith("Probes sent: "):
            current[span] = re.findall(r"[\d.]+", text)
        elif text.startswith("Samples: "):
            current[span] += [re.findall(r"Average: (\d+)", text)[0]]
    return found


def probes_from_xml(info: ET.Element) -> dict[tuple[str, str], dict[str, list[str]]]:
    found: dict[tuple[str, str], dict[str, list[str]]] = {}
    for test in info.iter("probe-test-results"):
        current = found[(test.findtext("owner", ""), test.findtext("test-name", ""))] = {
            "target": [test.findtext("target-address", "")],
            "type": [test.findtext("probe-type", "")],
        }
        for single in test.iter("probe-single-results"):
            current.setdefault("status", []).append(single.findtext("probe-status", ""))
            if single.find("rtt") is not None:
                current.setdefault("rtt", []).append(single.findtext("rtt", ""))
        for generic in test.iter("probe-test-generic-results"):
            numbers = [generic.findtext(t, "") for t in ("probes-sent", "probe-responses", "loss-percentage")]
            numbers += [s.findtext("avg-delay", "") for s in generic.iter("probe-summary-results")]
            current[generic.findtext("results-scope", "")] = numbers
    return found


@pytest.mark.parametrize(
    "line", ["show services rpm probe-results", "show services rpm probe-results owner vpn test icmp"]
)
def test_probe_results_text_xml_and_json_agree(srx1: Device, line: str) -> None:
    text = out(srx1, line)
    expected = probes_from_text(text)
    info = xml_of(srx1, line)
    assert info.tag == "probe-results" and names(info) <= PROBE_NAMES
    assert probes_from_xml(info) == expected
    (obj,) = json_of(srx1, line)["probe-results"]
    assert [(data(t, "owner"), data(t, "test-name")) for t in obj["probe-test-results"]] == list(expected)


def test_probe_results_as_napalm_reads_them(srx1: Device) -> None:
    """The paths of napalm's junos_rpm_probes_results_table, over NETCONF with owner and test."""
    (reply,) = Nc(srx1).ok("<get-probe-results><owner>isp1</owner><test>icmp</test></get-probe-results>")
    (test,) = _plain(reply).findall("probe-test-results")
    assert test.findtext("owner") == "isp1" and test.findtext("source-address") == "198.51.100.1"
    assert test.findtext("test-size") == "5" and test.findtext("probe-type") == "icmp-ping"
    assert test.findtext("probe-last-test-results/probe-test-generic-results/loss-percentage") == "100.000000"
    rtt = "probe-test-global-results/probe-test-generic-results/probe-test-rtt/probe-summary-results/avg-delay"
    assert float(test.findtext(rtt, "")) == 6000.0
    single = test.find("probe-single-results")
    assert single is not None and single.findtext("probe-status") == "Request timed out"
    assert probes_from_xml(_plain(reply)) == probes_from_text(out(srx1, "show services rpm probe-results owner isp1"))


def history_from_text(lines: list[str]) -> list[tuple[str, str, str, str]]:
    rows = re.findall(r"^ {4}(\S+), (\S+) +(\w{3} \w{3} [ \d]\d [\d:]{8} \d{4}) +(\d+) usec$", "\n".join(lines), re.M)
    return [tuple(r) for r in rows]


def history_from_xml(info: ET.Element) -> list[tuple[str, str, str, str]]:
    return [
        tuple(s.findtext(t, "") for t in ("owner", "test-name", "probe-time", "rtt"))  # type: ignore[misc]
        for s in info.findall("probe-single-results")
    ]


@pytest.mark.parametrize(
    "line", ["show services rpm history-results", "show services rpm history-results brief owner isp1"]
)
def test_history_results_text_xml_and_json_agree(srx1: Device, line: str) -> None:
    rows = history_from_text(out(srx1, line))
    assert rows
    info = xml_of(srx1, line)
    assert info.tag == "history-results" and names(info) <= PROBE_NAMES | {"history-results"}
    assert history_from_xml(info) == rows
    (obj,) = json_of(srx1, line)["history-results"]
    assert [data(s, "rtt") for s in obj["probe-single-results"]] == [r[3] for r in rows]
    first = info.find("probe-single-results/probe-time")
    assert first is not None and first.get(f"{{{JUNOS}}}seconds") is not None


def test_history_results_detail(srx1: Device) -> None:
    line = "show services rpm history-results detail owner vpn since 2026-01-01.00:01:30"
    text = out(srx1, line)
    info = xml_of(srx1, line)
    assert probes_from_xml(info) == probes_from_text(text)
    assert len(info.findall("probe-test-results/probe-single-results")) == text.count("    Probe results:")
    (reply,) = Nc(srx1).ok(
        "<get-history-results><detail/><owner>vpn</owner><since>2026-01-01.00:01:30</since></get-history-results>"
    )
    assert probes_from_xml(_plain(reply)) == probes_from_text(text)
    (brief,) = Nc(srx1).ok("<get-history-results><owner>isp1</owner></get-history-results>")
    assert history_from_xml(_plain(brief)) == history_from_text(
        out(srx1, "show services rpm history-results owner isp1")
    )


# -- ip-monitoring --------------------------------------------------------------------------------------


def ipmon_from_text(lines: list[str]) -> list[tuple[str, ...]]:
    """Every row, by kind: (`policy`, name and status), (`probe`, ...), (`route`, ...), (`interface`, ...)."""
    rows: list[tuple[str, ...]] = []
    kind = ""
    for line in lines:
        if line.startswith("Policy - "):
            rows.append(("policy", line[len("Policy - ") :]))
        elif line in ("RPM Probes:", "Route-Action:", "Interface-Action:"):
            kind = {"RPM Probes:": "probe", "Route-Action:": "route", "Interface-Action:": "interface"}[line]
        elif line and not line.startswith(("-", "Probe name", "route-instance", "interface ")):
            rows.append((kind, *line.split()))
    return rows


def ipmon_from_xml(info: ET.Element) -> list[tuple[str, ...]]:
    fields = {
        "policy-header": ("policy", ("policy-name",)),
        "status": ("probe", ("probe-name", "test-name", "address", "probe-status")),
        "route-action": ("route", ("route-instance", "route", "next-hop", "state")),
        "interface-action": ("interface", ("interface-name", "action", "state")),
    }
    rows = []
    for element in info:
        kind, tags = fields[element.tag]
        rows.append((kind, *(element.findtext(t, "") for t in tags)))
    return rows


@pytest.mark.parametrize("line", ["show services ip-monitoring status", "show services ip-monitoring status failover"])
def test_ip_monitoring_text_xml_and_json_agree(srx1: Device, line: str) -> None:
    text = out(srx1, line)
    rows = ipmon_from_text(text)
    assert ("policy", "failover (Status: FAIL)") in rows
    assert ("route", "inet.0", "0.0.0.0/0", "192.0.2.2", "APPLIED") in rows
    assert ("interface", "ge-0/0/5", "enable", "APPLIED") in rows
    info = xml_of(srx1, line)
    assert info.tag == "ip-monitoring"
    assert ipmon_from_xml(info) == rows
    # what a published PyEZ check reads: the policy's status in its name, the probes' status
    assert next(p.findtext("policy-name") for p in info.iter("policy-header")) == "failover (Status: FAIL)"
    assert next(s.findtext("probe-status") for s in info.iter("status")) == "FAIL"
    (obj,) = json_of(srx1, line)["ip-monitoring"]
    assert [data(h, "policy-name") for h in obj["policy-header"]] == [r[1] for r in rows if r[0] == "policy"]


def test_ip_monitoring_over_netconf(srx1: Device) -> None:
    nc = Nc(srx1)
    (everything,) = nc.ok("<get-ip-monitoring-status/>")
    assert ipmon_from_xml(_plain(everything)) == ipmon_from_text(out(srx1, "show services ip-monitoring status"))
    (one,) = nc.ok("<get-ip-monitoring-status><policy>vpn-watch</policy></get-ip-monitoring-status>")
    rows = ipmon_from_xml(_plain(one))
    assert rows[0] == ("policy", "vpn-watch (Status: PASS)")
    assert rows == ipmon_from_text(out(srx1, "show services ip-monitoring status vpn-watch"))
    asked = out(srx1, "show services ip-monitoring status vpn-watch | display xml rpc")
    assert [x.strip() for x in asked[2:5]] == [
        "<get-ip-monitoring-status>",
        "<policy>vpn-watch</policy>",
        "</get-ip-monitoring-status>",
    ]


# -- the login class ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "body"),
    [
        ("r1", "<get-bgp-summary-information/>"),
        ("r1", f"<get-bgp-neighbor-information><neighbor-address>{ISP1}</neighbor-address></get-bgp-neighbor-information>"),
        ("r1", f"<get-route-information><receive-protocol-name>bgp</receive-protocol-name><peer>{ISP1}</peer></get-route-information>"),
        ("srx1", "<get-probe-results/>"),
        ("srx1", "<get-history-results><owner>isp1</owner></get-history-results>"),
        ("srx1", "<get-ip-monitoring-status/>"),
    ],
)  # fmt: skip
def test_a_class_without_view_may_not_call_them(request, fixture: str, body: str) -> None:  # type: ignore[no-untyped-def]
    device = request.getfixturevalue(fixture)
    refused = Nc(device, user="guest", rights=Rights("unauthorized", PREDEFINED["unauthorized"]))
    reply = refused.rpc(body)
    assert [e["error-tag"] for e in errors(reply)] == ["access-denied"]
    assert reply.find(".//nc:ok", NS) is None
    viewer = Nc(device, user="viewer", rights=Rights("read-only", PREDEFINED["read-only"]))
    (answer,) = viewer.ok(body)  # `view` is enough
    assert _plain(answer).tag != "output"
