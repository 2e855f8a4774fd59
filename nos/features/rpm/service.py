"""The RPM daemon: runs every configured test for ever, one probe at a time, on the lab clock.

Timing (semantics.md 1.2; the exact moments are this simulator's rule):
- test k starts at S; probe i is sent at S + i * probe-interval;
- a probe is answered after its round trip (from link latencies), or times out
  `timeout` after it was sent (its probe interval, at most 3 s);
- the test completes when its last probe is answered or times out, and is
  judged then: it fails when total-loss (or an rtt, jitter or std-dev
  threshold) is reached; successive-loss marks a probe failure as soon as the
  Nth probe in a row of the test is lost (the count then starts again, as in
  DISMAN-PING-MIB), which is logged but does not fail the test;
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

from nos.config.query import child, entries
from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.features.dataplane.forwarding import LoneNetwork
from nos.features.rpm.config import ICMP_TYPES, TestSpec, check_probe, compile_probe, probe_limit, rpm_config
from nos.features.rpm.stats import Results, Span, measure
from nos.lab.packet import ECHO_REPLY, ECHO_REQUEST, Packet

SEND, COMPLETE = 0, 1  # what a test does next when its time comes
Probe = tuple[float, float, float | None]  # (sent, answered or timed out, round trip ms or None: lost)
_TRANSPORT_ANSWERS = ("syn-ack", "reply")  # TCP and UDP probes: something answered on the port


FOLD_AFTER = 64  # completed tests kept as raw samples before they are folded into the totals


class TestRun:
    """The running state of one test: where it is in its cycle, its probes, its results.

    While it runs a test only notes each probe's round trip. Completed tests are kept as
    their samples and folded into the totals (`done`) in batches, or when shown: measuring
    every test as it completes would cost more than its probes do.
    """

    __slots__ = (
        "alive",
        "answered",
        "chain",
        "completed_at",
        "done",
        "history",
        "icmp_id",
        "last_probe",
        "lost_in_a_row",
        "memo",
        "next_step",
        "packet",
        "passed",
        "samples",
        "spec",
        "started",
        "test_started",
        "tests_completed",
        "unfolded",
    )

    def __init__(self, spec: TestSpec, icmp_id: int, packet: Packet, now: float):
        self.spec = spec
        self.icmp_id = icmp_id
        self.packet = packet
        self.memo: object = None  # the recorded walk of this test's probe (Network.probe)
        self.answered = False  # does that walk bring back the answer the probe waits for?
        self.alive = True
        self.started = now
        self.test_started = now
        self.next_step = SEND
        self.samples: list[float | None] = []  # the current test's round trips (ms; None: lost)
        self.lost_in_a_row = 0
        self.unfolded: list[list[float | None]] = []  # completed tests not yet in `done`, oldest first
        self.done = Results()  # the folded completed tests
        self.chain = Span(Results(), None, 0.0, None)  # jitter state after the folded tests
        self.completed_at: float | None = None  # when the last test completed
        self.tests_completed = 0
        self.passed: bool | None = None  # the last completed test's verdict; None before the first
        self.history: deque[Probe] = deque(maxlen=spec.history_size)
        self.last_probe: Probe | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.spec.owner, self.spec.name

    def fold(self, keep_last: bool = True) -> None:
        """Fold the completed tests (all but the last, which show lists on its own) into `done`."""
        tests = self.unfolded[:-1] if keep_last else self.unfolded
        if not tests:
            return
        span = measure([x for test in tests for x in test], self.chain.last_rtt, self.chain.interarrival)
        self.done.merge(span.results)
        self.chain = span if span.last_jitter is not None else span._replace(last_jitter=self.chain.last_jitter)
        self.unfolded = self.unfolded[-1:] if keep_last else []

    def views(self, now: float | None = None) -> tuple[Results | None, Span, Results]:
        """(the last test, the test in progress, all tests), measured now. With `now`, a probe still
        in flight (its answer or its timeout is yet to come) is not counted yet."""
        self.fold()
        state = self.chain
        last = None
        if self.unfolded:
            span = measure(self.unfolded[0], state.last_rtt, state.interarrival)
            last = span.results
            last.completed = self.completed_at
            state = span if span.last_jitter is not None else span._replace(last_jitter=state.last_jitter)
        samples = self.samples
        if now is not None and samples and self.last_probe is not None and self.last_probe[1] > now:
            samples = samples[:-1]  # the last probe sent is always the current test's last sample
        current = measure(samples, state.last_rtt, state.interarrival)
        if current.last_jitter is None:
            current = current._replace(last_jitter=state.last_jitter)
        total = Results()
        total.merge(self.done)
        if last is not None:
            total.merge(last)
        total.merge(current.results)
        return last, current, total


Listener = Callable[[TestRun], None]


def _count_end(ends: list[float], end_counts: dict[float, int], ended: float, count: int) -> None:
    """Note `count` more probes in flight until `ended`."""
    if ended in end_counts:
        end_counts[ended] += count
    else:
        end_counts[ended] = count
        heapq.heappush(ends, ended)


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
        # Probes in flight: how many, and when they end (a heap of distinct times, with counts).
        self._flying = 0
        self._ends: list[float] = []
        self._end_counts: dict[float, int] = {}
        self._icmp_ids = itertools.count(1)
        # What the last apply read: the `services rpm` and `interfaces` statements (a commit keeps
        # unchanged statements as the same nodes, so the next apply compares them by identity).
        self._rpm: Node | None = None
        self._interfaces: Node | None = None
        self._checked: dict[str, tuple[Node, list[CheckError]]] = {}  # owner -> applied probe, its checks

    # -- configuration -------------------------------------------------------------------------------

    def verify(self, new: Node) -> list[CheckError]:
        """The checks of each probe; a probe that is the same node as the one applied last (frozen,
        so unchanged) has the checks found for it then."""
        errors: list[CheckError] = []
        for (owner,), probe in entries(rpm_config(new), "probe").items():
            known = self._checked.get(owner)
            errors += known[1] if known is not None and known[0] is probe else check_probe(owner, probe)
        return errors

    def apply(self, old: Node, new: Node) -> None:
        """Start, restart or stop the tests of the probes that changed since the last apply; a probe
        whose statement is the same node as then is not read again. When the interfaces changed, the
        tests with a source-address get their probe again (the device's addresses may have changed)."""
        rpm, interfaces = rpm_config(new), child(new, "interfaces")
        if rpm is self._rpm and interfaces is self._interfaces:
            return
        before, current = entries(self._rpm, "probe"), entries(rpm, "probe")
        self.probe_limit = probe_limit(rpm)
        addresses = set(self.device.dataplane.addresses()) if interfaces is not self._interfaces else None
        now = self.scheduler.now()
        for key, probe in current.items():
            if before.get(key) is not probe:
                self._configure(key[0], before.get(key), compile_probe(key[0], probe), now, addresses)
                self._checked[key[0]] = (probe, check_probe(key[0], probe))
        for key, probe in before.items():
            if key not in current:
                self._configure(key[0], probe, {}, now, addresses)
                self._checked.pop(key[0], None)
        if addresses is not None:  # and the unchanged probes' tests
            for key, probe in current.items():
                if before.get(key) is probe:
                    for test in entries(probe, "test"):
                        run = self.runs.get((key[0], test[0]))
                        if run is not None and run.spec.source is not None:
                            run.packet = self._packet(run.spec, addresses)
        self._rpm, self._interfaces = rpm, interfaces

    def _configure(
        self,
        owner: str,
        before: Node | None,
        specs: dict[tuple[str, str], TestSpec],
        now: float,
        addresses: set[int] | None,
    ) -> None:
        """Bring the tests of probe `owner` (configured as `before` until now) to `specs`: a test
        whose spec is unchanged keeps running; a changed one starts again; a gone one stops."""
        for (name,) in entries(before, "test"):
            run = self.runs.get((owner, name))
            if run is not None and specs.get((owner, name)) != run.spec:
                run.alive = False
                del self.runs[owner, name]
        for key, spec in specs.items():
            run = self.runs.get(key)
            if run is None:
                run = self.runs[key] = TestRun(spec, next(self._icmp_ids), self._packet(spec, addresses), now)
                self._at(now, run)
            elif addresses is not None and spec.source is not None:
                run.packet = self._packet(spec, addresses)

    def _packet(self, spec: TestSpec, addresses: set[int] | None = None) -> Packet:
        """The probe every probe of the test is a copy of (its walk does not depend on the sequence)."""
        if spec.probe_type in ICMP_TYPES:
            proto, dport = "icmp", 0
        else:
            proto, dport = ("tcp" if spec.probe_type == "tcp-ping" else "udp"), spec.destination_port
        # A source-address that is not one of the device's own is not used: the probe leaves with
        # its outgoing interface's address (semantics.md 1.1).
        if spec.source is not None and addresses is None:
            addresses = set(self.device.dataplane.addresses())
        own = spec.source is not None and spec.source in addresses  # type: ignore[operator]
        return Packet(
            src=spec.source if own else 0,
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
        """Everything the tests do at `when`: complete tests, and send probes as probe-limit allows.

        This is the hot path of a lab with thousands of tests: each probe is replayed from its
        recorded walk, noted, and filed under the instant of its next step.
        """
        runs = self._due.pop(when, ())
        ends, end_counts = self._ends, self._end_counts
        flying = self._flying
        while ends and ends[0] <= when:  # probes whose answer or timeout has come are no longer in flight
            flying -= end_counts.pop(heapq.heappop(ends))
        network = self.device.network or LoneNetwork(self.device.dataplane)
        probe, origin, limit = network.probe, self.device.node_name, self.probe_limit
        waiting: list[TestRun] = []
        later: dict[float, list[TestRun]] = {}  # next steps, filed once per instant below
        # Probes of one instant mostly end together and step together: count those runs once.
        ended_at, ended_count = -1.0, 0
        step_at, step_runs = -1.0, []  # (no step is negative)
        for run in runs:
            if not run.alive:
                continue
            if run.next_step == COMPLETE:
                self._complete(run, when)
                continue
            if flying >= limit:
                waiting.append(run)
                continue
            spec = run.spec
            memo = run.memo
            reply, rtt_ms, run.memo = probe(origin, run.packet, memo)
            if run.memo is not memo:  # a new walk: is what it brings back the answer this probe waits for?
                back = getattr(run.memo, "reply", reply)  # the recorded answer (this replay may have lost it)
                run.answered = back is not None and (back.icmp == ECHO_REPLY or back.code in _TRANSPORT_ANSWERS)
            if reply is not None and run.answered:
                ended = when + rtt_ms / 1000
                if run.lost_in_a_row:
                    run.lost_in_a_row = 0
            else:
                rtt_ms = None
                ended = when + spec.timeout
                run.lost_in_a_row += 1
                if run.lost_in_a_row == spec.thresholds.successive_loss:  # known lost when it times out
                    run.lost_in_a_row = 0  # DISMAN-PING-MIB: the count starts again after a probe failure
                    self.scheduler.call_at(ended, partial(self._log, "PING_PROBE_FAILED", spec, run))
            samples = run.samples
            samples.append(rtt_ms)
            run.last_probe = sent = (when, ended, rtt_ms)
            run.history.append(sent)
            if ended == ended_at:
                ended_count += 1
            else:
                if ended_count:
                    _count_end(ends, end_counts, ended_at, ended_count)
                ended_at, ended_count = ended, 1
            flying += 1
            if len(samples) < spec.probe_count:
                step = when + spec.probe_interval
            else:
                run.next_step = COMPLETE
                step = ended
            if step != step_at:
                step_at = step
                step_runs = later.get(step)
                if step_runs is None:
                    step_runs = later[step] = []
            step_runs.append(run)
        if ended_count:
            _count_end(ends, end_counts, ended_at, ended_count)
        self._flying = flying
        if waiting:  # over probe-limit: they go when the earliest probe in flight ends
            later.setdefault(ends[0], []).extend(waiting)
        for step, group in later.items():
            bucket = self._due.get(step)
            if bucket is None:
                self._due[step] = group
                self.scheduler.call_at(step, partial(self._fire, step))
            else:
                bucket.extend(group)

    def _complete(self, run: TestRun, now: float) -> None:
        spec, samples = run.spec, run.samples
        run.passed = not _test_failed(spec, samples)
        run.completed_at = now
        run.tests_completed += 1
        run.unfolded.append(samples)
        if len(run.unfolded) > FOLD_AFTER:
            run.fold()
        run.samples = []
        run.lost_in_a_row = 0  # probes lost in a row within a test (DISMAN-PING-MIB)
        run.next_step = SEND
        run.test_started = now + spec.test_interval
        if not run.passed:
            self._log("PING_TEST_FAILED", spec)
        if "test-completion" in spec.traps:  # a test ends, whatever its verdict (semantics.md 1.3)
            self._log("PING_TEST_COMPLETED", spec)
        for listener in list(self.listeners):
            listener(run)
        if run.alive:
            self._at(run.test_started, run)

    def _log(self, tag: str, spec: TestSpec, run: TestRun | None = None) -> None:
        if run is not None and not run.alive:  # a probe failure of a test that was since reconfigured
            return
        message = f"pingCtlOwnerIndex = {spec.owner}, pingCtlTestName = {spec.name}"
        self.device.event("rmopd", tag, message, {"test-owner": spec.owner, "test-name": spec.name})

    # -- for show and clear ---------------------------------------------------------------------------

    def selected(self, owner: str | None = None, test: str | None = None) -> list[TestRun]:
        return [r for (o, t), r in sorted(self.runs.items()) if owner in (None, o) and test in (None, t)]

    def clear(self, owner: str | None = None, test: str | None = None) -> None:
        """`clear services rpm probe-results`: results and history start again; tests keep running.

        The test in progress keeps the probes it has sent: it still sends probe-count probes and is
        judged on all of them."""
        for run in self.selected(owner, test):
            run.unfolded, run.done = [], Results()
            run.chain = Span(Results(), None, 0.0, None)
            run.completed_at = None
            run.history.clear()
            run.last_probe = None


def _test_failed(spec: TestSpec, samples: list[float | None]) -> bool:
    """Test thresholds, ORed (semantics.md 1.2): total-loss, rtt, jitter-rtt, std-dev-rtt."""
    limits = spec.thresholds
    if limits.total_loss and samples.count(None) >= limits.total_loss:
        return True
    if not (limits.rtt or limits.jitter_rtt or limits.std_dev_rtt):
        return False
    rtt = measure(samples, None, 0.0).results.rtt
    if not rtt.samples:
        return False
    if limits.rtt and rtt.high >= limits.rtt:
        return True
    if limits.jitter_rtt and rtt.high - rtt.low >= limits.jitter_rtt:
        return True
    return bool(limits.std_dev_rtt and rtt.stddev >= limits.std_dev_rtt)


__all__ = ["RpmService", "TestRun"]
