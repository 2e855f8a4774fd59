"""SRX flow: security zones, address books, applications and policies (this module), the session
table (flow/sessions). `install(device)` registers the policies feature as `device.security` with
its commands and RPCs: show security zones (get-zones-information), show security policies
(get-firewall-policies, get-global-firewall-policies), show security policies hit-count
(get-security-policies-hit-count), show security match-policies (match-firewall-policies,
match-global-policies) and clear security policies hit-count."""

from __future__ import annotations

from nos.features.flow.applications import protocol_number
from nos.features.flow.policies import PolicyMatch
from nos.features.flow.security import SecurityConfig, SecurityPolicies, compile_security
from nos.features.flow.show_policies import hit_count, match_policies, policies
from nos.features.flow.show_zones import zones
from nos.lab.packet import ipv4_int
from nos.runtime.features import CommandContext, RpcSpec
from nos.runtime.structured import Structured


def install(device) -> SecurityPolicies:  # type: ignore[no-untyped-def]
    feature = SecurityPolicies(device)
    device.security = feature
    device.features.register(feature)
    register(device, feature)
    return feature


def _zones(ctx: CommandContext) -> tuple[str | None, str | None]:
    return ctx.arg("from-zone"), ctx.arg("to-zone")


def register(device, feature: SecurityPolicies) -> None:  # type: ignore[no-untyped-def]
    async def show_zones(ctx: CommandContext) -> Structured:
        return zones(feature.config, ctx.arg("zone-name"), ctx.has("detail"), ctx.has("terse"))

    async def show_policies(ctx: CommandContext) -> Structured:
        source, destination = _zones(ctx)
        name, detail = ctx.arg("policy-name"), ctx.has("detail")
        return policies(feature.config, source, destination, name, detail, ctx.has("global"))

    async def show_global(ctx: CommandContext) -> Structured:
        return policies(feature.config, None, None, ctx.arg("policy-name"), ctx.has("detail"), True)

    async def show_hit_count(ctx: CommandContext) -> Structured:
        return hit_count(feature, *_zones(ctx))

    async def show_match(ctx: CommandContext, global_only: bool = False) -> Structured | list[str]:
        source, destination = _zones(ctx)
        global_only = global_only or ctx.has("global")
        if not global_only and (source is None or destination is None):
            return ["error: from-zone and to-zone are mandatory"]
        protocol = protocol_number(str(ctx.args.get("protocol", "")))
        if protocol is None:
            return [f"error: invalid protocol: {ctx.args.get('protocol')}"]
        asked = {k: str(v) for k, v in ctx.args.items() if k in MATCH_ARGS and v is not None}
        flow = (
            source or "any", destination or "any", ipv4_int(str(ctx.args["source-ip"])),
            ipv4_int(str(ctx.args["destination-ip"])), protocol, int(str(ctx.args["source-port"])),
            int(str(ctx.args["destination-port"])),
        )  # fmt: skip
        count = int(str(ctx.args.get("result-count") or 1))
        return match_policies(feature.config, dict(asked), flow, count, global_only)

    async def show_match_global(ctx: CommandContext) -> Structured | list[str]:
        return await show_match(ctx, True)

    async def clear_hit_count(ctx: CommandContext) -> list[str]:
        feature.clear_hits(*_zones(ctx))
        return []

    words = ("show", "security")
    device.features.command(
        "show-security-zones",
        show_zones,
        RpcSpec(
            "get-zones-information", "show-security-zones", (*words, "zones"),
            {"get-zones-named-information": "zone-name"},
        ),
    )  # fmt: skip
    device.features.command(
        "show-security-policies",
        show_policies,
        RpcSpec("get-firewall-policies", "show-security-policies", (*words, "policies")),
    )
    device.features.command(  # NETCONF's name for `show security policies global`
        "show-security-policies-global",
        show_global,
        RpcSpec("get-global-firewall-policies", "show-security-policies-global", (*words, "policies", "global")),
    )
    device.features.command(
        "show-security-policies-hit-count",
        show_hit_count,
        RpcSpec(
            "get-security-policies-hit-count", "show-security-policies-hit-count", (*words, "policies", "hit-count")
        ),
    )
    device.features.command(
        "show-security-match-policies",
        show_match,
        RpcSpec("match-firewall-policies", "show-security-match-policies", (*words, "match-policies")),
    )
    device.features.command(  # NETCONF's name for `show security match-policies global`
        "show-security-match-policies-global",
        show_match_global,
        RpcSpec("match-global-policies", "show-security-match-policies-global", (*words, "match-policies", "global")),
    )
    device.features.command(
        "clear-security-policies-hit-count",
        clear_hit_count,
        RpcSpec(
            "clear-security-policies-hit-count", "clear-security-policies-hit-count",
            ("clear", "security", "policies", "hit-count"),
        ),
    )  # fmt: skip


MATCH_ARGS = (
    "from-zone", "to-zone", "source-ip", "destination-ip", "source-port", "destination-port", "protocol",
    "result-count",
)  # fmt: skip

__all__ = ["PolicyMatch", "SecurityConfig", "SecurityPolicies", "compile_security", "install", "register"]
