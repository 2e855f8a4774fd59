"""One BGP session: the RFC 4271 state machine on the lab clock.

The session talks through its owner (a device's BGP, or a lab node's), which
walks each message through the lab (`Transport`), and tells the owner when it
comes up, goes down and what it received (`Owner`). States as Junos names them:
Idle, Connect, Active, OpenSent, OpenConfirm, Established.

Timing (semantics.md 5, [G] where marked): hold time 90 s unless configured,
the smaller of the two ends' wins, keepalives every third of it; a TCP
connection that fails is tried again after 32 s [G]; a session that closed
waits 1 s in Idle before it tries again [G]. A message the lab loses is sent
again (TCP) after 1, 2, 4 ... 32 s while the connection lasts; a reset
connection closes the session at once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from nos.features.bgp.messages import Attrs, Keepalive, Message, Notification, Open, Update

IDLE, CONNECT, ACTIVE, OPENSENT, OPENCONFIRM, ESTABLISHED = (
    "Idle",
    "Connect",
    "Active",
    "OpenSent",
    "OpenConfirm",
    "Established",
)

HOLD_TIME = 90
CONNECT_RETRY = 32.0  # [G]
IDLE_HOLD = 1.0  # [G]
OPEN_HOLD = 240.0  # RFC 4271: the hold timer while the OPEN is awaited
RETRANSMIT_MAX = 32.0

OK, LOST, RESET = "ok", "lost", "reset"  # what became of a message the transport sent


@dataclass(frozen=True)
class PeerSpec:
    """What a session needs from the configuration (or the lab file)."""

    address: int
    peer_as: int
    local_as: int
    local_address: int | None = None
    hold_time: int = HOLD_TIME
    passive: bool = False
    group: str = ""
    description: str = ""
    ttl: int = 1  # > 1: multihop
    import_: tuple[str, ...] = ()
    export: tuple[str, ...] = ()
    instance: str = "master"

    @property
    def internal(self) -> bool:
        return self.peer_as == self.local_as


class Transport(Protocol):
    def connect(self, session: Session) -> str:
        """Open the TCP connection (the handshake walked through the lab): OK, LOST or RESET."""
        ...

    def send(self, session: Session, message: Message) -> str:
        """Walk one message to the peer: OK (its TCP took it), LOST, or RESET."""
        ...


class Owner(Protocol):
    def established(self, session: Session) -> None: ...

    def closed(self, session: Session, was_established: bool) -> None: ...

    def received(self, session: Session, update: Update) -> None: ...


class Scheduler(Protocol):
    def now(self) -> float: ...

    def call_later(self, delay: float, callback: Callable[[], None]) -> Any: ...


@dataclass
class Counters:
    in_messages: int = 0
    out_messages: int = 0
    in_updates: int = 0
    out_updates: int = 0
    flaps: int = 0


@dataclass
class Session:
    spec: PeerSpec
    router_id: int
    owner: Owner
    transport: Transport
    scheduler: Scheduler
    state: str = IDLE
    last_state: str = IDLE
    last_event: str = "Start"
    last_error: str = "None"
    since: float = 0.0  # when the state last changed between up and down (Last Up/Dwn)
    peer_id: int = 0
    peer_hold: int = 0
    hold_time: int = 0  # negotiated
    local_used: int = 0  # the local address the connection uses
    counters: Counters = field(default_factory=Counters)
    adj_in: dict[int, Attrs] = field(default_factory=dict)  # key -> attributes received (Adj-RIB-In)
    rejected: set[int] = field(default_factory=set)  # of adj_in: keys kept out (AS loop, import policy)
    adj_out: dict[int, Attrs] = field(default_factory=dict)  # key -> attributes advertised (Adj-RIB-Out)
    _timers: dict[str, Any] = field(default_factory=dict)
    _queue: deque[Message] = field(default_factory=deque)
    _backoff: float = 1.0
    _running: bool = False

    @property
    def accepted(self) -> int:
        """Received destinations that made it into the table (`show bgp summary`'s Accepted)."""
        return len(self.adj_in) - len(self.rejected)

    @property
    def out_queue(self) -> int:
        """Messages waiting for TCP (a lost one being sent again): `show bgp summary`'s OutQ."""
        return len(self._queue)

    # -- starting and stopping -----------------------------------------------------------------------

    def start(self) -> None:
        """The neighbour is configured: try to connect (a passive one only listens)."""
        if self._running:
            return
        self._running = True
        self.since = self.scheduler.now()
        self._enter(ACTIVE, "Start")
        if not self.spec.passive:
            self._timer("connect", 0.0, self._try_connect)

    def stop(self, reason: str = "Cease") -> None:
        """The neighbour is deconfigured (or the protocol deactivated): close and stay closed."""
        if self.state in (OPENSENT, OPENCONFIRM, ESTABLISHED):
            self.transport.send(self, Notification("Cease", reason))
        self._running = False
        self._close("Stop", "Cease")

    def down(self, event: str, error: str = "None") -> None:
        """Close (the interface went down, an error) and try again after the idle hold."""
        if self.state == IDLE:
            return
        self._close(event, error)

    # -- the transport's side: a connection and messages from the peer -------------------------------

    def accept(self) -> bool:
        """The peer opened a TCP connection to us. Taken unless we are idle or already connected
        (a collision is settled here, for the lab delivers one handshake at a time)."""
        if not self._running or self.state not in (CONNECT, ACTIVE):
            return False
        self._cancel("connect")
        self.scheduler.call_later(0.0, self._connected)
        self._enter(CONNECT, "ConnectionAccepted")  # until the OPEN leaves, a moment later
        return True

    def deliver(self, message: Message) -> None:
        """A message from the peer, arrived (called on the clock, never inside a packet's walk)."""
        if self.state in (IDLE, ACTIVE):
            return  # for a connection that is gone
        self.counters.in_messages += message.messages() if isinstance(message, Update) else 1
        if isinstance(message, Notification):
            self._close("RecvNotify", message.code)
            return
        if isinstance(message, Open):
            self._open(message)
            return
        if self.state == OPENCONFIRM and isinstance(message, Keepalive):
            self._established()
            return
        if self.state != ESTABLISHED:
            self._notify_and_close("Finite State Machine Error", "RecvUnexpected")
            return
        self._restart_hold()
        if isinstance(message, Update):
            self.counters.in_updates += message.messages()
            self.owner.received(self, message)

    # -- sending ---------------------------------------------------------------------------------------

    def send(self, message: Message) -> None:
        """Queue a message to the peer and push the queue (TCP keeps order and retries)."""
        self._queue.append(message)
        if len(self._queue) == 1:
            self._push()

    def _push(self) -> None:
        while self._queue:
            message = self._queue[0]
            result = self.transport.send(self, message)
            if result == RESET:
                self._close("Reset", "Connection reset")
                return
            if result == LOST:
                self._timer("retransmit", self._backoff, self._push)
                self._backoff = min(self._backoff * 2, RETRANSMIT_MAX)
                return
            self._backoff = 1.0
            self._queue.popleft()
            n = message.messages() if isinstance(message, Update) else 1
            self.counters.out_messages += n
            if isinstance(message, Update):
                self.counters.out_updates += n

    # -- the state machine -----------------------------------------------------------------------------

    def _try_connect(self) -> None:
        if not self._running or self.state not in (ACTIVE, CONNECT):
            return
        self._enter(CONNECT, "Start")
        result = self.transport.connect(self)
        if result == OK:
            self._connected()
        else:
            self._enter(ACTIVE, "ConnectRetry" if result == LOST else "Reset")
            self._timer("connect", CONNECT_RETRY, self._try_connect)

    def _connected(self) -> None:
        if not self._running or self.state not in (CONNECT, ACTIVE):
            return
        self._queue.clear()
        self._backoff = 1.0
        self.send(Open(self.spec.local_as, self.spec.hold_time, self.router_id))
        if self.state in (CONNECT, ACTIVE):  # the OPEN went (or waits for TCP)
            self._enter(OPENSENT, "OpenSent")
            self._timer("hold", OPEN_HOLD, self._hold_expired)

    def _open(self, message: Open) -> None:
        if self.state == CONNECT:  # accepted a moment ago; our OPEN leaves first
            self._connected()
        if self.state != OPENSENT:
            self._notify_and_close("Finite State Machine Error", "RecvOpen")
            return
        if message.asn != self.spec.peer_as:
            self._notify_and_close("Open Message Error", "bad peer AS number")
            return
        self.peer_id = message.router_id
        self.peer_hold = message.hold_time
        self.hold_time = min(self.spec.hold_time, message.hold_time)
        self.send(Keepalive())
        if self.state == OPENSENT:
            self._enter(OPENCONFIRM, "RecvOpen")
            self._restart_hold()

    def _established(self) -> None:
        self._enter(ESTABLISHED, "RecvKeepAlive")
        self.since = self.scheduler.now()
        self._restart_hold()
        if self.hold_time:
            self._timer("keepalive", self.hold_time / 3, self._keepalive)
        self.owner.established(self)

    def _keepalive(self) -> None:
        if self.state not in (OPENCONFIRM, ESTABLISHED) or not self.hold_time:
            return
        if self.state == ESTABLISHED and not self._queue:
            self.send(Keepalive())
        self._timer("keepalive", self.hold_time / 3, self._keepalive)

    def _restart_hold(self) -> None:
        if self.hold_time:
            self._timer("hold", float(self.hold_time), self._hold_expired)
        else:
            self._cancel("hold")

    def _hold_expired(self) -> None:
        self._notify_and_close("Hold Timer Expired Error", "HoldTime")

    def _notify_and_close(self, code: str, event: str) -> None:
        self.transport.send(self, Notification(code))  # best effort, as it leaves
        self._close(event, code)

    def _close(self, event: str, error: str) -> None:
        was = self.state == ESTABLISHED
        for name in list(self._timers):
            self._cancel(name)
        self._queue.clear()
        self.last_error = error if error != "Cease" or event != "Stop" else self.last_error
        self._enter(IDLE, event)
        if was:
            self.counters.flaps += 1
            self.since = self.scheduler.now()
        self.peer_hold = self.hold_time = 0
        self.adj_out.clear()
        self.owner.closed(self, was)  # the routes learnt from the peer go
        self.adj_in.clear()
        self.rejected.clear()
        if self._running:
            self._timer("idle", IDLE_HOLD, self._restart)

    def _restart(self) -> None:
        if self._running and self.state == IDLE:
            self._enter(ACTIVE, "Start")
            if not self.spec.passive:
                self._timer("connect", 0.0, self._try_connect)

    # -- helpers ---------------------------------------------------------------------------------------

    def _enter(self, state: str, event: str) -> None:
        if state != self.state:
            self.last_state = self.state
        self.state = state
        self.last_event = event

    def _timer(self, name: str, delay: float, callback: Callable[[], None]) -> None:
        self._cancel(name)
        self._timers[name] = self.scheduler.call_later(delay, callback)

    def _cancel(self, name: str) -> None:
        timer = self._timers.pop(name, None)
        if timer is not None:
            timer.cancel()


__all__ = [
    "ACTIVE",
    "CONNECT",
    "ESTABLISHED",
    "IDLE",
    "LOST",
    "OK",
    "OPENCONFIRM",
    "OPENSENT",
    "RESET",
    "Owner",
    "PeerSpec",
    "Session",
    "Transport",
]
