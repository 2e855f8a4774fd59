"""Ctrl-C stops the command that is running, not the program.

On a terminal, Ctrl-C while a command runs (a ping without a count, a
traceroute into a dead path, `wait 1h` on the real clock) should end that
command and bring the prompt back, as it does on Junos. A front-end owns one
`Interrupts`; a running command registers how it wants to be stopped (the CLI
cancels the command; ping stops probing and still prints its statistics),
innermost first. `deliver_sigint` turns SIGINT into `Interrupts.fire()` for as
long as the front-end runs, instead of a KeyboardInterrupt.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import trio


class Interrupts:
    """The ways to stop what runs now, innermost last."""

    def __init__(self) -> None:
        self._stops: list[Callable[[], None]] = []

    @contextmanager
    def stop_with(self, stop: Callable[[], None]) -> Iterator[None]:
        """While the block runs, Ctrl-C calls `stop` (unless something inside registers its own)."""
        self._stops.append(stop)
        try:
            yield
        finally:
            self._stops.remove(stop)

    def fire(self) -> bool:
        """Stop the innermost running thing; False when nothing is running."""
        if not self._stops:
            return False
        self._stops[-1]()
        return True


async def deliver_sigint(interrupts: Interrupts, task_status: Any = trio.TASK_STATUS_IGNORED) -> None:
    """Until cancelled, SIGINT fires `interrupts` (the terminal echoes ^C itself)."""
    with trio.open_signal_receiver(signal.SIGINT) as signals:
        task_status.started()
        async for _ in signals:
            interrupts.fire()


def stopped_by_ctrl_c(run: Callable[[], object]) -> bool:
    """Run `run` (a trio.run call); True when Ctrl-C ended it, so callers exit 130 without a traceback."""
    interrupted = False
    try:
        run()
    except* KeyboardInterrupt:
        interrupted = True
    return interrupted


__all__ = ["Interrupts", "deliver_sigint", "stopped_by_ctrl_c"]
