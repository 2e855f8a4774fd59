"""What judging configuration changes costs: `set` on the 100,000-line configuration of
bench_config.py, typed by classes the judge skips (super-user), settles by flags
(interface-control) and walks statement by statement (allow-/deny-configuration).

Each row is the mean of one `set` over N commands, each changing a different
interface description (so each is a real change), through the CLI session; then
`commit check` of the candidate they leave. Not a test: run it

    .venv/bin/python tests/bench/bench_authorize.py [--instances 2000] [--sets 300]

It runs against any checkout (PYTHONPATH=...), to compare before and after.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

import trio  # noqa: E402
from bench_config import generate  # noqa: E402

from nos.cli.session import CliSession  # noqa: E402
from nos.config.database import ConfigDatabase  # noqa: E402
from nos.config.load import parse_set  # noqa: E402
from nos.config.store import ConfigStore  # noqa: E402
from nos.runtime.accounts import Rights  # noqa: E402
from nos.runtime.clock import ManualScheduler  # noqa: E402
from nos.runtime.device import Device, factory_config  # noqa: E402
from nos.schema.compile import load_schema  # noqa: E402


def regex(text: str):  # type: ignore[no-untyped-def]
    try:
        from nos.runtime.patterns import compile_user_regex
    except ImportError:  # a checkout from before the linear-time matcher
        return re.compile(text, re.IGNORECASE)
    return compile_user_regex(text)


class _IO:
    """Keeps the output, to see that every `set` went through."""

    interactive = False
    terminal_type = "dumb"

    def __init__(self) -> None:
        self.text: list[str] = []

    def write(self, text: str) -> None:
        self.text.append(text)

    notify = write

    async def page(self, lines: list[str], paged: bool, screen_length: int) -> None:
        self.text.extend(line + "\n" for line in lines)


CLASSES = {
    "super-user": lambda: Rights(),
    "interface-control": lambda: Rights("ifonly", frozenset({"view", "configure", "interface-control"})),
    "allow-configuration": lambda: Rights(
        "descs", frozenset({"view", "configure"}), allow_configuration=regex("interfaces .* description")
    ),
    "all + deny-configuration": lambda: Rights("allbut", frozenset({"all"}), deny_configuration=regex("system login")),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instances", type=int, default=2000)
    parser.add_argument("--sets", type=int, default=300)
    args = parser.parse_args()
    schema = load_schema()
    text = generate(args.instances)
    print(f"configuration: {text.count(chr(10)):,} set lines; {args.sets} `set` commands per class")
    state = Path(tempfile.mkdtemp(prefix="nos-bench-authz-"))
    try:
        db = ConfigDatabase(schema, ConfigStore(state), ManualScheduler(), initial=factory_config("bench"))
        tree = db.new_candidate()
        assert parse_set(tree, text).errors == 0
        assert db.commit(tree, "bench").ok
        getattr(db.store, "close", lambda: None)()  # (a store that holds its directory)
        device = Device(schema, ManualScheduler(), hostname="bench", state_dir=state)
        for n, (label, make) in enumerate(CLASSES.items()):
            io = _IO()
            session = CliSession(device, "bench", io, rights=make())
            session.enter_configuration("private")  # each class starts from the active configuration
            lines = [
                f'set interfaces xe-{i // 480}/{(i // 48) % 10}/{i % 48} unit {i % 4000 + 1} description "c{n}-{i}"'
                for i in range(args.sets)
            ]

            async def run(lines: list[str] = lines, session: CliSession = session) -> None:
                for line in lines:
                    await session.execute(line)

            t0 = time.perf_counter()
            trio.run(run)
            per_set = (time.perf_counter() - t0) / len(lines)
            t0 = time.perf_counter()
            trio.run(session.execute, "commit check")
            check = time.perf_counter() - t0
            out = "".join(io.text)
            assert "error" not in out and "configuration check succeeds" in out, out[:300]
            print(f"{label:<28} set: {per_set * 1000:7.3f} ms   commit check: {check:6.3f} s")
            session.close()
    finally:
        shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    main()
