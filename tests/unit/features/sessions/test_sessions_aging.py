"""The aging wheel: one scheduler callback at a time whatever the number of sessions, refreshes that
touch no timer, shortened timeouts honoured at once, expiry in filing order."""

from __future__ import annotations

from nos.features.flow.sessions.aging import AgingWheel
from nos.features.flow.sessions.table import SessionTable, Wing
from nos.runtime.clock import ManualScheduler


class Item:
    def __init__(self, name: str, expires: float):
        self.name = name
        self.expires = expires
        self.slot = 0


def wheel(clock: ManualScheduler) -> tuple[AgingWheel, list[tuple[float, str]]]:
    gone: list[tuple[float, str]] = []
    w = AgingWheel(clock.now, clock.call_at, lambda item: gone.append((clock.now(), item.name)))  # type: ignore[attr-defined]
    return w, gone


def pending(clock: ManualScheduler) -> int:
    """Scheduler timers not cancelled."""
    return sum(1 for _, _, timer in clock._heap if not timer.cancelled)


def test_items_expire_at_the_second_their_timeout_falls_in(clock: ManualScheduler) -> None:
    w, gone = wheel(clock)
    for name, expires in (("b", 5.5), ("a", 3.0), ("c", 5.2)):
        w.add(Item(name, expires))
    assert pending(clock) == 1
    clock.advance(10)
    assert gone == [(3.0, "a"), (6.0, "b"), (6.0, "c")]  # same second: the order they were filed in
    assert pending(clock) == 0 and len(w) == 0


def test_a_refreshed_item_is_filed_again_lazily(clock: ManualScheduler) -> None:
    w, gone = wheel(clock)
    item = Item("x", 10.0)
    w.add(item)
    for _ in range(1, 30):
        clock.advance(1)
        item.expires = clock.now() + 10  # what a packet does: no wheel call at all
    # Armed for 10; at 10 the item (refreshed at 9) goes to 19, at 19 to 28, at 28 to 37: four callbacks
    # in 29 seconds of refreshes, each run moving the item once.
    assert gone == [] and w.callbacks == 4 and w.refiled == 3
    clock.advance(20)
    assert gone == [(39.0, "x")]


def test_a_shortened_timeout_moves_the_item_earlier_and_rearms(clock: ManualScheduler) -> None:
    w, gone = wheel(clock)
    long, short = Item("long", 1800.0), Item("short", 1800.0)
    w.add(long)
    w.add(short)
    clock.advance(100)
    short.expires = 106.0
    w.shortened(short)
    assert pending(clock) == 1  # the 1800 s callback was cancelled for the 106 s one
    clock.advance(10)
    assert gone == [(106.0, "short")]
    clock.advance(1700)
    assert gone[-1] == (1800.0, "long")


def test_removed_items_never_expire(clock: ManualScheduler) -> None:
    w, gone = wheel(clock)
    item = Item("x", 5.0)
    w.add(item)
    w.remove(item)
    clock.advance(10)
    assert gone == []


def test_many_sessions_refreshed_every_second_cost_no_timers(clock: ManualScheduler) -> None:
    """20,000 UDP sessions, each refreshed every second for two minutes: a handful of scheduler
    callbacks (one per occupied second that came due), and each session re-filed about once per
    timeout, not once per packet."""
    table = SessionTable(clock.now, clock.call_at)
    n = 20_000
    sessions = [
        table.create(
            Wing(0x0A000000 + i, 1024 + i % 50000, 0x08080808, 53, "udp", "ge-0/0/0.0"),
            Wing(0x08080808, 53, 0xC6336401, 1024 + i, "udp", "ge-0/0/1.0"),
            "p",
            "junos-dns-udp",
            60,
        )
        for i in range(n)
    ]
    for _ in range(120):
        clock.advance(1)
        for s in sessions:
            table.touch(s, "in", 70)
    wheel_ = table.wheel
    assert len(table) == n
    assert wheel_.callbacks <= 4  # at 60 and 120 (and 180 armed)
    assert wheel_.refiled == 2 * n  # each session once per minute
    assert pending(clock) == 1
    clock.advance(61)
    assert len(table) == 0 and pending(clock) == 0
