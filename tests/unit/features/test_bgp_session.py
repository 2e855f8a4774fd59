"""The BGP state machine (nos/features/bgp/session.py) between two speakers on a wire we control."""

from __future__ import annotations

from dataclasses import dataclass, field

from nos.features.bgp.messages import Attrs, Keepalive, Message, Notification, Open, Update
from nos.features.bgp.session import (
    ACTIVE,
    CONNECT_RETRY,
    ESTABLISHED,
    IDLE,
    LOST,
    OK,
    OPENSENT,
    RESET,
    PeerSpec,
    Session,
)
from nos.runtime.clock import ManualScheduler

A, B = 0x0A000001, 0x0A000002


@dataclass
class Speaker:
    """Owner and transport of one session; `wire` decides what reaches the other end."""

    name: str
    wire: Wire
    ups: list[float] = field(default_factory=list)
    downs: list[tuple[float, bool]] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    session: Session | None = None

    def established(self, session: Session) -> None:
        self.ups.append(self.wire.clock.now())

    def closed(self, session: Session, was_established: bool) -> None:
        self.downs.append((self.wire.clock.now(), was_established))

    def received(self, session: Session, update: Update) -> None:
        self.updates.append(update)

    def connect(self, session: Session) -> str:
        if not self.wire.up:
            return LOST
        return OK if self.wire.other(self).session.accept() else RESET  # type: ignore[union-attr]

    def send(self, session: Session, message: Message) -> str:
        self.wire.sent.append((self.name, message))
        if not self.wire.up:
            return LOST
        peer = self.wire.other(self).session
        assert peer is not None
        if peer.state in (IDLE, ACTIVE):
            return RESET
        self.wire.clock.call_later(0.0, lambda: peer.deliver(message))
        return OK


@dataclass
class Wire:
    clock: ManualScheduler = field(default_factory=ManualScheduler)
    up: bool = True
    ends: list[Speaker] = field(default_factory=list)
    sent: list[tuple[str, Message]] = field(default_factory=list)

    def other(self, me: Speaker) -> Speaker:
        return self.ends[1] if self.ends[0] is me else self.ends[0]


def pair(hold_a: int = 90, hold_b: int = 90, as_b_seen_by_a: int = 65002, passive_b: bool = False):  # type: ignore[no-untyped-def]
    wire = Wire()
    a, b = Speaker("a", wire), Speaker("b", wire)
    wire.ends = [a, b]
    a.session = Session(PeerSpec(B, as_b_seen_by_a, 65001, hold_time=hold_a), 1, a, a, wire.clock)
    b.session = Session(PeerSpec(A, 65001, 65002, hold_time=hold_b, passive=passive_b), 2, b, b, wire.clock)
    return wire, a, b


def test_two_speakers_establish_at_once_and_agree_on_the_smaller_hold_time() -> None:
    wire, a, b = pair(hold_a=90, hold_b=30)
    a.session.start()  # type: ignore[union-attr]
    b.session.start()  # type: ignore[union-attr]
    wire.clock.advance(0.5)
    assert a.session.state == b.session.state == ESTABLISHED  # type: ignore[union-attr]
    assert a.ups == b.ups == [0.0]
    assert a.session.hold_time == b.session.hold_time == 30  # type: ignore[union-attr]
    kinds = [type(m).__name__ for _, m in wire.sent]
    assert kinds.count("Open") == 2 and kinds.count("Keepalive") == 2


def test_keepalives_every_third_of_the_hold_time_keep_the_session_up() -> None:
    wire, a, b = pair(hold_b=30)
    a.session.start()  # type: ignore[union-attr]
    b.session.start()  # type: ignore[union-attr]
    wire.clock.advance(0.5)
    wire.sent.clear()
    wire.clock.advance(30.0)  # to t=30.5: keepalives at t=10, 20, 30 from each end
    keepalives = [(who, m) for who, m in wire.sent if isinstance(m, Keepalive)]
    assert len(keepalives) == 6
    assert a.session.state == ESTABLISHED and not a.downs  # type: ignore[union-attr]


def test_hold_timer_expires_when_the_wire_goes_silent() -> None:
    wire, a, b = pair()
    a.session.start()  # type: ignore[union-attr]
    b.session.start()  # type: ignore[union-attr]
    wire.clock.advance(0.5)
    wire.up = False  # messages are lost (TCP keeps retrying)
    wire.clock.advance(100.0)
    # The last message each end received came at t=0 (the KEEPALIVE that established it): 90 s later.
    assert a.downs == [(90.0, True)] and b.downs == [(90.0, True)]
    assert a.session.last_error == "Hold Timer Expired Error"  # type: ignore[union-attr]
    assert a.session.counters.flaps == 1  # type: ignore[union-attr]
    assert a.session.state in (ACTIVE, IDLE)  # type: ignore[union-attr]


def test_a_session_that_cannot_connect_retries_every_connect_retry_interval() -> None:
    wire, a, b = pair()
    wire.up = False
    a.session.start()  # type: ignore[union-attr]
    wire.clock.advance(1.0)
    assert a.session.state == ACTIVE  # type: ignore[union-attr]
    b.session.start()  # type: ignore[union-attr]
    wire.clock.advance(0.1)  # b tried at t=1 and failed too
    wire.up = True
    wire.clock.advance(CONNECT_RETRY - 1.6)  # t = 31.5: nobody retried yet
    assert a.session.state == ACTIVE and b.session.state == ACTIVE  # type: ignore[union-attr]
    wire.clock.advance(1.0)  # t = 32.5: a retried at t=32 (b would have at t=33)
    assert a.session.state == ESTABLISHED  # type: ignore[union-attr]
    assert a.ups == [32.0]


def test_a_wrong_peer_as_is_refused_with_a_notification() -> None:
    wire, a, b = pair(as_b_seen_by_a=65099)
    a.session.start()  # type: ignore[union-attr]
    b.session.start()  # type: ignore[union-attr]
    wire.clock.advance(0.5)
    assert a.session.state != ESTABLISHED  # type: ignore[union-attr]
    notes = [m for who, m in wire.sent if who == "a" and isinstance(m, Notification)]
    assert notes and notes[0].code == "Open Message Error"
    assert a.session.last_error == "Open Message Error"  # type: ignore[union-attr]


def test_a_passive_neighbour_waits_for_the_other_end() -> None:
    wire, a, b = pair(passive_b=True)
    b.session.start()  # type: ignore[union-attr]
    wire.clock.advance(60.0)
    assert not [m for who, m in wire.sent if who == "b"]
    a.session.start()  # type: ignore[union-attr]
    wire.clock.advance(0.5)
    assert b.session.state == ESTABLISHED and b.ups == [60.0]  # type: ignore[union-attr]


def test_updates_reach_the_owner_and_stop_closes_with_cease() -> None:
    wire, a, b = pair()
    a.session.start()  # type: ignore[union-attr]
    b.session.start()  # type: ignore[union-attr]
    wire.clock.advance(0.5)
    update = Update(Attrs(B, (65002,)), range(5))
    b.session.send(update)  # type: ignore[union-attr]
    wire.clock.advance(0.5)
    assert a.updates == [update]
    assert a.session.counters.in_updates == 1  # type: ignore[union-attr]
    b.session.stop()  # type: ignore[union-attr]
    wire.clock.advance(0.5)
    assert a.downs == [(1.0, True)] and a.session.last_error == "Cease"  # type: ignore[union-attr]
    assert b.session.state == IDLE  # type: ignore[union-attr]
    wire.clock.advance(120.0)
    assert b.session.state == IDLE  # stopped: it does not come back  # type: ignore[union-attr]


def test_an_open_in_the_wrong_state_is_a_state_machine_error() -> None:
    wire, a, b = pair()
    a.session.start()  # type: ignore[union-attr]
    b.session.start()  # type: ignore[union-attr]
    wire.clock.advance(0.5)
    a.session.deliver(Open(65002, 90, 2))  # type: ignore[union-attr]
    assert a.session.last_error == "Finite State Machine Error"  # type: ignore[union-attr]
    assert a.session.state in (IDLE, ACTIVE, OPENSENT) and a.downs == [(0.5, True)]  # type: ignore[union-attr]
