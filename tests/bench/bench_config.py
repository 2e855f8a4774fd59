"""Configuration benchmark on the user's path: a generated configuration through `nos cli`.

The configuration (`generate`, about 49 `set` lines per routing instance:
an interface unit, static routes, a prefix-list, an instance-import policy,
an RPM test, a security zone and a policy) is written into the device's own
home directory (`STATE/fs/var/home/lab/`, where `load FILE` reads since
issue 9), and a fresh process of the installed `nos` takes it as a user
would, at 10k, 50k, 100k and 200k lines:

1. `nos cli --state-dir STATE`: `configure`, `load set big.set`, `commit`,
   `exit`, `exit`: whole-process wall time and peak resident memory, and
   each command from sent to prompt back;
2. the same with the curly form: `load override big.conf` + `commit`;
3. `nos cli` again on the state of 1 (the device starts with the committed
   configuration): `show configuration | display set`, one-line changes
   committed on top (three, one after the other: the median is shown),
   `show route summary`, `show route table RI-NNNN.inet.0`.

Each prints its scaling curve with the growth per doubling and the targets
of issue 10 (OK / OVER). A size that runs past `--timeout` is killed and
reads TIMEOUT; larger sizes of that measure are then skipped. A file the
device refuses as too large (`load` reads at most a few MB) is split into
files it takes, loaded one after the other (`load set` each part, or
`load override` the first and `load merge` the rest), and the curve says so.

A secondary section, clearly labelled, times the configuration engine alone
(a bare configuration database, no features): never the user's path.

Not a test:

    .venv/bin/python tests/bench/bench_config.py [--sizes 10000,50000,100000,200000]
        [--skip-biggest] [--timeout 150] [--clock real|virtual] [--no-internal]
"""

from __future__ import annotations

import argparse
import gc
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from user_path import (
    CLI_CONF,
    CLI_OP,
    Curve,
    Ended,
    Failed,
    NosProcess,
    Target,
    Timeout,
    curve,
    describe,
    expect,
    summary,
)

from nos.cli.session import CliSession
from nos.config.database import ConfigDatabase
from nos.config.load import parse_curly, parse_set
from nos.config.render import curly_text, set_lines
from nos.config.store import ConfigStore
from nos.config.tree import ConfigTree
from nos.runtime.clock import ManualScheduler
from nos.runtime.device import Device, factory_config
from nos.schema.compile import load_schema

SIZES = (10_000, 50_000, 100_000, 200_000)  # set lines
LINES_PER_INSTANCE = 49
TARGET_AT = 100_000  # the size issue 10's time and memory targets are for
HOME = Path("fs") / "var" / "home" / "lab"  # the login's directory, inside the state directory
ONE_LINE_COMMITS = 3  # the median is shown: a busy machine only ever adds time, once in a while


def one_line_change(k: int = 0) -> str:
    """The k-th small change a user commits on top of the configuration: one more static route."""
    return f"set routing-instances RI-0000 routing-options static route 203.0.{113 + k}.0/24 next-hop 10.0.0.2"


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


def instances_for(lines: int) -> int:
    return max(1, round(lines / LINES_PER_INSTANCE))


def curly_form(schema, text: str) -> str:  # type: ignore[no-untyped-def]
    """The configuration as a user keeps it in a file: the factory `system` block and `text`, curly."""
    tree = ConfigTree(schema.root)
    parse_curly(tree, factory_config("nos"))
    report = parse_set(tree, text)
    assert report.errors == 0, report.messages[:5]
    return curly_text(tree.root)


# -- files the device refuses as too large -------------------------------------------------------------


def split_set(text: str, limit: int) -> list[str]:
    """`set` lines in files of at most `limit` bytes: `load set` of each, one after the other, adds them up."""
    parts: list[str] = []
    lines: list[str] = []
    size = 0
    for line in text.splitlines(keepends=True):
        if size + len(line) > limit and lines:
            parts.append("".join(lines))
            lines, size = [], 0
        lines.append(line)
        size += len(line)
    return parts + ["".join(lines)] if lines else parts


def split_curly(text: str, limit: int) -> list[str]:
    """Curly text in files of at most about `limit` bytes, cut between top-level statements or, inside
    a large one (`routing-instances { ... }`), between its children, each part under the same heading:
    `load override` of the first and `load merge` of the others gives the whole configuration back."""
    units: list[tuple[str, str]] = []  # (heading or "", text)
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        j = i + 1
        if lines[i].rstrip().endswith("{"):
            while not lines[j].startswith("}"):
                j += 1
            j += 1
        block = "".join(lines[i:j])
        if len(block) <= limit // 2 or j - i <= 2:
            units.append(("", block))
        else:  # children of the block: each starts at four spaces of indentation
            heading, child = lines[i], [lines[i + 1]]
            for line in lines[i + 2 : j - 1]:
                if line.startswith("    ") and not line.startswith("     ") and not line.startswith("    }"):
                    units.append((heading, "".join(child)))
                    child = []
                child.append(line)
            units.append((heading, "".join(child)))
        i = j
    parts: list[str] = []
    current: list[tuple[str, str]] = []
    size = 0
    for heading, body in units:
        if size + len(body) + len(heading) + 2 > limit and current:
            parts.append(_wrap(current))
            current, size = [], 0
        current.append((heading, body))
        size += len(body) + (len(heading) + 2 if heading else 0)
    return parts + [_wrap(current)] if current else parts


def _wrap(units: list[tuple[str, str]]) -> str:
    out: list[str] = []
    open_heading = ""
    for heading, body in units:
        if heading != open_heading:
            if open_heading:
                out.append("}\n")
            if heading:
                out.append(heading)
            open_heading = heading
        out.append(body)
    if open_heading:
        out.append("}\n")
    return "".join(out)


@dataclass
class Loaded:
    seconds: float  # the load commands, sent to prompt back
    files: int  # 1, or how many parts the device needed


def load(p: NosProcess, home: Path, name: str, text: str, first: str, then: str) -> Loaded:
    """`load FIRST NAME` (the file is in the device's home); if the device refuses it as too large, the
    same text in parts: `load FIRST` the first, `load THEN` the others. The refused attempt is not timed."""
    (home / name).write_text(text)
    seconds, out = p.command(f"load {first} {name}", CLI_CONF)
    too_large = re.search(r"too large \(limit (\d+) MB\)", out)
    if too_large is None:
        expect(out, "load complete", f"load {first} {name}")
        return Loaded(seconds, 1)
    limit = int(too_large.group(1)) * 1024 * 1024 - 4096
    parts = split_curly(text, limit) if name.endswith(".conf") else split_set(text, limit)
    stem, dot, suffix = name.rpartition(".")
    total = 0.0
    for k, part in enumerate(parts, 1):
        part_name = f"{stem}-{k}{dot}{suffix}"
        (home / part_name).write_text(part)
        command = f"load {first if k == 1 else then} {part_name}"
        seconds, out = p.command(command, CLI_CONF)
        expect(out, "load complete", command)
        total += seconds
    return Loaded(total, len(parts))


# -- the user's path ---------------------------------------------------------------------------------------


class Curves:
    def __init__(self) -> None:
        at = TARGET_AT
        self.start = Curve("nos cli start to the first prompt (new device)", "s", Target(0.5))
        self.set_whole = Curve(
            "1. `load set` + `commit`: whole process (spawn to exit)", "s", Target(3.0, at, growth=2.3)
        )
        self.set_cmds = Curve("   the same: `load set` + `commit` commands only", "s", Target(growth=2.3))
        self.set_load = Curve("   `load set` alone", "s")
        self.set_commit = Curve("   `commit` alone", "s")
        self.set_rss = Curve("   peak resident memory of the process", "MB", Target(400.0, at))
        self.over_whole = Curve(
            "2. `load override` (curly) + `commit`: whole process", "s", Target(3.0, at, growth=2.3)
        )
        self.over_cmds = Curve("   the same: `load override` + `commit` commands only", "s", Target(growth=2.3))
        self.over_rss = Curve("   peak resident memory of the process", "MB", Target(400.0, at))
        self.restart = Curve("3. nos cli start with the committed configuration, to the first prompt", "s")
        self.display_set = Curve("   `show configuration | display set`", "s", Target(1.0, at))
        self.one_line = Curve(
            f"   one-line change: `commit` (sent to prompt back; median of {ONE_LINE_COMMITS})", "s", Target(0.3, at)
        )
        self.summary = Curve("   `show route summary`", "s")
        self.table = Curve("   `show route table RI-NNNN.inet.0` (RI-1000 from 100k lines)", "s")
        self.notes: list[str] = []

    def print(self) -> None:
        for c in vars(self).values():
            if isinstance(c, Curve):
                curve(c)
        for note in self.notes:
            print(note)


@dataclass
class Committed:
    start: float  # spawn to the first prompt
    loaded: Loaded
    commit: float  # `commit`, sent to prompt back
    ended: Ended  # the whole process


def load_and_commit(state: Path, clock: str, timeout: float, name: str, text: str, first: str, then: str) -> Committed:
    """A new device takes `text` from a file in its home: `configure`, `load FIRST NAME`, `commit`, `exit`, `exit`."""
    home = state / HOME
    home.mkdir(parents=True)
    with NosProcess(["cli", "--state-dir", str(state), "--clock", clock], timeout) as p:
        p.read_to(CLI_OP)
        start = p.since_start()
        p.command("configure", CLI_CONF)
        loaded = load(p, home, name, text, first, then)
        commit, out = p.command("commit", CLI_CONF)
        expect(out, "commit complete", "commit")
        p.command("exit", CLI_OP)
        p.send("exit")
        return Committed(start, loaded, commit, p.finish())


def run_set(curves: Curves, lines: int, text: str, state: Path, clock: str, timeout: float) -> None:
    """1: the issue's `printf 'configure\\nload set big.set\\ncommit\\nexit\\nexit\\n' | nos cli --state-dir S`."""
    done = load_and_commit(state, clock, timeout, "big.set", text, "set", "set")
    if done.loaded.files > 1:
        curves.notes.append(f"note: at {lines:,} lines `load set` was refused as too large: {done.loaded.files} files")
    curves.start.add(lines, done.start)
    curves.set_whole.add(lines, done.ended.wall)
    curves.set_cmds.add(lines, done.loaded.seconds + done.commit)
    curves.set_load.add(lines, done.loaded.seconds)
    curves.set_commit.add(lines, done.commit)
    curves.set_rss.add(lines, done.ended.peak_mb)


def run_override(curves: Curves, lines: int, schema, text: str, state: Path, clock: str, timeout: float) -> None:  # type: ignore[no-untyped-def]
    """2: the curly form of the same configuration (the file a user keeps, made here before the process
    starts), `load override` + `commit` on a new device."""
    done = load_and_commit(state, clock, timeout, "big.conf", curly_form(schema, text), "override", "merge")
    if done.loaded.files > 1:
        curves.notes.append(
            f"note: at {lines:,} lines `load override` was refused as too large: {done.loaded.files} files"
            " (`load override` the first, `load merge` the others)"
        )
    curves.over_whole.add(lines, done.ended.wall)
    curves.over_cmds.add(lines, done.loaded.seconds + done.commit)
    curves.over_rss.add(lines, done.ended.peak_mb)


def run_shows(curves: Curves, lines: int, text: str, state: Path, clock: str, timeout: float) -> None:
    """3: the device of 1 started again; what a user then looks at and changes."""
    instances = instances_for(lines)
    table = f"RI-{min(1000, instances // 2):04d}.inet.0"
    with NosProcess(["cli", "--state-dir", str(state), "--clock", clock], timeout) as p:
        p.read_to(CLI_OP)
        curves.restart.add(lines, p.since_start())
        seconds, out = p.command("show configuration | display set", CLI_OP)
        shown, loaded = out.count("\nset "), text.count("\n")
        if shown < loaded:  # the loaded lines, and the factory configuration's
            raise Failed(f"`show configuration | display set` showed {shown} set lines, fewer than {loaded} loaded")
        curves.display_set.add(lines, seconds)
        p.command("configure", CLI_CONF)
        commits = []
        for k in range(ONE_LINE_COMMITS):
            p.command(one_line_change(k), CLI_CONF)
            seconds, out = p.command("commit", CLI_CONF)
            expect(out, "commit complete", "commit of a one-line change")
            commits.append(seconds)
        curves.one_line.add(lines, statistics.median(commits))
        p.command("exit", CLI_OP)
        seconds, out = p.command("show route summary", CLI_OP)
        expect(out, f"{table}:", "show route summary")
        curves.summary.add(lines, seconds)
        seconds, out = p.command(f"show route table {table}", CLI_OP)
        expect(out, f"{table}:", f"show route table {table}")
        curves.table.add(lines, seconds)
        p.send("exit")
        p.finish()


def user_path(sizes: list[int], clock: str, timeout: float) -> None:
    schema = load_schema()
    curves = Curves()
    given_up: dict[str, str] = {}  # measure -> why larger sizes are skipped
    print(f"nos cli --clock {clock}; per process deadline {timeout:g} s", flush=True)
    for lines in sizes:
        instances = instances_for(lines)
        text = generate(instances)
        count = text.count("\n")
        print(f"  {lines:,} lines: {count:,} set lines, {instances:,} routing instances", flush=True)
        with tempfile.TemporaryDirectory(prefix="nos-bench-") as tmp:
            set_state, over_state = Path(tmp) / "set", Path(tmp) / "over"
            runs = [
                ("set", [curves.start, curves.set_whole, curves.set_cmds, curves.set_load, curves.set_commit,
                         curves.set_rss], partial(run_set, curves, lines, text, set_state, clock, timeout)),
                ("override", [curves.over_whole, curves.over_cmds, curves.over_rss],
                 partial(run_override, curves, lines, schema, text, over_state, clock, timeout)),
                ("shows", [curves.restart, curves.display_set, curves.one_line, curves.summary, curves.table],
                 partial(run_shows, curves, lines, text, set_state, clock, timeout)),
            ]  # fmt: skip
            for name, measures, run in runs:
                if name == "shows" and "set" in given_up:
                    given_up["shows"] = "no committed configuration (1. did not finish)"
                if name in given_up:
                    for m in measures:
                        m.add(lines, f"skipped: {given_up[name]}")
                    continue
                t0 = time.perf_counter()
                filled = [len(m.rows) for m in measures]
                try:
                    run()
                except (Timeout, Failed) as exc:
                    cell = describe(exc)
                    for m, before in zip(measures, filled, strict=True):
                        if len(m.rows) == before:
                            m.add(lines, cell)
                    given_up[name] = "a smaller size did not finish"
                    if isinstance(exc, Failed):
                        print(f"    {name}: {exc}", flush=True)
                print(f"    {name}: {time.perf_counter() - t0:.1f} s", flush=True)
    print()
    print(f"USER'S PATH: `nos cli` ({', '.join(f'{s:,}' for s in sizes)} lines; targets of issue 10)")
    curves.print()


# -- secondary: the configuration engine alone -------------------------------------------------------------


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
    goal = f"(old target <= {target:g} {unit})" if target is not None else ""
    verdict = "" if target is None else ("ok" if shown <= target else "over")
    print(f"  {label[:48]:<48} {shown:9.3f} {unit}  {goal} {verdict}")
    return result


def internal(instances: int) -> None:
    """The configuration engine in this process: a bare database (no features, no routing), best of REPEAT."""
    schema = load_schema()
    text = generate(instances)
    base = factory_config("bench")
    print(
        f"SECONDARY, NOT THE USER'S PATH: the configuration engine alone, in this process, on a bare"
        f" configuration database (no features installed); {text.count(chr(10)):,} set lines, best of {REPEAT}"
    )
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

        timed("load set + commit, bare database", 2.0, load_and_commit, setup=new_db)
        db = fresh["db"]
        assert isinstance(db, ConfigDatabase)
        curly = curly_text(db.active)

        def load_curly():  # type: ignore[no-untyped-def]
            t = ConfigTree(schema.root)
            report = parse_curly(t, curly)
            assert report.errors == 0, report.messages[:5]
            return t

        timed(f"parse curly format ({curly.count(chr(10)):,} lines)", 2.0, load_curly)
        timed("render | display set", 1.0, lambda: list(set_lines(db.active)))
        timed("render curly", None, lambda: curly_text(db.active))

        db.store.close()  # the device takes the state directory
        device = Device(schema, ManualScheduler(), hostname="bench", state_dir=state)
        session = CliSession(device, "lab", _NullIO())
        session.enter_configuration("shared")
        last = f"RI-{instances - 1:04d}"
        for line in (
            "set routing-instances ",
            f"set routing-instances {last} routing-options static route ",
            "set protocols bgp group G import ",
            "run show configuration policy-options policy-statement IMPORT-1",
        ):
            timed(f"completion '{line.strip()}'", 30.0, lambda line=line: session.help_lines(line), unit="ms")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  {'resident memory (peak, this process)':<48} {rss:9.1f} MB  (old target <= 300 MB)")
    finally:
        shutil.rmtree(state, ignore_errors=True)


def main() -> None:
    global REPEAT
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="configuration sizes in set lines")
    parser.add_argument("--skip-biggest", action="store_true", help="leave out the largest size")
    parser.add_argument("--timeout", type=float, default=150.0, help="deadline of each nos process, seconds")
    parser.add_argument(
        "--clock", choices=("real", "virtual"), default="real", help="nos cli's clock (its default: real)"
    )
    parser.add_argument("--no-internal", action="store_true", help="leave out the secondary (engine-only) section")
    parser.add_argument("--repeat", type=int, default=3, help="best of N in the secondary section")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if args.skip_biggest and len(sizes) > 1:
        sizes = sizes[:-1]
    user_path(sizes, args.clock, args.timeout)
    if not args.no_internal:
        REPEAT = args.repeat
        print()
        internal(instances_for(TARGET_AT))
    print()
    summary()


class _NullIO:
    interactive = False
    terminal_type = "dumb"

    def write(self, text: str) -> None:
        pass

    def notify(self, text: str) -> None:
        pass


if __name__ == "__main__":
    main()
