"""Configuration-engine benchmark: a generated 100,000-line `set` configuration.

About 2,000 routing instances, each with an interface unit, static routes, a
prefix-list, a policy with terms, an RPM test, a security zone and a policy.
Prints one line per measurement with its target (issue 2). Not a test: run it

    .venv/bin/python tests/bench/bench_config.py [--instances 2000]
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nos.cli.session import CliSession  # noqa: E402
from nos.config.database import ConfigDatabase  # noqa: E402
from nos.config.load import parse_curly, parse_set  # noqa: E402
from nos.config.render import curly_text, set_lines  # noqa: E402
from nos.config.store import ConfigStore  # noqa: E402
from nos.config.tree import ConfigTree  # noqa: E402
from nos.runtime.clock import ManualScheduler  # noqa: E402
from nos.runtime.device import Device, factory_config  # noqa: E402
from nos.schema.compile import load_schema  # noqa: E402


def generate(instances: int) -> str:
    """The benchmark configuration in `set` form (about 50 lines per instance)."""
    out = []
    for i in range(instances):
        fpc, pic, port = i // 480, (i // 48) % 10, i % 48
        ifd = f"xe-{fpc}/{pic}/{port}"
        unit = i % 4000 + 1
        ifl = f"{ifd}.{unit}"
        ri = f"RI-{i:04d}"
        a, b = (i >> 8) & 255, i & 255
        out += [
            f'set interfaces {ifd} unit {unit} description "customer {i}"',
            f"set interfaces {ifd} unit {unit} vlan-id {unit}",
            f"set interfaces {ifd} unit {unit} family inet address 10.{a}.{b}.1/30",
            f"set interfaces {ifd} unit {unit} family inet address 172.{16 + a % 16}.{b}.1/24",
            f"set routing-instances {ri} instance-type virtual-router",
            f'set routing-instances {ri} description "tenant {i}"',
            f"set routing-instances {ri} interface {ifl}",
            f"set routing-instances {ri} routing-options router-id 10.{a}.{b}.1",
            f"set routing-instances {ri} routing-options instance-import IMPORT-{i:04d}",
        ]
        for r in range(8):
            out.append(
                f"set routing-instances {ri} routing-options static route 192.{r}.{b}.0/24 next-hop 10.{a}.{b}.2"
            )
        out.append(
            f"set routing-instances {ri} routing-options static route 0.0.0.0/0 qualified-next-hop 10.{a}.{b}.2 preference 7"
        )
        for p in range(5):
            out.append(f"set policy-options prefix-list PL-{i:04d} 198.{p}.{b}.0/24")
        for t in range(3):
            term = f"set policy-options policy-statement IMPORT-{i:04d} term t{t}"
            out += [
                f"{term} from instance {ri}",
                f"{term} from prefix-list PL-{i:04d}",
                f"{term} then local-preference {100 + t}",
                f"{term} then accept",
            ]
        probe = f"set services rpm probe P-{i:04d} test t1"
        out += [
            f"{probe} probe-type icmp-ping",
            f"{probe} target address 10.{a}.{b}.2",
            f"{probe} probe-count 5",
            f"{probe} probe-interval 1",
            f"{probe} test-interval 10",
            f"{probe} routing-instance {ri}",
            f"{probe} thresholds total-loss 5",
        ]
        zone = f"Z-{i:04d}"
        out += [
            f"set security zones security-zone {zone} interfaces {ifl}",
            f"set security zones security-zone {zone} host-inbound-traffic system-services ping",
            f'set security zones security-zone {zone} description "zone {i}"',
        ]
        pol = f"set security policies from-zone {zone} to-zone Z-{(i + 1) % instances:04d} policy allow-{i}"
        out += [
            f"{pol} match source-address any",
            f"{pol} match destination-address any",
            f"{pol} match application any",
            f"{pol} then permit",
        ]
    return "\n".join(out) + "\n"


REPEAT = 3  # best of N: other processes on the machine only ever add time


def timed(label: str, target: float | None, fn, unit: str = "s", setup=None):  # type: ignore[no-untyped-def]
    best = float("inf")
    result = None
    for _ in range(REPEAT):
        if setup is not None:
            setup()
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    shown = best * 1000 if unit == "ms" else best
    goal = f"(target <= {target:g} {unit})" if target is not None else ""
    verdict = "" if target is None else ("OK" if shown <= target else "OVER")
    print(f"{label:<48} {shown:9.3f} {unit}  {goal} {verdict}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instances", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    global REPEAT
    REPEAT = args.repeat
    schema = load_schema()
    text = generate(args.instances)
    base = factory_config("bench")
    print(f"configuration: {text.count(chr(10)):,} set lines, {args.instances} routing instances")

    state = Path(tempfile.mkdtemp(prefix="nos-bench-"))
    try:
        fresh: dict[str, object] = {}

        def new_db():  # type: ignore[no-untyped-def]
            if "db" in fresh:
                fresh["db"].store.close()  # type: ignore[attr-defined]  # one store per state directory
            shutil.rmtree(state, ignore_errors=True)
            db = ConfigDatabase(schema, ConfigStore(state), ManualScheduler(), initial=base)
            fresh["db"], fresh["tree"] = db, db.new_candidate()

        def load_and_commit():  # type: ignore[no-untyped-def]
            db, tree = fresh["db"], fresh["tree"]
            report = parse_set(tree, text)  # type: ignore[arg-type]
            assert report.errors == 0, report.messages[:5]
            result = db.commit(tree, "bench")  # type: ignore[attr-defined]
            assert result.ok, result.lines[:10]

        timed("load set + commit (100k lines)", 2.0, load_and_commit, setup=new_db)
        db = fresh["db"]
        assert isinstance(db, ConfigDatabase)
        curly = curly_text(db.active)
        print(f"  (curly form: {curly.count(chr(10)):,} lines)")

        def load_curly():  # type: ignore[no-untyped-def]
            t = ConfigTree(schema.root)
            report = parse_curly(t, curly)
            assert report.errors == 0, report.messages[:5]
            return t

        timed("load curly format", 2.0, load_curly)
        timed("show configuration | display set", 1.0, lambda: list(set_lines(db.active)))
        timed("show configuration (curly)", None, lambda: curly_text(db.active))

        db.store.close()  # the device takes the state directory
        device = Device(schema, ManualScheduler(), hostname="bench", state_dir=state)
        session = CliSession(device, "lab", _NullIO())
        session.enter_configuration("shared")
        for line in (
            "set routing-instances ",
            "set routing-instances RI-1999 routing-options static route ",
            "set protocols bgp group G import ",
            "run show configuration policy-options policy-statement IMPORT-1",
        ):
            timed(f"completion: '{line.strip()}'", 30.0, lambda line=line: session.help_lines(line), unit="ms")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{'resident memory (peak, this process)':<48} {rss:9.1f} MB  (target <= 300 MB) {'OK' if rss <= 300 else 'OVER'}"
        )
    finally:
        shutil.rmtree(state, ignore_errors=True)
    startup()


def startup() -> None:
    """`nos cli` from process start to its first prompt (best of 5, schema cache warm)."""
    exe = [sys.executable, "-m", "nos", "cli", "--clock", "virtual"]
    best = float("inf")
    for _ in range(5):
        with tempfile.TemporaryDirectory() as state:
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                exe + ["--state-dir", state],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=dict(os.environ, PYTHONPATH=str(ROOT)),
            )
            assert proc.stdout is not None
            seen = b""
            while not seen.endswith(b"> "):
                chunk = proc.stdout.read1(100)  # type: ignore[attr-defined]
                if not chunk:
                    break
                seen += chunk
            best = min(best, time.perf_counter() - t0)
            proc.communicate(b"quit\n")
    print(
        f"{'nos cli start to first prompt (new device)':<48} {best:9.3f} s  (target <= 0.5 s) {'OK' if best <= 0.5 else 'OVER'}"
    )


class _NullIO:
    interactive = False
    terminal_type = "dumb"

    def write(self, text: str) -> None:
        pass

    def notify(self, text: str) -> None:
        pass


if __name__ == "__main__":
    main()
