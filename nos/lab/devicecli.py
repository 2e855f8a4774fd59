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
    # `--ssh PORT`: (named devices, first port, state dir) -> a service with `serve(task_status)`; its table
    ssh_service: Callable[[list[tuple[str, Any]], int, Any], Any] | None = None
    ssh_table: Callable[[Any], list[str]] | None = None


__all__ = ["DeviceCli"]
