"""`commit at` over NETCONF: `<commit-configuration><at-time>` (what ncclient's Junos `commit(at_time=...)`
sends) is checked at once and answered with `<commit-check-success/>` and the time in `<output>` (the
junos-xml-protocol committing-at-time page), committed at that time; `<get-commit-information>` shows
it waiting; `<clear-system-commit/>` drops it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import trio
from ncclient import manager
from ncclient.operations.rpc import RPCError

from nos.net.netconf import NetconfSession
from nos.net.netconf.xml import BASE_NS, local

NS = {"nc": BASE_NS}
LOAD = (
    "<load-configuration action='set' format='text'>"
    "<configuration-set>set system host-name r9</configuration-set></load-configuration>"
)


class Nc:
    """One NETCONF session on a device of the manual clock, answered in-process."""

    def __init__(self, device):  # type: ignore[no-untyped-def]
        self.session = NetconfSession(device, "lab", send=lambda _: None)

    def rpc(self, body: str) -> ET.Element:
        return ET.fromstring(trio.run(self.session.answer, f'<rpc message-id="1" xmlns="{BASE_NS}">{body}</rpc>'))


def _errors(reply: ET.Element) -> list[str]:
    return [e.findtext("nc:error-message", namespaces=NS) or "" for e in reply.findall("nc:rpc-error", NS)]


def _host(device) -> str:  # type: ignore[no-untyped-def]
    return device.hostname


def test_at_time_is_checked_now_and_committed_then(device, clock):
    nc = Nc(device)
    assert not _errors(nc.rpc(LOAD))
    reply = nc.rpc("<commit-configuration><at-time>00:10</at-time><log>later</log></commit-configuration>")
    engine = reply.find("nc:commit-results/nc:routing-engine", NS)
    assert engine is not None and [local(c.tag) for c in engine] == ["name", "commit-check-success", "output"]
    assert engine.findtext("nc:output", namespaces=NS) == "commit at will be executed at 2026-01-01 00:10:00 UTC"
    info = nc.rpc("<get-commit-information/>").find(".//{*}pending-commit")
    assert info is not None
    assert [(local(c.tag), c.text) for c in info] == [
        ("user", "lab"),
        ("client", "netconf"),
        ("date-time", "Thu Jan  1 00:10:00 2026"),
    ]
    assert _errors(nc.rpc("<commit-configuration/>")) == [
        "commit at is pending; use 'clear system commit' to cancel it"
    ]
    clock.advance(599)
    assert _host(device) == "r1"
    clock.advance(1)
    assert _host(device) == "r9"
    record = device.db.store.records[0]
    assert (record.user, record.client, record.comment) == ("lab", "netconf", "later")


def test_clear_system_commit(device, clock):
    nc = Nc(device)
    nc.rpc(LOAD)
    assert not _errors(nc.rpc("<commit-configuration><at-time>2026-01-01 01:00:00</at-time></commit-configuration>"))
    assert nc.rpc("<clear-system-commit/>").find("nc:ok", NS) is not None
    assert _errors(nc.rpc("<clear-system-commit/>")) == ["no commit is pending"]
    clock.advance(7200)
    assert _host(device) == "r1"


def test_bad_times_and_confirmed_are_errors(device):
    nc = Nc(device)
    assert _errors(nc.rpc("<commit-configuration><at-time>23:61</at-time></commit-configuration>")) == [
        "invalid time specification: 23:61"
    ]
    assert _errors(nc.rpc("<commit-configuration><at-time>00:00:30</at-time></commit-configuration>")) == [
        "commit at time must be at least 1 minute in the future"
    ]
    both = "<commit-configuration><at-time>00:10</at-time><confirmed/></commit-configuration>"
    assert _errors(nc.rpc(both)) == ["'commit at' and 'commit confirmed' cannot be used together"]
    assert device.db.scheduled is None


def test_the_standard_commit_takes_at_time_too(device, clock):
    nc = Nc(device)
    nc.rpc(LOAD)
    assert nc.rpc("<commit><at-time>00:05</at-time></commit>").find("nc:ok", NS) is not None
    clock.advance(300)
    assert _host(device) == "r9"


def test_ncclient_commit_at_time(ssh_device):
    with manager.connect(
        host="127.0.0.1",
        port=ssh_device.port,
        username="lab",
        password="lab123",
        hostkey_verify=False,
        device_params={"name": "junos"},
        look_for_keys=False,
        allow_agent=False,
        timeout=30,
    ) as m:
        m.load_configuration(action="set", config=["set system host-name r5"])
        reply = m.commit(at_time="2026-01-01 00:02:00", comment="from ncclient")
        assert reply.xpath("//commit-check-success")
        assert reply.xpath("//output")[0].text == "commit at will be executed at 2026-01-01 00:02:00 UTC"
        text = m.command("show system commit", format="text").xpath("//output")[0].text
        assert "commit requested by lab via netconf at Thu Jan  1 00:02:00 2026" in text
        try:
            m.commit()
        except RPCError as exc:
            assert "commit at is pending" in exc.message
        else:
            raise AssertionError("a commit went through while one was scheduled")
        m.command("request lab wait 119")
        assert ssh_device.call(lambda: ssh_device.device.hostname) == "sim1"
        m.command("request lab wait 1")
        assert ssh_device.call(lambda: ssh_device.device.hostname) == "r5"
    record = ssh_device.call(lambda: ssh_device.device.db.store.records[0])
    assert (record.user, record.client, record.comment) == ("lab", "netconf", "from ncclient")
