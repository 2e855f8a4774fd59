"""The data plane: forwarding for the lab's packet walk, and the device's `ping` and `traceroute`."""

from __future__ import annotations

import trio

from nos.features.dataplane.forwarding import Dataplane, LoneNetwork
from nos.lab.packet import ipv4_int
from nos.lab.tools import PingOptions, TraceOptions, ping, traceroute
from nos.runtime.features import CommandContext


def _target(text: str) -> int | None:
    try:
        return ipv4_int(text)
    except ValueError:
        return None


def register(device, dataplane: Dataplane) -> None:  # type: ignore[no-untyped-def]
    async def ping_command(ctx: CommandContext) -> list[str] | None:
        host = ctx.arg("host") or ""
        target = _target(host)
        if target is None:
            return [f"ping: cannot resolve {host}: Unknown host"]
        count = ctx.arg("count")
        opts = PingOptions(
            # Junos pings until Ctrl-C; where nobody can press it (scripts, `nos run`) five packets.
            count=int(count) if count else (None if ctx.interactive else 5),
            rapid=ctx.has("rapid"),
            size=int(ctx.arg("size") or 56),
            ttl=int(ctx.arg("ttl") or 64),
            interval=float(ctx.arg("interval") or 1),
            source=_target(ctx.arg("source") or "") or 0,
            instance=ctx.arg("routing-instance"),
        )
        network = device.network or LoneNetwork(dataplane)
        probing = trio.CancelScope()
        with ctx.interrupts.stop_with(probing.cancel):  # Ctrl-C ends the probing; the statistics follow
            return await ping(network, device.node_name, target, opts, device.scheduler.sleep, ctx.write, probing)

    async def traceroute_command(ctx: CommandContext) -> list[str] | None:
        host = ctx.arg("host") or ""
        target = _target(host)
        if target is None:
            return [f"traceroute: unknown host {host}"]
        opts = TraceOptions(
            max_hops=int(ctx.arg("ttl") or 30),
            wait=float(ctx.arg("wait") or 5),
            source=_target(ctx.arg("source") or "") or 0,
            instance=ctx.arg("routing-instance"),
            resolve=not ctx.has("no-resolve"),
        )
        network = device.network or LoneNetwork(dataplane)
        probing = trio.CancelScope()
        with ctx.interrupts.stop_with(probing.cancel):
            sleep = device.scheduler.sleep
            return await traceroute(network, device.node_name, target, opts, sleep, ctx.write, probing)

    device.features.command("ping", ping_command)
    device.features.command("traceroute", traceroute_command)


__all__ = ["Dataplane", "LoneNetwork", "register"]
