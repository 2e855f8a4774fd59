"""BGP feeds on the user's path: a full table from an upstream, and a feed between two lab devices.

    .venv/bin/python tests/bench/bench_bgp.py [--sizes 125000,250000,500000,1000000] [--only feed|devices|lookups]

1. Full table (issue 10: "1M routes ... inserted in <= 3 s with a listener attached, <= 250 MB per
   table"): `nos lab --clock virtual` with R1 peering EBGP with an internet node whose lab file feeds N
   /24s. Timed at the lab console: `wait 1s` (the session comes up and the whole feed is installed in
   R1's inet.0, the lab's timeline listening), `R1> show route summary`, the cut of the link (the
   session closes at once and N routes leave), and its restoration with the feed learnt again. Memory:
   R1's peak resident memory after the feed minus the same lab with a feed of one prefix.
2. Between devices (issue 15: "a BGP feed of 100,000 prefixes between two lab devices converges in <=
   10 s"): the upstream feeds R1, R1 passes it to R2 over EBGP; `wait 1s` until R2 holds it all.
3. Lookups (issue 10: ">= 500k LPM lookups/s"): in a fresh Python process, the lab built from the same
   lab file (the product's path to the table), then longest-prefix matches of random addresses in R1's
   inet.0, timed in-process: a lookup has no console command of its own; forwarding is what uses it.

Not a test: run by hand; prints the curves and the targets.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nos_process import ROOT
from user_path import LAB, VERDICTS, Curve, Failed, Target, curve, describe, expect, start_lab, summary

SIZES = [125_000, 250_000, 500_000, 1_000_000]
TARGET_AT = 1_000_000
BETWEEN_DEVICES = [12_500, 25_000, 50_000, 100_000]
PASSWORD = "$6$pqxBpqLHVDSJpfuI$KvbwUPFhL2i37gR/FyS9ML8q3PVovNq5uIaCI9NCATTtwVRGW6mn3Y1UDR1y4aamD5WVjnst2nQ7NzyL7ayge0"


def device(name: str, asn: int, addresses: dict[str, str], neighbors: dict[str, int], export: bool = False) -> str:
    lines = [f"set system host-name {name}", f'set system root-authentication encrypted-password "{PASSWORD}"']
    lines += [f"set interfaces {port} unit 0 family inet address {a}" for port, a in addresses.items()]
    lines.append(f"set routing-options autonomous-system {asn}")
    for address, peer_as in neighbors.items():
        group = f"AS{peer_as}"
        lines += [
            f"set protocols bgp group {group} type external",
            f"set protocols bgp group {group} peer-as {peer_as}",
            f"set protocols bgp group {group} neighbor {address}",
        ]
    return "\n".join(lines) + "\n"


def write_lab(folder: Path, count: int, second_device: bool) -> Path:
    r1 = {"ge-0/0/0": "198.51.100.1/30"}
    peers = {"198.51.100.2": 65001}
    if second_device:
        r1["ge-0/0/1"] = "10.0.12.1/30"
        peers["10.0.12.2"] = 65002
    (folder / "r1.set").write_text(device("R1", 65000, r1, peers))
    nodes = [
        '[lab]\nname = "bgp-feed"\nclock = "virtual"\n',
        '[nodes.R1]\nkind = "device"\nplatform = "router"\nconfig = "r1.set"\n',
    ]
    links = [("R1:ge-0/0/0", "ISP:eth0")]
    if second_device:
        (folder / "r2.set").write_text(device("R2", 65002, {"ge-0/0/1": "10.0.12.2/30"}, {"10.0.12.1": 65000}))
        nodes.append('[nodes.R2]\nkind = "device"\nplatform = "router"\nconfig = "r2.set"\n')
        links.append(("R1:ge-0/0/1", "R2:ge-0/0/1"))
    nodes.append(
        '[nodes.ISP]\nkind = "internet"\naddress = ["198.51.100.2/30"]\n\n'
        '[nodes.ISP.bgp]\nas = 65001\nneighbors = { "198.51.100.1" = 65000 }\n'
        f'feeds = [ {{ from = "16.0.0.0", length = 24, count = {count}, path = [174] }} ]\n'
    )
    nodes += [f'[[links]]\na = "{a}"\nb = "{b}"\n' for a, b in links]
    path = folder / "lab.toml"
    path.write_text("\n".join(nodes))
    return path


def destinations(summary_text: str, table: str = "inet.0") -> int:
    for line in summary_text.splitlines():
        if line.startswith(f"{table}: "):
            return int(line.split()[1])
    return -1


def baseline_rss(timeout: float) -> float:
    """R1's lab with a feed of one prefix: peak memory after the session came up."""
    with (
        tempfile.TemporaryDirectory(prefix="nos-bench-") as tmp,
        start_lab(write_lab(Path(tmp), 1, False), timeout) as p,
    ):
        p.command("wait 1s", LAB)
        rss = p.peak_mb()
        p.send("quit")
        p.finish()
    return rss


def feed(sizes: list[int], timeout: float) -> None:
    install = Curve(
        "feed installed: `wait 1s` (session up, N routes in R1's inet.0, timeline listening)",
        "s",
        Target(3.0, TARGET_AT),
    )
    show = Curve("`R1> show route summary` with the feed", "s")
    memory = Curve("R1's peak resident memory with the feed minus with one prefix", "MB", Target(250.0, TARGET_AT))
    cut = Curve("link cut: `link R1:ge-0/0/0 down` and `wait 1s` (the session closes, N routes leave)", "s")
    back = Curve("link restored, `wait 40s`: the session again (connect retry) and the feed relearnt", "s")
    base = baseline_rss(timeout)
    for n in sizes:
        t0 = time.perf_counter()
        try:
            with (
                tempfile.TemporaryDirectory(prefix="nos-bench-") as tmp,
                start_lab(write_lab(Path(tmp), n, False), timeout) as p,
            ):
                seconds, _ = p.command("wait 1s", LAB)
                install.add(n, seconds)
                memory.add(n, p.peak_mb() - base)
                seconds, out = p.command("R1> show route summary", LAB)
                if destinations(out) < n:
                    raise Failed(f"inet.0 holds {destinations(out)} destinations, not {n}:\n{out[-800:]}")
                show.add(n, seconds)
                seconds, out = p.command("link R1:ge-0/0/0 down", LAB)
                expect(out, "is now down", "link down")
                waited, out = p.command("wait 1s", LAB)
                _, out = p.command("R1> show route summary", LAB)
                if destinations(out) > 10:
                    raise Failed(f"the feed did not leave with the link:\n{out[-800:]}")
                cut.add(n, seconds + waited)
                up, _ = p.command("link R1:ge-0/0/0 up", LAB)
                waited, _ = p.command("wait 40s", LAB)  # both ends retry 32 s after their first attempt
                _, out = p.command("R1> show route summary", LAB)
                if destinations(out) < n:
                    raise Failed(f"the feed did not come back:\n{out[-800:]}")
                back.add(n, up + waited)
                p.send("quit")
                p.finish()
        except Exception as exc:  # a number, or why there is none
            for c in (install, show, memory, cut, back):
                if not any(size == n for size, _ in c.rows):
                    c.add(n, describe(exc))
        print(f"  {n:,} prefixes: {time.perf_counter() - t0:.1f} s", flush=True)
    print()
    print("USER'S PATH: `nos lab` with an upstream feeding N prefixes over BGP (targets of issue 10)")
    for c in (install, show, memory, cut, back):
        curve(c, "prefixes")


def between_devices(sizes: list[int], timeout: float) -> None:
    converge = Curve("upstream -> R1 -> R2: `wait 1s` until R2 holds the feed", "s", Target(10.0, 100_000))
    for n in sizes:
        try:
            with (
                tempfile.TemporaryDirectory(prefix="nos-bench-") as tmp,
                start_lab(write_lab(Path(tmp), n, True), timeout) as p,
            ):
                seconds, _ = p.command("wait 1s", LAB)
                _, out = p.command("R2> show route summary", LAB)
                if destinations(out) < n:
                    raise Failed(f"R2's inet.0 holds {destinations(out)} destinations, not {n}:\n{out[-800:]}")
                converge.add(n, seconds)
                p.send("quit")
                p.finish()
        except Exception as exc:  # a number, or why there is none
            converge.add(n, describe(exc))
    print()
    print("USER'S PATH: a BGP feed between two lab devices (target of issue 15)")
    curve(converge, "prefixes")


LOOKUPS = r"""
import random, sys, time
from pathlib import Path
from nos.lab.labfile import load_lab_file
from nos.lab.topology import build_lab
from nos.runtime.clock import ManualScheduler
scheduler = ManualScheduler()
lab = build_lab(load_lab_file(Path(sys.argv[1])), scheduler=scheduler, state_dir=Path(sys.argv[2]))
scheduler.advance(1.0)
rib = lab.nodes["R1"].device.routing.tables["inet.0"]
rng = random.Random(1)
n = int(sys.argv[3])
addresses = [(16 << 24) + rng.randrange(n << 8) for _ in range(1_000_000)]
lookup = rib.lookup
t = time.perf_counter()
found = sum(1 for a in addresses if lookup(a) is not None)
seconds = time.perf_counter() - t
print(f"{len(addresses) / seconds:.0f} {found}")
"""


def lookups(sizes: list[int], timeout: float) -> None:
    rate = Curve("longest-prefix matches per second in R1's inet.0 (1M random addresses in the feed)", "k/s")
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="nos-bench-") as tmp:
            path = write_lab(Path(tmp), n, False)
            run = subprocess.run(
                [sys.executable, "-c", LOOKUPS, str(path), str(Path(tmp) / "state"), str(n)],
                capture_output=True,
                text=True,
                timeout=timeout,
                cwd=ROOT,
                check=False,
            )
            if run.returncode != 0:
                rate.add(n, f"FAILED ({run.stderr.strip().splitlines()[-1] if run.stderr.strip() else run.returncode})")
                continue
            per_second, found = run.stdout.split()
            if int(found) != 1_000_000:
                rate.add(n, f"FAILED (only {found} of 1,000,000 addresses matched)")
                continue
            rate.add(n, float(per_second) / 1000)
    print()
    print("THE TABLE THE LAB BUILT, in-process (target of issue 10: >= 500k lookups/s at 1M routes)")
    curve(rate, "prefixes")
    at = dict(rate.rows).get(TARGET_AT)
    if isinstance(at, float):
        verdict = "OK" if at >= 500 else "OVER"  # OVER: past the target, here below it
        VERDICTS.append(verdict)
        print(f"  at {TARGET_AT:,} routes: {at:.0f}k lookups/s, target >= 500k: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="feed sizes in prefixes")
    parser.add_argument("--devices", default=",".join(map(str, BETWEEN_DEVICES)), help="feed sizes between devices")
    parser.add_argument("--timeout", type=float, default=180.0, help="deadline of each nos process, seconds")
    parser.add_argument("--only", choices=("feed", "devices", "lookups"), help="run one part")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if args.only in (None, "feed"):
        feed(sizes, args.timeout)
    if args.only in (None, "devices"):
        between_devices(sorted(int(s) for s in args.devices.split(",")), args.timeout)
    if args.only in (None, "lookups"):
        lookups(sizes, args.timeout)
    print()
    summary()


if __name__ == "__main__":
    main()
