"""RPC handling without SSH: a NetconfSession on a device of the manual clock, answered in-process."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import trio

from nos.net.netconf import NetconfSession, is_netconf_command
from nos.net.netconf.framing import Framer
from nos.net.netconf.xml import BASE_NS, local
from nos.runtime.accounts import PREDEFINED, Rights

NS = {"nc": BASE_NS}


class Nc:
    """One NETCONF session, answered message by message."""

    def __init__(self, device, user: str = "lab", rights: Rights | None = None):  # type: ignore[no-untyped-def]
        self.device = device
        self.sent: list[str] = []
        self.session = NetconfSession(device, user, send=self.sent.append, rights=rights)

    def raw(self, body: str, mid: str = "101") -> str:
        message = f'<rpc message-id="{mid}" xmlns="{BASE_NS}">{body}</rpc>'
        return trio.run(self.session.answer, message)

    def rpc(self, body: str, mid: str = "101") -> ET.Element:
        reply = ET.fromstring(self.raw(body, mid))
        assert reply.tag == f"{{{BASE_NS}}}rpc-reply"
        assert reply.get("message-id") == mid
        return reply

    def ok(self, body: str) -> ET.Element:
        reply = self.rpc(body)
        assert reply.find(".//nc:rpc-error", NS) is None, ET.tostring(reply, encoding="unicode")
        return reply


def errors(reply: ET.Element) -> list[dict[str, str]]:
    return [{local(c.tag): (c.text or "") for c in e} for e in reply.findall("nc:rpc-error", NS)]


@pytest.fixture
def nc(device):  # type: ignore[no-untyped-def]
    return Nc(device)


def test_hello_then_chunked_rpcs_then_close_session(device):
    sent: list[str] = []
    session = NetconfSession(device, "lab", send=sent.append)
    ours = Framer()  # the client's side of the framing

    async def main() -> None:
        session.start()
        hello = '<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities>'
        hello += "<capability>urn:ietf:params:netconf:base:1.1</capability></capabilities></hello>]]>]]>"
        ours.chunked = True
        rpcs = ours.frame('<rpc message-id="7"><get-software-information/></rpc>')
        rpcs += ours.frame('<rpc message-id="8"><close-session/></rpc>')
        session.feed(hello + rpcs)  # one read holding the hello and what follows it
        await session.run()

    trio.run(main)
    reader = Framer()
    reader.feed("".join(sent))
    hello = ET.fromstring(reader.next() or "")
    caps = [c.text for c in hello.iter(f"{{{BASE_NS}}}capability")]
    assert "urn:ietf:params:netconf:base:1.0" in caps and "urn:ietf:params:netconf:base:1.1" in caps
    assert "http://xml.juniper.net/netconf/junos/1.0" in caps
    assert hello.findtext("nc:session-id", namespaces=NS) == str(session.id)
    reader.chunked = True
    software = ET.fromstring(reader.next() or "")
    assert software.get("message-id") == "7"
    assert software.findtext(".//nc:host-name", namespaces=NS) == "r1"
    closed = ET.fromstring(reader.next() or "")
    assert closed.get("message-id") == "8" and closed.find("nc:ok", NS) is not None
    assert session.id not in device.sessions  # the session let go of everything


def test_an_unknown_rpc_is_an_error_not_a_hang(nc):
    reply = nc.rpc("<get-bogus-information/>", mid="42")
    (err,) = errors(reply)
    assert err["error-type"] == "protocol"
    assert err["error-tag"] == "operation-not-supported"
    assert err["error-severity"] == "error"
    assert "get-bogus-information" in err["error-message"]


def test_malformed_xml_gets_a_malformed_message_error(nc):
    reply = ET.fromstring(trio.run(nc.session.answer, "<rpc message-id='1'><oops></rpc>"))
    assert errors(reply)[0]["error-tag"] == "malformed-message"


def test_software_and_route_engine_information(nc):
    info = nc.ok("<get-software-information/>").find("nc:software-information", NS)
    assert info is not None
    assert info.findtext("nc:host-name", namespaces=NS) == "r1"
    assert info.findtext("nc:product-model", namespaces=NS) == "vSRX"
    assert info.findtext("nc:junos-version", namespaces=NS)
    engine = nc.ok("<get-route-engine-information/>").find(".//{*}route-engine")
    assert engine is not None  # a standalone vSRX: one engine, no slot or mastership (the 24.4 capture)
    assert engine.findtext("{*}model") == "VSRX RE"


def test_command_runs_the_cli_and_returns_its_text(nc):
    out = nc.ok('<command format="text">show version</command>').findtext("nc:output", namespaces=NS)
    assert "Hostname: r1" in out
    piped = nc.ok('<command format="text">show version | match Hostname</command>')
    assert piped.findtext("nc:output", namespaces=NS).strip() == "Hostname: r1"
    xml = nc.ok("<command>show version</command>")  # format xml: the RPC's own reply
    assert xml.findtext(".//nc:host-name", namespaces=NS) == "r1"
    rpc = nc.ok("<command>show version | display xml rpc</command>")
    assert rpc.find("nc:rpc/nc:get-software-information", NS) is not None
    (err,) = errors(nc.rpc('<command format="text">show bogus</command>'))
    assert err["error-message"]
    assert errors(nc.rpc('<command format="text">configure</command>'))


def test_load_compare_commit_are_recorded_via_netconf(nc, device):
    nc.ok("<lock-configuration/>")
    nc.ok(
        '<load-configuration action="set" format="text">'
        "<configuration-set>set system host-name r7</configuration-set></load-configuration>"
    )
    diff = nc.ok('<get-configuration compare="rollback" rollback="0" format="text"/>')
    text = diff.findtext(".//nc:configuration-output", namespaces=NS)
    assert "[edit system]" in text and "+   host-name r7;" in text
    committed = nc.ok('<get-configuration database="committed" format="text"/>')
    assert "host-name r1;" in committed.findtext("nc:configuration-text", namespaces=NS)
    check = nc.ok("<commit-configuration><check/></commit-configuration>")
    assert check.find(".//nc:commit-check-success", NS) is not None
    done = nc.ok("<commit-configuration><log>from a script</log></commit-configuration>")
    assert done.find(".//nc:commit-success", NS) is not None
    nc.ok("<unlock-configuration/>")
    record = device.db.store.records[0]
    assert (device.hostname, record.user, record.client, record.comment) == ("r7", "lab", "netconf", "from a script")
    nothing = nc.ok('<get-configuration compare="rollback" rollback="0" format="text"/>')
    assert nothing.findtext(".//nc:configuration-output", namespaces=NS) == "\n"
    nc.ok('<load-configuration rollback="1"/>')
    nc.ok("<commit-configuration/>")
    assert device.hostname == "r1"


def test_load_errors_come_back_with_the_junos_message(nc, device):
    reply = nc.rpc(
        '<load-configuration action="set" format="text">'
        "<configuration-set>set system host-nam r7</configuration-set></load-configuration>"
    )
    (err,) = errors(reply)
    assert err["error-severity"] == "error"
    assert "syntax error: host-nam" in err["error-message"]
    assert reply.findtext(".//nc:load-error-count", namespaces=NS) == "1"
    curly = nc.rpc(
        '<load-configuration action="merge" format="text">'
        "<configuration-text>system { host-name r8; bogus 1; }</configuration-text></load-configuration>"
    )
    assert any("bogus" in e["error-message"] for e in errors(curly))


def test_commit_check_errors_are_rpc_errors(nc, device):
    nc.ok(
        '<load-configuration action="set" format="text"><configuration-set>'
        "set routing-instances blue instance-type virtual-router\n"
        "set routing-instances blue interface ge-0/0/9.0"
        "</configuration-set></load-configuration>"
    )
    reply = nc.rpc("<commit-configuration><check/></commit-configuration>")
    errs = errors(reply)
    assert errs, ET.tostring(reply, encoding="unicode")
    assert errs[-1]["error-message"] == "configuration check-out failed"
    assert device.db.store.records[0].client != "netconf"


def test_xml_configuration_goes_out_and_comes_back(nc, device):
    out = nc.ok("<get-configuration/>").find("nc:configuration", NS)
    assert out is not None
    assert out.findtext("nc:system/nc:host-name", namespaces=NS) == "r1"
    assert out.find("nc:system/nc:login/nc:user/nc:name", NS).text == "lab"
    before = nc.ok('<get-configuration format="text"/>').findtext("nc:configuration-text", namespaces=NS)
    # The XML written, loaded back over everything: the same configuration.
    body = ET.tostring(out, encoding="unicode")
    nc.ok(f'<load-configuration action="override" format="xml">{body}</load-configuration>')
    after = nc.ok('<get-configuration format="text"/>').findtext("nc:configuration-text", namespaces=NS)
    assert after == before
    nc.ok(
        '<load-configuration format="xml"><configuration><system><host-name>r9</host-name>'
        '<services><ssh delete="delete"/></services></system>'
        "<interfaces><interface><name>ge-0/0/1</name><description>uplink</description>"
        "<disable/></interface></interfaces></configuration></load-configuration>"
    )
    text = nc.ok('<get-configuration format="set"/>').findtext("nc:configuration-set", namespaces=NS)
    assert "set system host-name r9" in text
    assert "set interfaces ge-0/0/1 description uplink" in text
    assert "set interfaces ge-0/0/1 disable" in text
    assert "set system services ssh" not in text.splitlines()
    (err,) = errors(
        nc.rpc('<load-configuration format="xml"><configuration><systemx/></configuration></load-configuration>')
    )
    assert "systemx" in err["error-message"]


def test_standard_operations(nc, device):
    nc.ok("<lock><target><candidate/></target></lock>")
    nc.ok(
        "<edit-config><target><candidate/></target><config><configuration><system>"
        "<host-name>std</host-name></system></configuration></config></edit-config>"
    )
    data = nc.ok("<get-config><source><candidate/></source></get-config>")
    assert data.findtext("nc:data/nc:configuration/nc:system/nc:host-name", namespaces=NS) == "std"
    nc.ok("<validate><source><candidate/></source></validate>")
    nc.ok("<commit/>")
    nc.ok("<unlock><target><candidate/></target></unlock>")
    assert device.hostname == "std"
    running = nc.ok(
        "<get-config><source><running/></source><filter><configuration><system/></configuration></filter></get-config>"
    )
    config = running.find("nc:data/nc:configuration", NS)
    assert [local(c.tag) for c in config] == ["system"]


def test_netconf_and_cli_exclusive_locks_exclude_each_other(nc, cli):
    assert "Entering configuration mode" in cli.output("configure exclusive")
    reply = nc.rpc("<lock-configuration/>")
    (err,) = errors(reply)
    assert err["error-tag"] == "lock-denied"
    assert err["error-message"].startswith("configuration database locked by:")
    assert "lab terminal pts/0" in err["error-message"]
    assert reply.findtext(".//nc:error-info/nc:session-id", namespaces=NS) == str(cli.session.id)
    load = '<load-configuration action="set" format="text"><configuration-set>set system host-name x</configuration-set></load-configuration>'
    assert errors(nc.rpc(load))[0]["error-tag"] == "lock-denied"
    cli.output("exit")
    nc.ok("<lock-configuration/>")
    assert "locked by" in cli.output("configure exclusive")
    nc.ok("<unlock-configuration/>")
    assert "Entering configuration mode" in cli.output("configure exclusive")


def test_a_read_only_user_may_look_but_not_change(device):
    viewer = Nc(device, "viewer", Rights("read-only", PREDEFINED["read-only"]))
    viewer.ok("<get-software-information/>")
    viewer.ok('<get-configuration format="text"/>')
    for body in (
        "<lock-configuration/>",
        '<load-configuration action="set" format="text"><configuration-set>set system host-name x</configuration-set></load-configuration>',
        "<commit-configuration/>",
    ):
        (err,) = errors(viewer.rpc(body))
        assert err["error-message"] == "permission denied", body
    assert device.hostname == "r1"


def test_xml_mode_is_the_netconf_exec_command():
    assert is_netconf_command("xml-mode netconf need-trailer")
    assert not is_netconf_command("show version")


def test_a_session_that_goes_away_gives_its_lock_back(nc, device):
    nc.ok("<lock-configuration/>")
    nc.ok(
        '<load-configuration action="set" format="text"><configuration-set>set system host-name gone</configuration-set></load-configuration>'
    )
    assert device.db.exclusive == nc.session.id
    nc.session.end()  # the SSH channel closed without <unlock/> or <close-session/>
    trio.run(nc.session.run)
    assert device.db.exclusive is None
    assert nc.session.id not in device.sessions
    assert device.db.shared.root is device.db.active  # uncommitted changes of the lock holder are dropped
