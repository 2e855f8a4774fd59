"""The feature on a device: commits reach the table's options, the show and clear commands read and
change the table (CLI and NETCONF)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import trio
from clidriver import Cli
from featurelab import commit_set

from nos.features.flow.sessions import FlowSessions, Wing, install
from nos.lab.packet import ipv4_int as ip
from nos.net.netconf import NetconfSession
from nos.net.netconf.xml import BASE_NS
from nos.runtime.structured import JUNOS

CLIENT, SERVER, PUBLIC = ip("10.0.1.10"), ip("8.8.8.8"), ip("198.51.100.1")


def with_sessions(srx) -> tuple[object, FlowSessions]:  # type: ignore[no-untyped-def]
    device = srx("set system host-name srx1\n")
    feature = install(device)
    t = feature.table
    t.create(
        Wing(CLIENT, 40000, SERVER, 22, "tcp", "ge-0/0/0.0", "trust"),
        Wing(SERVER, 22, PUBLIC, 1024, "tcp", "ge-0/0/1.0", "untrust"),
        "trust-to-untrust",
        "junos-ssh",
        1800,
        policy_index=4,
        nat_pool="interface",
    )
    t.create(
        Wing(CLIENT, 5000, SERVER, 53, "udp", "ge-0/0/0.0", "trust"),
        Wing(SERVER, 53, PUBLIC, 1025, "udp", "ge-0/0/1.0", "untrust"),
        "trust-to-untrust",
        "junos-dns-udp",
        60,
        policy_index=4,
        nat_pool="interface",
    )
    return device, feature


def test_commits_change_the_tables_options(srx) -> None:  # type: ignore[no-untyped-def]
    device, feature = with_sessions(srx)
    assert feature.table.options.syn_check
    commit_set(
        device, "set security flow tcp-session no-syn-check\nset security flow tcp-session tcp-initial-timeout 8\n"
    )
    assert not feature.table.options.syn_check and feature.table.options.initial_timeout == 8
    assert feature.table.first_packet_drop("tcp", "ack") is None
    assert len(feature.table) == 2  # sessions survive a commit


def test_installed_on_a_device_already_configured(srx) -> None:  # type: ignore[no-untyped-def]
    device = srx("set security flow tcp-session rst-invalidate-session\n")
    assert install(device).table.options.rst_invalidate


def test_show_filters_and_clear(srx) -> None:  # type: ignore[no-untyped-def]
    device, feature = with_sessions(srx)
    cli = Cli(device)
    assert cli.output("show security flow session protocol udp").splitlines()[-1] == "Total sessions: 1"
    assert cli.output("show security flow session protocol 6").splitlines()[-1] == "Total sessions: 1"
    assert cli.output("show security flow session destination-prefix 198.51.100.0/24").endswith("Total sessions: 2\n")
    assert cli.output("show security flow session application junos-ssh").endswith("Total sessions: 1\n")
    assert cli.output("show security flow session protocol bogus") == "error: invalid protocol: bogus\n"
    assert "Sessions-in-use: 1\n" in cli.output("show security flow session protocol tcp summary")
    assert (
        cli.output("show security flow session session-identifier 2").splitlines()[1] == "Session ID: 2, Status: Normal"
    )
    assert cli.output("clear security flow session").startswith("error: no session filter")
    assert cli.output("clear security flow session session-identifier 7") == "0 active sessions cleared\n"
    assert cli.output("clear security flow session destination-port 53") == "1 active sessions cleared\n"
    assert cli.output("clear security flow session all") == "1 active sessions cleared\n"
    assert len(feature.table) == 0


def test_statistics_and_their_clear(srx) -> None:  # type: ignore[no-untyped-def]
    device, feature = with_sessions(srx)
    stats = feature.table.stats
    stats.received, stats.transmitted = 10, 9
    stats.drop("first pak not syn")
    cli = Cli(device)
    text = cli.output("show security flow statistics")
    assert "    Current sessions: 2\n    Packets received: 10\n    Packets transmitted: 9\n" in text
    assert "    Packets dropped: 1\n" in text
    assert cli.output("clear security flow statistics") == ""
    assert "    Packets received: 0\n" in cli.output("show security flow statistics")
    assert stats.drops == {}


def nc(device, body: str) -> ET.Element:  # type: ignore[no-untyped-def]
    session = NetconfSession(device, "lab", send=lambda _: None)
    reply = ET.fromstring(trio.run(session.answer, f'<rpc message-id="1" xmlns="{BASE_NS}">{body}</rpc>'))
    assert reply.find(f".//{{{BASE_NS}}}rpc-error") is None, ET.tostring(reply, encoding="unicode")
    return reply


def test_netconf_rpcs(srx) -> None:  # type: ignore[no-untyped-def]
    device, _ = with_sessions(srx)
    reply = nc(device, "<get-flow-session-information><protocol>udp</protocol></get-flow-session-information>")
    assert [e.text for e in reply.iterfind(".//{*}session-identifier")] == ["2"]
    short = "<get-flow-session-information><source-prefix>10/8</source-prefix></get-flow-session-information>"
    assert nc(device, short).findtext(".//{*}displayed-session-count") == "2"
    reply = nc(device, "<get-flow-session-information><summary/></get-flow-session-information>")
    assert reply.findtext(".//{*}active-sessions") == "2"
    reply = nc(
        device,
        "<get-flow-session-by-identifier><session-identifier>1</session-identifier></get-flow-session-by-identifier>",
    )
    assert [e.text for e in reply.iterfind(".//{*}session-identifier")] == ["1"]
    assert reply.find(".//{*}flow-session").get(f"{{{JUNOS}}}style") == "extensive"
    reply = nc(device, "<get-flow-statistics-all/>")
    assert reply.findtext(".//{*}flow-session-count-valid") == "2"
