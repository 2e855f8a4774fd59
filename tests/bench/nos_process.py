"""The user's path for SSH benchmarks: a fresh `nos cli --ssh 0` process and asyncssh logins to it.

Shared by bench_paste.py and bench_longline.py (not a test).
"""

from __future__ import annotations

import math
import resource
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncssh

ROOT = Path(__file__).resolve().parents[2]
NOS = Path(sys.executable).parent / "nos"  # the installed console script, next to this Python


class Served:
    """A running `nos cli --ssh 0`: its port, and once it ended, the CPU seconds it used."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cpu = 0.0


@contextmanager
def nos_over_ssh() -> Iterator[Served]:
    """Start `nos cli --ssh 0` (virtual clock, a fresh state directory) and yield it.

    The CPU time is the server's own (the machine may be busy with other work, which
    stretches wall time but not this).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as state:
        proc = subprocess.Popen(
            [str(NOS), "cli", "--ssh", "0", "--clock", "virtual", "--state-dir", state],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip
        served = Served(0)
        try:
            assert proc.stdout is not None
            proc.stdout.readline()  # the table's header
            served.port = int(proc.stdout.readline().split()[1].rsplit(":", 1)[1])
            yield served
        finally:
            proc.terminate()
            proc.wait()
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            served.cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


class Shell:
    """One interactive SSH session as a script drives it: write keys, read up to a prompt."""

    def __init__(self, process: asyncssh.SSHClientProcess) -> None:
        self.process = process

    @classmethod
    async def open(cls, port: int, prompt: str = "lab@nos> ") -> Shell:
        conn = await asyncssh.connect(
            "127.0.0.1", port=port, username="lab", password="lab123", known_hosts=None, client_keys=None
        )
        shell = cls(await conn.create_process(term_type="vt100", term_size=(200, 0)))
        await shell.read_to(prompt)
        return shell

    async def read_to(self, prompt: str, count: int = 1) -> str:
        """Read until `prompt` has ended what was read `count` times (linear in the output)."""
        chunks: list[str] = []
        tail = ""  # the last len(prompt) - 1 characters: a prompt split across two reads
        while count > 0:
            data = await self.process.stdout.read(1 << 20)
            if not data:
                raise EOFError("the session ended")
            chunks.append(data)
            window = tail + data
            count -= window.count(prompt)
            tail = window[-(len(prompt) - 1) :]
        return "".join(chunks)

    async def run(self, line: str, prompt: str) -> str:
        self.process.stdin.write(line + "\n")
        return await self.read_to(prompt)

    def close(self) -> None:
        self.process.close()


def growth(rows: list[tuple[int, float]], unit: str = "s") -> list[str]:
    """Each size's measure, and how it grew from the previous row: the factor per doubling of the
    size (x2.0: linear, x4.0: quadratic) and the exponent it means (1.0: linear, 2.0: quadratic)."""
    out = []
    for i, (n, secs) in enumerate(rows):
        note = ""
        if i and secs > 0 and rows[i - 1][1] > 0:
            n0, s0 = rows[i - 1]
            exponent = math.log(secs / s0) / math.log(n / n0)
            note = f"  x{2**exponent:.2f} per doubling (exponent {exponent:.2f})"
        out.append(f"{n:>8}  {secs:8.3f} {unit}{note}")
    return out
