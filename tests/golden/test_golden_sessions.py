"""Golden transcripts of `show security flow session ...` and `show security flow statistics` on srx1,
its session table fed as the packet path feeds it, on a manual clock. The expected files
(data/sessions_*.golden) were checked by eye against the captures in shared/reference/junos-output
(show_security_flow_session__*, show_security_flow_session_summary__vsrx_24.4,
show_security_flow_statistics__vsrx_24.4, show_security_flow_session_nat__vsrx_jp) and junos-xml
(get-flow-session-information__*); run with NOS_UPDATE_GOLDEN=1 to rewrite them after a deliberate
change, and read the diff. The shape tests below hold every line of the text to the same patterns as
the captures' lines, and the XML to the captures' element order.

    Debian1 10.0.1.10 -- ge-0/0/0.0 srx1 ge-0/0/1.0 198.51.100.1 (source NAT, interface) -- ISP1
    Hostc   10.0.1.11                     ge-0/0/2.0 10.0.2.1 -- web 10.0.2.20 (destination NAT from 198.51.100.10)

Timeline (from Thu Jan 1 00:00:00 2026): at 00:10:00 Debian1 opens SSH to 192.0.2.80 (SYN,
SYN-ACK, ACK), then keeps it busy; at 00:10:05 a DNS query and its answer; at 00:12:00 Debian1 logs
in to srx1 itself (self traffic); at 00:14:00 a web client on the Internet reaches the web server;
from 00:15:00 Hostc pings 8.8.8.8 three times, 1 s apart (each echo its own session, ended by its
reply), the last one unanswered. The transcripts are taken at 00:15:03.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree
from transcripts import Transcript, assert_golden, file_stem

from nos.features import install
from nos.features.flow.sessions import FlowSessions, SessionFilter, Wing
from nos.features.flow.sessions import install as install_sessions
from nos.features.flow.sessions.show import sessions_xml, summary_xml
from nos.lab.packet import ipv4_int as ip
from nos.runtime.clock import ManualScheduler
from nos.runtime.device import Device

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference"
SNAPSHOT = 903.0

CONFIG = """\
system {
    host-name srx1;
    root-authentication {
        encrypted-password "$6$golden$x";
    }
}
interfaces {
    ge-0/0/0 {
        unit 0 {
            family inet {
                address 10.0.1.1/24;
            }
        }
    }
    ge-0/0/1 {
        unit 0 {
            family inet {
                address 198.51.100.1/24;
            }
        }
    }
    ge-0/0/2 {
        unit 0 {
            family inet {
                address 10.0.2.1/24;
            }
        }
    }
}
"""

DEBIAN1, HOSTC, WEB, SRX_LAN = ip("10.0.1.10"), ip("10.0.1.11"), ip("10.0.2.20"), ip("10.0.1.1")
REMOTE, DNS, GOOGLE, PUBLIC = ip("192.0.2.80"), ip("8.8.4.4"), ip("8.8.8.8"), ip("198.51.100.1")
CLIENT, VIP, ISP1 = ip("203.0.113.50"), ip("198.51.100.10"), ip("198.51.100.254")


class PacketPath:
    """The packet path as it will feed the table: each packet counted in the flow statistics."""

    def __init__(self, feature: FlowSessions, clock: ManualScheduler):
        self.table = feature.table
        self.clock = clock

    def at(self, when: float) -> None:
        self.clock.advance(when - self.clock.now())

    def first(
        self, in_wing: Wing, out_wing: Wing, policy: str, index: int, app: str | None, timeout: int, size: int, **kw
    ):  # type: ignore[no-untyped-def]
        self.table.stats.received += 1
        self.table.stats.transmitted += 1
        return self.table.create(in_wing, out_wing, policy, app, timeout, policy_index=index, packet_size=size, **kw)

    def packet(self, session, wing: str, size: int, flags: str = "data") -> None:  # type: ignore[no-untyped-def]
        self.table.stats.received += 1
        self.table.stats.transmitted += 1
        self.table.touch(session, wing, size, flags)


@pytest.fixture(scope="module")
def srx(schema, tmp_path_factory) -> tuple[Transcript, FlowSessions, ManualScheduler]:  # type: ignore[no-untyped-def]
    clock = ManualScheduler()
    device = Device(
        schema, clock, hostname="srx1", state_dir=tmp_path_factory.mktemp("sessions"), initial_config=CONFIG
    )
    install(device)
    feature = install_sessions(device)
    path = PacketPath(feature, clock)

    typing = [float(t) for t in range(601, 900, 10)]  # Debian1 types in its SSH session every 10 s
    ssh = None

    def type_until(when: float) -> None:
        while typing and typing[0] < when:
            path.at(typing.pop(0))
            path.packet(ssh, "in", 88)
            path.packet(ssh, "out", 120)
        path.at(when)

    path.at(600)  # SSH from Debian1, source NAT to ge-0/0/1's address
    ssh = path.first(
        Wing(DEBIAN1, 53184, REMOTE, 22, "tcp", "ge-0/0/0.0", "trust", gateway=DEBIAN1),
        Wing(REMOTE, 22, PUBLIC, 27351, "tcp", "ge-0/0/1.0", "untrust", gateway=ISP1),
        "trust-to-untrust",
        4,
        "junos-ssh",
        1800,
        60,
        nat_pool="interface",
    )
    path.at(600.012)
    path.packet(ssh, "out", 60, "syn-ack")
    path.packet(ssh, "in", 52, "ack")
    type_until(720)  # Debian1 logs in to srx1 itself
    own = path.first(
        Wing(DEBIAN1, 50122, SRX_LAN, 22, "tcp", "ge-0/0/0.0", "trust"),
        Wing(SRX_LAN, 22, DEBIAN1, 50122, "tcp", ".local..0", "junos-host"),
        "self-traffic-policy",
        1,
        None,
        1800,
        60,
    )
    path.packet(own, "out", 60, "syn-ack")
    path.packet(own, "in", 52, "ack")
    type_until(840)  # the web server, published on 198.51.100.10
    web = path.first(
        Wing(CLIENT, 61000, VIP, 80, "tcp", "ge-0/0/1.0", "untrust", gateway=ISP1),
        Wing(WEB, 80, CLIENT, 61000, "tcp", "ge-0/0/2.0", "dmz", gateway=WEB),
        "web-in",
        6,
        "junos-http",
        300,
        60,
    )
    path.at(840.020)
    path.packet(web, "out", 60, "syn-ack")
    path.packet(web, "in", 52, "ack")
    path.packet(web, "in", 420)
    path.packet(web, "out", 1500)
    path.packet(web, "out", 1500)
    type_until(880)  # a DNS query from Debian1, answered
    dns = path.first(
        Wing(DEBIAN1, 41022, DNS, 53, "udp", "ge-0/0/0.0", "trust"),
        Wing(DNS, 53, PUBLIC, 4097, "udp", "ge-0/0/1.0", "untrust"),
        "trust-to-untrust",
        4,
        "junos-dns-udp",
        60,
        73,
        nat_pool="interface",
    )
    path.at(880.018)
    path.packet(dns, "out", 89)
    for n, seq in enumerate((26, 27, 28)):  # Hostc pings 8.8.8.8: one session per echo request
        type_until(900 + n)
        echo = path.first(
            Wing(HOSTC, seq, GOOGLE, 928, "icmp", "ge-0/0/0.0", "trust"),
            Wing(GOOGLE, 928, PUBLIC, 11377 + n, "icmp", "ge-0/0/1.0", "untrust"),
            "trust-to-untrust",
            4,
            "junos-icmp-all",
            60,
            84,
            nat_pool="interface",
        )
        if n < 2:  # the last echo is still unanswered
            path.at(900 + n + 0.021)
            path.packet(echo, "out", 84)
    path.table.stats.drop("first pak not syn")  # one stray ACK from the Internet
    path.table.stats.received += 1
    path.at(SNAPSHOT)
    return Transcript(device), feature, clock


COMMANDS = [
    "show security flow session",
    "show security flow session extensive",
    "show security flow session summary",
    "show security flow session nat",
    "show security flow session protocol icmp",
    "show security flow session source-prefix 10.0.1.10 destination-port 22",
    "show security flow session session-identifier 4",
    "show security flow statistics",
    "show security flow session | display xml",
    "show security flow session summary | display xml",
    "show security flow statistics | display xml",
    "show security flow session protocol tcp | display json",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_golden(srx, command: str) -> None:  # type: ignore[no-untyped-def]
    cli, _, _ = srx
    assert_golden(cli.run(command), f"sessions_{file_stem(command)}.golden")


# -- the shapes of the captures -------------------------------------------------------------------------

ADDR = r"\d+\.\d+\.\d+\.\d+/\d+"
PLAIN = [  # every line of the default output, as the captures have it
    r"",
    r"Session ID: \d+, Policy name: (\S+/\d+|N/A), Timeout: \d+, Session State: (Valid|Invalidated)",
    rf"  (In|Out): {ADDR} --> {ADDR};\w+, Conn Tag: 0x0, If: \S+, Pkts: \d+, Bytes: \d+, ",
    r"Total sessions: \d+",
]
# SRX 24.x extensive (public articles: an SRX4700 services-offload post and a vSRX VRF-group post, as
# quoted in show.py), less the lines of internal handles the simulator does not keep.
EXTENSIVE = [
    r"",
    r"Session ID: \d+, Status: Normal",
    r"Policy name: \S+/\d+",
    r"Source NAT pool: \S+(, Application: \S+)?",
    r"Dynamic application: junos:UNKNOWN, ?",
    r"Encryption:  Unknown",
    r"Url-category:  Unknown",
    r"Application traffic control rule-set: INVALID, Rule: INVALID",
    r"Maximum timeout: \d+, Current timeout: \d+",
    r"Session State: Valid",
    r"Start time: \d+, Duration: \d+",
    rf"   (In|Out): {ADDR} --> {ADDR};\w+, ",
    r"  Conn Tag: 0x0, (Attachment Id: 0, GW Endpoint Id: 0, Flow Cookie: 0, )?Interface: \S+, ",
    r"    Power-Mode Active: (True|False) ",
    r"    (Route: 0x[0-9a-f]+, )?(Gateway: [\d.]+, )?Tunnel ID: \d+, Tunnel type: \w+,? .*",
    r"    Pkts: \d+, Bytes: \d+",
    r"Total sessions: \d+",
]


def _capture(name: str) -> list[str]:
    path = REFERENCE / "junos-output" / name
    if not path.exists():
        pytest.skip(f"reference capture {name} not here")
    return [line for line in path.read_text().splitlines() if not line.startswith("#")]


def _unmatched(lines: list[str], patterns: list[str]) -> list[str]:
    return [line for line in lines if not any(re.fullmatch(p, line) for p in patterns)]


def test_the_patterns_hold_for_the_captures() -> None:
    """The patterns are the captures': each capture line of those kinds matches one."""
    jp = [
        line.rstrip() + " " if line.startswith("  ") else line
        for line in _capture("show_security_flow_session_nat__vsrx_jp.txt")[1:5]
    ]
    mnha = [
        line.replace("HA State: Active, ", "").replace("HA Wing State: Active,", "").rstrip() + " "
        if "In:" in line or "Out:" in line
        else line.replace("HA State: Active, ", "")
        for line in _capture("show_security_flow_session__filter__mnha_vsrx.txt")[1:]
    ]
    assert _unmatched(jp, PLAIN) == []
    assert _unmatched(mnha, PLAIN) == []


def output(cli: Transcript, command: str) -> list[str]:
    """The lines a command printed (the transcript's first two lines: the blank and the prompt)."""
    return cli.run(command).splitlines()[2:]


def test_text_lines_have_the_captures_shapes(srx) -> None:  # type: ignore[no-untyped-def]
    cli, _, _ = srx
    plain = output(cli, "show security flow session")
    assert _unmatched(plain, PLAIN) == []
    extensive = output(cli, "show security flow session extensive")
    assert _unmatched(extensive, EXTENSIVE) == []
    summary = output(cli, "show security flow session summary")
    reference = _capture("show_security_flow_session_summary__vsrx_24.4.txt")
    assert [re.sub(r"\d+", "N", line) for line in summary] == [re.sub(r"\d+", "N", line) for line in reference]
    statistics = output(cli, "show security flow statistics")
    reference = _capture("show_security_flow_statistics__vsrx_24.4.txt")
    assert [re.sub(r"\d+", "N", line) for line in statistics] == [re.sub(r"\d+", "N", line) for line in reference]


def _tags(element: etree._Element) -> list[str]:
    return [etree.QName(child).localname for child in element if isinstance(child.tag, str)]


def _reference_xml(name: str) -> etree._Element:
    path = REFERENCE / "junos-xml" / name
    if not path.exists():
        pytest.skip(f"reference reply {name} not here")
    return etree.fromstring(path.read_bytes())


def _subsequence(mine: list[str], theirs: list[str]) -> bool:
    it = iter(theirs)
    return all(tag in it for tag in mine)


def test_xml_follows_the_24_4_reply(srx) -> None:  # type: ignore[no-untyped-def]
    _, feature, clock = srx
    mine = sessions_xml(feature.table.select(), clock.now(), clock.epoch0)
    theirs = _reference_xml("get-flow-session-information__rustjunosmcp__vsrx_24.4_newline_text.xml")
    info = theirs.find("{*}flow-session-information")
    assert _tags(mine)[-1] == _tags(info)[-1] == "displayed-session-count"
    ike = info.findall("{*}flow-session")[1]  # the one with an application and both wings
    for session in mine.iterfind("flow-session"):
        assert _subsequence(_tags(session), _tags(ike)), _tags(session)
        for wing, reference in zip(
            session.iterfind("flow-information"), ike.iterfind("{*}flow-information"), strict=True
        ):
            assert _subsequence(_tags(wing), _tags(reference)), _tags(wing)
    summary = summary_xml(feature.table.summary())
    theirs = _reference_xml("get-flow-session-information__rustjunosmcp__summary_vsrx_24.4_newline_text.xml")
    top = theirs.find("{*}security-flow-information")
    assert _tags(summary) == _tags(top) == ["flow-session-information"]
    path = "flow-session-information/flow-session-summary-information"
    assert _tags(summary.find(path)) == _tags(
        top.find("{*}flow-session-information/{*}flow-session-summary-information")
    )


def test_route_change_counts_down_as_seed_000_tells(srx) -> None:  # type: ignore[no-untyped-def]
    """Last, as it ends the SSH session: invalidated with 6 s, 4 s later `Timeout: 2`, then gone."""
    cli, feature, clock = srx
    (ssh,) = feature.table.select(SessionFilter(destination_prefix=(REMOTE, 32)))
    feature.table.invalidate(ssh, 6)
    command = f"show security flow session session-identifier {ssh.id}"
    assert "Maximum timeout: 1800, Current timeout: 6" in cli.run(command)
    clock.advance(4)
    assert "Timeout: 2, Session State: Invalidated" in cli.run("show security flow session destination-port 22")
    clock.advance(2)
    assert "Total sessions: 0" in cli.run(command)
