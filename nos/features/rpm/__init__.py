"""RPM (`services rpm`): probe tests run by the device on the lab clock, and their show commands with
their Junos RPCs (get-probe-results, get-history-results)."""

from __future__ import annotations

import calendar
import time

from nos.features.rpm.service import RpmService, TestRun
from nos.features.rpm.show import history_results, probe_results
from nos.runtime.features import CommandContext, RpcSpec
from nos.runtime.structured import Structured


def _since(text: str | None) -> float | None:
    """`yyyy-mm-dd.hh:mm:ss` (device time, UTC) as epoch seconds."""
    if not text:
        return None
    try:
        return float(calendar.timegm(time.strptime(text, "%Y-%m-%d.%H:%M:%S")))
    except ValueError:
        return None


def _asked(ctx: CommandContext, *names: str) -> dict[str, str | bool]:
    """The command's arguments as its RPC spells them (`| display xml rpc`)."""
    found: dict[str, str | bool] = {}
    for name in names:
        value = ctx.args.get(name)
        if isinstance(value, (str, bool)) and value:
            found[name] = value
    return found


def register(device, rpm: RpmService) -> None:  # type: ignore[no-untyped-def]
    async def show_probe_results(ctx: CommandContext) -> Structured:
        scheduler = device.scheduler
        runs = rpm.selected(ctx.arg("owner"), ctx.arg("test"))
        return probe_results(runs, scheduler.epoch0, scheduler.now(), _asked(ctx, "owner", "test"))

    async def show_history(ctx: CommandContext) -> list[str] | Structured:
        since_text = ctx.arg("since")
        since = _since(since_text)
        if since_text and since is None:
            return [f"error: invalid time: {since_text} (yyyy-mm-dd.hh:mm:ss)"]
        runs = rpm.selected(ctx.arg("owner"), ctx.arg("test"))
        scheduler = device.scheduler
        asked = _asked(ctx, "brief", "detail", "owner", "test", "since")
        return history_results(runs, scheduler.epoch0, since, ctx.has("detail"), scheduler.now(), asked)

    async def clear(ctx: CommandContext) -> list[str]:
        rpm.clear(ctx.arg("owner"), ctx.arg("test"))
        return []

    device.features.command(
        "show-services-rpm-probe-results",
        show_probe_results,
        RpcSpec("get-probe-results", "show-services-rpm-probe-results", ("show", "services", "rpm", "probe-results")),
    )
    device.features.command(
        "show-services-rpm-history-results",
        show_history,
        RpcSpec(
            "get-history-results",
            "show-services-rpm-history-results",
            ("show", "services", "rpm", "history-results"),
        ),
    )
    device.features.command("clear-services-rpm-probe-results", clear)


__all__ = ["RpmService", "TestRun", "register"]
