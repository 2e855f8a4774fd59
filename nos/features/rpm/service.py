"""The RPM daemon: runs every configured test for ever, one probe at a time, on the lab clock.

Timing (semantics.md 1.2; the exact moments are this simulator's rule):
- test k starts at S; probe i is sent at S + i * probe-interval;
- a probe is answered after its round trip (from link latencies), or times out
  `timeout` after it was sent (its probe interval, at most 3 s);
- the test completes when its last probe is answered or times out, and is
  judged then: it fails when total-loss (or an rtt, jitter or std-dev
  threshold) is reached; successive-loss raises a probe failure as soon as the
  Nth probe in a row is lost, which is logged but does not fail the test;
- logged: PING_PROBE_FAILED and PING_TEST_FAILED when a threshold is reached,
  PING_TEST_COMPLETED when the `test-completion` trap is asked for;
- the next test starts test-interval after the completion.
A first test starts when the test is committed. A test whose configuration
changes starts again; one that does not keeps running through commits.

Cost: probes are timers of one bucket per instant (tests that probe at the same
moment share one scheduler timer), and a probe's walk through the lab is
recorded once and replayed while the lab is unchanged (Network.probe).
`probe-limit` caps the probes in flight; a probe over the limit waits for the
earliest one in flight to end.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Callable
from functools import partial
from typing import Any

from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.features.dataplane.forwarding import LoneNetwork
from nos.features.rpm.config import ICMP_TYPES, TestSpec, check_tests, compile_tests
from nos.features.rpm.stats import Results
from nos.lab.packet import ECHO_REPLY, ECHO_REQUEST, Packet

SEND, COMPLETE = 0, 1  # what a test does next when its time comes


class TestRun:
    """The running state of one test: where it is in its cycle, its results, its history."""

    __slots__ = (
        "alive",
        "current",
        "done",
        "history",
        "icmp_id",
        "interarrival",
        "last",
        "last_probe",
        "lost_in_a_row",
        "memo",
        "next_step",
        "packet",
        "passed",
        "previous_rtt",
        "probe_failed",
        "sent_in_test",
        "spec",
        "started",
        "test_started",
        "tests_completed",
    )

    def __init__(self, spec: TestSpec, icmp_id: int, packet: Packet, now: float):
        self.spec = spec
        self.icmp_id = icmp_id
        self.packet = packet
        self.memo: object = None  # the recorded walk of this test's probe (Network.probe)
        self.alive = True
        self.started = now
        self.test_started = now
        self.next_step = SEND
        self.sent_in_test = 0
        self.lost_in_a_row = 0
        self.probe_failed = False  # successive-loss reached in the current test
        self.current = Results()  # the test in progress
        self.last: Results | None = None  # the last completed test
        self.done = Results()  # every completed test
        self.tests_completed = 0
        self.passed: bool | None = None  # the last completed test's verdict; None before the first
        self.previous_rtt: int | None = None
        self.interarrival = 0.0  # RFC 3550 smoothed jitter, microseconds
        # (sent, answered or timed out, rtt µs or None, jitter µs or None), newest last
        self.history: deque[tuple[float, float, int | None, int | None]] = deque(maxlen=spec.history_size)
        self.last_probe: tuple[float, float, int | None, int | None] | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.spec.owner, self.spec.name

    def all_tests(self) -> Results:
        """Results over all tests: the completed ones and the one in progress."""
        total = Results()
        total.merge(self.done)
        total.merge(self.current)
        return total


Listener = Callable[[TestRun], None]


class RpmService:
    """The device's RPM tests (`device.rpm`); ip-monitoring listens for test completions."""

    name = "rpm"

    def __init__(self, device: Any):
        self.device = device
        self.scheduler = device.scheduler
        self.runs: dict[tuple[str, str], TestRun] = {}
        self.listeners: list[Listener] = []
        self.probe_limit = 100
        self._due: dict[float, list[TestRun]] = {}  # instant -> the tests that act then
        self._in_flight: list[float] = []  # heap of the times the probes in flight end
        self._icmp_ids = itertools.count(1)

    # -- configuration -------------------------------------------------------------------------------

    def verify(self, new: Node) -> list[CheckError]:
        return check_tests(new)

    def apply(self, old: Node, new: Node) -> None:
        specs, self.probe_limit = compile_tests(new)
        now = self.scheduler.now()
        for key, run in list(self.runs.items()):
            if specs.get(key) != run.spec:
                run.alive = False
                del self.runs[key]
        for key, spec in specs.items():
            if key not in self.runs:
                run = TestRun(spec, next(self._icmp_ids), self._packet(spec), now)
                self.runs[key] = run
                self._at(now, run)

    def _packet(self, spec: TestSpec) -> Packet:
        """The probe every probe of the test is a copy of (its walk does not depend on the sequence)."""
        if spec.probe_type in ICMP_TYPES:
            proto, dport = "icmp", 0
        else:
            proto, dport = ("tcp" if spec.probe_type == "tcp-ping" else "udp"), spec.destination_port
        return Packet(
            src=spec.source or 0,
            dst=spec.target,
            proto=proto,
            icmp=ECHO_REQUEST if proto == "icmp" else None,
            sport=50000 if proto != "icmp" else 0,
            dport=dport,
            size=spec.data_size + 28,
            instance=spec.routing_instance,
            via=spec.next_hop or 0,
            out_interface=spec.destination_interface,
        )

    # -- the clock ------------------------------------------------------------------------------------

    def _at(self, when: float, run: TestRun) -> None:
        bucket = self._due.get(when)
        if bucket is None:
            self._due[when] = [run]
            self.scheduler.call_at(when, partial(self._fire, when))
        else:
            bucket.append(run)

    def _fire(self, when: float) -> None:
        for run in self._due.pop(when, ()):
            if run.alive:
                if run.next_step == SEND:
                    self._send(run, when)
                else:
                    self._complete(run, when)

    # -- probing --------------------------------------------------------------------------------------

    def _send(self, run: TestRun, now: float) -> None:
        spec = run.spec
        flight = self._in_flight
        while flight and flight[0] <= now:
            heapq.heappop(flight)
        if len(flight) >= self.probe_limit:  # over probe-limit: wait for the earliest probe to end
            self._at(flight[0], run)
            return
        network = self.device.network or LoneNetwork(self.device.dataplane)
        reply, rtt_ms, run.memo = network.probe(self.device.node_name, run.packet, run.memo)
        answered = reply is not None and (
            reply.icmp == ECHO_REPLY if reply.proto == "icmp" else reply.code in ("syn-ack", "reply")
        )
        current = run.current
        current.sent += 1
        run.sent_in_test += 1
        if answered:
            rtt = round(rtt_ms * 1000)
            ended = now + rtt_ms / 1000
            current.received += 1
            current.rtt.add(rtt)
            jitter = None
            if run.previous_rtt is not None:
                jitter = rtt - run.previous_rtt
                if jitter >= 0:
                    current.positive.add(jitter)
                else:
                    current.negative.add(-jitter)
                run.interarrival += (abs(jitter) - run.interarrival) / 16
            run.previous_rtt = rtt
            run.lost_in_a_row = 0
            probe = (now, ended, rtt, jitter)
        else:
            ended = now + spec.timeout
            run.lost_in_a_row += 1
            probe = (now, ended, None, None)
            limit = spec.thresholds.successive_loss
            if limit and run.lost_in_a_row == limit:
                run.probe_failed = True
                self._log("PING_PROBE_FAILED", spec)
        run.last_probe = probe
        run.history.append(probe)
        heapq.heappush(flight, ended)
        if run.sent_in_test < spec.probe_count:
            self._at(now + spec.probe_interval, run)
        else:
            run.next_step = COMPLETE
            self._at(ended, run)

    def _complete(self, run: TestRun, now: float) -> None:
        spec, results = run.spec, run.current
        results.completed = now
        run.passed = not _test_failed(spec, results)
        run.tests_completed += 1
        run.last = results
        run.done.merge(results)
        run.current = Results()
        run.sent_in_test = 0
        run.probe_failed = False
        run.next_step = SEND
        run.test_started = now + spec.test_interval
        if not run.passed:
            self._log("PING_TEST_FAILED", spec)
        elif "test-completion" in spec.traps:
            self._log("PING_TEST_COMPLETED", spec)
        for listener in list(self.listeners):
            listener(run)
        if run.alive:
            self._at(run.test_started, run)

    def _log(self, tag: str, spec: TestSpec) -> None:
        self.device.event("rmopd", tag, f"pingCtlOwnerIndex = {spec.owner}, pingCtlTestName = {spec.name}")

    # -- for show and clear ---------------------------------------------------------------------------

    def selected(self, owner: str | None = None, test: str | None = None) -> list[TestRun]:
        return [r for (o, t), r in sorted(self.runs.items()) if owner in (None, o) and test in (None, t)]

    def clear(self, owner: str | None = None, test: str | None = None) -> None:
        """`clear services rpm probe-results`: results and history start again; tests keep running."""
        for run in self.selected(owner, test):
            run.current, run.last, run.done = Results(), None, Results()
            run.history.clear()
            run.last_probe = None
            run.previous_rtt = None
            run.interarrival = 0.0


def _test_failed(spec: TestSpec, results: Results) -> bool:
    """Test thresholds, ORed (semantics.md 1.2): total-loss, rtt, jitter-rtt, std-dev-rtt."""
    limits = spec.thresholds
    if limits.total_loss and results.sent - results.received >= limits.total_loss:
        return True
    rtt = results.rtt
    if not rtt.samples:
        return False
    if limits.rtt and rtt.high > limits.rtt:
        return True
    if limits.jitter_rtt and rtt.high - rtt.low > limits.jitter_rtt:
        return True
    return bool(limits.std_dev_rtt and rtt.stddev > limits.std_dev_rtt)


__all__ = ["RpmService", "TestRun"]
