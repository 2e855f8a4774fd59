"""PyEZ (junos-eznc) against the default lab's SRX: its facts, and the op tables an engineer reads
(routes, ARP, ports), each held against what the CLI prints for the same thing."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from labcli import PASSWORD, USER, Cli, arp, physical, routes, terse_names

jnpr = pytest.importorskip("jnpr.junos")
from jnpr.junos import Device  # noqa: E402
from jnpr.junos.exception import RpcError  # noqa: E402
from jnpr.junos.op.arp import ArpTable  # noqa: E402
from jnpr.junos.op.ethport import EthPortTable  # noqa: E402
from jnpr.junos.op.phyport import PhyPortTable  # noqa: E402
from jnpr.junos.op.routes import RouteTable  # noqa: E402
from jnpr.junos.utils.fs import FS  # noqa: E402
from lxml import etree  # noqa: E402

# The facts PyEZ leaves None on a standalone vSRX, and why (read from jnpr/junos/facts/*.py):
UNSET = {
    "RE1",  # one routing engine: get-route-engine-information lists slot 0 only
    "version_RE1",
    "domain",  # no `system domain-name`, and /etc/resolv.conf names no domain
    "personality",  # personality.py has rules for SRX1xx/SRX4xxx/firefly, none for VSRX
    "virtual",  # set by the same rules
    "srx_cluster_id",  # get-chassis-cluster-status: "Chassis cluster is not enabled"
    "srx_cluster_redundancy_group",
    "vc_mode",  # get-virtual-chassis-information is refused: not VC-capable
    "vc_fabric",
    "vc_master",
}


@pytest.fixture(scope="module")
def dev(port: int) -> Iterator[Device]:
    device = Device(host="127.0.0.1", port=port, user=USER, passwd=PASSWORD)
    device.open()
    yield device
    device.close()


def test_every_fact_a_vsrx_fills_is_filled(dev: Device, cli: Cli) -> None:
    facts = {key: dev.facts[key] for key in dev.facts}
    assert {key for key, value in facts.items() if value is None} == UNSET
    version = dict(line.split(": ", 1) for line in cli.show("show version").split("\n")[:4])
    assert facts["hostname"] == facts["fqdn"] == version["Hostname"] == "BranchC"
    assert facts["model"] == version["Model"].upper() == "VSRX"
    assert facts["version"] == facts["version_RE0"] == version["Junos"]
    assert facts["2RE"] is False and facts["master"] == "RE0" and facts["re_master"] == {"default": "0"}
    engine = cli.show("show chassis routing-engine")
    assert facts["RE0"]["model"] == re.search(r"Model\s+(.+)", engine).group(1)
    assert facts["RE0"]["mastership_state"] == "master"
    chassis = cli.show("show chassis hardware")
    assert facts["serialnumber"] == re.search(r"^Chassis\s+(\S+)", chassis, re.M).group(1)
    assert (facts["srx_cluster"], facts["vc_capable"], facts["vmhost"], facts["RE_hw_mi"]) == (
        False,
        False,
        False,
        False,
    )
    assert (facts["switch_style"], facts["ifd_style"]) == ("NONE", "CLASSIC")  # no bridge/ethernet-switching
    assert facts["HOME"] == "/var/home/lab"
    assert cli.show("file list").split("\n")[0] == "/var/home/lab/:"
    # current_re: the internal addresses (lo0.16385) named through /etc/hosts.junos
    hosts: dict[str, list[str]] = {}
    for line in cli.show("file show /etc/hosts.junos").split("\n"):
        words = line.split("#", 1)[0].split()
        if len(words) > 1:
            hosts.setdefault(words[0], []).extend(words[1:])
    internal = re.findall(r"Local: ([\d.]+)", cli.show("show interfaces lo0.16385"))
    assert facts["current_re"] == [name for address in internal for name in hosts.get(address, [])]
    assert "re0" in facts["current_re"] and "master" in facts["current_re"]
    uptime = cli.show("show system uptime")
    assert "up 2 mins" in uptime and dev.uptime == 125  # napalm's get_facts reads this


def test_route_table_is_show_route(dev: Device, cli: Cli) -> None:
    table = RouteTable(dev).get()
    read = sorted((r.key, r.protocol, r.via, r.nexthop, r.age) for r in table)
    shown = sorted((r.prefix, r.protocol, r.interface, r.next_hop, r.age) for r in routes(cli.show("show route")))
    assert read == shown
    assert ("0.0.0.0/0", "Static", "ge-0/0/2.0", "10.2.2.1", 125) in read  # ISP2's default, in ISP2.inet.0
    one = RouteTable(dev).get("0.0.0.0/0", table="ISP1.inet.0", exact=True)
    assert [(r.key, r.via, r.nexthop) for r in one] == [("0.0.0.0/0", "ge-0/0/1.0", "10.1.1.1")]


def test_arp_table_is_show_arp(dev: Device, cli: Cli) -> None:
    read = {(e.mac_address, e.ip_address, e.interface_name) for e in ArpTable(dev).get()}
    assert read == arp(cli.show("show arp no-resolve"))
    assert {ip for _, ip, _ in read} == {"10.0.1.10", "10.0.2.10", "10.1.1.1", "10.2.2.1"}  # both LANs, both ISPs


def test_port_tables_are_show_interfaces(dev: Device, cli: Cli) -> None:
    ports = PhyPortTable(dev).get()
    names = [n for n in terse_names(cli.show("show interfaces terse")) if re.match(r"[efgx][et]-", n)]
    assert ports.keys() == names == ["ge-0/0/1", "ge-0/0/2", "ge-0/0/3", "ge-0/0/4"]
    for port in ports:
        shown = physical(cli.show(f"show interfaces {port.name}"))
        assert (port.admin, port.oper) == (shown["admin"].replace("Enabled", "up"), shown["oper"].lower())
        assert (port.description, str(port.mtu), port.macaddr) == (shown["description"], shown["mtu"], shown["macaddr"])
        assert (port.speed, port.link_mode, port.flapped) == (shown["speed"], shown["link_mode"], shown["flapped"])
    eth = EthPortTable(dev).get()
    assert eth.keys() == names
    lan = eth["ge-0/0/3"]
    assert (lan.oper, lan.running, lan.present, lan.macaddr) == ("up", True, True, ports["ge-0/0/3"].macaddr)
    counters = cli.show("show interfaces ge-0/0/3 extensive")
    received = int(re.search(r"Input  packets:\s+(\d+)", counters).group(1))
    sent = int(re.search(r"Output packets:\s+(\d+)", counters).group(1))
    assert (int(lan.rx_packets), int(lan.tx_packets)) == (received, sent) and sent >= 3  # the pings to Debian1


def test_fs_utility_lists_and_reads_files(dev: Device, cli: Cli) -> None:
    fs = FS(dev)
    cli.show("show version | save version.txt")
    home = fs.ls("~")
    assert (home["type"], home["path"]) == ("dir", "/var/home/lab/")
    shown = cli.show("file list detail")  # `-rw-r--r--  1 lab      staff        123 Jan  1 00:02 version.txt`
    line = next(line for line in shown.split("\n") if line.endswith(" version.txt"))
    mode, _, owner, _, size = line.split()[:5]
    listed = home["files"]["version.txt"]
    assert (listed["type"], listed["permissions_text"], listed["owner"], listed["size"]) == (
        "file",
        mode,
        owner,
        int(size),
    )
    assert fs.ls("version.txt")["size"] == int(size)  # one file: PyEZ reads the nameless <directory>
    assert fs.ls("nothing-here") is None
    assert fs.cat("version.txt").strip() == cli.show("file show version.txt")
    assert fs.cat("/etc/hosts.junos").strip() == cli.show("file show /etc/hosts.junos").strip()
    assert fs.cat("/etc/resolv.conf") is None  # no name servers configured: no file (PyEZ's domain fact)


def test_errors_and_refusals_as_scripts_see_them(dev: Device) -> None:
    with pytest.raises(RpcError) as caught:  # no bridge domains on an SRX: PyEZ's switch_style reads NONE from this
        dev.rpc.cli("show bridge mac-table count", format="xml")
    assert (caught.value.rpc_error["bad_element"], caught.value.rpc_error["message"]) == (
        "bridge",
        "syntax error, expecting <command>",
    )
    shell = etree.tostring(dev.rpc.request_shell_execute(command="sysctl -n hw.re.vmhost_mode"), encoding="unicode")
    assert "the shell is not available" in shell  # no Unix below the CLI (PyEZ's vmhost fact: False)
