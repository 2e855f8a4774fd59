"""Users and login classes from the configuration, as SSH clients meet them."""

from __future__ import annotations

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
        user admin {{ uid 2001; class super-user; authentication {{ encrypted-password "{ADMIN_HASH}"; }} }}
        user viewer {{ uid 2002; class read-only; authentication {{ encrypted-password "{VIEWER_HASH}"; }} }}
        user oper {{ uid 2003; class operator; authentication {{ encrypted-password "{OPER_HASH}"; }} }}
        user noc {{ uid 2004; class noc; authentication {{ encrypted-password "{NOC_HASH}"; }} }}
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
    assert "Login failed for user 'viewer'" in shell.run("show log messages")
    shell.close()


def test_root_logs_in_with_root_authentication(device):
    shell = Shell(device.port, "root", "admin-pw")
    assert shell.banner.endswith("root@sim1> ")
    shell.close()
