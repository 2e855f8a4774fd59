"""The NTP client (nos/features/ntp) against a network whose answers the test decides: the reach
register poll by poll, the poll interval, selection (`*`, `+`, `-`, `x`), the clock's state and
what `show ntp ...` prints of it. The expected times follow ntpd 4.2.8's rules (client.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import pairwise

import pytest
import trio

from nos.features.ntp.client import CANDIDATE, FALSETICK, OUTLIER, SYSPEER, NtpClient, Peer
from nos.features.ntp.show import interval, ntp_time, render_status, status_xml
from nos.lab import icmp
from nos.lab.packet import Exchange, Packet, Trip, ipv4_int
from nos.net.netconf import NetconfSession
from nos.net.netconf.xml import BASE_NS, local
from nos.runtime.clock import ManualScheduler
from nos.runtime.device import Device

SERVER = "192.0.2.1"


class Network:
    """Answers NTP requests to the addresses in `paths` ((way out, way back) in ms); nothing else."""

    def __init__(self, clock: ManualScheduler):
        self.clock = clock
        self.paths: dict[int, tuple[float, float]] = {}
        self.sent: list[tuple[float, Packet]] = []

    def exchange(self, origin: str, packet: Packet) -> Exchange:
        self.sent.append((self.clock.now(), packet))
        path = self.paths.get(packet.dst)
        if path is None or packet.dport != 123:
            return Exchange(packet, None)
        out, back = path
        reply = icmp.transport_answer(packet, "reply")
        return Exchange(packet, reply, out + back, Trip("answered", "S", out), Trip("kept", origin, back))

    def probe(self, origin: str, packet: Packet, memo: object) -> tuple[Packet | None, float, object]:
        ex = self.exchange(origin, packet)
        return ex.reply, ex.rtt_ms, memo


@pytest.fixture
def net(srx, clock) -> tuple[Device, Network]:  # type: ignore[no-untyped-def]
    device = srx(f"set system ntp server {SERVER}\n")
    network = Network(clock)
    network.paths[ipv4_int(SERVER)] = (5.0, 5.0)
    device.network = network
    return device, network


def peer_of(device: Device, address: str = SERVER) -> Peer:
    return next(p for p in device.ntp.associations() if p.spec.address == address)


def polls(network: Network) -> list[float]:
    return [round(when, 3) for when, packet in network.sent if packet.dport == 123]


def test_reach_shifts_left_at_each_poll_and_the_answer_ors_in_one(net, clock):
    device, network = net
    peer = peer_of(device)
    seen = []
    # The first poll 1 s after the commit; every 64 s until the clock discipline has had 6 updates
    # adding up to more than 30 (6 x 6 s): then 128 s (tc 7). Each answer comes 10 ms after its poll.
    for poll in (1, 65, 129, 193, 257, 321, 385, 513):
        clock.advance(poll - clock.now())
        shifted = f"{peer.reach:o}"
        clock.advance(0.010)
        seen.append((shifted, f"{peer.reach:o}"))
    assert polls(network) == [1, 65, 129, 193, 257, 321, 385, 513]
    assert seen == [
        ("0", "1"),
        ("2", "3"),
        ("6", "7"),
        ("16", "17"),
        ("36", "37"),
        ("76", "77"),
        ("176", "177"),
        ("376", "377"),
    ]
    assert device.ntp.sys_poll == 7 and peer.poll_interval == 128


def test_the_server_is_the_system_peer_from_its_first_answer(net, clock):
    """ntpd 4.2.8 leaves the filter dispersion out of the root distance: one sample is enough."""
    device, _ = net
    client: NtpClient = device.ntp
    clock.advance(1.009)
    assert not client.synchronized and peer_of(device).tally == " "
    assert client.status_word() == 0xC016  # leap_alarm, sync_unspec, 1 event, restart
    clock.advance(0.002)  # the answer, 10 ms after the poll
    assert client.synchronized and peer_of(device).tally == "*"
    assert client.sys_stratum == 2 and client.sys_refid == SERVER
    assert client.status_word() == 0x0615  # leap_none, sync_ntp, 1 event, clock_sync
    peer = peer_of(device)
    assert (peer.stratum, peer.refid, peer.delay, peer.offset) == (1, "GPS", 0.010, 0.0)


def test_an_asymmetric_path_shows_as_offset(net, clock):
    device, network = net
    network.paths[ipv4_int(SERVER)] = (8.0, 2.0)
    clock.advance(2)
    assert peer_of(device).offset == pytest.approx(0.003)  # (8 - 2) / 2 ms
    assert peer_of(device).delay == pytest.approx(0.010)


def test_reach_shifts_down_when_answers_stop_and_the_peer_goes_after_eight_empty_samples(net, clock):
    device, network = net
    peer = peer_of(device)
    clock.advance(600)
    assert f"{peer.reach:o}" == "377" and peer.tally == "*"
    del network.paths[ipv4_int(SERVER)]
    first = len(network.sent)
    reaches = []
    while peer.reach:
        clock.advance(peer.nextdate - clock.now())
        reaches.append(f"{peer.reach:o}")
    assert reaches == ["376", "374", "370", "360", "340", "300", "200", "0"]
    assert peer.tally == "*" and device.ntp.synchronized  # no new sample: nothing selects again
    times = polls(network)[first:]
    assert {round(b - a, 3) for a, b in pairwise(times)} == {128}
    # An empty sample enters the filter at each poll while reach is 0; the 8th empties it, and
    # selection finds no fit server: the system peer is gone, the clock runs on its own.
    for _ in range(6):
        clock.advance(peer.nextdate - clock.now())
    assert peer.tally == "*"
    clock.advance(peer.nextdate - clock.now())
    assert peer.tally == " " and not device.ntp.synchronized
    assert device.ntp.status_word() == 0x0018  # leap_none, sync_unspec, 1 event, no_sys_peer
    # After 10 unanswered polls the poll interval doubles at each poll, up to 1024 s.
    times = []
    for _ in range(6):
        clock.advance(peer.nextdate - clock.now())
        times.append(clock.now())
    gaps = [round(b - a) for a, b in pairwise(times)]
    assert gaps[-1] == 1024 and gaps == sorted(gaps)


def test_a_server_that_never_answers(srx, clock):
    device = srx("set system ntp server 198.51.100.7\n")
    device.network = Network(clock)
    clock.advance(500)
    peer = peer_of(device, "198.51.100.7")
    assert (peer.reach, peer.stratum, peer.refid, peer.tally, peer.poll_interval) == (0, 16, "INIT", " ", 64)
    assert not device.ntp.synchronized
    clock.advance(200)  # the 10th unanswered poll (at 577 s) doubled the interval
    assert peer.poll_interval == 128


def test_polls_leave_in_the_routing_instance_from_the_source_address(srx, clock):
    device = srx(
        "set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/30\n"
        "set routing-instances VR instance-type virtual-router\n"
        "set routing-instances VR interface ge-0/0/1.0\n"
        "set system ntp server 192.0.2.1 routing-instance VR\n"
        "set system ntp server 192.0.2.2\n"
        "set system ntp source-address 198.51.100.1 routing-instance VR\n"
        "set system ntp source-address 10.9.9.9\n"
    )
    network = Network(clock)
    device.network = network
    clock.advance(2.5)
    sent = {packet.dst: packet for _, packet in network.sent}
    assert sent[ipv4_int("192.0.2.1")].instance == "VR" and sent[ipv4_int("192.0.2.1")].src == ipv4_int("198.51.100.1")
    assert sent[ipv4_int("192.0.2.2")].instance is None
    assert sent[ipv4_int("192.0.2.2")].src == 0  # 10.9.9.9 is none of the device's addresses
    assert polls(network) == [1, 2]  # the associations' first polls, one second apart


def test_a_commit_keeps_unchanged_associations_and_starts_new_ones(net, clock, recommit):
    device, _ = net
    clock.advance(200)
    old = peer_of(device)
    recommit(device, "set system ntp server 192.0.2.1 prefer\nset system ntp server 192.0.2.2\n")
    assert peer_of(device) is old and old.spec.prefer and f"{old.reach:o}" == "17"
    new = peer_of(device, "192.0.2.2")
    assert new.reach == 0 and new.nextdate == clock.now() + 1
    recommit(device, "delete system ntp server 192.0.2.1\n")
    assert [p.spec.address for p in device.ntp.associations()] == ["192.0.2.2"]
    assert not old.alive and not device.ntp.synchronized


# -- selection, on samples the test makes up ----------------------------------------------------------


def feed(client: NtpClient, peer: Peer, offset: float, delay: float = 0.010) -> None:
    """`peer` answers with a sample of `offset` (a server whose clock is off: the lab has none)."""
    peer.leap, peer.stratum, peer.refid, peer.precision = 0, 1, "GPS", -20
    peer.rootdisp = 0.001
    peer.reach = (peer.reach | 1) & 0xFF
    client._clock_filter(peer, offset, delay, 2**-22 + 2**-20 + 15e-6 * delay)


def servers(srx, count: int, prefer: int | None = None) -> tuple[NtpClient, list[Peer]]:  # type: ignore[no-untyped-def]
    lines = "".join(f"set system ntp server 192.0.2.{i + 1}{' prefer' if i == prefer else ''}\n" for i in range(count))
    device = srx(lines)
    return device.ntp, [peer_of(device, f"192.0.2.{i + 1}") for i in range(count)]


def test_a_server_off_by_far_more_than_its_distance_is_a_falseticker(srx, clock):
    client, (a, b, c) = servers(srx, 3)
    for peer, offset, delay in ((c, 0.400, 0.010), (b, 0.0002, 0.030), (a, 0.0, 0.010)):
        clock.advance(0.25)
        feed(client, peer, offset, delay)
    assert [p.status for p in (a, b, c)] == [SYSPEER, CANDIDATE, FALSETICK]
    assert "".join(p.tally for p in (a, b, c)) == "*+x"


def test_a_preferred_survivor_is_the_system_peer(srx, clock):
    client, (a, b) = servers(srx, 2, prefer=1)
    clock.advance(0.25)
    feed(client, a, 0.0)
    assert "".join(p.tally for p in (a, b)) == "* "
    clock.advance(0.25)
    feed(client, b, 0.0002, delay=0.030)  # a farther server, but preferred
    assert "".join(p.tally for p in (a, b)) == "+*"


def test_clustering_leaves_three_survivors_and_marks_the_others_outliers(srx, clock):
    client, peers = servers(srx, 5)
    for peer, offset in zip(peers[::-1], (0.004, -0.003, 0.0, 0.0, 0.0), strict=True):
        clock.advance(0.1)
        feed(client, peer, offset)
    assert client.sys_peer is not None
    clock.advance(64)
    feed(client, client.sys_peer, 0.0)  # the marks change with the system peer's next sample
    statuses = [p.status for p in peers]
    assert statuses.count(OUTLIER) == 2 and statuses.count(SYSPEER) == 1 and statuses.count(CANDIDATE) == 2
    assert {p.spec.address for p in peers if p.status == OUTLIER} == {"192.0.2.4", "192.0.2.5"}


def test_marks_change_only_when_the_system_peer_has_a_new_sample(srx, clock):
    """As in ntpd: a new server's answer runs selection, but the old system peer is chosen again with
    nothing new, so the marks stay until its own next sample."""
    client, (a, b) = servers(srx, 2)
    clock.advance(0.5)
    feed(client, a, 0.0)
    assert (a.tally, b.tally) == ("*", " ")
    clock.advance(1)
    feed(client, b, 0.0)
    assert (a.tally, b.tally) == ("*", " ")
    clock.advance(64)
    feed(client, a, 0.0)
    assert (a.tally, b.tally) == ("*", "+")


# -- what show prints -----------------------------------------------------------------------------------


def test_ntpq_intervals():
    assert [interval(s) for s in (0, -3, 1, 59, 2048, 2049, 17999, 18060, 345600, 349200)] == [
        "-",
        "-",
        "1",
        "59",
        "2048",
        "34m",
        "300m",
        "5h",
        "96h",
        "4d",
    ]


def test_ntp_timestamps():
    assert ntp_time(1_767_225_664.25) == "ed0037c0.40000000  Thu, Jan  1 2026  0:01:04.250"
    assert ntp_time(0) == "00000000.00000000  Thu, Feb  7 2036  6:28:16.000"


def test_status_wraps_as_ntpq_does(net, clock):
    device, _ = net
    clock.advance(100)
    lines = render_status(status_xml(device.ntp))
    assert lines[0] == "associd=0 status=0615 leap_none, sync_ntp, 1 event, clock_sync,"
    # ntpq starts a new line when `, name=value` would pass column 72; the comma stays behind.
    assert all(len(line.rstrip(",")) <= 72 for line in lines[1:]) and all(line.endswith(",") for line in lines[:-1])
    assert lines[-1].endswith("clk_wander=0.000")
    text = " ".join(lines)
    assert "leap=00, stratum=2," in text and f"refid={SERVER}," in text and "tc=6, mintc=3," in text


def test_netconf_answers_both_rpcs_by_name(net, clock):
    device, _ = net
    clock.advance(100)
    sent: list[str] = []
    session = NetconfSession(device, "lab", send=sent.append)

    def rpc(body: str) -> ET.Element:
        reply = ET.fromstring(trio.run(session.answer, f'<rpc message-id="1" xmlns="{BASE_NS}">{body}</rpc>'))
        return next(child for child in reply if local(child.tag) != "rpc-error")

    peers = rpc("<get-ntp-associations-information><no-resolve/></get-ntp-associations-information>")
    assert local(peers.tag) == "ntp-associations-information"
    row = {local(c.tag): c.text for c in next(iter(peers))}
    assert (row["tally-code"], row["peer-address"], row["peer-reach"], row["peer-poll"]) == ("*", SERVER, "3", "64")
    status = rpc("<get-ntp-status/>")
    fields = {local(c.tag): c.text for c in status}
    assert fields["status"] == "0615 leap_none, sync_ntp, 1 event, clock_sync"
    assert (fields["stratum"], fields["refid"], fields["peer"]) == ("2", SERVER, str(peer_of(device).associd))
