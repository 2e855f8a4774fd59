"""The event-policy failover (issue 11), run as a `nos run` script, with exact virtual times.

demo-configs/dual-isp-event-policy: BranchC's RPM test of ISP1 as in the demo lab, no
ip-monitoring, and `event-options policy isp1-down`, which commits a new default route for
ISP1's instance (through ISP2) on the Nth PING_TEST_FAILED of probe-isp1 within S seconds.
The instant it runs is computed, never written down: the RPM model (rpm_timeline.py) gives the
failed tests from the configuration and the moment the script cut the link (its `clock` line),
and the policy's `within S { trigger on N; }` read from the same configuration picks the one
that runs it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from rpm_timeline import Switch, Timeline, clocks, commands, events, latency_ms, output_of, rpm_timing, seconds

from nos.main import main
from nos.runtime.clock import VIRTUAL_EPOCH, format_time

LAB_DIR = Path(__file__).resolve().parents[2] / "demo-configs" / "dual-isp-event-policy"
LAB = LAB_DIR / "lab.toml"
CONFIG = (LAB_DIR / "branchc.conf").read_text()


def run(script: Path | str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Run a scenario script (a file, or the text of one) with `nos run`; its transcript."""
    if isinstance(script, str):
        path = tmp_path / f"script-{len(list(tmp_path.glob('script-*')))}.txt"
        path.write_text(script)
        script = path
    status = main(["run", str(LAB), str(script), "--state-dir", str(tmp_path / f"state-{script.stem}")])
    out = capsys.readouterr().out
    assert status == 0, out
    return out


def trigger_on() -> tuple[int, int]:
    """(window s, N) of the policy's `within S { trigger on N; }`."""
    m = re.search(r"(?s)policy isp1-down \{.*?within (\d+) \{\s*trigger on (\d+);", CONFIG)
    assert m, "no `within S { trigger on N; }` in policy isp1-down"
    return int(m.group(1)), int(m.group(2))


def failed_tests(cut: int, restore: int | None = None) -> list[int]:
    """When probe-isp1's tests fail (ms) for a cut of BranchC's ISP1 link from `cut` to `restore`."""
    timing = rpm_timing(CONFIG, "probe-isp1", "test-1")
    rtt = 2 * latency_ms(tomllib.loads(LAB.read_text()), "BranchC:ge-0/0/1", "ISP1:ge-0/0/0")
    link = Switch().set(cut, False)
    if restore is not None:
        link.set(restore, True)
    timeline = Timeline()
    timeline.test("probe-isp1", "test-1", timing, lambda when: rtt if link(when) else None)
    timeline.run(cut + 180_000)
    return [c.time for c in timeline.completions_of("probe-isp1") if not c.passed]


def policy_runs(failures: list[int]) -> list[int]:
    """The failures on which `trigger on N` within S seconds runs the policy: the Nth of a window."""
    window, n = trigger_on()
    return [t for t in failures if sum(1 for f in failures if t - window * 1000 <= f <= t) == n]


def failover_time(cut: int) -> tuple[int, list[int]]:
    failures = failed_tests(cut)
    runs = policy_runs(failures)
    assert runs, "the model never runs the policy"
    return runs[0], failures


def route_rows(output: str) -> list[tuple[str, str | None]]:
    """(time, next hop or None) of the timeline's changes of ISP1.inet.0's default route."""
    rows = []
    for when, text in events(output, kind="route"):
        if text.startswith("ISP1.inet.0 0.0.0.0/0:"):
            m = re.search(r": \S+ to (\S+)", text)
            rows.append((when, m.group(1) if m and "no active route" not in text else None))
    return rows


def test_the_policy_moves_the_route_at_the_computed_instant(tmp_path, capsys):
    out = run(LAB_DIR / "scenario-event-policy.txt", tmp_path, capsys)
    (cut,) = clocks(out)
    fire, failures = failover_time(cut)
    # The model's story: the second failed test after the cut runs the policy (`trigger on 2`), 8 s after
    # the first; what the scenario's comments say (cut 30.000, failures 41.040 and 49.040).
    assert fire == failures[trigger_on()[1] - 1]
    assert (cut, failures[:2], fire) == (30_000, [41_040, 49_040], 49_040)

    timeline = output_of(out, "events since 30 node BranchC")
    assert route_rows(timeline) == [(seconds(cut), None), (seconds(fire), "10.2.2.1")]
    eventd = [(when, text) for when, text in events(timeline) if text.startswith("EVENTD_")]
    assert eventd == [
        (
            seconds(fire),
            "EVENTD_CONFIG_CHANGE_SUCCESS: Configuration change successful: "
            "while executing policy isp1-down with user lab privileges",
        )
    ]
    failed = [when for when, text in events(timeline) if text.startswith("PING_TEST_FAILED")]
    assert failed == [seconds(t) for t in failures if t <= 110_000]  # the script's timeline ends at 110 s

    committed = format_time(VIRTUAL_EPOCH + fire // 1000)
    assert output_of(out, "show system commit", 1).startswith(
        f"0   {committed} by lab via junoscript\n    event-options isp1-down: ISP1 default route via ISP2\n"
    )
    stamp = committed.replace("-", "").replace(":", "").replace(" UTC", "").replace(" ", "_")
    name = f"BranchC_isp1-down_{stamp}"
    assert name in output_of(out, "file list /var/tmp")
    saved = output_of(out, f"file show /var/tmp/{name}")
    assert "root@BranchC> show route table ISP1.inet.0 0.0.0.0/0 exact" in saved
    assert ">  to 10.2.2.1 via ge-0/0/2.0" in saved  # the commands ran after the commit


def active_next_hop(show_route: str) -> str | None:
    m = re.search(r"\*\[[^\]]+\][^\n]*\n\s+>\s+to (\S+)", show_route)
    return m.group(1) if m else None


def test_the_route_moves_to_the_millisecond(tmp_path, capsys):
    """Half a millisecond before the computed instant ISP1.inet.0 has no default route (the configured
    one is hidden), half a millisecond after it has the committed one."""
    cut = 30_000
    fire, _ = failover_time(cut)
    show = "BranchC> show route table ISP1.inet.0 0.0.0.0/0 exact"
    script = [f"wait {cut / 1000:.4f}s", "link BranchC:ge-0/0/1 down"]
    script += [f"wait {(fire - cut) / 1000 - 0.0005:.4f}s", show, "wait 0.0010s", show]
    out = run("\n".join(script) + "\n", tmp_path, capsys)
    seen = [active_next_hop(text) for node, cmd, text in commands(out) if f"{node}> {cmd}" == show]
    assert seen == [None, "10.2.2.1"]


def test_a_short_outage_counts_one_failure_and_changes_nothing(tmp_path, capsys):
    """Cut at 30 s, back at 45 s: one failed test (41.040), the count never reaches 2."""
    cut, restore = 30_000, 45_000
    failures = failed_tests(cut, restore)
    assert len(failures) == 1 and policy_runs(failures) == []
    script = [
        f"wait {cut / 1000}s",
        "link BranchC:ge-0/0/1 down",
        f"wait {(restore - cut) / 1000}s",
        "link BranchC:ge-0/0/1 up",
        "wait 60s",
        "BranchC> show system commit",
        "events since 30 node BranchC",
    ]
    out = run("\n".join(script) + "\n", tmp_path, capsys)
    assert "junoscript" not in output_of(out, "show system commit")
    timeline = events(output_of(out, "events since 30 node BranchC"))
    assert [when for when, text in timeline if text.startswith("PING_TEST_FAILED")] == [seconds(failures[0])]
    assert not [text for _, text in timeline if "EVENTD" in text]
