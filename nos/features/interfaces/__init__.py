"""The interfaces feature: ports and units from the configuration and the lab, and `show interfaces`."""

from __future__ import annotations

from nos.features.interfaces import show
from nos.features.interfaces.state import Interfaces
from nos.runtime.features import CommandContext


def register(device, interfaces: Interfaces) -> None:  # type: ignore[no-untyped-def]
    async def show_interfaces(ctx: CommandContext) -> list[str]:
        name = ctx.arg("name")
        if name and not _exists(interfaces, name):
            return [f"error: device {name} not found"]
        if ctx.has("terse"):
            return show.terse(interfaces, name)
        if ctx.has("brief"):
            return show.brief(interfaces, name)
        detail = ctx.has("detail") or ctx.has("extensive") or ctx.has("statistics")
        settle = getattr(device.network, "settle", None)
        if settle is not None:  # counters the lab still owes (replayed probes)
            settle()
        return show.standard(interfaces, name, device.scheduler.epoch(), detail=detail)

    async def descriptions(ctx: CommandContext) -> list[str]:
        return show.descriptions(interfaces)

    device.features.command("show-interfaces", show_interfaces)
    device.features.command("show-interfaces-descriptions", descriptions)


def _exists(interfaces: Interfaces, name: str) -> bool:
    if any(ch in name for ch in "*?["):
        return True
    base = name.split(".", 1)[0]
    port = interfaces.ports.get(base)
    if port is None or not (port.configured or port.link is not None):
        return False
    return "." not in name or name in interfaces.units


__all__ = ["Interfaces", "register"]
