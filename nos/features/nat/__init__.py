"""NAT (`security nat`): source, destination and static rules, pools and proxy ARP compiled at commit,
the source NAT port allocator and the rules' counters, and the `show security nat ...` commands with
their Junos RPCs. The packet path (the flow integration) asks the `Nat` feature which rule translates
a session and to what (runtime.py says how)."""

from __future__ import annotations

from nos.features.nat import show
from nos.features.nat.common import Lookups
from nos.features.nat.config import NatConfig, compile_nat
from nos.features.nat.pools import Binding
from nos.features.nat.runtime import Nat
from nos.runtime.features import CommandContext, RpcSpec
from nos.runtime.structured import Structured

_SHOWS = (
    # (what, its RPC, the answer: (nat, name) -> Structured, the argument naming one rule or pool)
    ("source rule", "get-source-nat-rule-sets-information", show.source_rules, "rule-name"),
    ("source pool", "retrieve-source-nat-pool-information", show.source_pools, "pool-name"),
    ("destination rule", "get-destination-nat-rule-sets-information", show.destination_rules, "rule-name"),
    ("destination pool", "get-destination-nat-pool-information", show.destination_pools, "pool-name"),
    ("static rule", "get-static-nat-rule-information", show.static_rules, "rule-name"),
)
_SUMMARIES = (
    ("source summary", "retrieve-source-nat-summary", show.source_summary),
    ("destination summary", "retrieve-destination-nat-summary-information", show.destination_summary),
)


def _spec(what: str, rpc: str) -> tuple[str, RpcSpec]:
    """The command's action name and RPC (`source rule` -> show-security-nat-source-rule)."""
    words = ("show", "security", "nat", *what.split())
    action = "-".join(words)
    return action, RpcSpec(rpc, action, words)


def register(device, nat: Nat) -> None:  # type: ignore[no-untyped-def]
    for what, rpc, answer, arg in _SHOWS:

        async def run(ctx: CommandContext, answer=answer, arg=arg) -> Structured:  # type: ignore[no-untyped-def]
            return answer(nat, None if ctx.has("all") else ctx.arg(arg))

        action, spec = _spec(what, rpc)
        device.features.command(action, run, spec)
    for what, rpc, summary in _SUMMARIES:

        async def run_summary(ctx: CommandContext, summary=summary) -> Structured:  # type: ignore[no-untyped-def]
            return summary(nat)

        action, spec = _spec(what, rpc)
        device.features.command(action, run_summary, spec)

    for kind in ("source", "destination", "static"):

        async def clear_rules(ctx: CommandContext, kind: str = kind) -> list[str]:
            nat.clear_rules(kind, None if ctx.has("all") else ctx.arg("rule-name"))
            return []

        device.features.command(f"clear-security-nat-{kind}-rule", clear_rules)

    async def clear_pools(ctx: CommandContext) -> list[str]:
        nat.clear_pools(None if ctx.has("all") else ctx.arg("pool-name"))
        return []

    device.features.command("clear-security-nat-source-pool", clear_pools)


def install(device, lookups_for=None) -> Nat:  # type: ignore[no-untyped-def]
    """Give `device` its NAT (as `device.nat`): the feature, registered for commits, and its commands.
    `lookups_for(root)` gives the security policies' address book and applications (Lookups)."""
    feature = Nat(lookups_for)
    device.nat = feature
    device.features.register(feature)
    register(device, feature)
    return feature


__all__ = ["Binding", "Lookups", "Nat", "NatConfig", "compile_nat", "install", "register"]
