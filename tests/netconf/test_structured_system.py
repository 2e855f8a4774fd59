"""The device's own commands (show version, show system uptime|commit|users, show chassis
routing-engine|hardware) as structured answers: text, `| display xml` and `| display json` carry
the same values, their element names are those of real Junos replies, and NETCONF answers each
RPC by name (and the chassis cluster status a standalone vSRX refuses), as PyEZ facts read them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from clidriver import Cli
from jnpr.junos import Device as PyezDevice
from ntc_templates.parse import parse_output
from test_rpcs import Nc, errors

from nos import JUNOS_RELEASE
from nos.features import install
from nos.features.system import serial_number
from nos.runtime.accounts import PREDEFINED, Rights
from nos.runtime.clock import ManualScheduler
from nos.runtime.device import Device
from nos.runtime.passwords import sha512_crypt
from nos.runtime.patterns import compile_user_regex

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "junos-xml"
JUNOS_NS = f"http://xml.juniper.net/junos/{JUNOS_RELEASE}/junos"
BOOT = 1767225600  # 2026-01-01 00:00:00 UTC, where the manual clock starts


@pytest.fixture
def srx(schema, clock: ManualScheduler, tmp_path: Path) -> Device:  # type: ignore[no-untyped-def]
    """A device with its features, an hour and a commit after boot, a day later."""
    device = Device(schema, clock, hostname="srx1", state_dir=tmp_path / "state")
    install(device)
    clock.advance(3600)
    cli = Cli(device)
    cli.run("configure", "set system domain-name example.net", 'commit comment "add the domain"', "exit")
    cli.session.close()
    clock.advance(86400 + 2 * 3600 + 3 * 60 + 4)
    return device


def out(device: Device, line: str) -> list[str]:
    """The output lines of `line` in a session of its own (closed after: it counts as a user)."""
    cli = Cli(device)
    text = cli.output(line)
    cli.session.close()
    return text.rstrip("\n").split("\n")


def xml_of(device: Device, line: str) -> ET.Element:
    """The reply element of `line | display xml` (its first child)."""
    lines = out(device, f"{line} | display xml")
    assert lines[0] == f'<rpc-reply xmlns:junos="{JUNOS_NS}">'
    assert lines[-4:] == ["    <cli>", "        <banner></banner>", "    </cli>", "</rpc-reply>"]
    return ET.fromstring("\n".join(lines))[0]


def json_of(device: Device, line: str, root: str) -> dict:
    data = json.loads("\n".join(out(device, f"{line} | display json")))
    (obj,) = data[root]
    return obj


def text(e: ET.Element | None, path: str) -> str:
    assert e is not None
    found = e.find("/".join(f"{{*}}{step}" for step in path.split("/")))
    assert found is not None and found.text is not None, path
    return found.text


def seconds(e: ET.Element, path: str) -> int:
    found = e.find("/".join(f"{{*}}{step}" for step in path.split("/")))
    assert found is not None
    return int(found.get(f"{{{JUNOS_NS}}}seconds") or found.get("seconds") or "")


def jdata(obj: dict, path: str) -> str:
    for step in path.split("/"):
        obj = obj[step][0]
    return obj["data"]


def tags(e: ET.Element) -> set[str]:
    return {t.tag.rsplit("}", 1)[-1] for t in e.iter()}


def capture_tags(*names: str) -> set[str]:
    """Element names in real replies of the reference (skipped where the reference is absent)."""
    found: set[str] = set()
    for name in names:
        path = REFERENCE / name
        if not path.exists():
            pytest.skip(f"reference capture {name} not available")
        found |= {t.tag.rsplit("}", 1)[-1] for t in ET.fromstring(path.read_text(encoding="utf-8")).iter()}
    return found


# -- show version ---------------------------------------------------------------------------------


def test_show_version_text_xml_json_agree(srx: Device) -> None:
    lines = out(srx, "show version")
    assert lines[:4] == ["Hostname: srx1", "Model: vSRX", "Family: junos-es", f"Junos: {JUNOS_RELEASE}"]
    info = xml_of(srx, "show version")
    assert info.tag == "software-information"  # no default namespace, as a vSRX sends it
    assert [text(info, t) for t in ("host-name", "product-model", "os-name", "junos-version")] == [
        line.split(": ", 1)[1] for line in lines[:4]
    ]
    assert [text(p, "comment") for p in info.iter("package-information")] == lines[4:]
    obj = json_of(srx, "show version", "software-information")
    assert jdata(obj, "host-name") == "srx1" and jdata(obj, "junos-version") == JUNOS_RELEASE
    assert tags(info) <= capture_tags("get-software-information__rustjunosmcp__vsrx_24.4_standalone.xml")


# -- show system uptime -----------------------------------------------------------------------------


def test_show_system_uptime_text_xml_json_agree(srx: Device) -> None:
    lines = out(srx, "show system uptime")
    assert lines == [
        "Current time: 2026-01-02 03:03:04 UTC",
        "Time Source:  LOCAL CLOCK",
        "System booted: 2026-01-01 00:00:00 UTC (1d 03:03 ago)",
        "Protocols started: 2026-01-01 00:00:00 UTC (1d 03:03 ago)",
        "Last configured: 2026-01-01 01:00:00 UTC (1d 02:03 ago) by lab",
        " 3:03AM  up 1 day,  3:03, 1 user, load averages: 0.00, 0.00, 0.00",
    ]
    info = xml_of(srx, "show system uptime")
    assert info.tag == "{http://xml.juniper.net/junos/24.4R0/junos}system-uptime-information"
    assert text(info, "current-time/date-time") == "2026-01-02 03:03:04 UTC"
    assert seconds(info, "current-time/date-time") == BOOT + 97384
    assert seconds(info, "system-booted-time/date-time") == BOOT
    assert seconds(info, "system-booted-time/time-length") == 97384  # what PyEZ's Device.uptime reads
    assert text(info, "system-booted-time/time-length") == "1d 03:03"
    assert (text(info, "last-configured-time/user"), seconds(info, "last-configured-time/date-time")) == (
        "lab",
        BOOT + 3600,
    )
    assert text(info, "uptime-information/up-time") == "1 day,  3:03"
    assert seconds(info, "uptime-information/up-time") == 97384
    assert [text(info, f"uptime-information/load-average-{m}") for m in (1, 5, 15)] == ["0.00"] * 3
    obj = json_of(srx, "show system uptime", "system-uptime-information")
    booted = obj["system-booted-time"][0]["time-length"][0]
    assert booted == {"attributes": {"junos:seconds": "97384"}, "data": "1d 03:03"}
    assert jdata(obj, "last-configured-time/user") == "lab"
    assert obj["uptime-information"][0]["active-user-count"][0]["attributes"] == {"junos:format": "1 user"}
    assert tags(info) <= capture_tags("get-system-uptime-information__rustjunosmcp__vsrx_24.4_standalone.xml")


def test_show_system_uptime_parses_with_ntc_templates(srx: Device) -> None:
    (row,) = parse_output(
        platform="juniper_junos", command="show system uptime", data="\n".join(out(srx, "show system uptime"))
    )
    assert (row["boot_year"], row["last_config_user"], row["users"], row["time_source"]) == (
        "2026",
        "lab",
        "1",
        "LOCAL CLOCK",
    )


# -- show system commit -----------------------------------------------------------------------------


def test_show_system_commit_text_xml_json_agree(srx: Device) -> None:
    lines = out(srx, "show system commit")
    assert lines == [
        "0   2026-01-01 01:00:00 UTC by lab via cli",
        "    add the domain",
        "1   2026-01-01 00:00:00 UTC by root via other",
        "    initial configuration",
    ]
    info = xml_of(srx, "show system commit")
    assert info.tag == "commit-information"
    history = info.findall("commit-history")
    assert [(text(h, "sequence-number"), text(h, "user"), text(h, "client")) for h in history] == [
        ("0", "lab", "cli"),
        ("1", "root", "other"),
    ]
    assert [seconds(h, "date-time") for h in history] == [BOOT + 3600, BOOT]
    assert [text(h, "log") for h in history] == ["add the domain", "initial configuration"]
    obj = json_of(srx, "show system commit", "commit-information")
    assert [jdata(h, "client") for h in obj["commit-history"]] == ["cli", "other"]
    assert tags(info) <= capture_tags("get-commit-information__junos-exporter__24.2.xml")


def test_a_pending_commit_confirmed_is_a_comment(srx: Device, clock: ManualScheduler) -> None:
    Cli(srx).run("configure", "set system domain-name example.org", "commit confirmed 5", "exit")
    clock.advance(30)
    assert out(srx, "show system commit")[:2] == [
        "0   2026-01-02 03:03:04 UTC by lab via cli",
        "    commit confirmed, rollback in 4m30s",
    ]
    entry = xml_of(srx, "show system commit").find("commit-history")
    assert text(entry, "comment") == "commit confirmed, rollback in 4m30s"
    assert text(entry, "commit-confirmed") == "rollback pending"


# -- show system users ------------------------------------------------------------------------------


def test_show_system_users_text_xml_json_agree(srx: Device, clock: ManualScheduler) -> None:
    first = Cli(srx)
    first.session.origin = "192.0.2.7"
    clock.advance(300)
    lines = out(srx, "show system users")
    assert lines[0] == " 3:08AM  up 1 day,  3:08, 2 users, load averages: 0.00, 0.00, 0.00"
    assert lines[2] == f"{'lab':<9}{'pts/0':<9}{'192.0.2.7':<34}{'3:03AM':>6}     5 -cli (cli)"
    info = xml_of(srx, "show system users")
    assert info.tag == "{http://xml.juniper.net/junos/24.4R0/junos}system-users-information"
    entries = info.findall("{*}uptime-information/{*}user-table/{*}user-entry")
    first_entry = entries[0]
    assert (text(first_entry, "user"), text(first_entry, "tty"), text(first_entry, "from")) == (
        "lab",
        "pts/0",
        "192.0.2.7",
    )
    assert (text(first_entry, "idle-time"), seconds(first_entry, "idle-time")) == ("5", 300)
    assert text(info, "uptime-information/active-user-count") == "2"  # the `| display xml` session too
    obj = json_of(srx, "show system users", "system-users-information")
    rows = obj["uptime-information"][0]["user-table"][0]["user-entry"]
    assert jdata(rows[0], "from") == "192.0.2.7"


# -- show chassis routing-engine ---------------------------------------------------------------------


def test_show_chassis_routing_engine_text_xml_json_agree(srx: Device) -> None:
    lines = out(srx, "show chassis routing-engine")
    assert lines[0] == "Routing Engine status:"
    assert "    Model                          VSRX RE" in lines
    assert "    Uptime                         1 day, 3 hours, 3 minutes, 4 seconds" in lines
    assert "    Start time                     2026-01-01 00:00:00 UTC" in lines
    assert lines[-2:] == [
        "    Load averages:                 1 minute   5 minute  15 minute",
        "                                       0.00       0.00       0.00",
    ]
    info = xml_of(srx, "show chassis routing-engine")
    assert info.tag == "{http://xml.juniper.net/junos/24.4R0/junos-chassis}route-engine-information"
    engine = info.find("{*}route-engine")
    assert engine is not None
    assert (text(engine, "status"), text(engine, "model")) == ("Testing", "VSRX RE")
    assert engine.find("{*}slot") is None  # a single routing engine, as a vSRX answers
    assert seconds(engine, "up-time") == 97384 and seconds(engine, "start-time") == BOOT
    memory = next(line for line in lines if line.startswith("    Total memory"))
    assert memory.split()[2] == text(engine, "memory-system-total")
    obj = json_of(srx, "show chassis routing-engine", "route-engine-information")
    assert jdata(obj, "route-engine/up-time") == "1 day, 3 hours, 3 minutes, 4 seconds"
    assert tags(info) <= capture_tags(
        "get-route-engine-information__rustjunosmcp__vsrx_24.4_standalone.xml",
        "get-route-engine-information__pyez__dual_re.xml",
    )


# -- show chassis hardware --------------------------------------------------------------------------


def test_show_chassis_hardware_text_xml_json_agree(srx: Device) -> None:
    serial = serial_number("srx1")
    assert out(srx, "show chassis hardware") == [
        "Hardware inventory:",
        "Item             Version  Part number  Serial number     Description",
        f"Chassis                                {serial}      VSRX",
        "Routing Engine            BUILTIN      BUILTIN           VSRX RE",
        "FPC 0                     BUILTIN      BUILTIN           Virtual FPC",
        "  PIC 0                   BUILTIN      BUILTIN           VSRX DPDK GE",
    ]
    info = xml_of(srx, "show chassis hardware")
    assert info.tag == "{http://xml.juniper.net/junos/24.4R0/junos-chassis}chassis-inventory"
    chassis = info.find("{*}chassis")
    assert chassis is not None and chassis.get(f"{{{JUNOS_NS}}}style") == "inventory"
    assert (text(chassis, "name"), text(chassis, "serial-number"), text(chassis, "description")) == (
        "Chassis",
        serial,
        "VSRX",
    )
    modules = [text(m, "name") for m in chassis.findall("{*}chassis-module")]
    assert modules == ["Routing Engine", "FPC 0"]
    assert text(chassis, "chassis-module/chassis-sub-module/name") == "PIC 0"
    obj = json_of(srx, "show chassis hardware", "chassis-inventory")
    assert jdata(obj, "chassis/serial-number") == serial
    assert tags(info) <= capture_tags(
        "get-chassis-inventory__pyez__firefly_12.1X46.xml", "get-chassis-inventory__pyez__mx480_15.1.xml"
    )


def test_the_serial_number_is_stable_per_name_and_differs_between_names() -> None:
    assert serial_number("srx1") == serial_number("srx1")
    assert serial_number("srx1") != serial_number("srx2")
    assert len(serial_number("srx1")) == 12 and int(serial_number("srx1"), 16) >= 0


def test_show_chassis_hardware_parses_with_ntc_templates(srx: Device) -> None:
    rows = parse_output(
        platform="juniper_junos", command="show chassis hardware", data="\n".join(out(srx, "show chassis hardware"))
    )
    assert rows[0]["chassis_serial_number"] == serial_number("srx1")
    assert rows[0]["chassis_description"] == "VSRX"
    assert rows[1]["re_description"] == "VSRX RE"


# -- NETCONF ----------------------------------------------------------------------------------------

RPCS = {
    "get-software-information": "show version",
    "get-system-uptime-information": "show system uptime",
    "get-commit-information": "show system commit",
    "get-system-users-information": "show system users",
    "get-route-engine-information": "show chassis routing-engine",
    "get-chassis-inventory": "show chassis hardware",
}


@pytest.mark.parametrize("rpc", list(RPCS))
def test_each_rpc_by_name_answers_as_display_xml(srx: Device, rpc: str) -> None:
    nc = Nc(srx)
    (reply,) = list(nc.ok(f"<{rpc}/>"))
    command = nc.ok(f'<command format="xml">{RPCS[rpc]}</command>')[0]
    assert tags(reply) == tags(command) and len(list(reply.iter())) == len(list(command.iter()))
    expected = xml_of(srx, RPCS[rpc])
    assert reply.tag.rsplit("}", 1)[-1] == expected.tag.rsplit("}", 1)[-1]
    assert tags(reply) == tags(expected)
    asked = nc.ok(f"<command>{RPCS[rpc]} | display xml rpc</command>")
    assert asked[0][0].tag.endswith(rpc)
    assert out(srx, f"{RPCS[rpc]} | display xml rpc")[2] == f"        <{rpc}>"


def test_the_rpcs_answer_on_a_device_without_its_features(device: Device) -> None:
    nc = Nc(device)
    assert text(nc.ok("<get-chassis-inventory/>")[0], "chassis/serial-number") == serial_number("r1")
    assert seconds(nc.ok("<get-system-uptime-information/>")[0], "system-booted-time/time-length") == 0
    assert Cli(device).output("show chassis hardware").startswith("Hardware inventory:\n")


def test_show_version_invoke_on_all_routing_engines_answers_for_the_one(srx: Device) -> None:
    nc = Nc(srx)
    reply = nc.ok('<command format="xml">show version invoke-on all-routing-engines</command>')
    assert reply[0].tag.endswith("software-information") and text(reply[0], "host-name") == "srx1"
    assert errors(nc.rpc('<command format="text">show version invoke-on all-routing-engines</command>'))


def test_chassis_cluster_status_is_not_enabled_on_a_standalone_box(srx: Device) -> None:
    reply = Nc(srx).ok("<get-chassis-cluster-status/>")
    (error,) = list(reply)
    assert error.tag == "{http://xml.juniper.net/xnm/1.1/xnm}error"
    assert text(error, "message") == "error: Chassis cluster is not enabled"
    assert text(error, "source-daemon") == "jsrpd"


def test_the_login_class_judges_the_rpcs_as_the_commands(srx: Device) -> None:
    nobody = Nc(srx, user="guest", rights=Rights("unauthorized", PREDEFINED["unauthorized"]))
    for rpc in [*RPCS, "get-chassis-cluster-status"]:
        assert [e["error-tag"] for e in errors(nobody.rpc(f"<{rpc}/>"))] == ["access-denied"], rpc
    no_chassis = Rights("view-but", PREDEFINED["read-only"], deny_commands=compile_user_regex("show chassis"))
    nc = Nc(srx, user="viewer", rights=no_chassis)
    nc.ok("<get-software-information/>")
    assert [e["error-tag"] for e in errors(nc.rpc("<get-chassis-inventory/>"))] == ["access-denied"]
    assert [e["error-tag"] for e in errors(nc.rpc("<command>show chassis hardware</command>"))] == ["access-denied"]
    cli = Cli(srx, user="viewer")
    cli.session.rights = no_chassis
    assert "unknown command." in cli.output("show chassis hardware")
    assert cli.output("show system uptime").startswith("Current time: ")


# -- PyEZ facts over SSH ----------------------------------------------------------------------------


def test_pyez_facts_a_vsrx_fills(serve) -> None:  # type: ignore[no-untyped-def]
    password = sha512_crypt("lab123", "saltsaltsaltsalt")
    server = serve(
        "system { host-name sim1; domain-name lab.example; "
        f'root-authentication {{ encrypted-password "{password}"; }} '
        f'login {{ user lab {{ uid 2000; class super-user; authentication {{ encrypted-password "{password}"; }} }} }} '
        "services { ssh; netconf { ssh; } } }"
    )
    dev = PyezDevice(host="127.0.0.1", port=server.port, user="lab", passwd="lab123")
    dev.open()
    facts = dev.facts
    assert facts["serialnumber"] == serial_number("sim1")
    assert (facts["hostname"], facts["model"], facts["version"]) == ("sim1", "VSRX", JUNOS_RELEASE)
    assert facts["srx_cluster"] is False
    assert (facts["domain"], facts["fqdn"]) == ("lab.example", "sim1.lab.example")
    assert facts["RE0"]["model"] == "VSRX RE" and facts["RE0"]["up_time"] == "0 seconds"
    assert (facts["master"], facts["RE0"]["mastership_state"]) == ("RE0", "master")
    assert dev.uptime == 0
    dev.close()
