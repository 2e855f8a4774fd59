"""The zone and policy commands at the CLI and over NETCONF: filters, hit counts and their clearing,
match-policies with result-count and global, the RPCs by their Junos names."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import trio

from nos.features.flow.show_policies import columns
from nos.lab.packet import ipv4_int as ip
from nos.net.netconf import NetconfSession
from nos.net.netconf.xml import BASE_NS

CONFIG = """\
set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/30
set interfaces ge-0/0/7 unit 0 family inet address 10.9.9.1/24
set security zones functional-zone management interfaces ge-0/0/7.0
set security zones functional-zone management description oob
set security zones security-zone trust description "the LAN"
set security zones security-zone trust tcp-rst
set security zones security-zone trust interfaces ge-0/0/0.0
set security zones security-zone untrust interfaces ge-0/0/1.0
set security address-book global address lan 10.0.1.0/24
set security policies from-zone trust to-zone untrust policy a-very-long-policy-name match source-address lan
set security policies from-zone trust to-zone untrust policy a-very-long-policy-name match destination-address any
set security policies from-zone trust to-zone untrust policy a-very-long-policy-name match application junos-ssh
set security policies from-zone trust to-zone untrust policy a-very-long-policy-name then permit
set security policies from-zone trust to-zone untrust policy all match source-address any
set security policies from-zone trust to-zone untrust policy all match destination-address any
set security policies from-zone trust to-zone untrust policy all match application any
set security policies from-zone trust to-zone untrust policy all then permit
set security policies global policy g match source-address any
set security policies global policy g match destination-address any
set security policies global policy g match application any
set security policies global policy g match from-zone untrust
set security policies global policy g then deny
"""
MATCH = "show security match-policies from-zone trust to-zone untrust source-ip 10.0.1.5 destination-ip 8.8.8.8"


@pytest.fixture
def device(srx):  # type: ignore[no-untyped-def]
    return srx(CONFIG)


def test_zones_with_a_description_reset_and_the_functional_zone(device, cli_on):
    cli = cli_on(device)
    assert cli.output("show security zones trust") == (
        "Security zone: trust\n  Zone ID: 7\n  Description: the LAN\n"
        "  Send reset for non-SYN session TCP packets: On\n  Policy configurable: Yes\n  Interfaces bound: 1\n"
        "  Interfaces:\n    ge-0/0/0.0\n  Advanced-connection-tracking timeout: 1800\n"
        "  Unidirectional-session-refreshing: No\n"
    )
    assert cli.output("show security zones management") == (
        "Functional zone: management\n  Description: oob\n  Policy configurable: No\n  Interfaces bound: 1\n"
        "  Interfaces:\n    ge-0/0/7.0\n"
    )
    assert cli.output("show security zones terse") == (
        "Zone                        Type\nmanagement                  Functional\ntrust                       Security\n"
        "untrust                     Security\njunos-host                  Security\n"
    )


def test_hit_counts_are_laid_out_in_columns_that_a_long_value_pushes(device, cli_on):
    feature = device.security
    feature.hit(feature.config.match("trust", "untrust", ip("10.0.1.5"), ip("8.8.8.8"), 6, 1, 22), times=123456)
    text = cli_on(device).output("show security policies hit-count from-zone trust")
    assert text.splitlines()[2:] == [
        "3       trust            untrust           a-very-long-policy-name 123456 Permit",
        "4       trust            untrust           all            0             Permit",
    ]
    assert (
        columns(["1", "a", "b", "c", "d", "e"])
        == "1       a                b                 c              d             e"
    )


def test_clear_hit_count(device, cli_on):
    feature = device.security
    feature.hit(feature.config.match("trust", "untrust", ip("10.0.1.5"), ip("8.8.8.8"), 6, 1, 80))
    cli = cli_on(device)
    assert cli.output("clear security policies hit-count from-zone untrust") == ""
    assert feature.hit_count(("trust", "untrust", "all")) == 1
    cli.output("clear security policies hit-count")
    assert feature.hit_count(("trust", "untrust", "all")) == 0


def test_match_policies_lists_the_matching_policies_in_order(device, cli_on):
    cli = cli_on(device)
    first = cli.output(f"{MATCH} source-port 1025 destination-port 22 protocol tcp")
    assert first.startswith("Policy: a-very-long-policy-name, action-type: permit,")
    both = cli.output(f"{MATCH} source-port 1025 destination-port 22 protocol 6 result-count 3")
    assert [line for line in both.splitlines() if line.startswith("Policy:")] == [
        "Policy: a-very-long-policy-name, action-type: permit, services-offload:not-configured , State: enabled, "
        "Index: 3, Scope Policy: 0",
        "Policy: all, action-type: permit, services-offload:not-configured , State: enabled, Index: 4, Scope Policy: 0",
        "Policy: Default-Policy, action-type: deny-all, State: enabled, Index: 2",
    ]
    glob = cli.output(
        "show security match-policies global from-zone untrust to-zone trust source-ip 8.8.8.8 "
        "destination-ip 10.0.1.5 source-port 1 destination-port 2 protocol udp"
    )
    assert glob.startswith("Policy: g, action-type: deny, State: enabled, Index: 5, Scope Policy: 0\n")
    assert "  From zones:\n    untrust\n  To zones:\n    any\n" in glob


def test_display_xml_rpc_names_the_arguments(device, cli_on):
    cli = cli_on(device)
    assert "<get-zones-named-information>trust</get-zones-named-information>" in cli.output(
        "show security zones trust | display xml rpc"
    )
    rpc = cli.output(f"{MATCH} source-port 1025 destination-port 22 protocol tcp | display xml rpc")
    assert "<match-firewall-policies>" in rpc and "<destination-port>22</destination-port>" in rpc


def _rpc(device, body: str) -> ET.Element:  # type: ignore[no-untyped-def]
    session = NetconfSession(device, "lab", send=lambda _: None)
    reply = trio.run(session.answer, f'<rpc message-id="1" xmlns="{BASE_NS}">{body}</rpc>')
    root = ET.fromstring(reply)
    assert root.find(f".//{{{BASE_NS}}}rpc-error") is None, reply
    return root


def _local(element: ET.Element) -> str:
    return element.tag.rpartition("}")[2]


def test_netconf_answers_the_rpcs_by_name(device):
    zones = _rpc(
        device,
        "<get-zones-information><get-zones-named-information>untrust</get-zones-named-information></get-zones-information>",
    )
    names = [e.text for e in zones.iter() if _local(e) == "zones-security-zonename"]
    assert names == ["untrust"]
    policies = _rpc(
        device, "<get-firewall-policies><from-zone>trust</from-zone><to-zone>untrust</to-zone></get-firewall-policies>"
    )
    assert [e.text for e in policies.iter() if _local(e) == "policy-name"] == ["a-very-long-policy-name", "all"]
    globals_ = _rpc(device, "<get-global-firewall-policies/>")
    assert [e.text for e in globals_.iter() if _local(e) == "policy-name"] == ["g"]
    match = _rpc(
        device,
        "<match-firewall-policies><from-zone>trust</from-zone><to-zone>untrust</to-zone>"
        "<source-ip>10.0.1.5</source-ip><destination-ip>8.8.8.8</destination-ip><source-port>1025</source-port>"
        "<destination-port>80</destination-port><protocol>tcp</protocol></match-firewall-policies>",
    )
    assert [e.text for e in match.iter() if _local(e) == "policy-name"] == ["all"]
    feature = device.security
    feature.hit(feature.config.match("trust", "untrust", ip("10.0.1.5"), ip("8.8.8.8"), 6, 1, 80))
    counts = _rpc(device, "<get-security-policies-hit-count/>")
    rows = [
        (e.findtext("{*}policy-hit-count-policy-name"), e.findtext("{*}policy-hit-count-count"))
        for e in counts.iter()
        if _local(e) == "policy-hit-count-entry"
    ]
    assert ("all", "1") in rows
    _rpc(device, "<clear-security-policies-hit-count/>")
    assert feature.hit_count(("trust", "untrust", "all")) == 0
