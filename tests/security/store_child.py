"""The child side of the commit store's crash and disk-full runs (test_store.py, stress_store.py).

Run as `python store_child.py`: a fork server. It imports nos and loads the
schema once, then reads commands on stdin, one a line, and forks a child for
each run, so a run costs milliseconds instead of an interpreter start:

    kill STATE SEED STEP   commit on STATE until killed: by the parent (STEP 0), or
                           by itself with SIGKILL just before its STEP-th store syscall
    diskfull STATE SEED    the disk-full scenario on STATE (below); it ends by itself
    reap PID               wait for a child; prints `exit PID STATUS` (-N: killed by signal N)

Children write to the server's stdout (the pipe the parent reads), unbuffered:
    start PID              first, so the parent can kill it
    ack N ROUTES SHA       commit N (host-name crash-N, ROUTES extra routes, comment
                           `commit N`, time VIRTUAL_EPOCH + N) printed "commit complete";
                           SHA is the SHA-256 of the configuration as committed
    rollback SHA           the automatic rollback of a `commit confirmed` fired
    fail N / rescue ok|fail / pending / logged TAG / done   (the disk-full scenario's steps)
    kill STEP              a self-kill follows
A child's own checks (the active configuration unchanged by a failed commit,
...) end it with `error ...` and exit status 3; the parent reports that line.
"""

from __future__ import annotations

import hashlib
import os
import random
import resource
import signal
import sys
import tempfile
from pathlib import Path

LIMIT = 5000  # commits per kill run, so a forgotten child stops by itself
VIRTUAL_EPOCH = 1_767_225_600.0  # nos.runtime.clock.VIRTUAL_EPOCH, without importing nos here


def config_text(n: int, routes: int) -> str:
    """Configuration number n: a host name and address that change with n, and `routes` extra routes."""
    extra = "".join(
        f"        route 10.{100 + i % 100}.{n % 250}.0/24 next-hop 192.0.2.{1 + i % 200};\n" for i in range(routes)
    )
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
        f"{extra}"
        "    }\n"
        "}\n"
    )


def number_of(text: str) -> int:
    """The N of a stored configuration (its `host-name crash-N;`)."""
    start = text.index("host-name crash-") + len("host-name crash-")
    return int(text[start : text.index(";", start)])


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def say(line: str) -> None:
    os.write(1, (line + "\n").encode())


class ChildError(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise ChildError(message)


# -- the runs (in a forked child) ----------------------------------------------------------------------


class Committer:
    """A configuration database on STATE, and commits of configuration N as the tests expect them."""

    def __init__(self, schema, state: str):  # type: ignore[no-untyped-def]
        from nos.config.database import ConfigDatabase
        from nos.config.store import ConfigStore
        from nos.runtime.clock import ManualScheduler

        self.schema = schema
        self.clock = ManualScheduler(VIRTUAL_EPOCH)
        self.messages: list[str] = []
        self.logged: list[str] = []
        self.db = ConfigDatabase(
            schema, ConfigStore(Path(state)), self.clock, log=lambda tag, m: self.logged.append(tag)
        )
        self.db.broadcast = self.messages.append
        top = self.db.store.records[0].comment if self.db.store.records else None
        self.n = int(top.split()[1]) if top and top.startswith("commit ") else 0

    def commit(self, n: int, routes: int, confirmed: int | None = None):  # type: ignore[no-untyped-def]
        from nos.config.load import parse_curly
        from nos.config.render import curly_text
        from nos.config.tree import ConfigTree

        if self.clock.now() < n:
            self.clock.advance(n - self.clock.now())  # commit N happens at VIRTUAL_EPOCH + N
        tree = ConfigTree(self.schema.root)
        report = parse_curly(tree, config_text(n, routes))
        check(report.errors == 0, f"config {n} does not parse: {report.messages}")
        result = self.db.commit(tree, "lab", comment=f"commit {n}", confirmed=confirmed)
        return result, curly_text(self.db.active)


def run_kill(state: str, seed: int, step: int, schema) -> None:  # type: ignore[no-untyped-def]
    """Commit N+1, N+2, ... (N: the last commit in the store) until killed."""
    if step:
        _kill_at_store_step(step)
    rng = random.Random(seed)
    c = Committer(schema, state)
    # Rollback 0 names the last commit; a killed run may have left that one unacknowledged: go on from it.
    n = c.n
    for _ in range(LIMIT):
        n += 1
        routes = rng.choice((0, 1, 3, 8, 40))
        result, text = c.commit(n, routes)
        check(result.ok, f"commit {n} failed: {result.lines}")
        say(f"ack {n} {routes} {sha(text)}")


def _kill_at_store_step(step: int) -> None:
    """SIGKILL this process just before its `step`-th file operation of the store: every point of a
    commit (temp file made, fsync, rename, directory fsync, index, removal) is reached in turn."""
    count = [0]

    def counted(real):  # type: ignore[no-untyped-def]
        def call(*args, **kwargs):  # type: ignore[no-untyped-def]
            count[0] += 1
            if count[0] == step:
                say(f"kill {step}")
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)

        return call

    os.fsync = counted(os.fsync)
    os.replace = counted(os.replace)
    os.unlink = counted(os.unlink)
    tempfile.mkstemp = counted(tempfile.mkstemp)


def run_disk_full(state: str, seed: int, schema) -> None:  # type: ignore[no-untyped-def]
    """A pending `commit confirmed` meets a full disk (a file size limit at a seeded byte count).

    1. commits 1-3, then `commit confirmed 1` of 4: all acknowledged (the limit is not set yet);
    2. the limit: `commit confirmed 1` of 5.. and `rescue save` succeed or fail by size;
       a failed commit leaves the active configuration as it was;
    3. the deadline passes: the automatic rollback is written, or waits for the disk;
       while it waits, a plain commit fails too;
    4. the limit is lifted: within ROLLBACK_RETRY seconds the rollback fires;
    5. one more commit, then `done`.
    """
    from nos.config.database import ROLLBACK_RETRY

    rng = random.Random(seed)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG instead
    c = Committer(schema, state)
    n = c.n
    for confirmed in (None, None, None, 1):
        n += 1
        routes = rng.choice((0, 2, 10))
        result, text = c.commit(n, routes, confirmed)
        check(result.ok, f"commit {n} failed before the limit: {result.lines}")
        say(f"ack {n} {routes} {sha(text)}")
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    # Half the runs under the size of one commit file (~1 kB): the rollback itself must wait.
    limit = rng.randint(0, 1200) if rng.random() < 0.5 else rng.randint(1200, 8000)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    for _ in range(rng.randint(1, 5)):
        if rng.random() < 0.3:
            error = c.db.save_rescue()
            check(error is None or error.startswith("error: could not write /config/rescue.conf.gz: "), str(error))
            say("rescue " + ("ok" if error is None else "fail"))
        n += 1
        routes = rng.choice((0, 2, 10, 40, 120))
        before = c.db.active
        result, text = c.commit(n, routes, confirmed=1)
        if result.ok:
            say(f"ack {n} {routes} {sha(text)}")
            continue
        check(result.lines[-1] == "error: commit failed", f"commit {n}: {result.lines}")
        check(result.lines[0].startswith("error: could not write /config/juniper.conf+.gz: "), str(result.lines))
        check(c.db.active is before, f"commit {n} failed but changed the active configuration")
        check(c.db.confirm_deadline is not None, f"commit {n} failed and dropped the pending rollback")
        say(f"fail {n}")
    c.clock.advance(61)  # past the deadline of the last `commit confirmed 1`
    if not c.messages:
        say("pending")
        check(c.db.confirm_deadline is not None, "the rollback was neither done nor kept")
        check("UI_COMMIT_ROLLBACK_FAILED" in c.logged, "the failed rollback was not logged")
        say("logged UI_COMMIT_ROLLBACK_FAILED")
        n += 1
        before = c.db.active
        result, _ = c.commit(n, 0)
        check(not result.ok, "a commit went through while the automatic rollback waited for the disk")
        check(c.db.active is before, "a refused commit changed the active configuration")
        say(f"fail {n}")
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))  # space comes back
        c.clock.advance(ROLLBACK_RETRY)
    check(c.messages == ["Commit was not confirmed; automatic rollback complete."], f"no rollback: {c.messages}")
    check(c.db.confirm_deadline is None, "the rollback fired but is still pending")
    resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    from nos.config.render import curly_text

    say(f"rollback {sha(curly_text(c.db.active))}")
    n += 1
    result, text = c.commit(n, 1)
    check(result.ok, f"commit {n} after the disk came back: {result.lines}")
    say(f"ack {n} 1 {sha(text)}")
    say("done")


# -- the fork server -------------------------------------------------------------------------------------


def _child(words: list[str], schema) -> None:  # type: ignore[no-untyped-def]
    status = 0
    try:
        say(f"start {os.getpid()}")
        if words[0] == "kill":
            run_kill(words[1], int(words[2]), int(words[3]), schema)
        else:
            run_disk_full(words[1], int(words[2]), schema)
    except ChildError as exc:
        say(f"error {exc}")
        status = 3
    except BaseException as exc:
        say(f"error {type(exc).__name__}: {exc}")
        status = 4
    os._exit(status)


def serve() -> None:
    from nos.schema.compile import load_schema

    schema = load_schema()
    import nos.config.database
    import nos.config.load  # noqa: F401

    say("ready")
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] in ("kill", "diskfull"):
            if os.fork() == 0:
                _child(words, schema)
        elif words[0] == "reap":
            _, status = os.waitpid(int(words[1]), 0)
            code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
            say(f"exit {words[1]} {code}")
        elif words[0] == "quit":
            break


if __name__ == "__main__":
    serve()
