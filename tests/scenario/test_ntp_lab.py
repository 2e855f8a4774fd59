"""NTP in the default lab (demo-configs/dual-isp) on a manual clock, at exact virtual times.

At 10 s BranchC is configured with two servers of the Internet node, 8.8.8.8 through routing
instance ISP1 and 8.8.4.4 through ISP2, and ISP1 with 8.8.8.8. By ntpd's rules (client.py):

- the k-th server of a commit polls first k s after it: BranchC's 8.8.8.8 and ISP1's at 11 s,
  BranchC's 8.8.4.4 at 12 s; then every 64 s;
- each answer comes one lab round trip after its poll (the links' latencies, there and back);
- the reach register shifts at each poll and gets its 1 with the answer: 1, 3, 7, 17, ... (octal);
- the first server to answer is the system peer (`*`) from its first answer; the other is marked a
  candidate (`+`) when the system peer's next sample comes;
- after six clock updates (6 x 6 > 30) the system poll is 7: the polls after the 6th answer are
  128 s apart (the 7th poll still at 64 s: it was due before the change).

At 700 s ISP1's link to the Internet is cut: every poll of 8.8.8.8 (ISP1's, and BranchC's through
ISP1) goes unanswered; reach shifts down to 0 in eight polls. BranchC moves its system peer to
8.8.4.4 at that server's next answer; ISP1, with no other server, keeps its system peer until the
8th empty sample leaves its clock filter empty, then runs on its own clock (LOCAL CLOCK).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from nos.config.load import parse_set
from nos.features.ntp.client import Peer
from nos.features.system.uptime import time_source
from nos.lab.labfile import load_lab_file
from nos.lab.topology import Lab, build_lab
from nos.runtime.clock import ManualScheduler
from nos.runtime.device import Device

DUAL = Path(__file__).resolve().parents[2] / "demo-configs" / "dual-isp"
COMMIT, CUT = 10.0, 700.0
POLLS = [1, 65, 129, 193, 257, 321, 385, 513, 641]  # after the commit: 64 s apart, then 128 s


def latency(a: str, b: str) -> float:
    """One way, in s, of the lab file's link between nodes `a` and `b`."""
    lab = tomllib.loads((DUAL / "lab.toml").read_text())
    for link in lab["links"]:
        ends = {link["a"].split(":")[0], link["b"].split(":")[0]}
        if ends == {a, b}:
            return link.get("latency", 1) / 1000
    raise AssertionError(f"no link {a} - {b}")


RTT_ISP1 = 2 * (latency("BranchC", "ISP1") + latency("ISP1", "Internet"))  # BranchC to 8.8.8.8
RTT_ISP2 = 2 * (latency("BranchC", "ISP2") + latency("ISP2", "Internet"))  # BranchC to 8.8.4.4
RTT_ISP1_OWN = 2 * latency("ISP1", "Internet")  # ISP1 to 8.8.8.8


def commit(device: Device, text: str) -> None:
    tree = device.db.new_candidate()
    report = parse_set(tree, text)
    assert not report.messages, report.messages
    result = device.db.commit(tree, "lab")
    assert result.ok, result.lines


@pytest.fixture
def lab(tmp_path: Path):  # type: ignore[no-untyped-def]
    clock = ManualScheduler()
    built = build_lab(load_lab_file(DUAL / "lab.toml"), scheduler=clock, state_dir=tmp_path / "state")
    clock.advance(COMMIT)
    commit(
        built.devices["BranchC"],
        "set system ntp server 8.8.8.8 routing-instance ISP1\nset system ntp server 8.8.4.4 routing-instance ISP2\n",
    )
    commit(built.devices["ISP1"], "set system ntp server 8.8.8.8\n")
    yield built
    built.close()


def peer(lab: Lab, device: str, address: str) -> Peer:
    return next(p for p in lab.devices[device].ntp.associations() if p.spec.address == address)


def at(lab: Lab, when: float) -> None:
    clock = lab.scheduler
    clock.advance(when - clock.now())


def reach(lab: Lab, device: str, address: str) -> str:
    return f"{peer(lab, device, address).reach:o}"


def test_reach_fills_up_poll_by_poll_and_the_first_answer_makes_the_system_peer(lab: Lab) -> None:
    branch = lab.devices["BranchC"]
    assert time_source(branch) == " LOCAL CLOCK "
    expected = ["1", "3", "7", "17", "37", "77", "177", "377", "377"]
    for poll, after in zip(POLLS, expected, strict=True):
        sent = COMMIT + poll
        at(lab, sent + RTT_ISP1 - 0.0005)  # the poll is out, its answer not yet in
        assert reach(lab, "BranchC", "8.8.8.8") == f"{int(after, 8) & 0o376:o}"
        at(lab, sent + RTT_ISP1 + 0.0005)
        assert reach(lab, "BranchC", "8.8.8.8") == after
        assert reach(lab, "ISP1", "8.8.8.8") == after  # the same polls, a shorter way
        if poll == 1:
            assert peer(lab, "BranchC", "8.8.8.8").tally == "*" and time_source(branch) == " NTP CLOCK "
            assert peer(lab, "BranchC", "8.8.4.4").tally == " "  # polled at 12 s, not yet selected
        if poll == 65:
            assert peer(lab, "BranchC", "8.8.4.4").tally == "+"
    first, other = peer(lab, "BranchC", "8.8.8.8"), peer(lab, "BranchC", "8.8.4.4")
    assert first.delay == pytest.approx(RTT_ISP1) and other.delay == pytest.approx(RTT_ISP2)
    assert peer(lab, "ISP1", "8.8.8.8").delay == pytest.approx(RTT_ISP1_OWN)
    assert first.poll_interval == 128 and branch.ntp.sys_poll == 7
    lines = [line.split() for line in _show(branch, "show ntp associations")[2:]]
    assert lines == [
        ["*8.8.8.8", ".GPS.", "1", "-", lines[0][4], "128", "377", f"{RTT_ISP1 * 1e3:.3f}", "0.000", "0.000"],
        ["+8.8.4.4", ".GPS.", "1", "-", lines[1][4], "128", "377", f"{RTT_ISP2 * 1e3:.3f}", "0.000", "0.000"],
    ]


def test_cutting_isp1s_uplink_shifts_reach_down_and_moves_the_system_peer(lab: Lab) -> None:
    at(lab, CUT)
    assert reach(lab, "BranchC", "8.8.8.8") == reach(lab, "ISP1", "8.8.8.8") == "377"
    lab.set_link_state(lab.find_link("ISP1:ge-0/0/1", "Internet:eth0"), False)
    polls = [COMMIT + POLLS[-1] + 128 * k for k in range(1, 9)]  # 128 s apart, none answered
    for when, expected in zip(polls, ["376", "374", "370", "360", "340", "300", "200", "0"], strict=True):
        at(lab, when + 0.5)
        assert reach(lab, "BranchC", "8.8.8.8") == reach(lab, "ISP1", "8.8.8.8") == expected
    # BranchC: 8.8.8.8 stays the system peer while it is fit; 8.8.4.4's next answer selects again.
    assert peer(lab, "BranchC", "8.8.8.8").tally == "*"
    other = peer(lab, "BranchC", "8.8.4.4")
    at(lab, other.nextdate + RTT_ISP2 + 0.0005)
    assert (peer(lab, "BranchC", "8.8.8.8").tally, other.tally) == (" ", "*")
    assert time_source(lab.devices["BranchC"]) == " NTP CLOCK "
    # ISP1: its only server keeps the clock until the 8th empty sample (7 more polls, 128 s apart).
    isp1 = lab.devices["ISP1"]
    at(lab, polls[-1] + 7 * 128 - 0.5)
    assert peer(lab, "ISP1", "8.8.8.8").tally == "*" and time_source(isp1) == " NTP CLOCK "
    at(lab, polls[-1] + 7 * 128 + 0.5)
    assert peer(lab, "ISP1", "8.8.8.8").tally == " " and time_source(isp1) == " LOCAL CLOCK "
    assert _show(isp1, "show ntp status")[0] == "associd=0 status=0018 leap_none, sync_unspec, 1 event, no_sys_peer,"


def _show(device: Device, command: str) -> list[str]:
    import trio

    from nos.cli.io import BufferIO
    from nos.cli.session import CliSession

    io = BufferIO()
    session = CliSession(device, "lab", io)
    trio.run(session.execute, command)
    return io.take().splitlines()
