"""The clock and its timer heap, on the manual scheduler and on Trio's virtual and accelerated clocks."""

from __future__ import annotations

import trio

from nos.runtime.clock import VIRTUAL_EPOCH, ManualScheduler, ScaledClock, SteppedClock, TrioScheduler, format_time


def test_manual_scheduler_runs_each_timer_at_its_own_deadline():
    clock = ManualScheduler()
    seen: list[tuple[str, float]] = []
    clock.call_later(5, lambda: seen.append(("b", clock.now())))
    clock.call_later(2, lambda: seen.append(("a", clock.now())))
    cancelled = clock.call_later(3, lambda: seen.append(("x", clock.now())))
    cancelled.cancel()
    clock.advance(4)
    assert seen == [("a", 2.0)]
    clock.advance(10)
    assert seen == [("a", 2.0), ("b", 5.0)]
    assert clock.now() == 14.0
    assert clock.epoch() == VIRTUAL_EPOCH + 14


def test_timers_added_by_timers_run_in_the_same_advance():
    clock = ManualScheduler()
    ticks: list[float] = []

    def tick() -> None:
        ticks.append(clock.now())
        if len(ticks) < 4:
            clock.call_later(1, tick)

    clock.call_later(1, tick)
    clock.advance(10)
    assert ticks == [1.0, 2.0, 3.0, 4.0]


def test_format_time():
    assert format_time(VIRTUAL_EPOCH) == "2026-01-01 00:00:00 UTC"


def test_trio_scheduler_on_the_virtual_clock():
    scheduler = TrioScheduler("virtual")
    seen: list[float] = []

    async def main() -> None:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(scheduler.run)
            await trio.sleep(0)
            scheduler.call_later(60, lambda: seen.append(scheduler.now()))
            scheduler.call_later(30, lambda: seen.append(scheduler.now()))
            await scheduler.advance(45)
            assert seen == [30.0]
            await scheduler.sleep(20)
            assert seen == [30.0, 60.0]
            assert scheduler.now() == 65.0
            nursery.cancel_scope.cancel()

    trio.run(main, clock=scheduler.trio_clock)


def test_stepped_and_scaled_clocks():
    stepped = SteppedClock()
    assert stepped.deadline_to_sleep_time(1.0) == float("inf")
    stepped.jump(2)
    assert stepped.current_time() == 2.0 and stepped.deadline_to_sleep_time(1.0) == 0.0
    scaled = ScaledClock(60)
    scaled.start_clock()
    assert scaled.deadline_to_sleep_time(scaled.current_time() + 60) <= 1.0


def test_virtual_clock_with_timers_at_fractional_times_before_the_scheduler_runs():
    """Many timers at fractions of a second (probes spread over an interval) all run, each on time.

    Regression: time read before the scheduler task started, and deadlines a rounding error
    ahead of the clock, used to stop `advance` from ever reaching them.
    """
    scheduler = TrioScheduler("virtual")
    late: list[float] = []
    count = 0

    def arm(offset: float) -> None:
        def tick() -> None:
            nonlocal count
            count += 1
            late.append(scheduler.now() - deadline[0])
            deadline[0] += 0.1
            scheduler.call_at(deadline[0], tick)

        deadline = [offset]
        scheduler.call_at(offset, tick)

    for i in range(300):
        arm(i / 3000)

    async def main() -> None:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(scheduler.run)
            await scheduler.sleep(10)  # before run() had a turn
            nursery.cancel_scope.cancel()

    trio.run(main, clock=scheduler.trio_clock)
    assert count == 300 * 100 + 1  # the timer at 0 also runs at 10.0: advance(10) includes its end
    assert max(abs(x) for x in late) < 1e-9


def test_tasks_run_at_their_own_times_while_the_virtual_clock_advances():
    """A task's trio.sleep and a task woken by a timer both see the lab time they were due at."""
    scheduler = TrioScheduler("virtual")
    seen: list[tuple[str, float]] = []
    woken = trio.Event()

    async def sleeper() -> None:
        await trio.sleep(2.5)
        seen.append(("sleeper", scheduler.now()))

    async def waiter() -> None:
        await woken.wait()
        seen.append(("waiter", scheduler.now()))

    async def main() -> None:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(scheduler.run)
            nursery.start_soon(sleeper)
            nursery.start_soon(waiter)
            scheduler.call_later(4, woken.set)
            scheduler.call_later(6, lambda: seen.append(("timer", scheduler.now())))
            await scheduler.sleep(10)
            nursery.cancel_scope.cancel()

    trio.run(main, clock=scheduler.trio_clock)
    assert seen == [("sleeper", 2.5), ("waiter", 4.0), ("timer", 6.0)]
