"""Users, their login classes and what those classes may do, read from `[edit system login]`.

A session's rights are fixed when it logs in (as on Junos: a class change
applies to the next login). Commands are checked against the permission flags
their first words need (a table, `OPERATIONAL`, fitted to Junos's required
privilege levels) and then against the class's `allow-commands` /
`deny-commands` regular expressions, which Junos applies to the whole command
with its keywords spelled out, case-insensitively. A class whose expressions
do not compile refuses the login, as Junos does.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass, field

from nos.config.query import child, entries, value, values
from nos.config.tree import Node
from nos.runtime.device import DEFAULT_PASSWORD, DEFAULT_USER
from nos.runtime.passwords import verify

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
    ("file",): frozenset({"view"}),
    ("file", "delete"): frozenset({"maintenance"}),
    ("set", "cli"): frozenset(),
    ("help",): frozenset(),
    ("quit",): frozenset(),
    ("exit",): frozenset(),
    ("start", "shell"): frozenset({"shell"}),
}

# The flag that lets a class change a top-level part of the configuration (else `control`).
CONTROL: dict[tuple[str, ...], str] = {
    ("system", "login"): "admin-control",
    ("system",): "system-control",
    ("interfaces",): "interface-control",
    ("chassis",): "interface-control",
    ("routing-options",): "routing-control",
    ("routing-instances",): "routing-control",
    ("protocols",): "routing-control",
    ("policy-options",): "routing-control",
    ("security",): "security-control",
    ("firewall",): "firewall-control",
    ("snmp",): "snmp-control",
    ("access",): "access-control",
}


def _needed(table: dict[tuple[str, ...], frozenset[str]], words: list[str]) -> frozenset[str]:
    for n in range(min(len(words), 3), -1, -1):
        found = table.get(tuple(words[:n]))
        if found is not None:
            return found
    return frozenset()


def _explicit(allow: re.Pattern[str] | None, deny: re.Pattern[str] | None, words: list[str]) -> bool | None:
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
    allow_commands: re.Pattern[str] | None = None
    deny_commands: re.Pattern[str] | None = None
    allow_configuration: re.Pattern[str] | None = None
    deny_configuration: re.Pattern[str] | None = None
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

    def may_see(self, word: str) -> bool:
        """Is a top-level command listed by `?`: the class may run it, or one of the commands under it."""
        if self.may_run([word]):
            return True
        return any(key[:1] == (word,) and self.may_run(list(key)) for key in OPERATIONAL)

    def may_edit(self, path: list[str]) -> bool:
        """Changing the configuration at `path` (statement words, `system services ssh`)."""
        explicit = _explicit(self.allow_configuration, self.deny_configuration, path)
        if explicit is not None:
            return explicit
        for n in (2, 1):
            flag = CONTROL.get(tuple(path[:n]))
            if flag is not None:
                return self.has(flag)
        return self.has("control")

    @property
    def sees_secrets(self) -> bool:
        return self.has("secret")

    @property
    def may_rollback(self) -> bool:
        return self.has("rollback")


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


def _regex(node: Node | None, name: str) -> re.Pattern[str] | None:
    text = value(node, name)
    if not text:
        return None
    try:
        return re.compile(text, re.IGNORECASE)
    except re.error as exc:
        raise BadClass(f'{name} "{text}": {exc}') from None


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
    "Rights",
    "accounts",
    "authenticate",
    "rights_for",
]
