"""The user's path for benchmarks: `nos cli` and `nos lab` as fresh processes of the installed `nos`.

A benchmark types to the process's plain front-end (stdin/stdout are pipes,
as in `printf 'configure\\n...' | nos cli`) one command at a time, and times
each command from the moment it was sent to the moment the next prompt came
back; the process as a whole is timed from spawn to exit, with its peak
resident memory (`os.wait4` for a process that ended, `VmHWM` from /proc for
one still running). Every process has a deadline: past it the process is
killed and the measure reads TIMEOUT, so a slow product never hangs a run.

`curve` prints a scaling curve: one row per size, the growth per doubling of
the size (x2.0 linear, x4.0 quadratic) and the issue's targets, OK or OVER.

Shared by bench_config.py and bench_lab.py (not a test).
"""

from __future__ import annotations

import codecs
import math
import os
import select
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from nos_process import NOS, ROOT

CLI_OP = "lab@nos> "  # `nos cli`'s prompts for the default user and host name
CLI_CONF = "lab@nos# "
LAB = "lab> "  # the lab console's prompt


class Timeout(Exception):
    """The process did not answer before its deadline (it has been killed)."""


class Failed(Exception):
    """The process answered, but not what the benchmark needs (a refused load, a failed commit)."""


@dataclass
class Ended:
    """A process that exited: wall seconds from spawn, peak resident MB, CPU seconds, status."""

    wall: float
    peak_mb: float
    cpu: float
    status: int


class NosProcess:
    """One `nos ...` process driven through pipes; use as a context manager (it is killed on the way out)."""

    def __init__(self, args: list[str], timeout: float, cwd: Path | None = None):
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115  # closed in __exit__
        self.started = time.perf_counter()
        self.deadline = self.started + timeout
        self.timeout = timeout
        self.proc = subprocess.Popen(
            [str(NOS), *args], cwd=cwd or ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._out = self.proc.stdout.fileno()
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = ""  # read past the last prompt: the start of what comes next
        self.ended: Ended | None = None

    def __enter__(self) -> NosProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.ended is None:
            self.kill()
        self._stderr.close()

    # -- reading and typing --------------------------------------------------------------------------

    def read_to(self, prompt: str) -> str:
        """Everything up to and including the next `prompt` (linear in the output)."""
        chunks = [self._pending]
        window = self._pending
        while True:
            at = window.find(prompt)
            if at >= 0:
                text = "".join(chunks)
                end = len(text) - len(window) + at + len(prompt)
                self._pending = text[end:]
                return text[:end]
            window = window[-(len(prompt) - 1) :]  # a prompt split across two reads
            data = self._read()
            chunks.append(data)
            window += data

    def _read(self) -> str:
        left = self.deadline - time.perf_counter()
        ready = select.select([self._out], [], [], max(left, 0))[0] if left > 0 else []
        if not ready:
            self.kill()
            raise Timeout(f"no answer within {self.timeout:g} s")
        data = os.read(self._out, 1 << 20)
        if not data:
            raise Failed("the process ended early:\n" + self.stderr_tail())
        return self._decoder.decode(data)

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def command(self, line: str, prompt: str) -> tuple[float, str]:
        """Type one command; seconds from sending it to the prompt after its output, and that output."""
        sent = time.perf_counter()
        self.send(line)
        out = self.read_to(prompt)
        return time.perf_counter() - sent, out

    # -- the process ---------------------------------------------------------------------------------

    def since_start(self) -> float:
        return time.perf_counter() - self.started

    def peak_mb(self) -> float:
        """Peak resident memory so far (VmHWM) of the running process."""
        with open(f"/proc/{self.proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def finish(self) -> Ended:
        """Close stdin (the end of input ends a session), read to the end, and reap the process; a
        status other than 0 is a failure."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        while True:
            try:
                data = self._read()
            except Failed:
                break
            self._pending += data
        _, status, usage = os.wait4(self.proc.pid, 0)
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        self.ended = Ended(
            self.since_start(), usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, self.proc.returncode
        )
        if self.ended.status != 0:
            raise Failed(f"the process exited with status {self.ended.status}:\n{self.stderr_tail()}")
        return self.ended

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stderr_tail(self, chars: int = 2000) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")[-chars:]


def start_lab(path: Path, timeout: float) -> NosProcess:
    """`nos lab --clock virtual LAB` up to its first `lab> ` (killed if it never comes)."""
    p = NosProcess(["lab", "--clock", "virtual", str(path)], timeout)
    try:
        p.read_to(LAB)
    except BaseException:
        p.kill()
        raise
    return p


def expect(output: str, needle: str, what: str) -> None:
    """The command's output must say `needle`; otherwise the measure is a failure, not a number."""
    if needle not in output:
        raise Failed(f"{what}: no '{needle}' in the output:\n{output[-1500:]}")


# -- curves ----------------------------------------------------------------------------------------------


@dataclass
class Target:
    """The issue's targets for a measure: a limit (at one size, or at every size) and a growth per doubling.

    `limits` gives a limit per size where the issue names several (a 100-device and a 1,000-device lab)."""

    limit: float | None = None
    at: int | None = None  # the size `limit` is for; None: every size
    growth: float | None = None
    limits: dict[int, float] = field(default_factory=dict)

    def limit_for(self, size: int) -> float | None:
        if size in self.limits:
            return self.limits[size]
        return self.limit if self.at is None or self.at == size else None

    def describe(self, unit: str, size_label: str) -> list[str]:
        goals = [f"<= {v:g} {unit} at {n:,} {size_label}" for n, v in self.limits.items()]
        if self.limit is not None:
            goals.insert(0, f"<= {self.limit:g} {unit}" + (f" at {self.at:,} {size_label}" if self.at else ""))
        if self.growth is not None:
            goals.append(f"growth <= x{self.growth:g} per doubling")
        return goals


@dataclass
class Curve:
    """One measure over sizes: a number per size, or why there is none (TIMEOUT, FAILED, skipped)."""

    title: str
    unit: str
    target: Target = field(default_factory=Target)
    rows: list[tuple[int, float | str]] = field(default_factory=list)

    def add(self, size: int, value: float | str) -> None:
        self.rows.append((size, value))


VERDICTS: list[str] = []  # every verdict printed, for the summary line


def curve(c: Curve, size_label: str = "lines") -> None:
    """Print the curve: value, growth per doubling from the previous size, the targets with OK / OVER."""
    t = c.target
    goals = t.describe(c.unit, size_label)
    print(f"{c.title}" + (f"   [target: {'; '.join(goals)}]" if goals else "   [no target: for the record]"))
    previous: tuple[int, float] | None = None
    for size, value in c.rows:
        limit = t.limit_for(size)
        if isinstance(value, str):
            note = ""
            if limit is not None:  # a timeout is past any target (deadlines are longer); a failure measured nothing
                note = "  " + _verdict("OVER" if value.startswith("TIMEOUT") else "NOT MEASURED")
            print(f"  {size:>9,} {size_label:<8} {value}{note}")
            previous = None
            continue
        cells = [f"  {size:>9,} {size_label:<8} {value:10.3f} {c.unit:<3}"]
        if previous is not None and previous[1] > 0 and value > 0 and size != previous[0]:
            exponent = math.log(value / previous[1]) / math.log(size / previous[0])
            cell = f"x{2**exponent:5.2f} per doubling (exp {exponent:4.2f})"
            if t.growth is not None:
                cell += "  " + _verdict("OK" if 2**exponent <= t.growth else "OVER")
            cells.append(cell)
        else:
            cells.append(" " * 34)
        if limit is not None:
            cells.append(f"target <= {limit:g} {c.unit}: {_verdict('OK' if value <= limit else 'OVER')}")
        print("  ".join(cells).rstrip())
        previous = (size, value)


def _verdict(word: str) -> str:
    VERDICTS.append(word)
    return word


def summary() -> None:
    """How many targets were met, missed, or could not be measured."""
    counts = {word: VERDICTS.count(word) for word in ("OK", "OVER", "NOT MEASURED")}
    print("targets: " + ", ".join(f"{n} {word}" for word, n in counts.items() if n or word in ("OK", "OVER")))


def describe(exc: Exception) -> str:
    """The cell for a measure that has no number."""
    if isinstance(exc, Timeout):
        return f"TIMEOUT ({exc})"
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"FAILED ({first})"
