"""The failover scenarios of issue 4, run as `nos run` scripts, with exact virtual times.

Every time asserted here is computed (rpm_timeline.py) from the configuration the
lab runs (probe-count, probe-interval, test-interval, thresholds), the link
latencies in the lab file and the moments the script changed something (read
from its `clock` lines), never written down as a number:

a. seed 000, demo-configs/dual-isp: cut ISP1's uplink, fail over, restore, revert;
b. the pitfall of seed 000's comments, demo-configs/dual-isp-pitfall: probes that
   follow the route ip-monitoring put in place flap it; pinned probes hold it;
c. seed 002, demo-configs/remote-hosts: two monitored hosts per ISP, its four
   test scenarios, in two Junos designs;
d. seed 000's "70% loss" question: which thresholds catch a lossy link.

The timeline prints whole seconds, so the event checks are to the second; the
`*_to_the_millisecond` tests look at the routes half a millisecond before and
after each computed instant.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from rpm_timeline import (
    Switch,
    Timeline,
    Timing,
    clocks,
    commands,
    events,
    latency_ms,
    lossy,
    output_of,
    rpm_timing,
    seconds,
)

from nos.main import main

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "demo-configs"
DUAL = DEMO / "dual-isp"
PITFALL = DEMO / "dual-isp-pitfall"
REMOTE = DEMO / "remote-hosts"


def run(lab: Path, script: Path | str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Run a scenario script (a file, or the text of one) with `nos run`; its transcript."""
    if isinstance(script, str):
        path = tmp_path / f"script-{len(list(tmp_path.glob('script-*')))}.txt"
        path.write_text(script)
        script = path
    state = tmp_path / f"state-{script.stem}"
    status = main(["run", str(lab), str(script), "--state-dir", str(state)])
    out = capsys.readouterr().out
    assert status == 0, out
    return out


def lab_file(path: Path) -> dict:
    return tomllib.loads(path.read_text())


def route_rows(output: str, destination: str) -> list[tuple[str, str | None]]:
    """(time, next hop or None) of the timeline's active-route changes for `TABLE PREFIX`."""
    rows = []
    for when, text in events(output, kind="route"):
        if text.startswith(destination + ":"):
            m = re.search(r": \S+ to (\S+)", text)
            rows.append((when, m.group(1) if m and "no active route" not in text else None))
    return rows


def policy_rows(output: str, policy: str) -> list[tuple[str, bool]]:
    """(time, failed) of the timeline's ip-monitoring verdicts for a policy."""
    pattern = re.compile(rf"ip-monitoring policy {re.escape(policy)}: (FAIL|PASS)$")
    return [(when, m.group(1) == "FAIL") for when, text in events(output) if (m := pattern.match(text))]


def active_next_hop(show_route: str) -> str | None:
    """The active route's next hop in `show route ... exact` output (None: no active route)."""
    m = re.search(r"\*\[[^\]]+\][^\n]*\n\s+>\s+to (\S+)", show_route)
    return m.group(1) if m else None


def route_around(
    lab: Path,
    actions: list[tuple[int, str]],
    instants: list[int],
    show: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> list[tuple[str | None, str | None]]:
    """Replay `actions` (lab commands at given ms) and look at the active route of `show` (a
    `NODE> show route ...` line) half a millisecond before and after each instant (ms)."""
    steps = [(t * 10, 0, line) for t, line in actions]
    steps += [(t * 10 + d, 1, show) for t in instants for d in (-5, 5)]
    lines, now = [], 0  # tenths of a millisecond
    for when, _, line in sorted(steps):
        if when > now:
            lines.append(f"wait {(when - now) / 10000:.4f}s")
            now = when
        lines.append(line)
    out = run(lab, "\n".join(lines) + "\n", tmp_path, capsys)
    seen = [active_next_hop(text) for node, cmd, text in commands(out) if f"{node}> {cmd}" == show]
    return list(zip(seen[::2], seen[1::2], strict=True))


# -- a. seed 000: the failover and the revert -----------------------------------------------------------


def seed000_model(cut: int, restore: int) -> tuple[Timeline, Timing]:
    """BranchC's probe-isp1 (demo-configs/dual-isp/branchc.conf) while its uplink is cut at `cut`
    and restored at `restore` (ms): the test pings ISP1's gateway over that one link."""
    timing = rpm_timing((DUAL / "branchc.conf").read_text(), "probe-isp1", "test-1")
    rtt = 2 * latency_ms(lab_file(DUAL / "lab.toml"), "BranchC:ge-0/0/1", "ISP1:ge-0/0/0")
    link = Switch().set(cut, False).set(restore, True)
    timeline = Timeline()
    timeline.policy("track-isp1", "probe-isp1")
    timeline.test("probe-isp1", "test-1", timing, lambda when: rtt if link(when) else None)
    return timeline.run(restore + 60_000), timing


def test_seed000_failover_and_revert_times(tmp_path, capsys):
    """Cut BranchC:ge-0/0/1: ISP1.inet.0's default route moves to ISP2 when the first test that
    lost all its probes ends; restored: it comes back when the first test with an answer ends."""
    out = run(DUAL / "lab.toml", DUAL / "scenario-failover.txt", tmp_path, capsys)
    cut, restore = clocks(out)
    timeline, timing = seed000_model(cut, restore)
    fail, revert = timeline.changes_of("track-isp1")
    assert (fail.failed, revert.failed) == (True, False)

    # How the model got there: the test running at the cut loses only its probes sent after the cut
    # and passes; the next one loses all 5 and fails when its last probe times out.
    after_cut = [c for c in timeline.completions if c.time > cut]
    assert [c.lost for c in after_cut[:2]] == [sum(t > cut for t in after_cut[0].sent), timing.probe_count]
    failing = after_cut[1]
    assert fail.time == failing.sent[0] + (timing.probe_count - 1) * timing.probe_interval * 1000 + timing.timeout_ms
    # The revert: the first test with a probe sent after the repair; its last probe is answered.
    passing = next(c for c in timeline.completions if c.time > restore)
    assert passing.passed and passing.lost == sum(t < restore for t in passing.sent)
    rtt = 2 * latency_ms(lab_file(DUAL / "lab.toml"), "BranchC:ge-0/0/1", "ISP1:ge-0/0/0")
    assert revert.time == passing.sent[-1] + rtt

    timeline_rows = output_of(out, "events since 30 node BranchC") + output_of(out, "events since 47 node BranchC")
    assert route_rows(timeline_rows, "ISP1.inet.0 0.0.0.0/0") == [
        (seconds(cut), None),  # the configured route is hidden: its next hop's link is down
        (seconds(fail.time), "10.2.2.1"),  # ip-monitoring's preferred route, Static/1
        (seconds(revert.time), "10.1.1.1"),  # the configured Static/5 again
    ]
    assert policy_rows(timeline_rows, "track-isp1") == [(seconds(fail.time), True), (seconds(revert.time), False)]
    assert (seconds(fail.time), "PING_TEST_FAILED: pingCtlOwnerIndex = probe-isp1, pingCtlTestName = test-1") in events(
        timeline_rows
    )
    # What the demo's comments say (30.000 cut, 41.040 failover, 47.534 repair, 48.050 revert).
    assert (cut, fail.time, restore, revert.time) == (30_000, 41_040, 47_534, 48_050)


def test_seed000_failover_to_the_millisecond(tmp_path, capsys):
    """Half a millisecond before the computed instants the old route is active, half after the new."""
    cut, restore = 30_000, 47_534
    timeline, _ = seed000_model(cut, restore)
    fail, revert = (c.time for c in timeline.changes_of("track-isp1"))
    seen = route_around(
        DUAL / "lab.toml",
        [(cut, "link BranchC:ge-0/0/1 down"), (restore, "link BranchC:ge-0/0/1 up")],
        [fail, revert],
        "BranchC> show route table ISP1.inet.0 0.0.0.0/0 exact",
        tmp_path,
        capsys,
    )
    assert seen == [(None, "10.2.2.1"), ("10.2.2.1", "10.1.1.1")]


# -- b. the pitfall: a probe that follows the route ip-monitoring put in place -------------------------


def pitfall_model(cut: int, commit: int | None, restore: int | None, until: int) -> Timeline:
    """dual-isp-pitfall's probe-isp1: 8.8.8.8 from routing-instance ISP1, following ISP1.inet.0's
    active default route (through ISP2 while ip-monitoring's route is in place) until `commit`
    pins it with `next-hop 10.1.1.1`. ISP1's Internet side is dead from `cut` to `restore`."""
    timing = rpm_timing((PITFALL / "branchc.conf").read_text(), "probe-isp1", "test-1")
    lab = lab_file(PITFALL / "lab.toml")
    via_isp1 = 2 * (
        latency_ms(lab, "BranchC:ge-0/0/1", "ISP1:ge-0/0/0") + latency_ms(lab, "ISP1:ge-0/0/1", "Internet:eth0")
    )
    via_isp2 = 2 * (
        latency_ms(lab, "BranchC:ge-0/0/2", "ISP2:ge-0/0/0") + latency_ms(lab, "ISP2:ge-0/0/1", "Internet:eth1")
    )
    isp1_internet = Switch().set(cut, False)
    if restore is not None:
        isp1_internet.set(restore, True)
    timeline = Timeline()
    timeline.policy("track-isp1", "probe-isp1")

    def follows_the_route(when: int) -> int | None:
        if timeline.failed["track-isp1"]:  # Static/1 to 10.2.2.1 in ISP1.inet.0
            return via_isp2
        return via_isp1 if isp1_internet(when) else None

    def pinned(when: int) -> int | None:
        return via_isp1 if isp1_internet(when) else None

    timeline.test("probe-isp1", "test-1", timing, follows_the_route)
    if commit is not None:
        timeline.test("probe-isp1", "test-1", timing, pinned, start=commit)  # a changed test starts again
    return timeline.run(until)


def test_pitfall_flaps_and_the_pinned_probe_holds(tmp_path, capsys):
    out = run(PITFALL / "lab.toml", PITFALL / "scenario-pitfall.txt", tmp_path, capsys)
    cut, commit, restore = clocks(out)
    timeline = pitfall_model(cut, commit, restore, restore + 20_000)
    changes = [(c.time, c.failed) for c in timeline.changes_of("track-isp1")]

    # Before the fix: FAIL, PASS, FAIL, PASS ... one cycle is a test through dead ISP1 (all probes
    # time out), the test interval, a test through ISP2 (all answered), the test interval.
    timing = rpm_timing((PITFALL / "branchc.conf").read_text(), "probe-isp1", "test-1")
    lab = lab_file(PITFALL / "lab.toml")
    via_isp2 = 2 * (
        latency_ms(lab, "BranchC:ge-0/0/2", "ISP2:ge-0/0/0") + latency_ms(lab, "ISP2:ge-0/0/1", "Internet:eth1")
    )
    span = (timing.probe_count - 1) * timing.probe_interval * 1000
    cycle = span + timing.timeout_ms + timing.test_interval * 1000 + span + via_isp2 + timing.test_interval * 1000
    flaps = [t for t, _ in changes if t < commit]
    assert [failed for t, failed in changes if t < commit] == [True, False] * 3
    assert [b - a for a, b in zip(flaps[::2], flaps[2::2], strict=False)] == [cycle, cycle]
    assert cycle == 15_032
    # After the fix: one FAIL, 5 probes after the commit, and nothing until ISP1 is back.
    assert [(t, f) for t, f in changes if t > commit] == [
        (commit + span + timing.timeout_ms, True),
        (changes[-1][0], False),
    ]
    assert changes[-1][0] > restore

    rows = "".join(output_of(out, f"events since {t} node BranchC") for t in (30, 80, 120))
    assert policy_rows(rows, "track-isp1") == [(seconds(t), f) for t, f in changes]
    hops = {True: "10.2.2.1", False: "10.1.1.1"}
    assert route_rows(rows, "ISP1.inet.0 0.0.0.0/0") == [(seconds(t), hops[f]) for t, f in changes]
    # The numbers in the script's comments.
    assert changes == [
        (41_080, True),
        (48_112, False),
        (56_112, True),
        (63_144, False),
        (71_144, True),
        (78_176, False),
        (85_306, True),
        (124_326, False),
    ]


def test_pitfall_flaps_to_the_millisecond(tmp_path, capsys):
    cut = 30_000
    timeline = pitfall_model(cut, None, None, 80_000)
    instants = [c.time for c in timeline.changes_of("track-isp1")]
    seen = route_around(
        PITFALL / "lab.toml",
        [(cut, "link ISP1:ge-0/0/1 down")],
        instants,
        "BranchC> show route table ISP1.inet.0 0.0.0.0/0 exact",
        tmp_path,
        capsys,
    )
    assert seen == [("10.1.1.1", "10.2.2.1"), ("10.2.2.1", "10.1.1.1")] * (len(instants) // 2)


# -- c. seed 002: several remote hosts per WAN link ----------------------------------------------------------


@dataclass(frozen=True)
class Design:
    lab: str
    tests: dict[tuple[str, str], tuple[str, str]]  # (ISP, host) -> (RPM owner, test)


DESIGNS = {
    "withdraw": Design(
        "lab.toml",
        {
            ("ISP1", "8.8.8.8"): ("isp1", "google"),
            ("ISP1", "208.67.220.220"): ("isp1", "opendns"),
            ("ISP2", "8.8.4.4"): ("isp2", "google"),
            ("ISP2", "208.67.222.222"): ("isp2", "opendns"),
        },
    ),
    "recursive": Design(
        "lab-recursive.toml",
        {
            ("ISP1", "8.8.8.8"): ("google-isp1", "ping"),
            ("ISP1", "208.67.220.220"): ("opendns-isp1", "ping"),
            ("ISP2", "8.8.4.4"): ("google-isp2", "ping"),
            ("ISP2", "208.67.222.222"): ("opendns-isp2", "ping"),
        },
    ),
}
GATEWAYS = {"ISP1": "10.10.10.1", "ISP2": "10.20.20.1"}


def remote_hosts_model(design: Design, dead: dict[tuple[str, str], Switch], until: int) -> list[tuple[int, str | None]]:
    """(time, next hop) of every change of the Branch's active default route: through ISP1 while
    one of ISP1's hosts answers, else through ISP2 while one of its hosts answers, else none."""
    lab_path = REMOTE / design.lab
    lab = lab_file(lab_path)
    config = (lab_path.parent / lab["nodes"]["Branch"]["config"]).read_text()
    timeline = Timeline()
    for isp in GATEWAYS:
        timeline.policy(isp, isp)
    for (isp, host), (owner, test) in design.tests.items():
        port = {"ISP1": ("Branch:ge-0/0/1", "ISP1:ge-0/0/0", "ISP1:ge-0/0/1", "Internet:eth0")}.get(
            isp, ("Branch:ge-0/0/2", "ISP2:ge-0/0/0", "ISP2:ge-0/0/1", "Internet:eth1")
        )
        rtt = 2 * (latency_ms(lab, *port[:2]) + latency_ms(lab, *port[2:]))
        # The ISP's hosts are one "owner" of the model: the ISP is down when all its tests failed.
        timeline.test(
            isp, host, rpm_timing(config, owner, test), lambda when, d=dead[isp, host], r=rtt: None if d(when) else r
        )
    timeline.run(until)
    routes, active, failed = [], GATEWAYS["ISP1"], {isp: False for isp in GATEWAYS}
    for change in timeline.changes:
        failed[change.policy] = change.failed
        now = next((GATEWAYS[isp] for isp in GATEWAYS if not failed[isp]), None)
        if now != active:
            routes.append((change.time, now))
            active = now
    return routes


@pytest.mark.parametrize("name", sorted(DESIGNS))
def test_seed002_four_scenarios(name, tmp_path, capsys):
    """Seed 002's scenarios: ISP1 dead -> ISP2; only 8.8.8.8 dead -> ISP1 stays; all dead -> no
    default route; only 208.67.222.222 alive -> ISP2. Both designs give the same route timeline."""
    design = DESIGNS[name]
    out = run(REMOTE / design.lab, REMOTE / "scenario-remote-hosts.txt", tmp_path, capsys)
    s1, s1_end, s2, s2_end, s3, s4, end = clocks(out)
    never = 10**9
    dead = {
        ("ISP1", "8.8.8.8"): Switch(False)
        .set(s1, True)
        .set(s1_end, False)
        .set(s2, True)
        .set(s2_end, False)
        .set(s3, True)
        .set(end, False),
        ("ISP1", "208.67.220.220"): Switch(False).set(s1, True).set(s1_end, False).set(s3, True).set(end, False),
        ("ISP2", "8.8.4.4"): Switch(False).set(s3, True).set(end, False),
        ("ISP2", "208.67.222.222"): Switch(False).set(s3, True).set(s4, False).set(never, False),
    }
    expected = remote_hosts_model(design, dead, end + 20_000)
    assert route_rows(output_of(out, "events node Branch"), "inet.0 0.0.0.0/0") == [
        (seconds(t), hop) for t, hop in expected
    ]
    # Scenario by scenario: ISP2 takes over in 1; nothing moves in 2; no route in 3; ISP2 in 4; ISP1 after.
    hops = [hop for _, hop in expected]
    assert hops == ["10.20.20.1", "10.10.10.1", None, "10.20.20.1", "10.10.10.1"]
    times = [t for t, _ in expected]
    assert s1 < times[0] < s1_end < times[1] < s2 < s2_end < s3 < times[2] < s4 < times[3] < end < times[4]


# -- d. a lossy ISP link and the thresholds that catch it (or not) ------------------------------------------

SET = "BranchC> set services rpm probe probe-isp1 test test-1 "
VARIANTS = {  # what replaces the script's `set ... thresholds total-loss 5` line
    "total-loss 5": [SET + "thresholds total-loss 5"],
    "total-loss 3": [SET + "thresholds total-loss 3"],
    "total-loss 2": [SET + "thresholds total-loss 2"],
    "successive-loss 3": [SET + "thresholds successive-loss 3", SET + "thresholds total-loss 0"],
    "15 probes, total-loss 5": [SET + "probe-count 15"],
}


def variant_timing(name: str) -> Timing:
    base = rpm_timing((DUAL / "branchc.conf").read_text(), "probe-isp1", "test-1")
    for line in VARIANTS[name]:
        statement, value = line.removeprefix(SET).rsplit(" ", 1)
        field = {"thresholds total-loss": "total_loss", "thresholds successive-loss": "successive_loss"}.get(
            statement, "probe_count"
        )
        base = base.replace(**{field: int(value)})
    return base


@pytest.mark.parametrize("name", list(VARIANTS))
def test_lossy_link_thresholds(name, tmp_path, capsys):
    """45% loss each way on ISP1's link (a probe is lost 70% of the time) for 5 minutes: the
    failovers, reverts, failed tests, probe failures and probe counts, exactly, per setting."""
    script = (DUAL / "scenario-flapping.txt").read_text()
    line = SET + "thresholds total-loss 5"
    assert line in script
    out = run(DUAL / "lab.toml", script.replace(line, "\n".join(VARIANTS[name])), tmp_path, capsys)

    # Every probe lost is one lost crossing of ISP1's link (only these probes cross a lossy link).
    results = output_of(out, "show services rpm probe-results owner probe-isp1 test test-1")
    total = results[results.index("Results over all tests:") :]
    sent, received = map(int, re.search(r"Probes sent: (\d+), Probes received: (\d+)", total).groups())
    link = re.search(
        r"(?m)^1 +BranchC:ge-0/0/1 +ISP1:ge-0/0/0 +\w+ +\S+ ms +\S+% +(\d+) +(\d+)$", output_of(out, "show links")
    )
    assert sent - received == int(link.group(2))  # each probe lost is one crossing of the link lost

    lab = lab_file(DUAL / "lab.toml")
    rtt = 2 * latency_ms(lab, "BranchC:ge-0/0/1", "ISP1:ge-0/0/0")
    lossy_from, lossy_to = clocks(out)
    end = lossy_to + 40_000
    timeline = Timeline()
    timeline.policy("track-isp1", "probe-isp1")
    outcome = lossy(lab["lab"]["seed"], 45, rtt, lossy_from, lossy_to)
    timeline.test("probe-isp1", "test-1", variant_timing(name), outcome)
    timeline.run(end)

    # Probes whose answer or timeout has come by the end (one still in flight is not counted yet).
    done = [rtt for _, _, _, ended, rtt in timeline.probes if ended <= end]
    assert (sent, sent - received) == (len(done), done.count(None))

    rows = output_of(out, "events since 10 node BranchC")
    changes = timeline.changes_of("track-isp1")
    assert policy_rows(rows, "track-isp1") == [(seconds(c.time), c.failed) for c in changes]
    tests_failed = [seconds(c.time) for c in timeline.completions_of("probe-isp1") if not c.passed]
    assert [t for t, text in events(rows) if text.startswith("PING_TEST_FAILED")] == tests_failed
    probe_failures = [seconds(t) for t, _, _ in timeline.probe_failures if t > 10_000]
    assert [t for t, text in events(rows) if text.startswith("PING_PROBE_FAILED")] == probe_failures
    assert outcome_row(timeline, lossy_from, end) == OUTCOMES[name]


def outcome_row(timeline: Timeline, start: int, end: int) -> tuple[int, int, int, int, int]:
    """(tests, failed tests, failovers, ms failed over, PING_PROBE_FAILED) from `start` to `end`."""
    runs = [c for c in timeline.completions_of("probe-isp1") if start < c.time <= end]
    changes = timeline.changes_of("track-isp1")
    failed_over, since = 0, None
    for change in changes:
        if change.failed:
            since = change.time
        elif since is not None:
            failed_over, since = failed_over + change.time - since, None
    if since is not None:
        failed_over += end - since
    return (
        len(runs),
        sum(not c.passed for c in runs),
        sum(c.failed for c in changes),
        failed_over,
        sum(start < t <= end for t, _, _ in timeline.probe_failures),
    )


# The answer to seed 000's question, for the scenario's 5 minutes of loss (from 10.5 s to the
# script's end, 350.5 s): (tests, failed, failovers, ms failed over, PING_PROBE_FAILED).
OUTCOMES = {
    "total-loss 5": (45, 7, 5, 55_010, 141),  # misses it most of the time: 5 short failovers
    "total-loss 3": (45, 33, 6, 251_130, 141),  # catches it, still flaps back now and then
    "total-loss 2": (45, 38, 2, 289_150, 141),  # catches it, two reverts in 5 minutes
    "successive-loss 3": (45, 0, 0, 0, 22),  # 22 probe failures logged, no test fails: never
    "15 probes, total-loss 5": (20, 17, 1, 300_060, 184),  # one failover, held until the loss ends
}
