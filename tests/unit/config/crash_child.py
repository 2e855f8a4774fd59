"""The child process of test_crash.py: commits configuration after configuration until it is killed.

Run as `python crash_child.py STATE_DIR`. It continues the numbering of the
store it finds (host-name `crash-N`), commits configuration N+1, N+2, ... with
ConfigDatabase on a ManualScheduler, and prints `N` (flushed) after each commit.
"""

from __future__ import annotations

import sys
from pathlib import Path

LIMIT = 5000  # commits per run, so a forgotten child stops by itself


def config_text(n: int) -> str:
    """Configuration number n: a host name, an address and a number of routes that change with n."""
    routes = "".join(f"        route 10.{100 + i}.{n % 250}.0/24 next-hop 192.0.2.{1 + i};\n" for i in range(n % 7))
    return (
        "system {\n"
        f"    host-name crash-{n};\n"
        "    root-authentication {\n"
        '        encrypted-password "$6$crash";\n'
        "    }\n"
        "}\n"
        "interfaces {\n"
        "    ge-0/0/0 {\n"
        "        unit 0 {\n"
        "            family inet {\n"
        f"                address 10.{n // 250 % 250}.{n % 250}.1/24;\n"
        "            }\n"
        "        }\n"
        "    }\n"
        "}\n"
        "routing-options {\n"
        "    static {\n"
        "        route 0.0.0.0/0 next-hop 192.0.2.254;\n"
        f"{routes}"
        "    }\n"
        "}\n"
    )


def number_of(text: str) -> int:
    """The N of a stored configuration (its `host-name crash-N;`)."""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("host-name crash-"):
            return int(line[len("host-name crash-") : -1])
    raise ValueError("not a crash-test configuration")


def main(state_dir: str) -> None:
    from nos.config.database import ConfigDatabase
    from nos.config.load import parse_curly
    from nos.config.store import ConfigStore
    from nos.config.tree import ConfigTree
    from nos.runtime.clock import ManualScheduler
    from nos.schema.compile import load_schema

    schema = load_schema()
    clock = ManualScheduler()
    db = ConfigDatabase(schema, ConfigStore(Path(state_dir)), clock)
    text = db.store.text(0)
    n = number_of(text) if text is not None else 0
    for _ in range(LIMIT):
        n += 1
        tree = ConfigTree(schema.root)
        report = parse_curly(tree, config_text(n))
        assert report.errors == 0, report.messages
        result = db.commit(tree, "lab", comment=f"commit {n}")
        assert result.ok, result.lines
        print(n, flush=True)
        clock.advance(1)


if __name__ == "__main__":
    main(sys.argv[1])
