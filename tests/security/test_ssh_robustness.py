"""Bytes that are not UTF-8 on SSH channels, and what `ssh host COMMAND` exits with (issue 9, point 6).

A byte that is not UTF-8 becomes U+FFFD: the shell answers it like any other
character it does not know, NETCONF reads on, and the connection stays up. An exec
request whose command is not UTF-8 is refused (the channel closes), the
connection is not. A command given on the ssh command line exits 0 when it worked
and 1 when it failed: a syntax error, an unknown command, a refused one, an
`error:` answer.
"""

from __future__ import annotations

import paramiko
import pytest
from sshclient import Shell

from nos.runtime.passwords import sha512_crypt

ADMIN_HASH = sha512_crypt("admin-pw", "saltsaltsaltsalt")
VIEWER_HASH = sha512_crypt("viewer-pw", "pepperpepperpepp")
CONFIG = f"""
system {{
    host-name sim1;
    root-authentication {{ encrypted-password "{ADMIN_HASH}"; }}
    services {{ ssh; netconf {{ ssh; }} }}
    login {{
        user admin {{ uid 2001; class super-user; authentication {{ encrypted-password "{ADMIN_HASH}"; }} }}
        user viewer {{ uid 2002; class read-only; authentication {{ encrypted-password "{VIEWER_HASH}"; }} }}
    }}
}}
"""

# Not UTF-8: a byte that never starts a character, a lone continuation byte, a cut-off sequence,
# an overlong encoding, an encoded surrogate, a code point past U+10FFFF.
INVALID = [b"\xff", b"\x80", b"\xc3(", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"]


@pytest.fixture
def sim1(serve):
    """The device served over SSH (the name `device` is the manual-clock device of tests/conftest.py)."""
    return serve(CONFIG)


def client(port: int, user: str = "admin", password: str = "admin-pw") -> paramiko.SSHClient:
    ssh = paramiko.SSHClient()
    ssh.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    ssh.connect("127.0.0.1", port=port, username=user, password=password, look_for_keys=False, allow_agent=False)
    return ssh


def internal_errors(served) -> list[str]:  # type: ignore[no-untyped-def]
    return served.call(lambda: [e.message for e in served.device.log.events if e.tag == "UI_INTERNAL_ERROR"])


@pytest.mark.parametrize("bad", INVALID, ids=[b.hex() for b in INVALID])
def test_a_shell_answers_bytes_that_are_not_utf8_and_goes_on(sim1, bad):
    shell = Shell(sim1.port, "admin", "admin-pw")
    shell.chan.send(bad + b"\n")
    out = shell.read_to_prompt()
    assert out.startswith("\ufffd") and "unknown command." in out and out.endswith("admin@sim1> ")
    shell.chan.send(b"show ver" + bad + b"sion\n")  # inside a command: a word the CLI does not know
    assert "syntax error" in shell.read_to_prompt()
    assert "Hostname: sim1" in shell.run("show version")
    shell.close()
    assert internal_errors(sim1) == []


def test_a_character_split_across_packets_arrives_whole(sim1):
    shell = Shell(sim1.port, "admin", "admin-pw")
    shell.chan.send("show é".encode()[:-1])
    shell.chan.send("show é".encode()[-1:] + b"\n")
    out = shell.read_to_prompt()
    assert out.startswith("show é\r\n") and "\ufffd" not in out
    shell.close()


def test_an_exec_command_that_is_not_utf8_is_refused_and_the_connection_stays(sim1):
    ssh = client(sim1.port)
    with pytest.raises(paramiko.SSHException):
        ssh.exec_command(b"show \xffversion")  # type: ignore[arg-type]  # paramiko sends bytes as they are
    _, stdout, _ = ssh.exec_command("show version")
    assert "Hostname: sim1" in stdout.read().decode()
    assert stdout.channel.recv_exit_status() == 0
    ssh.close()


class Netconf:
    """NETCONF over one SSH channel (base:1.0 end-of-message framing), read message by message."""

    def __init__(self, chan: paramiko.Channel):
        self.chan = chan
        self.chan.settimeout(20)
        self.buffer = b""
        assert b"<hello" in self.read()
        hello = b'<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities>'
        hello += b"<capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>"
        self.chan.sendall(hello)

    def read(self) -> bytes:
        while b"]]>]]>" not in self.buffer:
            data = self.chan.recv(65536)
            assert data, f"the channel closed; read so far: {self.buffer!r}"
            self.buffer += data
        message, self.buffer = self.buffer.split(b"]]>]]>", 1)
        return message

    def rpc(self, body: bytes, mid: str) -> str:
        self.chan.sendall(f'<rpc message-id="{mid}">'.encode() + body + b"</rpc>]]>]]>")
        return self.read().decode()


@pytest.mark.parametrize("how", ["subsystem", "exec"])
def test_netconf_reads_on_past_bytes_that_are_not_utf8(sim1, how):
    ssh = client(sim1.port)
    chan = ssh.get_transport().open_session()  # type: ignore[union-attr]
    if how == "subsystem":
        chan.invoke_subsystem("netconf")
    else:
        chan.exec_command("xml-mode netconf need-trailer")
    netconf = Netconf(chan)
    for n, bad in enumerate(INVALID):
        reply = netconf.rpc(b"<command>show version" + bad + b"</command>", str(n))
        assert f'message-id="{n}"' in reply and "syntax error" in reply  # `show version\ufffd`: the CLI's error
    reply = netconf.rpc(b"<get-software-information/>", "last")
    assert 'message-id="last"' in reply and "<host-name>sim1</host-name>" in reply
    ssh.close()
    assert internal_errors(sim1) == []


@pytest.mark.parametrize(
    ("user", "command", "status", "says"),
    [
        ("admin", "show version", 0, "Hostname: sim1"),
        ("admin", "show system login lockout", 0, "Lockout start"),
        ("admin", "show foo", 1, "syntax error"),  # a syntax error
        ("admin", "foo", 1, "unknown command."),  # an unknown command
        ("viewer", "configure", 1, "unknown command."),  # what the class may not run
        ("viewer", "clear system login lockout all", 1, "unknown command."),
        ("admin", "request system logout user nobody", 1, "error: no such user: nobody"),  # an `error:` answer
        ("admin", "start shell", 1, "error: the shell is not available"),
    ],
)
def test_exec_exit_status_says_whether_the_command_failed(sim1, user, command, status, says):
    ssh = client(sim1.port, user, f"{user}-pw")
    _, stdout, _ = ssh.exec_command(command)
    out = stdout.read().decode()
    assert says in out
    assert stdout.channel.recv_exit_status() == status
    ssh.close()


def test_each_command_says_whether_it_failed(cli):
    """`last_failed` is the last command's, whatever came before (a CliSession on the manual clock)."""
    failed = []
    for line in ("foo", "show version", "show foo", "show system users", "start shell", "configure", "commit"):
        cli.run(line)
        failed.append(cli.session.last_failed)
    assert failed == [True, False, True, False, True, False, False]
    cli.run("set system login user trainee uid 3000")  # no class: a mandatory statement is missing
    assert cli.run("commit").endswith("error: commit failed: (missing mandatory statements)\n")
    assert cli.session.last_failed
