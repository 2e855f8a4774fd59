"""`show system login lockout` and `clear system login lockout`: users locked out after failed logins."""

from __future__ import annotations

from nos.cli.commands import Command
from nos.cli.pipes import Pipeline
from nos.cli.session import CliError, CliSession
from nos.runtime.clock import format_time
from nos.runtime.lockouts import lockouts


async def show_lockout(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str]:
    """One row per locked-out user, with when the lockout began and ends ([G] Junos's columns)."""
    user = cmd.value("user")
    rows = [lock for lock in lockouts(session.device).current() if user is None or lock.user == user]
    lines = [f"{'User':<20} {'Lockout start':<26} Lockout end"]
    lines += [f"{lock.user:<20} {format_time(lock.start):<26} {format_time(lock.end)}" for lock in rows]
    return lines


async def clear_lockout(session: CliSession, cmd: Command, pipeline: Pipeline) -> None:
    """Lift one user's lockout (`user NAME`) or everyone's (`all`)."""
    user = cmd.value("user")
    if user is None and not cmd.args.get("all"):
        raise CliError("syntax error, expecting <user> or all.")  # [G] as `request system logout` says it
    lockouts(session.device).clear(user)
    return None


HANDLERS = {
    "show-system-login-lockout": show_lockout,
    "clear-system-login-lockout": clear_lockout,
}

__all__ = ["HANDLERS", "clear_lockout", "show_lockout"]
