"""Stateless firewall filters: the feature (filters.py) the data plane screens packets with, and the
commands with their RPCs: show firewall (get-firewall-information), show firewall filter F
(get-firewall-filter-information), show firewall counter C filter F (get-firewall-counter-information),
show firewall log (get-firewall-log-information), clear firewall (clear-firewall-counters,
clear-all-firewall-conters (sic, Junos' spelling), clear-firewall-log)."""

from __future__ import annotations

from nos.features.firewall.filters import Firewall
from nos.features.firewall.show import show_firewall, show_log
from nos.runtime.features import CommandContext, RpcSpec
from nos.runtime.structured import Structured


def _asked(ctx: CommandContext, *names: str) -> dict[str, str | bool]:
    """The command's arguments as its RPC spells them (`| display xml rpc`)."""
    return {n: v for n in names if isinstance(v := ctx.args.get(n), (str, bool)) and v}


def register(device, firewall: Firewall) -> None:  # type: ignore[no-untyped-def]
    async def show(ctx: CommandContext) -> Structured | list[str]:
        return show_firewall(firewall, "get-firewall-information", None, None, {})

    async def show_filter(ctx: CommandContext) -> Structured | list[str]:
        asked = _asked(ctx, "filtername", "counter")
        return show_firewall(
            firewall, "get-firewall-filter-information", ctx.arg("filtername"), ctx.arg("counter"), asked
        )

    async def show_counter(ctx: CommandContext) -> Structured | list[str]:
        asked = _asked(ctx, "countername", "filter")
        return show_firewall(
            firewall, "get-firewall-counter-information", ctx.arg("filter"), ctx.arg("countername"), asked
        )

    async def log(ctx: CommandContext) -> Structured:
        return show_log(firewall, device.db.zone(), ctx.has("detail"), ctx.arg("interface"))

    async def clear_all(ctx: CommandContext) -> list[str]:
        firewall.clear()
        return []

    async def clear_filter(ctx: CommandContext) -> list[str]:
        name = ctx.arg("filter-name") or ""
        if not any(name == flt.name or name in firewall.instances(flt) for flt in firewall.filters.values()):
            return [f"error: filter {name} does not exist"]  # [G] wording, as show firewall's
        firewall.clear(name, ctx.arg("counter"))
        return []

    async def clear_log(ctx: CommandContext) -> list[str]:
        firewall.log.clear()
        return []

    show_words = ("show", "firewall")
    for action, handler, rpc, words, args in (
        ("show-firewall", show, "get-firewall-information", (), {}),
        ("show-firewall-filter", show_filter, "get-firewall-filter-information", ("filter",), {}),
        ("show-firewall-counter", show_counter, "get-firewall-counter-information", ("counter",), {}),
        ("show-firewall-log", log, "get-firewall-log-information", ("log",),
         {"get-firewall-log-detailed-information": "detail"}),
    ):  # fmt: skip
        device.features.command(action, handler, RpcSpec(rpc, action, (*show_words, *words), args))
    clear_words = ("clear", "firewall")
    for action, handler, rpc, words, args in (
        ("clear-firewall-all", clear_all, "clear-all-firewall-conters", ("all",), {}),
        ("clear-firewall-filter", clear_filter, "clear-firewall-counters", ("filter",), {"filter": "filter-name"}),
        ("clear-firewall-log", clear_log, "clear-firewall-log", ("log",), {}),
    ):
        device.features.command(action, handler, RpcSpec(rpc, action, (*clear_words, *words), args))


__all__ = ["Firewall", "register"]
