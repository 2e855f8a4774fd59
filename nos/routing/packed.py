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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from nos.routing.prefix import Prefix
from nos.routing.route import VIA, Route

if TYPE_CHECKING:
    from nos.routing.rib import Rib


class Pack:
    """The shared part of the packed routes of one family, and the tables they are filed in."""

    __slots__ = ("count", "family", "gateway", "group", "live", "ribs", "template", "unpacked")

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

    def route(self, p: Prefix) -> Route:
        """The route of destination `p`, made afresh."""
        return self.template.at(p, (self.family, p))

    def found(self, address: int, shift: int) -> Route | None:
        """What a lookup of `address` finds at this pack's entry of length 32 - shift (Rib.lookup)."""
        if not self.live:
            return None
        p = (address >> shift << shift, 32 - shift)
        return self.template.at(p, (self.family, p))

    def unpack(self, p: Prefix) -> Route:
        """Make destination `p`'s route a Route object, in every table holding the pack there."""
        route = self.route(p)
        for rib in self.ribs:
            rib.replace_packed(p, self, route)
        self.count -= 1
        self.unpacked(route, self)
        return route

    def refresh(self, resolved: tuple | None) -> bool:
        """The template resolves to `resolved` now; True when that changed whether the routes are usable
        (the caller then unpacks them to recompute each: it is a change of active route everywhere)."""
        if (resolved is None) != (self.template.resolved is None):
            return True
        self.template.resolved = resolved
        return False


__all__ = ["Pack"]
