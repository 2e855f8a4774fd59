"""The flow session table: what the first packet of a flow set up, found again by every later one.

A session has two wings. The in wing is the flow as its first packet arrived
(client to server, on the ingress interface); the out wing is the reverse as
it is seen arriving on the egress interface, after NAT (server to the
translated client). Each wing's 5-tuple and routing instance is a key of a
dict, so a packet finds its session, and which way it goes, in one or two
dict lookups whatever the size of the table.

Timeouts are lab time. A packet refreshes its session (TCP by its state:
tcp.py); a timeout made shorter (close, route change) takes effect at once.
A route change may move a wing to another interface (`reroute`, filed again
under its new routing instance) or invalidate the session (`invalidate`): the
packet path decides which (path.py).
Expired sessions leave through the aging wheel (aging.py), which holds no
timer per session. `on_close` listeners hear every session that ends and why
(idle Timeout, TCP FIN, TCP RST, response received, ICMP error, CLI): NAT
releases its ports there, hosts learn their connection is gone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from nos.features.flow.sessions import tcp
from nos.features.flow.sessions.aging import AgingWheel, Schedule
from nos.routing.prefix import MASKS, Prefix

MASTER = "master"  # the default routing instance, as the routing engine names it
RESPONSE_TIMEOUT = 2  # an ICMP session once its answer came back; a UDP one after an ICMP error
INVALIDATED_TIMEOUT = 6  # what an invalidated session lives on for (seed 000: 6 s, then 2 s, then gone)
MAX_SESSIONS = 524_288  # a vSRX's session capacity (get-flow-session-information summary, 24.4)

# IP protocols by name, as `show security flow session protocol` takes them (or their numbers).
PROTOCOLS = {
    "icmp": 1,
    "igmp": 2,
    "ipip": 4,
    "tcp": 6,
    "egp": 8,
    "udp": 17,
    "rsvp": 46,
    "gre": 47,
    "esp": 50,
    "ah": 51,
    "icmp6": 58,
    "ospf": 89,
    "pim": 103,
    "sctp": 132,
}
PROTOCOL_NAMES = {number: name for name, number in PROTOCOLS.items()}

# Why a session ended, as RT_FLOW_SESSION_CLOSE says it.
IDLE, CLI, RESPONSE, ICMP_ERROR = "idle Timeout", "CLI", "response received", "ICMP error"

Key = tuple[str, int, int, int, int, str]  # (proto, src, sport, dst, dport, routing instance)


class SessionError(Exception):
    """A session the table could not create (the packet path drops the packet, counting a failed session)."""


class SessionExists(SessionError):
    pass


class TableFull(SessionError):
    pass


@dataclass(frozen=True, slots=True)
class Wing:
    """One direction of a session as it is seen on its interface."""

    src: int
    sport: int
    dst: int
    dport: int
    proto: str  # tcp, udp, icmp, or another protocol's name (esp, gre ...)
    ifl: str  # the logical interface its packets arrive on (`.local..0` for the device itself)
    zone: str | None = None
    instance: str | None = None  # the routing instance of `ifl`; None: the session's
    gateway: int | None = None  # the next hop toward `src` (extensive output), when the packet path knows it

    def key(self, instance: str) -> Key:
        return (self.proto, self.src, self.sport, self.dst, self.dport, self.instance or instance)


class Session:
    """One session: its wings, policy and application, counters, TCP state and timeout."""

    __slots__ = (
        "alive",
        "app_timeout",
        "application",
        "created",
        "expires",
        "fins",
        "id",
        "in_bytes",
        "in_packets",
        "in_wing",
        "instance",
        "nat_pool",
        "out_bytes",
        "out_packets",
        "out_wing",
        "policy",
        "policy_index",
        "reason",
        "slot",
        "state",
        "timeout",
        "valid",
    )

    def __init__(
        self,
        ident: int,
        created: float,
        in_wing: Wing,
        out_wing: Wing,
        policy: str | None,
        policy_index: int | None,
        application: str | None,
        app_timeout: int,
        instance: str,
        nat_pool: str | None,
    ):
        self.id = ident
        self.created = created
        self.in_wing = in_wing
        self.out_wing = out_wing
        self.policy = policy
        self.policy_index = policy_index
        self.application = application
        self.app_timeout = app_timeout  # the application's inactivity timeout
        self.timeout = app_timeout  # the timeout of the session's present state (Maximum timeout)
        self.expires = created + app_timeout
        self.instance = instance
        self.nat_pool = nat_pool  # the source NAT pool (`interface` for interface NAT); None: no source NAT
        self.in_packets = self.in_bytes = self.out_packets = self.out_bytes = 0
        self.state = ""  # TCP: tcp.SYN_SENT ... ; other protocols: ""
        self.fins = 0  # TCP: FIN seen from the client (1), the server (2)
        self.valid = True  # False once invalidated (a route change): it only waits out its timeout
        self.alive = True
        self.reason: str | None = None  # why it will end, once that is known (TCP FIN ...)
        self.slot = 0  # the aging wheel's

    @property
    def proto(self) -> str:
        return self.in_wing.proto

    @property
    def source_nat(self) -> bool:
        return (self.in_wing.src, self.in_wing.sport) != (self.out_wing.dst, self.out_wing.dport)

    @property
    def destination_nat(self) -> bool:
        return (self.in_wing.dst, self.in_wing.dport) != (self.out_wing.src, self.out_wing.sport)

    @property
    def nat(self) -> bool:
        return self.source_nat or self.destination_nat

    @property
    def policy_text(self) -> str:
        """`name/index` as the session list shows it (N/A: no policy made it)."""
        if self.policy is None:
            return "N/A"
        return f"{self.policy}/{self.policy_index}" if self.policy_index is not None else self.policy

    def remaining(self, now: float) -> int:
        """Seconds left before the session times out, as `Timeout:` shows them."""
        return max(0, math.ceil(self.expires - now - 1e-9))

    def __repr__(self) -> str:
        w = self.in_wing
        return f"<Session {self.id} {w.proto} {w.src}/{w.sport}->{w.dst}/{w.dport} {self.state or '-'}>"


@dataclass(frozen=True)
class SessionFilter:
    """Which sessions a show or clear command means. Address, port and interface criteria hold for a
    session when one of its wings meets all of them (the wing as it is seen on its interface)."""

    source_prefix: Prefix | None = None
    destination_prefix: Prefix | None = None
    source_port: int | None = None
    destination_port: int | None = None
    protocol: str | None = None  # a name (tcp); numbers are read with `protocol_name`
    application: str | None = None  # junos-ssh (ssh also matches it)
    interface: str | None = None
    session_id: int | None = None
    nat: bool = False

    def _wing(self, w: Wing) -> bool:
        if self.source_prefix is not None and w.src & MASKS[self.source_prefix[1]] != self.source_prefix[0]:
            return False
        if self.destination_prefix is not None:
            p = self.destination_prefix
            if w.dst & MASKS[p[1]] != p[0]:
                return False
        if self.source_port is not None and w.sport != self.source_port:
            return False
        if self.destination_port is not None and w.dport != self.destination_port:
            return False
        return self.interface is None or w.ifl == self.interface

    def matches(self, s: Session) -> bool:
        if self.session_id is not None and s.id != self.session_id:
            return False
        if self.protocol is not None and s.proto != self.protocol:
            return False
        if self.application is not None and s.application not in (self.application, "junos-" + self.application):
            return False
        if self.nat and not s.nat:
            return False
        return self._wing(s.in_wing) or self._wing(s.out_wing)


def protocol_name(text: str) -> str | None:
    """`tcp` or `6` -> tcp; a number with no name stays a number; None: neither."""
    if text in PROTOCOLS:
        return text
    if text.isdigit() and int(text) <= 255:
        return PROTOCOL_NAMES.get(int(text), text)
    return None


@dataclass
class FlowStatistics:
    """`show security flow statistics`: packets the packet path counts as flow handles them."""

    received: int = 0
    transmitted: int = 0
    forwarded: int = 0  # forwarded/queued: held while a session is being set up
    copied: int = 0
    dropped: int = 0
    services_offload: int = 0
    fragments: int = 0
    pre_fragments: int = 0
    post_fragments: int = 0
    drops: dict[str, int] = field(default_factory=dict)  # dropped, by reason (the packet walk's words)

    def drop(self, reason: str) -> None:
        self.dropped += 1
        self.drops[reason] = self.drops.get(reason, 0) + 1

    def clear(self) -> None:
        for name in ("received", "transmitted", "forwarded", "copied", "dropped", "services_offload"):
            setattr(self, name, 0)
        self.fragments = self.pre_fragments = self.post_fragments = 0
        self.drops.clear()


@dataclass(frozen=True)
class Summary:
    """`show security flow session summary`."""

    unicast: int
    multicast: int
    services_offload: int
    failed: int
    drop_flow: int
    in_use: int
    valid: int
    pending: int
    invalidated: int
    other: int
    maximum: int


Listener = Callable[[Session, str], None]


class SessionTable:
    """Sessions by id and by wing key, aged on the lab clock (`now`; `schedule(time, callback)`)."""

    def __init__(
        self,
        now: Callable[[], float],
        schedule: Schedule,
        options: tcp.FlowOptions | None = None,
        max_sessions: int = MAX_SESSIONS,
    ):
        self.now = now
        self.options = options or tcp.FlowOptions()
        self.max_sessions = max_sessions
        self.sessions: dict[int, Session] = {}  # by id, in creation order
        self._in: dict[Key, Session] = {}
        self._out: dict[Key, Session] = {}
        self._wheel = AgingWheel(now, schedule, self._aged)  # type: ignore[arg-type]
        self._next_id = 1
        self.failed = 0  # sessions that could not be created
        self.invalidated = 0  # sessions invalidated and not yet gone
        self.stats = FlowStatistics()
        self.on_close: list[Listener] = []

    def __len__(self) -> int:
        return len(self.sessions)

    def __iter__(self) -> Iterator[Session]:
        return iter(list(self.sessions.values()))

    @property
    def wheel(self) -> AgingWheel:
        return self._wheel

    # -- the packet path ----------------------------------------------------------------------------

    def lookup(
        self, proto: str, src: int, sport: int, dst: int, dport: int, instance: str = MASTER
    ) -> tuple[Session, str] | None:
        """The session a packet belongs to and its direction ("in": client to server), or None."""
        key = (proto, src, sport, dst, dport, instance)
        s = self._in.get(key)
        if s is not None:
            return s, "in"
        s = self._out.get(key)
        return (s, "out") if s is not None else None

    def first_packet_drop(self, proto: str, flags: str | None) -> str | None:
        """Why a packet that matches no session may not create one (TCP without SYN), or None."""
        return tcp.first_packet_drop(flags or tcp.SYN, self.options) if proto == "tcp" else None

    def create(
        self,
        in_wing: Wing,
        out_wing: Wing,
        policy: str | None,
        application: str | None,
        timeout: int,
        instance: str = MASTER,
        *,
        policy_index: int | None = None,
        nat_pool: str | None = None,
        packet_size: int | None = None,
        tcp_flags: str | None = None,
    ) -> Session:
        """A new session for a first packet the policy permitted. `timeout` is the application's
        inactivity timeout; a TCP session starts with `tcp-initial-timeout` while its handshake runs
        (`tcp_flags` of the first packet: syn unless said). With `packet_size`, the first packet is
        counted on the in wing. Raises TableFull or SessionExists (and counts a failed session)."""
        if len(self.sessions) >= self.max_sessions:
            self.failed += 1
            raise TableFull(f"session table full ({self.max_sessions} sessions)")
        in_key, out_key = in_wing.key(instance), out_wing.key(instance)
        if in_key in self._in or in_key in self._out or out_key in self._in or out_key in self._out:
            self.failed += 1
            raise SessionExists(f"a session already holds {in_key if in_key in self._in else out_key}")
        s = Session(
            self._next_id, self.now(), in_wing, out_wing, policy, policy_index, application, timeout, instance, nat_pool
        )
        self._next_id += 1
        if in_wing.proto == "tcp":
            s.state, s.timeout = tcp.opening(tcp_flags or tcp.SYN, timeout, self.options)
            s.expires = s.created + s.timeout
        self.sessions[s.id] = s
        self._in[in_key] = s
        self._out[out_key] = s
        self._wheel.add(s)
        if packet_size is not None:
            s.in_packets, s.in_bytes = 1, packet_size
        return s

    def touch(self, session: Session, wing: str, packet_size: int, tcp_flags: str = tcp.DATA) -> None:
        """A packet of `session` on `wing` ("in" or "out") went through: count it, follow TCP, refresh
        the timeout. `tcp_flags` for TCP (syn, syn-ack, ack, fin, rst, data); any protocol may say
        icmp-error (an ICMP error about the flow came back: the session ends 2 s later)."""
        if not session.alive:
            return
        if wing == "in":
            session.in_packets += 1
            session.in_bytes += packet_size
        else:
            session.out_packets += 1
            session.out_bytes += packet_size
        if tcp_flags == "icmp-error":
            self._closing(session, RESPONSE_TIMEOUT, ICMP_ERROR)
            return
        if session.proto == "tcp":
            st = tcp.step(session.state, session.fins, wing, tcp_flags, session.app_timeout, self.options)
            session.state, session.fins = st.state, st.fins
            if st.reason is not None:
                session.reason = st.reason
            if st.now:
                self._close(session, st.reason or IDLE)
            elif st.timeout is not None:
                self._set_timeout(session, st.timeout)
        elif session.proto == "icmp" and wing == "out":
            if session.reason != RESPONSE:
                self._closing(session, RESPONSE_TIMEOUT, RESPONSE)
        elif session.reason is None:
            self._set_timeout(session, session.timeout)

    def invalidate(self, session: Session, timeout: float) -> None:
        """The session can no longer be routed as it was (its egress moved and its NAT does not fit the
        new one): it is marked invalid and lives `timeout` seconds more at most, whatever comes (seed
        000: 6 s, and 4 s later it shows 2). A timeout of 0 ends it now."""
        if not session.alive:
            return
        if session.valid:
            session.valid = False
            self.invalidated += 1
        if timeout <= 0:
            self._close(session, session.reason or IDLE)
            return
        session.expires = min(session.expires, self.now() + timeout)
        session.reason = session.reason or IDLE
        self._wheel.shortened(session)

    def reroute(self, session: Session, side: str, ifl: str, zone: str | None, instance: str) -> bool:
        """Move one wing of `session` ("in" or "out") to the logical interface `ifl` (in `zone` and routing
        instance `instance`): a route change took its packets there. Its addresses and ports stay as
        they are (the session keeps its NAT); it is filed again under its new instance. False when
        another session already holds that key (nothing changes)."""
        old = session.in_wing if side == "in" else session.out_wing
        wing = replace(old, ifl=ifl, zone=zone, instance=instance)
        old_key, key = old.key(session.instance), wing.key(session.instance)
        if key != old_key:
            if key in self._in or key in self._out:
                return False
            index = self._in if side == "in" else self._out
            if index.get(old_key) is session:
                del index[old_key]
            index[key] = session
        if side == "in":
            session.in_wing = wing
        else:
            session.out_wing = wing
        return True

    # -- commands -----------------------------------------------------------------------------------

    def select(self, which: SessionFilter | None = None) -> list[Session]:
        """The sessions a command means, oldest first."""
        if which is not None and which.session_id is not None:
            s = self.sessions.get(which.session_id)
            return [s] if s is not None and which.matches(s) else []
        if which is None:
            return list(self.sessions.values())
        return [s for s in self.sessions.values() if which.matches(s)]

    def clear(self, which: SessionFilter | None = None) -> int:
        """`clear security flow session ...`: end the sessions meant; how many."""
        chosen = self.select(which)
        for s in chosen:
            self._close(s, CLI)
        return len(chosen)

    def summary(self, sessions: list[Session] | None = None) -> Summary:
        """Counts of the table (or of `sessions`, a filtered show's)."""
        if sessions is None:
            total, invalid = len(self.sessions), self.invalidated
        else:
            total, invalid = len(sessions), sum(1 for s in sessions if not s.valid)
        valid = total - invalid
        return Summary(valid, 0, 0, self.failed, 0, total, valid, 0, invalid, 0, self.max_sessions)

    # -- inside -------------------------------------------------------------------------------------

    def _set_timeout(self, s: Session, timeout: int) -> None:
        """Refresh `s` with `timeout` (its state's): the wheel sees it only if that is sooner."""
        if not s.valid:
            return  # an invalidated session only runs out
        s.timeout = timeout
        expires = self.now() + timeout
        shorter = expires < s.expires
        s.expires = expires
        if shorter:
            self._wheel.shortened(s)

    def _closing(self, s: Session, timeout: int, reason: str) -> None:
        s.reason = reason
        self._set_timeout(s, timeout)

    def _aged(self, s: Session) -> None:
        self._close(s, s.reason or IDLE)

    def _close(self, s: Session, reason: str) -> None:
        if not s.alive:
            return
        s.alive = False
        del self.sessions[s.id]
        in_key, out_key = s.in_wing.key(s.instance), s.out_wing.key(s.instance)
        if self._in.get(in_key) is s:
            del self._in[in_key]
        if self._out.get(out_key) is s:
            del self._out[out_key]
        self._wheel.remove(s)
        if not s.valid:
            self.invalidated -= 1
        for listener in self.on_close:
            listener(s, reason)


__all__ = [
    "CLI",
    "ICMP_ERROR",
    "IDLE",
    "INVALIDATED_TIMEOUT",
    "MASTER",
    "MAX_SESSIONS",
    "PROTOCOLS",
    "RESPONSE",
    "RESPONSE_TIMEOUT",
    "FlowStatistics",
    "Session",
    "SessionError",
    "SessionExists",
    "SessionFilter",
    "SessionTable",
    "Summary",
    "TableFull",
    "Wing",
    "protocol_name",
]
