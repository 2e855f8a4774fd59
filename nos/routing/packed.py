"""Packed routes: many routes alike but for their destination, filed without a Route object each.

A full table learnt from one neighbour (a million destinations, one gateway)
would otherwise cost, per destination, a Route object, a prefix tuple, a source
key and the engine's entries for them: some 400 bytes. Packed, it costs the
tables' dict entries. The engine's `add_prefixes` makes a Pack from a template
route; the route of a packed destination is `template.at(prefix, (family,
prefix))`, where `family` is the template's source.

A lookup or a listing of a packed destination gets that Route made for the
occasion (equal each time, not the same object). Anything that needs the route
itself (the active route or the candidates of the destination, which every
change there asks for first; its source withdrawn or added again) unpacks it:
the Route is made once, put in every table holding the pack in its place, and
handed to the engine, which from then on owns it like any other route.

What happens to many of them at once stays packed: the gateway going
unreachable (or reachable again) flips the pack (`flip`: every table holding it
reads its routes as hidden, or active, from then on), and a neighbour's
withdrawal takes the packed entries out of the tables (the engine's
`withdraw_prefixes`), a Route object made only for the listeners to hear.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from typing import TYPE_CHECKING

from nos.routing.prefix import Prefix
from nos.routing.route import VIA, Route

if TYPE_CHECKING:
    from nos.routing.rib import Rib


class PackedRoute(Route):
    """What a lookup finds at a packed destination: the pack's template seen at that destination.

    Read-only, and made with three assignments where a Route made for the occasion takes seventeen
    and two tuples: forwarding looks up every packet, and making the route was most of a lookup's
    cost. Its prefix is computed when read; every other attribute is the template's (`source` is
    the family's and the prefix, as for a route of the pack).
    """

    __slots__ = ("_address", "_shift", "_template")

    @property  # type: ignore[override]
    def prefix(self) -> Prefix:
        shift = self._shift
        return (self._address >> shift << shift, 32 - shift)

    @property  # type: ignore[override]
    def source(self) -> object:
        return (self._template.source, self.prefix)


def _read_through(name: str) -> property:
    return property(lambda self: getattr(self._template, name))


for _name in (
    "protocol",
    "next_hops",
    "table",
    "since",
    "preference",
    "metric",
    "local_pref",
    "preference2",
    "tag",
    "as_path",
    "resolve",
    "primary",
    "resolved",
    "seq",
    "copies",
):
    setattr(PackedRoute, _name, _read_through(_name))

_new = object.__new__


class Pack:
    """The shared part of the packed routes of one family, and the tables they are filed in."""

    __slots__ = ("count", "family", "gateway", "group", "keys", "live", "ribs", "template", "unpacked")

    def __init__(self, template: Route, ribs: list[Rib], group: str | None, unpacked: Callable[[Route, Pack], None]):
        self.template = template  # its prefix and source stand for nothing; resolved, seq and copies are shared
        self.family = template.source
        self.ribs = ribs  # the primary table first, then those holding copies (template.copies)
        self.group = group  # the rib-group that made the copies
        self.unpacked = unpacked  # the engine takes an unpacked route in
        hop = template.next_hops[0]
        self.gateway = hop.gateway if hop.kind == VIA else None  # what the resolution depends on
        self.live = template.resolved is not None  # usable: active in every table holding it
        self.count = 0  # destinations still packed
        # Where it was filed, as `network << 6 | length` in filing order (8 bytes a destination): a flip
        # reads the pack's own destinations, not the tables. Those unpacked or withdrawn since stay until
        # `compact` (a destination filed again after leaving is there twice).
        self.keys = array("Q")

    def route(self, p: Prefix) -> Route:
        """The route of destination `p`, made afresh."""
        return self.template.at(p, (self.family, p))

    def found(self, address: int, shift: int) -> Route | None:
        """What a lookup of `address` finds at this pack's entry of length 32 - shift (Rib.lookup)."""
        if not self.live:
            return None
        route = _new(PackedRoute)
        route._address = address
        route._shift = shift
        route._template = self.template
        return route

    def unpack(self, p: Prefix) -> Route:
        """Make destination `p`'s route a Route object, in every table holding the pack there."""
        route = self.route(p)
        for rib in self.ribs:
            rib.replace_packed(p, self, route)
        self.count -= 1
        self.left()
        self.unpacked(route, self)
        return route

    def refresh(self, resolved: tuple | None) -> bool:
        """The template resolves to `resolved` now; True when that changed whether the routes are usable
        (the caller then flips the pack, or unpacks its routes to recompute each)."""
        if (resolved is None) != (self.template.resolved is None):
            return True
        self.template.resolved = resolved
        return False

    def flip(self, resolved: tuple | None) -> None:
        """The routes become usable (active where they are filed) or unusable (hidden), all at once:
        every reader of a packed entry (Rib.lookup, counts, active_items, unpack) follows `live`."""
        self.template.resolved = resolved
        self.live = resolved is not None

    def compact(self) -> array:
        """The destinations still packed, each once, as `keys` holds them (stale ones dropped)."""
        keys = self.keys
        if len(keys) != self.count:  # every packed destination is there: a longer array has stale ones
            holds, pack = self.ribs[0].holds_pack, self
            keys = self.keys = array("Q", dict.fromkeys(k for k in keys if holds((k >> 6, k & 63), pack)))
        return keys

    def destinations(self) -> list[Prefix]:
        """The destinations still packed."""
        return [(k >> 6, k & 63) for k in self.compact()]

    def left(self) -> None:
        """Destinations left the pack: forget them once they outnumber those still there."""
        if len(self.keys) > 2 * self.count + 4096:
            self.compact()


__all__ = ["Pack"]
