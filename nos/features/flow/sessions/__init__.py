"""The flow session table of an SRX: sessions the packet path creates and follows (table.py), TCP
tracking and the `security flow` options (tcp.py), aging on the lab clock without per-session timers
(aging.py), and the commands that show and clear them (show.py): `show security flow session
[filters] [summary|brief|extensive]`, `show security flow session session-identifier N`, `show
security flow statistics`, `clear security flow session [all|filters|session-identifier N]`,
`clear security flow statistics`.

`install(device)` makes the feature, registers it and its commands, and keeps it as
`device.flow_sessions` (`device.sessions` is the CLI's); the packet path reaches the table as
`device.flow_sessions.table`.
"""

from __future__ import annotations

import ipaddress

from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.features.flow.sessions.show import sessions_answer, statistics_answer, summary_answer
from nos.features.flow.sessions.table import (
    MASTER,
    FlowStatistics,
    Session,
    SessionError,
    SessionExists,
    SessionFilter,
    SessionTable,
    TableFull,
    Wing,
    protocol_name,
)
from nos.features.flow.sessions.tcp import FlowOptions, compile_flow_options
from nos.routing.prefix import Prefix
from nos.runtime.features import CommandContext, RpcSpec
from nos.runtime.structured import Structured

# The filters of get-flow-session-information (and clear-flow-session), in `| display xml rpc` order.
FILTERS = (
    "source-prefix",
    "destination-prefix",
    "source-port",
    "destination-port",
    "protocol",
    "application",
    "interface",
    "nat",
)


class FlowSessions:
    """The session table and the `security flow` options it runs with."""

    name = "flow-sessions"

    def __init__(self, device) -> None:  # type: ignore[no-untyped-def]
        scheduler = device.scheduler
        self.table = SessionTable(scheduler.now, scheduler.call_at)

    @property
    def options(self) -> FlowOptions:
        return self.table.options

    def verify(self, new: Node) -> list[CheckError]:
        compile_flow_options(new)  # the grammar has checked every value it reads
        return []

    def apply(self, old: Node, new: Node) -> None:
        self.table.options = compile_flow_options(new)


class _BadFilter(Exception):
    pass


def session_filter(args: dict[str, object]) -> SessionFilter:
    """The filter a command's arguments spell (the CLI has checked their syntax; NETCONF has not)."""

    def text(name: str) -> str | None:
        v = args.get(name)
        return v if isinstance(v, str) and v else None

    def port(name: str) -> int | None:
        v = text(name)
        if v is None:
            return None
        if not v.isdigit() or not 0 <= int(v) <= 65535:
            raise _BadFilter(f"invalid {name}: {v}")
        return int(v)

    def pfx(name: str) -> Prefix | None:
        v = text(name)
        if v is None:
            return None
        try:
            net = ipaddress.IPv4Network(_widen(v), strict=False)
        except ValueError:
            raise _BadFilter(f"invalid {name}: {v}") from None
        return int(net.network_address), net.prefixlen

    proto = text("protocol")
    name = protocol_name(proto.lower()) if proto else None
    if proto and name is None:
        raise _BadFilter(f"invalid protocol: {proto}")
    return SessionFilter(
        source_prefix=pfx("source-prefix"),
        destination_prefix=pfx("destination-prefix"),
        source_port=port("source-port"),
        destination_port=port("destination-port"),
        protocol=name,
        application=text("application"),
        interface=text("interface"),
        nat=bool(args.get("nat")),
    )


def _widen(text: str) -> str:
    """`10/8` -> `10.0.0.0/8` (Junos reads short addresses)."""
    addr, _, plen = text.partition("/")
    parts = addr.split(".")
    return ".".join(parts + ["0"] * (4 - len(parts))) + (f"/{plen}" if plen else "")


def _asked(ctx: CommandContext, names: tuple[str, ...]) -> dict[str, str | bool]:
    out: dict[str, str | bool] = {}
    for name in names:
        v = ctx.args.get(name)
        if isinstance(v, str) and v:
            out[name] = v
        elif v is True:
            out[name] = True
    return out


def register(device, feature: FlowSessions) -> None:  # type: ignore[no-untyped-def]
    table = feature.table
    scheduler = device.scheduler

    async def show(ctx: CommandContext) -> Structured | list[str]:
        try:
            which = session_filter(ctx.args)
        except _BadFilter as exc:
            return [f"error: {exc}"]
        chosen = table.select(which)
        asked = _asked(ctx, (*FILTERS, "summary", "brief", "extensive"))
        if ctx.has("summary"):
            return summary_answer(table.summary(chosen if which != SessionFilter() else None), asked)
        style = "extensive" if ctx.has("extensive") else "brief"
        return sessions_answer(chosen, scheduler.now(), scheduler.epoch0, style, asked)

    async def show_identifier(ctx: CommandContext) -> Structured | list[str]:
        ident = ctx.arg("identifier") or ""
        if not ident.isdigit():
            return [f"error: invalid session-identifier: {ident}"]
        which = SessionFilter(session_id=int(ident))
        asked: dict[str, str | bool] = {"session-identifier": ident}
        return sessions_answer(
            table.select(which), scheduler.now(), scheduler.epoch0, "extensive", asked, "get-flow-session-by-identifier"
        )

    async def statistics(ctx: CommandContext) -> Structured:
        settle = getattr(device.network, "settle", None)
        if settle is not None:  # counts the lab still owes (replayed probes: the packet path counts them)
            settle()
        return statistics_answer(table)

    def cleared(n: int) -> list[str]:
        return [f"{n} active sessions cleared"]

    async def clear(ctx: CommandContext) -> list[str]:
        try:
            which = session_filter(ctx.args)
        except _BadFilter as exc:
            return [f"error: {exc}"]
        if which == SessionFilter():  # every session takes `all`, said out loud
            return ["error: no session filter: use 'clear security flow session all' to clear every session"]
        return cleared(table.clear(which))

    async def clear_all(ctx: CommandContext) -> list[str]:
        return cleared(table.clear())

    async def clear_identifier(ctx: CommandContext) -> list[str]:
        ident = ctx.arg("identifier") or ""
        if not ident.isdigit():
            return [f"error: invalid session-identifier: {ident}"]
        return cleared(table.clear(SessionFilter(session_id=int(ident))))

    async def clear_statistics(ctx: CommandContext) -> list[str]:
        table.stats.clear()
        return []

    words = ("show", "security", "flow", "session")
    device.features.command(
        "show-security-flow-session", show, RpcSpec("get-flow-session-information", "show-security-flow-session", words)
    )
    device.features.command(
        "show-security-flow-session-identifier",
        show_identifier,
        RpcSpec(
            "get-flow-session-by-identifier",
            "show-security-flow-session-identifier",
            (*words, "session-identifier"),
            args={"session-identifier": "identifier"},
        ),
    )
    device.features.command(
        "show-security-flow-statistics",
        statistics,
        RpcSpec("get-flow-statistics-all", "show-security-flow-statistics", ("show", "security", "flow", "statistics")),
    )
    device.features.command("clear-security-flow-session", clear)
    device.features.command("clear-security-flow-session-all", clear_all)
    device.features.command("clear-security-flow-session-identifier", clear_identifier)
    device.features.command("clear-security-flow-statistics", clear_statistics)


def install(device) -> FlowSessions:  # type: ignore[no-untyped-def]
    """The feature on `device` (as `device.flow_sessions`): registered for commits, its commands
    added, brought up to the active configuration; returns it."""
    feature = FlowSessions(device)
    device.flow_sessions = feature
    device.features.register(feature)
    register(device, feature)
    feature.apply(Node(device.schema.root), device.db.active_expanded)
    return feature


__all__ = [
    "MASTER",
    "FlowOptions",
    "FlowSessions",
    "FlowStatistics",
    "Session",
    "SessionError",
    "SessionExists",
    "SessionFilter",
    "SessionTable",
    "TableFull",
    "Wing",
    "install",
    "register",
    "session_filter",
]
