"""RPM (`services rpm`): probe tests run by the device on the lab clock, and their show commands."""

from __future__ import annotations

import calendar
import time

from nos.features.rpm.service import RpmService, TestRun
from nos.features.rpm.show import history_results, probe_results
from nos.runtime.features import CommandContext


def _since(text: str | None) -> float | None:
    """`yyyy-mm-dd.hh:mm:ss` (device time, UTC) as epoch seconds."""
    if not text:
        return None
    try:
        return float(calendar.timegm(time.strptime(text, "%Y-%m-%d.%H:%M:%S")))
    except ValueError:
        return None


def register(device, rpm: RpmService) -> None:  # type: ignore[no-untyped-def]
    async def show_probe_results(ctx: CommandContext) -> list[str]:
        scheduler = device.scheduler
        return probe_results(rpm.selected(ctx.arg("owner"), ctx.arg("test")), scheduler.epoch0, scheduler.now())

    async def show_history(ctx: CommandContext) -> list[str]:
        since_text = ctx.arg("since")
        since = _since(since_text)
        if since_text and since is None:
            return [f"error: invalid time: {since_text} (yyyy-mm-dd.hh:mm:ss)"]
        runs = rpm.selected(ctx.arg("owner"), ctx.arg("test"))
        scheduler = device.scheduler
        return history_results(runs, scheduler.epoch0, since, detail=ctx.has("detail"), now=scheduler.now())

    async def clear(ctx: CommandContext) -> list[str]:
        rpm.clear(ctx.arg("owner"), ctx.arg("test"))
        return []

    device.features.command("show-services-rpm-probe-results", show_probe_results)
    device.features.command("show-services-rpm-history-results", show_history)
    device.features.command("clear-services-rpm-probe-results", clear)


__all__ = ["RpmService", "TestRun", "register"]
