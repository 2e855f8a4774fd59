"""The Lab: nodes, links, one clock, one seeded RNG and a timeline of what changed.

A lab is built from a lab file (labfile.py). Each device node is a nos
`Device`, made the way `nos cli` makes one, on the lab's scheduler; the lab
sets `device.network` (what carries the device's own packets: the lab's
`exchange`) and `device.lab` (what `request lab ...` and `show lab ...` reach),
and installs the device's features when `nos.features.install` exists. The
lab never imports the features or the CLI at module level (DESIGN.md).
"""

from __future__ import annotations

import importlib
import ipaddress
import itertools
import random
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import trio

from nos.config.load import load_override
from nos.config.tree import ConfigTree
from nos.lab import walk
from nos.lab.labfile import LabFileError, LabSpec, NodeSpec, address_conflicts
from nos.lab.nodes import BaseNode, DeviceNode, HostNode, InternetNode
from nos.lab.packet import Exchange, Packet
from nos.routing.show import describe_change
from nos.runtime.clock import BaseScheduler, TrioScheduler
from nos.runtime.device import ConfigRejected, Device
from nos.schema.compile import load_schema
from nos.schema.model import SchemaNode

# Device log processes and what kind of lab event they stand for.
EVENT_KINDS = {
    "mib2d": "interface",
    "rpd": "route",
    "rmopd": "probe",
    "rpmd": "probe",
    "ipmon": "probe",
    "jsrpd": "ha",
    "chassisd": "ha",
    "srgd": "ha",
    "kmd": "vpn",
    "iked": "vpn",
    "mgd": "config",
    "RT_FLOW": "flow",  # session logs of the policies that ask (nos/features/flow/sessionlog.py)
}


class LabError(Exception):
    """A lab command that cannot be done (unknown node, no such link); the message is one line."""


@dataclass
class Link:
    index: int
    a: tuple[str, str]  # (node, port)
    b: tuple[str, str]
    latency_ms: float = 1.0
    loss_pct: float = 0.0
    up: bool = True
    packets: int = 0  # link crossings (both directions)
    lost: int = 0  # of which lost to `loss`

    def far_end(self, node: str, port: str) -> tuple[str, str]:
        return self.b if (node, port) == self.a else self.a

    def label(self) -> str:
        return f"{self.a[0]}:{self.a[1]} -- {self.b[0]}:{self.b[1]}"


@dataclass(frozen=True)
class LabEvent:
    time: float  # lab seconds since start
    node: str  # the node it happened on ("lab" for the lab's own)
    kind: str  # link, interface, route, probe, ha, vpn, config, blackhole, ...
    text: str
    related: tuple[str, ...] = ()  # other nodes it concerns (both ends of a link)

    def concerns(self, node: str) -> bool:
        return self.node == node or node in self.related


BULK_ROUTE_EVENTS = 8  # more BGP route changes than this at one moment: one timeline line per table


class Lab:
    """A running lab. It is also the `Network` its devices send their own packets into."""

    def __init__(self, name: str, scheduler: BaseScheduler, seed: int = 1, *, guide: str = ""):
        self.name = name
        self.scheduler = scheduler
        self.seed = seed
        self.guide = guide
        self.rng = random.Random(seed)
        # Bumped by every change that can alter a packet's walk (links, blackholes, a device's routes,
        # interfaces or configuration): recorded journeys of older generations are walked again.
        self.generation = 0
        self._owed: list[walk.Journey] = []  # journeys replayed but not yet counted (Lab.settle)
        self.nodes: dict[str, Any] = {}  # name -> LabNode
        self.links: list[Link] = []
        self._ends: dict[tuple[str, str], Link] = {}
        self.events: list[LabEvent] = []
        self.event_listeners: list[Callable[[LabEvent], None]] = []
        self._idents = itertools.count(1)
        self._tmp: str | None = None  # a state directory the lab made and removes
        self.spec: LabSpec | None = None  # the lab file it was built from
        self._console: Any = None

    # -- building -------------------------------------------------------------------------------------

    def add_node(self, node: Any) -> None:
        if node.name in self.nodes:
            raise LabError(f"node '{node.name}' exists")
        self.nodes[node.name] = node
        served = getattr(node, "tcp", None)
        if served is not None:  # a server forgets idle connections on the lab's clock
            served.now = self.now

    def add_link(self, a: tuple[str, str], b: tuple[str, str], latency_ms: float = 1.0, loss_pct: float = 0.0) -> Link:
        for end in (a, b):
            if end[0] not in self.nodes:
                raise LabError(f"unknown node '{end[0]}'")
            if end in self._ends:
                raise LabError(f"port {end[0]}:{end[1]} already has a link")
        link = Link(len(self.links) + 1, a, b, latency_ms, loss_pct)
        self.links.append(link)
        self._ends[a] = self._ends[b] = link
        return link

    @property
    def devices(self) -> dict[str, Any]:
        """The nos devices of the lab, by node name."""
        return {n.name: n.device for n in self.nodes.values() if isinstance(n, DeviceNode)}

    # -- the walk (Network protocol) ---------------------------------------------------------------------

    def exchange(self, origin: str, packet: Packet) -> Exchange:
        """Send `packet` from node `origin`; walk it and any answer back (see walk.py)."""
        if origin not in self.nodes:
            raise LabError(f"unknown node '{origin}'")
        return walk.exchange(self, origin, packet)

    def probe(self, origin: str, packet: Packet, memo: object) -> tuple[Packet | None, float, object]:
        """An exchange replayed from `memo` while the lab is unchanged (see walk.Journey)."""
        if memo.__class__ is not walk.Journey or memo.generation != self.generation:  # type: ignore[attr-defined]
            if origin not in self.nodes:
                raise LabError(f"unknown node '{origin}'")
            recorded = walk.record(self, origin, packet, self.generation)
            if recorded.stateful:  # the recording went through an SRX's sessions: it was this probe's walk
                reply, rtt = walk.replay(self, recorded)  # (its counts and loss draws)
                return reply, rtt, recorded
            memo = recorded
        journey: walk.Journey = memo  # type: ignore[assignment]
        if journey.stateful:  # through an SRX's sessions: walked for real, every time
            ex = walk.exchange(self, origin, packet)
            return ex.reply, ex.rtt_ms, journey
        if journey.lossy:
            reply, rtt = walk.replay(self, journey)
            return reply, rtt, journey
        if not journey.owed:
            self._owed.append(journey)
        journey.owed += 1
        return journey.reply, journey.rtt_ms, journey

    def settle(self) -> None:
        """Bring link and interface counters up to date with the probes replayed (before reading them)."""
        for journey in self._owed:
            walk.settle(journey)
        self._owed.clear()

    def invalidate(self) -> None:
        """Something that packets depend on changed: recorded journeys must be walked again."""
        self._changed()

    def _changed(self) -> None:
        if self._owed:  # called once per route of a BGP feed: skip the call when nothing is owed
            self.settle()
        self.generation += 1

    def link_at(self, node: str, port: str) -> Link | None:
        return self._ends.get((node, port))

    def draw(self) -> float:
        return self.rng.random()

    def next_ident(self) -> int:
        """An id for a ping or traceroute run (echo id, UDP source port): unique and reproducible."""
        return next(self._idents) & 0xFFFF

    # -- changes ---------------------------------------------------------------------------------------------

    def node(self, name: str) -> Any:
        node = self.nodes.get(name)
        if node is None:
            raise LabError(f"unknown node '{name}'")
        return node

    def find_link(self, end: str, other: str | None = None) -> Link:
        """The link on `NODE:port` (and, when given, whose other end is `other`)."""
        a = self._endpoint(end)
        link = self._ends.get(a)
        if link is None:
            raise LabError(f"no link on {end}")
        if other is not None and link.far_end(*a) != self._endpoint(other):
            raise LabError(f"the link on {end} goes to {':'.join(link.far_end(*a))}, not {other}")
        return link

    def _endpoint(self, text: str) -> tuple[str, str]:
        if text.count(":") != 1:
            raise LabError(f"bad link end '{text}' (expected NODE:port)")
        name, port = text.split(":")
        self.node(name)
        return name, port

    def set_link_state(self, link: Link, up: bool) -> bool:
        """Bring a link up or down; tell both ends. False when it already was."""
        if link.up == up:
            return False
        link.up = up
        self._changed()
        state = "up" if up else "down"
        self.add_event("lab", "link", f"{link.label()} {state}", related=(link.a[0], link.b[0]))
        for name, port in (link.a, link.b):
            tell = getattr(self.nodes[name], "set_link", None)
            if tell is not None:
                tell(port, up)
        return True

    def set_link_quality(self, link: Link, *, loss_pct: float | None = None, latency_ms: float | None = None) -> str:
        """Change a link's loss or latency; returns what changed, as the timeline says it."""
        if loss_pct is not None:
            link.loss_pct = loss_pct
            text = f"loss {loss_pct:g}%"
        else:
            assert latency_ms is not None
            link.latency_ms = latency_ms
            text = f"latency {latency_ms:g} ms"
        self._changed()
        self.add_event("lab", "link", f"{link.label()} {text}", related=(link.a[0], link.b[0]))
        return text

    def set_blackhole(self, name: str, prefix: ipaddress.IPv4Network, on: bool) -> bool:
        node = self.node(name)
        changed = node.blackhole(prefix) if on else node.unblackhole(prefix)
        if changed:
            self._changed()
            self.add_event(name, "blackhole", f"{'drops' if on else 'no longer drops'} traffic to {prefix}")
        return changed

    # -- time and timeline -------------------------------------------------------------------------------------

    def now(self) -> float:
        """Lab seconds since start."""
        return self.scheduler.now()

    def add_event(self, node: str, kind: str, text: str, related: tuple[str, ...] = ()) -> LabEvent:
        """Put an event on the lab's timeline (devices and features call this: interfaces, routes, probes, HA)."""
        event = LabEvent(self.now(), node, kind, text, related)
        self.events.append(event)
        for listener in list(self.event_listeners):
            listener(event)
        return event

    def _device_event(self, node: str) -> Callable[[Any], None]:
        """A listener for a device's log: its events join the lab's timeline."""

        def listen(event: Any) -> None:
            if event.process == "mib2d":  # an interface changed: the walk may change with it
                self._changed()
            kind = EVENT_KINDS.get(event.process, event.process)
            self.add_event(node, kind, f"{event.tag}: {event.message}")

        return listen

    def _route_event(self, node: str) -> _RouteTimeline:
        """A listener for a device's routing engine: active-route changes join the timeline."""
        return _RouteTimeline(self, node)

    async def sleep(self, seconds: float) -> None:
        """Let lab time pass: on the virtual clock it jumps, on the others it is waited for."""
        await sleep(self.scheduler, seconds)

    # -- console ----------------------------------------------------------------------------------------------

    @property
    def console(self) -> Any:
        """The lab console engine (console.py) that `request lab ...` and `show lab ...` reach."""
        if self._console is None:
            from nos.lab.console import LabConsole  # console imports this module

            self._console = LabConsole(self)
        return self._console

    async def command(self, line: str) -> list[str]:
        """Run one lab console command from inside a device CLI (`request lab link ... down`)."""
        return await self.console.execute(line, inside_device=True)

    # -- running -----------------------------------------------------------------------------------------------

    @asynccontextmanager
    async def running(self) -> AsyncIterator[trio.Nursery]:
        """Run the lab's clock (its scheduler task) for the body; stop everything after."""
        async with trio.open_nursery() as nursery:
            if isinstance(self.scheduler, TrioScheduler):
                await nursery.start(_run_scheduler, self.scheduler)
            try:
                yield nursery
            finally:
                nursery.cancel_scope.cancel()

    def close(self) -> None:
        for device in self.devices.values():
            device.close()  # releases its state directory
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None


class _RouteTimeline:
    """A device's active-route changes on the lab's timeline: one line each, except BGP's, told at the
    end of the moment: a few one by one, a feed (an UPDATE's thousands) as one line per table."""

    def __init__(self, lab: Lab, node: str):
        self.lab = lab
        self.node = node
        self.few: list[tuple[str, Any, Any, Any]] = []  # the first BGP changes of this moment
        self.counts: dict[str, list[int]] = {}  # table -> [added, removed, changed] this moment
        self.total = 0

    def __call__(self, table: str, p: Any, old: Any, new: Any) -> None:
        self.lab._changed()
        if (new or old).protocol == "BGP":
            self._note(table, [p], old, new)
            return
        text = describe_change(table, p, old, new)
        if text is not None:
            self.lab.add_event(self.node, "route", text)

    def bulk(self, table: str, prefixes: list[Any], old: Any, new: Any) -> None:
        """Packed destinations (a feed) that changed alike: counted, not told one by one."""
        self.lab._changed()
        self._note(table, prefixes, old, new)

    def _note(self, table: str, prefixes: list[Any], old: Any, new: Any) -> None:
        if not self.total:
            self.lab.scheduler.call_later(0.0, self._tell)
        room = BULK_ROUTE_EVENTS + 1 - len(self.few)
        if room > 0:
            self.few.extend((table, p, old, new) for p in prefixes[:room])
        self.total += len(prefixes)
        counts = self.counts.setdefault(table, [0, 0, 0])
        counts[0 if old is None else 1 if new is None else 2] += len(prefixes)

    def _tell(self) -> None:
        few, counts, total = self.few, self.counts, self.total
        self.few, self.counts, self.total = [], {}, 0
        if total <= BULK_ROUTE_EVENTS:
            for change in few:
                text = describe_change(*change)
                if text is not None:
                    self.lab.add_event(self.node, "route", text)
            return
        for table, (added, removed, changed) in counts.items():
            counted = ((added, "added"), (removed, "removed"), (changed, "changed"))
            parts = [f"{n} {what}" for n, what in counted if n]
            self.lab.add_event(self.node, "route", f"{table}: BGP routes: {', '.join(parts)}")


async def _run_scheduler(scheduler: TrioScheduler, task_status: Any = trio.TASK_STATUS_IGNORED) -> None:
    # run() sets the clock's zero before it first yields, so the lab's time is right once start() returns.
    task_status.started()
    await scheduler.run()


async def sleep(scheduler: BaseScheduler, seconds: float) -> None:
    if seconds <= 0:
        return
    if isinstance(scheduler, TrioScheduler):
        await scheduler.sleep(seconds)
    else:
        scheduler.advance(seconds)  # type: ignore[attr-defined]  # ManualScheduler (tests)


def format_lab_time(seconds: float) -> str:
    """Lab time as transcripts and the timeline print it: `00:01:05`."""
    s = int(seconds + 1e-9)
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


# -- building a lab from its file ----------------------------------------------------------------------------


def build_lab(
    spec: LabSpec,
    *,
    scheduler: BaseScheduler | None = None,
    clock: str | None = None,
    speed: float | None = None,
    state_dir: Path | None = None,
) -> Lab:
    """Make the lab a lab file describes: its devices (configured and committed), hosts, Internet, links."""
    if scheduler is None:
        scheduler = TrioScheduler(clock or spec.clock, speed or spec.speed)
    lab = Lab(spec.name, scheduler, spec.seed, guide=spec.guide)
    lab.spec = spec
    if state_dir is None and any(n.kind == "device" for n in spec.nodes.values()):
        lab._tmp = tempfile.mkdtemp(prefix=f"nos-lab-{spec.name[:64]}-")
        state_dir = Path(lab._tmp)
    linked: dict[str, list[str]] = {}
    for link in spec.links:
        for name, port in (link.a, link.b):
            linked.setdefault(name, []).append(port)
    try:
        for node in spec.nodes.values():
            ports = linked.get(node.name, [])
            if node.kind == "device":
                assert state_dir is not None
                lab.add_node(_device_node(lab, node, ports, state_dir / node.name, durable=lab._tmp is None))
            elif node.kind == "host":
                lab.add_node(HostNode(node.name, node.addresses[0], node.gateway, node.ports, node.listen, node.ttl))
            else:
                spans = node.bgp.spans() if node.bgp is not None else None
                lab.add_node(InternetNode(node.name, node.ports, node.addresses, node.serves, spans))
        configured = {n.name: n.addresses() for n in lab.nodes.values() if isinstance(n, DeviceNode)}
        conflicts = address_conflicts(spec, configured)
        if conflicts:
            raise LabFileError(conflicts)
        for link in spec.links:
            lab.add_link(link.a, link.b, link.latency_ms, link.loss_pct)
        for name, ports in linked.items():
            n = lab.nodes[name]
            if isinstance(n, BaseNode) and not isinstance(n, DeviceNode):
                for port in ports:
                    n.set_link(port, True)
        _start_speakers(lab, spec)
    except BaseException:
        lab.close()
        raise
    return lab


def _start_speakers(lab: Lab, spec: LabSpec) -> None:
    """The Internet nodes' BGP speakers, started: their sessions come up on the lab's clock.

    nos.features.bgp.labpeer is imported here, and only for a lab that has one (the lab never
    imports the features at module level). A feed is handed over as a `range` of keys."""
    wanted = [n for n in spec.nodes.values() if n.kind == "internet" and n.bgp is not None]
    if not wanted:
        return
    from nos.features.bgp.labpeer import Announcement, LabPeer

    for node in wanted:
        bgp = node.bgp
        assert bgp is not None
        announcements = [Announcement(f.keys(), f.path) for f in bgp.feeds]
        if bgp.announce:
            keys = tuple(int(n.network_address) << 6 | n.prefixlen for n in bgp.announce)
            announcements.insert(0, Announcement(keys))
        neighbors = {int(address): asn for address, asn in bgp.neighbors.items()}
        internet = lab.nodes[node.name]
        internet.bgp = LabPeer(
            internet, lab, bgp.asn, int(bgp.router_id), neighbors, announcements, hold_time=bgp.hold_time
        )
        internet.bgp.start()


def _device_node(lab: Lab, spec: NodeSpec, ports: list[str], state_dir: Path, *, durable: bool) -> DeviceNode:
    """A nos device as `nos cli` makes one, on the lab's clock, cabled on its linked ports, then configured.

    Its configuration file is read before the device exists, so a device with one never builds (and
    commits) the factory configuration it would replace. The state of a lab's temporary folder is
    not `durable`: it is deleted when the lab ends, so its commits skip fsync."""
    schema = load_schema()
    config = _read_config(schema.root, spec.config, spec.config_text) if spec.config is not None else None
    device = Device(
        schema, lab.scheduler, hostname=spec.name, state_dir=state_dir, factory=config is None, durable=durable
    )
    try:
        return _wire_device(lab, spec, ports, device, config)
    except BaseException:
        device.close()  # not in the lab yet, so lab.close() would not release it
        raise


def _wire_device(lab: Lab, spec: NodeSpec, ports: list[str], device: Device, config: ConfigTree | None) -> DeviceNode:
    device.network = lab
    device.lab = lab
    device.node_name = spec.name
    device.cabled = True  # only the ports with a lab link have a link
    device.platform = spec.platform  # before the features: the data plane runs in its mode from the start
    listeners = getattr(device, "event_listeners", None)
    if listeners is not None:
        listeners.append(lab._device_event(spec.name))
    _install_features(device)
    node = DeviceNode(spec.name, device, ports)
    for port in ports:
        node.set_link(port, True)
    if config is not None:
        assert spec.config is not None
        try:
            device.start_with(config, f"loaded from {spec.config.name}")
        except ConfigRejected as exc:
            raise LabFileError([*exc.lines, f"{spec.config}: commit failed"]) from None
    engine = getattr(device, "routing", None)
    if engine is not None:  # route changes from here on join the timeline (the initial tables do not)
        timeline = lab._route_event(spec.name)
        engine.listen(timeline, timeline.bulk)
    return node


def _install_features(device: Device) -> None:
    """`nos.features.install(device)` when the features offer it (imported here, not at module level)."""
    try:
        features = importlib.import_module("nos.features")
    except ImportError:
        return
    install = getattr(features, "install", None)
    if install is not None:
        install(device)


def _read_config(schema_root: SchemaNode, path: Path, text: str) -> ConfigTree:
    """A device's configuration (curly or set, read with the lab file), as `nos cli --config` reads one."""
    tree = ConfigTree(schema_root)
    report = load_override(tree, text, str(path))
    if report.errors:
        raise LabFileError([*report.messages, f"{path}: {report.errors} errors; configuration not loaded"])
    return tree


__all__ = ["EVENT_KINDS", "Lab", "LabError", "LabEvent", "Link", "build_lab", "format_lab_time", "sleep"]
