"""A device served over SSH from a background thread, for tests that drive real SSH clients.

The device runs on the virtual clock: lab time moves only when a session runs
`request lab wait ...`, so timing (commit confirmed expiry) is exact. Clients
connect to 127.0.0.1 on a free port; host keys live in the test's temp dir.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import trio

from nos.config.load import load_override
from nos.features import install
from nos.lab.labfile import load_lab_file
from nos.lab.topology import build_lab
from nos.net.ssh import lab_service
from nos.runtime.clock import TrioScheduler
from nos.runtime.device import Device
from nos.schema.compile import load_schema


class Served:
    """Devices served over SSH by a Trio loop on a background thread; `call` runs a function there."""

    def __init__(self, scheduler: TrioScheduler, service) -> None:  # type: ignore[no-untyped-def]
        self.scheduler = scheduler
        self.service = service
        self.ports: dict[str, int] = {}
        self._ready = threading.Event()
        self._stop: trio.Event | None = None
        self._token: trio.lowlevel.TrioToken | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, daemon=True)

    def start(self):  # type: ignore[no-untyped-def]
        self._thread.start()
        assert self._ready.wait(30), "the SSH server did not start"
        if self._error is not None:
            raise self._error
        return self

    @asynccontextmanager
    async def running(self) -> AsyncIterator[trio.Nursery]:
        """What runs the devices' clock (overridden by labs, which run their own)."""
        async with trio.open_nursery() as nursery:
            nursery.start_soon(self.scheduler.run)
            yield nursery
            nursery.cancel_scope.cancel()

    def _main(self) -> None:
        async def main() -> None:
            self._stop = trio.Event()
            self._token = trio.lowlevel.current_trio_token()
            async with self.running() as nursery:
                await nursery.start(self.service.serve)
                self.ports = {e.name: e.port for e in self.service.endpoints}
                self._ready.set()
                await self._stop.wait()

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


class SshDevice(Served):
    """One device, `sim1`, alone (no lab): the factory configuration or the one given."""

    def __init__(self, state_dir: Path, config: str | None = None, hold=None):  # type: ignore[no-untyped-def]
        scheduler = TrioScheduler("virtual")
        self.device = Device(load_schema(), scheduler, hostname="sim1", state_dir=state_dir)
        install(self.device)
        if config is not None:
            tree = self.device.db.new_candidate()
            report = load_override(tree, config, "test")
            assert not report.errors, report.messages
            result = self.device.db.commit(tree, "root", client="other")
            assert result.ok, result.lines
        super().__init__(scheduler, lab_service([("sim1", self.device)], 0, state_dir))
        if hold is not None:
            self.service.hold = hold

    @property
    def port(self) -> int:
        return self.ports["sim1"]


class SshLab(Served):
    """A lab file's devices, each on its own port, on the lab's virtual clock."""

    def __init__(self, lab_file: Path, state_dir: Path):
        self.lab = build_lab(load_lab_file(lab_file), clock="virtual", speed=None, state_dir=state_dir)
        super().__init__(self.lab.scheduler, lab_service(list(self.lab.devices.items()), 0, state_dir))

    def running(self):  # type: ignore[no-untyped-def]
        return self.lab.running()

    def stop(self) -> None:
        super().stop()
        self.lab.close()


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
