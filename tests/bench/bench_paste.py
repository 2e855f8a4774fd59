"""Paste benchmark: N `set` lines pasted over SSH in configuration mode, then `commit and-quit`.

A person pastes a configuration into a terminal: the lines arrive in a few
large SSH packets and each is echoed, run, and answered with a prompt. This
times, on a fresh `nos cli --ssh 0` process, from the first byte sent to the
operational prompt after the commit, for growing N, and prints the growth
per doubling (x2 linear, x4 quadratic). Target (issue 9): 10,000 lines in
under 10 s, about the time of `load set terminal` with the same text, which
is printed alongside. Not a test:

    .venv/bin/python tests/bench/bench_paste.py [--sizes 1000,2000,5000,10000,20000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nos_process import Shell, growth, nos_over_ssh


def set_lines(n: int) -> list[str]:
    """N lines a person would paste: prefix lists, static routes, interface units with addresses."""
    out = []
    for i in range(n):
        a, b = (i >> 8) & 255, i & 255
        kind = i % 4
        if kind == 0:
            out.append(f"set policy-options prefix-list PL-{i // 400} 10.{a}.{b}.0/24")
        elif kind == 1:
            out.append(f"set routing-options static route 172.{16 + a % 16}.{b}.0/24 next-hop 192.0.2.1")
        elif kind == 2:
            out.append(f'set interfaces xe-0/0/{(i // 4) % 48} unit {i // 4 + 1} description "customer {i}"')
        else:
            out.append(f"set interfaces xe-0/0/{(i // 4) % 48} unit {i // 4 + 1} vlan-id {(i // 4) % 4000 + 1}")
    return out


async def paste(port: int, lines: list[str]) -> float:
    shell = await Shell.open(port)
    await shell.run("configure", "lab@nos# ")
    started = time.perf_counter()
    shell.process.stdin.write("".join(line + "\n" for line in lines) + "commit and-quit\n")
    out = await shell.read_to("lab@nos> ")
    elapsed = time.perf_counter() - started
    shell.close()
    if "commit complete" not in out:
        raise SystemExit("the commit failed:\n" + out[-2000:])
    return elapsed


async def load_terminal(port: int, lines: list[str]) -> float:
    """The same lines through `load set terminal` (Ctrl-D ends the text), then `commit and-quit`."""
    shell = await Shell.open(port)
    await shell.run("configure", "lab@nos# ")
    started = time.perf_counter()
    shell.process.stdin.write("load set terminal\n" + "".join(line + "\n" for line in lines) + "\x04")
    await shell.read_to("lab@nos# ")
    await shell.run("commit and-quit", "lab@nos> ")
    elapsed = time.perf_counter() - started
    shell.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,2000,5000,10000,20000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows: dict[str, list[tuple[int, float]]] = {"paste": [], "paste cpu": [], "load": [], "load cpu": []}
    for n in sizes:
        lines = set_lines(n)
        with nos_over_ssh() as served:  # a fresh process for each run: nothing carried over
            rows["paste"].append((n, asyncio.run(paste(served.port, lines))))
        rows["paste cpu"].append((n, served.cpu))
        with nos_over_ssh() as served:
            rows["load"].append((n, asyncio.run(load_terminal(served.port, lines))))
        rows["load cpu"].append((n, served.cpu))
        print(
            f"  {n} lines: paste {rows['paste'][-1][1]:.2f} s (server CPU {rows['paste cpu'][-1][1]:.2f} s), "
            f"load set terminal {rows['load'][-1][1]:.2f} s",
            flush=True,
        )
    print("paste over SSH, then commit and-quit (wall seconds):")
    print("\n".join(growth(rows["paste"])))
    print("the same, CPU seconds of the nos process (start-up and login included):")
    print("\n".join(growth(rows["paste cpu"])))
    print("load set terminal, then commit and-quit (wall seconds):")
    print("\n".join(growth(rows["load"])))
    ten_k = dict(rows["paste"]).get(10000)
    if ten_k is not None:
        print(f"target: 10,000 pasted lines in under 10 s: {ten_k:.2f} s {'OK' if ten_k < 10 else 'MISSED'}")


if __name__ == "__main__":
    main()
