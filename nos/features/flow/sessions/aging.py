"""Session aging without a timer per session: a wheel of one-second slots on the lab clock.

A session is filed in the slot of the second its inactivity timeout runs out
(`ceil(expires)`). Refreshing it (every packet does) only moves its `expires`
later; it stays in its old slot, and when that slot's second comes, the
sessions in it that are really idle expire and the others are filed again at
their new second. So 100,000 sessions each refreshed every second cost one
attribute store per packet and, per second, the re-filing of the sessions
whose old slot came due (about sessions / timeout), not 100,000 timers. A
timeout made shorter (a FIN, a RST, a route change) does move the session to
its earlier slot at once.

Only the earliest occupied second has a scheduler callback; when it runs it
arms the next one. Slots are dicts (insertion order) so sessions due in the
same second expire in the order they were filed: runs repeat exactly.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from typing import Protocol


class Aging(Protocol):
    expires: float  # lab time when the item's timeout runs out
    slot: int  # the second it is filed under (the wheel keeps it)


Schedule = Callable[[float, Callable[[], None]], object]  # (lab time, callback) -> a timer (cancel() optional)


class AgingWheel:
    """Slots of items by expiry second, and one scheduler callback for the earliest."""

    def __init__(self, now: Callable[[], float], schedule: Schedule, expire: Callable[[Aging], None]):
        self._now = now
        self._schedule = schedule
        self._expire = expire
        self._slots: dict[int, dict[Aging, None]] = {}
        self._seconds: list[int] = []  # heap of the seconds that have (or had) a slot
        self._timer: object | None = None
        self._armed: int | None = None  # the second the callback is armed for
        self._firing = False
        self.callbacks = 0  # scheduler callbacks armed so far (benchmarks: they must not grow with items)
        self.refiled = 0  # items filed again when their old slot came due

    def add(self, item: Aging) -> None:
        """File `item` at the second its `expires` falls in."""
        second = math.ceil(item.expires)
        item.slot = second
        slot = self._slots.get(second)
        if slot is None:
            slot = self._slots[second] = {}
            heapq.heappush(self._seconds, second)
            if not self._firing and (self._armed is None or second < self._armed):
                self._arm(second)
        slot[item] = None

    def remove(self, item: Aging) -> None:
        slot = self._slots.get(item.slot)
        if slot is not None:
            slot.pop(item, None)

    def shortened(self, item: Aging) -> None:
        """`item.expires` moved earlier: move it to its earlier slot now (later is handled lazily)."""
        if math.ceil(item.expires) < item.slot:
            self.remove(item)
            self.add(item)

    def __len__(self) -> int:
        return sum(len(slot) for slot in self._slots.values())

    def _arm(self, second: int) -> None:
        cancel = getattr(self._timer, "cancel", None)
        if cancel is not None:
            cancel()
        self._armed = second
        self.callbacks += 1
        self._timer = self._schedule(float(second), lambda: self._fire(second))

    def _fire(self, second: int) -> None:
        if second != self._armed:  # superseded by an earlier arming whose timer could not be cancelled
            return
        self._timer = self._armed = None
        now = max(float(second), self._now())
        self._firing = True
        try:
            while self._seconds and self._seconds[0] <= now:
                slot = self._slots.pop(heapq.heappop(self._seconds), None)
                for item in slot or ():
                    if item.expires <= now:
                        self._expire(item)
                    else:
                        self.refiled += 1
                        self.add(item)  # refreshed since it was filed: its new second is later than now
        finally:
            self._firing = False
        while self._seconds and self._seconds[0] not in self._slots:
            heapq.heappop(self._seconds)
        if self._seconds:
            self._arm(self._seconds[0])


__all__ = ["Aging", "AgingWheel", "Schedule"]
