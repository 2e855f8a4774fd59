"""ip-monitoring (`services ip-monitoring`): routes and interfaces that follow RPM results, and
`show services ip-monitoring status` with its RPC (get-ip-monitoring-status)."""

from __future__ import annotations

from nos.features.ipmon.service import IpMonitoring
from nos.features.ipmon.show import status
from nos.runtime.features import CommandContext, RpcSpec
from nos.runtime.structured import Structured


def register(device, ipmon: IpMonitoring) -> None:  # type: ignore[no-untyped-def]
    async def show_status(ctx: CommandContext) -> Structured:
        return status(ipmon, ctx.arg("policy"))

    device.features.command(
        "show-services-ip-monitoring-status",
        show_status,
        RpcSpec(
            "get-ip-monitoring-status",
            "show-services-ip-monitoring-status",
            ("show", "services", "ip-monitoring", "status"),
        ),
    )


__all__ = ["IpMonitoring", "register"]
