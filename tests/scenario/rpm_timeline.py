"""A reference model of RPM test timing and ip-monitoring verdicts, for the scenario tests.

The scenario tests do not pin failover times as magic numbers: they compute them
here from the configuration (probe-count, probe-interval, test-interval,
thresholds), the link latencies and the moments a script cut or restored
something, and compare with what the lab printed. The model is written from the
timing rules of nos/features/rpm/service.py (semantics.md 1.2 and 2.2) and does
not import nos:

- test k starts at S; probe i is sent at S + i * probe-interval;
- a probe is answered after its round trip, or times out min(probe-interval, 3 s)
  after it was sent; whether it is answered is decided when it is sent (the lab's
  walk takes no time);
- the test completes when its last probe is answered or times out, and fails when
  `total-loss` probes (or more) were lost (0: never);
- the next test starts test-interval after the completion;
- `successive-loss` N logs PING_PROBE_FAILED when the Nth probe in a row of a test is
  lost, at its timeout; the count starts again after that (and with each test), as
  in the DISMAN-PING-MIB; it never fails a test;
- an owner (`probe NAME`) fails when all its tests failed their last test, a
  policy when any of its owners fails; ip-monitoring acts when the verdict changes.

Times are integer milliseconds, so that sums stay exact.
"""

from __future__ import annotations

import heapq
import itertools
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

Outcome = Callable[[int], int | None]  # send time (ms) -> round trip (ms), or None: lost


@dataclass(frozen=True)
class Timing:
    """What a test's configuration says about its timing and its verdict."""

    probe_count: int
    probe_interval: int  # s
    test_interval: int  # s
    total_loss: int  # 0: a test never fails on loss
    successive_loss: int = 1  # lost probes in a row that log PING_PROBE_FAILED (0: never)

    @property
    def timeout_ms(self) -> int:
        return min(self.probe_interval, 3) * 1000

    def replace(self, **changes: int) -> Timing:
        values = {**self.__dict__, **changes}
        return Timing(**values)


@dataclass
class Completion:
    time: int  # ms
    owner: str
    test: str
    sent: list[int]  # send times of its probes
    lost: int
    passed: bool


@dataclass
class Change:
    time: int  # ms
    policy: str
    failed: bool  # True: FAIL (action applied), False: PASS (action reverted)


@dataclass
class _Run:
    owner: str
    name: str
    timing: Timing
    outcome: Outcome
    alive: bool = True
    passed: bool | None = None
    sent: list[int] = field(default_factory=list)
    rtts: list[int | None] = field(default_factory=list)
    lost_in_a_row: int = 0


class Timeline:
    """RPM tests side by side on one clock, and the ip-monitoring policies that follow them."""

    def __init__(self) -> None:
        self._heap: list[tuple[int, int, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self.now = 0
        self.runs: dict[tuple[str, str], _Run] = {}
        self.policies: dict[str, tuple[str, ...]] = {}
        self.failed: dict[str, bool] = {}
        self.completions: list[Completion] = []
        self.changes: list[Change] = []
        self.probe_failures: list[tuple[int, str, str]] = []  # PING_PROBE_FAILED: (time, owner, test)
        self.probes: list[tuple[str, str, int, int, int | None]] = []  # (owner, test, sent, ended, rtt)

    # -- set-up --------------------------------------------------------------------------------------

    def test(self, owner: str, name: str, timing: Timing, outcome: Outcome, start: int = 0) -> None:
        """A test (re)starting at `start` (its commit); a test of the same name stops there."""

        def begin() -> None:
            old = self.runs.get((owner, name))
            if old is not None:
                old.alive = False
            run = self.runs[owner, name] = _Run(owner, name, timing, outcome)
            self._start(run, self.now)
            self._evaluate()  # a commit evaluates the policies: a test that has not completed has not failed

        self._at(start, 1, begin)

    def policy(self, name: str, *owners: str) -> None:
        self.policies[name] = owners
        self.failed[name] = False

    # -- running -------------------------------------------------------------------------------------

    def run(self, until: int) -> Timeline:
        """Everything that happens up to `until` (ms)."""
        while self._heap and self._heap[0][0] <= until:
            self.now, _, _, action = heapq.heappop(self._heap)
            action()
        self.now = until
        return self

    def _at(self, when: int, order: int, action: Callable[[], None]) -> None:
        # At one instant, completions (order 0) come before probes and commits (order 1).
        heapq.heappush(self._heap, (when, order, next(self._seq), action))

    def _start(self, run: _Run, start: int) -> None:
        run.sent, run.rtts = [], []
        for i in range(run.timing.probe_count):
            self._at(start + i * run.timing.probe_interval * 1000, 1, lambda run=run: self._send(run))

    def _send(self, run: _Run) -> None:
        if not run.alive:
            return
        rtt = run.outcome(self.now)
        run.sent.append(self.now)
        run.rtts.append(rtt)
        run.lost_in_a_row = 0 if rtt is not None else run.lost_in_a_row + 1
        if run.lost_in_a_row and run.lost_in_a_row == run.timing.successive_loss:
            run.lost_in_a_row = 0
            logged = (self.now + run.timing.timeout_ms, run.owner, run.name)
            self._at(logged[0], 0, lambda: run.alive and self.probe_failures.append(logged))
        ended = self.now + (rtt if rtt is not None else run.timing.timeout_ms)
        self.probes.append((run.owner, run.name, self.now, ended, rtt))
        if len(run.sent) == run.timing.probe_count:
            self._at(ended, 0, lambda: self._complete(run))

    def _complete(self, run: _Run) -> None:
        if not run.alive:
            return
        lost = run.rtts.count(None)
        limit = run.timing.total_loss
        run.passed = not (limit and lost >= limit)
        run.lost_in_a_row = 0
        self.completions.append(Completion(self.now, run.owner, run.name, run.sent, lost, run.passed))
        self._evaluate()
        self._at(self.now + run.timing.test_interval * 1000, 1, lambda: self._start(run, self.now))

    def _evaluate(self) -> None:
        for name, owners in self.policies.items():
            failed = any(self.owner_failed(owner) for owner in owners)
            if failed != self.failed[name]:
                self.failed[name] = failed
                self.changes.append(Change(self.now, name, failed))

    def owner_failed(self, owner: str) -> bool:
        runs = [r for (o, _), r in self.runs.items() if o == owner and r.alive]
        return bool(runs) and all(r.passed is False for r in runs)

    # -- reading -------------------------------------------------------------------------------------

    def changes_of(self, policy: str) -> list[Change]:
        return [c for c in self.changes if c.policy == policy]

    def completions_of(self, owner: str, test: str | None = None) -> list[Completion]:
        return [c for c in self.completions if c.owner == owner and test in (None, c.test)]


# -- outcomes -----------------------------------------------------------------------------------------


class Switch:
    """Something that is on or off over time (a link, a blackhole): changes at given instants (ms)."""

    def __init__(self, on: bool = True):
        self.initial = on
        self.flips: list[tuple[int, bool]] = []

    def set(self, when: int, on: bool) -> Switch:
        self.flips.append((when, on))
        self.flips.sort()
        return self

    def __call__(self, when: int) -> bool:
        state = self.initial
        for at, on in self.flips:
            if at <= when:
                state = on
        return state


def lossy(seed: int, loss_pct: float, rtt: int, since: int, until: int, crossings: int = 2) -> Outcome:
    """Probes that cross a lossy link `crossings` times (there and back) while it is lossy (from
    `since` to `until`, ms), drawing from the lab's seeded RNG as the walk does: one draw per
    crossing, none after a loss. Valid while these probes are the only packets crossing lossy links
    (the RNG is the lab's, shared). A probe sent at the very instant the loss changes would depend
    on the order of things within that instant: refused."""
    rng = random.Random(seed)

    def outcome(when: int) -> int | None:
        assert when not in (since, until), f"a probe at {when} ms, the instant the loss changes"
        if not since < when < until:
            return rtt
        for _ in range(crossings):
            if rng.random() * 100 < loss_pct:
                return None
        return rtt

    return outcome


# -- reading configurations, labs and transcripts ----------------------------------------------------


def rpm_timing(config: str, owner: str, test: str) -> Timing:
    """The timing statements of `services rpm probe OWNER test TEST` in a curly configuration
    (Junos defaults where a statement is absent: 1 probe, 3 s apart, 1 s between tests, total-loss 1)."""
    body = _block(_block(config, f"probe {owner}"), f"test {test}")

    def number(statement: str, default: int) -> int:
        m = re.search(rf"(?m)^\s*{statement} (\d+);", body)
        return int(m.group(1)) if m else default

    return Timing(
        probe_count=number("probe-count", 1),
        probe_interval=number("probe-interval", 3),
        test_interval=number("test-interval", 1),
        total_loss=number("total-loss", 1),
        successive_loss=number("successive-loss", 1),
    )


def _block(text: str, header: str) -> str:
    """The body of `header { ... }` in curly text."""
    m = re.search(rf"(?m)^\s*{re.escape(header)} {{\n", text)
    assert m, f"no '{header} {{' block"
    depth, i = 1, m.end()
    while depth:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    return text[m.end() : i - 1]


def latency_ms(lab: dict, *ends: str) -> int:
    """One-way latency of the link between two NODE:port ends in a parsed lab file."""
    for link in lab["links"]:
        if {link["a"], link["b"]} == set(ends):
            return int(link.get("latency", 1))
    raise AssertionError(f"no link {ends}")


def seconds(ms: int) -> str:
    """A lab time as the timeline prints it (hh:mm:ss, truncated)."""
    s = ms // 1000
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


_COMMAND = re.compile(r"^\[(\d\d:\d\d:\d\d)\] (\S+)[>$] (.*)$")
_CLOCK = re.compile(r"\(clock: \w+, (\d+\.\d{3}) s since start\)")
_EVENT = re.compile(r"^(\d\d:\d\d:\d\d)  (\S+) +(\S+) +(.*)$")


def commands(transcript: str) -> list[tuple[str, str, str]]:
    """(node or 'lab', command, output) for each command of a `nos run` transcript."""
    out: list[tuple[str, str, str]] = []
    for line in transcript.splitlines(keepends=True):
        m = _COMMAND.match(line.rstrip("\n"))
        if m:
            out.append((m.group(2), m.group(3), ""))
        elif out:
            node, command, text = out[-1]
            out[-1] = (node, command, text + line)
    return out


def clocks(transcript: str) -> list[int]:
    """The lab times (ms) that the transcript's `clock` commands printed, in order."""
    return [round(float(m.group(1)) * 1000) for m in _CLOCK.finditer(transcript)]


def events(output: str, node: str | None = None, kind: str | None = None) -> list[tuple[str, str]]:
    """(time, text) of the timeline rows in the output of one `events` command."""
    rows: list[tuple[str, str]] = []
    for line in output.splitlines():
        m = _EVENT.match(line)
        if not m or m.group(1) == "Time":
            continue
        if (node is None or m.group(2) == node) and (kind is None or m.group(3) == kind):
            rows.append((m.group(1), m.group(4)))
    return rows


def output_of(transcript: str, command: str, index: int = -1) -> str:
    """The output of the `index`th command (default: the last) whose text is `command`."""
    found = [text for _, cmd, text in commands(transcript) if cmd == command]
    assert found, f"no command {command!r} in the transcript"
    return found[index]
