"""`services ip-monitoring`: act on RPM results, and undo the action when the probes recover.

Evaluation (semantics.md 2.2): an RPM probe (an owner) fails when every one of
its tests failed its last test; a policy fails when any of its probes fails.
A test that has not completed yet has not failed.

Actions (2.3), applied when a policy fails and reverted when all its probes
pass again (never, with `no-preempt`):
- `preferred-route route P next-hop A [preferred-metric N]` (optionally under
  `routing-instances R`) adds a Static route with preference N (1 when unset),
  which beats the configured statics; `discard` makes it a discard route;
- with `preferred-route withdraw` the routes are there while the policy passes
  and taken away when it fails;
- `interface X enable` keeps X down until the policy fails; `interface X
  disable` takes X down when it fails.
Policies are evaluated after every RPM test completion and every commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nos.config.query import child, entries, flag, value, values
from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.features.rpm.service import RpmService, TestRun
from nos.routing.engine import MASTER, RoutingEngine, instance_table
from nos.routing.prefix import Prefix, addr, prefix, prefix_text
from nos.routing.route import DISCARD, VIA, NextHop, Route


@dataclass(frozen=True)
class PreferredRoute:
    instance: str  # MASTER for inet.0
    prefix: Prefix
    next_hop: int | None
    discard: bool
    metric: int | None

    @property
    def table(self) -> str:
        return instance_table(self.instance)


@dataclass(frozen=True)
class PolicySpec:
    name: str
    probes: tuple[str, ...]
    no_preempt: bool
    withdraw: bool
    routes: tuple[PreferredRoute, ...]
    interfaces: tuple[tuple[str, str], ...]  # (interface, "enable" | "disable")


@dataclass
class PolicyState:
    spec: PolicySpec
    failed: bool = False  # the probes' verdict
    applied: bool = False  # the action is in place (stays so after recovery with no-preempt)


def compile_policies(root: Node) -> dict[str, PolicySpec]:
    ipmon = child(child(root, "services"), "ip-monitoring")
    return {name: compile_policy(name, entry) for (name,), entry in entries(ipmon, "policy").items()}


def compile_policy(name: str, entry: Node) -> PolicySpec:
    then = child(entry, "then")
    preferred = child(then, "preferred-route")
    routes = [_route(MASTER, key, r) for key, r in entries(preferred, "route").items()]
    for (instance,), ri in entries(preferred, "routing-instances").items():
        routes += [_route(instance, key, r) for key, r in entries(ri, "route").items()]
    interfaces = tuple(
        (ifname, "enable" if flag(action, "enable") else "disable")
        for (ifname,), action in entries(then, "interface").items()
    )
    return PolicySpec(
        name=name,
        probes=values(child(entry, "match"), "rpm-probe"),
        no_preempt=flag(entry, "no-preempt"),
        withdraw=flag(preferred, "withdraw"),
        routes=tuple(routes),
        interfaces=interfaces,
    )


def _route(instance: str, key: tuple[str, ...], entry: Node) -> PreferredRoute:
    hop = value(entry, "next-hop")
    metric = value(entry, "preferred-metric")
    return PreferredRoute(
        instance, prefix(key[0]), addr(hop) if hop else None, flag(entry, "discard"), int(metric) if metric else None
    )


def _check(spec: PolicySpec) -> list[CheckError]:
    errors = []
    path = ["services", "ip-monitoring", "policy", spec.name]
    if not spec.probes:  # Junos names the statement that lacks a child under its parent's [edit] line
        message = "Missing mandatory statement: 'match'"
        errors.append(CheckError(path[:-2], f"policy {spec.name}", message, mandatory=True))
    for route in spec.routes:
        if route.next_hop is None and not route.discard:
            message = f"ip-monitoring: route {prefix_text(route.prefix)} needs a next-hop or discard"
            errors.append(CheckError(path, "then preferred-route", message))
    return errors


class IpMonitoring:
    """The device's ip-monitoring policies, following its RPM tests."""

    name = "ip-monitoring"

    def __init__(self, device: Any, rpm: RpmService, engine: RoutingEngine, interfaces: Any):
        self.device = device
        self.rpm = rpm
        self.engine = engine
        self.interfaces = interfaces
        self.policies: dict[str, PolicyState] = {}
        # What the policies have in place: their routes (by source) and the interfaces they hold down
        # (True) or let up (False). Actions change only what differs, so nothing flaps needlessly.
        self._routes: dict[object, PreferredRoute] = {}
        self._held: dict[str, bool] = {}
        rpm.listeners.append(self._test_completed)
        # What the last apply read: the `ip-monitoring` and `rpm` statements (a commit keeps unchanged
        # statements as the same nodes: only changed policies are compiled again).
        self._ipmon: Node | None = None
        self._rpm: Node | None = None

    # -- configuration -------------------------------------------------------------------------------

    def verify(self, new: Node) -> list[CheckError]:
        """The checks of each policy; one that is the same node as the policy applied last (frozen,
        so unchanged) is not compiled again."""
        errors = []
        applied = entries(self._ipmon, "policy")
        for (name,), entry in entries(child(child(new, "services"), "ip-monitoring"), "policy").items():
            state = self.policies.get(name)
            if state is not None and applied.get((name,)) is entry:
                errors += _check(state.spec)
            else:
                errors += _check(compile_policy(name, entry))
        return errors

    def apply(self, old: Node, new: Node) -> None:
        services = child(new, "services")
        ipmon, rpm = child(services, "ip-monitoring"), child(services, "rpm")
        if ipmon is self._ipmon and rpm is self._rpm:  # (changed tests start again: their verdicts may change)
            return
        before = entries(self._ipmon, "policy")
        specs = {
            name: self.policies[name].spec
            if before.get((name,)) is entry and name in self.policies
            else compile_policy(name, entry)
            for (name,), entry in entries(ipmon, "policy").items()
        }
        self._ipmon, self._rpm = ipmon, rpm
        for name, state in list(self.policies.items()):
            if specs.get(name) != state.spec:  # changed or gone: undo what the new policy does not do
                self._release(state.spec, specs.get(name))
                del self.policies[name]
        for name, spec in specs.items():
            if name not in self.policies:  # new or changed: starts from PASS, then its probes' verdict
                state = self.policies[name] = PolicyState(spec)
                if self._failing(spec):  # straight to the action, without a PASS in between
                    state.failed = True
                    self._note(f"ip-monitoring policy {name}: FAIL")
                    self._set(state, applied=True)
                else:
                    self._set(state, applied=False, force=True)
        self._evaluate_all()

    # -- evaluation ----------------------------------------------------------------------------------

    def _test_completed(self, run: TestRun) -> None:
        owner = run.spec.owner
        for state in self.policies.values():
            if owner in state.spec.probes:
                self._evaluate(state)

    def _evaluate_all(self) -> None:
        for state in self.policies.values():
            self._evaluate(state)

    def probe_failed(self, owner: str) -> bool:
        """An RPM probe fails when all of its tests failed their last test."""
        runs = self.rpm.selected(owner)
        return bool(runs) and all(run.passed is False for run in runs)

    def _failing(self, spec: PolicySpec) -> bool:
        return any(self.probe_failed(owner) for owner in spec.probes)

    def _evaluate(self, state: PolicyState) -> None:
        failed = self._failing(state.spec)
        if failed == state.failed:
            return
        state.failed = failed
        self._note(f"ip-monitoring policy {state.spec.name}: {'FAIL' if failed else 'PASS'}")
        if failed:
            self._set(state, applied=True)
        elif not state.spec.no_preempt:
            self._set(state, applied=False)

    # -- actions -------------------------------------------------------------------------------------

    def _set(self, state: PolicyState, *, applied: bool, force: bool = False) -> None:
        """Put the policy's action in place (FAIL) or take it back (PASS)."""
        if state.applied == applied and not force:
            return
        state.applied = applied
        spec = state.spec
        for route in spec.routes:
            present = applied != spec.withdraw  # withdraw: the routes are there while all is well
            source = ("ip-monitoring", spec.name, route.table, route.prefix)
            if present:
                if self._routes.get(source) != route:
                    self.engine.add(self._route(route, source))
                    self._routes[source] = route
            elif self._routes.pop(source, None) is not None:
                self.engine.withdraw(source)
        for ifname, action in spec.interfaces:
            down = (action == "enable") != applied  # enable: down until the failure; disable: down after
            if self._held.get(ifname, False) != down:
                self.interfaces.hold(ifname, down)
                self._held[ifname] = down
        if not force:
            verb = "applied" if applied else "reverted"
            self._note(f"ip-monitoring policy {spec.name}: action {verb}")

    def _route(self, route: PreferredRoute, source: object) -> Route:
        hops = (NextHop(VIA, route.next_hop),) if route.next_hop is not None else (NextHop(DISCARD),)
        return Route(
            route.prefix,
            "Static",
            hops,
            source=source,
            table=route.table,
            since=self.device.scheduler.epoch(),
            preference=route.metric if route.metric is not None else 1,
        )

    def _release(self, spec: PolicySpec, successor: PolicySpec | None = None) -> None:
        """A policy that goes away leaves nothing behind (but what its successor, a changed policy
        of the same name, also acts on: the successor takes it over)."""
        kept_routes = {(r.table, r.prefix) for r in successor.routes} if successor else set()
        kept_interfaces = {ifname for ifname, _ in successor.interfaces} if successor else set()
        for route in spec.routes:
            source = ("ip-monitoring", spec.name, route.table, route.prefix)
            if (route.table, route.prefix) not in kept_routes and self._routes.pop(source, None) is not None:
                self.engine.withdraw(source)
        for ifname, _ in spec.interfaces:
            if ifname not in kept_interfaces and self._held.pop(ifname, False):
                self.interfaces.hold(ifname, False)

    def _note(self, text: str) -> None:
        lab = getattr(self.device, "lab", None)
        if lab is not None:
            lab.add_event(self.device.node_name, "probe", text)


__all__ = ["IpMonitoring", "PolicySpec", "PolicyState", "PreferredRoute", "compile_policies", "compile_policy"]
