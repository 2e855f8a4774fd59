"""The lab file: a valid file, and each kind of mistake reported as FILE:LINE: message."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from nos.lab.labfile import LabFileError, load_lab_file

GOOD = """\
[lab]
name = "two-sites"
seed = 42
clock = "virtual"
speed = 10

[nodes.R1]
kind = "device"
config = "r1.conf"

[nodes.PC]
kind = "host"
address = "10.0.1.10/24"
gateway = "10.0.1.1"
listen = ["tcp:22", "udp:53"]

[nodes.Net]
kind = "internet"
address = ["198.51.100.2/30", "203.0.113.2/30"]
serves = ["8.8.8.8", "208.67.220.0/24"]

[[links]]
a = "R1:ge-0/0/1"
b = "PC:eth0"

[[links]]
a = "R1:ge-0/0/2"
b = "Net:eth1"
latency = 5.5
loss = 10
"""


def errors_of(write_lab, text: str, files: dict[str, str] | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    path = write_lab(text, {"r1.conf": "system { host-name R1; }\n", **(files or {})})
    with pytest.raises(LabFileError) as info:
        load_lab_file(path)
    return [e.replace(str(path), "lab.toml") for e in info.value.errors]


def test_a_valid_file(write_lab):
    path = write_lab(GOOD, {"r1.conf": "system { host-name R1; }\n"})
    spec = load_lab_file(path)
    assert (spec.name, spec.seed, spec.clock, spec.speed) == ("two-sites", 42, "virtual", 10.0)
    assert list(spec.nodes) == ["R1", "PC", "Net"]
    r1, pc, net = spec.nodes.values()
    assert r1.kind == "device" and r1.config == (path.parent / "r1.conf").resolve()
    assert pc.addresses == [ipaddress.IPv4Interface("10.0.1.10/24")]
    assert pc.gateway == ipaddress.IPv4Address("10.0.1.1")
    assert pc.ports == ["eth0"] and pc.listen == [("tcp", 22), ("udp", 53)]
    assert net.ports == ["eth0", "eth1"]
    assert [str(n) for n in net.serves] == ["8.8.8.8/32", "208.67.220.0/24"]
    first, second = spec.links
    assert (first.a, first.b, first.latency_ms, first.loss_pct) == (("R1", "ge-0/0/1"), ("PC", "eth0"), 1.0, 0.0)
    assert (second.latency_ms, second.loss_pct, second.line) == (5.5, 10.0, 26)


def test_defaults(write_lab, tmp_path: Path):
    path = write_lab('[nodes.PC]\nkind = "host"\naddress = "10.0.0.1/8"\n')
    spec = load_lab_file(path)
    assert (spec.name, spec.seed, spec.clock) == (tmp_path.name, 1, "real")
    assert spec.nodes["PC"].gateway is None and spec.links == []


def test_unknown_node_in_a_link(write_lab):
    text = GOOD.replace('b = "PC:eth0"', 'b = "PC2:eth0"')
    assert errors_of(write_lab, text) == ["lab.toml:24: unknown node 'PC2' in link"]


def test_a_port_used_twice(write_lab):
    text = GOOD.replace('a = "R1:ge-0/0/2"', 'a = "R1:ge-0/0/1"')
    assert errors_of(write_lab, text) == ["lab.toml:27: port R1:ge-0/0/1 is used by two links (first at line 23)"]


def test_a_missing_configuration_file(write_lab):
    text = GOOD.replace('config = "r1.conf"', 'config = "nowhere.conf"')
    assert errors_of(write_lab, text) == ["lab.toml:9: configuration file 'nowhere.conf' of node 'R1' not found"]


def test_an_unknown_kind(write_lab):
    text = GOOD.replace('kind = "internet"', 'kind = "cloud"')
    assert errors_of(write_lab, text) == ["lab.toml:18: unknown kind 'cloud' for node 'Net'"]


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ('address = "10.0.1.10/24"', 'address = "10.0.1.300/24"', "lab.toml:13: bad address '10.0.1.300/24'"),
        ('address = "10.0.1.10/24"', 'address = "10.0.1.10"', "lab.toml:13: bad address '10.0.1.10'"),
        ('gateway = "10.0.1.1"', 'gateway = "10.0.2.1"', "lab.toml:14: gateway 10.0.2.1 is not in 10.0.1.10/24"),
        ('gateway = "10.0.1.1"', 'gateway = "ten"', "lab.toml:14: bad gateway address 'ten'"),
        ('"208.67.220.0/24"', '"208.67.220.1/24"', "lab.toml:20: bad address or prefix '208.67.220.1/24'"),
        ('"udp:53"', '"icmp:1"', "lab.toml:15: bad listen entry 'icmp:1'"),
    ],
)
def test_bad_addresses(write_lab, old: str, new: str, error: str):
    (message,) = errors_of(write_lab, GOOD.replace(old, new))
    assert message.startswith(error)


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ('b = "PC:eth0"', 'b = "PC:eth1"', "lab.toml:24: node 'PC' has no port 'eth1' (ports: eth0)"),
        ('a = "R1:ge-0/0/1"', 'a = "R1:eth0"', "lab.toml:23: bad port 'eth0' for device 'R1'"),
        ('a = "R1:ge-0/0/1"', 'a = "R1"', "lab.toml:23: bad link end 'R1' (expected NODE:port)"),
        ("loss = 10", "loss = 150", "lab.toml:30: 'loss' must be a number, 0 to 100"),
        ("latency = 5.5", 'latency = "fast"', "lab.toml:29: 'latency' must be a number, 0 or more"),
        ('clock = "virtual"', 'clock = "lunar"', "lab.toml:4: unknown clock 'lunar'"),
        ('kind = "host"', 'kind = "host"\ncolour = "red"', "lab.toml:13: unknown key 'colour' for a host"),
        ('kind = "host"', 'kind = "host"\nttl = 300', "lab.toml:13: bad ttl '300' (1..255)"),
    ],
)
def test_other_mistakes(write_lab, old: str, new: str, error: str):
    (message,) = errors_of(write_lab, GOOD.replace(old, new))
    assert message.startswith(error)


def test_every_mistake_is_reported_once_each(write_lab):
    text = GOOD.replace('kind = "internet"', 'kind = "cloud"').replace('b = "PC:eth0"', 'b = "PC2:eth0"')
    assert errors_of(write_lab, text) == [
        "lab.toml:18: unknown kind 'cloud' for node 'Net'",
        "lab.toml:24: unknown node 'PC2' in link",
    ]


def test_toml_syntax_errors_keep_their_line(write_lab):
    (message,) = errors_of(write_lab, GOOD.replace("seed = 42", "seed = 42 42"))
    assert message.startswith("lab.toml:3: TOML syntax: ")


def test_an_unreadable_file(tmp_path: Path):
    with pytest.raises(LabFileError, match=r"nothing\.toml: cannot read lab file"):
        load_lab_file(tmp_path / "nothing.toml")


def test_the_demo_lab_file_is_valid():
    spec = load_lab_file(Path(__file__).resolve().parents[2] / "demo-configs" / "dual-isp" / "lab.toml")
    assert set(spec.nodes) == {"BranchC", "ISP1", "ISP2", "Internet", "Debian1", "HostC"}
    assert len(spec.links) == 6
