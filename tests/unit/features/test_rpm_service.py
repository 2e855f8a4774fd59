"""The RPM daemon in a lab on a manual clock: when probes go and tests end, thresholds and their events,
and which way probes leave (routing-instance, next-hop, destination-interface, source-address, TCP/UDP).

The lab (latencies one way; a round trip is twice):

    H1 10.0.1.10 (tcp:80, udp:7) --5 ms-- ge-0/0/0 10.0.1.1                 lo0.0 10.255.0.1
                                                 R1  ge-0/0/1 198.51.100.1 --2 ms-- eth0 198.51.100.2
                                                     ge-0/0/2 203.0.113.1  --20 ms- eth1 203.0.113.2   Net (serves 8.8.8.8)
                                        [VR]         ge-0/0/3 192.0.2.1    --7 ms-- eth2 192.0.2.2

inet.0 has 0.0.0.0/0 via 198.51.100.2 (ge-0/0/1); routing-instance VR has ge-0/0/3.0 and 0.0.0.0/0 via 192.0.2.2.
"""

from __future__ import annotations

import functools

import pytest
from featurelab import UPLINKS_R1, ManualLab, rpm_test, uplinks_lab

from nos.lab.packet import ipv4_text

R1 = UPLINKS_R1 + "set interfaces lo0 unit 0 family inet address 10.255.0.1/32\n"
LAB = uplinks_lab("rpm", (5, 2, 20, 7), ["8.8.8.8"], listen=["tcp:80", "udp:7"])


class RpmLab(ManualLab):
    """The lab above with `rpm` (set lines under `services rpm`) committed on R1 at time 0."""

    def __init__(self, folder, rpm: str):  # type: ignore[no-untyped-def]
        super().__init__(folder, R1 + rpm, LAB)
        self.rpm = self.device.rpm
        self.completions: list[tuple[float, tuple[str, str], bool | None]] = []
        self.rpm.listeners.append(lambda run: self.completions.append((self.clock.now(), run.key, run.passed)))

    def run(self, owner: str = "P", test: str = "T"):  # type: ignore[no-untyped-def]
        return self.rpm.runs[owner, test]

    def sent(self, owner: str = "P", test: str = "T") -> list[float]:
        return [probe[0] for probe in self.run(owner, test).history]

    def rtts(self, owner: str = "P", test: str = "T") -> list[float | None]:
        return [probe[2] for probe in self.run(owner, test).history]

    def events(self) -> list[tuple[float, str]]:
        """R1's RPM events on the lab's timeline, with their lab times."""
        return [(e.time, e.text.replace(":", "", 1)) for e in self.lab.events if e.kind == "probe"]


@pytest.fixture
def rpm_lab(new_lab):  # type: ignore[no-untyped-def]
    return functools.partial(new_lab, RpmLab)


def approx(values):  # type: ignore[no-untyped-def]
    return pytest.approx(values, abs=1e-9)


# -- timing -----------------------------------------------------------------------------------------------

FIVE = ("probe-count 5", "probe-interval 1", "test-interval 3")


def test_probes_go_probe_interval_apart_and_the_next_test_starts_test_interval_after_completion(rpm_lab):
    """5 probes 1 s apart with a 10 ms round trip: a test ends with its last answer, 4.01 s after it
    started; the next starts 3 s after that."""
    lab = rpm_lab(rpm_test("P", "T", "target address 10.0.1.10", *FIVE))
    lab.until(15)
    assert lab.sent() == approx([0, 1, 2, 3, 4, 7.01, 8.01, 9.01, 10.01, 11.01, 14.02])
    assert [p[1] for p in lab.run().history] == approx([t + 0.01 for t in lab.sent()])
    assert lab.rtts() == approx([10.0] * 11)
    assert [c[0] for c in lab.completions] == approx([4.01, 11.02])
    assert lab.run().completed_at == pytest.approx(11.02)
    assert lab.run().test_started == pytest.approx(14.02)
    assert lab.run().tests_completed == 2
    assert [c[1:] for c in lab.completions] == [(("P", "T"), True)] * 2


def test_a_dead_target_times_every_probe_out_and_the_test_ends_at_start_plus_5_s(rpm_lab):
    lab = rpm_lab(rpm_test("P", "T", "target address 10.0.1.99", *FIVE))
    lab.until(8.5)
    assert list(lab.run().history) == [
        (0, 1, None),
        (1, 2, None),
        (2, 3, None),
        (3, 4, None),
        (4, 5, None),
        (8, 9, None),
    ]
    assert lab.completions == [(5.0, ("P", "T"), False)]


def test_a_probe_times_out_after_3_s_when_its_interval_is_longer(rpm_lab):
    lab = rpm_lab(
        rpm_test("P", "T", "target address 10.0.1.99", "probe-count 3", "probe-interval 5", "test-interval 2")
    )
    lab.until(16)
    assert list(lab.run().history) == [(0, 3, None), (5, 8, None), (10, 13, None), (15, 18, None)]
    assert [c[0] for c in lab.completions] == [13.0]


def test_test_interval_0_starts_the_next_test_at_the_completion(rpm_lab):
    lab = rpm_lab(
        rpm_test("P", "T", "target address 10.0.1.10", "probe-count 3", "probe-interval 1", "test-interval 0")
    )
    lab.until(6.5)
    assert lab.sent() == approx([0, 1, 2, 2.01, 3.01, 4.01, 4.02, 5.02, 6.02, 6.03])
    assert [c[0] for c in lab.completions] == approx([2.01, 4.02, 6.03])


def test_the_defaults_send_one_probe_and_start_again_a_second_after_each_answer(rpm_lab):
    lab = rpm_lab(rpm_test("P", "T", "target address 10.0.1.10"))
    lab.until(3.5)
    assert lab.sent() == approx([0, 1.01, 2.02, 3.03])
    assert [c[0] for c in lab.completions] == approx([0.01, 1.02, 2.03, 3.04])


def test_a_test_starts_when_it_is_committed_and_an_unchanged_one_keeps_running(rpm_lab):
    lab = rpm_lab(rpm_test("P", "T", "target address 10.0.1.10", *FIVE))
    lab.until(2.5)
    lab.commit(rpm_test("Q", "U", "target address 10.0.1.10", *FIVE))
    lab.until(8)
    assert lab.sent("P", "T") == approx([0, 1, 2, 3, 4, 7.01])
    assert lab.sent("Q", "U") == approx([2.5, 3.5, 4.5, 5.5, 6.5])


def test_a_changed_test_starts_again_at_the_commit(rpm_lab):
    lab = rpm_lab(rpm_test("P", "T", "target address 10.0.1.10", *FIVE))
    lab.until(2.5)
    old = lab.run()
    lab.commit("set services rpm probe P test T probe-count 2\n")
    new = lab.run()
    assert new is not old and new.icmp_id != old.icmp_id
    lab.until(10)
    assert [p[0] for p in old.history] == approx([0, 1, 2])  # stopped at the commit
    assert lab.sent() == approx([2.5, 3.5, 6.51, 7.51])
    assert [c[0] for c in lab.completions] == approx([3.51, 7.52])


def test_a_deleted_test_stops(rpm_lab):
    lab = rpm_lab(rpm_test("P", "T", "target address 10.0.1.10", *FIVE))
    lab.until(2.5)
    old = lab.run()
    lab.commit("delete services rpm\n")
    lab.until(20)
    assert lab.rpm.runs == {}
    assert [p[0] for p in old.history] == approx([0, 1, 2])
    assert lab.completions == []


# -- thresholds -------------------------------------------------------------------------------------------

LOSSY = ("target address 10.0.1.10", "probe-count 5", "probe-interval 1", "test-interval 10")


def test_total_loss_is_judged_when_the_test_ends(rpm_lab):
    """Probes at 2 and 3 are lost (2 lost: total-loss 2 is met); the test fails at its end, 4.01 s,
    not when the second loss is known (4.0 s)."""
    lab = rpm_lab(
        rpm_test("P", "T", *LOSSY, "thresholds total-loss 2") + rpm_test("P", "U", *LOSSY, "thresholds total-loss 3")
    )
    lab.until(1.5)
    lab.loss("R1:ge-0/0/0", 100)
    lab.until(3.5)
    lab.loss("R1:ge-0/0/0", 0)
    lab.until(4.005)
    assert lab.run("P", "T").passed is None and lab.completions == []
    lab.until(5)
    assert lab.rtts("P", "T") == approx([10.0, 10.0, None, None, 10.0])
    assert lab.completions == [(pytest.approx(4.01), ("P", "T"), False), (pytest.approx(4.01), ("P", "U"), True)]
    # (successive-loss is 1: each lost probe is a probe failure when it times out, at 3 and 4 s)
    assert lab.events() == [
        (3.0, "PING_PROBE_FAILED pingCtlOwnerIndex = P, pingCtlTestName = T"),
        (3.0, "PING_PROBE_FAILED pingCtlOwnerIndex = P, pingCtlTestName = U"),
        (4.0, "PING_PROBE_FAILED pingCtlOwnerIndex = P, pingCtlTestName = T"),
        (4.0, "PING_PROBE_FAILED pingCtlOwnerIndex = P, pingCtlTestName = U"),
        (pytest.approx(4.01), "PING_TEST_FAILED pingCtlOwnerIndex = P, pingCtlTestName = T"),
    ]


def test_successive_loss_logs_a_probe_failure_when_the_nth_lost_probe_times_out_and_does_not_fail_the_test(rpm_lab):
    lab = rpm_lab(
        rpm_test("P", "T", *LOSSY, "thresholds successive-loss 2", "thresholds total-loss 3")
        + rpm_test("P", "U", *LOSSY, "thresholds successive-loss 3", "thresholds total-loss 3")
    )
    lab.until(0.5)
    lab.loss("R1:ge-0/0/0", 100)
    lab.until(2.5)
    lab.loss("R1:ge-0/0/0", 0)
    lab.until(5)
    assert lab.rtts("P", "T") == approx([10.0, None, None, 10.0, 10.0])
    # The second probe in a row (sent at 2) is known lost at 3: only T (successive-loss 2) says so.
    assert lab.events() == [(3.0, "PING_PROBE_FAILED pingCtlOwnerIndex = P, pingCtlTestName = T")]
    assert [c[1:] for c in lab.completions] == [(("P", "T"), True), (("P", "U"), True)]


def test_losses_that_are_not_in_a_row_are_no_probe_failure(rpm_lab):
    lab = rpm_lab(rpm_test("P", "T", *LOSSY, "thresholds successive-loss 2", "thresholds total-loss 0"))
    for start, end in ((0.5, 1.5), (2.5, 3.5)):
        lab.until(start)
        lab.loss("R1:ge-0/0/0", 100)
        lab.until(end)
        lab.loss("R1:ge-0/0/0", 0)
    lab.until(5)
    assert lab.rtts() == approx([10.0, None, 10.0, None, 10.0])
    assert lab.events() == []
    assert lab.run().passed is True


def test_the_default_thresholds_fail_a_test_on_its_first_lost_probe(rpm_lab):
    """successive-loss 1 and total-loss 1: one lost probe is a probe failure (at its timeout) and fails
    the test (at its end)."""
    lab = rpm_lab(rpm_test("P", "T", *LOSSY))
    lab.until(2.5)
    lab.loss("R1:ge-0/0/0", 100)
    lab.until(3.5)
    lab.loss("R1:ge-0/0/0", 0)
    lab.until(5)
    assert lab.events() == [
        (4.0, "PING_PROBE_FAILED pingCtlOwnerIndex = P, pingCtlTestName = T"),
        (pytest.approx(4.01), "PING_TEST_FAILED pingCtlOwnerIndex = P, pingCtlTestName = T"),
    ]


def test_a_threshold_of_0_is_off(rpm_lab):
    lab = rpm_lab(
        rpm_test("P", "T", "target address 10.0.1.99", *FIVE, "thresholds successive-loss 0", "thresholds total-loss 0")
    )
    lab.until(20)
    assert lab.rtts()[:5] == [None] * 5
    assert lab.events() == []
    assert [c[2] for c in lab.completions] == [True, True]


def test_probes_lost_in_a_row_are_counted_within_a_test_and_again_after_each_probe_failure(rpm_lab):
    """DISMAN-PING-MIB (pingCtlTrapProbeFailureFilter): N probes in a row of one test fail; after the
    probe failure the count starts again. A dead target, successive-loss 2, 5 probes a test: probe
    failures at the 2nd and 4th timeouts of each test (the 5th lost probe alone is none)."""
    lab = rpm_lab(
        rpm_test("P", "T", "target address 10.0.1.99", *FIVE, "thresholds successive-loss 2", "thresholds total-loss 5")
    )
    lab.until(14)
    failed = "PING_PROBE_FAILED pingCtlOwnerIndex = P, pingCtlTestName = T"
    assert lab.events() == [
        (2.0, failed),
        (4.0, failed),
        (5.0, "PING_TEST_FAILED pingCtlOwnerIndex = P, pingCtlTestName = T"),
        (10.0, failed),  # the test of 8 s: its probes of 8 and 9 s
        (12.0, failed),
        (13.0, "PING_TEST_FAILED pingCtlOwnerIndex = P, pingCtlTestName = T"),
    ]


def test_lost_probes_at_the_end_of_a_test_do_not_count_in_the_next(rpm_lab):
    lab = rpm_lab(
        rpm_test("P", "T", *LOSSY, "thresholds successive-loss 2", "thresholds total-loss 0", "test-interval 1")
    )
    lab.until(3.5)  # lost: the probe of 4 s (the last of the first test, which ends at 5 s), and that of 6 s
    lab.loss("R1:ge-0/0/0", 100)
    lab.until(6.5)
    lab.loss("R1:ge-0/0/0", 0)
    lab.until(12)
    assert lab.sent() == approx([0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11.01])
    assert lab.rtts() == approx([10.0, 10.0, 10.0, 10.0, None, None, 10.0, 10.0, 10.0, 10.0, 10.0])
    assert lab.events() == []


ROUND_TRIPS = ("target address 10.0.1.10", "probe-interval 1", "test-interval 60")


def vary_latency(lab: RpmLab) -> None:
    """Round trips of the probes sent at 0, 1 and 2 s: 10, 16 and 12 ms."""
    lab.until(0.5)
    lab.latency("R1:ge-0/0/0", 8)
    lab.until(1.5)
    lab.latency("R1:ge-0/0/0", 6)


def test_rtt_jitter_and_std_dev_thresholds_fail_a_test_when_they_are_met(rpm_lab):
    """rtts 10, 16, 12 ms: peak-to-peak 6000 µs; the first two alone: std-dev 3000 µs; max rtt 16000 µs."""
    tests = {
        "rtt-met": ("probe-count 3", "thresholds rtt 16000"),
        "rtt-under": ("probe-count 3", "thresholds rtt 16001"),
        "jitter-met": ("probe-count 3", "thresholds jitter-rtt 6000"),
        "jitter-under": ("probe-count 3", "thresholds jitter-rtt 6001"),
        "stddev-met": ("probe-count 2", "thresholds std-dev-rtt 3000"),
        "stddev-under": ("probe-count 2", "thresholds std-dev-rtt 3001"),
    }
    lab = rpm_lab("".join(rpm_test("P", name, *ROUND_TRIPS, *extra) for name, extra in tests.items()))
    vary_latency(lab)
    lab.until(5)
    assert lab.rtts("P", "rtt-met") == approx([10.0, 16.0, 12.0])
    assert lab.rtts("P", "stddev-met") == approx([10.0, 16.0])
    assert {key[1]: passed for _, key, passed in lab.completions} == {
        "rtt-met": False,
        "rtt-under": True,
        "jitter-met": False,
        "jitter-under": True,
        "stddev-met": False,
        "stddev-under": True,
    }
    assert sorted(text for _, text in lab.events()) == [
        f"PING_TEST_FAILED pingCtlOwnerIndex = P, pingCtlTestName = {name}"
        for name in ("jitter-met", "rtt-met", "stddev-met")
    ]


def test_the_test_completion_trap_logs_every_test_that_ends(rpm_lab):
    lab = rpm_lab(
        rpm_test("P", "T", "target address 10.0.1.10", *FIVE, "traps test-completion")
        + rpm_test("P", "quiet", "target address 10.0.1.10", *FIVE)
    )
    lab.until(10.5)  # the second test's last probe (sent at 11.01) is lost
    lab.loss("R1:ge-0/0/0", 100)
    lab.until(13)
    at = pytest.approx
    assert lab.events() == [
        (at(4.01), "PING_TEST_COMPLETED pingCtlOwnerIndex = P, pingCtlTestName = T"),
        (at(12.01), "PING_PROBE_FAILED pingCtlOwnerIndex = P, pingCtlTestName = T"),
        (at(12.01), "PING_PROBE_FAILED pingCtlOwnerIndex = P, pingCtlTestName = quiet"),
        (at(12.01), "PING_TEST_FAILED pingCtlOwnerIndex = P, pingCtlTestName = T"),
        (at(12.01), "PING_TEST_COMPLETED pingCtlOwnerIndex = P, pingCtlTestName = T"),
        (at(12.01), "PING_TEST_FAILED pingCtlOwnerIndex = P, pingCtlTestName = quiet"),
    ]
    syslog = [e.syslog("R1") for e in lab.device.log.events if e.tag == "PING_TEST_COMPLETED"]
    assert syslog == [
        "Jan  1 00:00:04  R1 rmopd: PING_TEST_COMPLETED: pingCtlOwnerIndex = P, pingCtlTestName = T",
        "Jan  1 00:00:12  R1 rmopd: PING_TEST_COMPLETED: pingCtlOwnerIndex = P, pingCtlTestName = T",
    ]


def test_probe_events_join_the_lab_timeline(rpm_lab):
    lab = rpm_lab(
        rpm_test("P", "T", "target address 10.0.1.99", "probe-count 2", "probe-interval 1", "test-interval 9")
    )
    lab.until(3)
    probe_events = [(e.time, e.node, e.text) for e in lab.lab.events if e.kind == "probe"]
    assert probe_events == [
        (1.0, "R1", "PING_PROBE_FAILED: pingCtlOwnerIndex = P, pingCtlTestName = T"),
        (2.0, "R1", "PING_PROBE_FAILED: pingCtlOwnerIndex = P, pingCtlTestName = T"),
        (2.0, "R1", "PING_TEST_FAILED: pingCtlOwnerIndex = P, pingCtlTestName = T"),
    ]


# -- which way probes leave ------------------------------------------------------------------------------


class Tap:
    """The lab as R1's network, noting each probe's answer (its destination is the probe's source)."""

    def __init__(self, lab):  # type: ignore[no-untyped-def]
        self.lab = lab
        self.replies: list = []

    def exchange(self, origin, packet):  # type: ignore[no-untyped-def]
        return self.lab.exchange(origin, packet)

    def probe(self, origin, packet, memo):  # type: ignore[no-untyped-def]
        ex = self.lab.exchange(origin, packet)
        self.replies.append(ex.reply)
        return ex.reply, ex.rtt_ms, object()


def test_probes_follow_the_route_lookup_unless_pinned(rpm_lab):
    """8.8.8.8 is 4 ms away through ge-0/0/1 (the inet.0 route), 40 ms through ge-0/0/2 and 14 ms in VR."""
    lab = rpm_lab(
        rpm_test("P", "route", "target address 8.8.8.8")
        + rpm_test("P", "next-hop", "target address 8.8.8.8", "next-hop 203.0.113.2")
        + rpm_test("P", "interface", "target address 8.8.8.8", "destination-interface ge-0/0/2.0")
        + rpm_test("P", "instance", "target address 8.8.8.8", "routing-instance VR")
    )
    lab.until(0.5)
    assert {name: lab.rtts("P", name) for name in ("route", "next-hop", "interface", "instance")} == {
        "route": approx([4.0]),
        "next-hop": approx([40.0]),
        "interface": approx([40.0]),
        "instance": approx([14.0]),
    }
    lab.lab.settle()
    # route out and back on ge-0/0/1; next-hop and interface out and back on ge-0/0/2; instance on ge-0/0/3
    assert [lab.link(end).packets for end in ("R1:ge-0/0/1", "R1:ge-0/0/2", "R1:ge-0/0/3")] == [2, 4, 2]


def test_pinned_probes_keep_testing_their_way_when_the_route_moves(rpm_lab):
    lab = rpm_lab(
        rpm_test("P", "next-hop", "target address 8.8.8.8", "next-hop 198.51.100.2")
        + rpm_test("P", "interface", "target address 8.8.8.8", "destination-interface ge-0/0/1.0")
        + rpm_test("P", "route", "target address 8.8.8.8")
    )
    lab.until(0.5)
    lab.commit(
        "delete routing-options static route 0.0.0.0/0\nset routing-options static route 0.0.0.0/0 next-hop 203.0.113.2\n"
    )
    lab.until(2)
    assert lab.rtts("P", "route") == approx([4.0, 40.0])
    assert lab.rtts("P", "next-hop") == approx([4.0, 4.0])
    assert lab.rtts("P", "interface") == approx([4.0, 4.0])


def test_a_next_hop_that_is_not_on_a_connected_network_loses_every_probe(rpm_lab):
    lab = rpm_lab(rpm_test("P", "T", "target address 8.8.8.8", "next-hop 8.8.4.4", "thresholds total-loss 1"))
    lab.until(3.5)
    assert lab.rtts() == [None]
    assert lab.run().passed is False


def test_source_address(rpm_lab):
    """An address of the router's own is the probes' source; another one is not used: the probe leaves
    with its interface's address (semantics.md 1.1), and is answered."""
    lab = rpm_lab(
        rpm_test("P", "own", "target address 8.8.8.8", "source-address 10.255.0.1")
        + rpm_test("P", "foreign", "target address 8.8.8.8", "source-address 172.16.9.9")
        + rpm_test("P", "unset", "target address 10.0.1.10")
    )
    tap = Tap(lab.lab)
    lab.device.network = tap
    lab.until(0.5)
    assert [(ipv4_text(r.src), ipv4_text(r.dst)) if r else None for r in tap.replies] == [
        ("8.8.8.8", "10.255.0.1"),
        ("8.8.8.8", "198.51.100.1"),
        ("10.0.1.10", "10.0.1.1"),
    ]
    assert [lab.run("P", name).passed for name in ("own", "foreign", "unset")] == [True, True, True]


def test_tcp_and_udp_probes_are_answered_by_a_port_that_listens(rpm_lab):
    lab = rpm_lab(
        rpm_test("P", "tcp-80", "target address 10.0.1.10", "probe-type tcp-ping", "destination-port 80")
        + rpm_test("P", "tcp-81", "target address 10.0.1.10", "probe-type tcp-ping", "destination-port 81")
        + rpm_test("P", "udp-7", "target address 10.0.1.10", "probe-type udp-ping", "destination-port 7")
        + rpm_test("P", "udp-8", "target address 10.0.1.10", "probe-type udp-ping", "destination-port 8")
        + rpm_test("P", "tcp-net", "target address 8.8.8.8", "probe-type tcp-ping", "destination-port 443")
    )
    lab.until(3.5)
    assert {name: lab.rtts("P", name)[0] for name in ("tcp-80", "tcp-81", "udp-7", "udp-8", "tcp-net")} == {
        "tcp-80": pytest.approx(10.0),
        "tcp-81": None,  # a reset
        "udp-7": pytest.approx(10.0),
        "udp-8": None,  # port unreachable
        "tcp-net": pytest.approx(4.0),  # the Internet's servers listen
    }
    assert [lab.run("P", name).passed for name in ("tcp-80", "tcp-81", "udp-7", "udp-8")] == [True, False, True, False]


def test_probe_limit_holds_probes_back_until_a_probe_in_flight_ends(rpm_lab):
    tests = "".join(rpm_test(owner, "t", "target address 10.0.1.10", "test-interval 10") for owner in "ABC")
    lab = rpm_lab("set services rpm probe-limit 1\n" + tests)
    lab.until(1)
    assert [lab.sent(owner, "t") for owner in "ABC"] == [[0.0], approx([0.01]), approx([0.02])]


def test_without_a_probe_limit_100_probes_go_at_once(rpm_lab):
    tests = "".join(rpm_test(owner, "t", "target address 10.0.1.10", "test-interval 10") for owner in "ABC")
    lab = rpm_lab(tests)
    lab.until(1)
    assert [lab.sent(owner, "t") for owner in "ABC"] == [[0.0], [0.0], [0.0]]


def test_a_probe_held_back_by_a_dead_one_goes_when_it_times_out(rpm_lab):
    lab = rpm_lab(
        "set services rpm probe-limit 1\n"
        + rpm_test("A", "dead", "target address 10.0.1.99", "probe-interval 2", "test-interval 10")
        + rpm_test("B", "live", "target address 10.0.1.10", "test-interval 10")
    )
    lab.until(3)
    assert lab.sent("A", "dead") == [0.0]
    assert lab.sent("B", "live") == [2.0]
