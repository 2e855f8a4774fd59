"""The routing feature: applies routing-options / routing-instances / policy-options to the engine,
and answers `show route` (and its RPCs: get-route-information, get-route-summary-information,
get-instance-information, get-forwarding-table-information)."""

from __future__ import annotations

import ipaddress

from nos.config.query import child, entries, value
from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.routing.engine import RoutingEngine
from nos.routing.prefix import Prefix, addr_text, prefix
from nos.routing.show import (
    RouteQuery,
    forwarding_answer,
    instance_answer,
    route_answer,
    show_route_summary,
)
from nos.runtime.features import CommandContext, Feature, RpcSpec
from nos.runtime.structured import Structured

# What get-route-information takes, in the order `| display xml rpc` lists it.
ROUTE_RPC_ARGS = (
    "destination",
    "table",
    "protocol",
    "exact",
    "longer",
    "orlonger",
    "active-path",
    "hidden",
    "terse",
    "brief",
    "detail",
    "extensive",
)
# The protocols `show route protocol` knows (grammar/operational/routing.schema).
PROTOCOLS = frozenset({"access", "access-internal", "aggregate", "ari-ts", "bgp", "direct", "local", "ospf", "static"})


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
        self.router_ids: dict[str, str | None] = {}  # instance -> its configured router-id

    def verify(self, new: Node) -> list[CheckError]:
        return []

    def effective_router_id(self) -> str:
        """`routing-options router-id`, else the one derived from the interfaces (lo0's address first;
        the rule is `default_router_id` in nos/features/interfaces/state.py, BGP's too)."""
        if self.router_id:
            return self.router_id
        derive = getattr(self.interfaces, "router_id", None)
        return addr_text(derive()) if derive is not None else "0.0.0.0"

    def effective_router_ids(self) -> dict[str, str | None]:
        """Each instance's router ID as `show route instance detail` shows it: the master's derived
        when not configured, another instance's as configured (0.0.0.0 when not)."""
        return {**self.router_ids, "master": self.effective_router_id()}

    def apply(self, old: Node, new: Node) -> None:
        options = child(new, "routing-options")
        self.router_id = value(options, "router-id")
        asn = child(options, "autonomous-system")
        self.asn = value(asn, "as-number") if asn is not None else value(options, "autonomous-system")
        self.router_ids = {"master": self.router_id}
        for (name,), entry in entries(child(new, "routing-instances"), "instance").items():
            self.router_ids[name] = value(child(entry, "routing-options"), "router-id")
        with self.engine.batch():
            self.engine.configure(new)  # reads again only the statements the commit changed
            if self.interfaces is not None:
                self.interfaces.apply(old, new)  # its own apply, next, then finds nothing new


def _asked(ctx: CommandContext, names: tuple[str, ...], renamed: dict[str, str] | None = None) -> dict[str, str | bool]:
    """The RPC's arguments as the command got them (`| display xml rpc`)."""
    out: dict[str, str | bool] = {}
    for rpc_name in names:
        v = ctx.args.get((renamed or {}).get(rpc_name, rpc_name))
        if isinstance(v, str) and v:
            out[rpc_name] = v
        elif v is True:
            out[rpc_name] = True
    return out


def _bad_argument(value: str) -> Exception:
    """What an RPC with an argument the CLI grammar would have refused answers (as Junos: a syntax
    error naming it, which napalm reads as `bad_element`). Only NETCONF gets here."""
    from nos.net.netconf.xml import failed  # the CLI parses its arguments before a handler runs

    return failed("syntax error", type="protocol", bad_element=value)


def _destination(text: str | None) -> Prefix | None:
    if not text:
        return None
    try:
        ipaddress.IPv4Network(text, strict=False)
    except ValueError:
        raise _bad_argument(text) from None
    return prefix(text)


def register(device, feature: RoutingFeature) -> None:  # type: ignore[no-untyped-def]
    engine = feature.engine

    async def route(ctx: CommandContext) -> Structured:
        protocol = ctx.arg("protocol")
        if protocol is not None:
            protocol = protocol.lower()
            if protocol not in PROTOCOLS:
                raise _bad_argument(protocol)
        query = RouteQuery(
            destination=_destination(ctx.arg("destination")),
            match=next((m for m in ("exact", "longer", "orlonger") if ctx.has(m)), "default"),
            table=ctx.arg("table"),
            protocol=protocol,
            hidden=ctx.has("hidden"),
            style=next((s for s in ("terse", "detail", "extensive") if ctx.has(s)), "brief"),
            active_path=ctx.has("active-path"),
        )
        return route_answer(engine, device.scheduler.epoch(), query, _asked(ctx, ROUTE_RPC_ARGS))

    async def summary(ctx: CommandContext) -> Structured:
        return show_route_summary(engine, feature.effective_router_id(), feature.asn)

    async def instance(ctx: CommandContext) -> Structured:
        style = "detail" if ctx.has("detail") else "summary" if ctx.has("summary") else "terse"
        asked = _asked(ctx, ("instance-name", "detail", "summary"), {"instance-name": "name"})
        return instance_answer(engine, ctx.arg("name"), style, feature.effective_router_ids(), asked)

    async def forwarding(ctx: CommandContext) -> Structured:
        dest = _destination(ctx.arg("destination"))
        asked = _asked(ctx, ("destination", "table", "summary"))
        return forwarding_answer(engine, ctx.arg("table"), dest[0] if dest else None, ctx.has("summary"), asked)

    device.features.command(
        "show-route",
        route,
        RpcSpec("get-route-information", "show-route", ("show", "route")),
    )
    device.features.command(
        "show-route-summary",
        summary,
        RpcSpec("get-route-summary-information", "show-route-summary", ("show", "route", "summary")),
    )
    device.features.command(
        "show-route-instance",
        instance,
        RpcSpec(
            "get-instance-information",
            "show-route-instance",
            ("show", "route", "instance"),
            args={"instance-name": "name"},
        ),
    )
    device.features.command(
        "show-route-forwarding-table",
        forwarding,
        RpcSpec(
            "get-forwarding-table-information", "show-route-forwarding-table", ("show", "route", "forwarding-table")
        ),
    )
