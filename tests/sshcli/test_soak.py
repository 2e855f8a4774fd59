"""A bounded soak: 20 SSH sessions reading while a 21st commits every lab second for 60 lab seconds.

The clients are asyncssh shells, all on one asyncio loop in the test's thread
(the device serves from its own thread). Nothing waits on wall time for
correctness: every command is read up to its prompt (with a generous timeout
that only turns a hang into a failure), and the lab clock moves only when the
committing session runs `request lab wait 1`.

The readers read as fast as the device answers. While `request lab wait 1`
moves the virtual clock, their input waits (nos/runtime/clock.py,
`after_advance`): without that, busy sessions would never let the clock move.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field

import pytest

asyncssh = pytest.importorskip("asyncssh")

READERS = 20
COMMITS = 60
TIMEOUT = 30.0  # seconds for one command's reply: a hang fails the test instead of stalling it
WAIT_TIMEOUT = 3.0  # `request lab wait 1` alone on a quiet device takes milliseconds
EXEC, CONFIG = "lab@sim1> ", "lab@sim1# "
COMMANDS = ["show version", "show configuration | display set", "show system users", "show route"]
BAD = ("error", "unknown command", "syntax error", "is ambiguous", "---(more)---", "\x1b")
DESCRIPTION = re.compile(r'^set interfaces ge-0/0/1 description "soak (\d+)"$')


class SessionFailed(Exception):
    pass


class ClockStalled(SessionFailed):
    """`request lab wait 1` did not come back: the lab clock did not move."""


@dataclass
class Shell:
    """One logged-in CLI session: send a line, read through the prompt that follows."""

    name: str
    conn: asyncssh.SSHClientConnection
    process: asyncssh.SSHClientProcess
    buffer: str = ""

    async def until(self, prompt: str, timeout: float = TIMEOUT, error: type[SessionFailed] = SessionFailed) -> str:
        async def read() -> str:
            while not self.buffer.endswith("\r\n" + prompt):
                chunk = await self.process.stdout.read(65536)
                if not chunk:
                    raise SessionFailed(f"{self.name}: the channel closed; read so far: {self.buffer!r}")
                self.buffer += chunk
            text, self.buffer = self.buffer, ""
            return text

        try:
            return await asyncio.wait_for(read(), timeout)
        except TimeoutError:
            raise error(f"{self.name}: no {prompt!r} within {timeout} s; read so far: {self.buffer!r}") from None

    async def run(self, line: str, prompt: str = EXEC, **until) -> list[str]:  # type: ignore[no-untyped-def]
        """The output lines of one command: after its echo, before the blank line and the prompt."""
        self.process.stdin.write(line + "\n")
        text = await self.until(prompt, **until)
        # The echo, the output (every line ends in \r\n), a blank line, `[edit]` in configuration mode, the prompt.
        head, tail = line + "\r\n", "\r\n" + ("[edit]\r\n" if prompt == CONFIG else "") + prompt
        if not text.startswith(head) or not text.endswith(tail) or len(text) < len(head) + len(tail):
            raise SessionFailed(f"{self.name}: {line!r}: not echo, output, prompt: {text!r}")
        body = text[len(head) : -len(tail)]
        if body and not body.endswith("\r\n"):
            raise SessionFailed(f"{self.name}: {line!r}: output runs into the prompt: {text!r}")
        lines = body.split("\r\n")[:-1]
        for bad in BAD:
            if any(bad in out for out in lines):
                raise SessionFailed(f"{self.name}: {line!r} printed {bad!r}: {text!r}")
        return lines

    async def close(self) -> None:
        self.process.stdin.write("exit\n")
        self.conn.close()
        await self.conn.wait_closed()


async def login(port: int, name: str) -> Shell:
    conn = await asyncssh.connect(
        "127.0.0.1", port=port, username="lab", password="lab123", known_hosts=None, client_keys=None
    )
    process = await conn.create_process(term_type="vt100", term_size=(80, 24))
    shell = Shell(name, conn, process)
    banner = await shell.until(EXEC)
    if "--- JUNOS " not in banner:
        raise SessionFailed(f"{name}: no release line in the login banner: {banner!r}")
    if await shell.run("set cli screen-length 0") != ["Screen length set to 0"]:
        raise SessionFailed(f"{name}: set cli screen-length 0 was not taken")
    return shell


@dataclass
class Reader:
    shell: Shell
    baseline: dict[str, list[str]]
    commands: int = 0
    seen: list[int] = field(default_factory=list)  # the soak numbers its configuration reads showed, in order

    @property
    def rounds(self) -> int:
        return self.commands // len(COMMANDS)

    async def run(self, done: asyncio.Event) -> None:
        while not done.is_set():
            command = COMMANDS[self.commands % len(COMMANDS)]
            self.check(command, await self.shell.run(command))
            self.commands += 1

    def check(self, command: str, lines: list[str]) -> None:
        name = self.shell.name
        if command == "show configuration | display set":
            numbers = [int(m.group(1)) for m in map(DESCRIPTION.match, lines) if m]
            rest = [line for line in lines if not DESCRIPTION.match(line)]
            if rest != self.baseline[command] or len(numbers) > 1:
                raise SessionFailed(f"{name}: {command}: unexpected configuration: {lines!r}")
            if numbers:
                if not 1 <= numbers[0] <= COMMITS or (self.seen and numbers[0] < self.seen[-1]):
                    raise SessionFailed(f"{name}: soak {numbers[0]} read after soak {self.seen}")
                self.seen.append(numbers[0])
        elif command == "show system users":
            rows = [line for line in lines[2:] if line.startswith("lab ")]
            if not lines or f"{READERS + 1} users" not in lines[0] or not lines[1].startswith("USER     TTY"):
                raise SessionFailed(f"{name}: {command}: {lines!r}")
            if len(rows) != READERS + 1 or len(lines) != READERS + 3:
                raise SessionFailed(f"{name}: {command}: {len(rows)} sessions listed: {lines!r}")
        elif lines != self.baseline[command]:
            raise SessionFailed(f"{name}: {command}: {lines!r}, expected {self.baseline[command]!r}")


async def committer(shell: Shell, epoch: float, done: asyncio.Event) -> list[str]:
    """Commit once every lab second: set the description, commit, `run request lab wait 1`."""
    replies = []
    try:
        entered = await shell.run("configure", CONFIG)
        if entered[:1] != ["Entering configuration mode"]:
            raise SessionFailed(f"committer: configure: {entered!r}")
        for n in range(1, COMMITS + 1):
            if await shell.run(f'set interfaces ge-0/0/1 description "soak {n}"', CONFIG) != []:
                raise SessionFailed(f"committer: set {n} printed something")
            replies.append("\n".join(await shell.run("commit", CONFIG)))
            lab_time = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(epoch + n))
            waited = await shell.run("run request lab wait 1", CONFIG, timeout=WAIT_TIMEOUT, error=ClockStalled)
            if waited != [f"Lab time: {lab_time}"]:
                raise SessionFailed(f"committer: wait {n}: {waited!r}, expected Lab time: {lab_time}")
        if await shell.run("exit", EXEC) != ["Exiting configuration mode"]:
            raise SessionFailed("committer: exit did not leave configuration mode")
    finally:
        done.set()
    return replies


@dataclass
class Outcome:
    commits: list[str]
    readers: list[Reader]
    history: list[str]
    final: list[str]


async def soak(port: int, epoch: float) -> Outcome:
    shells = await asyncio.gather(*(login(port, f"reader{i}") for i in range(READERS)), login(port, "committer"))
    readers_shells, writer = shells[:READERS], shells[READERS]
    try:
        baseline = {command: await writer.run(command) for command in COMMANDS}
        readers = [Reader(shell, baseline) for shell in readers_shells]
        for reader in readers:  # the baseline is what every reader sees before the first commit
            reader.check("show system users", baseline["show system users"])
        done = asyncio.Event()
        try:
            async with asyncio.TaskGroup() as group:  # the first failure cancels the others
                commits = group.create_task(committer(writer, epoch, done))
                for reader in readers:
                    group.create_task(reader.run(done))
        except ExceptionGroup as failures:
            raise failures.exceptions[0] from None
        history = await writer.run("show system commit")
        final = await writer.run("show configuration interfaces ge-0/0/1")
        return Outcome(commits.result(), readers, history, final)
    finally:
        await asyncio.gather(*(shell.close() for shell in shells), return_exceptions=True)


def test_twenty_readers_and_a_committer(ssh_device):
    epoch = ssh_device.call(lambda: ssh_device.scheduler.epoch())
    started = time.monotonic()
    outcome = asyncio.run(soak(ssh_device.port, epoch))
    wall = time.monotonic() - started

    assert outcome.commits == ["commit complete"] * COMMITS
    for reader in outcome.readers:
        assert reader.rounds >= 3, f"{reader.shell.name} ran {reader.rounds} rounds in {wall:.1f} s"
    assert ssh_device.call(lambda: ssh_device.scheduler.now()) == 60.0
    assert outcome.final == ['description "soak 60";']

    records = ssh_device.call(lambda: [(r.user, r.client, r.time - epoch) for r in ssh_device.device.db.store.records])
    assert len(records) == 50  # the factory commit and 60 more, of which the store keeps rollbacks 0-49
    assert records == [("lab", "cli", float(COMMITS - 1 - i)) for i in range(50)]  # commit n at lab time n-1
    assert 'description "soak 60";' in ssh_device.call(lambda: ssh_device.device.db.store.text(0))
    assert len(outcome.history) == 50
    for i, line in enumerate(outcome.history):
        stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(epoch + COMMITS - 1 - i))
        assert line == f"{i:<4}{stamp} by lab via cli"

    # Every session logs out (the server notices the closed channels in its own time).
    deadline = time.monotonic() + TIMEOUT
    while ssh_device.call(lambda: len(ssh_device.device.sessions)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ssh_device.call(lambda: len(ssh_device.device.sessions)) == 0
