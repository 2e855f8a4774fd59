"""Applications (`[edit applications]` and the predefined `junos-*` ones): what a policy's `match
application` names, and how a flow is named after one.

An application is one or more terms (protocol, source and destination port ranges, ICMP type and
code, ALG, inactivity timeout); a set names applications and other sets. A flow belongs to an
application when one of its terms matches it. The inactivity timeout of a flow is its term's, else
its application's, else the protocol's default (TCP 1800 s, UDP 60 s, ICMP 60 s, others 1800 s);
`never` is None.

The predefined applications below are the Junos defaults (`groups junos-defaults applications`) a
lab needs: their protocols, ports and ALGs. The names must also be the built-in names of the
`application` namespace (grammar/config/common.schema) so that commit accepts them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from nos.config.query import entries, value
from nos.config.tree import Node
from nos.config.validate import CheckError

PROTOCOLS = {
    "icmp": 1, "igmp": 2, "ipip": 4, "tcp": 6, "egp": 8, "udp": 17, "rsvp": 46, "gre": 47, "esp": 50,
    "ah": 51, "icmp6": 58, "ospf": 89, "pim": 103, "vrrp": 112, "sctp": 132,
}  # fmt: skip
PROTOCOL_NAMES = {number: name for name, number in PROTOCOLS.items()}
PORTS = {
    "ftp-data": 20, "ftp": 21, "ssh": 22, "telnet": 23, "smtp": 25, "tacacs": 49, "domain": 53, "bootps": 67,
    "bootpc": 68, "tftp": 69, "finger": 79, "http": 80, "pop3": 110, "ident": 113, "nntp": 119, "ntp": 123,
    "netbios-ssn": 139, "imap": 143, "snmp": 161, "snmptrap": 162, "bgp": 179, "ldap": 389, "https": 443,
    "microsoft-ds": 445, "ike": 500, "syslog": 514, "imaps": 993, "radius": 1812, "radacct": 1813,
    "sip": 5060,
}  # fmt: skip
ICMP_TYPES = {
    "echo-reply": 0, "unreachable": 3, "source-quench": 4, "redirect": 5, "echo-request": 8,
    "router-advertisement": 9, "router-solicit": 10, "time-exceeded": 11, "parameter-problem": 12,
    "timestamp": 13, "timestamp-reply": 14, "info-request": 15, "info-reply": 16, "mask-request": 17,
    "mask-reply": 18,
}  # fmt: skip
DEFAULT_TIMEOUTS = {6: 1800, 17: 60, 1: 60, 58: 60}
OTHER_TIMEOUT = 1800
NEVER = -1  # `inactivity-timeout never`, as terms keep it
Ports = tuple[int, int]


def default_timeout(protocol: int) -> int:
    """The inactivity timeout of a flow no application sets one for."""
    return DEFAULT_TIMEOUTS.get(protocol, OTHER_TIMEOUT)


def protocol_number(text: str | int) -> int | None:
    """`tcp` or `6` -> 6; None when it is neither a known name nor a number 0-255."""
    if isinstance(text, int):
        return text
    if text in PROTOCOLS:
        return PROTOCOLS[text]
    return int(text) if text.isdigit() and int(text) <= 255 else None


def protocol_text(number: int | None) -> str:
    """How `show security policies detail` names a protocol: tcp, udp, icmp ...; 0 for any."""
    if number is None:
        return "0"
    return PROTOCOL_NAMES.get(number, str(number))


def _port(text: str) -> int | None:
    if text in PORTS:
        return PORTS[text]
    return int(text) if text.isdigit() and int(text) <= 65535 else None


def port_range(text: str) -> Ports | None:
    """`80`, `http`, `1024-65535`: the (low, high) range; None when it does not read as one."""
    low, sep, high = text.partition("-")
    first, last = _port(low), _port(high) if sep else _port(low)
    if first is None or last is None or last < first:
        return None
    return first, last


@dataclass(frozen=True)
class Term:
    """One protocol description of an application; None fields match anything."""

    name: str | None
    protocol: int | None = None
    source_ports: Ports | None = None
    destination_ports: Ports | None = None
    icmp_type: int | None = None
    icmp_code: int | None = None
    alg: str | None = None
    timeout: int | None = None  # seconds; NEVER; None: the application's (or the protocol's) default

    def matches(self, protocol: int, sport: int, dport: int, icmp_type: int | None = None) -> bool:
        if self.protocol is not None and protocol != self.protocol:
            return False
        if protocol in (1, 58):  # ICMP flows have no ports, the type is what an application names
            return self.icmp_type is None or icmp_type is None or icmp_type == self.icmp_type
        if self.destination_ports is not None and not self.destination_ports[0] <= dport <= self.destination_ports[1]:
            return False
        return self.source_ports is None or self.source_ports[0] <= sport <= self.source_ports[1]


@dataclass(frozen=True)
class Application:
    name: str
    terms: tuple[Term, ...]
    timeout: int | None = None  # the application-level inactivity-timeout (NEVER, or None: unset)
    predefined: bool = False
    identifies: bool = True  # a flow may be named after it (not the catch-alls: junos-tcp-any ...)
    description: str | None = None

    def match(self, protocol: int, sport: int, dport: int, icmp_type: int | None = None) -> Term | None:
        """The first term the flow matches, or None."""
        for term in self.terms:
            if term.matches(protocol, sport, dport, icmp_type):
                return term
        return None

    def inactivity_timeout(self, term: Term, protocol: int) -> int | None:
        """Seconds a flow of `term` may idle; None: never."""
        chosen = term.timeout if term.timeout is not None else self.timeout
        if chosen is None:
            return default_timeout(term.protocol if term.protocol is not None else protocol)
        return None if chosen == NEVER else chosen


def _predefined(name: str, protocol: str, dports: str | None = None, alg: str | None = None, **extra) -> Application:  # type: ignore[no-untyped-def]
    term = Term(
        None,
        PROTOCOLS[protocol],
        destination_ports=port_range(dports) if dports else None,
        alg=alg,
        icmp_type=extra.get("icmp_type"),
    )
    return Application(name, (term,), predefined=True, identifies=extra.get("identifies", True))


# In lookup order: the first that matches names a flow.
PREDEFINED: dict[str, Application] = {
    app.name: app
    for app in (
        _predefined("junos-ftp", "tcp", "21", "ftp"),
        _predefined("junos-ftp-data", "tcp", "20"),
        _predefined("junos-ssh", "tcp", "22"),
        _predefined("junos-telnet", "tcp", "23"),
        _predefined("junos-smtp", "tcp", "25"),
        _predefined("junos-dns-udp", "udp", "53", "dns"),
        _predefined("junos-dns-tcp", "tcp", "53", "dns"),
        _predefined("junos-tftp", "udp", "69", "tftp"),
        _predefined("junos-http", "tcp", "80"),
        _predefined("junos-pop3", "tcp", "110"),
        _predefined("junos-ntp", "udp", "123"),
        _predefined("junos-imap", "tcp", "143"),
        _predefined("junos-snmp-agentx", "tcp", "705"),
        _predefined("junos-bgp", "tcp", "179"),
        _predefined("junos-ldap", "tcp", "389"),
        _predefined("junos-https", "tcp", "443"),
        _predefined("junos-smb-session", "tcp", "445"),
        _predefined("junos-ike", "udp", "500"),
        _predefined("junos-syslog", "udp", "514"),
        _predefined("junos-imaps", "tcp", "993"),
        _predefined("junos-radius", "udp", "1812"),
        _predefined("junos-radacct", "udp", "1813"),
        _predefined("junos-ike-nat", "udp", "4500"),
        _predefined("junos-sip", "udp", "5060", "sip"),
        _predefined("junos-traceroute", "udp", "33435-33450", "traceroute"),
        _predefined("junos-ospf", "ospf"),
        _predefined("junos-gre", "gre"),
        _predefined("junos-icmp-ping", "icmp", icmp_type=8),
        _predefined("junos-ping", "icmp", icmp_type=8),
        _predefined("junos-icmp-all", "icmp", identifies=False),
        _predefined("junos-icmp6-all", "icmp6", identifies=False),
        _predefined("junos-tcp-any", "tcp", identifies=False),
        _predefined("junos-udp-any", "udp", identifies=False),
    )
}


class Applications:
    """The custom applications and sets of a configuration over the predefined ones."""

    def __init__(self, custom: dict[str, Application], sets: dict[str, tuple[str, ...]]):
        self.custom = custom
        self.sets = sets
        self._identifying = [a for a in (*custom.values(), *PREDEFINED.values()) if a.identifies and _typed(a)]

    def get(self, name: str) -> Application | None:
        return self.custom.get(name) or PREDEFINED.get(name)

    def resolve(self, name: str) -> tuple[Application, ...] | None:
        """The applications a name stands for (a set's members, flattened); None: no such name."""
        if name in self.sets:
            return tuple(self._flatten(name, set()))
        app = self.get(name)
        return (app,) if app is not None else None

    def _flatten(self, name: str, seen: set[str]) -> Iterator[Application]:
        if name in seen:
            return
        seen.add(name)
        for member in self.sets.get(name, ()):
            if member in self.sets:
                yield from self._flatten(member, seen)
            elif (app := self.get(member)) is not None:
                yield app

    def lookup(self, protocol: int, dport: int, sport: int = 0, icmp_type: int | None = None) -> Application | None:
        """The application a flow is named after: the first custom one, then predefined one, that
        matches it; None when none does (a flow to an unknown port)."""
        for app in self._identifying:
            if app.match(protocol, sport, dport, icmp_type) is not None:
                return app
        return None

    def matches_name(self, name: str, protocol: str | int, sport: int, dport: int) -> bool | None:
        """Does the flow belong to application (or set) `name`? None: no such name (NAT's `match
        application` asks this)."""
        apps = self.resolve(name)
        number = protocol_number(protocol)
        if apps is None or number is None:
            return None
        return any(app.match(number, sport, dport) is not None for app in apps)


def _typed(app: Application) -> bool:
    return all(term.protocol is not None for term in app.terms)


# -- compile ------------------------------------------------------------------------------------------


def _timeout(text: str | None) -> int | None:
    if text is None:
        return None
    if text == "never":
        return NEVER
    return int(text) if text.isdigit() else None


def _term(name: str | None, node: Node, path: list[str], errors: list[CheckError]) -> Term:
    """A term from the statements of `node` (an application, or one of its terms); bad values are errors."""

    def bad(statement: str, text: str, what: str) -> None:
        errors.append(CheckError(path, f"{statement} {text}", f"invalid {what}: '{text}'"))

    protocol = None
    if (text := value(node, "protocol")) is not None:
        protocol = protocol_number(text)
        if protocol is None:
            bad("protocol", text, "protocol")
    ports: dict[str, Ports | None] = {}
    for statement in ("source-port", "destination-port"):
        ports[statement] = None
        if (text := value(node, statement)) is not None:
            ports[statement] = port_range(text)
            if ports[statement] is None:
                bad(statement, text, "port range")
    icmp: dict[str, int | None] = {}
    for statement in ("icmp-type", "icmp-code"):
        icmp[statement] = None
        if (text := value(node, statement)) is not None:
            icmp[statement] = ICMP_TYPES.get(text, int(text) if text.isdigit() and int(text) <= 255 else None)
            if icmp[statement] is None:
                bad(statement, text, statement.replace("-", " "))
    timeout = None
    if (text := value(node, "inactivity-timeout")) is not None:
        timeout = _timeout(text)
        if timeout is None or not (timeout == NEVER or 4 <= timeout <= 86400):
            errors.append(
                CheckError(path, f"inactivity-timeout {text}", "Value must be a number from 4 to 86400, or never")
            )
            timeout = None
    return Term(
        name,
        protocol,
        ports["source-port"],
        ports["destination-port"],
        icmp["icmp-type"],
        icmp["icmp-code"],
        value(node, "alg") or value(node, "application-protocol"),
        timeout,
    )


def compile_application(name: str, node: Node, errors: list[CheckError]) -> Application:
    """One `applications application NAME`: its terms, or the one its own statements describe."""
    path = ["applications", "application", name]
    terms = [
        _term(term_name, term, [*path, "term", term_name], errors)
        for (term_name,), term in entries(node, "term").items()
    ]
    own = _term(None, node, path, errors)
    if not terms:
        terms = [own]
    return Application(name, tuple(terms), own.timeout, description=value(node, "description"))


def compile_applications(root: Node | None, errors: list[CheckError]) -> Applications:
    """`[edit applications]`: custom applications and sets; a set may not contain itself."""
    apps_node = root.children.get("applications") if root is not None else None
    apps_node = apps_node if isinstance(apps_node, Node) else None
    custom = {
        name: compile_application(name, node, errors) for (name,), node in entries(apps_node, "application").items()
    }
    sets = {
        name: tuple(k[0] for k in entries(node, "application")) + tuple(k[0] for k in entries(node, "application-set"))
        for (name,), node in entries(apps_node, "application-set").items()
    }
    for name in sets:
        if _cycles(name, sets):
            errors.append(CheckError(["applications"], f"application-set {name}", "application-set refers to itself"))
    return Applications(custom, sets)


def _cycles(start: str, sets: dict[str, tuple[str, ...]]) -> bool:
    stack, seen = list(sets.get(start, ())), set()
    while stack:
        name = stack.pop()
        if name == start:
            return True
        if name in seen:
            continue
        seen.add(name)
        stack.extend(sets.get(name, ()))
    return False


__all__ = [
    "NEVER",
    "PREDEFINED",
    "Application",
    "Applications",
    "Term",
    "compile_applications",
    "default_timeout",
    "port_range",
    "protocol_number",
    "protocol_text",
]
