"""ncclient (device_params junos) against the default lab's SRX: a `<get>` with a nested subtree
filter returns that subtree and nothing else, and an operational RPC sent with `dispatch`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from labcli import PASSWORD, USER, Cli, routes, seconds

ncclient = pytest.importorskip("ncclient")
from lxml import etree  # noqa: E402
from ncclient import manager  # noqa: E402

UNIT_OF_LAN = """
<configuration>
  <interfaces>
    <interface>
      <name>ge-0/0/3</name>
      <unit/>
    </interface>
  </interfaces>
</configuration>
"""


@pytest.fixture(scope="module")
def session(port: int) -> Iterator[Any]:
    m = manager.connect(
        host="127.0.0.1",
        port=port,
        username=USER,
        password=PASSWORD,
        hostkey_verify=False,
        allow_agent=False,
        look_for_keys=False,
        device_params={"name": "junos"},
    )
    yield m
    m.close_session()


def _plain(reply: Any) -> etree._Element:
    """A reply (or an element) as a tree without namespaces on its elements."""
    copy = etree.fromstring(reply.tostring if hasattr(reply, "tostring") else etree.tostring(reply))
    for node in copy.iter():
        if isinstance(node.tag, str):
            node.tag = etree.QName(node).localname
    etree.cleanup_namespaces(copy)
    return copy


def _shape(element: etree._Element) -> list[tuple[str, str]]:
    """Every element as (path, text): two trees with the same shape hold the same configuration."""
    tree = element.getroottree()
    top = len(tree.getpath(element))
    return [(tree.getpath(e)[top:], (e.text or "").strip()) for e in element.iter() if isinstance(e.tag, str)]


def _seconds(age: etree._Element) -> int:
    """`<age junos:seconds="125">00:02:05</age>`: the attribute, whatever prefix it came with."""
    return int(next(v for k, v in age.attrib.items() if etree.QName(k).localname == "seconds"))


def test_get_with_a_nested_subtree_filter(session: Any, cli: Cli) -> None:
    reply = _plain(session.get(filter=("subtree", UNIT_OF_LAN)))
    configuration = reply.find("data/configuration")  # <rpc-reply><data>, as <get> answers
    assert [child.tag for child in configuration] == ["interfaces"]  # no system, routing-options ...
    interfaces = configuration.findall("interfaces/interface")
    assert [i.findtext("name") for i in interfaces] == ["ge-0/0/3"]  # not ge-0/0/1, 2, 4
    assert [child.tag for child in interfaces[0]] == ["name", "unit"]  # the description is not asked for
    unit = interfaces[0].find("unit")
    assert unit.findtext("family/inet/address/name") == "10.0.1.1/24"
    assert unit.findtext("family/inet/filter/input") == "FBF"
    # the same unit as the CLI's `| display xml` shows it
    shown = etree.fromstring(cli.show("show configuration interfaces ge-0/0/3 | display xml").encode())
    shown = _plain(shown).find("configuration/interfaces/interface/unit")
    assert _shape(unit) == _shape(shown)


def test_get_route_information_by_dispatch(session: Any, cli: Cli) -> None:
    rpc = etree.fromstring("<get-route-information><table>ISP2.inet.0</table></get-route-information>")
    reply = _plain(session.dispatch(rpc))
    tables = reply.findall(".//route-table")
    assert [t.findtext("table-name") for t in tables] == ["ISP2.inet.0"]
    read = set()
    for rt in tables[0].findall("rt"):
        for entry in rt.findall("rt-entry"):
            for nh in entry.findall("nh"):
                read.add(
                    (
                        rt.findtext("rt-destination"),
                        entry.findtext("protocol-name"),
                        int(entry.findtext("preference")),
                        _seconds(entry.find("age")),
                        nh.findtext("to"),
                        nh.findtext("via") or nh.findtext("nh-local-interface"),
                        nh.find("selected-next-hop") is not None,
                    )
                )
    shown = {
        (r.prefix, r.protocol, r.preference, r.age, r.next_hop, r.interface, r.selected)
        for r in routes(cli.show("show route table ISP2.inet.0"))
    }
    assert read == shown
    assert ("0.0.0.0/0", "Static", 5, 125, "10.2.2.1", "ge-0/0/2.0", True) in read
    assert int(tables[0].findtext("destination-count")) == len({r[0] for r in read}) == 9
    assert [seconds(age.text) for age in tables[0].iter("age")] == [_seconds(age) for age in tables[0].iter("age")]
