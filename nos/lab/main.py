"""`nos lab [LAB.toml]` (the console) and `nos run LAB.toml SCRIPT` (a scenario on the virtual clock).

Both build the lab from its file, run its clock on Trio, and stop everything
when done (quit, end of input, end of script, or Ctrl-C).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import trio

from nos.config.statelock import StateDirInUse
from nos.lab import flowstats
from nos.lab.console import plural
from nos.lab.devicecli import DeviceCli
from nos.lab.frontend import run_plain_console, run_terminal_console
from nos.lab.labfile import LabFileError, load_lab_file
from nos.lab.script import ScriptError, ScriptRunner, parse_script
from nos.lab.textfile import NotText, read_text
from nos.lab.topology import Lab, build_lab
from nos.runtime.interrupt import stopped_by_ctrl_c

DEFAULT_LAB = Path("dual-isp") / "lab.toml"
MAX_SCRIPT_BYTES = 16 << 20  # a scenario script larger than this is not one


def default_lab() -> Path:
    """The dual-ISP demo lab: in a checkout beside the package, else installed under <prefix>/share/nos."""
    checkout = Path(__file__).resolve().parents[2] / "demo-configs" / DEFAULT_LAB
    if checkout.exists():
        return checkout
    return Path(sys.prefix) / "share" / "nos" / "demo-configs" / DEFAULT_LAB


def _build(args: argparse.Namespace, clock: str | None) -> Lab | None:
    try:
        spec = load_lab_file(args.lab)
        return build_lab(spec, clock=clock, speed=args.speed, state_dir=args.state_dir)
    except (LabFileError, StateDirInUse) as exc:  # StateDirInUse: another process runs this lab's devices
        print(exc, file=sys.stderr)
        return None


def run_lab(args: argparse.Namespace, cli: DeviceCli) -> int:
    """`nos lab`: open the console on the lab (interactive on a terminal, a transcript otherwise)."""
    if args.lab is None:
        args.lab = default_lab()
    lab = _build(args, args.clock)
    if lab is None:
        return 1
    interactive = sys.stdin.isatty() and sys.stdout.isatty() and not getattr(args, "plain", False)

    async def main() -> None:
        async with lab.running() as nursery:
            if getattr(args, "ssh", None) is not None and cli.ssh_service is not None:
                service = cli.ssh_service(list(lab.devices.items()), args.ssh, args.state_dir)
                await nursery.start(service.serve)
                if cli.ssh_table is not None:
                    print("\n".join(cli.ssh_table(service)), flush=True)
                if not interactive:  # serving scripts: no console to read, until stopped
                    await trio.sleep_forever()
            if interactive:
                await run_terminal_console(lab, cli)
            else:
                await run_plain_console(lab, cli, cli.plain_io(sys.stdin, sys.stdout))

    try:
        if stopped_by_ctrl_c(lambda: trio.run(main, clock=getattr(lab.scheduler, "trio_clock", None))):
            return 130
    finally:
        lab.close()
    return 0


def run_script(args: argparse.Namespace, cli: DeviceCli) -> int:
    """`nos run`: the transcript on stdout; exit status 1 when an expectation fails."""
    try:
        text = read_text(args.script, MAX_SCRIPT_BYTES)
    except OSError as exc:
        print(f"error: cannot read {args.script}: {exc.strerror}", file=sys.stderr)
        return 1
    except NotText as exc:
        print(f"error: {args.script}:{exc.line or 1}: script is {exc.describe(with_line=False)}", file=sys.stderr)
        return 1
    lab = _build(args, args.clock)
    if lab is None:
        return 1
    try:
        lines = parse_script(text, set(lab.nodes), str(args.script))
    except ScriptError as exc:
        lab.close()
        print(f"error: {exc}", file=sys.stderr)
        return 1

    def write(text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    runner = ScriptRunner(lab, cli, write, str(args.script))
    stats = flowstats.install(lab)  # NOS_FLOW_STATS=1: benchmarks' lookup timings and callback counts

    async def main() -> None:
        async with lab.running():
            await runner.run(lines)

    try:
        if stopped_by_ctrl_c(lambda: trio.run(main, clock=getattr(lab.scheduler, "trio_clock", None))):
            return 130
    finally:
        lab.close()
    if stats is not None:
        print("\n".join(stats.report()), file=sys.stderr)
    if runner.failures:
        first = runner.failures[0].line.number
        failed = f"{len(runner.failures)} of {plural(runner.expects, 'expectation')} failed"
        print(f"nos run: {failed} (first at {args.script}:{first})", file=sys.stderr)
        return 1
    print(f"nos run: {plural(runner.expects, 'expectation')} matched", file=sys.stderr)
    return 0


__all__ = ["default_lab", "run_lab", "run_script"]
