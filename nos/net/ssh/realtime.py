"""Timers on the wall clock, for the SSH server's dealings with real clients.

Under trio-asyncio the asyncio loop's clock is the lab's: virtual time stands
still until a session waits, accelerated time runs 60 times faster. How long a
stranger may take to log in (`retry-options maximum-time`), how long a wrong
password is held, and how many connections arrive in a minute (`rate-limit`)
concern real people and real floods, so they are measured here, in real
seconds. One thread sleeps until the earliest deadline and hands each due
callback to the loop; a test gives the server its own `RealTime` to move by hand.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import threading
import time
from collections.abc import Callable


class RealTimer:
    """A callback due at a wall-clock instant; `cancel()` stops it."""

    __slots__ = ("callback", "cancelled", "loop")

    def __init__(self, callback: Callable[[], None], loop: asyncio.AbstractEventLoop | None):
        self.callback = callback
        self.loop = loop
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class RealTime:
    """Wall-clock seconds (`now`) and timers that call back on the asyncio loop that armed them."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, RealTimer]] = []
        self._order = itertools.count()
        self._wakeup = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def now(self) -> float:
        return time.monotonic()

    def call_later(self, seconds: float, callback: Callable[[], None]) -> RealTimer:
        timer = RealTimer(callback, asyncio.get_running_loop())
        with self._wakeup:
            heapq.heappush(self._heap, (self.now() + seconds, next(self._order), timer))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="nos-ssh-realtime", daemon=True)
                self._thread.start()
            self._wakeup.notify()
        return timer

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of real time without holding a thread or the loop."""
        done = asyncio.get_running_loop().create_future()
        timer = self.call_later(seconds, lambda: done.done() or done.set_result(None))
        try:
            await done
        finally:
            timer.cancel()

    def close(self) -> None:
        with self._wakeup:
            self._closed = True
            self._heap.clear()
            self._wakeup.notify()

    def _run(self) -> None:
        while True:
            with self._wakeup:
                while not self._closed and (not self._heap or self._heap[0][0] > self.now()):
                    self._wakeup.wait(self._heap[0][0] - self.now() if self._heap else None)
                if self._closed:
                    return
                _, _, timer = heapq.heappop(self._heap)
            if not timer.cancelled and timer.loop is not None:
                try:
                    timer.loop.call_soon_threadsafe(_fire, timer)
                except RuntimeError:  # the loop has closed: nobody is waiting any more
                    pass


def _fire(timer: RealTimer) -> None:
    if not timer.cancelled:
        timer.cancelled = True
        timer.callback()


__all__ = ["RealTime", "RealTimer"]
