"""eventd: the device's event policies, on the device's clock.

Every event the device logs is offered to the policies first (`device.event_policies`);
the policies it triggers (correlate.py) get their actions scheduled at that same
instant, never run inside the code that raised the event: a commit from a policy
must not happen in the middle of another commit, an RPM test completion or a
login. Command variables (`{$$.test-owner}`) are resolved as the policy fires.

A policy is not triggered again by what its own actions cause: events raised
while an action runs (its commit, the commands it runs) carry the policies that
led to them (a context variable, which Trio tasks inherit), and those policies
ignore them. A chain of policies that trigger one another therefore ends after
at most one run of each, at one instant (the clock cannot stand still for ever).

Logged by eventd ([G] wording, after Junos's tags):
- EVENTD_CONFIG_CHANGE_SUCCESS `Configuration change successful: while executing
  policy P with user U privileges`, or EVENTD_CONFIG_CHANGE_FAILED `Configuration
  change failed: REASON while executing policy P with user U privileges` once the
  `retry count` attempts (`retry interval` seconds apart) are spent;
- EVENTD_TRANSFER_FAILED when no archive site takes a file after its retries;
- EVENTD_ESCRIPT_NOT_FOUND for an `event-script` action: nos runs no scripts;
- EVENTD_COMMAND_FAILED when execute-commands could not run at all.
`raise-trap` and `priority-override` have nothing to act on: nos has no SNMP agent
and its log lines carry no priority. `generate-event` events are offered to the
policies without being logged.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from functools import partial
from typing import Any

import trio

from nos.config.query import child
from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.features.events import actions
from nos.features.events.config import (
    Delivery,
    EventOptions,
    Generated,
    PolicySpec,
    Upload,
    check_options,
    compile_options,
)
from nos.features.events.correlate import Correlator
from nos.runtime.clock import Timer
from nos.runtime.eventlog import Event
from nos.runtime.filesystem import FileError

PROCESS = "eventd"

# The policies (device's service, name) whose actions are running: what they cause does not trigger them.
Chain = frozenset[tuple[int, str]]
_CHAIN: ContextVar[Chain] = ContextVar("event_policy_chain", default=frozenset())


def _during(spec: PolicySpec) -> str:
    return f"while executing policy {spec.name}"


class EventPolicies:
    """The `event-options` of a device: its policies, their history and their actions."""

    name = "event-options"

    def __init__(self, device: Any):
        self.device = device
        self.scheduler = device.scheduler
        self.options = EventOptions()
        self.correlator = Correlator()
        self.runs: dict[str, int] = {}  # policy -> times it was triggered
        self._node: Node | None = None  # the `event-options` statement applied last
        self._timers: dict[Generated, Timer] = {}
        device.event_policies = self.offer

    # -- configuration -------------------------------------------------------------------------------

    def verify(self, new: Node) -> list[CheckError]:
        node = child(new, "event-options")
        return [] if node is None or node is self._node else check_options(node)

    def apply(self, old: Node, new: Node) -> None:
        node = child(new, "event-options")
        if node is self._node:
            return
        self._node = node
        self.options = compile_options(node)
        self.correlator.configure(self.options.policies)
        for generated, timer in list(self._timers.items()):
            if generated not in self.options.generated:
                timer.cancel()
                del self._timers[generated]
        for generated in self.options.generated:
            if generated not in self._timers:
                self._arm(generated)

    # -- events ----------------------------------------------------------------------------------------

    def offer(self, event: Event) -> bool:
        """A logged event (or a generated one): run the policies it triggers. False: not to be logged."""
        if not self.options.policies:
            return True
        chain = _CHAIN.get()
        decision = self.correlator.offer(event, skip=frozenset(name for who, name in chain if who == id(self)))
        for spec in decision.fired:
            self.runs[spec.name] = self.runs.get(spec.name, 0) + 1
            self._schedule(spec, event, chain | {(id(self), spec.name)})
        return decision.logged

    def _arm(self, generated: Generated) -> None:
        now = self.scheduler.now()
        if generated.interval is not None:
            due = now + generated.interval
        elif generated.time_of_day is not None:
            epoch = self.scheduler.epoch()
            midnight = calendar.timegm(time.gmtime(epoch)[:3] + (0, 0, 0))
            at = midnight + generated.time_of_day
            due = now + (at - epoch if at > epoch else at + 86400 - epoch)
        else:
            return
        self._timers[generated] = self.scheduler.call_at(due, partial(self._generate, generated))

    def _generate(self, generated: Generated) -> None:
        self._timers.pop(generated, None)
        self.offer(Event(self.scheduler.epoch(), PROCESS, generated.name.upper(), ""))
        if generated in self.options.generated:
            self._arm(generated)

    # -- actions -------------------------------------------------------------------------------------

    def _schedule(self, spec: PolicySpec, event: Event, chain: Chain) -> None:
        """The policy's actions, in configuration order, at this instant but after what raised the event."""
        substitute = self.correlator.substitute
        if spec.change is not None:
            commands = tuple(substitute(c, spec, event) for c in spec.change.commands)
            self._later(0, chain, partial(self._change, spec, commands, 0))
        for script in spec.scripts:
            message = f"Event script {script} not found {_during(spec)}"
            self._later(0, chain, partial(self._log, "EVENTD_ESCRIPT_NOT_FOUND", message))
        if spec.execute is not None and spec.execute.commands:
            commands = tuple(substitute(c, spec, event) for c in spec.execute.commands)
            self._later(0, chain, partial(self._execute, spec, commands))
        for upload in spec.uploads:
            self._later(0, chain, partial(self._upload, spec, upload))

    def _later(self, delay: float, chain: Chain, action: Callable[[], None]) -> None:
        """Run `action` `delay` seconds from now, as part of `chain`."""
        self.scheduler.call_at(self.scheduler.now() + delay, partial(self._in_chain, chain, action))

    def _in_chain(self, chain: Chain, action: Callable[[], None]) -> None:
        token = _CHAIN.set(chain)
        try:
            action()
        finally:
            _CHAIN.reset(token)

    def _log(self, tag: str, message: str) -> None:
        self.device.event(PROCESS, tag, message)

    def _change(self, spec: PolicySpec, commands: tuple[str, ...], attempt: int) -> None:
        change = spec.change
        assert change is not None
        problem = actions.change_configuration(self.device, change, commands)
        who = f"{_during(spec)} with user {change.user} privileges"
        if problem is None:
            self._log("EVENTD_CONFIG_CHANGE_SUCCESS", f"Configuration change successful: {who}")
        elif attempt < change.retry_count:
            self._later(change.retry_interval, _CHAIN.get(), partial(self._change, spec, commands, attempt + 1))
        else:
            self._log("EVENTD_CONFIG_CHANGE_FAILED", f"Configuration change failed: {problem} {who}")

    def _execute(self, spec: PolicySpec, commands: tuple[str, ...]) -> None:
        execute = spec.execute
        assert execute is not None
        epoch = self.scheduler.epoch()
        chain = _CHAIN.get()

        async def run() -> None:
            _CHAIN.set(chain)  # the task's own context: what its commands log is part of the chain
            output = await actions.command_output(self.device, commands, execute.user, execute.output_format)
            if execute.delivery is None or not execute.output_filename:
                return  # nowhere to put it: the commands ran, their output is not kept
            name = actions.archive_name(self.device.hostname, execute.output_filename, epoch)
            self._deliver(spec, execute.delivery, name, output.encode())

        self._spawn(run)

    def _upload(self, spec: PolicySpec, upload: Upload) -> None:
        try:
            data = actions.read_upload(self.device, upload.filename, upload.user)
        except FileError as exc:
            self._log("EVENTD_TRANSFER_FAILED", f"{str(exc).removeprefix('error: ')} {_during(spec)}")
            return
        base = "config" if upload.filename == "committed" else upload.filename.rstrip("/").rsplit("/", 1)[-1]
        name = actions.archive_name(self.device.hostname, base, self.scheduler.epoch())
        self._deliver(spec, upload.delivery, name, data)

    def _deliver(self, spec: PolicySpec, delivery: Delivery, name: str, data: bytes) -> None:
        """Put a file on the delivery's destination, after its transfer delay."""
        destination = self.options.destination(delivery.destination)
        delay = delivery.transfer_delay
        if delay is None:
            delay = destination.transfer_delay if destination is not None else 0
        transfer = partial(self._transfer, spec, delivery, name, data, 0)
        if delay:
            self._later(delay, _CHAIN.get(), transfer)
        else:
            transfer()

    def _transfer(self, spec: PolicySpec, delivery: Delivery, name: str, data: bytes, attempt: int) -> None:
        destination = self.options.destination(delivery.destination)
        _, problem = actions.store(self.device, destination.sites if destination is not None else (), name, data)
        if problem is None:
            return
        if attempt < delivery.retry_count:
            retry = partial(self._transfer, spec, delivery, name, data, attempt + 1)
            self._later(delivery.retry_interval, _CHAIN.get(), retry)
        else:
            self._log("EVENTD_TRANSFER_FAILED", f"Transfer of {name} failed: {problem} {_during(spec)}")

    def _spawn(self, job: Callable[[], Awaitable[None]]) -> None:
        """Run an action that needs the CLI (a Trio task): beside the lab's tasks, or at once when
        nothing runs Trio (a unit test on a manual clock). A failure is logged, never raised."""

        async def guarded() -> None:
            try:
                await job()
            except Exception as exc:  # an action must not take the device down
                self._log("EVENTD_COMMAND_FAILED", f"Command execution failed: {exc}")

        try:
            trio.lowlevel.current_trio_token()
        except RuntimeError:
            trio.run(guarded)
            return
        trio.lowlevel.spawn_system_task(guarded)


__all__ = ["PROCESS", "EventPolicies"]
