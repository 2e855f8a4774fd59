"""A device served over SSH from a background thread, for tests that drive real SSH clients.

The device runs on the virtual clock: lab time moves only when a session runs
`request lab wait ...`, so timing (commit confirmed expiry) is exact. Clients
connect to 127.0.0.1 on a free port; host keys live in the test's temp dir.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import trio

from nos.config.load import load_override
from nos.features import install
from nos.net.ssh import lab_service
from nos.runtime.clock import TrioScheduler
from nos.runtime.device import Device
from nos.schema.compile import load_schema


class SshDevice:
    """One device and its SSH server; `call` runs a function on the device's Trio thread."""

    def __init__(self, state_dir: Path, config: str | None = None, hold=None):
        self.scheduler = TrioScheduler("virtual")
        self.device = Device(load_schema(), self.scheduler, hostname="sim1", state_dir=state_dir)
        install(self.device)
        if config is not None:
            tree = self.device.db.new_candidate()
            report = load_override(tree, config, "test")
            assert not report.errors, report.messages
            result = self.device.db.commit(tree, "root", client="other")
            assert result.ok, result.lines
        self.service = lab_service([("sim1", self.device)], 0, state_dir)
        if hold is not None:
            self.service.hold = hold
        self.port = 0
        self._ready = threading.Event()
        self._stop: trio.Event | None = None
        self._token: trio.lowlevel.TrioToken | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, daemon=True)

    def start(self) -> SshDevice:
        self._thread.start()
        assert self._ready.wait(30), "the SSH server did not start"
        if self._error is not None:
            raise self._error
        return self

    def _main(self) -> None:
        async def main() -> None:
            self._stop = trio.Event()
            self._token = trio.lowlevel.current_trio_token()
            async with trio.open_nursery() as nursery:
                nursery.start_soon(self.scheduler.run)
                await nursery.start(self.service.serve)
                self.port = self.service.endpoints[0].port
                self._ready.set()
                await self._stop.wait()
                nursery.cancel_scope.cancel()

        try:
            trio.run(main, clock=self.scheduler.trio_clock)
        except BaseException as exc:  # reported by start() or stop()
            self._error = exc
            self._ready.set()

    def call(self, fn, *args):  # type: ignore[no-untyped-def]
        """Run `fn(*args)` on the server's thread (device state is not thread-safe)."""
        assert self._token is not None
        return trio.from_thread.run_sync(fn, *args, trio_token=self._token)

    def stop(self) -> None:
        if self._token is not None and self._stop is not None and self._thread.is_alive():
            trio.from_thread.run_sync(self._stop.set, trio_token=self._token)
        self._thread.join(30)
        if self._error is not None:
            raise self._error


@pytest.fixture
def ssh_device(tmp_path: Path) -> Iterator[SshDevice]:
    """The factory configuration: user `lab` (super-user), password `lab123`."""
    server = SshDevice(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator:
    """Start a device with a given configuration: `serve(config_text)`."""
    started: list[SshDevice] = []

    def start(config: str, **kwargs) -> SshDevice:  # type: ignore[no-untyped-def]
        server = SshDevice(tmp_path / f"d{len(started)}", config, **kwargs).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
