"""What a triggered policy does: commit a configuration change, run operational commands, and put
files on an archive site.

- change-configuration loads its `set`/`delete`/`activate`/`deactivate` commands
  into a candidate copied from the active configuration and commits it as its
  `user-name` (root by default), after the login-class check that user's own
  commit would get; `commit-options log` is the commit comment, `check` only
  checks. `show system commit` names the client `junoscript` [G]: eventd commits
  through mgd's XML interface, as op and event scripts do (captures show those
  `via junoscript`; none of an event-policy commit was found).
- execute-commands runs each command in a CLI session of its `user-name`, with
  that user's rights, pipes included; `output-format xml` (the default) is the
  command's `| display xml`. The text form precedes each command's output with
  the prompt and the command line [G].
- Files are named `HOSTNAME_FILENAME_YYYYMMDD_HHMMSS` (device time), as Juniper's
  "Define Destinations for File Archiving" has it, with `_1`, `_2`, ... when that
  name is taken in the same second [G]. An archive site is a device directory or
  a URL; nothing outside the lab's devices is reachable, so a URL site always
  fails and the next one is tried.
"""

from __future__ import annotations

import time
from typing import Any

from nos.config.load import parse_set
from nos.features.events.config import ChangeConfiguration
from nos.runtime.accounts import BadClass, accounts, rights_for
from nos.runtime.authorize import commit_refusal
from nos.runtime.filesystem import FileError

CLIENT = "junoscript"
VERBS = ("set", "delete", "activate", "deactivate")


def change_configuration(device: Any, action: ChangeConfiguration, commands: tuple[str, ...]) -> str | None:
    """Apply `commands` and commit them; None when done, else why not."""
    db = device.db
    user = action.user
    if user != "root" and user not in accounts(db.active_expanded):
        return f"user '{user}' does not exist"
    try:
        rights = rights_for(db.active_expanded, user)
    except BadClass as exc:
        return f"login class of user '{user}' is unusable: {exc}"
    for command in commands:
        verb = command.split(maxsplit=1)[0] if command.strip() else ""
        if verb not in VERBS:
            return f"syntax error: '{command}': not a set, delete, activate or deactivate command"
    tree = db.new_candidate()
    report = parse_set(tree, "\n".join(commands), source="event-policy")
    if report.errors:
        return report.messages[0]
    refused = commit_refusal(rights, db.active, tree.root)
    if refused:
        return "permission denied"
    result = db.commit(tree, user, client=CLIENT, comment=action.log, check_only=action.check)
    if not result.ok:
        return "; ".join(line.strip() for line in result.lines if line.strip())
    return None


async def command_output(device: Any, commands: tuple[str, ...], user: str, output_format: str) -> str:
    """The output of `commands` run one after another by `user`, as its file holds it."""
    # The CLI engine runs them as that user's session would (rights, pipes, errors); imported here, as
    # NETCONF does, because the CLI itself imports the features.
    from nos.cli.io import BufferIO
    from nos.cli.session import CliSession, split_line

    io = BufferIO()
    session = CliSession(device, user, io, client="other", terminal="")
    try:
        for command in commands:
            if output_format == "text":
                io.write(f"\n{user}@{device.hostname}> {command}\n")
                await session.execute(command)
                continue
            # The command's XML, before any pipe of its own (`| match` then filters the XML).
            bar = next((start for word, start, _ in split_line(command) if word == "|"), len(command))
            await session.execute(f"{command[:bar].rstrip()} | display xml {command[bar:]}".rstrip())
    finally:
        session.close()
    return "".join(io.chunks)


def archive_name(hostname: str, filename: str, epoch: float) -> str:
    return f"{hostname}_{filename}_{time.strftime('%Y%m%d_%H%M%S', time.gmtime(epoch))}"


def store(device: Any, sites: tuple[str, ...], name: str, data: bytes) -> tuple[str | None, str | None]:
    """Write `data` as `name` on the first archive site that takes it: (device path, None), or
    (None, why no site did)."""
    files = device.fs.for_user("root", secrets=True)
    reason = "no archive site"
    for site in sites:
        if not site.startswith("/"):
            reason = f"could not transfer to {site}: archive site unreachable"
            continue
        base = site.rstrip("/") + "/" + name
        path, n = base, 0
        while device.fs.kind(files.resolve(path)) is not None:
            n += 1
            path = f"{base}_{n}"
        try:
            files.write_bytes(path, data)
        except FileError as exc:
            reason = str(exc).removeprefix("error: ")
            continue
        return path, None
    return None, reason


def read_upload(device: Any, filename: str, user: str) -> bytes:
    """The file an `upload` action sends: a device file, or `committed`, the active configuration."""
    name = "/config/juniper.conf.gz" if filename == "committed" else filename
    try:
        secrets = rights_for(device.db.active_expanded, user).sees_secrets
    except BadClass:
        secrets = False
    return device.fs.for_user(user, secrets=secrets).read_bytes(name)


__all__ = ["CLIENT", "VERBS", "archive_name", "change_configuration", "command_output", "read_upload", "store"]
