"""The incremental engine against a computation from scratch (reference.py): seeded random sequences of
interface changes, routes added and withdrawn, commits and batches leave the same tables, and the
listeners' account of the active routes matches them, each change told once per batch.

Instance-import here never changes a preference along a circle of instances (A from C, C from A):
two instances that import each other's route for one prefix, each preferring the other's copy, have
two stable outcomes, and which one is reached depends on the order of events, not on the engine.
"""

from __future__ import annotations

import random

import pytest
from reference import engine_tables, reference_tables, summed_counts
from routinglab import Clock, expanded

from nos.routing.engine import RoutingEngine, table_instance
from nos.routing.prefix import interface_address, prefix
from nos.routing.route import DISCARD, VIA, NextHop, Route

INTERFACES = {  # ifl -> (instance, the addresses it may have)
    "ge-0/0/0.0": ("master", ["10.0.0.1/24", "10.0.0.1/16"]),
    "ge-0/0/1.0": ("A", ["10.1.0.1/24", "10.1.0.1/30", "10.9.0.1/24"]),
    "ge-0/0/2.0": ("B", ["10.2.0.1/24", "10.2.1.1/24"]),
    "ge-0/0/3.0": ("C", ["10.3.0.1/24", "10.1.0.1/24"]),
}

BASE = """
set routing-instances A instance-type virtual-router
set routing-instances A interface ge-0/0/1.0
set routing-instances B instance-type virtual-router
set routing-instances B interface ge-0/0/2.0
set routing-instances C instance-type virtual-router
set routing-instances C interface ge-0/0/3.0
set routing-options rib-groups MASTER-TO-A import-rib [ inet.0 A.inet.0 ]
set routing-options interface-routes rib-group inet MASTER-TO-A
set routing-options rib-groups B-TO-C import-rib [ B.inet.0 C.inet.0 ]
set routing-options rib-groups B-TO-C import-policy SLOWER
set policy-options policy-statement SLOWER then preference 20
set routing-instances B routing-options static rib-group B-TO-C
set policy-options policy-statement FROM-B term 1 from instance B
set policy-options policy-statement FROM-B term 1 from prefix-list PL-B
set policy-options policy-statement FROM-B term 1 then local-preference 50
set policy-options policy-statement FROM-B term 1 then accept
set routing-instances A routing-options instance-import FROM-B
set policy-options policy-statement FROM-A term 1 from instance A
set policy-options policy-statement FROM-A term 1 from route-filter 192.168.0.0/16 orlonger
set policy-options policy-statement FROM-A term 1 then accept
set routing-instances B routing-options instance-import FROM-A
set policy-options policy-statement STATICS term 1 from protocol static
set policy-options policy-statement STATICS term 1 then accept
set routing-instances C routing-options instance-import STATICS
set policy-options policy-statement FROM-C term 1 from instance C
set policy-options policy-statement FROM-C term 1 from route-filter 172.16.0.0/12 orlonger
set policy-options policy-statement FROM-C term 1 then preference 30
set policy-options policy-statement FROM-C term 1 then accept
set routing-options instance-import FROM-C
set policy-options policy-statement ALL-OF-C term 1 from instance C
set policy-options policy-statement ALL-OF-C term 1 then accept
set routing-instances A routing-options instance-import ALL-OF-C
set routing-options static route 192.168.1.0/24 next-hop 10.0.0.2
set routing-instances A routing-options static route 192.168.2.0/24 next-hop 10.1.0.2
set routing-instances B routing-options static route 192.168.3.0/24 next-hop 10.2.0.2
set routing-instances B routing-options static route 0.0.0.0/0 next-hop 10.2.1.2
set routing-instances C routing-options static route 172.16.0.0/16 discard
"""

VARIANTS = [  # commits on top of BASE
    "set policy-options prefix-list PL-B 192.168.3.0/24\nset policy-options prefix-list PL-B 0.0.0.0/0\n",
    "set policy-options prefix-list PL-B 192.168.0.0/24\n",
    "set routing-instances A routing-options static route 192.168.4.0/24 next-hop 10.1.0.3\n"
    "set policy-options prefix-list PL-B 192.168.3.0/24\n",
    "set routing-options static route 192.168.1.0/24 next-hop 10.0.1.2\n"
    "set policy-options policy-statement FROM-C term 1 then preference 3\n",
    "delete routing-instances C interface ge-0/0/3.0\nset routing-instances B interface ge-0/0/3.0\n",
    "delete routing-options interface-routes\nset policy-options policy-statement SLOWER then preference 2\n",
]

TABLES = ["inet.0", "A.inet.0", "B.inet.0", "C.inet.0"]
# No prefix of an interface: a static route there could beat the Direct route its own gateway resolves
# through, and flip for ever (there is no fixed point to compare with).
PREFIXES = [
    "192.168.1.0/24",
    "192.168.2.0/24",
    "192.168.3.0/24",
    "192.168.0.0/24",
    "0.0.0.0/0",
    "10.1.128.0/17",
    *(f"198.18.{i}.0/24" for i in range(16)),
]
GATEWAYS = ["10.0.0.2", "10.0.1.2", "10.1.0.2", "10.1.0.6", "10.2.0.2", "10.2.1.2", "10.3.0.2", "10.9.0.2"]


class Driver:
    """Random changes to one engine; records what the reference needs and what the listeners said."""

    def __init__(self, schema, seed: int):  # type: ignore[no-untyped-def]
        self.schema = schema
        self.rng = random.Random(seed)
        self.engine = RoutingEngine(Clock())
        self.groups: dict[object, str | None] = {}  # explicit routes: the rib-group they were added with
        self.told: dict[tuple[str, tuple[int, int]], Route] = {}  # the active routes, as the listeners heard
        self.heard: list[tuple[str, tuple[int, int]]] = []  # in the current step
        self.engine.listeners.append(self.listen)
        self.states: dict[str, tuple[str, bool]] = {}
        self.configure(BASE)
        with self.engine.batch():
            for ifl, (_, addresses) in INTERFACES.items():
                self.interface(ifl, addresses[0], True)

    def listen(self, table: str, p: tuple[int, int], old: Route | None, new: Route | None) -> None:
        assert self.told.get((table, p)) is old, "a listener is told the active route it was told before"
        if new is None:
            self.told.pop((table, p), None)
        else:
            self.told[(table, p)] = new
        self.heard.append((table, p))

    def configure(self, text: str) -> None:
        self.engine.configure(expanded(self.schema, text))

    def interface(self, ifl: str, address: str, up: bool) -> None:
        self.states[ifl] = (address, up)
        self.engine.set_interface(ifl, [interface_address(address)], up)

    def step(self) -> None:
        """One random change, or a batch of a few."""
        self.heard.clear()
        if self.rng.random() < 0.3:
            with self.engine.batch():
                for _ in range(self.rng.randint(2, 5)):
                    self.change()
            assert len(self.heard) == len(set(self.heard)), "one batch tells each destination once"
        else:
            self.change()

    def change(self) -> None:
        rng = self.rng
        kind = rng.choices(["link", "address", "add", "bulk", "withdraw", "commit"], [3, 1, 5, 1, 3, 1])[0]
        if kind == "link":
            ifl = rng.choice(list(INTERFACES))
            address, up = self.states[ifl]
            self.interface(ifl, address, not up)
        elif kind == "address":
            ifl = rng.choice(list(INTERFACES))
            self.interface(ifl, rng.choice(INTERFACES[ifl][1]), self.states[ifl][1])
        elif kind == "add":
            route = self.route(rng.randrange(12))
            group = rng.choice([None, None, "MASTER-TO-A", "B-TO-C"])
            self.groups[route.source] = group
            self.engine.add(route, group)
        elif kind == "bulk":  # add_many: new destinations take its fast path, the others the usual way
            table, group = rng.choice(TABLES), rng.choice([None, "MASTER-TO-A", "B-TO-C"])
            routes = [self.route(rng.randrange(12, 40), table) for _ in range(rng.randint(1, 6))]
            routes = list({r.source: r for r in routes}.values())
            for r in routes:
                self.groups[r.source] = group
            self.engine.add_many(routes, group)
        elif kind == "withdraw":
            self.engine.withdraw(("test", rng.randrange(40)))
        else:
            self.configure(BASE + rng.choice(VARIANTS))

    def route(self, number: int, table: str | None = None) -> Route:
        rng = self.rng
        hop = NextHop(DISCARD) if rng.random() < 0.1 else NextHop(VIA, interface_address(rng.choice(GATEWAYS))[0])
        return Route(
            prefix(rng.choice(PREFIXES)),
            "Static",
            (hop,),
            source=("test", number),
            table=table or rng.choice(TABLES),
            since=0,
            preference=rng.choice([1, 5, 5, 7]),
        )

    def check(self) -> None:
        engine = self.engine
        groups = dict(self.groups)
        for source in engine._placed:
            if isinstance(source, tuple) and source[0] == "static":
                groups[source] = engine.instances[table_instance(source[1])].static_rib_group
            elif isinstance(source, tuple) and source[0] == "interface":
                groups[source] = engine.instances[engine.instance_of_interface(source[1])].interface_rib_group
        assert engine_tables(engine) == reference_tables(engine, groups)
        assert engine.totals() == summed_counts(engine), "the running tallies are what reading every entry finds"
        actives = {(t, p): r for t, rib in engine.tables.items() for p, r in rib.active_items()}
        assert {k: id(r) for k, r in self.told.items() if k[0] in engine.tables} == {
            k: id(r) for k, r in actives.items()
        }, "the listeners' account of the active routes is the tables'"


@pytest.mark.parametrize("seed", range(10))
def test_random_changes_leave_the_tables_a_computation_from_scratch_gives(schema, seed):
    driver = Driver(schema, seed)
    driver.check()
    for _ in range(100):
        driver.step()
        driver.check()
