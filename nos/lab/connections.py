"""A host's own connections on the lab clock: TCP held open (ssh, connect) and UDP streams.

A connection outlives the command that opened it: it is a timer on the lab's
scheduler that sends its next packet through the lab (one `exchange`, like a
ping, so every firewall session, NAT and server on the way sees it) and looks
at what came back. The walk takes no lab time, so an answer counts at the
moment its packet left and everything happens on a fixed grid of instants:

- TCP opens with a SYN. Unanswered, it is sent again 1, 2, 4, 8, 16 and 32 s
  later and the connect fails 64 s after the last one, at 127 s (Linux's
  tcp_syn_retries 6): "Connection timed out". A RST fails it at once
  ("Connection refused"), an ICMP unreachable too ("No route to host").
- Once open, the client sends data at once (SSH's version exchange) and then a
  keepalive ("psh") every `interval` (5 s by default: OpenSSH sends none
  unless ServerAliveInterval is set, and TCP's own keepalive waits 2 h; 5 s
  stands for an interactive session's traffic and is shorter than any flow
  timeout it is meant to be watched against). A RST answer breaks it
  ("Connection reset by peer"). As OpenSSH counts ServerAliveCountMax (3),
  when 3 keepalives in a row went unanswered the connection breaks at the
  instant the 4th would leave: "Connection timed out", 3 intervals after
  the first unanswered one.
- A UDP stream sends `rate` datagrams a second; each answered one counts.
  When no answer has come for `quiet` seconds (3) since the last one, the
  stream reports it, and again when answers resume. It runs until closed.
- `close` sends a FIN on an open TCP connection (answered "fin-ack") and
  stops a stream.

- `flows` [simulator extension] opens many UDP flows at once, for load: one
  datagram each, from source ports 1024 upward (one port a flow, so at most
  64,512 from one address), all at the same instant; nothing is held after
  the command. Run again with the same count, it sends from the same ports:
  a firewall on the way follows the sessions the first run made.

When a connection opens late, breaks, or a stream goes quiet or resumes, the
host keeps a notice for its shell (printed before its next prompt) and the
lab's timeline gets a `connection` event. A lab with no connections has no
timers and pays nothing.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from nos.lab import icmp
from nos.lab.packet import UNREACHABLE, Packet, ipv4_text
from nos.lab.topology import LabError, format_lab_time
from nos.runtime.clock import Timer

SSH_PORT = 22
KEEPALIVE_INTERVAL = 5.0
KEEPALIVE_COUNT_MAX = 3  # OpenSSH ServerAliveCountMax
SYN_RETRIES = 6  # Linux tcp_syn_retries: SYN k+1 leaves 2**k s after SYN k; give up 2**6 s after the last
STREAM_RATE = 50.0  # packets a second: RTP with 20 ms of audio per packet
STREAM_QUIET = 3.0  # seconds without an answer before a stream reports it
MAX_RATE = 1000.0
FIRST_PORT, LAST_PORT = 32768, 60999  # Linux ip_local_port_range
MAX_OPEN = 4096  # open connections per host
KEPT_CLOSED = 16  # closed connections still listed
MAX_NOTICES = 100  # notices kept for a shell that has not shown them
FLOWS_FIRST_PORT = 1024  # `flows`: source ports from here up, one a flow
MAX_FLOWS = 65535 - FLOWS_FIRST_PORT + 1

SYN_SIZE, DATA_SIZE, FIN_SIZE = 60, 100, 52  # bytes: a SYN with options, an SSH keepalive, a bare FIN
STREAM_SIZE = 200  # IP + UDP + RTP + 160 bytes of G.711

# States
SYN_SENT, ESTABLISHED, CLOSED = "syn-sent", "established", "closed"
RESET, TIMED_OUT, FAILED = "reset", "timed-out", "failed"
RUNNING, NO_ANSWER = "running", "no-answer"
OPEN_STATES = frozenset({SYN_SENT, ESTABLISHED, RUNNING, NO_ANSWER})

REFUSED_TEXT = "Connection refused"
RESET_TEXT = "Connection reset by peer"
TIMEOUT_TEXT = "Connection timed out"
UNREACHABLE_TEXT = "No route to host"


class Connection:
    """One connection of a host: where it goes, its state, and its counters."""

    __slots__ = (
        "answered",
        "count_max",
        "id",
        "kind",
        "last_answer",
        "local",
        "local_port",
        "misses",
        "opened",
        "period",
        "proto",
        "quiet",
        "rate",
        "reason",
        "remote",
        "remote_port",
        "sent",
        "since",
        "size",
        "start",
        "state",
        "tick",
        "timer",
    )

    def __init__(self, ident: int, kind: str, proto: str, local: int, local_port: int, remote: int, remote_port: int):
        self.id = ident
        self.kind = kind  # ssh | connect | stream
        self.proto = proto
        self.local, self.local_port = local, local_port
        self.remote, self.remote_port = remote, remote_port
        self.state = SYN_SENT if proto == "tcp" else RUNNING
        self.opened = self.since = self.start = 0.0  # opened; in its state since; its grid's origin
        self.sent = self.answered = 0
        self.reason = ""
        self.period = KEEPALIVE_INTERVAL  # TCP: seconds between keepalives
        self.rate = 0.0  # UDP: packets a second
        self.count_max = KEEPALIVE_COUNT_MAX
        self.quiet = STREAM_QUIET
        self.size = DATA_SIZE
        self.tick = 0  # packets (TCP: SYNs, then keepalives) sent on the grid so far
        self.misses = 0  # unanswered in a row
        self.last_answer = 0.0
        self.timer: Timer | None = None

    def instant(self) -> float:
        """When the packet of the current tick leaves (the grid from `start`; divided, not summed)."""
        return self.start + (self.tick / self.rate if self.proto == "udp" else self.tick * self.period)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def label(self) -> str:
        udp = " (udp)" if self.proto == "udp" else ""
        return f"connection {self.id} to {ipv4_text(self.remote)}:{self.remote_port}{udp}"


class HostConnections:
    """The connections of one node (a host, or the Internet node's shell), on its lab."""

    def __init__(self, lab: Any, node: Any):
        self.lab = lab
        self.node = node
        self.by_id: dict[int, Connection] = {}  # open ones and the last closed, by id
        self._closed: deque[int] = deque()  # ids of the closed ones still listed, oldest first
        self._next_id = 1
        self._port = FIRST_PORT
        self.notices: deque[str] = deque(maxlen=MAX_NOTICES)

    # -- opening and closing ------------------------------------------------------------------------------

    def open_tcp(
        self,
        remote: int,
        port: int,
        kind: str = "connect",
        interval: float = KEEPALIVE_INTERVAL,
        count_max: int = KEEPALIVE_COUNT_MAX,
    ) -> Connection:
        """Send the SYN: the connection (open, or still trying); LabError when refused at once."""
        conn = self._new(kind, "tcp", remote, port)
        conn.period, conn.count_max = interval, count_max
        self._syn(conn)
        if conn.state == FAILED:  # refused by its first answer: it never was (and its id is free again)
            del self.by_id[conn.id]
            self._next_id = conn.id
            raise LabError(f"connect to host {ipv4_text(remote)} port {port}: {conn.reason}")
        return conn

    def open_stream(
        self, remote: int, port: int, rate: float = STREAM_RATE, size: int = STREAM_SIZE, quiet: float = STREAM_QUIET
    ) -> Connection:
        """Start a UDP stream: its first datagram leaves now."""
        conn = self._new("stream", "udp", remote, port)
        conn.rate, conn.size, conn.quiet = rate, size, quiet
        conn.last_answer = conn.start
        self._event(conn, f"started, {rate:g} packets/s")
        self._stream(conn)
        return conn

    def flows(self, remote: int, port: int, count: int, size: int = STREAM_SIZE) -> tuple[int, int]:
        """`flows`: `count` UDP datagrams to `remote`:`port` now, one from each source port from 1024
        up: (sent, answered)."""
        if not 1 <= count <= MAX_FLOWS:
            raise LabError(f"bad count '{count}' (1 to {MAX_FLOWS:,} flows from one address)")
        local = self._local_address(remote)
        ttl = getattr(self.node, "ttl", icmp.ANSWER_TTL)
        exchange, name = self.lab.exchange, self.node.name
        answered = 0
        for sport in range(FLOWS_FIRST_PORT, FLOWS_FIRST_PORT + count):
            packet = Packet(src=local, dst=remote, proto="udp", ttl=ttl, sport=sport, dport=port, size=size)
            reply = exchange(name, packet).reply
            if (
                reply is not None
                and reply.proto == "udp"
                and reply.code == icmp.REPLY
                and reply.src == remote
                and reply.sport == port
                and reply.dport == sport
            ):
                answered += 1
        last = FLOWS_FIRST_PORT + count - 1
        what = f"{count} flows to {ipv4_text(remote)}:{port} from ports {FLOWS_FIRST_PORT}-{last}"
        self.lab.add_event(self.node.name, "connection", f"{what}: {answered} answered")
        return count, answered

    def close(self, ident: int) -> str:
        """End a connection (TCP: FIN); what the command prints."""
        conn = self.by_id.get(ident)
        if conn is None:
            raise LabError(f"no connection {ident}")
        if not conn.is_open:
            raise LabError(f"connection {ident} is already {conn.state}")
        if conn.state == ESTABLISHED:
            reply = self._send(conn, icmp.FIN, FIN_SIZE)
            if self._tcp_answer(conn, reply) not in (None, icmp.RST):
                conn.answered += 1
        self._end(conn, CLOSED, "")
        self._event(conn, "closed")
        if conn.proto == "udp":
            return f"Stream to {ipv4_text(conn.remote)} port {conn.remote_port} stopped: {_counts(conn)}"
        return f"Connection to {ipv4_text(conn.remote)} closed."

    def end_all(self, reason: str) -> int:
        """End every open connection without a word on the wire (the host restarted): how many."""
        ended = 0
        for conn in list(self.by_id.values()):
            if conn.is_open:
                self._end(conn, CLOSED, reason)
                ended += 1
        return ended

    def take_notices(self) -> list[str]:
        """The notices no shell has shown yet (the shell prints them before its next prompt)."""
        out = list(self.notices)
        self.notices.clear()
        return out

    def listing(self) -> list[list[str]]:
        """Rows of `connections`: id, proto, local, remote, state, sent, answered, since."""
        rows = []
        for conn in self.by_id.values():
            rows.append(
                [
                    str(conn.id),
                    conn.proto,
                    f"{ipv4_text(conn.local)}:{conn.local_port}",
                    f"{ipv4_text(conn.remote)}:{conn.remote_port}",
                    conn.state,
                    str(conn.sent),
                    str(conn.answered),
                    format_lab_time(conn.since),
                ]
            )
        return rows

    def open_count(self) -> int:
        return sum(1 for c in self.by_id.values() if c.is_open)

    def _new(self, kind: str, proto: str, remote: int, port: int) -> Connection:
        if self.open_count() >= MAX_OPEN:
            raise LabError(f"too many connections ({MAX_OPEN} open)")
        conn = Connection(self._next_id, kind, proto, self._local_address(remote), self._local_port(), remote, port)
        self._next_id += 1
        conn.opened = conn.since = conn.start = self.lab.now()
        self.by_id[conn.id] = conn
        return conn

    def _local_address(self, remote: int) -> int:
        address = getattr(self.node, "address", None)
        if isinstance(address, int):
            return address
        port = self.node._port_towards(remote)  # the Internet node: the address of the port it leaves by
        return int(self.node.port_address[port].ip)

    def _local_port(self) -> int:
        """The next free port of the ephemeral range, in turn."""
        used = {c.local_port for c in self.by_id.values() if c.is_open}
        span = LAST_PORT - FIRST_PORT + 1
        for _ in range(span):
            port = self._port
            self._port = FIRST_PORT + (port - FIRST_PORT + 1) % span
            if port not in used:
                return port
        raise LabError("no free local port")

    # -- TCP ----------------------------------------------------------------------------------------------

    def _syn(self, conn: Connection) -> None:
        """One SYN on the retry schedule, or the give-up after the last."""
        conn.timer = None
        if conn.tick > SYN_RETRIES:
            self._break(conn, FAILED, TIMEOUT_TEXT)
            return
        conn.tick += 1
        answer = self._tcp_answer(conn, self._send(conn, icmp.SYN, SYN_SIZE))
        if answer in (icmp.RST, UNREACHABLE):
            reason = REFUSED_TEXT if answer == icmp.RST else UNREACHABLE_TEXT
            if conn.tick == 1:  # at once: the command says so, and the connection never was
                conn.state, conn.reason = FAILED, reason
            else:
                self._break(conn, FAILED, reason)
        elif answer is not None:
            conn.answered += 1
            self._established(conn)
        else:  # SYN k (from 1) unanswered: the next one, or the give-up, 2**(k-1) s later
            self._at(conn, self.lab.now() + 2 ** (conn.tick - 1), self._syn)

    def _established(self, conn: Connection) -> None:
        now = self.lab.now()
        late = conn.sent > 1
        conn.state, conn.since, conn.start, conn.tick = ESTABLISHED, now, now, 0
        if late:  # the command already returned: tell the shell
            self._notice(conn, "established")
        self._event(conn, "established")
        self._keepalive(conn)  # the first data leaves at once

    def _keepalive(self, conn: Connection) -> None:
        """Data (a keepalive) on the grid, or the break when `count_max` went unanswered."""
        conn.timer = None
        if conn.misses >= conn.count_max:
            self._break(conn, TIMED_OUT, TIMEOUT_TEXT)
            return
        answer = self._tcp_answer(conn, self._send(conn, icmp.PSH, DATA_SIZE))
        if answer == icmp.RST:
            self._break(conn, RESET, RESET_TEXT)
            return
        if answer is not None and answer != UNREACHABLE:  # ICMP errors are soft on an open connection
            conn.answered += 1
            conn.misses = 0
        else:
            conn.misses += 1
        conn.tick += 1
        self._at(conn, conn.instant(), self._keepalive)

    def _tcp_answer(self, conn: Connection, reply: Packet | None) -> str | None:
        """The remote TCP's answer code, UNREACHABLE for an ICMP unreachable, None for nothing."""
        if reply is None:
            return None
        if reply.proto == "icmp":
            return UNREACHABLE if reply.icmp == UNREACHABLE else None
        if self._from_remote(conn, reply):
            return reply.code
        return None

    # -- UDP ----------------------------------------------------------------------------------------------

    def _stream(self, conn: Connection) -> None:
        conn.timer = None
        now = conn.instant()
        reply = self._send(conn, "", conn.size)  # a UDP request has no code
        if reply is not None and reply.code == icmp.REPLY and self._from_remote(conn, reply):
            conn.answered += 1
            if conn.state == NO_ANSWER:
                conn.state, conn.since = RUNNING, now
                gap = _seconds(now - conn.last_answer)
                self._report(conn, f"answers again after {gap} s, {conn.misses} unanswered")
            conn.last_answer = now
            conn.misses = 0
        else:
            conn.misses += 1
            if conn.state == RUNNING and now - conn.last_answer >= conn.quiet - 1e-9:
                conn.state, conn.since = NO_ANSWER, now
                self._report(conn, f"no answer for {_seconds(conn.quiet)} s")
        conn.tick += 1
        self._at(conn, conn.instant(), self._stream)

    # -- common -------------------------------------------------------------------------------------------

    def _send(self, conn: Connection, code: str, size: int) -> Packet | None:
        """Walk one packet of the connection through the lab; what came back."""
        packet = Packet(
            src=conn.local,
            dst=conn.remote,
            proto=conn.proto,
            ttl=getattr(self.node, "ttl", icmp.ANSWER_TTL),
            code=code,
            sport=conn.local_port,
            dport=conn.remote_port,
            size=size,
            ident=conn.id,
            seq=conn.sent & 0xFFFF,
        )
        conn.sent += 1
        return self.lab.exchange(self.node.name, packet).reply

    @staticmethod
    def _from_remote(conn: Connection, reply: Packet) -> bool:
        return (
            reply.proto == conn.proto
            and reply.src == conn.remote
            and reply.sport == conn.remote_port
            and reply.dport == conn.local_port
        )

    def _at(self, conn: Connection, when: float, step: Any) -> None:
        conn.timer = self.lab.scheduler.call_at(when, lambda: step(conn))

    def _break(self, conn: Connection, state: str, reason: str) -> None:
        """The connection ended by itself: recorded, told to the shell and the timeline."""
        self._end(conn, state, reason)
        self._report(conn, f"{'failed' if state == FAILED else 'closed'}: {reason}")

    def _end(self, conn: Connection, state: str, reason: str) -> None:
        if conn.timer is not None:
            conn.timer.cancel()
            conn.timer = None
        conn.state, conn.reason, conn.since = state, reason, self.lab.now()
        self._closed.append(conn.id)
        while len(self._closed) > KEPT_CLOSED:
            self.by_id.pop(self._closed.popleft(), None)

    def _report(self, conn: Connection, what: str) -> None:
        self._notice(conn, what)
        self._event(conn, what)

    def _notice(self, conn: Connection, what: str) -> None:
        self.notices.append(f"{conn.label()} {what}")

    def _event(self, conn: Connection, what: str) -> None:
        self.lab.add_event(self.node.name, "connection", f"{conn.label()} {what}")


def connections_of(lab: Any, node: Any) -> HostConnections:
    """A node's connections, made when it opens the first."""
    found = node.clients
    if found is None:
        found = node.clients = HostConnections(lab, node)
    return found  # type: ignore[no-any-return]


def restart(node: Any) -> int:
    """The node restarted: its own connections end where they are (nothing is sent); how many."""
    found = node.clients
    return found.end_all("restarted") if found is not None else 0


def pending_notices(node: Any) -> list[str]:
    """What the node's connections have to tell its shell (nothing when it never opened one)."""
    found = node.clients
    return found.take_notices() if found is not None else []


def _counts(conn: Connection) -> str:
    return f"{conn.sent} sent, {conn.answered} answered"


def _seconds(value: float) -> str:
    return f"{round(value, 3):g}"


__all__ = [
    "FLOWS_FIRST_PORT",
    "KEEPALIVE_COUNT_MAX",
    "KEEPALIVE_INTERVAL",
    "MAX_FLOWS",
    "SSH_PORT",
    "STREAM_QUIET",
    "STREAM_RATE",
    "Connection",
    "HostConnections",
    "connections_of",
    "pending_notices",
    "restart",
]
