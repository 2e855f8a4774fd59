"""BGP (`protocols bgp`): sessions over the lab's TCP port 179, routes in and out, and its show commands."""

from __future__ import annotations

import ipaddress

from nos.features.bgp.show import show_bgp_neighbor, show_bgp_summary, show_route_peer
from nos.features.bgp.speaker import Bgp
from nos.routing.prefix import prefix
from nos.runtime.features import CommandContext

_MATCHES = ("exact", "longer", "orlonger")


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
    """The operational commands (show.py renders them from the sessions' state)."""

    async def summary(ctx: CommandContext) -> list[str]:
        return show_bgp_summary(bgp, device.scheduler.now())

    async def neighbor(ctx: CommandContext) -> list[str]:
        return show_bgp_neighbor(bgp, ctx.arg("address"))

    def by_peer(direction: str):  # type: ignore[no-untyped-def]
        async def handler(ctx: CommandContext) -> list[str]:
            parsed = _peer_arguments(ctx)
            if isinstance(parsed, list):
                return parsed
            peer, dest, match = parsed
            return show_route_peer(bgp, direction, peer, prefix(dest) if dest else None, match)

        return handler

    device.features.command("show-bgp-summary", summary)
    device.features.command("show-bgp-neighbor", neighbor)
    device.features.command("show-route-receive-protocol", by_peer("receive"))
    device.features.command("show-route-advertising-protocol", by_peer("advertise"))


__all__ = ["Bgp", "register"]
