"""The lab file: a valid file, and each kind of mistake reported as FILE:LINE: message."""

from __future__ import annotations

import ipaddress
import os
import subprocess
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


def test_a_device_is_an_srx_unless_it_says_router(write_lab):
    spec = load_lab_file(write_lab(GOOD, {"r1.conf": "system { host-name R1; }\n"}))
    assert spec.nodes["R1"].platform == "srx"
    text = GOOD.replace('kind = "device"', 'kind = "device"\nplatform = "router"')
    spec = load_lab_file(write_lab(text, {"r1.conf": "system { host-name R1; }\n"}))
    assert spec.nodes["R1"].platform == "router"


@pytest.mark.parametrize(
    ("platform", "error"),
    [
        ('"mx"', "lab.toml:9: unknown platform 'mx' for device 'R1' (expected srx or router)"),
        ("1", "lab.toml:9: unknown platform '1' for device 'R1' (expected srx or router)"),
    ],
)
def test_an_unknown_platform(write_lab, platform: str, error: str):
    text = GOOD.replace('kind = "device"', f'kind = "device"\nplatform = {platform}')
    assert errors_of(write_lab, text) == [error]


def test_platform_is_for_devices_only(write_lab):
    text = GOOD.replace('kind = "host"', 'kind = "host"\nplatform = "router"')
    (message,) = errors_of(write_lab, text)
    assert message.startswith("lab.toml:13: unknown key 'platform' for a host")


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
        ("latency = 5.5", 'latency = "fast"', "lab.toml:29: 'latency' must be a number, 0 to 60000"),
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


# -- files that are not text, and values TOML allows but a lab cannot use -------------------------------------

HOST = '[nodes.PC]\nkind = "host"\naddress = "10.0.1.10/24"\n'


def bytes_errors(tmp_path: Path, data: bytes) -> list[str]:
    path = tmp_path / "lab.toml"
    path.write_bytes(data)
    with pytest.raises(LabFileError) as info:
        load_lab_file(path)
    return [e.replace(str(path), "lab.toml") for e in info.value.errors]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (HOST.encode().replace(b"host", b"h\xe9te"), "lab.toml:2: lab file is not UTF-8 text: byte 0xe9 at column 10"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "lab.toml:1: lab file is not UTF-8 text: byte 0x89 at column 1"),
        (
            HOST.encode().replace(b"address", b"\x00address"),
            "lab.toml:3: lab file is not a text file: a NUL byte at column 1",
        ),
        (b"# caf\xc3\xa9\n" + HOST.encode() + b"\xff", "lab.toml:5: lab file is not UTF-8 text: byte 0xff at column 1"),
        (b"#" * ((4 << 20) + 1), "lab.toml:1: lab file is too big: more than 4 MiB"),
    ],
)
def test_a_lab_file_that_is_not_utf8_text(tmp_path: Path, data: bytes, error: str):
    assert bytes_errors(tmp_path, data) == [error]


def test_a_byte_order_mark_is_allowed(tmp_path: Path):
    path = tmp_path / "lab.toml"
    path.write_bytes(b"\xef\xbb\xbf" + HOST.encode())
    assert list(load_lab_file(path).nodes) == ["PC"]


def test_a_lab_file_that_is_a_directory(tmp_path: Path):
    with pytest.raises(LabFileError, match=r"cannot read lab file: Is a directory"):
        load_lab_file(tmp_path)


def test_control_characters_in_messages_are_escaped(write_lab):
    # TOML's \u001b is an escape character: echoed raw, it would drive the terminal
    (message,) = errors_of(write_lab, GOOD.replace('kind = "host"', 'kind = "h\\u001b[2Jost"'))
    assert message == r"lab.toml:12: unknown kind 'h\x1b[2Jost' for node 'PC'"


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ("latency = 5.5", "latency = nan", "lab.toml:29: 'latency' must be a number, 0 to 60000"),
        ("latency = 5.5", "latency = inf", "lab.toml:29: 'latency' must be a number, 0 to 60000"),
        ("loss = 10", "loss = nan", "lab.toml:30: 'loss' must be a number, 0 to 100"),
        ("speed = 10", "speed = inf", "lab.toml:5: 'speed' must be a positive number"),
        ("speed = 10", "speed = -nan", "lab.toml:5: 'speed' must be a positive number"),
        ('name = "two-sites"', 'name = "../../etc"', "lab.toml:2: bad lab name '../../etc'"),
        ('name = "two-sites"', f'name = "{"x" * 65}"', "lab.toml:2: bad lab name 'xxx"),
        (
            '"10.0.1.10/24"',
            '"10.0.1.0/24"',
            "lab.toml:13: bad address '10.0.1.0/24' (the network address of 10.0.1.0/24)",
        ),
        ('"10.0.1.10/24"', '"10.0.1.255/24"', "lab.toml:13: bad address '10.0.1.255/24' (the broadcast address"),
    ],
)
def test_values_a_lab_cannot_use(write_lab, old: str, new: str, error: str):
    (message,) = errors_of(write_lab, GOOD.replace(old, new))
    assert message.startswith(error)


def test_point_to_point_addresses_are_fine(write_lab):
    path = write_lab(
        '[nodes.A]\nkind = "host"\naddress = "192.0.2.0/31"\n[nodes.B]\nkind = "host"\naddress = "192.0.2.1/31"\n'
    )
    assert [str(n.addresses[0]) for n in load_lab_file(path).nodes.values()] == ["192.0.2.0/31", "192.0.2.1/31"]


# -- duplicates: an address, a port, a node belongs to one place ---------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        (  # two hosts
            '[nodes.Net]\nkind = "internet"',
            '[nodes.PC2]\nkind = "host"\naddress = "10.0.1.10/16"\n\n[nodes.Net]\nkind = "internet"',
            "lab.toml:19: address 10.0.1.10 of node 'PC2' is already used by node 'PC' (line 13)",
        ),
        (  # a host and an Internet port
            '"203.0.113.2/30"',
            '"10.0.1.10/30"',
            "lab.toml:19: address 10.0.1.10 of node 'Net' is already used by node 'PC' (line 13)",
        ),
        (  # a host and what the Internet serves
            '"8.8.8.8"',
            '"10.0.1.10"',
            "lab.toml:20: address 10.0.1.10 of node 'Net' is already used by node 'PC' (line 13)",
        ),
        (  # the same address on two ports of one node
            '"203.0.113.2/30"',
            '"198.51.100.2/30"',
            "lab.toml:19: address 198.51.100.2 is given twice for node 'Net' (one string: every port)",
        ),
        (  # two links on one port
            'a = "R1:ge-0/0/2"',
            'a = "PC:eth0"',
            "lab.toml:27: port PC:eth0 is used by two links (first at line 24)",
        ),
        (  # a link from a port to itself
            'b = "PC:eth0"',
            'b = "R1:ge-0/0/1"',
            "lab.toml:24: link joins port R1:ge-0/0/1 to itself",
        ),
        (  # two nodes of one name
            "[[links]]",
            '[nodes.PC]\nkind = "host"\naddress = "10.0.9.1/24"\n\n[[links]]',
            "lab.toml:22: TOML syntax: Cannot declare ('nodes', 'PC') twice",
        ),
        (  # two nodes whose names differ in case: one state folder on macOS
            "[[links]]",
            '[nodes.pc]\nkind = "host"\naddress = "10.0.9.1/24"\n\n[[links]]',
            "lab.toml:22: node 'pc' differs from node 'PC' only in case",
        ),
    ],
)
def test_duplicates(write_lab, old: str, new: str, error: str):
    assert errors_of(write_lab, GOOD.replace(old, new, 1)) == [error]


def test_one_address_on_every_port_of_an_internet_node_is_fine(write_lab):
    path = write_lab(
        '[nodes.Net]\nkind = "internet"\naddress = "192.0.2.1/24"\nports = ["a", "b"]\nserves = ["192.0.2.1"]\n'
    )
    assert [str(a) for a in load_lab_file(path).nodes["Net"].addresses] == ["192.0.2.1/24", "192.0.2.1/24"]


def test_a_device_configured_with_a_host_or_internet_address(write_lab, tmp_path: Path):
    """Only lab-file nodes own their addresses: two devices may share one (a LAN reused behind NAT,
    a floating address on both nodes of an HA pair)."""
    from nos.lab.topology import build_lab
    from nos.runtime.clock import ManualScheduler

    text = GOOD + '\n[nodes.R2]\nkind = "device"\nconfig = "r2.conf"\n'
    address = "set interfaces ge-0/0/{} unit 0 family inet address {}\n"
    r1 = address.format(1, "10.0.1.1/24") + address.format(2, "198.51.100.2/30")  # Net's
    path = write_lab(text, {"r1.conf": r1, "r2.conf": address.format(0, "10.0.1.1/24")})  # R1's
    with pytest.raises(LabFileError) as info:
        build_lab(load_lab_file(path), scheduler=ManualScheduler(), state_dir=tmp_path / "state")
    assert [e.replace(str(path), "lab.toml") for e in info.value.errors] == [
        "lab.toml:7: address 198.51.100.2 in the configuration of device 'R1' is already used by node 'Net' (line 17)",
    ]


# -- a device's configuration file that cannot be one --------------------------------------------------------


def config_errors(write_lab, tmp_path: Path, name: str, make=None) -> list[str]:  # type: ignore[no-untyped-def]
    path = write_lab(GOOD.replace('config = "r1.conf"', f'config = "{name}"'))
    if make is not None:
        make(tmp_path / name)
    with pytest.raises(LabFileError) as info:
        load_lab_file(path)
    return [e.replace(str(path), "lab.toml").replace(str(tmp_path), "TMP") for e in info.value.errors]


@pytest.mark.parametrize(
    ("name", "make", "error"),
    [
        ("nowhere.conf", None, "not found"),
        ("sub", lambda p: p.mkdir(), "is a directory"),
        ("pipe", lambda p: os.mkfifo(p), "is not a regular file"),
        (
            "r1.bin",
            lambda p: p.write_bytes(b"\x7fELF\x02\x01\x01\x00"),
            "is not a text file: a NUL byte at line 1, column 8",
        ),
        (
            "r1.latin1",
            lambda p: p.write_bytes(b"system {\n  host-name r\xe9;\n}\n"),
            "is not UTF-8 text: byte 0xe9 at line 2, column 14",
        ),
        ("r1.huge", lambda p: p.write_bytes(b"#" * ((16 << 20) + 1)), "is too big: more than 16 MiB"),
        ("nul\\u0000name", None, "not found"),
    ],
)
def test_a_configuration_file_that_cannot_be_read(write_lab, tmp_path: Path, name: str, make, error: str):  # type: ignore[no-untyped-def]
    shown = name.replace("\\u0000", "\\x00")
    assert config_errors(write_lab, tmp_path, name, make) == [
        f"lab.toml:9: configuration file '{shown}' of node 'R1' {error}"
    ]


def test_the_configuration_is_read_once_when_the_file_is_checked(write_lab):
    path = write_lab(GOOD, {"r1.conf": "system { host-name R1; }\n"})
    assert load_lab_file(path).nodes["R1"].config_text == "system { host-name R1; }\n"


# -- the real `nos` executable: one line on stderr, status 1, no traceback --------------------------------------


@pytest.mark.parametrize(
    ("lab", "script", "error"),
    [
        (b'[nodes.PC]\nkind = "h\xf4st"\n', b"", "lab.toml:2: lab file is not UTF-8 text: byte 0xf4 at column 10"),
        (
            HOST.encode(),
            b"PC> ping 10.0.1.10\n\x00\x01\x02",
            "error: script.txt:2: script is not a text file: a NUL byte",
        ),
        (HOST.encode() * 2, b"", "lab.toml:4: TOML syntax: Cannot declare ('nodes', 'PC') twice"),
    ],
)
def test_nos_run_reports_a_bad_file_in_one_line(tmp_path: Path, lab: bytes, script: bytes, error: str):
    from clihelpers import nos_command, nos_env

    (tmp_path / "lab.toml").write_bytes(lab)
    (tmp_path / "script.txt").write_bytes(script)
    done = subprocess.run(
        [*nos_command(), "run", "lab.toml", "script.txt"],
        cwd=tmp_path,
        env=nos_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith(error) and done.stderr.count("\n") == 1, done.stderr


def test_nos_lab_reports_a_binary_lab_file_in_one_line(tmp_path: Path):
    from clihelpers import nos_command, nos_env

    (tmp_path / "lab.toml").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00")
    done = subprocess.run(
        [*nos_command(), "lab", "lab.toml"],
        cwd=tmp_path,
        env=nos_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == "lab.toml:1: lab file is not a text file: a NUL byte at column 8\n"
