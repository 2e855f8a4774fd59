"""The TCP connections a lab server remembers (a host that listens, the Internet node).

A server that answered SYN-ACK to any segment would keep an old connection
alive across anything; a real one answers only the connections it knows. So a
server keeps (client address, client port, own address, own port) from the
SYN on: data ("psh") on a known connection is answered "ack", a "fin"
"fin-ack" (and the connection is forgotten), and a "psh" or "fin" it does not
know gets "rst" - what the packets of an old connection meet when a failover
or a new NAT translation brings them from another source, or to another
server behind the same address.

Memory is bounded without timers: entries sit in two queues ordered by last
activity (half-open and established, each with one idle limit), so the
oldest is always at the front; the fronts that have idled out are dropped
when a new connection comes, and a lookup that finds an idled-out entry
forgets it. At `MAX_CONNECTIONS` the oldest half-open entry goes first (a
full SYN queue), then the oldest established one.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator

from nos.lab.icmp import ACK, FIN, FIN_ACK, PSH, RST, SYN, SYN_ACK
from nos.lab.packet import Packet

# Linux gives up a half-open connection after tcp_synack_retries (5) SYN-ACKs: sent at 0, 1, 3, 7,
# 15, 31 s, the last waited for until 63 s.
HALF_OPEN_IDLE = 63.0
# sshd sets TCPKeepAlive: Linux probes a peer silent for tcp_keepalive_time (7200 s), then 9 probes
# tcp_keepalive_intvl (75 s) apart, and drops the connection when none is answered.
ESTABLISHED_IDLE = 7200.0 + 9 * 75.0
MAX_CONNECTIONS = 131072  # per server node: about 30 MB when full

Key = tuple[int, int, int, int]  # (client address, client port, own address, own port)
HALF_OPEN, ESTABLISHED = "syn-received", "established"


def _zero() -> float:
    return 0.0


class ServerConnections:
    """One node's server-side TCP connections. `now` is the lab clock (the lab sets it)."""

    __slots__ = ("_half", "_open", "cap", "forgotten", "now")

    def __init__(self, now: Callable[[], float] = _zero, cap: int = MAX_CONNECTIONS):
        self.now = now
        self.cap = cap
        self._half: OrderedDict[Key, float] = OrderedDict()  # key -> last seen, oldest first
        self._open: OrderedDict[Key, float] = OrderedDict()
        self.forgotten = 0  # connections dropped to make room (cap reached)

    def __len__(self) -> int:
        return len(self._half) + len(self._open)

    def answer(self, request: Packet) -> str:
        """The answer code to a TCP request for a listening port: syn-ack, ack, fin-ack or rst."""
        key = (request.src, request.sport, request.dst, request.dport)
        now = self.now()
        code = request.code
        if code == SYN:  # a new connection (a SYN on a known one starts it afresh)
            self._open.pop(key, None)
            self._half.pop(key, None)
            self._make_room(now)
            self._half[key] = now
            return SYN_ACK
        if code not in (PSH, FIN) or not self._take(key, now):
            return RST
        if code == FIN:
            return FIN_ACK  # closed: taken out of the table for good
        self._open[key] = now  # (re)filed at the back: the most recently active
        return ACK

    def reset(self, segment: Packet) -> None:
        """A RST from the client: the connection is gone."""
        key = (segment.src, segment.sport, segment.dst, segment.dport)
        self._half.pop(key, None)
        self._open.pop(key, None)

    def clear(self) -> None:
        """Forget everything (the server restarted)."""
        self._half.clear()
        self._open.clear()

    def state(self, client: int, client_port: int, own: int, own_port: int) -> str | None:
        """A connection's state (syn-received, established), None when unknown or idled out."""
        key = (client, client_port, own, own_port)
        now = self.now()
        last = self._half.get(key)
        if last is not None:
            return HALF_OPEN if now - last <= HALF_OPEN_IDLE else None
        last = self._open.get(key)
        if last is not None:
            return ESTABLISHED if now - last <= ESTABLISHED_IDLE else None
        return None

    def entries(self) -> Iterator[tuple[Key, str, float]]:
        """(key, state, last seen) of the live entries, oldest first in each state."""
        now = self.now()
        for table, state, idle in (
            (self._half, HALF_OPEN, HALF_OPEN_IDLE),
            (self._open, ESTABLISHED, ESTABLISHED_IDLE),
        ):
            for key, last in table.items():
                if now - last <= idle:
                    yield key, state, last

    def _take(self, key: Key, now: float) -> bool:
        """Take a live connection out of the table (the caller files it again); False when unknown."""
        last = self._half.pop(key, None)
        if last is not None:
            return now - last <= HALF_OPEN_IDLE
        last = self._open.pop(key, None)
        return last is not None and now - last <= ESTABLISHED_IDLE

    def _make_room(self, now: float) -> None:
        for table, idle in ((self._half, HALF_OPEN_IDLE), (self._open, ESTABLISHED_IDLE)):
            while table and now - next(iter(table.values())) > idle:
                table.popitem(last=False)
        while len(self) >= self.cap:
            (self._half or self._open).popitem(last=False)
            self.forgotten += 1


__all__ = ["ESTABLISHED_IDLE", "HALF_OPEN_IDLE", "MAX_CONNECTIONS", "ServerConnections"]
