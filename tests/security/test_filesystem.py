"""A login reaches its device's files and nothing else (issue 9, point 1).

Every attack from the issue, typed by the weakest classes (`unauthorized`, a
custom class with no permissions) and by a super-user alike: reading host
files (/etc/passwd, the SSH host key, the commit store), deleting them,
`| save` to `/`, `~`, `../`, loading /dev/zero, a FIFO, a binary file and a
broken link. Each is refused with Junos text or is harmless (it stays inside
the device's own folder), the session goes on, and nothing outside the
device filesystem changes.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import trio
from sshclient import Shell

from nos.net.netconf import NetconfSession
from nos.net.netconf.xml import BASE_NS, local
from nos.runtime.device import Device
from nos.runtime.passwords import sha512_crypt

PASSWORD = "lab123"
HASH = sha512_crypt(PASSWORD, "fsfsfsfsfsfsfsfs")

CONFIG = f"""
system {{
    host-name r1;
    root-authentication {{
        encrypted-password "{HASH}";
    }}
    login {{
        class nothing;
        class reader {{
            permissions [ view view-configuration maintenance ];
        }}
        class editor {{
            permissions [ view configure maintenance ];
        }}
        user lab {{ uid 2000; class super-user; authentication {{ encrypted-password "{HASH}"; }} }}
        user nobody {{ uid 2001; class unauthorized; authentication {{ encrypted-password "{HASH}"; }} }}
        user blank {{ uid 2002; class nothing; authentication {{ encrypted-password "{HASH}"; }} }}
        user reader {{ uid 2003; class reader; authentication {{ encrypted-password "{HASH}"; }} }}
        user editor {{ uid 2004; class editor; authentication {{ encrypted-password "{HASH}"; }} }}
    }}
    services {{
        ssh;
        netconf {{
            ssh;
        }}
    }}
}}
"""

USERS = ["nobody", "blank", "reader", "lab"]  # weakest first; reader and lab may run `file` commands
FILE_CLASSES = {"reader", "lab"}
HOST_SECRET = "HOST-SECRET-7f3a"  # in every host file an attacker aims at: it must never be printed
KEY_TEXT = f"-----BEGIN OPENSSH PRIVATE KEY-----\n{HOST_SECRET}\n"


def _tree(root: Path, skip: Path) -> dict[str, bytes | str]:
    """Every host path under `root` (links as their target), except the device filesystem."""
    out: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        if path == skip or skip in path.parents:
            continue
        if path.is_symlink():
            out[str(path)] = "-> " + os.readlink(path)
        elif path.is_file():
            out[str(path)] = path.read_bytes()
        else:
            out[str(path)] = "dir"
    return out


class Host:
    """A device on the manual clock with host files an attacker wants, and traps inside its filesystem."""

    def __init__(self, schema, clock, tmp_path: Path, driver: type):  # type: ignore[no-untyped-def]
        self.tmp = tmp_path
        self.driver = driver  # tests/conftest.py's Cli
        self.state = tmp_path / "r1-state"
        self.device = Device(schema, clock, hostname="r1", state_dir=self.state, initial_config=CONFIG)
        self.victim = tmp_path / "host-secret.txt"
        self.victim.write_text(HOST_SECRET + "\n")
        (self.state / "ssh").mkdir(parents=True)
        self.key = self.state / "ssh" / "ssh_host_ed25519_key"
        self.key.write_text(KEY_TEXT)
        self.commit = next((self.state / "config").glob("c*.conf"))
        tmp = self.device.fs.root / "var" / "tmp"
        os.symlink(self.key, tmp / "key")  # as if an operator had linked them in by mistake
        os.symlink(self.commit, tmp / "commit")
        os.symlink("/dev/zero", tmp / "zero")
        os.symlink(tmp / "gone", tmp / "dangling")
        os.mkfifo(tmp / "pipe")
        (tmp / "binary").write_bytes(b"\x1b[2J\x1b]0;owned\x07\xff\xfe\x00system { host-name \xc3\xa9; }\n")
        self.before = self.outside()

    def outside(self) -> dict[str, bytes | str]:
        return _tree(self.tmp, self.device.fs.root)

    def cli(self, user: str):  # type: ignore[no-untyped-def]
        return self.driver(self.device, user)


@pytest.fixture
def host(schema, clock, tmp_path: Path, cli) -> Host:  # type: ignore[no-untyped-def]
    return Host(schema, clock, tmp_path, type(cli))


def _refused(line: str) -> str:
    return f"error: could not resolve file: {line.split()[-1]}\n"


def _attacks(host: Host) -> list[tuple[str, str]]:
    """(command, what a class that may run `file` commands is answered)."""
    not_regular = "error: could not read {}: Not a regular file\n"
    return [
        ("file show /etc/passwd", _refused("/etc/passwd")),
        ("file show ../../../etc/passwd", _refused("../../../etc/passwd")),
        ("file show ~/../../../../../../../etc/shadow", _refused("~/../../../../../../../etc/shadow")),
        ("file show ~/.ssh/id_rsa", _refused("~/.ssh/id_rsa")),
        ("file show /root/.ssh/authorized_keys", _refused("/root/.ssh/authorized_keys")),
        (f"file show {host.key}", _refused(str(host.key))),
        ("file show ../../../../ssh/ssh_host_ed25519_key", _refused("../../../../ssh/ssh_host_ed25519_key")),
        (f"file show {host.commit}", _refused(str(host.commit))),
        (f"file show ../../../../config/{host.commit.name}", _refused(f"../../../../config/{host.commit.name}")),
        ("file show /var/tmp/key", not_regular.format("/var/tmp/key")),
        ("file show /var/tmp/commit", not_regular.format("/var/tmp/commit")),
        ("file show /var/tmp/pipe", not_regular.format("/var/tmp/pipe")),
        ("file show /var/tmp/zero", not_regular.format("/var/tmp/zero")),
        ("file show /var/tmp/dangling", not_regular.format("/var/tmp/dangling")),
        ("file show /dev/zero", _refused("/dev/zero")),
        ("file show /var/tmp", "error: could not read /var/tmp: Is a directory\n"),
        ("file show /var/tmp/binary", "\ufffd[2J\ufffd]0;owned\ufffd\ufffd\ufffd\ufffdsystem { host-name é; }\n"),
        (f"file delete {host.victim}", f"error: could not delete {host.victim}: No such file or directory\n"),
        (
            "file delete ../../../../host-secret.txt",
            "error: could not delete ../../../../host-secret.txt: No such file or directory\n",
        ),
        ("file delete /var/tmp", "error: could not delete /var/tmp: Is a directory\n"),
        (
            "file delete /config/juniper.conf.gz",
            "error: could not delete /config/juniper.conf.gz: Read-only file system\n",
        ),
        (f"file copy {host.victim} mine", _refused(str(host.victim))),
        ("file copy /var/tmp/key mine", not_regular.format("/var/tmp/key")),
        ("file copy /var/tmp/pipe mine", not_regular.format("/var/tmp/pipe")),
        ("file rename /var/tmp/key /var/tmp/k2", "error: could not rename /var/tmp/key: Not a regular file\n"),
        ("file compare files /var/tmp/zero /etc/passwd", not_regular.format("/var/tmp/zero")),
        ("file list ../../../../..", "/:\nconfig/\nvar/\n"),
        ("file list /var/tmp/key", "/var/tmp/key\n"),  # the name only: a link is listed, never followed
        ("show log ../../../etc/passwd", _refused("../../../etc/passwd")),
        ("show log /var/tmp/binary", _refused("/var/tmp/binary")),  # `show log` reads /var/log only
        ("show cli | save /", "error: could not write /: Is a directory\n"),
        ("show cli | save .", "error: could not write .: Is a directory\n"),  # the home, made or not yet
        ("show cli | save ~", "error: could not write ~: Is a directory\n"),
        ("show cli | save ~nobody", "error: could not write ~nobody: Is a directory\n"),
        ("show cli | save /var/tmp/pipe", "error: could not write /var/tmp/pipe: Not a regular file\n"),
        ("show cli | save /var/tmp/key", "error: could not write /var/tmp/key: Not a regular file\n"),
        (
            "show cli | save /config/juniper.conf.gz",
            "error: could not write /config/juniper.conf.gz: Read-only file system\n",
        ),
        ("show cli | save ~/x", "Wrote 9 lines of output to '~/x'\n"),  # harmless: /var/home/USER/x
        ("show cli | save ../../x", "Wrote 9 lines of output to '../../x'\n"),  # harmless: /var/x
        (f"show cli | save {host.tmp}/planted", f"Wrote 9 lines of output to '{host.tmp}/planted'\n"),
    ]


CONFIG_ATTACKS = [
    ("load merge /dev/zero", "error: Could not open configuration file: /dev/zero\n"),
    ("load merge /var/tmp/zero", "error: could not read /var/tmp/zero: Not a regular file\n"),
    ("load override /var/tmp/pipe", "error: could not read /var/tmp/pipe: Not a regular file\n"),
    ("load replace /var/tmp/dangling", "error: could not read /var/tmp/dangling: Not a regular file\n"),
    ("load set /var/tmp/key", "error: could not read /var/tmp/key: Not a regular file\n"),
    ("load patch /var/tmp/commit", "error: could not read /var/tmp/commit: Not a regular file\n"),
    (
        "load update ../../../../config/c000001.conf",
        "error: Could not open configuration file: ../../../../config/c000001.conf\n",
    ),
    ("load merge /etc/passwd", "error: Could not open configuration file: /etc/passwd\n"),
    ("show | compare /var/tmp/pipe", "error: could not read /var/tmp/pipe: Not a regular file\n"),
    ("show | compare /etc/passwd", "error: could not open file: /etc/passwd\n"),
    ("save /", "error: could not write /: Is a directory\n"),
    ("save /var/tmp/key", "error: could not write /var/tmp/key: Not a regular file\n"),
    ("save ../../../../../saved.conf", None),  # harmless: /saved.conf inside the device's folder
    ("load merge /var/tmp/binary", None),  # garbage: load errors, no traceback
]


@pytest.mark.parametrize("user", USERS)
def test_every_file_attack_is_refused_or_harmless(host: Host, user: str) -> None:
    cli = host.cli(user)
    for line, answer in _attacks(host):
        out = cli.output(line)
        if line.startswith(("file", "show log")) and user not in FILE_CLASSES:  # a class may not run it at all
            assert out.endswith("^\nunknown command.\n"), (user, line, out)
        else:
            assert out == answer, (user, line)
        assert HOST_SECRET not in out and "root:" not in out, (user, line)
    if user == "lab":
        cli.run("configure")
        for line, answer in CONFIG_ATTACKS:
            out = cli.output(line)
            assert "Traceback" not in out and HOST_SECRET not in out, line
            if answer is not None:
                assert out == answer, line
        cli.run("rollback 0", "exit")
    else:  # the other classes never get a candidate to load into
        assert cli.output("configure").endswith("^\nunknown command.\n")
    assert cli.output("show cli | count") == "Count: 9 lines\n"  # the session goes on
    assert host.outside() == host.before  # nothing outside the device filesystem changed
    root = host.device.fs.root
    home = "lab" if user == "lab" else user
    assert (root / "var" / "home" / home / "x").is_file() and (root / "var" / "x").is_file()
    assert (root / str(host.tmp).lstrip("/") / "planted").is_file()


def test_the_archive_of_a_folder_with_traps_holds_only_regular_files(host: Host) -> None:
    import io
    import tarfile

    cli = host.cli("lab")
    assert cli.output("file archive source /var/tmp destination /var/home/lab/t") == ""
    with tarfile.open(fileobj=io.BytesIO((host.device.fs.root / "var/home/lab/t.tar").read_bytes())) as tar:
        assert tar.getnames() == ["var/tmp/binary"]
        assert all(HOST_SECRET.encode() not in tar.extractfile(m).read() for m in tar.getmembers())  # type: ignore[union-attr]


def test_file_list_shows_the_junos_layout(host: Host) -> None:
    cli = host.cli("lab")
    cli.run("show cli | save notes.txt", "configure", "save lab.conf", "exit", "file copy notes.txt /var/tmp/")
    assert cli.output("file list") == "/var/home/lab/:\nlab.conf\nnotes.txt\n"
    assert cli.output("file list ~") == "/var/home/lab/:\nlab.conf\nnotes.txt\n"
    assert cli.output("file list /") == "/:\nconfig/\nvar/\n"
    assert cli.output("file list /var") == "/var/:\nhome/\nlog/\ntmp/\n"
    assert cli.output("file list /var/tmp") == (
        "/var/tmp/:\nbinary\ncommit@\ndangling@\nkey@\nnotes.txt\npipe|\nzero@\n"
    )
    assert cli.output("file list /config") == "/config/:\njuniper.conf.gz\n"
    assert cli.output("file list /var/log") == "/var/log/:\nmessages\n"
    assert cli.output("file list notes.txt") == "/var/home/lab/notes.txt\n"
    assert cli.output("file list nothere") == "nothere: No such file or directory\n"
    size = len(cli.output("file show notes.txt").encode())
    conf = len(cli.output("file show lab.conf").encode())
    assert cli.output("file list detail") == (
        "/var/home/lab/:\n"
        f"-rw-r--r--  1 lab      staff {conf:>10} Jan  1 00:00 lab.conf\n"
        f"-rw-r--r--  1 lab      staff {size:>10} Jan  1 00:00 notes.txt\n"
        "total files: 2\n"
    )
    config = len(cli.output("file show /config/juniper.conf.gz").encode())
    assert cli.output("file list /config detail") == (
        f"/config/:\n-r--r--r--  1 root     wheel {config:>10} Jan  1 00:00 juniper.conf.gz\ntotal files: 1\n"
    )
    assert cli.output("file list /var/home recursive") == "/var/home/:\nlab/\n\n/var/home/lab/:\nlab.conf\nnotes.txt\n"


def test_the_configuration_file_is_masked_as_show_configuration_is(host: Host) -> None:
    reader, lab = host.cli("reader"), host.cli("lab")
    masked = reader.output("file show /config/juniper.conf.gz")
    assert masked == reader.output("show configuration")
    assert "SECRET-DATA" in masked and HASH not in masked
    full = lab.output("file show /config/juniper.conf.gz")
    assert full == lab.output("show configuration") and HASH in full
    reader.run("file copy /config/juniper.conf.gz /var/tmp/copy.conf")  # a copy keeps what its class saw
    assert HASH not in lab.output("file show /var/tmp/copy.conf")
    editor = host.cli("editor")  # may configure, may not see secrets: `save` writes what `show` shows
    editor.run("configure", "save mine.conf", "exit")
    saved = lab.output("file show /var/home/editor/mine.conf")
    assert "SECRET-DATA" in saved and HASH not in saved


def test_the_log_file_is_what_show_log_prints(host: Host) -> None:
    lab = host.cli("lab")
    host.device.event("mgd", "UI_COMMIT", "User 'lab' requested 'commit' operation")
    host.device.event("sshd", "", "Failed password for \x1b[31mroot from 192.0.2.1 port 22 ssh2")
    log = lab.output("show log messages")
    assert "UI_COMMIT" in log and "\x1b" not in log  # what a log line carries cannot drive the terminal
    assert lab.output("file show /var/log/messages") == log
    assert lab.output("show log /var/log/messages") == log
    assert lab.output("file copy /var/log/messages /var/log/forged") == (
        "error: could not write /var/log/forged: Read-only file system\n"
    )


# -- over SSH ------------------------------------------------------------------------------------------------


def test_attacks_over_ssh_are_refused_and_the_session_stays(serve, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = serve(CONFIG)
    key = next((tmp_path / "d0" / "ssh").glob("ssh_host_*_key"))
    secret = key.read_text().splitlines()[1]
    commit = next((tmp_path / "d0" / "config").glob("c*.conf"))
    for user in ("nobody", "lab"):
        shell = Shell(server.port, user, PASSWORD)
        for line in (
            "file show /etc/passwd",
            f"file show {key}",
            "file show ../../../../ssh/" + key.name,
            f"file show {commit}",
            f"file delete {commit}",
            "show cli | save /",
            "show cli | save ../../../../x",
        ):
            out = shell.run(line)
            assert secret not in out and "root:" not in out and "Traceback" not in out, (user, line)
            assert out.endswith(f"{user}@r1> "), (user, line)
            if line.startswith("file"):
                expected = "unknown command." if user == "nobody" else "error: could not "
                assert expected in out, (user, line)
        if user == "lab":
            shell.run("configure")
            assert "error: Could not open configuration file: /dev/zero" in shell.run("load merge /dev/zero")
            assert "error: could not write /: Is a directory" in shell.run("save /")
            shell.run("exit")
        assert "CLI working directory is '/var/home/" in shell.run("show cli")
        shell.close()
    assert commit.exists() and not (tmp_path / "x").exists()


# -- over NETCONF: <load-configuration url=...> ------------------------------------------------------------


def _rpc(session: NetconfSession, body: str) -> ET.Element:
    reply = trio.run(session.answer, f'<rpc message-id="1" xmlns="{BASE_NS}">{body}</rpc>')
    return ET.fromstring(reply)


def _errors(reply: ET.Element) -> list[str]:
    return [
        "".join(c.text or "" for c in e if local(c.tag) == "error-message").strip()
        for e in reply.iter(f"{{{BASE_NS}}}rpc-error")
    ]


def test_netconf_loads_a_url_from_the_device_files_only(host: Host) -> None:
    lab = host.cli("lab")
    lab.run("configure", "set system domain-name from-file.example", "save /var/tmp/new.conf", "rollback 0", "exit")
    session = NetconfSession(host.device, "lab", send=lambda text: None)
    for url, message in (
        ("/etc/passwd", "Could not open configuration file: /etc/passwd"),
        ("/dev/zero", "Could not open configuration file: /dev/zero"),
        ("/var/tmp/pipe", "could not read /var/tmp/pipe: Not a regular file"),
        ("/var/tmp/key", "could not read /var/tmp/key: Not a regular file"),
        (str(host.commit), f"Could not open configuration file: {host.commit}"),
        ("ftp://example.net/x.conf", "remote URLs are not supported: ftp://example.net/x.conf"),
        ("host:/etc/passwd", "remote URLs are not supported: host:/etc/passwd"),
    ):
        reply = _rpc(session, f'<load-configuration url="{url}" format="text"/>')
        assert _errors(reply) == [message], url
    reply = _rpc(session, '<load-configuration url="/var/tmp/new.conf" format="text" action="override"/>')
    assert _errors(reply) == []
    assert _errors(_rpc(session, "<commit-configuration/>")) == []
    assert "domain-name from-file.example;" in lab.output("show configuration system")
    nobody = NetconfSession(host.device, "nobody", send=lambda text: None)
    assert _errors(_rpc(nobody, '<load-configuration url="/var/tmp/new.conf" format="text"/>')) == ["permission denied"]


def test_copy_rename_compare_and_archive_from_the_cli(host: Host) -> None:
    cli = host.cli("lab")
    cli.run("show cli | save a", "file copy a b", "file copy a /var/tmp/", "file rename /var/tmp/a /var/tmp/c")
    assert cli.output("file compare files a b") == ""
    cli.run("show cli | last 8 | save b")
    assert cli.output("file compare files a b") == "1d0\n< CLI complete-on-space set to on\n"
    assert cli.output("file compare files a b unified") == (
        "--- a\n+++ b\n@@ -1,4 +1,3 @@\n-CLI complete-on-space set to on\n CLI idle-timeout disabled\n"
        " CLI restart-on-upgrade set to on\n CLI screen-length set to 0\n"
    )
    files = host.device.fs.for_user("lab", secrets=True)
    files.write_text("/var/tmp/w1", "a b\nc\n")
    files.write_text("/var/tmp/w2", "a   b\n\tc\n")
    assert cli.output("file compare files /var/tmp/w1 /var/tmp/w2") == "1,2c1,2\n< a b\n< c\n---\n> a   b\n> \tc\n"
    assert cli.output("file compare files /var/tmp/w1 /var/tmp/w2 ignore-white-space") == ""
    assert cli.output("file compare files a b bogus") == " " * 31 + "^\nsyntax error.\n"
    assert cli.output("file copy a") == " " * 20 + "^\nsyntax error, expecting <destination>.\n"
    assert cli.output("file show a encoding base64").startswith("Q0xJIGNvbXBsZXRlLW9uLXNwYWNl")
    assert cli.output("file archive source /var/tmp/* destination logs compress") == ""
    assert cli.output("file list logs.tgz") == "/var/home/lab/logs.tgz\n"
    assert cli.output("show configuration | compare /var/tmp/pipe") == (
        "error: could not read /var/tmp/pipe: Not a regular file\n"
    )


def test_nos_cli_survives_every_file_attack(tmp_path: Path) -> None:
    """The real `nos cli` on a pipe: the inputs that used to end it with a traceback."""
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(repo) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    state = tmp_path / "state"
    script = "\n".join(
        [
            "show cli | save /",
            "show cli | save ../../../../../x",
            "file show /etc/passwd",
            "file show ~/.ssh/id_rsa",
            "file delete /etc/hostname",
            "configure",
            "load merge /dev/zero",
            "load merge /etc/passwd",
            "save /",
            "exit",
            "show cli | count",
        ]
    )
    result = subprocess.run(
        [sys.executable, "-m", "nos", "cli", "--state-dir", str(state), "--clock", "virtual"],
        input=script + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert "Traceback" not in result.stdout + result.stderr
    assert "error: could not write /: Is a directory" in result.stdout
    assert "error: could not resolve file: /etc/passwd" in result.stdout
    assert "error: Could not open configuration file: /dev/zero" in result.stdout
    assert result.returncode == 0 and "Count: 9 lines" in result.stdout  # still there after them all
    assert (state / "fs" / "x").is_file()  # `../../../../../x` from /var/home/lab: the device's root


def test_saving_in_a_loop_stops_at_the_device_quota(host: Host, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`| save` again and again fills the device's share of the disk, never the host's."""
    from nos.runtime import filesystem

    monkeypatch.setattr(filesystem, "QUOTA_BYTES", host.device.fs.usage()[0] + 2000)
    cli = host.cli("reader")  # the weakest class that may save
    answers = [cli.output(f"show cli | save /var/tmp/out{i}") for i in range(12)]
    assert answers[0] == "Wrote 9 lines of output to '/var/tmp/out0'\n"
    assert answers[-1] == "error: could not write /var/tmp/out11: Disc quota exceeded\n"
    assert cli.output("file delete /var/tmp/out0") == ""  # deleting frees room again
    assert cli.output("show cli | save /var/tmp/again") == "Wrote 9 lines of output to '/var/tmp/again'\n"
    assert host.outside() == host.before
