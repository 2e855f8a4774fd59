"""Users, their login classes and what those classes may do, read from `[edit system login]`.

A session's rights are fixed when it logs in (as on Junos: a class change
applies to the next login). A class whose expressions do not compile refuses
the login, as Junos does. The rules, each from Juniper's "Login Class
Permission Flags" and "allow/deny" pages ([G]: not confirmed there):

| rule                                   | what nos does                                              |
|----------------------------------------|------------------------------------------------------------|
| `all`                                  | every flag, every command, every hierarchy                 |
| `control`                              | every `*-control` flag: may modify any configuration       |
| `X-control` (admin, interface, ...)    | may modify the hierarchies `CONTROL` gives it (interface:  |
|                                        | also chassis, groups); the plain `X` only views them       |
| a hierarchy no flag names (`services`, | needs `control` (or `all`), unless an allow expression     |
| `applications`, `apply-groups`)        | matches                                                    |
| `configure`                            | needed to enter configuration mode (CLI and NETCONF)       |
| `view`, `view-configuration`           | show commands; `show configuration`                        |
| `secret`                               | secrets shown, not `## SECRET-DATA`                        |
| `rollback`                             | `rollback N` for N > 0                                     |
| `maintenance`                          | operational commands no other flag names (request ...)     |
| `network`, `clear`, `reset`, `trace`,  | ping/traceroute, clear, restart, monitor, start shell      |
| `shell`                                |                                                            |
| allow-/deny-commands vs flags          | the expressions decide first; flags only when neither      |
|                                        | matches ("takes precedence over the permission flags")     |
| allow-/deny-configuration vs flags     | the same, also over `all`: `all` + deny-configuration      |
|                                        | may not change what the expression matches                 |
| allow vs deny, both matching           | allow wins [G] (documented only for the -regexps forms,    |
|                                        | where deny wins; nos has the plain forms)                  |
| matching                               | POSIX extended, case-insensitive, a search (unanchored:    |
|                                        | `^`/`$` anchor) over the command with its keywords spelled |
|                                        | out, or the statement path with its values and no `set`    |
| pipes (`| save`, `| match`)            | need no flag; refused when deny-commands matches the pipe  |
|                                        | spelled out (`save x`) and allow-commands does not [G]     |
| NETCONF RPCs                           | judged as their CLI command (`get-configuration` is        |
|                                        | `show configuration`, a load or commit needs `configure`)  |
| `rollback N`, `load override`          | judged by what they change, like any edit. Junos lets      |
|                                        | `all` precede the expressions for rollback and refuses     |
|                                        | `load override` to classes with expressions; nos does not: |
|                                        | judging the change already covers both                     |

Configuration changes are judged by what they change (nos/runtime/authorize.py),
whichever command or RPC made them.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import Protocol

from nos.config.query import child, entries, value, values
from nos.config.tree import Node
from nos.runtime.device import DEFAULT_PASSWORD, DEFAULT_USER
from nos.runtime.passwords import verify
from nos.runtime.patterns import BadPattern, compile_user_regex  # linear time: no class expression stalls a device

ALL = "all"

# Junos's predefined classes.
PREDEFINED: dict[str, frozenset[str]] = {
    "super-user": frozenset({ALL}),
    "operator": frozenset({"clear", "network", "reset", "trace", "view"}),
    "read-only": frozenset({"view"}),
    "unauthorized": frozenset(),
}

# The permission an operational command needs, by its leading keywords (longest match wins).
# An empty set: everyone may run it. Lookups go through `_needed`.
OPERATIONAL: dict[tuple[str, ...], frozenset[str]] = {
    (): frozenset({"maintenance"}),  # anything not listed: the flag Junos gives system operations
    ("show",): frozenset({"view"}),
    ("show", "configuration"): frozenset({"view", "view-configuration"}),
    ("show", "cli"): frozenset(),
    ("configure",): frozenset({"configure"}),
    ("ping",): frozenset({"network"}),
    ("traceroute",): frozenset({"network"}),
    ("clear",): frozenset({"clear"}),
    ("restart",): frozenset({"reset"}),
    ("monitor",): frozenset({"trace"}),
    ("file",): frozenset({"maintenance"}),  # every `file` command (Junos command reference: maintenance)
    ("file", "delete"): frozenset({"maintenance"}),
    ("set", "cli"): frozenset(),
    ("help",): frozenset(),
    ("quit",): frozenset(),
    ("exit",): frozenset(),
    ("start", "shell"): frozenset({"shell"}),
}

# The flag that lets a class change a part of the configuration (longest prefix wins; a part
# not listed needs `control`). From the flags' "Configuration Hierarchy Levels" lists.
CONTROL: dict[tuple[str, ...], str] = {
    ("system", "login"): "admin-control",
    ("system",): "system-control",
    ("interfaces",): "interface-control",
    ("chassis",): "interface-control",
    ("groups",): "interface-control",  # "Can edit configuration at the ... [edit groups] ... levels"
    ("routing-options",): "routing-control",
    ("routing-instances",): "routing-control",
    ("protocols",): "routing-control",
    ("policy-options",): "routing-control",
    ("security",): "security-control",
    ("firewall",): "firewall-control",
    ("snmp",): "snmp-control",
    ("access",): "access-control",
}


# How many words of a path decide its flag: 2 under `system` (`system login`), else 1.
_CONTROL_DEPTH: dict[str, int] = {}
for _key in CONTROL:
    _CONTROL_DEPTH[_key[0]] = max(_CONTROL_DEPTH.get(_key[0], 1), len(_key))


class Matcher(Protocol):
    """A compiled class expression (nos.runtime.patterns.UserRegex, or an `re.Pattern`)."""

    def search(self, text: str) -> object: ...


def _needed(table: dict[tuple[str, ...], frozenset[str]], words: list[str]) -> frozenset[str]:
    for n in range(min(len(words), 3), -1, -1):
        found = table.get(tuple(words[:n]))
        if found is not None:
            return found
    return frozenset()


def _explicit(allow: Matcher | None, deny: Matcher | None, words: list[str]) -> bool | None:
    """A class's own expressions decide before its flags: allow first, then deny (None: neither matches)."""
    line = " ".join(words)
    if allow is not None and allow.search(line):
        return True
    if deny is not None and deny.search(line):
        return False
    return None


@dataclass(frozen=True)
class Rights:
    """What one logged-in user may do."""

    class_name: str = "super-user"
    flags: frozenset[str] = frozenset({ALL})
    allow_commands: Matcher | None = None
    deny_commands: Matcher | None = None
    allow_configuration: Matcher | None = None
    deny_configuration: Matcher | None = None
    idle_timeout: int | None = None  # minutes without a command before the session is closed

    def has(self, flag: str) -> bool:
        if ALL in self.flags or flag in self.flags:
            return True
        return flag.endswith("-control") and "control" in self.flags

    def may_run(self, words: list[str]) -> bool:
        """An operational command, keywords spelled out (`show route 10.0.0.0/8`)."""
        explicit = _explicit(self.allow_commands, self.deny_commands, words)
        if explicit is not None:
            return explicit
        needed = _needed(OPERATIONAL, words)
        return not needed or any(self.has(flag) for flag in needed)

    def may_pipe(self, words: list[str]) -> bool:
        """A pipe (`save x`, `match y`): no flag needed, only the class's command expressions."""
        return _explicit(self.allow_commands, self.deny_commands, words) is not False

    def may_see(self, word: str) -> bool:
        """Is a top-level command listed by `?`: the class may run it, or one of the commands under it."""
        if self.may_run([word]):
            return True
        return any(key[:1] == (word,) and self.may_run(list(key)) for key in OPERATIONAL)

    def may_edit(self, path: list[str]) -> bool:
        """Changing the statement at `path` (its words and values, `system host-name r1`)."""
        explicit = _explicit(self.allow_configuration, self.deny_configuration, path)
        if explicit is not None:
            return explicit
        return self.has(_control_flag(path))

    @property
    def edits_everything(self) -> bool:
        """May change any statement: a change need not be looked at (super-user's fast path)."""
        return self.has("control") and self.deny_configuration is None

    def settled(self, path: list[str]) -> bool | None:
        """May the class change everything under `path` (True), nothing (False), or does it
        depend on what is below (None)? Flags decide by a path's first words; expressions
        can match any statement below, so a class with them is judged statement by statement."""
        if self.has("control"):
            by_flags = True
        elif path and len(path) >= _CONTROL_DEPTH.get(path[0], 1):
            by_flags = self.has(_control_flag(path))
        else:
            return None
        if by_flags and self.deny_configuration is None:
            return True  # an allow expression can only add
        if not by_flags and self.allow_configuration is None:
            return False  # a deny expression can only take away
        return None

    @property
    def sees_secrets(self) -> bool:
        return self.has("secret")

    @property
    def may_rollback(self) -> bool:
        return self.has("rollback")


def _control_flag(path: list[str]) -> str:
    for n in (2, 1):
        flag = CONTROL.get(tuple(path[:n]))
        if flag is not None:
            return flag
    return "control"


SUPER_USER = Rights()


@dataclass(frozen=True)
class Account:
    name: str
    login_class: str
    uid: int = 0
    password_hashes: tuple[str, ...] = ()
    public_keys: tuple[str, ...] = field(default=())  # OpenSSH `type base64 [comment]` lines
    lab_password: str | None = None  # the simulator's lab user on a device without logins


# A device whose configuration has no `system login user` still lets one user in: the lab user.
LAB_USER, LAB_PASSWORD = DEFAULT_USER, DEFAULT_PASSWORD


def _authentication(node: Node | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The `$6$` hashes and public keys of an `authentication` / `root-authentication` block."""
    hashes = tuple(h for h in [value(node, "encrypted-password")] if h)
    keys: list[str] = []
    for kind in ("ssh-rsa", "ssh-ed25519", "ssh-ecdsa"):
        keys.extend(" ".join(key) for key in entries(node, kind))
    return hashes, tuple(keys)


def accounts(root: Node) -> dict[str, Account]:
    """Every user who may log in: `system login user` entries and root (when it has authentication)."""
    login = child(child(root, "system"), "login")
    out: dict[str, Account] = {}
    for key, entry in entries(login, "user").items():
        hashes, keys = _authentication(child(entry, "authentication"))
        uid = value(entry, "uid")
        out[key[0]] = Account(key[0], value(entry, "class") or "unauthorized", int(uid or 0), hashes, keys)
    if not out:
        out[LAB_USER] = Account(LAB_USER, "super-user", 2000, lab_password=LAB_PASSWORD)
    hashes, keys = _authentication(child(child(root, "system"), "root-authentication"))
    if hashes or keys:
        out["root"] = Account("root", "super-user", 0, hashes, keys)
    return out


def authenticate(root: Node, user: str, password: str) -> Account | None:
    account = accounts(root).get(user)
    if account is None:
        return None
    if account.lab_password is not None and hmac.compare_digest(password, account.lab_password):
        return account
    return account if any(verify(password, h) for h in account.password_hashes) else None


class BadClass(Exception):
    """A class whose regular expressions do not compile: its users cannot log in."""


def _regex(node: Node | None, name: str) -> Matcher | None:
    """A class expression: POSIX extended, case-insensitive, searched (not anchored) in the text."""
    text = value(node, name)
    if not text:
        return None
    try:
        return compile_user_regex(text)
    except BadPattern as exc:
        raise BadClass(f'{name} "{text}": {exc.message}') from None


def rights_for(root: Node, user: str) -> Rights:
    """The rights of `user` under the configuration `root` (a user it does not know: super-user,
    the simulator's lab user on a device without logins)."""
    if user == "root":
        return SUPER_USER
    account = accounts(root).get(user)
    if account is None:
        return SUPER_USER
    name = account.login_class
    if name in PREDEFINED:
        return Rights(name, PREDEFINED[name])
    entry = entries(child(child(root, "system"), "login"), "class").get((name,))
    if entry is None:
        return Rights(name, frozenset())
    return Rights(
        name,
        frozenset(values(entry, "permissions")),
        _regex(entry, "allow-commands"),
        _regex(entry, "deny-commands"),
        _regex(entry, "allow-configuration"),
        _regex(entry, "deny-configuration"),
        int(value(entry, "idle-timeout") or 0) or None,
    )


__all__ = [
    "LAB_PASSWORD",
    "LAB_USER",
    "PREDEFINED",
    "SUPER_USER",
    "Account",
    "BadClass",
    "Matcher",
    "Rights",
    "accounts",
    "authenticate",
    "rights_for",
]
