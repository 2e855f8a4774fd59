"""One clock per lab (or per stand-alone device) and its timer heap.

All simulated time comes from Trio's clock: the real clock, a `ScaledClock`
that runs `speed` times faster (accelerated), or a `SteppedClock` that only
moves when `advance` moves it (virtual). Timers are not Trio tasks: a heap of
due callbacks is run by one task, which sleeps until the earliest deadline (on
the virtual clock, `advance` runs them as it moves time). That keeps thousands
of periodic timers cheap: about 150k timer events per second when every timer
has its own deadline, 400-600k when they share ticks (tests/bench/bench_clock.py).

`ManualScheduler` offers the same interface without Trio, for unit tests and
for code that runs before the event loop starts.
"""

from __future__ import annotations

import heapq
import itertools
import math
import time
from collections.abc import Callable

import trio

# trio.testing's public copy of this imports pytest; the core one is the same function.
from trio._core import wait_all_tasks_blocked

# Virtual labs start at a fixed, readable instant so transcripts are reproducible.
VIRTUAL_EPOCH = 1_767_225_600.0  # 2026-01-01 00:00:00 UTC

Callback = Callable[[], None]


def format_time(epoch: float) -> str:
    """Device time as Junos prints it in commit history and uptime: `2026-01-01 00:00:00 UTC`."""
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(epoch))


def format_ago(seconds: float, with_seconds_in_days: bool = False) -> str:
    """A Junos age: `01:33:04` under a day, `4w4d 05:34` above (`... ago` in uptime and
    interfaces); route ages keep the seconds above a day too (`3w5d 18:30:36`)."""
    s = int(max(0, seconds))
    days, s = divmod(s, 86400)
    hours, s = divmod(s, 3600)
    minutes, s = divmod(s, 60)
    clock = f"{hours:02d}:{minutes:02d}:{s:02d}"
    if not days:
        return clock
    weeks, days = divmod(days, 7)
    return (f"{weeks}w" if weeks else "") + f"{days}d " + (clock if with_seconds_in_days else clock[:5])


def format_elapsed(seconds: float) -> str:
    """A Junos elapsed time without leading zeros: `9`, `51:13`, `2:28:38`, `3d 4:19:15`, `1w2d 5:31:33`
    (route ages in `show route detail`, Last Up/Dwn in `show bgp summary`)."""
    s = int(max(0, seconds))
    days, s = divmod(s, 86400)
    hours, s = divmod(s, 3600)
    minutes, s = divmod(s, 60)
    if days:
        weeks, days = divmod(days, 7)
        return (f"{weeks}w" if weeks else "") + f"{days}d {hours}:{minutes:02d}:{s:02d}"
    if hours:
        return f"{hours}:{minutes:02d}:{s:02d}"
    return f"{minutes}:{s:02d}" if minutes else str(s)


class Timer:
    """A callback due at `deadline` (seconds since clock zero); `cancel()` stops it."""

    __slots__ = ("callback", "cancelled", "deadline")

    def __init__(self, deadline: float, callback: Callback):
        self.deadline = deadline
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class BaseScheduler:
    """The heap and the time arithmetic shared by both schedulers."""

    def __init__(self, epoch: float):
        self.epoch0 = epoch  # wall-clock time (seconds since 1970) at clock zero
        self._heap: list[tuple[float, int, Timer]] = []  # (deadline, order of arming, timer): ties run in order
        self._seq = itertools.count()

    def now(self) -> float:  # seconds since clock zero
        raise NotImplementedError

    def epoch(self) -> float:
        """Device wall time, for timestamps shown to users."""
        return self.epoch0 + self.now()

    def call_at(self, deadline: float, callback: Callback) -> Timer:
        timer = Timer(deadline, callback)
        heapq.heappush(self._heap, (deadline, next(self._seq), timer))
        self._wake(deadline)
        return timer

    def call_later(self, delay: float, callback: Callback) -> Timer:
        return self.call_at(self.now() + delay, callback)

    def next_deadline(self) -> float:
        heap = self._heap
        while heap and heap[0][2].cancelled:
            heapq.heappop(heap)
        return heap[0][0] if heap else math.inf

    def run_due(self, now: float) -> int:
        """Run every timer due at or before `now`, in deadline order. Returns how many ran."""
        ran = 0
        heap = self._heap
        while heap and heap[0][0] <= now:
            timer = heapq.heappop(heap)[2]
            if not timer.cancelled:
                timer.callback()
                ran += 1
        return ran

    def _wake(self, deadline: float) -> None:
        pass


class ManualScheduler(BaseScheduler):
    """Time moves only through `advance`; callbacks run synchronously at their own deadlines."""

    def __init__(self, epoch: float = VIRTUAL_EPOCH):
        super().__init__(epoch)
        self._now = 0.0

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        target = self._now + seconds
        while self.next_deadline() <= target:
            self._now = max(self._now, self.next_deadline())
            self.run_due(self._now)
        self._now = target


class ScaledClock(trio.abc.Clock):
    """Trio time running `rate` times faster than the wall (the accelerated clock)."""

    def __init__(self, rate: float):
        self.rate = rate
        self._real0 = 0.0

    def start_clock(self) -> None:
        self._real0 = time.perf_counter()

    def current_time(self) -> float:
        return (time.perf_counter() - self._real0) * self.rate

    def deadline_to_sleep_time(self, deadline: float) -> float:
        return max(0.0, (deadline - self.current_time()) / self.rate)


class SteppedClock(trio.abc.Clock):
    """Trio time that stands still until `jump` moves it (the virtual clock of consoles and CLIs).

    (trio.testing.MockClock does the same, but importing trio.testing loads pytest.)
    """

    def __init__(self) -> None:
        self._now = 0.0

    def start_clock(self) -> None:
        pass

    def current_time(self) -> float:
        return self._now

    def deadline_to_sleep_time(self, deadline: float) -> float:
        return 0.0 if deadline <= self._now else math.inf

    def jump(self, seconds: float) -> None:
        self._now += seconds

    def jump_to(self, when: float) -> None:
        """Set the time to `when` exactly (repeated small jumps would lose it to rounding)."""
        self._now = max(self._now, when)


class _TrioState:
    """Is a Trio task waiting to run, and when is the next task deadline (seconds on the stepped clock)?

    `trio.lowlevel.current_statistics()` answers both but costs microseconds (it also gathers I/O
    statistics); `advance` asks after every timer, so it reads the run loop's queue and deadline
    heap directly, falling back on the public statistics if Trio's internals ever move.
    """

    def __init__(self) -> None:
        try:
            runner = trio._core._run.GLOBAL_RUN_CONTEXT.runner  # type: ignore[attr-defined]
            self._runq, self._deadlines = runner.runq, runner.deadlines
            self._deadlines.next_deadline()
        except AttributeError:
            self._runq = self._deadlines = None

    def runnable(self) -> bool:
        if self._runq is not None:
            return bool(self._runq)
        return trio.lowlevel.current_statistics().tasks_runnable > 0

    def next_deadline(self) -> float:
        if self._deadlines is not None:
            return self._deadlines.next_deadline()  # the stepped clock starts at zero
        return trio.current_time() + trio.lowlevel.current_statistics().seconds_to_next_deadline


class TrioScheduler(BaseScheduler):
    """The timer heap driven by one Trio task (`run`), on the real, accelerated or virtual clock."""

    def __init__(self, mode: str = "real", speed: float = 1.0):
        if mode not in ("real", "accelerated", "virtual"):
            raise ValueError(f"unknown clock mode '{mode}'")
        self.mode = mode
        self.trio_clock: trio.abc.Clock | None = None
        if mode == "accelerated":
            self.trio_clock = ScaledClock(speed)
        elif mode == "virtual":
            self.trio_clock = SteppedClock()
        super().__init__(time.time() if mode != "virtual" else VIRTUAL_EPOCH)
        self._zero: float | None = None
        self._clock: trio.abc.Clock | None = None
        if mode == "virtual":  # the stepped clock stands at zero until jumped: its time is known before run()
            self._zero, self._clock = 0.0, self.trio_clock
        self._wakeup = trio.Event()
        self._speed = speed
        self._advancing = 0  # nested `advance` calls in progress
        self._after_advance: list[Callback] = []

    def now(self) -> float:
        # Read through the clock object rather than trio.current_time(), so that
        # front-end threads (the prompt) can ask the time too.
        if self._zero is None or self._clock is None:
            return 0.0
        return self._clock.current_time() - self._zero

    def _wake(self, deadline: float) -> None:
        # On the virtual clock only a timer already due needs the task; `advance` runs the others.
        if self.mode != "virtual" or deadline <= self.now():
            self._wakeup.set()

    async def run(self) -> None:
        """The scheduler task: sleep until the earliest deadline, run what is due, repeat."""
        if self.mode != "virtual":
            self._clock = trio.lowlevel.current_clock()
            self._zero = trio.current_time()
        while True:
            deadline = self.next_deadline()
            self._wakeup = trio.Event()
            if self.mode == "virtual":  # time moves only in `advance`, which runs what falls due itself
                deadline = math.inf
            if deadline > self.now():
                with trio.move_on_at(self._zero + deadline if deadline != math.inf else math.inf):
                    await self._wakeup.wait()
            self.run_due(self.now())

    async def advance(self, seconds: float) -> None:
        """Virtual clock: move time forward, running each timer at its own deadline.

        Trio gets a turn only when someone waits for one: a timer woke a task, or a task's own
        deadline came. A yield per timer would cap the clock at Trio's wake-up rate. Each instant
        waits until every task rests, so input from outside (SSH clients) is held back meanwhile
        (`after_advance`): busy sessions would otherwise never let the clock move.
        """
        assert isinstance(self.trio_clock, SteppedClock)
        self._advancing += 1
        try:
            await self._advance(seconds)
        finally:
            self._advancing -= 1
            if not self._advancing:
                waiting, self._after_advance = self._after_advance, []
                for callback in waiting:
                    callback()

    @property
    def advancing(self) -> bool:
        """Is virtual time moving? Input from outside the lab (SSH) waits until it stops: `after_advance`."""
        return self._advancing > 0

    def after_advance(self, callback: Callback) -> None:
        """Run `callback` once time stands still again (now, if it does)."""
        if self._advancing:
            self._after_advance.append(callback)
        else:
            callback()

    async def _advance(self, seconds: float) -> None:
        assert isinstance(self.trio_clock, SteppedClock)
        target = self.now() + seconds
        trio_state = _TrioState()
        while True:
            task_deadline = trio_state.next_deadline()
            if trio_state.runnable() or task_deadline <= self.now():
                # Everything that can run at this instant runs before time moves on
                # (a plain yield could be scheduled before the woken task).
                await wait_all_tasks_blocked()
                continue
            limit = min(target, task_deadline)
            woke = False
            while (nxt := self.next_deadline()) <= limit:
                self.trio_clock.jump_to(nxt)
                self.run_due(nxt)  # by the deadline itself: now() may read a rounding error short of it
                if trio_state.runnable():
                    woke = True
                    break
            if woke:
                continue
            self.trio_clock.jump_to(limit)
            if limit >= target:
                await trio.sleep(0)
                return

    async def sleep(self, seconds: float) -> None:
        """`wait` on a clock that moves by itself: sleep on Trio's clock; on the virtual clock: advance."""
        if self.mode == "virtual":
            await self.advance(seconds)
        else:
            await trio.sleep(seconds)


__all__ = [
    "VIRTUAL_EPOCH",
    "BaseScheduler",
    "ManualScheduler",
    "ScaledClock",
    "SteppedClock",
    "Timer",
    "TrioScheduler",
    "format_ago",
    "format_time",
]
