"""The interfaces feature: ports and units from the configuration and the lab, `show interfaces` and
`show arp`, with their RPCs (get-interface-information, get-arp-table-information), and
/etc/hosts.junos, which names the internal units' addresses."""

from __future__ import annotations

from nos.features.interfaces import arp, iri, show
from nos.features.interfaces.state import Interfaces
from nos.runtime.features import CommandContext, RpcSpec
from nos.runtime.structured import Structured

STYLES = ("terse", "brief", "statistics", "detail", "extensive")  # the first one asked for wins


def register(device, interfaces: Interfaces) -> None:  # type: ignore[no-untyped-def]
    async def show_interfaces(ctx: CommandContext) -> Structured | list[str]:
        if ctx.has("descriptions"):  # get-interface-information <descriptions/>
            return show.show_descriptions(interfaces)
        name = ctx.arg("name")
        if name and not _exists(interfaces, name):
            return [f"error: device {name} not found"]
        style = next((s for s in STYLES if ctx.has(s)), "normal")
        settle = getattr(device.network, "settle", None)
        if settle is not None:  # counters the lab still owes (replayed probes)
            settle()
        return show.show_interfaces(
            interfaces,
            name,
            device.scheduler.epoch(),
            style,
            media=ctx.has("media"),  # RPC arguments only (EthPortTable, PyEZ's facts)
            instance=ctx.arg("routing-instance"),
        )

    async def descriptions(ctx: CommandContext) -> Structured:
        return show.show_descriptions(interfaces)

    async def show_arp(ctx: CommandContext) -> Structured:
        return arp.show_arp(
            device,
            interfaces,
            resolve=not ctx.has("no-resolve"),
            interface=ctx.arg("interface"),
            hostname=ctx.arg("hostname"),
            expiration=ctx.has("expiration-time"),
        )

    device.features.command(
        "show-interfaces",
        show_interfaces,
        RpcSpec("get-interface-information", "show-interfaces", ("show", "interfaces"), {"interface-name": "name"}),
    )
    device.features.command("show-interfaces-descriptions", descriptions)
    device.features.command("show-arp", show_arp, RpcSpec("get-arp-table-information", "show-arp", ("show", "arp")))
    iri.add_view(device)  # /etc/hosts.junos names lo0.16385's addresses


def _exists(interfaces: Interfaces, name: str) -> bool:
    if any(ch in name for ch in "*?["):
        return True
    base = name.split(".", 1)[0]
    internal = {u.name for u in interfaces.system_units.get(base, ())}
    if base in interfaces.system and ("." not in name or name in internal):  # lo0, lo0.16384, dsc...
        return True
    port = interfaces.ports.get(base)
    if port is None or not (port.configured or port.link is not None):
        return False
    return "." not in name or name in interfaces.units


__all__ = ["Interfaces", "register"]
