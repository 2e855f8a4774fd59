"""`nos cli`: one device, its clock, and the front-end that suits stdin."""

from __future__ import annotations

import argparse
import sys

import trio

from nos.cli.session import CliSession
from nos.config.load import load_override
from nos.config.statelock import StateDirInUse
from nos.config.tree import ConfigTree
from nos.features import install
from nos.runtime.clock import TrioScheduler
from nos.runtime.device import ConfigRejected, Device, default_state_dir
from nos.runtime.interrupt import stopped_by_ctrl_c
from nos.schema.compile import load_schema


def build_device(args: argparse.Namespace, scheduler: TrioScheduler) -> Device | None:
    """The device, started from `--config` when given (read first: a new device then never builds
    the factory configuration), else from its state directory's last commit or the factory one."""
    schema = load_schema()
    config: ConfigTree | None = None
    if args.config is not None:
        try:
            text = args.config.read_text(encoding="utf-8")
        except OSError as exc:
            print(f"error: could not read {args.config}: {exc.strerror}", file=sys.stderr)
            return None
        config = ConfigTree(schema.root)
        report = load_override(config, text, str(args.config))
        if report.errors:
            print("\n".join(report.messages), file=sys.stderr)
            print(f"error: {args.config}: {report.errors} errors; configuration not loaded", file=sys.stderr)
            return None
    state_dir = args.state_dir or default_state_dir(args.hostname)
    try:
        device = Device(schema, scheduler, hostname=args.hostname, state_dir=state_dir, factory=config is None)
    except StateDirInUse as exc:  # another `nos` runs this device: two would interleave their commits
        print(exc, file=sys.stderr)
        return None
    except OSError as exc:
        print(f"error: cannot use state directory {state_dir}: {exc.strerror or exc}", file=sys.stderr)
        return None
    for notice in device.db.store.notices:  # what opening the commit store repaired (also in the log)
        print(f"warning: {notice}", file=sys.stderr)
    install(device)
    if config is not None:
        try:
            device.start_with(config, f"loaded from {args.config}")
        except ConfigRejected as exc:
            print("\n".join(exc.lines), file=sys.stderr)
            device.close()
            return None
    return device


def run_cli(args: argparse.Namespace) -> int:
    scheduler = TrioScheduler(args.clock, args.speed)
    device = build_device(args, scheduler)
    if device is None:
        return 1
    # On a terminal, the line editor (literal prompts and echo); `--plain` keeps the line-by-line front-end there.
    interactive = sys.stdin.isatty() and sys.stdout.isatty() and not getattr(args, "plain", False)

    async def main() -> None:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(scheduler.run)
            if args.ssh is not None:
                from nos.net.ssh import access_table, lab_service

                service = lab_service([(device.hostname, device)], args.ssh, args.state_dir)
                await nursery.start(service.serve)
                print("\n".join(access_table(service)), flush=True)
                if not interactive:  # a server for scripts: no local prompt, until stopped
                    await trio.sleep_forever()
            if interactive:
                from nos.cli.terminal import TerminalIO, run_terminal

                io = TerminalIO()
                session = CliSession(device, args.user, io)
                await run_terminal(session, io)
            else:
                from nos.cli.plain import make_plain_io, run_plain

                pio = make_plain_io()
                session = CliSession(device, args.user, pio)
                await run_plain(session, pio)
            nursery.cancel_scope.cancel()

    if stopped_by_ctrl_c(lambda: trio.run(main, clock=scheduler.trio_clock)):
        return 130
    return 0
