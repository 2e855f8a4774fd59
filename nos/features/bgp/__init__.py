"""BGP (`protocols bgp`): sessions over the lab's TCP port 179, routes in and out, and its show commands
with their Junos RPCs (get-bgp-summary-information, get-bgp-neighbor-information, and
get-route-information with receive-protocol-name / advertising-protocol-name)."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

from nos.features.bgp.show import bgp_neighbor, bgp_summary, route_peer
from nos.features.bgp.speaker import Bgp
from nos.routing.prefix import prefix
from nos.runtime.features import CommandContext, CommandHandler, RpcSpec
from nos.runtime.structured import Structured

_MATCHES = ("exact", "longer", "orlonger")
ROUTE_RPC = "get-route-information"


def _peer_arguments(ctx: CommandContext) -> tuple[str, str | None, str] | list[str]:
    """`bgp ADDRESS [DESTINATION] [exact|longer|orlonger]` (read as the rest of the line, for two
    addresses in a row), with a destination or match given before (`show route P receive-protocol ...`).
    The peer, the destination and the match, or the error lines."""
    words = (ctx.arg("arguments") or "").split()
    dest = ctx.arg("destination")
    match = next((m for m in _MATCHES if ctx.has(m)), "default")
    peer = None
    for word in words:
        if word in _MATCHES:
            match = word
        elif peer is None:
            peer = word
        elif dest is None:
            dest = word
        else:
            return ["error: syntax error: " + word]
    for text in (peer, dest):
        if text is not None and not _address_like(text):
            return [f"error: invalid address: {text}"]
    if peer is None or "/" in peer:
        return [f"error: invalid address: {peer or ''}".rstrip()]
    return peer, dest, match


def _address_like(text: str) -> bool:
    try:
        ipaddress.IPv4Network(text, strict=False)
    except ValueError:
        return False
    return True


def register(device, bgp: Bgp) -> None:  # type: ignore[no-untyped-def]
    """The operational commands and their RPCs (show.py builds their XML from the sessions' state).
    NETCONF clients pass `instance` (napalm does) and `neighbor-address`, which the CLI lacks."""

    async def summary(ctx: CommandContext) -> Structured:
        return bgp_summary(bgp, device.scheduler.now(), ctx.arg("instance"))

    async def neighbor(ctx: CommandContext) -> Structured:
        return bgp_neighbor(bgp, ctx.arg("address"), ctx.arg("instance"))

    def by_peer(direction: str) -> CommandHandler:
        async def handler(ctx: CommandContext) -> list[str] | Structured:
            parsed = _peer_arguments(ctx)
            if isinstance(parsed, list):
                return parsed
            peer, dest, match = parsed
            return route_peer(bgp, direction, peer, prefix(dest) if dest else None, match)

        return handler

    device.features.command(
        "show-bgp-summary",
        summary,
        RpcSpec("get-bgp-summary-information", "show-bgp-summary", ("show", "bgp", "summary")),
    )
    device.features.command(
        "show-bgp-neighbor",
        neighbor,
        RpcSpec(
            "get-bgp-neighbor-information",
            "show-bgp-neighbor",
            ("show", "bgp", "neighbor"),
            args={"neighbor-address": "address"},
        ),
    )
    receive, advertise = by_peer("receive"), by_peer("advertise")
    # Their RPC is show route's (get-route-information with receive-/advertising-protocol-name): NETCONF
    # calls it by name through show route's handler (below); `<command>` finds them by their action.
    for action, handler in (("show-route-receive-protocol", receive), ("show-route-advertising-protocol", advertise)):
        words = ("show", "route", action.removeprefix("show-route-"))
        device.features.command(action, handler, RpcSpec(ROUTE_RPC, action, words))
    _route_information(device, receive, advertise)


def _route_information(device, receive: CommandHandler, advertise: CommandHandler) -> None:  # type: ignore[no-untyped-def]
    """get-route-information with `<receive-protocol-name>bgp</receive-protocol-name><peer>A</peer>`
    (or `<advertising-protocol-name>` with `<neighbor>` or `<peer>`) is `show route receive-protocol
    |advertising-protocol bgp A`; without them it stays `show route`. The registry holds one command
    per RPC name, so `show route`'s handler (registered by the routing feature, before this one) is
    wrapped here rather than replaced (and the RPC registered if routing has not)."""
    plain = device.features.commands.get("show-route")

    async def route(ctx: CommandContext) -> object:
        for name, handler in (("receive-protocol-name", receive), ("advertising-protocol-name", advertise)):
            protocol = ctx.arg(name)
            if protocol is None:
                continue
            if protocol != "bgp":
                return [f"error: {protocol}: protocol not supported (bgp only)"]
            peer = ctx.arg("peer") or ctx.arg("neighbor") or ""
            words = [peer, *(m for m in _MATCHES if ctx.has(m))]
            args = {"arguments": " ".join(words), "destination": ctx.arg("destination")}
            return await handler(replace(ctx, args=args))
        return await plain(ctx) if plain is not None else []

    rpc = None if ROUTE_RPC in device.features.rpcs else RpcSpec(ROUTE_RPC, "show-route", ("show", "route"))
    device.features.command("show-route", route, rpc)


__all__ = ["Bgp", "register"]
