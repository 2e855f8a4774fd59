"""Stateless firewall filters (`firewall family inet filter`) on the packet path: input and output.

Terms are tried in order (terms.py); the first whose `from` matches decides,
unless its action is `next term`. A filter ends with an implicit discard
(semantics.md 3.8). `then routing-instance R` is filter-based forwarding: the
packet is looked up in R's table instead of its interface's. `then reject`
answers with ICMP unreachable, administratively prohibited.

The feature (`Firewall`) screens a packet where it enters a unit (`input`)
and where it leaves one (`output`). It counts nothing itself: what a packet
touched (its term counters, its log and syslog notes) goes into the verdict's
`counted` steps, which the lab's packet walk adds up, so replayed probes count
like walked ones. A logged packet makes its verdict `stateful`: the lab walks
each such packet when it goes by (no batch of replays counted later), so every
log entry has its own time. [G] Output filters screen every packet leaving the
unit, the device's own included.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from nos.config.query import child, flag
from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.features.firewall.log import FirewallLog, Note, Record, syslog_text
from nos.features.firewall.terms import FilterTerm, compile_terms, filter_entries, term_matches
from nos.lab import icmp
from nos.lab.packet import Counted, Packet, Verdict
from nos.routing.prefix import Prefix

if TYPE_CHECKING:
    from nos.features.interfaces.state import Interfaces, Unit
    from nos.routing.engine import RoutingEngine

INPUT, OUTPUT = "i", "o"  # as interface-specific names end: F-ge-0/0/1.0-i


@dataclass
class Counter:
    packets: int = 0
    bytes: int = 0

    def add(self, size: int, packets: int = 1) -> None:
        """The packet walk's way in (a verdict's `counted` step)."""
        self.packets += packets
        self.bytes += size * packets

    def clear(self) -> None:
        self.packets = self.bytes = 0


@dataclass
class Filter:
    name: str
    terms: list[FilterTerm]
    interface_specific: bool = False
    # instance (the filter's name, or with `interface-specific` one per interface and direction) ->
    # counter name -> counter
    counters: dict[str, dict[str, Counter]] = field(default_factory=dict)

    @property
    def counter_names(self) -> list[str]:
        """The counters its terms name, as `show firewall` lists them (by name)."""
        return sorted({t.counter for t in self.terms if t.counter})

    def instance(self, ifl: str, direction: str) -> str:
        """The name its counters are kept and shown under: `F`, or `F-ge-0/0/1.0-i` when the filter
        is interface-specific (each interface and direction counts apart)."""
        return f"{self.name}-{ifl}-{direction}" if self.interface_specific else self.name

    def counter(self, instance: str, name: str) -> Counter:
        return self.counters.setdefault(instance, {}).setdefault(name, Counter())


@dataclass
class Decision:
    """What a filter does with one packet, and what the packet touched on the way."""

    action: str  # accept | discard | reject | routing-instance
    instance: str | None = None
    term: str = ""
    counters: tuple[str, ...] = ()  # of the terms that matched (a `next term` term and the deciding one)
    log: bool = False
    syslog: bool = False


def compile_filter(name: str, entry: Node) -> Filter:
    return Filter(name, compile_terms(entry), flag(entry, "interface-specific"))


def compile_filters(root: Node) -> dict[str, Filter]:
    return {name: compile_filter(name, entry) for name, entry in filter_entries(child(root, "firewall")).items()}


def run_filter(flt: Filter, packet: Packet, ifl: str, lists: dict[str, list[Prefix]]) -> Decision:
    """The decision of a filter for one packet (nothing is counted here: see Firewall)."""
    counters: list[str] = []
    log = syslog = False
    for term in flt.terms:
        if not term_matches(term, packet, ifl, lists):
            continue
        if term.counter:
            counters.append(term.counter)
        log, syslog = log or term.log, syslog or term.syslog
        if term.action == "next":
            continue
        return Decision(term.action, term.instance, term.name, tuple(counters), log, syslog)
    return Decision("discard", term="implicit", counters=tuple(counters), log=log, syslog=syslog)


@dataclass(frozen=True)
class Screened:
    """A packet through a unit's filter: stopped (`verdict`, counting what it touched), or on its way with
    the `counted` steps its verdict must carry, whether that verdict is `stateful` (a log or syslog note
    was taken: the lab walks such a packet each time rather than replay it), and (input) the routing
    instance `then routing-instance` chose."""

    verdict: Verdict | None = None
    counted: tuple[Counted, ...] = ()
    stateful: bool = False
    instance: str | None = None

    def onto(self, verdict: Verdict) -> Verdict:
        """`verdict` (what became of the packet after the filter) with the filter's counts before its own."""
        if not self.counted and not self.stateful:
            return verdict
        return replace(verdict, counted=self.counted + verdict.counted, stateful=self.stateful or verdict.stateful)


PASS = Screened()


class Firewall:
    """The feature: compiled filters (replaced at each commit, counters kept), the firewall log."""

    name = "firewall"

    def __init__(self, device, engine: RoutingEngine, interfaces: Interfaces):  # type: ignore[no-untyped-def]
        self.device = device
        self.engine = engine  # prefix lists; the routing instance of an interface
        self.interfaces = interfaces  # the address a reject comes from; which units use a filter
        self.filters: dict[str, Filter] = {}
        self.log = FirewallLog()
        # What the last apply read: the `firewall` statement and each filter's (a commit keeps
        # unchanged statements as the same nodes, so only the filters that changed are compiled).
        self._firewall: Node | None = None
        self._sources: dict[str, Node] = {}

    def verify(self, new: Node) -> list[CheckError]:
        return []

    def apply(self, old: Node, new: Node) -> None:
        config = child(new, "firewall")
        if config is self._firewall:
            return
        found = filter_entries(config)
        fresh = {}
        for name, entry in found.items():
            before = self.filters.get(name)
            if before is not None and self._sources.get(name) is entry:
                fresh[name] = before
                continue
            fresh[name] = compile_filter(name, entry)
            if before is not None:
                fresh[name].counters = before.counters
        self.filters, self._sources, self._firewall = fresh, found, config

    # -- the packet path ------------------------------------------------------------------------------

    def input(self, unit: Unit, packet: Packet) -> Screened:
        """A packet that arrived on `unit`, through its input filter."""
        return self._screen(unit, unit.filter_in, INPUT, packet, (), False) if unit.filter_in else PASS

    def output(self, unit: Unit, packet: Packet, counted: tuple[Counted, ...] = (), stateful: bool = False) -> Screened:
        """A packet about to leave by `unit` (its source set), through its output filter; `counted` and
        `stateful` are the leaving verdict's so far (they go with it, stopped or not)."""
        if not unit.filter_out:
            return Screened(None, counted, stateful) if counted or stateful else PASS
        return self._screen(unit, unit.filter_out, OUTPUT, packet, counted, stateful)

    def _screen(
        self, unit: Unit, name: str, direction: str, packet: Packet, counted: tuple[Counted, ...], stateful: bool
    ) -> Screened:
        flt = self.filters.get(name)
        if flt is None:
            return Screened(None, counted, stateful)
        decision = run_filter(flt, packet, unit.name, self.engine.prefix_lists)
        instance = flt.instance(unit.name, direction)
        counted += tuple((flt.counter(instance, c).add, packet.size) for c in decision.counters)
        if decision.log or decision.syslog:
            action = decision.action if decision.action in ("discard", "reject") else "accept"
            record = Record.of(packet, flt.name, action, unit.name)
            counted += ((Note(self.note, record, decision.log, decision.syslog), packet.size),)
            stateful = True
        if decision.action == "discard":
            stop = Verdict.drop(f"filter {flt.name} term {decision.term}: discard")
            return Screened(replace(stop, counted=counted + stop.counted, stateful=stateful))
        if decision.action == "reject":
            stop = self._reject(packet, unit, flt.name, decision.term)
            return Screened(replace(stop, counted=counted + stop.counted, stateful=stateful))
        chosen = decision.instance if decision.action == "routing-instance" else None
        return Screened(None, counted, stateful, chosen)

    def _reject(self, packet: Packet, unit: Unit, name: str, term: str) -> Verdict:
        """ICMP unreachable (administratively prohibited) from the filter's unit, back to the sender."""
        if packet.proto == "icmp" and not icmp.is_request(packet):
            return Verdict.drop(f"filter {name} term {term}: reject (no ICMP error about an ICMP {packet.icmp})")
        source = self.interfaces.primary_address(unit)
        if source is None:
            return Verdict.drop(f"filter {name} term {term}: reject (no address on {unit.name})")
        answer = icmp.unreachable(packet, source, "admin")
        return Verdict.answer(answer.evolve(instance=self.engine.instance_of_interface(unit.name)))

    def note(self, record: Record, log: bool, syslog: bool) -> None:
        """`then log` and `then syslog` for a packet going by now."""
        if log:
            self.log.add(self.device.scheduler.epoch(), record)
        if syslog:
            self.device.event("fpc0", "PFE_FW_SYSLOG_IP", syslog_text(record))

    # -- reading and clearing ---------------------------------------------------------------------------

    def settle(self) -> None:
        """Bring the counters up to date with the probes the lab replayed but has not counted yet."""
        settle = getattr(self.device.network, "settle", None)
        if settle is not None:
            settle()

    def instances(self, flt: Filter) -> list[str]:
        """The names `show firewall` lists `flt` under: its own, or (interface-specific) one per unit
        and direction it is applied to, in the order of the units."""
        if not flt.interface_specific:
            return [flt.name]
        found = []
        for unit in self.interfaces.units.values():
            for applied, direction in ((unit.filter_in, INPUT), (unit.filter_out, OUTPUT)):
                if applied == flt.name:
                    found.append(flt.instance(unit.name, direction))
        return found

    def clear(self, name: str | None = None, counter: str | None = None) -> None:
        """`clear firewall all` (no name), `filter F`, `filter F counter C` (C as shown: for an
        interface-specific filter `C-ge-0/0/1.0-i` clears one interface's, `C` all of them)."""
        self.settle()
        for flt in self.filters.values():
            if name is not None and name != flt.name and not name.startswith(flt.name + "-"):
                continue
            for instance, counters in flt.counters.items():
                if name is not None and name not in (flt.name, instance):
                    continue
                suffix = instance[len(flt.name) :]
                for cname, value in counters.items():
                    if counter is None or counter in (cname, cname + suffix):
                        value.clear()


__all__ = [
    "INPUT",
    "OUTPUT",
    "PASS",
    "Counter",
    "Decision",
    "Filter",
    "Firewall",
    "Screened",
    "compile_filter",
    "compile_filters",
    "filter_entries",
    "run_filter",
]
