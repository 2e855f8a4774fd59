"""`event-options`: the policies, destinations and generated events a configuration asks for.

Event names are compared without regard to case (Junos takes `PING_TEST_FAILED`
and `ping_test_failed` alike), so they are kept in lowercase here. Defaults from
Juniper's reference: actions run as root, execute-commands writes XML, a change
is committed unless `commit-options check` says to check only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nos.config.query import child, entries, flag, value, values
from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.runtime.patterns import BadPattern, UserRegex, compile_user_regex

OPERATORS = ("equals", "matches", "starts-with")
_TIME_OF_DAY = re.compile(r"(\d{1,2}):(\d{2}):(\d{2})(?:\s*[+-]\d{4})?\Z")


@dataclass(frozen=True)
class Within:
    """`within S { events [...]; not events [...]; trigger on|after|until N; }`."""

    seconds: int
    events: tuple[str, ...] = ()
    not_events: tuple[str, ...] = ()
    trigger: tuple[str, int] | None = None  # ("on" | "after" | "until", count)


@dataclass(frozen=True)
class Condition:
    """`EVENT.ATTRIBUTE matches REGEX`, or `EVENT.ATTRIBUTE equals|starts-with OTHER.ATTRIBUTE`
    (an `OTHER` without a dot is compared as text)."""

    event: str
    attribute: str
    operator: str
    other_event: str | None = None
    other_attribute: str | None = None
    text: str = ""  # the regular expression, or the literal to compare with

    def pattern(self) -> UserRegex:
        return compile_user_regex(self.text)  # POSIX extended, not case-sensitive (Junos's `matches`)


@dataclass(frozen=True)
class Delivery:
    """Where an action's file goes: a destination, its retries and its delay before the transfer."""

    destination: str
    retry_count: int = 0
    retry_interval: int = 0
    transfer_delay: int | None = None  # None: the destination's own


@dataclass(frozen=True)
class ChangeConfiguration:
    commands: tuple[str, ...]
    user: str
    log: str | None
    check: bool
    retry_count: int
    retry_interval: int


@dataclass(frozen=True)
class ExecuteCommands:
    commands: tuple[str, ...]
    user: str
    output_filename: str | None
    output_format: str  # text | xml
    delivery: Delivery | None


@dataclass(frozen=True)
class Upload:
    filename: str  # a device path, or `committed`: the active configuration
    user: str
    delivery: Delivery


@dataclass(frozen=True)
class PolicySpec:
    name: str
    events: tuple[str, ...]
    withins: tuple[Within, ...] = ()
    conditions: tuple[Condition, ...] = ()
    change: ChangeConfiguration | None = None
    execute: ExecuteCommands | None = None
    scripts: tuple[str, ...] = ()
    uploads: tuple[Upload, ...] = ()
    ignore: bool = False
    raise_trap: bool = False

    @property
    def window(self) -> int:
        """The longest `within`: how far back correlated events are looked for."""
        return max((w.seconds for w in self.withins), default=0)


@dataclass(frozen=True)
class Destination:
    name: str
    sites: tuple[str, ...]  # URLs or device directories, tried in order
    transfer_delay: int = 0


@dataclass(frozen=True)
class Generated:
    """`generate-event NAME time-interval S | time-of-day hh:mm:ss`."""

    name: str
    interval: int | None
    time_of_day: int | None  # seconds after midnight (device time, UTC)


@dataclass(frozen=True)
class EventOptions:
    policies: tuple[PolicySpec, ...] = ()
    destinations: tuple[Destination, ...] = ()
    generated: tuple[Generated, ...] = ()

    def destination(self, name: str) -> Destination | None:
        return next((d for d in self.destinations if d.name == name), None)


# -- reading -------------------------------------------------------------------------------------------


def _int(node: Node | None, name: str, default: int = 0) -> int:
    text = value(node, name)
    return int(text) if text is not None else default


def _lower(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(n.lower() for n in names)


def _commands(node: Node | None) -> tuple[str, ...]:
    return tuple(key[0] for key in entries(child(node, "commands"), "command"))


def _delivery(node: Node | None) -> Delivery | None:
    """The one `destination NAME { retry-count N retry-interval S; transfer-delay S; }` of an action."""
    for (name,), entry in entries(node, "destination").items():
        return _retrying(name, entry)
    return None


def _retrying(name: str, entry: Node) -> Delivery:
    retries = entries(entry, "retry-count")
    count, interval = 0, 0
    for (n,), retry in retries.items():
        count, interval = int(n), _int(retry, "retry-interval")
    delay = value(entry, "transfer-delay")
    return Delivery(name, count, interval, int(delay) if delay is not None else None)


def _condition(key: tuple[str, ...]) -> Condition:
    left, operator, right = key
    event, _, attribute = left.partition(".")
    if operator == "matches":
        return Condition(event.lower(), attribute, operator, text=right)
    other, dot, other_attribute = right.partition(".")
    if not dot:
        return Condition(event.lower(), attribute, operator, text=right)
    return Condition(event.lower(), attribute, operator, other.lower(), other_attribute)


def compile_policy(name: str, entry: Node) -> PolicySpec:
    withins = []
    for (seconds,), w in entries(entry, "within").items():
        trigger = child(w, "trigger")
        how = next(((k, int(v)) for k in ("on", "after", "until") if (v := value(trigger, k)) is not None), None)
        correlated, absent = _lower(values(w, "events")), _lower(values(child(w, "not"), "events"))
        withins.append(Within(int(seconds), correlated, absent, how))
    conditions = tuple(_condition(key) for key in entries(child(entry, "attributes-match"), "condition"))
    then = child(entry, "then")
    change = child(then, "change-configuration")
    execute = child(then, "execute-commands")
    options = child(change, "commit-options")
    retry = child(change, "retry")
    return PolicySpec(
        name=name,
        events=_lower(values(entry, "events")),
        withins=tuple(withins),
        conditions=conditions,
        change=ChangeConfiguration(
            _commands(change),
            value(change, "user-name") or "root",
            value(options, "log"),
            flag(options, "check"),
            _int(retry, "count"),
            _int(retry, "interval"),
        )
        if change is not None
        else None,
        execute=ExecuteCommands(
            _commands(execute),
            value(execute, "user-name") or "root",
            value(execute, "output-filename"),
            value(execute, "output-format") or "xml",
            _delivery(execute),
        )
        if execute is not None
        else None,
        scripts=tuple(key[0] for key in entries(then, "event-script")),
        uploads=tuple(
            Upload(key[0], value(u, "user-name") or "root", _retrying(key[1], u))
            for key, u in entries(then, "upload").items()
        ),
        ignore=flag(then, "ignore"),
        raise_trap=flag(then, "raise-trap"),
    )


def time_of_day(text: str) -> int | None:
    """`hh:mm:ss` (an offset after it is accepted and ignored: device time is UTC) as seconds."""
    m = _TIME_OF_DAY.match(text.strip())
    if not m:
        return None
    h, mi, s = (int(g) for g in m.groups())
    return h * 3600 + mi * 60 + s if h < 24 and mi < 60 and s < 60 else None


def compile_options(root: Node | None) -> EventOptions:
    """The `event-options` statement (`root` is that statement, or None)."""
    policies = tuple(compile_policy(key[0], entry) for key, entry in entries(root, "policy").items())
    destinations = tuple(
        Destination(
            key[0],
            tuple(site[0] for site in entries(child(entry, "archive-sites"), "site")),
            _int(entry, "transfer-delay"),
        )
        for key, entry in entries(child(root, "destinations"), "destination").items()
    )
    generated = []
    for (name,), entry in entries(child(root, "generate-event"), "event").items():
        interval = value(entry, "time-interval")
        tod = value(entry, "time-of-day")
        at = time_of_day(tod) if tod else None
        generated.append(Generated(name.lower(), int(interval) if interval else None, at))
    return EventOptions(policies, destinations, tuple(generated))


# -- checks --------------------------------------------------------------------------------------------


def check_options(root: Node | None) -> list[CheckError]:
    """What a commit refuses: an attribute that is not EVENT.ATTRIBUTE, a `matches` expression that
    does not compile, a time of day that is not hh:mm:ss. [G] wording (no Junos capture)."""
    errors = []
    for (name,), entry in entries(root, "policy").items():
        path = ["event-options", "policy", name, "attributes-match"]
        for key in entries(child(entry, "attributes-match"), "condition"):
            left, operator, right = key
            statement = f"{left} {operator} {right}"
            if not re.fullmatch(r"[^.\s]+\.[^.\s]+", left):
                message = f"Invalid event attribute '{left}': expected event.attribute"
                errors.append(CheckError(path, statement, message))
            elif operator == "matches":
                try:
                    compile_user_regex(right)
                except BadPattern as exc:
                    errors.append(CheckError(path, statement, f"Invalid regular expression '{right}': {exc.message}"))
    for (name,), entry in entries(child(root, "generate-event"), "event").items():
        tod = value(entry, "time-of-day")
        if tod is not None and time_of_day(tod) is None:
            errors.append(
                CheckError(["event-options", "generate-event"], name, f"Invalid time-of-day '{tod}': expected hh:mm:ss")
            )
    return errors


__all__ = [
    "OPERATORS",
    "ChangeConfiguration",
    "Condition",
    "Delivery",
    "Destination",
    "EventOptions",
    "ExecuteCommands",
    "Generated",
    "PolicySpec",
    "Upload",
    "Within",
    "check_options",
    "compile_options",
    "compile_policy",
    "time_of_day",
]
