"""The routing feature: applies routing-options / routing-instances / policy-options to the engine,
and answers `show route`."""

from __future__ import annotations

from nos.config.query import child, value
from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.routing.engine import RoutingEngine
from nos.routing.prefix import prefix
from nos.routing.show import (
    RouteQuery,
    show_forwarding_table,
    show_route,
    show_route_instance,
    show_route_summary,
)
from nos.runtime.features import CommandContext, Feature, RpcSpec
from nos.runtime.structured import Structured


class RoutingFeature:
    """Routing's part of a commit. With `interfaces` (the feature applied next), the interface
    changes join the same batch: one commit is one batch, each destination it touches is
    recomputed once (a static route is not resolved once without its interface and once with it)."""

    name = "routing"

    def __init__(self, engine: RoutingEngine, interfaces: Feature | None = None):
        self.engine = engine
        self.interfaces = interfaces
        self.router_id: str | None = None
        self.asn: str | None = None

    def verify(self, new: Node) -> list[CheckError]:
        return []

    def apply(self, old: Node, new: Node) -> None:
        options = child(new, "routing-options")
        self.router_id = value(options, "router-id")
        asn = child(options, "autonomous-system")
        self.asn = value(asn, "as-number") if asn is not None else value(options, "autonomous-system")
        with self.engine.batch():
            self.engine.configure(new)  # reads again only the statements the commit changed
            if self.interfaces is not None:
                self.interfaces.apply(old, new)  # its own apply, next, then finds nothing new


def register(device, feature: RoutingFeature) -> None:  # type: ignore[no-untyped-def]
    engine = feature.engine

    async def route(ctx: CommandContext) -> list[str]:
        dest = ctx.arg("destination")
        match = next((m for m in ("exact", "longer", "orlonger") if ctx.has(m)), "default")
        style = next((s for s in ("terse", "detail", "extensive") if ctx.has(s)), "brief")
        query = RouteQuery(
            destination=prefix(dest) if dest else None,
            match=match,
            table=ctx.arg("table"),
            protocol=ctx.arg("protocol"),
            hidden=ctx.has("hidden"),
            style=style,
        )
        return show_route(engine, device.scheduler.epoch(), query)

    async def summary(ctx: CommandContext) -> Structured:
        return show_route_summary(engine, feature.router_id, feature.asn)

    async def instance(ctx: CommandContext) -> list[str]:
        return show_route_instance(engine, ctx.arg("name"))

    async def forwarding(ctx: CommandContext) -> list[str]:
        dest = ctx.arg("destination")
        return show_forwarding_table(engine, ctx.arg("table"), prefix(dest)[0] if dest else None)

    device.features.command("show-route", route)
    device.features.command(
        "show-route-summary",
        summary,
        RpcSpec("get-route-summary-information", "show-route-summary", ("show", "route", "summary")),
    )
    device.features.command("show-route-instance", instance)
    device.features.command("show-route-forwarding-table", forwarding)
