"""What the lab needs from nos.cli, handed in by the entry point (the lab never imports nos.cli)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TextIO


@dataclass
class DeviceCli:
    """How to open a CLI session on a device, and the CLI's own front-ends."""

    session: Callable[[Any, Any], Any]  # (device, io) -> a CliSession on that IO
    buffer_io: Callable[[], Any]  # an in-memory SessionIO with take(): scripts
    plain_io: Callable[[TextIO, TextIO], Any]  # the plain front-end's IO: readline(), write()
    terminal: Callable[[Any], Awaitable[None]] | None = None  # the interactive Junos CLI on a device, until left


__all__ = ["DeviceCli"]
