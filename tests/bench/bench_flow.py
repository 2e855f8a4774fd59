"""Flow sessions on the user's path: the installed `nos` executable, `nos run LAB SCRIPT` in a fresh
process, a scripted load of concurrent sessions through an SRX (issue 12's targets at 100,000
sessions: <= 200 MB extra memory, <= 5 us median session lookup, aging on the lab clock without
per-session timers).

The lab (written to a temporary folder): hosts H1..H8, each on a trust port of the SRX, and the
Internet node behind its untrust uplink, serving 8.8.8.8; the SRX permits trust to untrust and
translates the sources to a PAT pool of four addresses (one address has 64,512 ports: not enough
for 100,000 sessions). Each host opens its share of the sessions with `flows 8.8.8.8 5000 count N`
(one UDP datagram a flow from its own source port, answered by the Internet node): N sessions of
60 s, each host in a lab second of its own. The script then checks `show security flow session
summary`, waits 61 s of lab time and checks that every session aged out.

Per size (12,500, 25,000, 50,000, 100,000 sessions) three processes run the same lab:
  base: the script without the load (the lab, the checks, the wait);
  one:  the load once;
  two:  the load twice (the second pass sends from the same ports: every packet follows the
        session the first pass made, and so does every answer).
and the curves are:
  * extra memory: the process's peak resident set (wait4's ru_maxrss), one minus base: the sessions,
    their NAT bindings and aging entries at their peak;
  * session lookup, median: each lookup of the SRX's table timed alone inside the process
    (NOS_FLOW_STATS=1, nos/lab/flowstats.py), those that found a session (the first pass's answers,
    both directions of the second pass), in run `two`;
  * the passes: CPU seconds of the first pass (one minus base: the whole walk of a flow and its
    answer, with the slow path, policy, NAT allocation and session creation) and of the second (two
    minus one: the same walk on the fast path), per session; CPU rather than wall time, which a busy
    machine stretches. Flat per-session numbers across sizes say nothing grows with the table;
  * aging: the lab scheduler's callbacks run in `two` minus those in `base` (the same lab time
    passes in both): with one timer per session they would be at least the sessions; the aging
    wheel arms one per second that sessions expire in, and files a refreshed session again when
    its old second comes (the second pass refreshed them all).

Not a test:

    .venv/bin/python tests/bench/bench_flow.py [--sizes 12500,25000,50000,100000] [--timeout 600]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nos_process import NOS, ROOT
from user_path import Curve, Failed, NosProcess, Target, Timeout, curve, describe, summary

SIZES = (12_500, 25_000, 50_000, 100_000)
HOSTS = 8
PER_HOST = 12_500  # a host opens at most this many (one source port a flow)
AGE = 61  # lab seconds after the load: UDP sessions of 60 s are gone by then

SRX = """\
set system host-name SRX
set system root-authentication encrypted-password "$6$lab$x"
set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/30
{host_ports}set routing-options static route 0.0.0.0/0 next-hop 192.0.2.2
set security zones security-zone untrust interfaces ge-0/0/0.0
{trust}set security policies from-zone trust to-zone untrust policy out match source-address any
set security policies from-zone trust to-zone untrust policy out match destination-address any
set security policies from-zone trust to-zone untrust policy out match application any
set security policies from-zone trust to-zone untrust policy out then permit
set security nat source pool pat address 203.0.113.0/30
set security nat source rule-set out from zone trust
set security nat source rule-set out to zone untrust
set security nat source rule-set out rule all match source-address 0.0.0.0/0
set security nat source rule-set out rule all then source-nat pool pat
"""


def lab_files(folder: Path) -> Path:
    ports = range(1, HOSTS + 1)
    srx = SRX.format(
        host_ports="".join(f"set interfaces ge-0/0/{n} unit 0 family inet address 10.0.{n}.1/24\n" for n in ports),
        trust="".join(f"set security zones security-zone trust interfaces ge-0/0/{n}.0\n" for n in ports),
    )
    (folder / "srx.conf").write_text(srx)
    lab = [
        '[lab]\nname = "flow-bench"\nclock = "virtual"\n',
        '[nodes.SRX]\nkind = "device"\nconfig = "srx.conf"\n',
        '[nodes.Net]\nkind = "internet"\naddress = "192.0.2.2/30"\nserves = ["8.8.8.8"]\n',
        '[[links]]\na = "SRX:ge-0/0/0"\nb = "Net:eth0"\n',
    ]
    for n in ports:
        lab.append(f'[nodes.H{n}]\nkind = "host"\naddress = "10.0.{n}.10/24"\ngateway = "10.0.{n}.1"\n')
        lab.append(f'[[links]]\na = "SRX:ge-0/0/{n}"\nb = "H{n}:eth0"\n')
    path = folder / "lab.toml"
    path.write_text("\n".join(lab))
    return path


def script(sessions: int, passes: int) -> str:
    """Two rounds, one lab second a host: in the first `passes` of them the hosts send their share of
    the load (a host's sessions are born, or refreshed, in a second of their own, so the aging wheel
    has several seconds to file them in, and the refreshed ones are filed again); then the count is
    checked, and after AGE seconds more, that every one aged out. Without load (passes 0) the same
    lab time passes, for the baseline's callbacks."""
    hosts = -(-sessions // PER_HOST)
    lines = []
    for round_ in range(2):
        left = sessions
        for n in range(1, hosts + 1):
            count = min(left, PER_HOST)
            left -= count
            if round_ < passes:
                lines += [f"H{n}> flows 8.8.8.8 5000 count {count}", f"expect : {count} answered"]
            lines.append("wait 1s")
    expected = sessions if passes else 0
    lines += ["SRX> show security flow session summary", f"expect Valid sessions: {expected}\\b"]
    lines += [f"wait {AGE}s", "SRX> show security flow session summary", "expect Valid sessions: 0\\b"]
    return "\n".join(lines) + "\n"


class Run:
    """One `nos run` process: wall seconds, peak resident MB, and its flow-stats lines."""

    def __init__(self, lab: Path, text: str, folder: Path, name: str, timeout: float):
        path = folder / f"{name}.txt"
        path.write_text(text)
        os.environ["NOS_FLOW_STATS"] = "1"  # inherited by the process (nos/lab/flowstats.py)
        with NosProcess(["run", "--clock", "virtual", str(lab), str(path)], timeout, cwd=ROOT) as p:
            ended = p.finish()  # (a failed expectation exits 1: Failed, with the stderr's tail)
            stderr = p.stderr_tail(20_000)
        self.wall, self.cpu, self.peak_mb = ended.wall, ended.cpu, ended.peak_mb
        self.stats = stderr

    def number(self, pattern: str) -> float:
        found = re.search(pattern, self.stats)
        if found is None:
            raise Failed(f"no '{pattern}' in the flow-stats:\n{self.stats[-600:]}")
        return float(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds a process may take")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if max(sizes) > HOSTS * PER_HOST:
        parser.error(f"at most {HOSTS * PER_HOST:,} sessions")
    print(f"nos: {NOS} (nos run, virtual clock, a fresh process per run)")

    memory = Curve("extra memory at the peak (max RSS, load minus none)", "MB", Target(limit=200, at=100_000))
    lookup = Curve("session lookup, median (found, each timed alone in the process)", "us", Target(limit=5))
    first = Curve("first pass, CPU per session (the whole walk: slow path, policy, NAT, session, answer)", "us")
    second = Curve("second pass, CPU per session (the whole walk, both directions following the session)", "us")
    callbacks = Curve("aging: scheduler callbacks run, load minus none (one timer a session: >= sessions)", "")
    armed = Curve("aging: the wheel's scheduler callbacks armed (about one per second sessions expire in)", "")
    refiled = Curve("aging: sessions filed again (refreshed by the second pass when their first second came)", "")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        lab = lab_files(folder)
        for size in sizes:
            try:
                base = Run(lab, script(size, 0), folder, f"base-{size}", args.timeout)
                one = Run(lab, script(size, 1), folder, f"one-{size}", args.timeout)
                two = Run(lab, script(size, 2), folder, f"two-{size}", args.timeout)
            except (Timeout, Failed) as exc:
                for c in (memory, lookup, first, second, callbacks, armed, refiled):
                    c.add(size, describe(exc))
                print(f"{size:,}: {describe(exc)}")
                continue
            memory.add(size, one.peak_mb - base.peak_mb)
            lookup.add(size, two.number(r"found \d+ median ([\d.]+) us"))
            first.add(size, (one.cpu - base.cpu) / size * 1e6)
            second.add(size, (two.cpu - one.cpu) / size * 1e6)
            ran = r"scheduler: (\d+) callbacks run"
            callbacks.add(size, two.number(ran) - base.number(ran))
            armed.add(size, two.number(r"aging wheel: (\d+) scheduler callbacks armed"))
            refiled.add(size, two.number(r"callbacks armed, (\d+) re-filed"))
            print(
                f"{size:,} sessions: base {base.wall:.1f} s wall {base.peak_mb:.0f} MB, one {one.wall:.1f} s "
                f"{one.peak_mb:.0f} MB, two {two.wall:.1f} s {two.peak_mb:.0f} MB",
                flush=True,
            )
    print()
    for c in (memory, lookup, first, second, callbacks, armed, refiled):
        curve(c, "sessions")
    summary()


if __name__ == "__main__":
    main()
