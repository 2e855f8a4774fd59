"""The `nos` command: `nos cli` (one device), `nos lab` (a lab and its console), `nos run` (a scenario).

This is where the parts meet: the lab may not import the CLI (DESIGN.md), so
`nos lab` and `nos run` get the CLI's sessions and front-ends from here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nos import __version__

PLAIN_HELP = "read whole lines, even on a terminal (no line editing: the terminal echoes what you type)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nos", description="A Junos-like network OS that runs on a laptop.")
    parser.add_argument("--version", action="version", version=f"nos {__version__}")
    sub = parser.add_subparsers(dest="command")
    cli = sub.add_parser("cli", help="start one device and open its Junos CLI")
    cli.add_argument("--config", type=Path, help="configuration file to load at start (curly or set format)")
    cli.add_argument("--state-dir", type=Path, help="where the device keeps its commits (default: per host name)")
    cli.add_argument("--hostname", default="nos", help="host name when the configuration sets none")
    cli.add_argument("--user", default="lab", help="the user you are logged in as")
    cli.add_argument("--clock", choices=("real", "accelerated", "virtual"), default="real")
    cli.add_argument("--speed", type=float, default=60.0, help="speed of the accelerated clock")
    cli.add_argument("--ssh", type=int, metavar="PORT", help="also serve the device over SSH on 127.0.0.1:PORT")
    cli.add_argument("--plain", action="store_true", help=PLAIN_HELP)
    lab = sub.add_parser("lab", help="start a lab and open its console (default: the dual-ISP demo lab)")
    lab.add_argument("lab", nargs="?", type=Path, help="lab file (default: the dual-ISP demo lab)")
    run = sub.add_parser("run", help="run a scenario script on a lab and print the transcript")
    run.add_argument("lab", type=Path, help="lab file")
    run.add_argument("script", type=Path, help="scenario script (lab commands, NODE> commands, expect lines)")
    for p, default in ((lab, None), (run, "virtual")):
        p.add_argument("--clock", choices=("real", "accelerated", "virtual"), default=default, help="clock mode")
        p.add_argument("--speed", type=float, help="speed of the accelerated clock (default: the lab file's)")
        p.add_argument("--state-dir", type=Path, help="where devices keep their commits (default: a temporary dir)")
    lab.add_argument(
        "--ssh", type=int, metavar="PORT", help="serve every device over SSH, one port each from PORT (127.0.0.1)"
    )
    lab.add_argument("--plain", action="store_true", help=PLAIN_HELP)
    return parser


def device_cli(plain: bool = False):  # type: ignore[no-untyped-def]
    """How the lab opens a device's Junos CLI: sessions and front-ends of nos.cli.

    The console's IO on a terminal is the CLI's line editor, unless `--plain`."""
    from nos.cli.io import BufferIO
    from nos.cli.plain import PlainIO
    from nos.cli.session import CliSession
    from nos.lab.devicecli import DeviceCli
    from nos.runtime.device import DEFAULT_USER

    async def terminal(device) -> None:  # type: ignore[no-untyped-def]
        from nos.cli.terminal import TerminalIO, run_terminal

        io = TerminalIO()
        await run_terminal(CliSession(device, DEFAULT_USER, io), io)

    def ssh_service(devices, first_port, state_dir):  # type: ignore[no-untyped-def]
        from nos.net.ssh import lab_service

        return lab_service(devices, first_port, state_dir)

    def ssh_table(service) -> list[str]:  # type: ignore[no-untyped-def]
        from nos.net.ssh import access_table

        return access_table(service)

    def console_io(stdin, stdout):  # type: ignore[no-untyped-def]
        if not plain and stdin.isatty() and stdout.isatty():
            from nos.cli.terminal import TerminalIO

            return TerminalIO()
        return PlainIO(stdin, stdout)

    return DeviceCli(
        session=lambda device, io: CliSession(device, DEFAULT_USER, io),
        buffer_io=BufferIO,
        plain_io=console_io,
        terminal=terminal,
        ssh_service=ssh_service,
        ssh_table=ssh_table,
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "cli":
        from nos.cli.app import run_cli

        return run_cli(args)
    if args.command == "lab":
        from nos.lab.main import run_lab

        return run_lab(args, device_cli(plain=args.plain))
    if args.command == "run":
        from nos.lab.main import run_script

        return run_script(args, device_cli())
    _parser().print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
