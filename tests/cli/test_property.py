"""Random command lines never crash the CLI and never change the active configuration by themselves.

Lines are built from the real words of the command trees and the
configuration schema, mixed with junk: quotes, brackets, `|`, numbers,
addresses, very long words. Whatever they are, `session.execute` must answer
in Junos terms (an error message is fine), never raise and never print a
Python traceback; `?` and Tab must answer too. The active configuration may
change only when a commit says `commit complete`, or when a pending
`commit confirmed` rolls back.

Hypothesis runs derandomized, so the examples are the same on every run.
"""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import trio
from clihelpers import SMALL_CONFIG
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nos.cli.io import BufferIO
from nos.cli.session import CliSession
from nos.runtime.clock import ManualScheduler
from nos.runtime.device import Device
from nos.schema.compile import load_schema
from nos.schema.model import SchemaNode

SCHEMA = load_schema()


def _names(node: SchemaNode, out: set[str], depth: int, seen: set[int]) -> None:
    if depth > 8 or id(node) in seen:
        return
    seen.add(id(node))
    for child in node.children.values():
        out.add(child.name)
        for key in child.keys:
            if key.keyword:
                out.add(key.keyword)
        if child.type is not None:
            out.update(value for value, _ in child.type.candidates())
        _names(child, out, depth + 1, seen)


def _keywords() -> list[str]:
    out: set[str] = set()
    for tree in SCHEMA.commands.values():
        _names(tree, out, 0, set())
    _names(SCHEMA.root, out, 0, set())
    return sorted(out)


KEYWORDS = _keywords()
VERBS = sorted(set(SCHEMA.commands["operational"].children) | set(SCHEMA.commands["configuration"].children))
JUNK = [
    "|", "[", "]", '"', '""', '"a b"', "'", "{", "}", ";", "#", "*", "<*>", "\\", "to", "before", "after",
    "terminal", "relative", "0", "1", "-1", "49", "50", "65535", "4294967296", "99999999999999999999",
    "192.0.2.1", "192.0.2.0/24", "10.0.0.0/33", "300.1.1.1", "1.2.3", "0.0.0.0/0", "::1", "2001:db8::/32",
    "ge-0/0/0", "ge-0/0/0.0", "lo0", "lo0.0", "inet.0", "x" * 300, "y" * 5000, "r1", "lab", "1h", "61",
]  # fmt: skip
# Free text for names and patterns: no `/`, `.` or `~`, so a random `save` or `file delete` stays in the
# device's home directory inside the test's temporary folder.
FREE = st.text(alphabet="abcxyzABC019-_:*<>'\"[]{};|#$\\ ", min_size=1, max_size=12)

WORD = st.one_of(
    st.sampled_from(KEYWORDS),
    st.sampled_from(KEYWORDS),
    st.sampled_from(JUNK),
    st.integers(min_value=-3, max_value=70000).map(str),
    FREE,
)
LINE = st.tuples(st.sampled_from(VERBS), st.lists(WORD, max_size=8)).map(lambda t: " ".join([t[0], *t[1]]))
LINES = st.lists(st.one_of(LINE, st.lists(WORD, max_size=6).map(" ".join)), min_size=1, max_size=6)

_dirs = itertools.count()
_tmp = tempfile.TemporaryDirectory(prefix="nos-property-")


def _fresh_session() -> tuple[CliSession, BufferIO, ManualScheduler]:
    clock = ManualScheduler()
    # SMALL_CONFIG has no password to hash: a fresh device per example stays cheap.
    state = Path(_tmp.name) / str(next(_dirs))
    device = Device(SCHEMA, clock, hostname="r1", state_dir=state, initial_config=SMALL_CONFIG)
    io = BufferIO()
    return CliSession(device, "lab", io), io, clock


def _run(session: CliSession, io: BufferIO, line: str) -> str:
    io.answers[:] = ["set system host-name zz", "yes"]  # for `load ... terminal` and questions

    async def go() -> None:
        await session.execute(line)

    trio.run(go)
    return io.take()


def _exercise(mode: str, lines: list[str]) -> None:
    session, io, _clock = _fresh_session()
    device = session.device
    if mode == "configuration":
        _run(session, io, "configure")
    for line in lines:
        for text in (line, line + " "):
            session.help_lines(text)
            session.complete(text)
        before = device.db.active
        out = _run(session, io, line)
        assert "Traceback" not in out, (line, out)
        if device.db.active is not before:
            assert "commit complete" in out or "automatic rollback complete" in out, (line, out)
        if not session.alive:  # `quit`, `request system logout user lab`
            session, io, _clock = _fresh_session()
            device = session.device


SETTINGS = settings(
    derandomize=True,
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(lines=LINES)
def test_random_lines_in_operational_mode(lines):
    _exercise("operational", lines)


@SETTINGS
@given(lines=LINES)
def test_random_lines_in_configuration_mode(lines):
    _exercise("configuration", lines)


VALUES = ["foo", "0", "1", "5", "100", "192.0.2.1", "192.0.2.0/24", "ge-0/0/0", "ge-0/0/0.0", "lo0.0", "P1", "x" * 70]


@st.composite
def schema_paths(draw) -> list[str]:  # type: ignore[no-untyped-def]
    """Words of a path down the configuration schema, with keys and values; now and then one word is junk."""
    node = SCHEMA.root
    words: list[str] = []
    for _ in range(draw(st.integers(min_value=1, max_value=10))):
        children = node.visible_children()
        if not children:
            break
        child = draw(st.sampled_from(children))
        if not child.keyless:
            words.append(child.name)
        if child.kind == "list":
            for key in child.keys:
                if key.keyword:
                    words.append(key.keyword)
                words.append(draw(st.sampled_from([v for v, _ in key.type.candidates()] or VALUES)))
        elif child.kind != "container":
            if child.type is not None:
                words.append(draw(st.sampled_from([v for v, _ in child.type.candidates()] or VALUES)))
            break
        node = child
    if words and draw(st.integers(min_value=0, max_value=4)) == 0:
        words[draw(st.integers(min_value=0, max_value=len(words) - 1))] = draw(WORD)
    return words


FOLLOW_UPS = [
    "show | compare", "show | display set", "show | display json", "commit check", "commit", "commit confirmed 1",
    "run request lab wait 61", "rollback 1", "rollback 0", "top", "up", "exit", "show", "run show configuration",
    "load override terminal", "load merge terminal", "save saved", "load override saved", "status",
]  # fmt: skip


@SETTINGS
@given(
    first=schema_paths(),
    verb=st.sampled_from(["delete", "deactivate", "activate", "edit", "show", "annotate", "rename", "copy", "insert"]),
    second=schema_paths(),
    extra=st.lists(WORD, max_size=3),
    then=st.lists(st.sampled_from(FOLLOW_UPS), min_size=1, max_size=4),
)
def test_set_a_schema_path_then_work_on_it(first, verb, second, extra, then):
    """Mostly valid `set` lines (from the schema), a second command on a path, then ordinary follow-ups."""
    if verb in ("rename", "copy"):
        words = [*first[:-1], "to", *second[-2:]]
    elif verb == "insert":
        words = [*first[:-1], "before", *second[-2:]]
    else:
        words = second
    _exercise("configuration", ["set " + " ".join(first), " ".join([verb, *words, *extra]), *then])
