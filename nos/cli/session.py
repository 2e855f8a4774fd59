"""One CLI session on a device: modes, prompts, dispatch, errors, help and completion.

The session turns a command line into output lines. It knows nothing of
terminals: front-ends (plain.py, terminal.py, and later the SSH server) feed it
lines and show what it returns through `SessionIO`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import trio

from nos.cli.commands import (
    Candidate,
    Command,
    CommandError,
    Help,
    command_help,
    config_path_help,
    keyword_prefixes,
    parse_command,
)
from nos.cli.io import SessionIO
from nos.cli.pipes import Pipeline, parse_pipes, rendered, run_filters, split_pipes
from nos.config.database import Editor
from nos.config.edit import find
from nos.config.path import PathError, Step, path_text, path_words, walk
from nos.config.tree import ConfigTree, Leaf, ListNode, Node
from nos.config.validate import defined_names
from nos.runtime.accounts import BadClass, Rights, rights_for
from nos.runtime.authorize import PERMISSION_DENIED, Refused, authorized_edit
from nos.runtime.clock import format_time
from nos.runtime.device import Device
from nos.runtime.features import CommandContext
from nos.runtime.interrupt import Interrupts
from nos.runtime.structured import Structured
from nos.schema.model import LIST, SchemaNode

Handler = Callable[["CliSession", Command, Pipeline], Awaitable[list[str] | None]]

# Configuration-mode commands that change the candidate: refused while another session holds the
# lock, and what each changes is judged against the login class (nos/runtime/authorize.py).
EDITING_ACTIONS = frozenset(
    {
        "set",
        "delete",
        "activate",
        "deactivate",
        "annotate",
        "rename",
        "copy",
        "insert",
        "rollback",
        "load",
        "replace",
        "wildcard-delete",
    }
)

_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"?|(\|)|(\[|\])|([^\s"|\[\]]+)')


def split_line(line: str) -> list[tuple[str, int, int]]:
    """Words of a command line with their columns; `|` outside quotes is a word of its own."""
    out = []
    for m in _TOKEN.finditer(line):
        if m.group(0).startswith('"'):
            text = (m.group(1) or "").replace('\\"', '"').replace("\\\\", "\\")
            out.append((text, m.start(), m.end()))
        else:
            out.append((m.group(0), m.start(), m.end()))
    return out


def _asks_xml(cmd: Command, pipeline: Pipeline, mode: str) -> bool:
    """`| display xml [rpc]|json` after an operational command of the CLI's own that has no XML form
    of its own (`show configuration` renders its XML and JSON itself, as configuration mode's `show`)."""
    wants = pipeline.wants("display-xml") or pipeline.wants("display-xml-rpc") or pipeline.wants("display-json")
    return wants is not None and mode == "operational" and cmd.action != "show-configuration"


@dataclass
class CliError(Exception):
    """An error to print under the command line: caret at `column` (None: no caret)."""

    message: str
    column: int | None = None
    extra: tuple[str, ...] = ()


class CliSession:
    def __init__(
        self,
        device: Device,
        user: str,
        io: SessionIO,
        *,
        client: str = "cli",
        terminal: str = "pts/0",
        origin: str = "",
        rights: Rights | None = None,
    ):
        from nos.cli import configuration, operational  # the handler tables

        self.handlers: dict[str, dict[str, Handler]] = {
            "operational": operational.HANDLERS,
            "configuration": configuration.HANDLERS,
        }
        self.device = device
        self.schema = device.schema
        self.user = user
        self.io = io
        self.client = client
        self.terminal = terminal
        self.origin = origin
        # What the user may do, fixed at login (the lab user of a device without logins: everything).
        if rights is None:
            try:
                rights = rights_for(device.db.active_expanded, user)
            except BadClass:
                rights = Rights("unauthorized", frozenset())
        self.rights = rights
        self.id = device.new_session_id()
        self.login_time = device.scheduler.epoch()
        self.mode = "operational"
        self.edit: list[Step] = []
        self.candidate: ConfigTree | None = None
        self.private_base: Node | None = None
        self.config_kind = "shared"
        self.screen_length = 24 if io.interactive else 0
        self.interrupts = Interrupts()  # a terminal front-end shares its own, to route Ctrl-C here
        self.screen_width = 80
        self.screen_length_fixed = False  # `set cli screen-length` was given
        self.complete_on_space = True
        self.history: list[tuple[float, str]] = []
        self.alive = True
        self.last_activity = self.login_time
        device.sessions[self.id] = self
        device.listeners.append(self._broadcast)
        self._idle_timers: list = []
        self._arm_idle_timeout()

    # -- prompts ---------------------------------------------------------------------------------

    @property
    def base_prompt(self) -> str:
        return f"{self.user}@{self.device.hostname}"

    def prompt_line(self) -> str:
        return self.base_prompt + ("# " if self.mode == "configuration" else "> ")

    def prompt(self) -> str:
        """Everything printed before the user types: a blank line, the banners, the prompt."""
        if self.mode != "configuration":
            return "\n" + self.prompt_line()
        banner = ""
        left = self.device.db.confirm_minutes_left()
        if left is not None:
            banner = f"# commit confirmed will be rolled back in {left} minute{'s' if left != 1 else ''}\n"
        return f"\n{banner}{self.edit_banner()}\n{self.prompt_line()}"

    def edit_banner(self) -> str:
        return "[edit" + (" " + path_text(self.edit) if self.edit else "") + "]"

    # -- running commands ---------------------------------------------------------------------------

    async def execute(self, line: str) -> None:
        """Run one command line and send its output to the front-end."""
        self.last_activity = self.device.scheduler.epoch()
        if line.strip():
            self.history.append((self.last_activity, line.strip()))
        lines: list[str] | None = None
        self.last_failed = False
        with trio.CancelScope() as command, self.interrupts.stop_with(command.cancel):
            try:
                lines = await self._run_line(line, self.mode)
            except CliError as err:
                self.last_failed = True
                self.io.write(self._error_text(err))
        if lines and (lines[0].startswith("error:") or lines[-1].startswith("error:")):
            self.last_failed = True  # a handler's answer that is an error (`commit` ends with one)
        self._arm_idle_timeout()
        editor = self.device.db.editors.get(self.id)
        if editor is not None:  # what other sessions are told about this one (locks, `status`)
            editor.edit_path, editor.active_at = self.edit_banner(), self.last_activity
        if command.cancelled_caught:  # Ctrl-C: the prompt comes back, the output so far stays
            self.io.write("\n")
            return
        if lines:
            await self.io.page(lines, self._paged, self.screen_length)

    @property
    def _paged(self) -> bool:
        return self.io.interactive and self.screen_length > 0 and not self._no_more

    _no_more = False
    last_failed = False  # did the last command fail (an error, not output)? `ssh host COMMAND`'s exit status

    async def _run_line(self, line: str, mode: str) -> list[str] | None:
        spans = split_line(line)
        if not spans:
            return None
        words = [w for w, _, _ in spans]
        parts = split_pipes(words)
        tree = self.schema.commands[mode]
        try:
            cmd = parse_command(tree, parts[0])
            pipeline = parse_pipes(self.schema.commands["pipe"], parts[1:], len(parts[0]) + 1)
        except CommandError as exc:
            raise self._caret(spans, exc.pos, exc.message, [self._help_row(c) for c in exc.candidates]) from None
        cmd.spans = spans  # type: ignore[attr-defined]
        cmd.line = line  # type: ignore[attr-defined]
        handler = self.handlers[mode].get(cmd.action)
        if mode == "operational" and not self.rights.may_run(cmd.full):
            raise self._caret(spans, 0, "unknown command.")  # Junos treats what a class may not run as unknown
        self._check_pipes(spans, parts)
        editing = mode == "configuration" and cmd.action in EDITING_ACTIONS
        if editing:
            self._check_may_edit(cmd)
            self._check_not_locked()
        self._no_more = pipeline.no_more
        if editing and handler is not None:
            lines = await self._authorized(handler, cmd, pipeline)
        elif handler is not None:
            lines = await handler(self, cmd, pipeline)
        else:
            lines = await self._feature_command(cmd)
        if lines is None:
            return None
        if handler is None or isinstance(lines, Structured) or _asks_xml(cmd, pipeline, mode):
            lines = rendered(lines, pipeline)  # text, xml or json of a feature's (or a structured) answer
        return await run_filters(lines, pipeline, self.device.fs.for_user(self.user, secrets=self.rights.sees_secrets))

    async def _feature_command(self, cmd: Command) -> list[str] | None:
        """Commands that features registered (show route, show interfaces, ping, ...)."""
        handler = self.device.features.commands.get(cmd.action)
        if handler is None:
            raise CliError("error: command is not supported on this platform")
        ctx = CommandContext(
            self.device,
            cmd.args,
            self.user,
            write=lambda line: self.io.write(line + "\n"),
            interrupts=self.interrupts,
            interactive=self.io.interactive,
        )
        return await handler(ctx)

    async def run_operational(self, words_line: str) -> list[str] | None:
        """`run` from configuration mode."""
        return await self._run_line(words_line, "operational")

    def _check_may_edit(self, cmd: Command) -> None:
        """Refuse early what the typed path already shows the class may not change, before any
        prompt (`plain-text-password`). What the command then changes is judged by `_authorized`."""
        rights = self.rights
        if cmd.action == "rollback" and (cmd.value("number") or "0") != "0" and not rights.may_rollback:
            raise CliError(PERMISSION_DENIED)
        if rights.edits_everything or cmd.action in ("rollback", "load", "replace"):
            return
        try:
            steps = walk(self.level_schema, cmd.rest, values=True, abbreviate=True, wildcards=self.in_groups())
        except PathError:
            return  # not a plain path (`copy A to B`, a comment): the change is judged afterwards
        if not rights.may_edit(path_words(self.edit + steps)):
            raise CliError(PERMISSION_DENIED)

    async def _authorized(self, handler: Handler, cmd: Command, pipeline: Pipeline) -> list[str] | None:
        """Run an editing command; a change the class may not make is undone and refused."""
        assert self.candidate is not None
        try:
            with authorized_edit(self.rights, self.candidate) as guard:
                return await guard.watch(handler(self, cmd, pipeline))
        except Refused:
            raise CliError(PERMISSION_DENIED) from None

    def _check_pipes(self, spans: list[tuple[str, int, int]], parts: list[list[str]]) -> None:
        """`| save`, `| match`: the class's allow-/deny-commands judge each pipe as a command,
        its keywords spelled out (`save x`); one it may not use reads as no pipe at all [G]."""
        if self.rights.deny_commands is None:
            return
        pos = len(parts[0]) + 1
        for words in parts[1:]:
            if not self.rights.may_pipe(parse_command(self.schema.commands["pipe"], words).full):
                raise self._caret(spans, pos, "syntax error, expecting <command>.")
            pos += len(words) + 1

    def lock_holder(self) -> Editor | None:
        """The session whose `configure exclusive` stops this one changing the candidate (None: free)."""
        db = self.device.db
        holder = db.editors.get(db.exclusive) if db.exclusive is not None else None
        private = self.mode == "configuration" and self.config_kind == "private"
        if holder is None or db.exclusive == self.id or private:
            return None
        return holder

    def _check_not_locked(self) -> None:
        """`configure exclusive` locks the shared candidate: other sessions editing it may not change it."""
        holder = self.lock_holder()
        if holder is not None:
            raise CliError(holder.lock_error(self.device.scheduler.epoch()))

    # -- errors -----------------------------------------------------------------------------------------

    def _caret(
        self, spans: list[tuple[str, int, int]], pos: int, message: str, extra: list[str] | None = None
    ) -> CliError:
        if pos < len(spans):
            col = spans[pos][1]
        elif spans:
            col = spans[-1][2] + 1
        else:
            col = 0
        if extra:
            extra = ["Possible completions:"] + extra
        return CliError(message, col, tuple(extra or ()))

    def path_error(self, cmd: Command, exc: PathError) -> CliError:
        spans = cmd.spans  # type: ignore[attr-defined]
        # No path typed at all (`set`): the path would have started after the command's words.
        start = cmd.rest_start if cmd.rest_start is not None else len(cmd.words)
        pos = start + exc.pos
        message = exc.message
        if message in ("syntax error", "missing argument"):
            message += "."
        extra = [self._help_row(_cand(c)) for c in exc.candidates]
        return self._caret(spans, pos, message, extra)

    def _error_text(self, err: CliError) -> str:
        out = []
        if err.column is not None:
            out.append(" " * (len(self.prompt_line()) + err.column) + "^")
        out.append(err.message)
        out.extend(err.extra)
        return "".join(line + "\n" for line in out)

    @staticmethod
    def _help_row(c) -> str:  # type: ignore[no-untyped-def]
        name = c.name
        return f"{c.marker}{name}{' ' * max(2, 21 - len(name))}{c.help}".rstrip()

    # -- configuration helpers used by the handlers --------------------------------------------------------

    @property
    def level_schema(self) -> SchemaNode:
        return self.edit[-1].schema if self.edit else self.schema.root

    def config_steps(self, cmd: Command, *, values: bool, start: list[Step] | None = None) -> list[Step]:
        """Read the config-path argument of `cmd` from the current edit level (or `start`)."""
        base = self.edit if start is None else start
        schema = base[-1].schema if base else self.schema.root
        words = cmd.rest
        try:
            return walk(schema, words, values=values, abbreviate=True, wildcards=_in_groups(base))
        except PathError as exc:
            raise self.path_error(cmd, exc) from None

    def in_groups(self) -> bool:
        return _in_groups(self.edit)

    async def confirm(self, question: str, default: bool) -> bool:
        answer = await self.io.ask(f"{question} [yes,no] ({'yes' if default else 'no'}) ")
        if answer is None or not answer.strip():
            return default
        return "yes".startswith(answer.strip().lower()) and answer.strip() != ""

    # -- mode changes --------------------------------------------------------------------------------------

    def enter_configuration(self, kind: str) -> list[str]:
        db = self.device.db
        editor = Editor(self.user, self.id, self.device.scheduler.epoch(), kind, self.terminal)
        others = db.others(self.id)
        error = db.enter(editor)
        if error is not None:
            lines = error.splitlines()
            if others:
                lines = _editors_lines(others, self.device) + lines
            return lines
        self.mode = "configuration"
        self.config_kind = kind
        self.edit = []
        lines = ["Entering configuration mode"]
        if kind == "private":
            self.candidate = db.new_candidate()
            self.private_base = db.active
        else:
            self.candidate = db.shared
            self.private_base = None
        if others:
            lines += _editors_lines(others, self.device)
        if kind != "private" and db.changed(db.shared):
            lines.append("The configuration has been changed but not committed")
        return lines

    def leave_configuration(self) -> None:
        self.device.db.leave(self.id)
        if self.config_kind == "exclusive" and self.candidate is not None:
            self.candidate.root = self.device.db.active  # configure exclusive: changes are discarded
            self.candidate.freeze()
        self.mode = "operational"
        self.edit = []
        self.candidate = None
        self.private_base = None

    def uncommitted(self) -> bool:
        return self.candidate is not None and self.device.db.changed(self.candidate)

    def close(self) -> None:
        for timer in self._idle_timers:
            timer.cancel()
        if self.mode == "configuration":
            self.leave_configuration()
        self.alive = False
        self.device.sessions.pop(self.id, None)
        hang_up = getattr(self.io, "close", None)
        if hang_up is not None:  # a front-end reading in the background (SSH) stops waiting for input
            hang_up()
        if self._broadcast in self.device.listeners:
            self.device.listeners.remove(self._broadcast)

    def _arm_idle_timeout(self) -> None:
        """The class's `idle-timeout`, on the device's clock: a warning a minute before, then logout."""
        for timer in self._idle_timers:
            timer.cancel()
        minutes = self.rights.idle_timeout
        if not minutes or not self.alive:
            self._idle_timers = []
            return
        scheduler = self.device.scheduler
        warn = "\nWarning: session will be closed in 1 minute if there is no activity\n"
        self._idle_timers = [
            scheduler.call_later((minutes - 1) * 60, lambda: self.io.notify(warn)),
            scheduler.call_later(minutes * 60, self._idle_out),
        ]

    def _idle_out(self) -> None:
        if self.alive:
            self.io.write("\nIdle timeout exceeded: closing session\n")
            self.close()

    def _broadcast(self, message: str) -> None:
        clock = time.strftime("%H:%M", time.gmtime(self.device.scheduler.epoch()))
        host = self.device.hostname
        self.io.notify(f"\n\nBroadcast Message from root@{host}\n        (no tty) at {clock} UTC...\n\n{message}\n\n")

    # -- help and completion ---------------------------------------------------------------------------------

    def help_for(self, text: str, *, names: bool = True) -> Help:
        """What may follow `text` (the line up to the cursor); without `names`, keywords only
        (no configured names, defined references or rollback indexes: what Space completes)."""
        spans = split_line(text)
        words = [w for w, _, _ in spans]
        partial = ""
        if words and not text[-1:].isspace():
            partial = words.pop()
        parts = split_pipes(words)
        if len(parts) > 1:
            offset = len(words) - len(parts[-1])
            values = self._values if names else None
            return command_help(self.schema.commands["pipe"], parts[-1], partial, values=values).shifted(offset)
        return self._mode_help(self.mode, parts[0], partial, names)

    def _mode_help(self, mode: str, words: list[str], partial: str, names: bool = True) -> Help:
        """Help within one mode's command tree; `run ...` continues in the operational tree."""

        def run_help(run_words: list[str], run_partial: str) -> Help:
            return self._mode_help("operational", run_words, run_partial, names)

        h = command_help(
            self.schema.commands[mode],
            words,
            partial,
            self._config_help(words, mode, names),
            run_help,
            self._values if names else None,
        )
        if mode == "operational" and not words:  # a class does not even see the commands it may not run
            h.candidates = [c for c in h.candidates if self.rights.may_see(c.name)]
        return h

    def _values(self, node: SchemaNode) -> list[Candidate]:
        """Run-time candidates for a value: the kept configurations for a rollback index."""
        if node.type is None or node.type.name != "rollback":
            return []
        records = self.device.db.store.records
        return [Candidate(str(i), f"{format_time(r.time)} by {r.user} via {r.client}") for i, r in enumerate(records)]

    def help_lines(self, text: str) -> list[str]:
        spans = split_line(text)
        partial = spans[-1][0] if spans and not text[-1:].isspace() else ""
        h = self.help_for(text)
        if h.error is not None and h.error[0] < len(spans):
            pos, message = h.error
            return [" " * (len(self.prompt_line()) + spans[pos][1]) + "^", message]
        lines = h.lines(partial) if h.candidates or h.enter else []
        if len(lines) <= 1:  # nothing, or a bare "Possible completions:" header: nothing starts so
            return ["No valid completions"] if partial else []
        return lines

    def complete(self, text: str) -> tuple[str, list[str]]:
        """Tab: the text to insert at the cursor (may be empty) and, when ambiguous, the help lines."""
        spans = split_line(text)
        partial = spans[-1][0] if spans and not text[-1:].isspace() else ""
        h = self.help_for(text)
        names = sorted({c.name for c in h.matching(partial)})
        if len(names) == 1:
            return names[0][len(partial) :] + " ", []
        if not names:
            return "", []
        common = _common_prefix(names)
        if len(common) > len(partial):
            return common[len(partial) :], []
        return "", h.lines(partial)

    def complete_word(self, text: str) -> str:
        """Space: what completes the keyword before the cursor ("" for nothing).

        Junos completes commands, options and statement names on Space; names
        and values (interfaces, policies, files) only on Tab (as Junos tutorials
        describe it; the CLI guide's wording was not found). A word that is not a
        proper prefix of any keyword is left alone without reading the line.
        """
        partial = text.rsplit(None, 1)[-1] if text.strip() else ""
        if any(c in partial for c in '"|[]'):  # `a|b`, `[x`: the word as split_line reads it
            spans = split_line(partial)
            partial = spans[-1][0] if spans else ""
        if partial not in keyword_prefixes(self.schema):
            return ""
        h = self.help_for(text, names=False)
        found = {c.name for c in h.matching(partial)}
        return next(iter(found))[len(partial) :] + " " if len(found) == 1 else ""

    def _config_help(self, words: list[str], mode: str, names: bool = True):  # type: ignore[no-untyped-def]
        """The config-path helper for `set`, `show configuration`, ... at this point of the line."""
        first = words[0] if words else ""

        def helper(path_words: list[str], partial: str) -> Help:
            op = mode == "operational"
            base: list[Step] = [] if op else self.edit
            start = base[-1].schema if base else self.schema.root
            values = not op and first.startswith("se") and "set".startswith(first)
            h = config_path_help(
                start,
                path_words,
                values=values,
                existing=lambda steps, lst: self._existing(base + steps, lst, op) if names else [],
                defined=self._defined if names else lambda namespace: [],
            )
            if not values:
                h.enter = True
                h.pipe = first.startswith("sh") or op
            return h

        return helper

    def _existing(self, steps: list[Step], lst: SchemaNode, operational: bool) -> list[tuple[str, str]]:
        root = self.device.db.active if operational or self.candidate is None else self.candidate.root
        node = find(root, [s for s in steps if s.descends]) if steps else root
        if not isinstance(node, Node):
            return []
        holder = node.children.get(lst.name)
        if not isinstance(holder, ListNode) or lst.kind != LIST:
            return []
        out = []
        for key, entry in holder.entries.items():
            desc = entry.children.get("description")
            text = desc.value if isinstance(desc, Leaf) and isinstance(desc.value, str) else ""
            out.append((" ".join(key), text))
        return out

    def _defined(self, namespace: str) -> list[str]:
        root = self.candidate.root if self.candidate is not None else self.device.db.active
        return sorted(defined_names(root, namespace))


def _in_groups(steps: list[Step]) -> bool:
    return any(s.schema.defines is not None and s.schema.defines[0] == "group" for s in steps)


def _cand(node: SchemaNode):  # type: ignore[no-untyped-def]
    from nos.cli.commands import _candidate

    return _candidate(node)


def _common_prefix(names: list[str]) -> str:
    first, last = min(names), max(names)
    i = 0
    while i < len(first) and i < len(last) and first[i] == last[i]:
        i += 1
    return first[:i]


def _editors_lines(editors: list[Editor], device: Device) -> list[str]:
    lines = ["Users currently editing the configuration:"]
    for e in editors:
        since = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(e.since))
        lines.append(f"  {e.user} terminal {e.terminal} (pid {e.session_id}) on since {since}")
        session = device.sessions.get(e.session_id)
        edit = getattr(session, "edit", [])
        lines.append("      " + ("[edit" + (" " + path_text(edit) if edit else "") + "]"))
        if e.mode == "exclusive":
            lines.append("      exclusive")
        elif e.mode == "private":
            lines.append("      private")
    return lines


__all__ = ["CliError", "CliSession", "split_line"]
