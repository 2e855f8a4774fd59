"""The lab console's commands: one engine for `lab> `, `nos run` scripts and `request lab ...` in a device CLI.

`LabConsole.execute(line)` runs one command and returns its output lines.
Words may be abbreviated while they stay unambiguous (`sh li`). Errors are
one line (`error: unknown node 'X'`). `attach` and `quit` belong to the
front-ends (frontend.py), which own the terminal; the engine only says how to
parse them.

`HostShell` is the small shell of a host node (`Debian1$ `): ping,
traceroute, connections that outlive their command (ssh, connect, stream,
connections, close: connections.py), exit.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import trio

from nos.lab import connections, tools, tracing
from nos.lab.nodes import DeviceNode, HostNode, InternetNode
from nos.lab.packet import ipv4_text
from nos.lab.topology import Lab, LabError, Link, format_lab_time
from nos.runtime.clock import format_time
from nos.runtime.interrupt import Interrupts
from nos.schema.types import BadValue, DurationType

Write = Callable[[str], None]


@dataclass(frozen=True)
class ConsoleCommand:
    name: str
    usage: str
    help: str


COMMANDS = [
    ConsoleCommand("show", "show devices|links|topology|clock|events", "Show the lab's nodes, links, diagram, clock"),
    ConsoleCommand("attach", "attach NODE", "Open a node's CLI (a device's Junos CLI, a host's shell)"),
    ConsoleCommand("link", "link NODE:port [NODE:port] down|up|loss PCT|latency MS", "Cut, restore or impair a link"),
    ConsoleCommand("blackhole", "blackhole NODE PREFIX", "Make a node silently drop traffic to a prefix"),
    ConsoleCommand("unblackhole", "unblackhole NODE PREFIX", "Remove a blackhole"),
    ConsoleCommand("restart", "restart NODE", "Restart a host or Internet node: it forgets its TCP connections"),
    ConsoleCommand(
        "trace",
        "trace NODE icmp|tcp|udp ADDRESS [PORT] [options]",
        "Send one packet, explain each hop and SRX (options: source A, source-port N, ttl N)",
    ),
    ConsoleCommand("clock", "clock", "Show the lab time"),
    ConsoleCommand("wait", "wait DURATION", "Let lab time pass (90, 90s, 5m, 1h30m)"),
    ConsoleCommand("events", "events [since TIME] [node NODE]", "Show the timeline of what changed"),
    ConsoleCommand("help", "help", "Show this list"),
    ConsoleCommand("quit", "quit", "Stop the lab and leave"),
]
SHOW_WHAT = ["devices", "nodes", "links", "topology", "clock", "events"]
FRONT_END_ONLY = {"attach", "quit", "exit"}


class UsageError(LabError):
    pass


def pick(word: str, choices: list[str], what: str) -> str:
    """The choice `word` names or abbreviates unambiguously."""
    if word in choices:
        return word
    matches = [c for c in choices if c.startswith(word)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise LabError(f"ambiguous {what} '{word}' ({', '.join(matches)})")
    raise LabError(f"unknown {what} '{word}'")


def command_name(line: str) -> str | None:
    """The console command a line starts with (None for an empty line); `exit` counts as quit."""
    words = line.split()
    if not words:
        return None
    if words[0] == "exit":
        return "quit"
    try:
        return pick(words[0], [c.name for c in COMMANDS], "command")
    except LabError:
        return words[0]


def parse_duration(text: str) -> float:
    """`90`, `90s`, `1.5s`, `5m`, `1h30m` in seconds (the CLI's `duration` type)."""
    try:
        DurationType().check(text)
    except BadValue:
        raise LabError(f"bad duration '{text}' (like 90, 90s, 5m, 1h30m)") from None
    return DurationType.seconds(text)


def parse_lab_time(text: str) -> float:
    """A lab time: `hh:mm:ss`, `mm:ss`, or a duration since the start."""
    if ":" in text:
        parts = text.split(":")
        if len(parts) > 3 or not all(p.isdigit() for p in parts):
            raise LabError(f"bad time '{text}' (hh:mm:ss)")
        seconds = 0
        for p in parts:
            seconds = seconds * 60 + int(p)
        return float(seconds)
    return parse_duration(text)


def parse_prefix(text: str) -> ipaddress.IPv4Network:
    try:
        return ipaddress.IPv4Network(text)
    except ValueError:
        raise LabError(f"bad prefix '{text}'") from None


def parse_address(text: str) -> int:
    try:
        return int(ipaddress.IPv4Address(text))
    except ValueError:
        raise LabError(f"bad address '{text}'") from None


def table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """Columns as wide as their widest cell, two spaces apart; the last column is not padded."""
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    out = []
    for row in [headers, *rows]:
        cells = [c.ljust(widths[i]) if i < len(row) - 1 else c for i, c in enumerate(row)]
        out.append("  ".join(cells).rstrip())
    return out


class LabConsole:
    """The lab console's commands, run against one lab."""

    def __init__(self, lab: Lab):
        self.lab = lab

    async def execute(self, line: str, *, inside_device: bool = False) -> list[str]:
        """Run one console command; errors come back as one `error: ...` line."""
        words = line.split()
        if not words:
            return []
        try:
            name = pick(words[0], [c.name for c in COMMANDS] + ["exit"], "command")
            if name in FRONT_END_ONLY:
                if inside_device:
                    raise LabError(f"'{name}' is not available inside a device CLI")
                raise LabError(f"'{name}' needs the interactive console (in a script: NODE> command)")
            handler: Callable[[list[str]], Awaitable[list[str]]] = getattr(self, "_" + name)
            return await handler(words[1:])
        except LabError as exc:
            return [f"error: {exc}"]

    @staticmethod
    def usage(name: str) -> UsageError:
        cmd = next(c for c in COMMANDS if c.name == name)
        return UsageError(f"usage: {cmd.usage}")

    # -- show ------------------------------------------------------------------------------------------

    async def _show(self, args: list[str]) -> list[str]:
        if not args:
            raise self.usage("show")
        what = pick(args[0], SHOW_WHAT, "show item")
        if what in ("clock", "events"):
            return await getattr(self, "_" + what)(args[1:])
        if len(args) > 1:
            raise self.usage("show")
        if what in ("devices", "nodes"):
            return self.show_devices()
        if what == "links":
            return self.show_links()
        return self.show_topology()

    def linked_ports(self, name: str) -> list[str]:
        ports = []
        for link in self.lab.links:
            for end in (link.a, link.b):
                if end[0] == name:
                    ports.append(end[1])
        return ports

    def show_devices(self) -> list[str]:
        rows = []
        for name, node in self.lab.nodes.items():
            ports = self.linked_ports(name) if isinstance(node, DeviceNode) else node.ports()
            rows.append([name, getattr(node, "kind", "node"), " ".join(ports) or "-", _describe(node) or "-"])
        return table(["Node", "Kind", "Ports", "Addresses"], rows)

    def show_links(self) -> list[str]:
        self.lab.settle()
        rows = []
        for link in self.lab.links:
            rows.append(
                [
                    str(link.index),
                    f"{link.a[0]}:{link.a[1]}",
                    f"{link.b[0]}:{link.b[1]}",
                    "up" if link.up else "down",
                    f"{link.latency_ms:g} ms",
                    f"{link.loss_pct:g}%",
                    str(link.packets),
                    str(link.lost),
                ]
            )
        return table(["Link", "A", "B", "State", "Latency", "Loss", "Packets", "Lost"], rows)

    def show_topology(self) -> list[str]:
        lab = self.lab
        clock = getattr(lab.scheduler, "mode", "manual")
        size = f"{plural(len(lab.nodes), 'node')}, {plural(len(lab.links), 'link')}"
        lines = [f"Lab {lab.name}: {size} (seed {lab.seed}, clock {clock})"]
        for name, node in lab.nodes.items():
            desc = _describe(node)
            lines += ["", f"[{name}] {getattr(node, 'kind', 'node')}" + (f" {desc}" if desc else "")]
            ends = [(link, end) for link in lab.links for end in (link.a, link.b) if end[0] == name]
            width = max((len(end[1]) for _, end in ends), default=0)
            for link, end in ends:
                far = link.far_end(*end)
                lines.append(f"    {end[1].ljust(width)}  {_wire(link)}  {far[0]}:{far[1]}")
            for prefix in getattr(node, "blackholes", []):
                lines.append(f"    blackhole {prefix}")
        return lines

    # -- links and blackholes ---------------------------------------------------------------------------------

    async def _link(self, args: list[str]) -> list[str]:
        if len(args) < 2:
            raise self.usage("link")
        other = args[1] if ":" in args[1] else None
        rest = args[2:] if other else args[1:]
        link = self.lab.find_link(args[0], other)
        if not rest:
            raise self.usage("link")
        action = pick(rest[0], ["down", "up", "loss", "latency"], "link action")
        if action in ("down", "up"):
            if len(rest) != 1:
                raise self.usage("link")
            changed = self.lab.set_link_state(link, action == "up")
            return [f"Link {link.label()} {'is now' if changed else 'was already'} {action}"]
        if len(rest) != 2:
            raise self.usage("link")
        try:
            value = float(rest[1].rstrip("%").removesuffix("ms"))
        except ValueError:
            raise LabError(f"bad {action} '{rest[1]}'") from None
        if value < 0 or (action == "loss" and value > 100):
            raise LabError(f"bad {action} '{rest[1]}' ({'0 to 100' if action == 'loss' else '0 or more'})")
        if action == "loss":
            text = self.lab.set_link_quality(link, loss_pct=value)
        else:
            text = self.lab.set_link_quality(link, latency_ms=value)
        return [f"Link {link.label()}: {text}"]

    async def _blackhole(self, args: list[str]) -> list[str]:
        return self._hole(args, on=True)

    async def _unblackhole(self, args: list[str]) -> list[str]:
        return self._hole(args, on=False)

    def _hole(self, args: list[str], on: bool) -> list[str]:
        if len(args) != 2:
            raise self.usage("blackhole" if on else "unblackhole")
        name, prefix = args[0], parse_prefix(args[1])
        changed = self.lab.set_blackhole(name, prefix, on)
        if on:
            return [f"{name} {'now drops' if changed else 'already drops'} traffic to {prefix}"]
        if not changed:
            raise LabError(f"{name} has no blackhole {prefix}")
        return [f"{name} no longer drops traffic to {prefix}"]

    async def _restart(self, args: list[str]) -> list[str]:
        """A host or Internet node restarts: the connections it served and its own are gone, so what
        its peers send next on them meets a RST."""
        if len(args) != 1:
            raise self.usage("restart")
        node = self.lab.node(args[0])
        if not isinstance(node, HostNode | InternetNode):
            raise LabError(f"cannot restart '{node.name}': only hosts and Internet nodes restart here")
        served = len(node.tcp) if node.tcp is not None else 0
        if node.tcp is not None:
            node.tcp.clear()
        own = connections.restart(node)
        text = f"restarted: forgot {plural(served, 'connection')} it served, ended {own} of its own"
        self.lab.add_event(node.name, "restart", text)
        return [f"{node.name} {text}"]

    # -- the packet walk explained -------------------------------------------------------------------------------

    async def _trace(self, args: list[str]) -> list[str]:
        """`trace NODE PROTO ADDRESS [PORT] [options]`: tracing.py sends it and tells the walk."""
        if len(args) < 3:
            raise self.usage("trace")
        node = self.lab.node(args[0]).name
        proto = pick(args[1], list(tracing.PROTOCOLS), "protocol")
        dst = parse_address(args[2])
        rest = args[3:]
        dport = 0
        if proto != "icmp":
            if not rest or not rest[0].isdigit():
                raise LabError(f"trace {proto} needs a destination port")
            dport = _port(float(rest[0]))
            rest = rest[1:]
        src, sport, ttl = 0, None, None
        while rest:
            if len(rest) < 2:
                raise LabError(f"missing value after '{rest[0]}'")
            key = pick(rest[0], ["source", "source-port", "ttl"], "option")
            if key == "source":
                src = parse_address(rest[1])
            elif key == "source-port":
                if proto == "icmp":
                    raise LabError("source-port is for tcp and udp")
                sport = _port(_number(rest[1], "source-port"))
            else:
                ttl = _number(rest[1], "ttl")
                if not 1 <= ttl <= 255:
                    raise LabError(f"bad ttl '{rest[1]}' (1 to 255)")
            rest = rest[2:]
        return tracing.trace(self.lab, tracing.TraceRequest(node, proto, dst, dport, src, sport, ttl))

    # -- time ----------------------------------------------------------------------------------------------------

    async def _clock(self, args: list[str]) -> list[str]:
        if args:
            raise self.usage("clock")
        return [self.clock_line()]

    def clock_line(self) -> str:
        s = self.lab.scheduler
        mode = getattr(s, "mode", "manual")
        return f"Lab time: {format_time(s.epoch())} (clock: {mode}, {s.now():.3f} s since start)"

    async def _wait(self, args: list[str]) -> list[str]:
        if len(args) != 1:
            raise self.usage("wait")
        await self.lab.sleep(parse_duration(args[0]))
        return [f"Lab time: {format_time(self.lab.scheduler.epoch())}"]

    async def _events(self, args: list[str]) -> list[str]:
        since, node = 0.0, None
        rest = list(args)
        while rest:
            if len(rest) < 2:
                raise self.usage("events")
            key = pick(rest[0], ["since", "node"], "option")
            if key == "since":
                since = parse_lab_time(rest[1])
            else:
                node = self.lab.node(rest[1]).name
            rest = rest[2:]
        events = [e for e in self.lab.events if e.time >= since and (node is None or e.concerns(node))]
        if not events:
            return ["No events."]
        rows = [[format_lab_time(e.time), e.node, e.kind, e.text] for e in events]
        return table(["Time", "Node", "Kind", "Event"], rows)

    # -- help ------------------------------------------------------------------------------------------------------

    async def _help(self, args: list[str]) -> list[str]:
        width = max(len(c.usage) for c in COMMANDS)
        lines = [f"  {c.usage.ljust(width)}  {c.help}" for c in COMMANDS]
        return [
            "Lab console commands (words may be abbreviated):",
            *lines,
            "  (inside a device CLI: `request lab ...` and `show lab ...` run these)",
        ]


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _describe(node: Any) -> str:
    describe = getattr(node, "describe", None)
    if describe is not None:
        return str(describe())
    return " ".join(ipv4_text(a) for a in node.addresses())


def _wire(link: Link) -> str:
    """A link drawn between its ends: `------ 5 ms ------`, `---X  down  X---`."""
    if not link.up:
        label = " down "
        return f"---X{label.center(14)}X---"
    label = f" {link.latency_ms:g} ms" + (f", {link.loss_pct:g}% loss " if link.loss_pct else " ")
    return f"{label.center(22, '-')}"


# -- the host shell ----------------------------------------------------------------------------------------------

HOST_USAGE = {
    "ping": "ping ADDRESS [count N] [interval S] [ttl N] [size N]",
    "traceroute": "traceroute ADDRESS [ttl N] [wait S]",
    "ssh": "ssh ADDRESS [port N] [interval S] [count N]",
    "connect": "connect ADDRESS PORT [interval S] [count N]",
    "stream": "stream ADDRESS PORT [rate N] [size N] [quiet S]",
    "flows": "flows ADDRESS PORT [count N] [size N]",
    "connections": "connections",
    "close": "close ID",
}
HOST_HELP = {
    "ping": "Send echo requests",
    "traceroute": "Show the path to an address",
    "ssh": "Open an SSH connection and hold it (keepalive every 5 s)",
    "connect": "Open a TCP connection to a port and hold it",
    "stream": "Send a UDP stream (N packets a second) and count the answers",
    "flows": "Open N UDP flows at once, one packet each from ports 1024 up (load) [simulator extension]",
    "connections": "List this host's connections",
    "close": "Close a connection",
    "help": "List the commands",
}
HOST_COMMANDS = [*HOST_USAGE, "help", "exit", "quit", "logout"]


class HostShell:
    """A host's shell: ping, traceroute, and connections that live on after their command.

    Notices of connections that broke (or a stream that went quiet) since the last prompt come
    before the next one: `notices()`, which the front-ends and scripts print."""

    def __init__(self, lab: Lab, node: HostNode | InternetNode, interrupts: Interrupts | None = None):
        self.lab = lab
        self.node = node
        self.alive = True
        self.interrupts = interrupts or Interrupts()  # Ctrl-C ends ping and traceroute, statistics kept

    @property
    def prompt(self) -> str:
        return f"{self.node.name}$ "

    def notices(self) -> list[str]:
        """What the host's connections have to say before the next prompt (each said once)."""
        return connections.pending_notices(self.node)

    async def execute(self, line: str, write: Write) -> None:
        words = line.split()
        if not words:
            return
        try:
            name = pick(words[0], HOST_COMMANDS, "command")
        except LabError:
            write(f"{words[0]}: command not found")
            return
        try:
            if name in ("exit", "quit", "logout"):
                self.alive = False
            elif name == "help":
                for usage in HOST_USAGE.values():
                    write(usage)
                write("exit")
            elif name == "ping":
                await self._ping(words[1:], write)
            elif name == "traceroute":
                await self._traceroute(words[1:], write)
            else:
                getattr(self, "_" + name)(words[1:], write)
        except LabError as exc:
            write(f"{words[0]}: {exc}")

    async def _ping(self, args: list[str], write: Write) -> None:
        if not args:
            raise LabError("usage: ping ADDRESS [count N] [interval S] [ttl N] [size N]")
        dst = parse_address(args[0])
        opts = _options(args[1:], {"count": int, "interval": float, "ttl": int, "size": int})
        ping = tools.PingOptions(
            count=int(opts.get("count", 5)),
            interval=float(opts.get("interval", 1.0)),
            ttl=int(opts.get("ttl", getattr(self.node, "ttl", 64))),
            size=int(opts.get("size", 56)),
        )
        probing = trio.CancelScope()
        with self.interrupts.stop_with(probing.cancel):
            for line in await tools.ping(self.lab, self.node.name, dst, ping, self.lab.sleep, write, probing):
                write(line)

    async def _traceroute(self, args: list[str], write: Write) -> None:
        if not args:
            raise LabError("usage: traceroute ADDRESS [ttl N] [wait S]")
        dst = parse_address(args[0])
        opts = _options(args[1:], {"ttl": int, "wait": float})
        trace = tools.TraceOptions(max_hops=int(opts.get("ttl", 30)), wait=float(opts.get("wait", 1.0)))
        probing = trio.CancelScope()
        with self.interrupts.stop_with(probing.cancel):
            await tools.traceroute(self.lab, self.node.name, dst, trace, self.lab.sleep, write, probing)

    # -- connections (connections.py): they return at once and live on the lab clock -------------------

    def _clients(self) -> connections.HostConnections:
        return connections.connections_of(self.lab, self.node)

    def _ssh(self, args: list[str], write: Write) -> None:
        if not args:
            raise LabError(f"usage: {HOST_USAGE['ssh']}")
        dst = parse_address(args[0])
        opts = _options(args[1:], {"port": int, "interval": float, "count": int})
        port = _port(opts.get("port", connections.SSH_PORT))
        self._open_tcp(dst, port, "ssh", opts, write)

    def _connect(self, args: list[str], write: Write) -> None:
        if len(args) < 2:
            raise LabError(f"usage: {HOST_USAGE['connect']}")
        dst, port = parse_address(args[0]), _port(_number(args[1], "port"))
        self._open_tcp(dst, port, "connect", _options(args[2:], {"interval": float, "count": int}), write)

    def _open_tcp(self, dst: int, port: int, kind: str, opts: dict[str, float], write: Write) -> None:
        interval = float(opts.get("interval", connections.KEEPALIVE_INTERVAL))
        count = int(opts.get("count", connections.KEEPALIVE_COUNT_MAX))
        conn = self._clients().open_tcp(dst, port, kind, interval, count)
        where = f"{ipv4_text(dst)} port {port}, connection {conn.id}"
        if conn.state == connections.SYN_SENT:
            write(f"Connecting to {where} (no answer yet, trying again)")
        else:
            write(f"Connected to {where}")

    def _stream(self, args: list[str], write: Write) -> None:
        if len(args) < 2:
            raise LabError(f"usage: {HOST_USAGE['stream']}")
        dst, port = parse_address(args[0]), _port(_number(args[1], "port"))
        opts = _options(args[2:], {"rate": float, "size": int, "quiet": float})
        rate = float(opts.get("rate", connections.STREAM_RATE))
        if rate > connections.MAX_RATE:
            raise LabError(f"bad rate '{rate:g}' (at most {connections.MAX_RATE:g} packets a second)")
        size = int(opts.get("size", connections.STREAM_SIZE))
        conn = self._clients().open_stream(dst, port, rate, size, float(opts.get("quiet", connections.STREAM_QUIET)))
        write(f"Streaming to {ipv4_text(dst)} port {port} at {rate:g} packets/s, connection {conn.id}")

    def _flows(self, args: list[str], write: Write) -> None:
        if len(args) < 2:
            raise LabError(f"usage: {HOST_USAGE['flows']}")
        dst, port = parse_address(args[0]), _port(_number(args[1], "port"))
        opts = _options(args[2:], {"count": int, "size": int})
        count = int(opts.get("count", 1))
        sent, answered = self._clients().flows(dst, port, count, int(opts.get("size", connections.STREAM_SIZE)))
        last = connections.FLOWS_FIRST_PORT + count - 1
        where = f"{ipv4_text(dst)} port {port} from ports {connections.FLOWS_FIRST_PORT}-{last}"
        write(f"{sent} flows to {where}: {answered} answered")

    def _connections(self, args: list[str], write: Write) -> None:
        if args:
            raise LabError(f"usage: {HOST_USAGE['connections']}")
        rows = self._clients().listing() if self.node.clients is not None else []
        if not rows:
            write("No connections.")
            return
        for line in table(["ID", "Proto", "Local", "Remote", "State", "Sent", "Answered", "Since"], rows):
            write(line)

    def _close(self, args: list[str], write: Write) -> None:
        if len(args) != 1:
            raise LabError(f"usage: {HOST_USAGE['close']}")
        write(self._clients().close(_number(args[0], "connection id")))


def _number(word: str, what: str) -> int:
    if not word.isdigit():
        raise LabError(f"bad {what} '{word}'")
    return int(word)


def _port(value: float) -> int:
    if not 1 <= value <= 65535 or value != int(value):
        raise LabError(f"bad port '{value:g}' (1 to 65535)")
    return int(value)


def _options(words: list[str], kinds: dict[str, type]) -> dict[str, float]:
    out: dict[str, float] = {}
    while words:
        if len(words) < 2:
            raise LabError(f"missing value after '{words[0]}'")
        key = pick(words[0], list(kinds), "option")
        try:
            value = kinds[key](words[1])
        except ValueError:
            raise LabError(f"bad {key} '{words[1]}'") from None
        if value <= 0:
            raise LabError(f"bad {key} '{words[1]}'")
        out[key] = value
        words = words[2:]
    return out


__all__ = [
    "COMMANDS",
    "ConsoleCommand",
    "HostShell",
    "LabConsole",
    "command_name",
    "parse_duration",
    "parse_lab_time",
    "parse_prefix",
    "plural",
    "table",
]
