"""Random input never breaks a session (issue 9: "no traceback, no dropped session").

Three front-ends get random input built from the real command words (the
operational and configuration command trees, the pipes, the configuration
statements) with hostile arguments (long words, quotes, `|`, `..`, paths,
unicode, control characters) and from random bytes:

- the plain front-end (`PlainIO` + `run_plain`, what `nos cli` runs on a pipe),
  bytes given raw to a strict UTF-8 reader, in operational and configuration
  mode, as a super-user, as a class with no permissions and as a class that
  may enter configuration mode but change nothing;
- the SSH front-end's line editor and stream (`StreamIO` + `run_stream`), fed
  in random slices with Ctrl-C, Ctrl-D, Tab, `?`, arrows and the like;
- a real SSH connection (tests/served.py, asyncssh), a few hundred inputs.

Each must answer without a Python exception, without a line saying
`Traceback` or `internal error` (the log has no UI_INTERNAL_ERROR either),
the session must still answer `show version` afterwards, and the active
configuration must stay as it was for the classes that may not change it.
A command that would run for ever (a ping without a count) is stopped as a
person would, with Ctrl-C, once it has run for WATCHDOG seconds of lab time.

Hypothesis runs derandomized with a bounded number of examples, and the SSH
run uses a seeded random generator: every run tries the same inputs.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import random
import tempfile
from pathlib import Path

import asyncssh
import trio
import trio.testing
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nos.cli.editor import MAX_LINE, EndOfInput, Interrupt, Line
from nos.cli.plain import PlainIO, run_plain
from nos.cli.session import CliSession
from nos.cli.stream import StreamIO, run_stream
from nos.features import install
from nos.runtime.clock import TrioScheduler
from nos.runtime.device import Device
from nos.runtime.passwords import sha512_crypt
from nos.schema.compile import load_schema
from nos.schema.model import SchemaNode

SCHEMA = load_schema()
PASSWORD = "fuzz-pw"
HASH = sha512_crypt(PASSWORD, "fuzzfuzzfuzzfuzz")
CONFIG = f"""
system {{
    host-name fz;
    root-authentication {{ encrypted-password "{HASH}"; }}
    services {{ ssh; }}
    login {{
        class nothing;
        class peek {{ permissions [ configure view view-configuration ]; }}
        user lab {{ uid 2000; class super-user; authentication {{ encrypted-password "{HASH}"; }} }}
        user blank {{ uid 2001; class nothing; authentication {{ encrypted-password "{HASH}"; }} }}
        user peek {{ uid 2002; class peek; authentication {{ encrypted-password "{HASH}"; }} }}
    }}
}}
"""
MAY_NOT_CHANGE = {"blank", "peek"}  # classes that may not change the configuration
WATCHDOG = 600.0  # lab seconds a command may run before the fuzzer presses Ctrl-C

# A file beside the devices' folders: what a path that escaped a device's filesystem would reach.
_TMP = tempfile.TemporaryDirectory(prefix="nos-fuzz-")
CANARY = Path(_TMP.name) / "canary" / "secret.txt"
CANARY.parent.mkdir()
CANARY.write_text("CANARY-5e1f\n")
_devices = itertools.count()


# -- the words ------------------------------------------------------------------------------------------


def _names(node: SchemaNode, depth: int, out: set[str], seen: set[int]) -> set[str]:
    """Statement and command names (and key keywords) down to `depth` levels below `node`."""
    if depth == 0 or id(node) in seen:
        return out
    seen.add(id(node))
    for child in node.children.values():
        out.add(child.name)
        out.update(key.keyword for key in child.keys if key.keyword)
        _names(child, depth - 1, out, seen)
    return out


OPERATIONAL = sorted(_names(SCHEMA.commands["operational"], 6, set(), set()))
CONFIGURATION = sorted(_names(SCHEMA.commands["configuration"], 6, set(), set()))
PIPES = sorted(_names(SCHEMA.commands["pipe"], 3, set(), set()))
STATEMENTS = sorted(_names(SCHEMA.root, 4, set(), set()))
HOSTILE = [
    "", " ", "|", "||", "| match", "| save", "..", "../..", "../../../../../..", "~", "~root", "/", "//", ".",
    "/var/tmp", "/var/tmp/../../../..", "/config/juniper.conf.gz", "/var/log/messages", "/dev/zero",
    "/proc/self/environ", str(CANARY), str(CANARY.parent), "../../../../../canary/secret.txt",
    "/../../canary/secret.txt", "*", "?", "-",
    '"', '"unclosed', '"two words"', "'", "\\", '\\"', "[", "]", "[ a b", "{", "}", ";", "#", "<", ">", "&",
    "$HOME", "%s%n", "{0}", "(a+)+$", "((a|a)*)*b", ".*.*.*.*", "[z-a]", "x" * 300, "y" * 5000, "é", "日本語",
    "🙂", "\u202e", "e\u0301", "\ufffd", "\u2028", "\x85", "\x00", "\x1b[2J", "\x07", "\t", "\x7f", "\r",
    "-1", "0", "4294967296", "99999999999999999999", "1e309", "nan", "192.0.2.1", "192.0.2.0/33", "::",
    "ge-0/0/0", "ge-0/0/0.0", "lo0.0", "inet.0", "1h", "count", "5", "rapid", "terminal", "rollback", "lab",
]  # fmt: skip
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)  # any character but lone surrogates
BYTES_AS_TEXT = st.binary(max_size=40).map(lambda b: b.decode("utf-8", errors="replace"))
WORD = st.one_of(
    st.sampled_from(OPERATIONAL),
    st.sampled_from(CONFIGURATION),
    st.sampled_from(STATEMENTS),
    st.sampled_from(HOSTILE),
    st.sampled_from(HOSTILE),
    TEXT,
    BYTES_AS_TEXT,
)


@st.composite
def command_path(draw, tree: SchemaNode) -> list[str]:  # type: ignore[no-untyped-def]
    """Words down a command tree (so commands get past their first word), a hostile value now and then."""
    node, words = tree, []
    for _ in range(draw(st.integers(1, 6))):
        children = list(node.children.values())
        if not children:
            break
        node = draw(st.sampled_from(children))
        words.append(node.name)
        if node.keys or node.type is not None:
            words.append(draw(st.one_of(st.sampled_from(HOSTILE), WORD)))
    return words


VALUES = ["foo", "0", "1", "100", "192.0.2.1", "192.0.2.0/24", "ge-0/0/0", "ge-0/0/0.0", "lo0.0", "trust", "any"]


def value_of(node_type) -> st.SearchStrategy[str]:  # type: ignore[no-untyped-def]
    candidates = [value for value, _ in node_type.candidates()] if node_type is not None else []
    return st.one_of(st.sampled_from(candidates or VALUES), st.sampled_from(VALUES), st.sampled_from(HOSTILE))


@st.composite
def statement_path(draw) -> list[str]:  # type: ignore[no-untyped-def]
    """Words of a path down the configuration schema, with keys and values (often valid, sometimes hostile)."""
    node, words = SCHEMA.root, []
    for _ in range(draw(st.integers(1, 8))):
        children = node.visible_children()
        if not children:
            break
        node = draw(st.sampled_from(children))
        if not node.keyless:
            words.append(node.name)
        for key in node.keys:
            if key.keyword:
                words.append(key.keyword)
            words.append(draw(value_of(key.type)))
        if node.kind not in ("container", "list"):
            if node.type is not None:
                words.append(draw(value_of(node.type)))
            break
    return words


EDITS = [v for v in ("set", "delete", "activate", "deactivate", "annotate", "edit", "show", "protect", "insert",
                     "rename", "copy", "wildcard delete") if v.split()[0] in SCHEMA.commands["configuration"].children]  # fmt: skip
FOLLOW_UPS = [
    "commit", "commit check", "commit confirmed 1", "commit and-quit", "rollback 1", "rollback 0", "show | compare",
    "show | display set", "load override terminal", "load merge terminal", "load set terminal", "save saved",
    "load merge saved", "top", "up", "exit", "status", "run request lab wait 61", "run show system commit",
]  # fmt: skip


def lines_for(tree: SchemaNode) -> st.SearchStrategy[list[str]]:
    line = st.tuples(
        st.one_of(command_path(tree), command_path(SCHEMA.commands["operational"])),
        st.lists(WORD, max_size=4),
        st.lists(st.one_of(st.sampled_from(PIPES), WORD), max_size=3),
    ).map(lambda t: " ".join([*t[0], *t[1], *(["|", *t[2]] if t[2] else [])]))
    edit = st.tuples(st.sampled_from(EDITS), statement_path(), st.lists(WORD, max_size=2)).map(
        lambda t: " ".join([t[0], *t[1], *t[2]])
    )
    junk = st.one_of(st.lists(WORD, max_size=8).map(" ".join), BYTES_AS_TEXT)
    if tree is SCHEMA.commands["configuration"]:
        return st.lists(st.one_of(edit, edit, line, st.sampled_from(FOLLOW_UPS), junk), max_size=10)
    return st.lists(st.one_of(line, line, junk), max_size=10)


OPERATIONAL_LINES = lines_for(SCHEMA.commands["operational"])
CONFIGURATION_LINES = lines_for(SCHEMA.commands["configuration"])

SETTINGS = settings(
    derandomize=True,
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# -- checks shared by every front-end ------------------------------------------------------------------------


def fresh_device() -> Device:
    """A device as `nos cli` builds one (features installed), on the virtual clock, with the fuzzers' users."""
    scheduler = TrioScheduler("virtual")
    state = Path(_TMP.name) / f"d{next(_devices)}"
    device = Device(SCHEMA, scheduler, hostname="fz", state_dir=state, initial_config=CONFIG)
    install(device)
    return device


def assert_no_internal_error(device: Device, out: str) -> None:
    for line in out.splitlines():
        assert "Traceback" not in line and "internal error" not in line, out[-3000:]
    assert not [e.message for e in device.log.events if e.tag == "UI_INTERNAL_ERROR"]
    assert CANARY.read_text() == "CANARY-5e1f\n" and sorted(CANARY.parent.iterdir()) == [CANARY]


def ends_session(line: str) -> bool:
    """A line that ends a session on purpose: `quit`, `exit` (abbreviated or not), a logout."""
    words = line.split()
    return bool(words) and (words[0] in ("q", "qu", "qui", "quit", "e", "ex", "exi", "exit") or "logout" in words)


def show_version(session: CliSession) -> str:
    return "run show version" if session.mode == "configuration" else "show version"


def answered_show_version(user: str, out: str) -> bool:
    """`show version` answered: its output, or (for a class without `view`) the refusal, then a prompt."""
    if user == "blank":
        return out.rstrip().endswith("unknown command.") or "\nblank@fz> " in out
    return "Hostname: fz" in out


async def watchdog(session: CliSession, commands: list[int]) -> None:
    """Ctrl-C, as a person would press it, for a command that has run WATCHDOG seconds of lab time.

    `commands[0]` counts commands begun; the lab clock moves only while one runs.
    """
    while True:
        begun = commands[0]
        await trio.sleep(WATCHDOG)  # lab time: it passes only while a command makes it pass
        if commands[0] == begun:
            session.interrupts.fire()


# -- the plain front-end ------------------------------------------------------------------------------------------


class CountingIO(PlainIO):
    """PlainIO that counts the commands it hands out (for the watchdog)."""

    def __init__(self, stdin: io.TextIOBase, stdout: io.StringIO):
        super().__init__(stdin, stdout)  # type: ignore[arg-type]
        self.commands = [0]

    async def readline(self) -> str | None:
        self.commands[0] += 1
        return await super().readline()


def run_plain_session(user: str, mode: str, script: bytes) -> tuple[Device, str, bool]:
    """`script` as a pipe's bytes to a fresh session; then `show version`. (device, transcript, configuration kept)"""
    device = fresh_device()
    before = device.db.active
    ending = "\n\x04\n\n" + "show version\nrun show version\n"  # end a `load ... terminal`, answer a question
    start = b"configure\n" if mode == "configuration" else b""
    stdin = io.TextIOWrapper(io.BytesIO(start + script + ending.encode()), encoding="utf-8", errors="strict")
    stdout = io.StringIO()
    pio = CountingIO(stdin, stdout)
    session = CliSession(device, user, pio)
    ran: list[str] = []
    execute = session.execute

    async def recording(line: str) -> None:
        ran.append(line)
        for text in (line, line + " "):  # `?` and Tab on the same line, in the same mode
            session.help_lines(text)
            session.complete(text)
        await execute(line)

    session.execute = recording  # type: ignore[method-assign]

    async def main() -> None:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(device.scheduler.run)
            nursery.start_soon(watchdog, session, pio.commands)
            await run_plain(session, pio)
            nursery.cancel_scope.cancel()

    trio.run(main, clock=device.scheduler.trio_clock)
    out = stdout.getvalue()
    assert_no_internal_error(device, out)
    if ran[-2:] != ["show version", "run show version"]:  # the session ended before: by a command that ends it
        assert ends_session(ran[-1]), ran
    else:
        at = max(out.rfind("> show version\n"), out.rfind("# show version\n"))  # the echo of ours: the last
        assert answered_show_version(user, out[at:]), out[-2000:]
    return device, out, device.db.active is before


@SETTINGS
@given(user=st.sampled_from(["lab", "blank", "peek"]), lines=OPERATIONAL_LINES)
def test_the_plain_front_end_in_operational_mode(user, lines):
    _device, _out, kept = run_plain_session(user, "operational", "".join(f"{line}\n" for line in lines).encode())
    assert kept or user not in MAY_NOT_CHANGE


@SETTINGS
@given(user=st.sampled_from(["lab", "blank", "peek"]), lines=CONFIGURATION_LINES)
def test_the_plain_front_end_in_configuration_mode(user, lines):
    _device, _out, kept = run_plain_session(user, "configuration", "".join(f"{line}\n" for line in lines).encode())
    assert kept or user not in MAY_NOT_CHANGE


@SETTINGS
@given(
    user=st.sampled_from(["lab", "blank"]),
    mode=st.sampled_from(["operational", "configuration"]),
    data=st.lists(st.binary(max_size=60), max_size=8).map(b"\n".join),
)
def test_the_plain_front_end_reads_raw_bytes(user, mode, data):
    """Bytes that are not UTF-8 reach a strict reader: they are read as U+FFFD, not a UnicodeDecodeError."""
    _device, _out, kept = run_plain_session(user, mode, data)
    assert kept or user not in MAY_NOT_CHANGE


# -- the SSH front-end: line editor and stream ------------------------------------------------------------------------

KEYS = ["\x03", "\x04", "\t", "?", " ", "\x7f", "\x08", "\x15", "\x17", "\x1b[A", "\x1b[B", "\x1b[C", "\x1b", "\r",
        "\n", "\r\n", '"', "q", "G", "j", "yes\r", "no\r"]  # fmt: skip
STREAM_INPUT = st.lists(
    st.one_of(
        st.sampled_from(KEYS),
        st.sampled_from(KEYS),
        WORD.map(lambda w: w + " "),
        command_path(SCHEMA.commands["operational"]).map(lambda w: " ".join(w) + "\r"),
        command_path(SCHEMA.commands["configuration"]).map(lambda w: " ".join(w) + "\r"),
        BYTES_AS_TEXT,
    ),
    max_size=30,
)


class CheckedStream(StreamIO):
    """A StreamIO whose events are checked as the session receives them."""

    async def read(self, **kwargs) -> Line | Interrupt | EndOfInput:  # type: ignore[no-untyped-def,override]
        event = await super().read(**kwargs)
        assert isinstance(event, Line | Interrupt | EndOfInput), event
        if isinstance(event, Line):
            assert len(event.text) <= MAX_LINE
            assert not any((c < " " and c != "\t") or c == "\x7f" for c in event.text), repr(event.text)
        return event


@SETTINGS
@given(user=st.sampled_from(["lab", "blank", "peek"]), chunks=STREAM_INPUT)
def test_the_ssh_line_editor_and_stream(user, chunks):
    device = fresh_device()
    before = device.db.active
    sent: list[str] = []
    stream = CheckedStream(sent.append)
    session = CliSession(device, user, stream)
    session.screen_length = 10  # the pager gets its turn
    commands = [0]
    ran: list[str] = []
    execute = session.execute

    async def counting(line: str) -> None:
        commands[0] += 1
        ran.append(line)
        await execute(line)

    session.execute = counting  # type: ignore[method-assign]
    ended: list[bool] = []

    async def main() -> None:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(device.scheduler.run)
            nursery.start_soon(watchdog, session, commands)

            async def run() -> None:
                await run_stream(session, stream)
                ended.append(True)

            nursery.start_soon(run)
            for chunk in chunks:
                stream.feed(chunk)
                await trio.testing.wait_all_tasks_blocked()
            if session.alive:
                mark = len(sent)
                stream.feed("\x03")  # stop what runs, leave a pager, a question or `load ... terminal`
                await trio.testing.wait_all_tasks_blocked()
                stream.feed("\x15" + show_version(session) + "\r")
                await trio.testing.wait_all_tasks_blocked()
                assert answered_show_version(user, "".join(sent[mark:]).replace("\r\n", "\n")), "".join(sent[-50:])
            else:  # Ctrl-D on an empty line is `quit` (or `exit configuration-mode`), as on Junos
                assert ran and ends_session(ran[-1]), ran
            stream.close()
            await trio.testing.wait_all_tasks_blocked()
            assert ended, "run_stream did not end when the client went away"
            nursery.cancel_scope.cancel()

    trio.run(main, clock=device.scheduler.trio_clock)
    out = "".join(sent)
    assert_no_internal_error(device, out)
    assert "\x1b" not in out  # the editor echoes plain text: no escape sequence ever reaches the client
    assert device.db.active is before or user not in MAY_NOT_CHANGE


# -- a real SSH connection ------------------------------------------------------------------------------------------


def ssh_inputs(seed: int, count: int) -> list[bytes]:
    """`count` random inputs: command lines from the trees, hostile words, keys and raw bytes.

    Without `quit`, `exit`, `logout` or Ctrl-D, which end a session on purpose (what the editor makes of
    the rest may still spell `q` + Enter: `ended_on_purpose` tells those from a dropped connection).
    """
    rng = random.Random(seed)
    words = OPERATIONAL + CONFIGURATION + STATEMENTS + PIPES + HOSTILE * 20
    keys = [k for k in KEYS if k != "\x04"]
    out = []
    for _ in range(count):
        kind = rng.randrange(4)
        if kind == 0:
            text = " ".join(rng.choice(words) for _ in range(rng.randrange(1, 8))) + rng.choice(["\r", "\n", "\t", "?"])
            data = text.encode()
        elif kind == 1:
            data = rng.choice(keys).encode()
        elif kind == 2:
            data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
        else:
            data = ("show " + " ".join(rng.choice(OPERATIONAL) for _ in range(rng.randrange(1, 4))) + "\r").encode()
        for banned in (b"\x04", b"quit", b"exit", b"logout"):
            data = data.replace(banned, b"")
        out.append(data)
    return out


def ended_on_purpose(out: str) -> bool:
    """Did the session end because of the last line typed (`q`, `ex`, a logout), as the echo shows it?"""
    if "Session terminated by request." in out[-200:]:
        return True
    typed = out[max(out.rfind("@fz> "), out.rfind("@fz# ")) + 5 :]
    line: list[str] = []
    i = 0
    while i < len(typed) and not typed.startswith("\r\n", i):
        if typed.startswith("\b \b", i):  # a character rubbed out
            line[-1:] = []
            i += 3
        else:
            line.append(typed[i])
            i += 1
    return ends_session("".join(line))


def test_random_input_over_a_real_ssh_connection(serve):
    served = serve(CONFIG)
    inputs = {user: ssh_inputs(seed, 150) for seed, user in enumerate(["lab", "blank"], 7)}
    want = {"lab": b"Hostname: fz", "blank": b"unknown command."}  # `show version`, answered or refused

    async def connect(user: str) -> tuple[asyncssh.SSHClientConnection, asyncssh.SSHClientProcess]:
        conn = await asyncssh.connect("127.0.0.1", served.port, username=user, password=PASSWORD, known_hosts=None)
        return conn, await conn.create_process(term_type="vt100", encoding=None)

    async def one(user: str) -> str:
        transcript, pending = "", list(inputs[user])
        while True:  # a connection per session: a session that ended on purpose is logged into again
            conn, process = await connect(user)
            seen = bytearray()

            async def drain(process: asyncssh.SSHClientProcess = process, seen: bytearray = seen) -> None:
                while chunk := await process.stdout.read(65536):
                    seen.extend(chunk)

            async def quiet(seen: bytearray = seen) -> None:
                """Until the output stops growing: what was sent is handled (or waits for more input)."""
                for _ in range(100):
                    size = len(seen)
                    await asyncio.sleep(0.05)
                    if len(seen) == size:
                        return

            reader = asyncio.ensure_future(drain())
            try:
                while pending and not reader.done():
                    if b"\x03" in pending[0]:  # Ctrl-C throws away type-ahead: let what came before be handled
                        await quiet()
                    process.stdin.write(pending.pop(0))
                    await asyncio.sleep(0)
                if not reader.done():
                    process.stdin.write(b"\x03")  # stop what runs (this too throws away type-ahead)
                    await asyncio.sleep(0.5)
                    for attempt in range(200):  # up to 20 s for a busy server
                        if attempt % 20 == 0:  # again every 2 s, in case a late Ctrl-C threw it away
                            process.stdin.write(b"\x15show version\r\x15run show version\r")
                        await asyncio.sleep(0.1)
                        if want[user] in seen[-4000:] or reader.done():
                            break
            except BrokenPipeError:  # the session ended while input was being sent
                pass
            if not reader.done() and want[user] in seen[-4000:]:
                conn.close()
                reader.cancel()
                return transcript + seen.decode("utf-8", errors="replace")
            await asyncio.wait_for(reader, 20)
            out = seen.decode("utf-8", errors="replace")
            assert ended_on_purpose(out), f"{user}: the connection closed; the last output: {out[-1000:]!r}"
            transcript += out
            conn.close()

    async def both() -> list[str]:
        return list(await asyncio.gather(one("lab"), one("blank")))

    for out in asyncio.run(both()):
        assert "Traceback" not in out and "internal error" not in out
    assert served.call(lambda: [e.message for e in served.device.log.events if e.tag == "UI_INTERNAL_ERROR"]) == []
    assert CANARY.read_text() == "CANARY-5e1f\n"
