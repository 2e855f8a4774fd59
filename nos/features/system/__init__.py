"""The device's own commands: `show version`, `show system uptime|commit|users`,
`show chassis routing-engine|hardware`, each answered as its Junos XML with its text
renderer (nos/runtime/structured.py), and the RPC each answers to over NETCONF.

They read only what every device has (its clock, commit history, sessions,
name), so they answer on any device, features installed or not: the CLI and
NETCONF reach them through `COMMANDS`/`run`; `register` also lists them in the
device's feature registry with the other features' commands.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nos.features.system.chassis import (
    cluster_status_error,
    inventory_xml,
    render_inventory,
    render_route_engine,
    route_engine_xml,
    serial_number,
)
from nos.features.system.commits import commits_xml, render_commits
from nos.features.system.software import render_version, software_xml
from nos.features.system.uptime import render_uptime, render_users, uptime_xml, users_xml
from nos.runtime.features import CommandContext, RpcSpec
from nos.runtime.structured import Structured


async def show_version(ctx: CommandContext) -> Structured:
    return Structured(software_xml(ctx.device.hostname), render_version, "get-software-information")


async def show_system_uptime(ctx: CommandContext) -> Structured:
    return Structured(uptime_xml(ctx.device), render_uptime, "get-system-uptime-information")


async def show_system_commit(ctx: CommandContext) -> Structured:
    return Structured(commits_xml(ctx.device.db), render_commits, "get-commit-information")


async def show_system_users(ctx: CommandContext) -> Structured:
    return Structured(users_xml(ctx.device), render_users, "get-system-users-information")


async def show_chassis_routing_engine(ctx: CommandContext) -> Structured:
    return Structured(route_engine_xml(ctx.device), render_route_engine, "get-route-engine-information")


async def show_chassis_hardware(ctx: CommandContext) -> Structured:
    return Structured(inventory_xml(ctx.device), render_inventory, "get-chassis-inventory")


Handler = Callable[[CommandContext], Awaitable[Structured]]

# action -> (handler, its RPC)
COMMANDS: dict[str, tuple[Handler, RpcSpec]] = {
    spec.action: (handler, spec)
    for handler, spec in (
        (show_version, RpcSpec("get-software-information", "show-version", ("show", "version"))),
        (
            show_system_uptime,
            RpcSpec("get-system-uptime-information", "show-system-uptime", ("show", "system", "uptime")),
        ),
        (show_system_commit, RpcSpec("get-commit-information", "show-system-commit", ("show", "system", "commit"))),
        (
            show_system_users,
            RpcSpec("get-system-users-information", "show-system-users", ("show", "system", "users")),
        ),
        (
            show_chassis_routing_engine,
            RpcSpec(
                "get-route-engine-information", "show-chassis-routing-engine", ("show", "chassis", "routing-engine")
            ),
        ),
        (
            show_chassis_hardware,
            RpcSpec("get-chassis-inventory", "show-chassis-hardware", ("show", "chassis", "hardware")),
        ),
    )
}

RPCS: dict[str, RpcSpec] = {spec.name: spec for _, spec in COMMANDS.values()}


async def run(device: Any, action: str, args: dict[str, object], user: str) -> Structured:
    """Run one of the device's commands for `user` (whose right to run it the caller judged)."""
    handler, _ = COMMANDS[action]
    return await handler(CommandContext(device, dict(args), user))


def register(device: Any) -> None:
    for action, (handler, spec) in COMMANDS.items():
        device.features.command(action, handler, spec)


__all__ = [
    "COMMANDS",
    "RPCS",
    "cluster_status_error",
    "register",
    "run",
    "serial_number",
]
