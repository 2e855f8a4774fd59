"""netmiko and scrapli reading the default lab's SRX through ntc-templates (TextFSM), as scripts
that never touch XML do: each parsed value is held against what the device answers over
NETCONF for the same thing (PyEZ).

ntc's templates are strict (`^. -> Error`), and a few of them reject lines a real vSRX
24.4 prints; nos prints those lines too, so the template fails on nos exactly as on the
device (the reference captures, /work/shared/reference/junos-output/INDEX.md "Parser
check"). Such cases are asserted as failures, and then parsed the way a script has to
work around them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from labcli import PASSWORD, USER

from nos import JUNOS_RELEASE

netmiko = pytest.importorskip("netmiko")
pytest.importorskip("scrapli")
pytest.importorskip("ntc_templates")
from jnpr.junos import Device  # noqa: E402
from jnpr.junos.op.arp import ArpTable  # noqa: E402
from jnpr.junos.op.phyport import PhyPortTable  # noqa: E402
from jnpr.junos.op.routes import RouteSummaryTable  # noqa: E402
from ntc_templates.parse import parse_output  # noqa: E402
from scrapli.driver.core import JunosDriver  # noqa: E402
from textfsm import TextFSMError  # noqa: E402

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference"  # /work/shared beside the checkout
VERSION_CAPTURE = REFERENCE / "junos-output" / "show_version__vsrx_24.4.txt"
INTERFACES_XML = REFERENCE / "junos-xml" / "get-interface-information__rustjunosmcp__normal_vsrx_24.4_newline_text.xml"

# netmiko finds ntc's templates with pkg_resources.path, which importlib warns about.
pytestmark = pytest.mark.filterwarnings("ignore:path is deprecated:DeprecationWarning")

# A command's raw text, and its ntc parse (raising as the template does).
Show = Callable[[str], str]
Parse = Callable[[str], list[dict[str, Any]]]


@pytest.fixture(scope="module")
def netmiko_conn(port: int) -> Iterator[Any]:
    conn = netmiko.ConnectHandler(
        device_type="juniper_junos", host="127.0.0.1", port=port, username=USER, password=PASSWORD
    )
    yield conn
    conn.disconnect()


@pytest.fixture(scope="module")
def scrapli_conn(port: int) -> Iterator[JunosDriver]:
    conn = JunosDriver(
        host="127.0.0.1",
        port=port,
        auth_username=USER,
        auth_password=PASSWORD,
        auth_strict_key=False,
        transport="paramiko",  # tests/sshcli/test_scrapli.py drives every transport; one is enough here
    )
    conn.open()
    yield conn
    conn.close()


@pytest.fixture(params=["netmiko", "scrapli"])
def client(request: pytest.FixtureRequest) -> tuple[Show, Parse]:
    """The library's own way to get text and to have it parsed by ntc-templates."""
    if request.param == "netmiko":
        conn = request.getfixturevalue("netmiko_conn")
        return conn.send_command, lambda cmd: conn.send_command(cmd, use_textfsm=True, raise_parsing_error=True)
    conn = request.getfixturevalue("scrapli_conn")

    def parse(cmd: str) -> list[dict[str, Any]]:
        parsed = conn.send_command(cmd).textfsm_parse_output(raise_err=True)
        assert isinstance(parsed, list)
        return parsed

    return (lambda cmd: conn.send_command(cmd).result), parse


@pytest.fixture(scope="module")
def dev(port: int) -> Iterator[Device]:
    device = Device(host="127.0.0.1", port=port, user=USER, passwd=PASSWORD)
    device.open()
    yield device
    device.close()


def _ntc_error(command: str, text: str) -> str:
    """The error ntc's template raises on `text` (the test fails if it parses)."""
    with pytest.raises(TextFSMError) as caught:
        parse_output(platform="juniper_junos", command=command, data=text)
    return str(caught.value)


def _capture(path: Path) -> str | None:
    """A reference capture's device output, its `# source/note` lines and the author's `...` cut out
    (None where the reference is not beside the checkout: the checks against it are left out)."""
    if not path.exists():
        return None
    return "\n".join(line for line in path.read_text().split("\n") if not line.startswith("#") and line != "...")


def test_show_version(client: tuple[Show, Parse], dev: Device) -> None:
    show, parse = client
    text = show("show version")
    # ntc's template has no rule for `Family: junos-es`, which vSRX 24.4 prints: it fails on nos at
    # that line exactly as on the real device.
    failure = _ntc_error("show version", text)
    assert failure.endswith("Input Line: Family: junos-es")
    with pytest.raises(Exception, match=re.escape(failure)):
        parse("show version")
    # Without that one line, ntc parses it.
    dropped = lambda t: "\n".join(line for line in t.split("\n") if not line.startswith("Family:"))  # noqa: E731
    (mine,) = parse_output(platform="juniper_junos", command="show version", data=dropped(text))
    assert (mine["hostname"], mine["model"], mine["junos_version"]) == ("BranchC", "vSRX", JUNOS_RELEASE)
    assert mine["hostname"] == dev.facts["hostname"] and mine["model"].upper() == dev.facts["model"]
    assert mine["junos_version"] == dev.facts["version"]
    real = _capture(VERSION_CAPTURE)
    if real is not None:  # the real vSRX 24.4: the same error on the same line, and parsed without it
        assert _ntc_error("show version", real) == failure
        (theirs,) = parse_output(platform="juniper_junos", command="show version", data=dropped(real))
        assert (theirs["hostname"], theirs["model"], theirs["junos_version"]) == ("vsrx-ernie", "vSRX", "24.4R1-S2.9")


def test_show_interfaces(client: tuple[Show, Parse], dev: Device) -> None:
    show, parse = client
    # ntc's template wants `Link-level type:` on the Type line; dsc (and lo0) have none on a vSRX 24.4
    # (the capture of get-interface-information: dsc's <if-type> is Software-Pseudo, no
    # <link-level-type>), so its `Type: Software-Pseudo, MTU: Unlimited` line fails the template,
    # on nos as on the device.
    if INTERFACES_XML.exists():
        captured = re.sub(r"\s+", "", INTERFACES_XML.read_text())
        dsc = re.search(r"<name>dsc</name>(.*?)</physical-interface>", captured).group(1)
        assert "<if-type>Software-Pseudo</if-type>" in dsc and "<link-level-type>" not in dsc
    with pytest.raises(Exception, match=re.escape("Input Line:   Type: Software-Pseudo, MTU: Unlimited")):
        parse("show interfaces")
    assert "Physical interface: dsc, Enabled, Physical link is Up" in show("show interfaces")
    # One port at a time, as scripts ask for the ports they care about, ntc parses.
    ports = PhyPortTable(dev).get()
    assert ports.keys() == ["ge-0/0/1", "ge-0/0/2", "ge-0/0/3", "ge-0/0/4"]
    addresses = {
        ifl.findtext("name").strip(): ifl.findtext("address-family/interface-address/ifa-local").strip()
        for ifl in dev.rpc.get_interface_information(terse=True, interface_name="ge-*").iter("logical-interface")
    }
    for port in ports:
        physical, logical = parse(f"show interfaces {port.name}")
        assert (physical["interface"], physical["admin_state"], physical["link_status"]) == (port.name, "Enabled", "Up")
        assert (physical["description"], physical["mtu"], physical["hardware_type"]) == (
            port.description,
            str(port.mtu),
            "Ethernet",
        )
        assert (logical["interface"], logical["link_status"]) == (f"{port.name}.0", "Up")
        assert logical["local"] == addresses[f"{port.name}.0"].split("/")[0]


def test_show_route_summary(client: tuple[Show, Parse], dev: Device) -> None:
    show, parse = client
    rows = parse("show route summary")
    summary = RouteSummaryTable(dev).get()
    expected = {(t.name, p.name, str(p.count), str(p.active)) for t in summary for p in t.proto}
    assert {(r["table_name"], r["route_src"], r["routes"], r["active_routes"]) for r in rows} == expected
    assert {r["table_name"] for r in rows} == {"inet.0", "ISP1.inet.0", "ISP2.inet.0"}
    router_id = dev.rpc.get_route_summary_information().findtext("router-id").strip()
    assert {r["router_id"] for r in rows} == {router_id}
    assert "Highwater Mark" in show("show route summary")  # the 24.4 block, which ntc reads past


def test_show_system_uptime(client: tuple[Show, Parse], dev: Device) -> None:
    _, parse = client
    (row,) = parse("show system uptime")
    uptime = dev.rpc.get_system_uptime_information()
    booted = uptime.findtext("system-booted-time/date-time").strip()  # 2026-01-01 00:00:00 UTC
    assert (
        f"{row['boot_year']}-{row['boot_month']}-{row['boot_day']} {row['boot_time']} {row['boot_timezone']}" == booted
    )
    now = uptime.findtext("current-time/date-time").strip()
    assert f"{row['year']}-{row['month']}-{row['day']} {row['time']} {row['timezone']}" == now
    assert row["time_source"] == uptime.findtext("time-source").strip()
    assert row["last_config_user"] == uptime.findtext("last-configured-time/user").strip() == "root"
    assert int(uptime.find("system-booted-time/time-length").get("seconds")) == 125


def test_show_arp_no_resolve(client: tuple[Show, Parse], dev: Device) -> None:
    _, parse = client
    rows = parse("show arp no-resolve")
    read = {(e.mac_address, e.ip_address, e.interface_name) for e in ArpTable(dev).get()}
    assert {(r["mac_address"], r["ip_address"], r["interface"]) for r in rows} == read
    assert len(rows) == 4 and {r["flags"] for r in rows} == {"none"}


def test_show_chassis_hardware(client: tuple[Show, Parse], dev: Device) -> None:
    _, parse = client
    rows = parse("show chassis hardware")
    inventory = dev.rpc.get_chassis_inventory()
    assert rows[0]["chassis_serial_number"] == dev.facts["serialnumber"]
    assert rows[0]["chassis_description"] == inventory.findtext("chassis/description").strip() == "VSRX"
    engine = next(m for m in inventory.iter("chassis-module") if m.findtext("name").strip() == "Routing Engine")
    assert rows[1]["re_description"] == engine.findtext("description").strip() == "VSRX RE"
    assert rows[1]["re_part"] == engine.findtext("part-number").strip()
