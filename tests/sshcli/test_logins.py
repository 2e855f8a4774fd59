"""Users and login classes from the configuration, as SSH clients meet them."""

from __future__ import annotations

import asyncio
import io

import asyncssh
import paramiko
import pytest
from sshclient import Shell

from nos.runtime.passwords import sha512_crypt

ADMIN_HASH = sha512_crypt("admin-pw", "saltsaltsaltsalt")
VIEWER_HASH = sha512_crypt("viewer-pw", "pepperpepperpepp")
OPER_HASH = sha512_crypt("oper-pw", "cuminzcuminzcumi")
NOC_HASH = sha512_crypt("noc-pw", "thymethymethymet")

CONFIG = f"""
system {{
    host-name sim1;
    root-authentication {{
        encrypted-password "{ADMIN_HASH}";
    }}
    login {{
        message "Authorized use only";
        class noc {{
            permissions [ view configure interface-control ];
            deny-commands "^show log";
        }}
        class sleepy {{
            idle-timeout 2;
            permissions view;
        }}
        user admin {{ uid 2001; class super-user; authentication {{ encrypted-password "{ADMIN_HASH}"; }} }}
        user viewer {{ uid 2002; class read-only; authentication {{ encrypted-password "{VIEWER_HASH}"; }} }}
        user oper {{ uid 2003; class operator; authentication {{ encrypted-password "{OPER_HASH}"; }} }}
        user noc {{ uid 2004; class noc; authentication {{ encrypted-password "{NOC_HASH}"; }} }}
        user dozy {{ uid 2005; class sleepy; authentication {{ encrypted-password "{VIEWER_HASH}"; }} }}
    }}
}}
"""


@pytest.fixture
def device(serve):
    return serve(CONFIG)


def test_the_banner_shows_the_login_message(device):
    shell = Shell(device.port, "admin", "admin-pw")
    assert shell.banner.startswith("Authorized use only\r\n--- JUNOS ")
    shell.close()


def test_read_only_may_look_but_not_configure(device):
    shell = Shell(device.port, "viewer", "viewer-pw")
    out = shell.run("configure")
    assert out == "configure\r\n" + " " * len("viewer@sim1> ") + "^\r\nunknown command.\r\n\r\nviewer@sim1> "
    assert "host-name sim1;" in shell.run("show configuration system")
    assert "  configure  " not in shell.type("?")
    assert "unknown command." in shell.run("request lab wait 10")
    shell.close()


def test_secrets_are_shown_only_to_classes_allowed_to_see_them(device):
    viewer = Shell(device.port, "viewer", "viewer-pw")
    out = viewer.run("show configuration system root-authentication")
    assert 'encrypted-password "$6$' not in out
    assert "## SECRET-DATA" in out
    for pipe in ("display json", "display set"):
        out = viewer.run(f"show configuration system root-authentication | {pipe}")
        assert "/* SECRET-DATA */" in out and "$6$" not in out, pipe
    admin = Shell(device.port, "admin", "admin-pw")
    assert f'encrypted-password "{ADMIN_HASH}";' in admin.run("show configuration system root-authentication")
    viewer.close()
    admin.close()


def test_operator_runs_operational_commands_only(device):
    shell = Shell(device.port, "oper", "oper-pw")
    assert "Hostname: sim1" in shell.run("show version")
    assert "unknown command." in shell.run("configure")
    assert "  ping  " in shell.type("?")
    shell.close()


def test_a_custom_class_with_deny_commands_and_control_flags(device):
    shell = Shell(device.port, "noc", "noc-pw")
    assert "unknown command." in shell.run("show log messages")
    assert "Hostname: sim1" in shell.run("show version")
    assert "Entering configuration mode" in shell.run("configure")
    assert "error: permission denied" not in shell.run("set interfaces ge-0/0/3 description noc-was-here")
    assert "error: permission denied" in shell.run("set system host-name hijacked")
    assert "commit complete" in shell.run("commit")
    shell.close()
    assert device.call(lambda: device.device.hostname) == "sim1"


def test_wrong_password_and_unknown_user_are_refused_and_logged(device):
    for user, password in (("viewer", "wrong"), ("nobody", "viewer-pw")):
        with pytest.raises(paramiko.AuthenticationException):
            Shell(device.port, user, password)
    messages = device.call(lambda: [e.message for e in device.device.log.events])
    assert "Login failed for user 'viewer' from host '127.0.0.1'" in messages
    assert "Login failed for user 'nobody' from host '127.0.0.1'" in messages
    shell = Shell(device.port, "admin", "admin-pw")
    log = shell.run("show log messages")
    assert "Login failed for user 'viewer'" in log
    assert "sshd: Failed password for viewer from 127.0.0.1 port " in log
    shell.close()


def test_root_logs_in_with_root_authentication(device):
    shell = Shell(device.port, "root", "admin-pw")
    assert shell.banner.endswith("root@sim1> ")
    shell.close()


def test_repeated_failures_are_held_back_then_disconnected(serve):
    held: list[float] = []

    async def hold(seconds: float) -> None:  # stands in for the real-time wait
        held.append(seconds)

    tuned = CONFIG.replace("login {", "login { retry-options { tries-before-disconnect 3; }", 1)
    device = serve(tuned, hold=hold)
    tried: list[str] = []

    class Guesser(asyncssh.SSHClient):
        """Keeps guessing on one connection, as a password-guessing script would."""

        def password_auth_requested(self) -> str:
            tried.append(f"guess{len(tried)}")
            return tried[-1]

    async def attack() -> None:
        with pytest.raises(asyncssh.DisconnectError):
            await asyncssh.connect(
                "127.0.0.1", device.port, username="viewer", client_factory=Guesser, known_hosts=None,
                client_keys=None, preferred_auth="password",
            )  # fmt: skip

    asyncio.run(attack())
    assert tried == ["guess0", "guess1", "guess2"]  # disconnected after tries-before-disconnect
    assert held == [5.0, 10.0]  # held from the 2nd failure on (backoff-threshold 2, backoff-factor 5)


@pytest.mark.parametrize(
    ("algorithm", "statement", "client_key"),
    [("ssh-ed25519", "ssh-ed25519", paramiko.Ed25519Key), ("ssh-rsa", "ssh-rsa", paramiko.RSAKey)],
)
def test_public_key_login(serve, algorithm, statement, client_key):
    key = asyncssh.generate_private_key(algorithm)
    public = key.export_public_key().decode().strip()
    device = serve(
        CONFIG.replace(
            "login {", f'login {{ user keyed {{ class read-only; authentication {{ {statement} "{public}"; }} }}', 1
        )
    )
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    pkey = client_key.from_private_key(io.StringIO(key.export_private_key().decode()))
    client.connect("127.0.0.1", port=device.port, username="keyed", pkey=pkey, look_for_keys=False, allow_agent=False)
    _, stdout, _ = client.exec_command("show system users")  # a command on the ssh command line runs alone
    assert "keyed" in stdout.read().decode()
    assert stdout.channel.recv_exit_status() == 0
    client.close()


def test_root_login_deny_password(serve):
    device = serve(CONFIG.replace("host-name sim1;", "host-name sim1; services { ssh { root-login deny-password; } }"))
    with pytest.raises(paramiko.AuthenticationException):
        Shell(device.port, "root", "admin-pw")
    Shell(device.port, "admin", "admin-pw").close()


def test_compare_hides_secrets_too(device):
    shell = Shell(device.port, "noc", "noc-pw")
    shell.run("configure")
    out = shell.run("show | compare rollback 1")
    assert "$6$" not in out
    shell.close()


def test_logout_by_user_name(device):
    viewer = Shell(device.port, "viewer", "viewer-pw")
    admin = Shell(device.port, "admin", "admin-pw")
    assert admin.run("request system logout user viewer").endswith("admin@sim1> ")
    assert viewer.read_to_end() == "\r\nSession terminated by request.\r\n"
    assert "error: no such user: viewer" in admin.run("request system logout user viewer")
    admin.close()


def test_idle_timeout_warns_then_closes_the_session_on_the_lab_clock(device):
    dozy = Shell(device.port, "dozy", "viewer-pw")
    assert "CLI idle-timeout set to 2 minutes" in dozy.run("show cli")
    clock = Shell(device.port, "admin", "admin-pw")
    clock.run("request lab wait 59")
    dozy.run("show version")  # activity at 0:59 starts the two minutes again

    def deadlines() -> list[float]:
        session = next(s for s in device.device.sessions.values() if s.user == "dozy")
        return [t.deadline for t in session._idle_timers]

    assert device.call(deadlines) == [119.0, 179.0]  # the warning at 1:59, the end at 2:59
    clock.run("request lab wait 60")  # 1:59
    warning = dozy.read_to_prompt()  # the warning and the prompt may come in separate reads
    assert warning == "\r\nWarning: session will be closed in 1 minute if there is no activity\r\n\r\ndozy@sim1> "
    clock.run("request lab wait 60")  # 2:59
    assert dozy.read_to_end() == "\r\nIdle timeout exceeded: closing session\r\n"
    assert "dozy" not in clock.run("show system users")
    clock.close()
