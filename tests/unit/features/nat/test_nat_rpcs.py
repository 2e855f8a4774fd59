"""The NAT show commands as NETCONF clients ask for them: by RPC name, `<all/>` or a name."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import trio

from nos.net.netconf import NetconfSession
from nos.net.netconf.xml import BASE_NS

CONFIG = """\
set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/24
set security zones security-zone trust interfaces ge-0/0/0.0
set security zones security-zone untrust interfaces ge-0/0/1.0
set security nat source pool p1 address 203.0.113.10/32
set security nat source rule-set out from zone trust
set security nat source rule-set out to zone untrust
set security nat source rule-set out rule lan match source-address 10.0.1.0/24
set security nat source rule-set out rule lan then source-nat pool p1
set security nat source rule-set out rule other match source-address 0.0.0.0/0
set security nat source rule-set out rule other then source-nat interface
"""


def rpc(device, body: str) -> ET.Element:  # type: ignore[no-untyped-def]
    session = NetconfSession(device, "lab", send=lambda _: None)
    reply = ET.fromstring(trio.run(session.answer, f'<rpc message-id="1" xmlns="{BASE_NS}">{body}</rpc>'))
    assert reply.find(f".//{{{BASE_NS}}}rpc-error") is None, ET.tostring(reply, encoding="unicode")
    return reply


def names(reply: ET.Element) -> list[str]:
    return [e.text or "" for e in reply.iter() if e.tag.endswith("rule-name")]


def test_source_rules_all_and_by_name(srx):
    device = srx(CONFIG)
    assert names(
        rpc(device, "<get-source-nat-rule-sets-information><all/></get-source-nat-rule-sets-information>")
    ) == [
        "lan",
        "other",
    ]
    by_name = (
        "<get-source-nat-rule-sets-information><rule-name>other</rule-name></get-source-nat-rule-sets-information>"
    )
    assert names(rpc(device, by_name)) == ["other"]


def test_pools_and_summary(srx):
    device = srx(CONFIG)
    pools = rpc(device, "<retrieve-source-nat-pool-information><all/></retrieve-source-nat-pool-information>")
    assert [e.text for e in pools.iter() if e.tag.endswith("pool-name")] == ["p1"]
    summary = rpc(device, "<retrieve-source-nat-summary/>")
    assert [e.text for e in summary.iter() if e.tag.endswith("summary-total-source-rules")] == ["2"]
