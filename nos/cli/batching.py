"""Fewer, larger writes while a session catches up with queued input (a paste).

Each line of a paste is echoed and answered with a prompt; sent as it comes,
that is one SSH packet (encrypted, a system call, a wake-up of the client) per
line, which costs more than running the line. While the session has input
queued that it will handle without waiting, its output is gathered instead and
sent in one write: the bytes are the same, only the packets fewer.

Gathered text goes out when it reaches FLUSH_AT characters, when the session is
about to wait for input (the front-end calls `flush`), or, through a Trio
instrument, when the event loop is about to sleep or has held it for
HOLD_AT_MOST seconds: a command that waits (ping) must not hold its output back.
Wall time is read for this batching only, never for the simulation.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import trio

FLUSH_AT = 65536  # characters gathered before they are sent anyway
HOLD_AT_MOST = 0.02  # seconds gathered text may wait while the event loop stays busy


class OutputBatcher:
    """A `send` that gathers while `busy()` says the session is catching up, and sends at once otherwise."""

    def __init__(self, send: Callable[[str], None], busy: Callable[[], bool]):
        self._send = send
        self._busy = busy
        self._parts: list[str] = []
        self._size = 0
        self.since = 0.0  # when the oldest gathered text was written (monotonic seconds)

    def __call__(self, text: str) -> None:
        if not text:
            return
        self._parts.append(text)
        self._size += len(text)
        gather = self._size < FLUSH_AT and self._busy()
        # The first text gathered is watched so that it goes out when the loop idles (not under Trio: now).
        if not gather or (len(self._parts) == 1 and not _Flusher.watch(self)):
            self.flush()

    @property
    def holding(self) -> bool:
        return bool(self._parts)

    def flush(self) -> None:
        if self._parts:
            text, self._parts, self._size = "".join(self._parts), [], 0
            self._send(text)

    def drop(self) -> None:
        self._parts, self._size = [], 0


class _Flusher(trio.abc.Instrument):
    """One per Trio run: sends what batchers hold when the loop is about to sleep or held it too long."""

    _current: trio.lowlevel.RunVar[_Flusher] = trio.lowlevel.RunVar("nos_output_flusher")

    def __init__(self) -> None:
        self.held: list[OutputBatcher] = []

    @classmethod
    def watch(cls, batcher: OutputBatcher) -> bool:
        """Look after `batcher`'s gathered text; False when not under Trio (nothing would)."""
        try:
            flusher = cls._current.get()
        except LookupError:
            flusher = cls()
            trio.lowlevel.add_instrument(flusher)
            cls._current.set(flusher)
        except RuntimeError:
            return False
        batcher.since = time.monotonic()
        flusher.held.append(batcher)
        return True

    def before_io_wait(self, timeout: float) -> None:
        if not self.held:
            return
        now = time.monotonic()
        keep = []
        for batcher in self.held:
            if timeout > 0 or now - batcher.since >= HOLD_AT_MOST:
                try:
                    batcher.flush()
                except Exception:  # an instrument must not raise (Trio would drop it): the text is lost instead
                    batcher.drop()
            elif batcher.holding:
                keep.append(batcher)
        self.held = keep


__all__ = ["FLUSH_AT", "HOLD_AT_MOST", "OutputBatcher"]
