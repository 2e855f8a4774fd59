"""NTP (`system ntp`): the device's client polling its servers on the device clock, and `show ntp
associations|status` with their RPCs (get-ntp-associations-information, get-ntp-status)."""

from __future__ import annotations

from typing import Any

from nos.features.ntp.client import NtpClient
from nos.features.ntp.show import associations_xml, render_associations, render_status, status_xml
from nos.runtime.features import CommandContext, RpcSpec
from nos.runtime.structured import Structured


def _asked(ctx: CommandContext) -> dict[str, str | bool]:
    return {"no-resolve": True} if ctx.has("no-resolve") else {}


def register(device: Any, client: NtpClient) -> None:
    async def show_associations(ctx: CommandContext) -> Structured:
        xml = associations_xml(client)
        return Structured(xml, render_associations, "get-ntp-associations-information", _asked(ctx))

    async def show_status(ctx: CommandContext) -> Structured:
        return Structured(status_xml(client), render_status, "get-ntp-status", _asked(ctx))

    device.features.command(
        "show-ntp-associations",
        show_associations,
        RpcSpec("get-ntp-associations-information", "show-ntp-associations", ("show", "ntp", "associations")),
    )
    device.features.command(
        "show-ntp-status", show_status, RpcSpec("get-ntp-status", "show-ntp-status", ("show", "ntp", "status"))
    )


def install(device: Any) -> NtpClient:
    """Give `device` its NTP client (`device.ntp`): the feature, registered for commits, and its commands."""
    client = NtpClient(device)
    device.ntp = client
    device.features.register(client)
    register(device, client)
    return client


__all__ = ["NtpClient", "install", "register"]
