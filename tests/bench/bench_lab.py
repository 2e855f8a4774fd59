"""Lab benchmark: a chain of 100 devices between two hosts.

Prints the time to build and start the lab (configurations loaded and
committed, tables filled, clock running) and runs a ping from one end to the
other across every device. Not a test: run it

    .venv/bin/python tests/bench/bench_lab.py [--devices 100]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import trio

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from nos.lab import tools
from nos.lab.labfile import load_lab_file
from nos.lab.topology import build_lab
from nos.routing.prefix import addr


def router_config(i: int, n: int) -> str:
    """R<i> sits between link i-1 (10.<i-1>.0.0/24, left) and link i (right), routes both ways."""
    lines = [
        f"set system host-name R{i}",
        'set system root-authentication encrypted-password "$6$bench$x"',
        f"set interfaces ge-0/0/0 unit 0 family inet address 10.{i - 1}.0.2/24",
        f"set interfaces ge-0/0/1 unit 0 family inet address 10.{i}.0.1/24",
    ]
    if i < n:
        lines.append(f"set routing-options static route 10.{n}.0.0/24 next-hop 10.{i}.0.2")
    if i > 1:
        lines.append(f"set routing-options static route 10.0.0.0/24 next-hop 10.{i - 1}.0.1")
    return "\n".join(lines) + "\n"


def write_lab(folder: Path, n: int) -> Path:
    parts = ['[lab]\nname = "chain"\nseed = 1\nclock = "virtual"\n']
    parts.append('[nodes.H1]\nkind = "host"\naddress = "10.0.0.1/24"\ngateway = "10.0.0.2"\nttl = 255\n')
    parts.append(f'[nodes.H2]\nkind = "host"\naddress = "10.{n}.0.2/24"\ngateway = "10.{n}.0.1"\nttl = 255\n')
    for i in range(1, n + 1):
        (folder / f"r{i}.conf").write_text(router_config(i, n))
        parts.append(f'[nodes.R{i}]\nkind = "device"\nconfig = "r{i}.conf"\n')
    links = [("H1:eth0", "R1:ge-0/0/0")]
    links += [(f"R{i}:ge-0/0/1", f"R{i + 1}:ge-0/0/0") for i in range(1, n)]
    links.append((f"R{n}:ge-0/0/1", "H2:eth0"))
    for a, b in links:
        parts.append(f'[[links]]\na = "{a}"\nb = "{b}"\nlatency = 1\n')
    path = folder / "lab.toml"
    path.write_text("\n".join(parts))
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=100)
    n = parser.parse_args().devices
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = write_lab(folder, n)
        t0 = time.perf_counter()
        lab = build_lab(load_lab_file(path), clock="virtual", state_dir=folder / "state")
        lines: list[str] = []

        async def body() -> None:
            async with lab.running():
                started = time.perf_counter() - t0
                print(f"{f'build and start a {n}-device chain':<44} {started:9.2f} s   (target <= 5 s)")
                opts = tools.PingOptions(count=3, ttl=255)
                t1 = time.perf_counter()
                stats = await tools.ping(lab, "H1", addr(f"10.{n}.0.2"), opts, lab.sleep, lines.append)
                lines.extend(stats)
                print(f"{'ping H1 -> H2 across the chain, 3 packets':<44} {time.perf_counter() - t1:9.3f} s")

        try:
            trio.run(body, clock=lab.scheduler.trio_clock)  # type: ignore[attr-defined]
        finally:
            lab.close()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{'resident memory (peak)':<44} {rss:9.0f} MB")
        print("\n".join(lines))


if __name__ == "__main__":
    main()
