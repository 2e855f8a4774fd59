"""Seed 000's established traffic through the ISP1 failover (demo-configs/dual-isp/scenario-session.txt).

Every time here is computed, never written down: the failover from BranchC's RPM configuration
(rpm_timeline.py, as test_failover_scenarios.py does), the cut and the connections' start from the
script's `clock` lines, the client's keepalive and stream schedules from connections.py, and the
life of an invalidated session from the session table (INVALIDATED_TIMEOUT). What they give:

- the TCP session (SSH, source NAT to ISP1's uplink) is invalidated by the first keepalive after the
  failover, shows its timeout counting down from 6, and is gone 6 s later (on a whole second);
- Debian1's SSH client times out 3 keepalives after the first one lost at the cut;
- the UDP stream's session moves to ISP2 at the first datagram after the failover with its old
  translation, and the stream stays silent until the session is cleared.

The transcript is checked to the second (and pinned whole by test_dual_isp_scenarios.py); the
in-process test looks at the sessions a millisecond either side of each computed instant.
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path

import pytest
import trio
from rpm_timeline import Switch, Timeline, clocks, commands, events, latency_ms, output_of, rpm_timing, seconds

from nos.features.flow.sessions.table import INVALIDATED_TIMEOUT
from nos.lab import connections as conns
from nos.lab.console import HostShell
from nos.lab.labfile import load_lab_file
from nos.lab.topology import Lab, build_lab
from nos.main import main
from nos.runtime.clock import ManualScheduler

DUAL = Path(__file__).resolve().parents[2] / "demo-configs" / "dual-isp"
SCRIPT = DUAL / "scenario-session.txt"
N = round(conns.KEEPALIVE_INTERVAL * 1000)  # ms between keepalives
K = conns.KEEPALIVE_COUNT_MAX
QUIET = round(conns.STREAM_QUIET * 1000)
LIFE = INVALIDATED_TIMEOUT * 1000  # ms an invalidated session lives on
NEVER = 10**9  # ms: the scenario never repairs ISP1


def failover_ms(cut: int) -> int:
    """When ip-monitoring moves ISP1.inet.0's default route to ISP2 for a cut of ISP1's uplink at `cut`."""
    timing = rpm_timing((DUAL / "branchc.conf").read_text(), "probe-isp1", "test-1")
    lab = tomllib.loads((DUAL / "lab.toml").read_text())
    rtt = 2 * latency_ms(lab, "BranchC:ge-0/0/1", "ISP1:ge-0/0/0")
    link = Switch().set(cut, False).set(NEVER, True)
    timeline = Timeline()
    timeline.policy("track-isp1", "probe-isp1")
    timeline.test("probe-isp1", "test-1", timing, lambda when: rtt if link(when) else None)
    fail = timeline.run(cut + 60_000).changes_of("track-isp1")[0]
    assert fail.failed
    return fail.time


def stream_rate() -> int:
    """The stream's datagrams a second, as the script starts it."""
    m = re.search(r"^Debian1> stream 8\.8\.8\.8 5004 rate (\d+)$", SCRIPT.read_text(), re.M)
    assert m
    return int(m.group(1))


class Story:
    """The computed instants (ms) of the scenario, from its moments `opened` and `cut` (and `cleared`)."""

    def __init__(self, opened: int, cut: int, cleared: int = NEVER):
        self.opened, self.cut, self.cleared = opened, cut, cleared
        self.fail = failover_ms(cut)
        self.period = 1000 // stream_rate()
        # A timer due at an instant runs before a command typed then: the packet of the cut instant
        # went before the cut, the first one after it is lost.
        self.first_lost_keepalive = self.after(cut, N)
        self.invalidated = self.after(self.fail, N)  # the first keepalive that meets the new route
        self.gone = math.ceil((self.invalidated + LIFE) / 1000) * 1000  # the ager's whole second
        self.timed_out = self.first_lost_keepalive + K * N
        self.last_answer = cut - (cut - opened) % self.period  # the last datagram that went before the cut
        self.quiet = self.after(self.last_answer + QUIET - 1, self.period)
        self.rerouted = self.after(self.fail, self.period)
        self.again = self.after(cleared, self.period)

    def after(self, moment: int, period: int) -> int:
        """The first tick of a grid from `opened` strictly after `moment`."""
        return self.opened + ((moment - self.opened) // period + 1) * period

    def ticks_between(self, start: int, end: int, period: int) -> int:
        """Ticks of a grid strictly after `start` and strictly before `end`."""
        return len(range(self.after(start, period), end, period))

    def remaining(self, now: int) -> int:
        """`Timeout:` of the invalidated session at `now` (whole seconds, rounded up)."""
        return math.ceil((self.invalidated + LIFE - now) / 1000)


def timeout_of(show: str) -> int:
    m = re.search(r"Timeout: (\d+), Session State: (\w+)", show)
    assert m, show
    return int(m.group(1))


def at(stamp: str) -> int:
    """A transcript's [hh:mm:ss] as ms."""
    h, m, s = (int(x) for x in stamp.split(":"))
    return ((h * 60 + m) * 60 + s) * 1000


def test_the_transcript_has_the_computed_times(tmp_path, capsys):
    status = main(["run", str(DUAL / "lab.toml"), str(SCRIPT), "--state-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0, out
    opened, cut, shown, cleared = clocks(out)
    story = Story(opened, cut, cleared)
    assert story.rerouted < story.invalidated == shown  # the script looks when the TCP session was invalidated

    # The TCP session: invalidated, counting down, gone; each look is where the computed life says.
    looks = [
        (at(stamp), text)
        for stamp, (node, cmd, text) in zip(
            re.findall(r"^\[(\d\d:\d\d:\d\d)\] ", out, re.M), commands(out), strict=True
        )
        if (node, cmd) == ("BranchC", "show security flow session destination-port 22")
    ]
    seen_invalid = 0
    for now, text in looks:
        if story.invalidated <= now < story.gone:
            assert "Session State: Invalidated" in text and timeout_of(text) == story.remaining(now)
            assert re.search(r"Out: 8\.8\.8\.8/22 --> 10\.1\.1\.2/\d+;tcp, .*If: ge-0/0/1\.0", text)
            seen_invalid += 1
        elif story.cut <= now < story.invalidated:
            assert "Session State: Valid" in text
    assert seen_invalid == 2 and [timeout_of(t) for n, t in looks if story.invalidated <= n < story.gone] == [
        INVALIDATED_TIMEOUT,
        INVALIDATED_TIMEOUT - 4,
    ]
    after = [text for now, text in looks if now >= story.gone]
    assert "Total sessions: 0" in after[0] and re.search(r"--> 10\.2\.2\.2/\d+;tcp, .*If: ge-0/0/2\.0", after[1])

    # The UDP session after the failover: moved to ISP2, still translated to ISP1's uplink.
    udp = output_of(out, "show security flow session destination-port 5004", 0)
    assert re.search(r"Out: 8\.8\.8\.8/5004 --> 10\.1\.1\.2/\d+;udp, .*If: ge-0/0/2\.0", udp)

    # What flow dropped until the look after the failover: the datagrams and keepalives that found no
    # route, and the keepalive whose re-route failed. The re-routed datagrams were not dropped.
    dropped = story.ticks_between(cut, story.fail, story.period) + story.ticks_between(cut, story.fail, N) + 1
    assert f"Packets dropped: {dropped}\n" in output_of(out, "show security flow statistics", 0)

    timeline = events(output_of(out, "events since 30 node Debian1"), node="Debian1", kind="connection")
    gap = story.again - story.last_answer
    unanswered = gap // story.period - 1
    assert timeline == [
        (seconds(story.quiet), f"connection 2 to 8.8.8.8:5004 (udp) no answer for {conns.STREAM_QUIET:g} s"),
        (seconds(story.timed_out), "connection 1 to 8.8.8.8:22 closed: Connection timed out"),
        (seconds(story.gone), "connection 3 to 8.8.8.8:22 established"),
        (seconds(story.again), f"connection 2 to 8.8.8.8:5004 (udp) answers again after {gap / 1000:g} s, {unanswered} unanswered"),
    ]  # fmt: skip
    route = events(output_of(out, "events since 41 node BranchC"), kind="route")
    assert route == [(seconds(story.fail), "ISP1.inet.0 0.0.0.0/0: Static/1 to 10.2.2.1 via ge-0/0/2.0")]


# -- to the millisecond, in-process -----------------------------------------------------------------------


@pytest.fixture
def lab():  # type: ignore[no-untyped-def]
    built = build_lab(load_lab_file(DUAL / "lab.toml"), scheduler=ManualScheduler())
    yield built
    built.close()


def shell(lab: Lab, line: str) -> list[str]:
    out: list[str] = []
    trio.run(HostShell(lab, lab.nodes["Debian1"]).execute, line, out.append)
    return out


def until(lab: Lab, ms: int) -> None:
    lab.scheduler.advance(ms / 1000 - lab.now())


def test_each_instant_to_the_millisecond(lab):
    opened, cut = 2_000, 30_000  # any moments will do: the instants follow from them
    story = Story(opened, cut)
    until(lab, opened)
    shell(lab, "ssh 8.8.8.8")
    shell(lab, f"stream 8.8.8.8 5004 rate {stream_rate()}")
    table = lab.nodes["BranchC"].device.flow_sessions.table
    tcp, udp = table.select()
    until(lab, cut)
    lab.set_link_state(lab.find_link("BranchC:ge-0/0/1"), False)

    until(lab, story.rerouted - 1)
    assert udp.out_wing.ifl == "ge-0/0/1.0" and tcp.valid
    until(lab, story.rerouted)
    assert udp.valid and (udp.out_wing.ifl, udp.out_wing.dst) == ("ge-0/0/2.0", tcp.out_wing.dst)

    until(lab, story.invalidated - 1)
    assert tcp.valid
    until(lab, story.invalidated)
    assert not tcp.valid and tcp.remaining(lab.now()) == INVALIDATED_TIMEOUT

    client = lab.nodes["Debian1"].clients.by_id[1]
    until(lab, story.timed_out - 1)
    assert client.state == conns.ESTABLISHED
    until(lab, story.timed_out)
    assert (client.state, client.reason) == (conns.TIMED_OUT, conns.TIMEOUT_TEXT)

    until(lab, story.gone - 1)
    assert tcp.alive
    until(lab, story.gone)
    assert not tcp.alive and table.select() == [udp]

    until(lab, story.gone + 60_000)  # a minute on, the stream has kept its session (and its silence)
    stream = lab.nodes["Debian1"].clients.by_id[2]
    assert udp.alive and udp.remaining(lab.now()) == 60 and stream.state == conns.NO_ANSWER
