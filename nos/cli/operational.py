"""Operational-mode commands (`user@host> `)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from nos.cli import files, lockouts
from nos.cli.commands import Command
from nos.cli.configuration import fmt_time, render_config
from nos.cli.pipes import Pipeline
from nos.cli.session import CliError, CliSession
from nos.config import commitat
from nos.config.path import PathError, walk
from nos.features import system as device_commands
from nos.runtime.structured import Structured
from nos.schema.types import DurationType


async def show_configuration(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str]:
    try:
        steps = walk(session.schema.root, cmd.rest, values=False, abbreviate=True)
    except PathError as exc:
        raise session.path_error(cmd, exc) from None
    db = session.device.db
    header = []
    if db.store.records:
        r = db.store.records[0]
        header = [f"## Last commit: {fmt_time(r.time)} by {r.user}"]
    return await render_config(session, db.active, steps, pipeline, compare_base=None, header=header)


async def show_cli(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str]:
    return [
        f"CLI complete-on-space set to {'on' if session.complete_on_space else 'off'}",
        f"CLI idle-timeout set to {session.rights.idle_timeout} minutes"
        if session.rights.idle_timeout
        else "CLI idle-timeout disabled",
        "CLI restart-on-upgrade set to on",
        f"CLI screen-length set to {session.screen_length}",
        f"CLI screen-width set to {session.screen_width}",
        f"CLI terminal is '{session.io.terminal_type}'",
        "CLI is operating in enhanced mode",
        "CLI timestamp disabled",
        f"CLI working directory is '/var/home/{session.user}'",
    ]


async def show_cli_history(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str]:
    count = int(cmd.value("count") or 0)
    entries = session.history[-count:] if count else session.history
    return [f"{time.strftime('%H:%M:%S', time.gmtime(t))} -- {line}" for t, line in entries]


async def configure(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str]:
    kind = "private" if cmd.flag("private") else "exclusive" if cmd.flag("exclusive") else "shared"
    return session.enter_configuration(kind)


async def set_screen_length(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str]:
    session.screen_length = int(cmd.value("screen-length") or 0)
    session.screen_length_fixed = True  # a resized terminal no longer changes it
    return [f"Screen length set to {session.screen_length}"]


async def set_screen_width(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str]:
    session.screen_width = int(cmd.value("screen-width") or 0)
    return [f"Screen width set to {session.screen_width}"]


async def set_complete_on_space(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str]:
    session.complete_on_space = cmd.value("complete-on-space") == "on"
    return ["Enabling complete-on-space" if session.complete_on_space else "Disabling complete-on-space"]


async def request_logout(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    user, pid = cmd.value("user"), cmd.value("pid")
    if user is None and pid is None:
        raise CliError("syntax error, expecting <user> or <pid>.")
    found = False
    for other in list(session.device.sessions.values()):
        assert isinstance(other, CliSession)
        if (user and other.user == user) or (pid and str(other.id) == pid):
            found = True
            other.io.write("\nSession terminated by request.\n")  # no prompt follows: the session ends
            other.close()
    if not found:
        return [f"error: no such user: {user}" if user else f"error: no such process: {pid}"]
    return None


async def clear_system_commit(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str]:
    """Cancel the `commit at` waiting (nos/config/commitat.py has the wording)."""
    return [commitat.CLEARED if session.device.db.clear_scheduled() else commitat.NONE_PENDING]


async def rescue_save(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    error = session.device.db.save_rescue()  # a full disk: Junos-style text, the old rescue kept
    return [error] if error is not None else None


async def rescue_delete(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    session.device.db.store.delete_rescue()
    return None


def _lab(session: CliSession):  # type: ignore[no-untyped-def]
    """The lab the device lives in (set by the lab; None under `nos cli`)."""
    return getattr(session.device, "lab", None)


async def lab_wait(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str]:
    """Simulator extension: let time pass. On the virtual clock this advances it."""
    lab = _lab(session)
    if lab is not None:
        return await lab.command(f"wait {cmd.value('wait') or '0'}")
    seconds = DurationType.seconds(cmd.value("wait") or "0")
    scheduler = session.device.scheduler
    advance = getattr(scheduler, "sleep", None)
    if advance is not None:
        await advance(seconds)
    else:
        scheduler.advance(seconds)  # type: ignore[attr-defined]
    return [f"Lab time: {fmt_time(scheduler.epoch())}"]


async def show_lab_clock(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str]:
    lab = _lab(session)
    if lab is not None:
        return await lab.command("clock")
    scheduler = session.device.scheduler
    mode = getattr(scheduler, "mode", "virtual")
    return [f"Lab time: {fmt_time(scheduler.epoch())} (clock: {mode}, {scheduler.now():.3f} s since start)"]


def _lab_line(cmd: Command) -> str:
    """The lab console command a `show lab ...` / `request lab ...` line stands for (words in full)."""
    node = cmd.node
    if node.name == "command":  # `request lab <anything>`: as typed
        return cmd.value("command") or ""
    words = [node.name]
    for child in node.children.values():
        value = cmd.args.get(child.name)
        if isinstance(value, str):
            words += [value] if child.keyless else [child.name, value]
    return " ".join(words)


async def show_lab(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str]:
    """Simulator extension: `show lab devices|links|topology|events` from the lab console."""
    lab = _lab(session)
    if lab is None:
        return ["error: this device is not in a lab"]
    return await lab.command("show " + _lab_line(cmd))


async def request_lab(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str]:
    """Simulator extension: `request lab link ... down`, `blackhole ...`: lab console commands."""
    lab = _lab(session)
    if lab is None:
        return ["error: this device is not in a lab"]
    return await lab.command(_lab_line(cmd))


def help_text(session: CliSession, cmd: Command) -> list[str]:
    """`help topic` / `help reference`: the schema's help for a statement path."""
    words = (cmd.value("topic") or cmd.value("statement") or "").split()
    try:
        steps = walk(session.schema.root, words, values=False, abbreviate=True)
    except PathError:
        return [f"No help available for '{' '.join(words)}'"]
    if not steps:
        return ["Use '?' after any word to list what may follow it."]
    node = steps[-1].schema
    lines = [f"{' '.join(words)}: {node.help or 'no description'}"]
    for child in node.visible_children():
        lines.append(f"  {child.name:<21}{child.help}")
    return lines


async def help_cmd(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str]:
    return help_text(session, cmd)


async def start_shell(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str]:
    """There is no Unix below this CLI: say so rather than pretend."""
    return ["error: the shell is not available: nos devices have only the Junos CLI"]


async def quit_session(session: CliSession, cmd: Command, pipeline: Pipeline) -> None:
    session.close()
    return None


def _device_command(action: str) -> Callable[[CliSession, Command, Pipeline], Awaitable[Structured]]:
    """One of the device's own commands (nos/features/system): they answer on any device, its
    features installed or not, as their Junos XML (the session renders text, xml or json)."""

    async def run(session: CliSession, cmd: Command, pipeline: Pipeline) -> Structured:
        return await device_commands.run(session.device, action, cmd.args, session.user)

    return run


HANDLERS = {
    "show-configuration": show_configuration,
    **{action: _device_command(action) for action in device_commands.COMMANDS},  # show version, system, chassis
    "show-cli": show_cli,
    "show-cli-history": show_cli_history,
    "show-lab-clock": show_lab_clock,
    "show-lab": show_lab,
    "configure": configure,
    "set-cli-screen-length": set_screen_length,
    "set-cli-screen-width": set_screen_width,
    "set-cli-complete-on-space": set_complete_on_space,
    **files.HANDLERS,  # file list|show|copy|rename|delete|archive|compare, show log FILE
    **lockouts.HANDLERS,  # show|clear system login lockout
    "request-system-logout": request_logout,
    "clear-system-commit": clear_system_commit,
    "rescue-save": rescue_save,
    "rescue-delete": rescue_delete,
    "lab-wait": lab_wait,
    "request-lab": request_lab,
    "help-topic": help_cmd,
    "help-reference": help_cmd,
    "start-shell": start_shell,
    "quit": quit_session,
}
