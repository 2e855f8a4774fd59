"""ip-monitoring (`services ip-monitoring`): routes and interfaces that follow RPM results."""

from __future__ import annotations

from nos.features.ipmon.service import IpMonitoring
from nos.features.ipmon.show import status
from nos.runtime.features import CommandContext


def register(device, ipmon: IpMonitoring) -> None:  # type: ignore[no-untyped-def]
    async def show_status(ctx: CommandContext) -> list[str]:
        return status(ipmon, ctx.arg("policy"))

    device.features.command("show-services-ip-monitoring-status", show_status)


__all__ = ["IpMonitoring", "register"]
