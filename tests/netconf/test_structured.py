"""Structured output: one answer per command, read as text, `| display xml`, `| display json` and over
NETCONF by its RPC name, all carrying the same values."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from clidriver import Cli
from test_rpcs import NS, Nc, errors

from nos.features import install
from nos.runtime.accounts import PREDEFINED, Rights
from nos.runtime.device import Device

CONFIG = """\
set system root-authentication encrypted-password "$6$x"
set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24
set routing-options autonomous-system 65010
set routing-options router-id 10.255.255.1
set routing-options static route 192.168.1.0/24 next-hop 10.0.0.2
set routing-options static route 192.168.2.0/24 next-hop 10.9.9.9
set routing-instances VR instance-type virtual-router
set routing-instances VR routing-options static route 0.0.0.0/0 discard
"""


@pytest.fixture
def srx(schema, clock, tmp_path: Path) -> Device:  # type: ignore[no-untyped-def]
    device = Device(schema, clock, hostname="srx1", state_dir=tmp_path / "state")
    install(device)
    cli = Cli(device)
    cli.run("configure", *CONFIG.splitlines())
    assert "commit complete" in cli.run("commit and-quit")
    return device


def out(device: Device, line: str) -> list[str]:
    """The output lines of one operational command."""
    return Cli(device).output(line).rstrip("\n").split("\n")


def summary_from_text(lines: list[str]) -> dict[str, tuple[int, ...]]:
    found = {}
    for line in lines:
        if ": " in line and " destinations, " in line:
            name, rest = line.split(": ", 1)
            words = rest.replace("(", "").replace(",", "").split()
            found[name] = (int(words[0]), int(words[2]), int(words[4]), int(words[8]))
    return found


def summary_from_xml(info: ET.Element) -> dict[str, tuple[int, ...]]:
    def text(e: ET.Element, tag: str) -> str:
        found = e.find(f"{{*}}{tag}")
        assert found is not None and found.text is not None
        return found.text

    return {
        text(t, "table-name"): tuple(
            int(text(t, tag))
            for tag in ("destination-count", "total-route-count", "active-route-count", "hidden-route-count")
        )
        for t in info.iter()
        if t.tag.endswith("route-table")
    }


def test_text_xml_and_json_of_show_route_summary_agree(srx: Device) -> None:
    text = out(srx, "show route summary")
    assert summary_from_text(text) == {"inet.0": (4, 4, 3, 1), "VR.inet.0": (1, 1, 1, 0)}
    xml_lines = out(srx, "show route summary | display xml")
    assert xml_lines[0] == '<rpc-reply xmlns:junos="http://xml.juniper.net/junos/24.4R1.9/junos">'
    assert xml_lines[-4:] == ["    <cli>", "        <banner></banner>", "    </cli>", "</rpc-reply>"]
    reply = ET.fromstring("\n".join(xml_lines))
    info = reply[0]
    assert info.tag == "{http://xml.juniper.net/junos/24.4R0/junos-routing}route-summary-information"
    assert summary_from_xml(info) == summary_from_text(text)
    data = json.loads("\n".join(out(srx, "show route summary | display json")))
    (obj,) = data["route-summary-information"]
    assert obj["attributes"] == {"xmlns": "http://xml.juniper.net/junos/24.4R0/junos-routing"}
    assert obj["router-id"] == [{"data": "10.255.255.1"}]
    tables = {t["table-name"][0]["data"]: int(t["active-route-count"][0]["data"]) for t in obj["route-table"]}
    assert tables == {"inet.0": 3, "VR.inet.0": 1}


def test_display_xml_rpc_names_the_rpc(srx: Device) -> None:
    assert out(srx, "show route summary | display xml rpc")[1:4] == [
        "    <rpc>",
        "        <get-route-summary-information>",
        "        </get-route-summary-information>",
    ]
    assert out(srx, "show cli | display xml rpc") == ["xml rpc equivalent of this command is not available."]


def test_text_only_commands_come_inside_output(srx: Device) -> None:
    lines = out(srx, "show cli | display xml")
    reply = ET.fromstring("\n".join(lines))
    assert reply[0].tag == "output" and "CLI screen-length" in (reply[0].text or "")
    data = json.loads("\n".join(out(srx, "show cli | display json")))
    assert "CLI screen-length" in data["output"][0]["data"]


def test_the_rpc_by_name_over_netconf(srx: Device) -> None:
    nc = Nc(srx)
    reply = nc.ok("<get-route-summary-information/>")
    info = reply[0]
    assert info.tag.endswith("route-summary-information")
    assert summary_from_xml(info) == summary_from_text(out(srx, "show route summary"))
    same = nc.ok('<command format="xml">show route summary</command>')
    assert summary_from_xml(same[0]) == summary_from_xml(info)
    text = nc.ok("<command>show route summary</command>")
    assert text[0].tag.endswith("route-summary-information")  # format defaults to xml
    asked = nc.ok("<command>show route summary | display xml rpc</command>")
    assert asked[0].tag.endswith("rpc") and asked[0][0].tag.endswith("get-route-summary-information")


def test_the_login_class_judges_the_rpc_as_the_command(srx: Device) -> None:
    rights = Rights("unauthorized", PREDEFINED["unauthorized"])
    nc = Nc(srx, user="guest", rights=rights)
    reply = nc.rpc("<get-route-summary-information/>")
    assert [e["error-tag"] for e in errors(reply)] == ["access-denied"]
    assert reply.find(".//nc:ok", NS) is None


def test_show_configuration_display_xml_is_the_configuration_element(srx: Device) -> None:
    lines = out(srx, "show configuration routing-options static | display xml")
    assert lines[1].startswith("    <configuration junos:commit-seconds=")
    assert lines[2].strip().startswith("junos:commit-localtime=") and lines[3].strip() == 'junos:commit-user="lab">'
    assert lines[4:7] == ["            <routing-options>", "                <static>", "                    <route>"]
    reply = ET.fromstring("\n".join(lines).replace("junos:", "junos-"))  # the prefix is declared on <rpc-reply>
    routes = [r.findtext("name") for r in reply.iter("route")]
    assert routes == ["192.168.1.0/24", "192.168.2.0/24"]


@pytest.mark.parametrize("style", ["", " terse", " detail", " table VR", " 192.168.9.9"])
def test_show_route_display_xml_made_in_slices_is_the_whole_trees(srx: Device, style: str, monkeypatch) -> None:
    """A big `show route | display xml` is written a slice of destinations at a time; the lines are
    those of the whole tree (here with slices of one destination)."""
    from nos.routing import show
    from nos.routing.prefix import prefix
    from nos.routing.show import RouteQuery, route_information
    from nos.runtime.structured import Structured

    monkeypatch.setattr(show, "ROWS_AT_A_TIME", 1)
    sliced = out(srx, f"show route{style} | display xml")
    words = style.split()
    query = RouteQuery(
        destination=prefix(words[0]) if words and words[0][0].isdigit() else None,
        table=words[1] if words[:1] == ["table"] else None,
        style=words[0] if words and words[0] in ("terse", "detail") else "brief",
    )
    whole = Structured(route_information(srx.routing, srx.scheduler.epoch(), query), lambda _: [], "").display_xml()
    assert sliced == whole
