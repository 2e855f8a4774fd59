"""SSH benchmark: logins and command round trips against one device served by `nos cli --ssh`.

Starts the real executable (virtual clock), then with asyncssh clients on one
loop measures: the time from TCP connect to the first prompt, and how many
`show version` round trips per second N concurrent sessions get. Not a test:

    .venv/bin/python tests/bench/bench_ssh.py [--sessions 20] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncssh

ROOT = Path(__file__).resolve().parents[2]
PROMPT = "lab@nos> "


async def login(port: int) -> tuple[asyncssh.SSHClientProcess, float]:
    started = time.perf_counter()
    conn = await asyncssh.connect(
        "127.0.0.1", port=port, username="lab", password="lab123", known_hosts=None, client_keys=None
    )
    process = await conn.create_process(term_type="vt100", term_size=(80, 0))
    await read_to_prompt(process)
    return process, time.perf_counter() - started


async def read_to_prompt(process: asyncssh.SSHClientProcess) -> str:
    out = ""
    while not out.endswith(PROMPT):
        out += await process.stdout.read(65536)
    return out


async def hammer(process: asyncssh.SSHClientProcess, until: float) -> int:
    done = 0
    while time.perf_counter() < until:
        process.stdin.write("show version\n")
        await read_to_prompt(process)
        done += 1
    return done


async def bench(port: int, sessions: int, seconds: float) -> None:
    logins = [await login(port) for _ in range(5)]
    print(
        f"login to first prompt: median {statistics.median(t for _, t in logins) * 1000:.0f} ms (5 logins, one at a time)"
    )
    for process, _ in logins:
        process.close()
    started = time.perf_counter()
    opened = await asyncio.gather(*(login(port) for _ in range(sessions)))
    print(f"{sessions} logins at once: all at their prompt after {time.perf_counter() - started:.2f} s")
    until = time.perf_counter() + seconds
    counts = await asyncio.gather(*(hammer(p, until) for p, _ in opened))
    total = sum(counts)
    print(
        f"{sessions} sessions running show version for {seconds:.0f} s: {total / seconds:.0f} commands/s in all, "
        f"{min(counts) / seconds:.1f}-{max(counts) / seconds:.1f} per session"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as state:
        proc = subprocess.Popen(
            [sys.executable, "-m", "nos", "cli", "--ssh", "0", "--clock", "virtual", "--state-dir", state],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip
        try:
            assert proc.stdout is not None
            proc.stdout.readline()
            port = int(proc.stdout.readline().split()[1].rsplit(":", 1)[1])
            asyncio.run(bench(port, args.sessions, args.seconds))
        finally:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
