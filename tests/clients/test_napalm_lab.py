"""napalm's junos driver against the default lab's SRX: the getters an inventory or a check
script calls, and a merge / compare / commit / rollback, each held against the CLI."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from labcli import PASSWORD, USER, Cli, arp, physical, routes, seconds, terse_names

napalm = pytest.importorskip("napalm")


@pytest.fixture(scope="module")
def driver(port: int) -> Iterator[Any]:
    device = napalm.get_network_driver("junos")(
        hostname="127.0.0.1", username=USER, password=PASSWORD, optional_args={"port": port}
    )
    device.open()
    yield device
    device.close()


def test_get_facts(driver: Any, cli: Cli) -> None:
    facts = driver.get_facts()
    version = dict(line.split(": ", 1) for line in cli.show("show version").split("\n")[:4])
    assert (facts["hostname"], facts["fqdn"], facts["vendor"]) == ("BranchC", "BranchC", "Juniper")
    assert (facts["model"], facts["os_version"]) == (version["Model"].upper(), version["Junos"])
    assert facts["serial_number"] == re.search(r"^Chassis\s+(\S+)", cli.show("show chassis hardware"), re.M).group(1)
    booted = re.search(r"System booted: .* \((.*) ago\)", cli.show("show system uptime")).group(1)
    assert facts["uptime"] == seconds(booted) == 125
    assert facts["interface_list"] == terse_names(cli.show("show interfaces terse"))


def test_get_interfaces(driver: Any, cli: Cli) -> None:
    interfaces = driver.get_interfaces()
    assert set(terse_names(cli.show("show interfaces terse"))) <= set(interfaces)
    for name in ("ge-0/0/1", "ge-0/0/2", "ge-0/0/3", "ge-0/0/4"):
        shown = physical(cli.show(f"show interfaces {name}"))
        got = interfaces[name]
        assert (got["is_enabled"], got["is_up"]) == (shown["admin"] == "Enabled", shown["oper"] == "Up")
        assert (got["description"], got["mtu"]) == (shown["description"], int(shown["mtu"]))
        assert got["mac_address"] == shown["macaddr"].upper()
        assert got["speed"] == float(shown["speed"].removesuffix("mbps"))
        assert got["last_flapped"] == 125.0  # `Last flapped: ... (00:02:05 ago)`


def test_get_interfaces_ip(driver: Any, cli: Cli) -> None:
    addresses = driver.get_interfaces_ip()
    terse = cli.show("show interfaces terse")
    shown = {
        (m.group(1), m.group(2), int(m.group(3)))
        for m in re.finditer(r"^(ge-\S+)\s+up\s+up\s+inet\s+([\d.]+)/(\d+)", terse, re.M)
    }
    got = {
        (name, address, info["prefix_length"])
        for name, families in addresses.items()
        if name.startswith("ge-")
        for address, info in families["ipv4"].items()
    }
    assert (
        got
        == shown
        == {
            ("ge-0/0/1.0", "10.1.1.2", 24),
            ("ge-0/0/2.0", "10.2.2.2", 24),
            ("ge-0/0/3.0", "10.0.1.1", 24),
            ("ge-0/0/4.0", "10.0.2.1", 24),
        }
    )


def _as_shown(found: dict[str, list[dict]]) -> set[tuple]:
    return {
        (r["routing_table"], prefix, r["protocol"], r["preference"], r["age"], r["next_hop"], r["outgoing_interface"])
        for prefix, entries in found.items()
        for r in entries
    }


def test_get_route_to(driver: Any, cli: Cli) -> None:
    shown = {
        (r.table, r.prefix, r.protocol, r.preference, r.age, r.next_hop, r.interface)
        for r in routes(cli.show("show route"))
    }
    defaults = _as_shown(driver.get_route_to("0.0.0.0/0", protocol="static"))
    assert (
        defaults
        == {r for r in shown if r[1] == "0.0.0.0/0"}
        == {
            ("ISP1.inet.0", "0.0.0.0/0", "Static", 5, 125, "10.1.1.1", "ge-0/0/1.0"),
            ("ISP2.inet.0", "0.0.0.0/0", "Static", 5, 125, "10.2.2.1", "ge-0/0/2.0"),
        }
    )
    lan = _as_shown(driver.get_route_to("10.0.1.0/24", protocol="connected"))  # `direct` on Junos
    assert lan == {r for r in shown if r[1] == "10.0.1.0/24"}
    assert {r[0] for r in lan} == {"inet.0", "ISP1.inet.0", "ISP2.inet.0"}  # the rib-group copies
    # 0/0 without `exact` covers every route. napalm reads `nh/via` only (a Local route's interface is
    # `nh-local-interface`: None), and keys its table on `via`, so it keeps as many entries fewer as
    # there are Local next hops, as on any Junos: what it returns must still be what the CLI shows.
    every = _as_shown(driver.get_route_to("0.0.0.0/0"))
    assert every and every <= {
        (t, p, proto, pref, age, hop, None if proto == "Local" else ifl) for t, p, proto, pref, age, hop, ifl in shown
    }
    assert driver.get_route_to("0.0.0.0/0")["0.0.0.0/0"][0]["current_active"] is True


def test_get_arp_table(driver: Any, cli: Cli) -> None:
    table = driver.get_arp_table()
    assert {(e["mac"].lower(), e["ip"], e["interface"]) for e in table} == arp(cli.show("show arp no-resolve"))
    assert all(e["age"] > 0 for e in table)


def test_get_config(driver: Any, cli: Cli) -> None:
    config = driver.get_config()
    shown = cli.show("show configuration")
    body = lambda text: [line for line in text.split("\n") if not line.startswith("## Last")]  # noqa: E731
    assert body(config["running"].strip("\n")) == body(shown)
    assert config["candidate"] == config["running"] and config["startup"] == ""
    assert "host-name BranchC;" in config["running"]


def test_merge_compare_commit_and_rollback(driver: Any, cli: Cli) -> None:
    driver.load_merge_candidate(config='set interfaces ge-0/0/4 description "HostC LAN (napalm)"\n')
    diff = driver.compare_config()
    assert "[edit interfaces ge-0/0/4]" in diff
    assert '-    description "LAN of HostC";' in diff and '+    description "HostC LAN (napalm)";' in diff
    assert "Description: LAN of HostC" in cli.show("show interfaces ge-0/0/4")  # not committed yet
    driver.commit_config(message="napalm merge")
    assert driver.compare_config() == ""
    assert "Description: HostC LAN (napalm)" in cli.show("show interfaces ge-0/0/4")
    history = cli.show("show system commit")
    assert re.search(r"^0 .* by lab via netconf\n    napalm merge", history, re.M)
    driver.rollback()
    assert "Description: LAN of HostC" in cli.show("show interfaces ge-0/0/4")
    assert driver.get_interfaces()["ge-0/0/4"]["description"] == "LAN of HostC"
    assert cli.show("show system commit").count("via netconf") == 2  # the merge and the rollback
