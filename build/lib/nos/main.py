"""The `nos` command: `nos cli` (one device), later `nos lab` and `nos run`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nos import __version__


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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "cli":
        from nos.cli.app import run_cli

        return run_cli(args)
    _parser().print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
