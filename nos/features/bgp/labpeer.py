"""A lab node's BGP speaker: an upstream that announces prefixes (or a generated full table).

An `internet` node of the lab file with a `bgp` table runs one: it peers with
the listed neighbours (their address and AS), announces its prefixes and feeds
with its own AS first in the path and its session address as next hop, and
keeps what it hears only as counts. The same session state machine as a
device's (session.py), on the lab's clock, its messages walked through the lab.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nos.features.bgp.messages import Attrs, Message, Update
from nos.features.bgp.session import HOLD_TIME, PeerSpec, Session
from nos.features.bgp.tcp import answer, transmit
from nos.lab.packet import Packet


@dataclass(frozen=True)
class Announcement:
    """Destinations announced with one AS path (the node's own AS is put first)."""

    keys: Sequence[int]  # `network << 6 | length` (messages.py), a `range` for a generated feed
    path: tuple[int, ...] = ()
    med: int | None = None


@dataclass
class LabPeer:
    node: Any  # the lab node (its name; `lab` walks its packets)
    lab: Any
    asn: int
    router_id: int
    neighbors: dict[int, int]  # address -> AS
    announcements: list[Announcement] = field(default_factory=list)
    hold_time: int = HOLD_TIME
    sessions: dict[int, Session] = field(default_factory=dict)
    heard: dict[int, int] = field(default_factory=dict)  # neighbour -> destinations it announced to us

    def start(self) -> None:
        for address, peer_as in self.neighbors.items():
            spec = PeerSpec(address=address, peer_as=peer_as, local_as=self.asn, hold_time=self.hold_time)
            session = self.sessions[address] = Session(spec, self.router_id, self, self, self.lab.scheduler)
            session.start()

    def announced(self) -> int:
        return sum(len(a.keys) for a in self.announcements)

    def port_down(self, network: ipaddress.IPv4Network) -> None:
        """The link of a port went down: sessions with neighbours on its subnet close at once, as
        directly connected EBGP sessions do when their interface goes down."""
        for address, session in self.sessions.items():
            if ipaddress.IPv4Address(address) in network and session.state != "Idle":
                self.lab.scheduler.call_later(0.0, lambda s=session: s.down("Interface down", "Cease"))

    # -- transport ---------------------------------------------------------------------------------------

    def connect(self, session: Session) -> str:
        return self.send(session, None)

    def send(self, session: Session, message: Message | None) -> str:
        return transmit(session, message, lambda packet: self.lab.exchange(self.node.name, packet).reply)

    def tcp(self, packet: Packet) -> str:
        """A packet to port 179 of the node: the answer its TCP gives."""
        return answer(self.sessions.get(packet.src), packet)

    # -- the sessions' owner -----------------------------------------------------------------------------

    def established(self, session: Session) -> None:
        hop = session.local_used
        for a in self.announcements:
            session.send(Update(Attrs(hop, (self.asn, *a.path), "I", a.med), a.keys))

    def closed(self, session: Session, was_established: bool) -> None:
        self.heard.pop(session.spec.address, None)

    def received(self, session: Session, update: Update) -> None:
        count = self.heard.get(session.spec.address, 0) + len(update.nlri) - len(update.withdrawn)
        self.heard[session.spec.address] = max(0, count)


__all__ = ["Announcement", "LabPeer"]
