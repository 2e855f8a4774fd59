"""The routing engine's work follows the change (DESIGN.md principle 9): batches recompute each
destination once and tell each change once, in the order of cause and consequence; instance-import
asks only the instances that can take a route; an interface re-resolves only the routes it covers;
a commit reads only the statements it changed."""

from __future__ import annotations

from routinglab import Clock, expanded, hops, route

from nos.config.load import parse_set
from nos.config.tree import ConfigTree
from nos.routing.engine import RoutingEngine
from nos.routing.prefix import interface_address, prefix, prefix_text

STATICS = 20


def tenants(count: int, importing: str = "instance RI-{prev}") -> str:
    """`count` instances, each with an interface, STATICS static routes via its neighbour, and an
    instance-import policy (by default: from the previous instance, its 198.51.x prefixes only)."""
    lines = []
    for i in range(count):
        ri, prev = f"RI-{i}", f"{(i - 1) % count}"
        lines += [
            f"set interfaces ge-0/0/{i} unit 0 family inet address 10.{i}.0.1/24",
            f"set routing-instances {ri} instance-type virtual-router",
            f"set routing-instances {ri} interface ge-0/0/{i}.0",
            f"set routing-instances {ri} routing-options instance-import IMPORT-{i}",
            f"set policy-options prefix-list PL-{i} 198.51.{prev}.0/24",
            f"set policy-options policy-statement IMPORT-{i} term t from {importing.format(prev=prev)}",
            f"set policy-options policy-statement IMPORT-{i} term t from prefix-list PL-{i}",
            f"set policy-options policy-statement IMPORT-{i} term t then accept",
        ]
        lines += [
            f"set routing-instances {ri} routing-options static route 192.0.{r}.0/24 next-hop 10.{i}.0.2"
            for r in range(STATICS)
        ]
    return "\n".join(lines) + "\n"


def engine_for(schema, text: str, listener=None):  # type: ignore[no-untyped-def]
    """An engine configured from `text` with its interfaces up, all in one batch."""
    engine = RoutingEngine(Clock())
    if listener is not None:
        engine.listeners.append(listener)
    root = expanded(schema, text)
    with engine.batch():
        engine.configure(root)
        for i in range(text.count("family inet address")):
            engine.set_interface(f"ge-0/0/{i}.0", [interface_address(f"10.{i}.0.1/24")], True)
    return engine


# -- batches ---------------------------------------------------------------------------------------------


def test_a_batch_recomputes_each_destination_once(schema):
    """Statics filed before their interface is up are resolved once, not once without and once with it."""
    engine = engine_for(schema, tenants(3))
    destinations = 3 * (STATICS + 2)  # statics, Direct and Local of each instance
    assert engine.work.destinations == destinations
    assert engine.work.resolutions == destinations
    assert hops(engine.tables["RI-1.inet.0"].active(prefix("192.0.7.0/24"))) == ["to 10.1.0.2 via ge-0/0/1.0"]


def test_without_a_batch_the_same_changes_cost_more(schema):
    """The comparison: configuration then interfaces, each its own batch, resolve the statics twice."""
    engine = RoutingEngine(Clock())
    engine.configure(expanded(schema, tenants(3)))
    for i in range(3):
        engine.set_interface(f"ge-0/0/{i}.0", [interface_address(f"10.{i}.0.1/24")], True)
    assert engine.work.destinations == 3 * (2 * STATICS + 2)
    assert engine.work.destinations > 3 * (STATICS + 2)


def test_listeners_hear_each_change_once_from_before_the_batch_to_after(schema):
    """A route withdrawn and put back, and one replaced twice, within one batch: one change each."""
    heard: list[tuple[str, str, object, object]] = []
    engine = engine_for(schema, tenants(1), lambda t, p, old, new: heard.append((t, prefix_text(p), old, new)))
    heard.clear()
    table = "RI-0.inet.0"
    before = engine.tables[table].active(prefix("192.0.3.0/24"))
    with engine.batch():
        engine.add(route("203.0.113.0/24", "Static", "10.0.0.2", "a", table, preference=7))
        engine.add(route("203.0.113.0/24", "Static", "10.0.0.3", "a", table, preference=7))
        engine.add(route("192.0.3.0/24", "Static", "10.0.0.9", "b", table, preference=1))
        engine.withdraw("b")
        assert heard == []  # nothing is told before the batch ends
    assert [(t, p, old) for t, p, old, _ in heard] == [(table, "203.0.113.0/24", None)]
    assert hops(heard[0][3]) == ["to 10.0.0.3 via ge-0/0/0.0"]
    assert engine.tables[table].active(prefix("192.0.3.0/24")) is before  # withdrawn again: nothing to tell


def test_a_link_cut_is_told_cause_first(schema):
    """The interface's Direct route, then the routes that resolved through it, in destination order."""
    heard: list[tuple[str, str, str | None]] = []
    engine = engine_for(
        schema,
        tenants(2),
        lambda t, p, old, new: heard.append((t, prefix_text(p), None if new is None else new.protocol)),
    )
    heard.clear()
    engine.set_interface("ge-0/0/1.0", [interface_address("10.1.0.1/24")], False)
    assert heard[0] == ("RI-1.inet.0", "10.1.0.0/24", None)
    assert heard[1] == ("RI-1.inet.0", "192.0.0.0/24", None)
    assert [p for t, p, _ in heard[1:]] == [f"192.0.{r}.0/24" for r in range(STATICS)] + ["10.1.0.1/32"]
    assert {t for t, _, _ in heard} == {"RI-1.inet.0"}


def test_a_change_made_by_a_listener_is_a_batch_of_its_own(schema):
    """A listener that adds a route as it hears a change: the route is there, and is told, after."""
    heard: list[str] = []
    engine = engine_for(schema, tenants(1))

    def react(table, p, old, new):  # type: ignore[no-untyped-def]
        heard.append(prefix_text(p))
        if prefix_text(p) == "192.0.1.0/24" and new is None:
            engine.add(route("192.0.1.0/24", "Static", "10.0.0.7", "backup", table, preference=9))

    engine.listeners.append(react)
    engine.withdraw(("static", "RI-0.inet.0", prefix("192.0.1.0/24"), 5))
    assert heard == ["192.0.1.0/24", "192.0.1.0/24"]
    assert engine.tables["RI-0.inet.0"].active(prefix("192.0.1.0/24")).source == "backup"


# -- instance-import ---------------------------------------------------------------------------------------


def test_a_change_asks_only_the_instances_that_can_import_it(schema):
    """RI-k imports from RI-(k-1) only: a route of RI-3 is put to RI-4's policy, no other."""
    engine = engine_for(schema, tenants(40))
    assert engine.work.evaluations == 0  # the statics are 192.0.x: outside every prefix-list
    engine.add(route("198.51.3.0/24", "Static", "10.3.0.2", "r", "RI-3.inet.0"))
    assert engine.work.evaluations == 1
    assert [r.table for r in engine.tables["RI-4.inet.0"].candidates(prefix("198.51.3.0/24"))] == ["RI-3.inet.0"]
    engine.add(route("198.51.99.0/24", "Static", "10.3.0.2", "s", "RI-3.inet.0"))  # in no prefix-list
    engine.add(route("198.51.5.0/24", "Static", "10.3.0.2", "t", "RI-3.inet.0"))  # RI-6's list, not RI-3's
    assert engine.work.evaluations == 1


def test_a_policy_that_names_no_instance_is_asked_about_every_table(schema):
    """`from protocol static` restricts no table: a route of any instance is put to it (its prefix-list
    still narrows it to the prefixes listed)."""
    restricted = engine_for(schema, tenants(10))
    restricted.add(route("198.51.3.0/24", "Static", "10.8.0.2", "r", "RI-8.inet.0"))
    assert restricted.work.evaluations == 0  # RI-4 takes 198.51.3.0/24 from RI-3 only
    anywhere = engine_for(schema, tenants(10, importing="protocol static"))
    anywhere.add(route("198.51.3.0/24", "Static", "10.8.0.2", "r", "RI-8.inet.0"))
    assert anywhere.work.evaluations == 1  # RI-4 is asked, and takes it
    assert anywhere.tables["RI-4.inet.0"].active(prefix("198.51.3.0/24")).table == "RI-8.inet.0"


def test_changed_policies_import_again_and_unchanged_ones_are_not_asked(schema):
    """A commit that changes one prefix-list re-evaluates one importer's reach, not all of them."""
    tree = ConfigTree(schema.root)
    assert not parse_set(tree, tenants(20)).messages
    engine = RoutingEngine(Clock())
    engine.configure(tree.freeze())
    engine.set_interface("ge-0/0/9.0", [interface_address("10.9.0.1/24")], True)
    engine.add(route("198.51.9.0/24", "Static", "10.9.0.2", "r", "RI-9.inet.0"))
    assert engine.tables["RI-10.inet.0"].active(prefix("198.51.9.0/24")) is not None
    before = engine.work.evaluations
    assert not parse_set(tree, "delete policy-options prefix-list PL-10 198.51.9.0/24\n").messages
    engine.configure(tree.freeze())
    assert engine.tables["RI-10.inet.0"].active(prefix("198.51.9.0/24")) is None
    assert engine.work.evaluations - before == 1  # RI-10 considered its one import again; nobody else


# -- next-hop resolution -------------------------------------------------------------------------------------


def test_an_interface_going_down_re_resolves_only_what_it_covers(schema):
    """Two gateways, two interfaces in one table: cutting one touches its routes and its own routes only."""
    text = "".join(
        f"set interfaces ge-0/0/{i} unit 0 family inet address 10.{i}.0.1/24\n"
        + "".join(f"set routing-options static route 192.{i}.{r}.0/24 next-hop 10.{i}.0.2\n" for r in range(50))
        for i in range(2)
    )
    engine = engine_for(schema, text)
    before = engine.work.resolutions, engine.work.destinations
    engine.set_interface("ge-0/0/1.0", [interface_address("10.1.0.1/24")], False)
    # The 50 statics via 10.1.0.2 resolve again (and fail); the Direct and Local routes go.
    assert engine.work.destinations - before[1] == 50 + 2
    assert engine.work.resolutions - before[0] == 50
    assert engine.tables["inet.0"].active(prefix("192.1.7.0/24")) is None
    assert engine.tables["inet.0"].active(prefix("192.0.7.0/24")) is not None


def test_a_wider_interface_prefix_takes_over_the_gateways_it_covers(schema):
    """A gateway outside every interface prefix resolves when an address that covers it arrives."""
    engine = engine_for(schema, "set routing-options static route 192.0.2.0/24 next-hop 10.7.1.2\n")
    assert engine.tables["inet.0"].active(prefix("192.0.2.0/24")) is None
    engine.set_interface("ge-0/0/5.0", [interface_address("10.7.0.1/16")], True)
    assert hops(engine.tables["inet.0"].active(prefix("192.0.2.0/24"))) == ["to 10.7.1.2 via ge-0/0/5.0"]
    engine.set_interface("ge-0/0/6.0", [interface_address("10.7.1.1/24")], True)  # longer: wins
    assert hops(engine.tables["inet.0"].active(prefix("192.0.2.0/24"))) == ["to 10.7.1.2 via ge-0/0/6.0"]
    engine.forget_interface("ge-0/0/6.0")
    assert hops(engine.tables["inet.0"].active(prefix("192.0.2.0/24"))) == ["to 10.7.1.2 via ge-0/0/5.0"]


# -- commits -------------------------------------------------------------------------------------------------


def test_a_commit_reads_only_the_statements_it_changed(schema):
    """An unchanged configuration costs nothing; a new static in one instance costs that static."""
    tree = ConfigTree(schema.root)
    assert not parse_set(tree, tenants(30)).messages
    engine = RoutingEngine(Clock())
    engine.configure(tree.freeze())
    for i in range(30):
        engine.set_interface(f"ge-0/0/{i}.0", [interface_address(f"10.{i}.0.1/24")], True)
    work = (engine.work.destinations, engine.work.resolutions, engine.work.evaluations)
    engine.configure(tree.freeze())
    assert (engine.work.destinations, engine.work.resolutions, engine.work.evaluations) == work
    line = "set routing-instances RI-7 routing-options static route 203.0.113.0/24 next-hop 10.7.0.2\n"
    assert not parse_set(tree, line).messages
    engine.configure(tree.freeze())
    assert engine.work.destinations - work[0] == 1
    assert hops(engine.tables["RI-7.inet.0"].active(prefix("203.0.113.0/24"))) == ["to 10.7.0.2 via ge-0/0/7.0"]
