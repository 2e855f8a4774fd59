"""The TCP side of a BGP session in the lab: what either end (a device, a lab node) sends and answers.

A message rides a TCP packet to port 179, walked through the lab and answered
by the far end's TCP: `syn-ack` or `ack` when taken, `rst` when no session
there wants it. A message that arrives is handled on the clock, after the walk
that brought it, never inside it.
"""

from __future__ import annotations

from collections.abc import Callable

from nos.features.bgp.messages import Message
from nos.features.bgp.session import ACTIVE, IDLE, LOST, OK, RESET, Session
from nos.lab.packet import Packet

BGP_PORT = 179
EPHEMERAL_PORT = 49152  # the port a connection is opened from


def transmit(session: Session, message: Message | None, exchange: Callable[[Packet], Packet | None]) -> str:
    """Walk one message (None: the handshake) to the peer with `exchange` (the packet in, the reply
    that came back out): OK when its TCP took it, RESET when it refused, LOST when nothing answered."""
    spec = session.spec
    packet = Packet(
        src=spec.local_address or 0,
        dst=spec.address,
        proto="tcp",
        ttl=spec.ttl,
        sport=BGP_PORT if message is not None else EPHEMERAL_PORT,
        dport=BGP_PORT,
        instance=None if spec.instance == "master" else spec.instance,
        payload=message,
    )
    reply = exchange(packet)
    if reply is None or reply.proto != "tcp" or reply.src != spec.address:
        return LOST
    if reply.code == "rst":
        return RESET
    session.local_used = reply.dst
    return OK if reply.code in ("syn-ack", "ack") else LOST


def answer(session: Session | None, packet: Packet) -> str:
    """What our TCP answers to a packet for port 179 from the peer of `session` (None: no such peer)."""
    if session is None:
        return "rst"  # not a configured neighbour
    message = packet.payload
    if message is None:  # a handshake
        if session.accept():
            session.local_used = packet.dst
            return "syn-ack"
        if session.state not in (IDLE, ACTIVE):  # the peer started afresh: our side of it is stale
            session.scheduler.call_later(0.0, lambda: session.down("Reset", "Connection reset"))
        return "rst"
    if session.state in (IDLE, ACTIVE):
        return "rst"
    session.scheduler.call_later(0.0, lambda: session.deliver(message))  # type: ignore[arg-type]
    return "ack"


__all__ = ["BGP_PORT", "answer", "transmit"]
