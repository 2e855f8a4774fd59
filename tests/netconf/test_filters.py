"""NETCONF subtree filters at every depth (RFC 6241 section 6) on `<get-config>`, `<get-configuration>`
and `<get>`; `format="json"` / `format="text"` replies; `| display json` of annotations stays valid JSON."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from clidriver import Cli
from test_rpcs import NS, Nc, errors

from nos.features import install
from nos.net.netconf.xml import BASE_NS, local
from nos.runtime.device import Device

CONFIG = """\
set system root-authentication encrypted-password "$6$x"
set system login user alice uid 2001 class super-user
set system login user bob uid 2002 class read-only
set system name-server 8.8.8.8
set system name-server 1.1.1.1
set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24
set interfaces ge-0/0/1 description uplink
set routing-options autonomous-system 65010
set routing-options static route 192.168.1.0/24 next-hop 10.0.0.2
set protocols bgp group PEERS type external
set protocols bgp group PEERS neighbor 10.0.0.2 peer-as 65020
set protocols bgp group PEERS neighbor 10.0.0.3 peer-as 65030
set protocols bgp group IBGP type internal
"""


@pytest.fixture
def box(schema, clock, tmp_path: Path) -> Device:  # type: ignore[no-untyped-def]
    device = Device(schema, clock, hostname="srx1", state_dir=tmp_path / "state")
    install(device)
    cli = Cli(device)
    cli.run("configure", *CONFIG.splitlines())
    assert "commit complete" in cli.run("commit and-quit")
    return device


@pytest.fixture
def nc(box):  # type: ignore[no-untyped-def]
    return Nc(box)


def shape(e: ET.Element) -> object:
    """An element as nested (tag, text | children) tuples, namespaces dropped: easy to compare."""
    kids = [c for c in e if isinstance(c.tag, str)]
    if not kids:
        return (local(e.tag), (e.text or "").strip())
    return (local(e.tag), [shape(c) for c in kids])


def config_of(reply: ET.Element, path: str = "nc:data/nc:configuration") -> ET.Element:
    found = reply.find(path, NS)
    assert found is not None, ET.tostring(reply, encoding="unicode")
    return found


def get_config(nc: Nc, inner: str) -> ET.Element:
    body = "<get-config><source><running/></source>"
    body += f'<filter type="subtree"><configuration>{inner}</configuration></filter></get-config>'
    return config_of(nc.ok(body))


# -- nested subtree filters ---------------------------------------------------------------------


def test_list_entry_by_key_at_depth_returns_only_that_entry(nc):
    config = get_config(nc, "<system><login><user><name>alice</name></user></login></system>")
    assert shape(config) == (
        "configuration",
        [
            (
                "system",
                [
                    (
                        "login",
                        [("user", [("name", "alice"), ("uid", "2001"), ("class", "super-user")])],
                    )
                ],
            )
        ],
    )


def test_selection_of_leaves_inside_an_entry(nc):
    config = get_config(nc, "<system><login><user><name>bob</name><class/></user></login></system>")
    (user,) = config.findall("nc:system/nc:login/nc:user", NS)
    assert shape(user) == ("user", [("name", "bob"), ("class", "read-only")])


def test_key_selection_lists_the_identifiers_only(nc):
    config = get_config(nc, "<protocols><bgp><group><name/></group></bgp></protocols>")
    groups = config.findall("nc:protocols/nc:bgp/nc:group", NS)
    assert [shape(g) for g in groups] == [("group", [("name", "PEERS")]), ("group", [("name", "IBGP")])]


def test_two_siblings_and_two_entries(nc):
    config = get_config(
        nc,
        "<system><name-server/></system>"
        "<protocols><bgp><group><name>PEERS</name><neighbor><name>10.0.0.3</name></neighbor></group></bgp></protocols>"
        "<interfaces><interface><name>ge-0/0/1</name></interface><interface><name>ge-0/0/0</name></interface></interfaces>",
    )
    assert [local(c.tag) for c in config] == ["system", "interfaces", "protocols"]
    servers = [n.text for n in config.findall("nc:system/nc:name-server/nc:name", NS)]
    assert servers == ["8.8.8.8", "1.1.1.1"]
    assert config.find("nc:system/nc:login", NS) is None
    (group,) = config.findall("nc:protocols/nc:bgp/nc:group", NS)
    assert group.findtext("nc:name", namespaces=NS) == "PEERS"
    (neighbor,) = group.findall("nc:neighbor", NS)
    assert shape(neighbor) == ("neighbor", [("name", "10.0.0.3"), ("peer-as", "65030")])
    assert group.find("nc:type", NS) is None  # not asked for
    names = [i.findtext("nc:name", namespaces=NS) for i in config.findall("nc:interfaces/nc:interface", NS)]
    assert names == ["ge-0/0/0", "ge-0/0/1"]


def test_content_match_on_a_leaf_selects_the_entries_holding_it(nc):
    config = get_config(nc, "<protocols><bgp><group><type>internal</type></group></bgp></protocols>")
    groups = config.findall("nc:protocols/nc:bgp/nc:group", NS)
    assert [g.findtext("nc:name", namespaces=NS) for g in groups] == ["IBGP"]


def test_a_filter_that_matches_nothing_returns_an_empty_configuration(nc):
    config = get_config(nc, "<system><login><user><name>nobody</name></user></login></system>")
    assert list(config) == []


# -- Junos' own form and <get> --------------------------------------------------------------------


def test_get_configuration_filter_as_napalm_sends_it(nc):
    reply = nc.ok(
        '<get-configuration database="committed" inherit="inherit">'
        "<configuration><protocols><bgp><group/></bgp></protocols></configuration></get-configuration>"
    )
    config = config_of(reply, "nc:configuration")
    assert [local(c.tag) for c in config] == ["protocols"]
    groups = config.findall("nc:protocols/nc:bgp/nc:group", NS)
    assert [g.findtext("nc:name", namespaces=NS) for g in groups] == ["PEERS", "IBGP"]
    assert len(groups[0].findall("nc:neighbor", NS)) == 2


def test_get_configuration_filter_applies_to_text_and_set(nc):
    flt = "<configuration><system><login><user><name>bob</name></user></login></system></configuration>"
    text = nc.ok(f'<get-configuration format="text">{flt}</get-configuration>')
    curly = text.findtext("nc:configuration-text", namespaces=NS) or ""
    assert "bob" in curly and "alice" not in curly and "host-name" not in curly
    lines = nc.ok(f'<get-configuration format="set">{flt}</get-configuration>')
    assert (lines.findtext("nc:configuration-set", namespaces=NS) or "").split("\n")[:-1] == [
        "set system login user bob uid 2002",
        "set system login user bob class read-only",
    ]


def test_get_answers_with_the_committed_configuration_and_database_status(nc, box):
    cli = Cli(box)
    cli.run("configure", "set system login user carol class read-only")  # a candidate change only
    reply = nc.ok("<get/>")
    data = reply.find("nc:data", NS)
    assert data is not None
    assert [local(c.tag) for c in data] == ["configuration", "database-status-information"]
    users = [u.findtext("nc:name", namespaces=NS) for u in data.findall(".//nc:login/nc:user", NS)]
    assert users == ["lab", "alice", "bob"]  # committed, not the candidate
    (status,) = data.findall("nc:database-status-information/nc:database-status", NS)
    assert status.findtext("nc:user", namespaces=NS) == "lab"
    filtered = nc.ok(
        '<get><filter type="subtree"><configuration><system><login><user><name>alice</name>'
        "</user></login></system></configuration></filter></get>"
    )
    data = filtered.find("nc:data", NS)
    assert [local(c.tag) for c in data] == ["configuration"]
    users = [u.findtext("nc:name", namespaces=NS) for u in data.findall(".//nc:login/nc:user", NS)]
    assert users == ["alice"]


def test_get_as_ncclient_would_send_it_raw(nc):
    raw = nc.raw(
        '<get><filter type="subtree"><configuration><routing-options><static/></routing-options>'
        "</configuration></filter></get>"
    )
    reply = ET.fromstring(raw)
    routes = reply.findall(".//nc:static/nc:route/nc:name", NS)
    assert [r.text for r in routes] == ["192.168.1.0/24"]
    assert reply.find(".//nc:autonomous-system", NS) is None


# -- json and text formats ------------------------------------------------------------------------


def json_of(raw: str) -> dict:
    """The JSON a reply carries as the text of <rpc-reply>, parsed as PyEZ parses it."""
    reply = ET.fromstring(raw)
    assert reply.tag == f"{{{BASE_NS}}}rpc-reply"
    assert not errors(reply), raw
    return json.loads(reply.text or "", strict=False)


def test_command_format_json_is_the_junos_json_of_the_structured_answer(nc, box):
    data = json_of(nc.raw('<command format="json">show route summary</command>'))
    (info,) = data["route-summary-information"]
    tables = {t["table-name"][0]["data"]: t for t in info["route-table"]}
    assert "inet.0" in tables
    cli_json = json.loads(Cli(box).output("show route summary | display json"))
    assert cli_json == data


def test_rpc_format_json_and_text(nc, box):
    data = json_of(nc.raw('<get-route-summary-information format="json"/>'))
    assert "route-summary-information" in data
    text = nc.ok('<get-route-summary-information format="text"/>')
    output = text.find("nc:output", NS)
    assert output is not None
    assert (output.text or "").strip() == Cli(box).output("show route summary").strip()


def test_command_format_json_of_a_device_command_and_of_a_text_only_one(nc):
    data = json_of(nc.raw('<command format="json">show version</command>'))
    assert "software-information" in data
    data = json_of(nc.raw('<command format="json">show system commit</command>'))
    assert isinstance(data, dict) and data


def test_rpc_format_refused_when_unknown(nc):
    (err,) = errors(nc.rpc('<get-route-summary-information format="yaml"/>'))
    assert "format" in err["error-message"]


# -- annotations in | display json -----------------------------------------------------------------


def test_display_json_with_annotations_holding_newlines_and_quotes(box):
    cli = Cli(box)
    cli.run("configure", 'annotate system "line one\\nline two"', 'annotate routing-options "say \\"hi\\" \\\\ there"')
    data = json.loads(cli.output("show | display json"))
    comment = data["configuration"]["system"]["@"]["comment"]
    assert "line one" in comment and "line two" in comment
    assert '"hi"' in data["configuration"]["routing-options"]["@"]["comment"]


def test_display_json_with_a_multiline_comment_loaded_from_a_file(box):
    cli = Cli(box)
    cli.run("configure")
    text = 'system {\n    /* first line\n       second "line" */\n    host-name srx1;\n}\n'
    assert "load complete" in cli.output("load merge terminal", answers=[text])
    data = json.loads(cli.output("show | display json"))
    comment = data["configuration"]["system"]["@host-name"]["comment"]
    assert "first line\n" in comment and 'second "line"' in comment


def test_the_devices_own_rpcs_answer_in_json_too(device):  # type: ignore[no-untyped-def]
    """`<get-software-information format="json"/>`: the Junos JSON of the reply, as the reply's text."""
    reply = Nc(device).ok('<get-software-information format="json"/>')
    data = json.loads(reply.text or "")
    assert data["software-information"][0]["host-name"] == [{"data": "r1"}]
