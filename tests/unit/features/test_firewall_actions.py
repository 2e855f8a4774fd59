"""Firewall filter actions that leave traces (issue 12 point 6): `count`, `log`, `syslog`, output filters,
interface-specific counters, the log buffer's bounds, and `show firewall` / `show firewall log` /
`clear firewall` on one device (packet mode, a router's, so that no security zone is involved).

A verdict carries what the packet touched as `counted` steps and the lab's walk adds them up; here
`walked()` does what the walk does with one verdict."""

from __future__ import annotations

import pytest
from featurelab import commit_set

from nos.config.groups import expand
from nos.config.load import parse_set
from nos.config.tree import ConfigTree
from nos.features import install
from nos.features.firewall.filters import compile_filters, run_filter
from nos.features.firewall.log import FirewallLog, Record
from nos.lab.packet import ECHO_REQUEST, UNREACHABLE, Packet, Verdict, ipv4_int, ipv4_text
from nos.runtime.device import Device

ROUTER = """\
set system host-name r1
set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24
set interfaces ge-0/0/0 unit 0 family inet filter input IN
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/30
set interfaces ge-0/0/1 unit 0 family inet filter output OUT
set routing-options static route 0.0.0.0/0 next-hop 198.51.100.2
set firewall family inet filter IN term icmp from protocol icmp
set firewall family inet filter IN term icmp then count icmp-in
set firewall family inet filter IN term icmp then log
set firewall family inet filter IN term icmp then accept
set firewall family inet filter IN term web from protocol tcp
set firewall family inet filter IN term web from destination-port http
set firewall family inet filter IN term web then count web
set firewall family inet filter IN term web then syslog
set firewall family inet filter IN term web then discard
set firewall family inet filter IN term rest then accept
set firewall family inet filter OUT term blocked from destination-address 8.8.4.4/32
set firewall family inet filter OUT term blocked then count blocked
set firewall family inet filter OUT term blocked then log
set firewall family inet filter OUT term blocked then reject
set firewall family inet filter OUT term quiet from destination-address 9.9.9.9/32
set firewall family inet filter OUT term quiet then discard
set firewall family inet filter OUT term rest then count other
set firewall family inet filter OUT term rest then accept
"""


@pytest.fixture
def router(schema, clock, tmp_path):  # type: ignore[no-untyped-def]
    """router(extra_set_lines) -> a packet-mode device with ROUTER (and the extra lines) committed."""

    def make(extra: str = "") -> Device:
        device = Device(schema, clock, hostname="r1", state_dir=tmp_path / "state")
        device.platform = "router"
        install(device)
        commit_set(device, ROUTER + extra)
        for port in ("ge-0/0/0", "ge-0/0/1"):
            device.dataplane.set_link(port, True)
        return device

    return make


def ping(src: str, dst: str, seq: int = 0) -> Packet:
    return Packet(ipv4_int(src), ipv4_int(dst), "icmp", icmp=ECHO_REQUEST, seq=seq)


def tcp(src: str, dst: str, dport: int) -> Packet:
    return Packet(ipv4_int(src), ipv4_int(dst), "tcp", sport=40000, dport=dport, size=60)


def walked(verdict: Verdict) -> Verdict:
    """What the lab's walk does with a verdict's counted steps: add(bytes, 1) each."""
    for add, size in verdict.counted:
        add(size, 1)
    return verdict


def counters(device: Device) -> dict[str, dict[str, tuple[int, int]]]:
    """Every filter's counters as (packets, bytes), by filter and counter."""
    return {
        name: {c: (v.packets, v.bytes) for counts in flt.counters.values() for c, v in counts.items()}
        for name, flt in device.firewall.filters.items()
    }


# -- the decision of a filter ------------------------------------------------------------------------------


def _filter(schema, lines: str):  # type: ignore[no-untyped-def]
    tree = ConfigTree(schema.root)
    report = parse_set(tree, lines)
    assert not report.messages, report.messages
    return compile_filters(expand(tree.root))["F"]


def test_next_term_counts_and_logs_and_a_later_term_decides(schema):
    """A `next term` term's count and log hold for the packet; the later term decides what it becomes."""
    flt = _filter(
        schema,
        "set firewall filter F term all then count seen\n"
        "set firewall filter F term all then log\n"
        "set firewall filter F term all then next term\n"
        "set firewall filter F term udp from protocol udp\n"
        "set firewall filter F term udp then count udp\n"
        "set firewall filter F term udp then syslog\n"
        "set firewall filter F term udp then discard\n",
    )
    decision = run_filter(flt, Packet(1, 2, "udp", dport=53), "ge-0/0/0.0", {})
    assert (decision.action, decision.term, decision.counters) == ("discard", "udp", ("seen", "udp"))
    assert decision.log and decision.syslog
    decision = run_filter(flt, ping("10.0.0.1", "10.0.0.2"), "ge-0/0/0.0", {})
    assert (decision.action, decision.term, decision.counters, decision.log) == ("discard", "implicit", ("seen",), True)
    assert not decision.syslog


def test_icmp_type_and_named_ports_with_a_dash(schema):
    """`icmp-type echo-request` matches pings only; `destination-port ftp-data` is a name, not a range."""
    flt = _filter(
        schema,
        "set firewall filter F term ping from icmp-type echo-request\n"
        "set firewall filter F term ping then accept\n"
        "set firewall filter F term data from destination-port ftp-data\n"
        "set firewall filter F term data then accept\n",
    )
    assert run_filter(flt, ping("10.0.0.1", "10.0.0.2"), "x", {}).term == "ping"
    reply = Packet(1, 2, "icmp", icmp="echo-reply")
    assert run_filter(flt, reply, "x", {}).term == "implicit"
    assert run_filter(flt, Packet(1, 2, "tcp", dport=20), "x", {}).term == "data"


# -- counters and output filters on the packet path ----------------------------------------------------------


def test_input_counter_counts_when_the_walk_counts(router):
    """The filter counts nothing itself: the verdict's steps do, as the walk adds them."""
    device = router()
    verdict = device.dataplane.receive(ping("10.0.1.10", "8.8.8.8"), "ge-0/0/0")
    assert verdict.action == "forward" and verdict.port == "ge-0/0/1"
    assert counters(device)["IN"] == {"icmp-in": (0, 0)}
    walked(verdict)
    assert counters(device) == {"IN": {"icmp-in": (1, 64)}, "OUT": {"other": (1, 64)}}


def test_input_discard_counts_and_syslogs(router, clock):
    """`then count web` and `then syslog` hold for a discarded packet: a PFE_FW_SYSLOG_IP line at the
    time it went by, the interface padded to 12 columns and the ports in 5."""
    device = router()
    clock.advance(75)
    verdict = walked(device.dataplane.receive(tcp("10.0.1.10", "203.0.113.5", 80), "ge-0/0/0"))
    assert verdict.action == "drop" and "term web" in verdict.reason and verdict.stateful
    assert counters(device)["IN"] == {"web": (1, 60)}
    event = device.log.events[-1]
    assert (event.process, event.tag) == ("fpc0", "PFE_FW_SYSLOG_IP")
    assert event.message == "FW: ge-0/0/0.0   D  tcp 10.0.1.10 203.0.113.5 40000    80 (1 packets)"
    assert event.syslog("r1") == (
        "Jan  1 00:01:15  r1 fpc0 PFE_FW_SYSLOG_IP: FW: ge-0/0/0.0   D  tcp 10.0.1.10 203.0.113.5"
        " 40000    80 (1 packets)"
    )


def test_no_log_no_stateful_verdict(router):
    """Only a log or syslog note makes a verdict stateful (the lab then walks every such packet)."""
    device = router()
    assert not device.dataplane.receive(tcp("10.0.1.10", "203.0.113.5", 443), "ge-0/0/0").stateful
    assert device.dataplane.receive(ping("10.0.1.10", "8.8.8.8"), "ge-0/0/0").stateful


def test_output_reject_answers_from_the_egress_interface(router):
    """An output filter's `reject`: ICMP administratively prohibited from the unit it guards; the packet
    never leaves, so the unit's output counter does not count it (the input counter does)."""
    device = router()
    verdict = walked(device.dataplane.receive(ping("10.0.1.10", "8.8.4.4"), "ge-0/0/0"))
    assert verdict.action == "answer"
    answer = verdict.packet
    assert (answer.icmp, answer.code, ipv4_text(answer.src), ipv4_text(answer.dst)) == (
        UNREACHABLE,
        "admin",
        "198.51.100.1",
        "10.0.1.10",
    )
    assert counters(device) == {"IN": {"icmp-in": (1, 64)}, "OUT": {"blocked": (1, 64)}}
    units = device.dataplane.interfaces.units
    assert units["ge-0/0/0.0"].counters.in_packets == 1 and units["ge-0/0/1.0"].counters.out_packets == 0


def test_output_discard_drops_silently(router):
    device = router()
    verdict = device.dataplane.receive(ping("10.0.1.10", "9.9.9.9"), "ge-0/0/0")
    assert verdict.action == "drop" and verdict.reason == "filter OUT term quiet: discard"


def test_output_filter_screens_the_devices_own_packets_with_their_source(router):
    """The device's own ping leaves with the egress address as source: the output filter sees that."""
    device = router(
        "set firewall family inet filter OUT term mine from source-address 198.51.100.1/32\n"
        "set firewall family inet filter OUT term mine then count mine\n"
        "insert firewall family inet filter OUT term mine before term blocked\n"
    )
    walked(device.dataplane.originate(Packet(0, ipv4_int("8.8.8.8"), "icmp", icmp=ECHO_REQUEST)))
    assert counters(device)["OUT"] == {"mine": (1, 64)}


def test_counters_survive_a_commit(router):
    """A commit that changes the filter keeps its counters (and those of the filters it leaves alone)."""
    device = router()
    walked(device.dataplane.receive(ping("10.0.1.10", "8.8.8.8"), "ge-0/0/0"))
    commit_set(device, "set firewall family inet filter IN term icmp from source-address 10.0.0.0/8\n")
    walked(device.dataplane.receive(ping("10.0.1.10", "8.8.8.8"), "ge-0/0/0"))
    assert counters(device) == {"IN": {"icmp-in": (2, 128)}, "OUT": {"other": (2, 128)}}


def test_interface_specific_filters_count_per_interface_and_direction(router):
    """`interface-specific`: each unit and direction has its own counters, shown as F-ge-0/0/0.0-i and
    C-ge-0/0/0.0-i; clearing one leaves the other."""
    device = router(
        "set firewall family inet filter IN interface-specific\n"
        "set interfaces ge-0/0/1 unit 0 family inet filter input IN\n"
    )
    walked(device.dataplane.receive(ping("10.0.1.10", "8.8.8.8"), "ge-0/0/0"))
    walked(device.dataplane.receive(ping("8.8.8.8", "10.0.1.10"), "ge-0/0/1"))
    walked(device.dataplane.receive(ping("8.8.8.8", "10.0.1.10"), "ge-0/0/1"))
    lines = cli(device, "show firewall filter IN")
    assert lines[:5] == [
        "",
        f"{'Filter: IN-ge-0/0/0.0-i':<63}",
        "Counters:",
        ROW_HEADER,
        row("icmp-in-ge-0/0/0.0-i", 64, 1),
    ]
    assert row("icmp-in-ge-0/0/1.0-i", 128, 2) in lines
    assert cli(device, "clear firewall filter IN-ge-0/0/1.0-i") == []
    assert row("icmp-in-ge-0/0/1.0-i", 0, 0) in cli(device, "show firewall filter IN-ge-0/0/1.0-i")
    assert row("icmp-in-ge-0/0/0.0-i", 64, 1) in cli(device, "show firewall")


# -- the log -------------------------------------------------------------------------------------------------


def test_log_buffer_keeps_the_newest_entries():
    """The PFE's buffer is cyclic: past its capacity the oldest entry goes; it lists newest first."""
    log = FirewallLog(capacity=3)
    for n in range(5):
        log.add(float(n), Record("F", "accept", "ge-0/0/0.0", "icmp", n, 0, 0, 0, 64))
    assert [e.time for e in log.newest_first()] == [4.0, 3.0, 2.0]
    assert [e.time for e in log.newest_first("ge-0/0/0")] == [4.0, 3.0, 2.0]  # a port: its units'
    assert log.newest_first("ge-0/0/1.0") == []
    log.clear()
    assert log.newest_first() == []


def test_log_entries_carry_the_time_they_went_by(router, clock):
    """`then log` notes each packet at the instant the walk counts it; `show firewall log` lists them
    newest first with their action as the filter decided it (R: rejected by OUT)."""
    device = router()
    for when, dst in ((10.0, "8.8.8.8"), (11.5, "8.8.4.4")):
        clock.advance(when - clock.now())
        walked(device.dataplane.receive(ping("10.0.1.10", dst), "ge-0/0/0"))
    clock.advance(30)
    assert cli(device, "show firewall log") == [
        "Log :",
        "Time      Filter    Action Interface     Protocol        Src Addr                         Dest Addr",
        "00:00:11  pfe       R      ge-0/0/1.0    ICMP            10.0.1.10                        8.8.4.4",
        "00:00:11  pfe       A      ge-0/0/0.0    ICMP            10.0.1.10                        8.8.4.4",
        "00:00:10  pfe       A      ge-0/0/0.0    ICMP            10.0.1.10                        8.8.8.8",
    ]
    assert cli(device, "show firewall log detail")[:2] == [
        "Time of Log: 2026-01-01 00:00:11 UTC, Filter: pfe, Filter action: reject, Name of interface: ge-0/0/1.0",
        "Name of protocol: ICMP, Packet Length: 64, Source address: 10.0.1.10, Destination address: 8.8.4.4",
    ]
    assert cli(device, "clear firewall log") == []
    assert cli(device, "show firewall log")[2:] == []


def test_log_times_are_in_the_devices_time_zone(router, clock):
    device = router("set system time-zone Europe/Paris\n")
    clock.advance(5)
    walked(device.dataplane.receive(ping("10.0.1.10", "8.8.8.8"), "ge-0/0/0"))
    assert cli(device, "show firewall log")[2].startswith("01:00:05  pfe")
    assert "Time of Log: 2026-01-01 01:00:05 CET," in cli(device, "show firewall log detail")[0]


def test_detail_log_shows_ports_of_tcp_and_udp(router):
    device = router("set firewall family inet filter IN term web then log\n")
    walked(device.dataplane.receive(tcp("10.0.1.10", "203.0.113.5", 80), "ge-0/0/0"))
    assert cli(device, "show firewall log detail")[1] == (
        "Name of protocol: TCP, Packet Length: 60, Source address: 10.0.1.10:40000, Destination address: 203.0.113.5:80"
    )


# -- show firewall and clear firewall ------------------------------------------------------------------------

ROW_HEADER = "Name                                                Bytes              Packets"


def row(name: str, size: int, packets: int) -> str:
    return f"{name:<40}{size:>17}{packets:>21}"


def cli(device: Device, line: str) -> list[str]:
    import trio

    from nos.cli.io import BufferIO
    from nos.cli.session import CliSession

    io = BufferIO()
    session = CliSession(device, "lab", io)
    trio.run(session.execute, line)
    return io.take().splitlines()


def test_show_firewall_lists_every_filter_and_counter(router):
    """Counters are listed by name, unhit ones at zero; bytes end in column 57, packets in 78."""
    device = router()
    walked(device.dataplane.receive(ping("10.0.1.10", "8.8.8.8"), "ge-0/0/0"))
    assert cli(device, "show firewall") == [
        "",
        f"{'Filter: IN':<63}",
        "Counters:",
        ROW_HEADER,
        row("icmp-in", 64, 1),
        row("web", 0, 0),
        "",
        f"{'Filter: OUT':<63}",
        "Counters:",
        ROW_HEADER,
        row("blocked", 0, 0),
        row("other", 64, 1),
    ]
    assert cli(device, "show firewall counter other filter OUT")[1:] == [
        f"{'Filter: OUT':<63}",
        "Counters:",
        ROW_HEADER,
        row("other", 64, 1),
    ]
    assert cli(device, "show firewall counter filter OUT other") == cli(
        device, "show firewall counter other filter OUT"
    )
    assert cli(device, "show firewall filter IN counter web")[4] == row("web", 0, 0)
    assert cli(device, "show firewall filter NOPE") == ["error: filter NOPE does not exist"]


def test_clear_firewall(router):
    device = router()
    for _ in range(2):
        walked(device.dataplane.receive(ping("10.0.1.10", "8.8.8.8"), "ge-0/0/0"))
    assert cli(device, "clear firewall filter OUT counter other") == []
    assert counters(device) == {"IN": {"icmp-in": (2, 128)}, "OUT": {"other": (0, 0)}}
    assert cli(device, "clear firewall filter NOPE") == ["error: filter NOPE does not exist"]
    assert cli(device, "clear firewall all") == []
    assert counters(device) == {"IN": {"icmp-in": (0, 0)}, "OUT": {"other": (0, 0)}}


def test_rpc_names(router):
    """The commands answer their Junos RPCs (NETCONF calls them by name)."""
    device = router()
    rpcs = device.features.rpcs
    assert rpcs["get-firewall-information"].action == "show-firewall"
    assert rpcs["get-firewall-filter-information"].action == "show-firewall-filter"
    assert rpcs["get-firewall-counter-information"].action == "show-firewall-counter"
    assert rpcs["get-firewall-log-information"].args == {"get-firewall-log-detailed-information": "detail"}
    assert rpcs["clear-all-firewall-conters"].action == "clear-firewall-all"  # (sic)
    assert rpcs["clear-firewall-counters"].args == {"filter": "filter-name"}
    assert cli(device, "show firewall counter c filter IN | display xml rpc")[2:6] == [
        "        <get-firewall-counter-information>",
        "                <countername>c</countername>",
        "                <filter>IN</filter>",
        "        </get-firewall-counter-information>",
    ]
