"""Long-line benchmark: typing a line of 1,000 to 100,000 characters over SSH, then `?`, Tab and Enter.

Each keystroke's work must not grow with the square of the line: typing it
(Space completes keywords near the start of a line), `?` and Tab (each reads
the whole line once), Enter (the command runs). Three shapes of line, on a
fresh `nos cli --ssh 0` process:

  words   `set apply-groups [ g0 g1 ...` in configuration mode (many words; Enter adds them all)
  huge    `show interfaces xxxx...` (one huge word; Enter says there is no such interface)
  quoted  `set system login message "ab ab ..."` (words inside quotes, where `?` is a plain
          character and Space completes nothing; Enter sets the message)

Prints seconds per action and the growth per doubling of the length (x2:
linear, x4: quadratic). Not a test:

    .venv/bin/python tests/bench/bench_longline.py [--sizes 1000,2000,5000,10000,20000,50000,100000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nos_process import Shell, growth, nos_over_ssh

CONFIG_PROMPT = "lab@nos# "


def shapes(n: int) -> dict[str, tuple[str, str]]:
    """Each shape: (the line typed, what Enter adds to it), the line exactly n characters."""
    words = "set apply-groups [ " + " ".join(f"g{i}" for i in range(n // 3))
    huge = "show interfaces " + "x" * n
    quoted = 'set system login message "' + " ".join("ab" for _ in range(n // 3))
    return {"words": (words[:n].rstrip(), " ]"), "huge": (huge[:n], ""), "quoted": (quoted[:n].rstrip(), '"')}


async def echo_of(shell: Shell, keys: str, ends: str) -> float:
    """Send `keys`; seconds until what came back ends with `ends`."""
    started = time.perf_counter()
    shell.process.stdin.write(keys)
    tail = ""
    while not tail.endswith(ends):
        tail = (tail + await shell.process.stdout.read(1 << 20))[-len(ends) - 1 :]
    return time.perf_counter() - started


async def measure(port: int, line: str, close: str) -> dict[str, float]:
    shell = await Shell.open(port)
    prompt = "lab@nos> "
    if line.startswith("set"):
        prompt = CONFIG_PROMPT
        await shell.run("configure", prompt)
    out = {"type": await echo_of(shell, line, line[-40:])}
    if line.count('"') % 2 == 0:  # inside quotes `?` is a character like any other
        out["?"] = await _help(shell, line, prompt)
    out["Tab"] = await echo_of(shell, "\tZ", "Z")  # Tab may insert, list or do nothing; Z comes after
    await echo_of(shell, "\x7f", "\b \b")  # rub the Z out
    started = time.perf_counter()
    await shell.run(close, prompt)
    out["Enter"] = time.perf_counter() - started
    shell.close()
    return out


async def _help(shell: Shell, line: str, prompt: str) -> float:
    """`?`: until the help is shown and the line is back after the prompt."""
    started = time.perf_counter()
    shell.process.stdin.write("?")
    seen = ""
    while True:
        seen = (seen + await shell.process.stdout.read(1 << 20))[-(len(prompt) + len(line) + 1) :]
        if seen.endswith(prompt + line):
            return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,2000,5000,10000,20000,50000,100000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[tuple[str, str], list[tuple[int, float]]] = {}
    with nos_over_ssh() as served:
        for n in sizes:
            for shape, (line, close) in shapes(n).items():
                got = asyncio.run(measure(served.port, line, close))
                for action, secs in got.items():
                    results.setdefault((shape, action), []).append((n, secs))
                print(
                    f"  {n:>7} {shape:<7} " + "  ".join(f"{a} {s * 1000:8.1f} ms" for a, s in got.items()), flush=True
                )
    print(f"server CPU for all of it: {served.cpu:.2f} s")
    for (shape, action), rows in results.items():
        print(f"{shape} line, {action}:")
        print("\n".join(growth(rows)))


if __name__ == "__main__":
    main()
