"""A person at OpenSSH's `ssh` client (driven with pexpect): log in, configure, commit, log out."""

from __future__ import annotations

import shutil
import signal

import pexpect
import pytest

pytestmark = pytest.mark.skipif(shutil.which("ssh") is None, reason="no OpenSSH client")


def as_at_a_terminal() -> None:
    """In the child before `ssh` starts: Ctrl-C and Ctrl-\\ signal it, as for a person at a terminal.

    A suite started in the background by a non-interactive shell (`pytest &`)
    runs with SIGINT and SIGQUIT ignored, and `ssh` would inherit that: its
    password prompt then takes Ctrl-C as an empty password and asks again.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def ssh(port: int, user: str = "lab") -> pexpect.spawn:
    options = [
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
        "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password,keyboard-interactive",
    ]  # fmt: skip
    args = ["-p", str(port), *options, f"{user}@127.0.0.1"]
    return pexpect.spawn("ssh", args, encoding="utf-8", timeout=20, preexec_fn=as_at_a_terminal)


def test_login_configure_commit_logout(ssh_device):
    child = ssh(ssh_device.port)
    child.expect("assword:")
    child.sendline("lab123")
    child.expect("--- JUNOS ")
    child.expect_exact("lab@sim1> ")
    child.sendline("configure")
    child.expect_exact("Entering configuration mode")
    child.expect_exact("[edit]\r\nlab@sim1# ")
    child.sendline("set system host-name edge1")
    child.expect_exact("lab@sim1# ")
    child.sendline("show | compare")
    child.expect_exact("[edit system]\r\n-   host-name sim1;\r\n+   host-name edge1;")
    child.expect_exact("lab@sim1# ")
    child.sendline("commit and-quit")
    child.expect_exact("commit complete\r\nExiting configuration mode")
    child.expect_exact("lab@edge1> ")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    assert ssh_device.call(lambda: ssh_device.device.hostname) == "edge1"


def test_question_mark_and_tab_over_ssh(ssh_device):
    child = ssh(ssh_device.port)
    child.expect("assword:")
    child.sendline("lab123")
    child.expect_exact("lab@sim1> ")
    child.send("show sys\t")
    child.expect_exact("show system ")
    child.send("?")
    child.expect_exact("Possible completions:")
    child.expect_exact("  users                Show users who are currently logged in")
    child.expect_exact("lab@sim1> show system ")  # the line comes back as typed
    child.sendline("users")
    child.expect(r"lab +pts/0 +127\.0\.0\.1")
    child.expect_exact("lab@sim1> ")
    child.sendline("start shell")
    child.expect_exact("error: the shell is not available")
    child.expect_exact("lab@sim1> ")
    child.sendline("quit")
    child.expect(pexpect.EOF)


def test_wrong_password_is_refused(ssh_device):
    child = ssh(ssh_device.port)
    child.expect("assword:")
    child.sendline("not-the-password")
    child.expect("assword:")  # asked again, as sshd does
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    log = ssh_device.call(lambda: [e.message for e in ssh_device.device.log.events])
    assert "Login failed for user 'lab' from host '127.0.0.1'" in log


def test_a_new_user_with_a_plain_text_password_logs_in(ssh_device):
    child = ssh(ssh_device.port)
    child.expect("assword:")
    child.sendline("lab123")
    child.expect_exact("lab@sim1> ")
    child.sendline("configure")
    child.expect_exact("lab@sim1# ")
    child.sendline("set system login user trainee uid 2100 class read-only authentication plain-text-password")
    child.expect_exact("New password:")
    child.sendline("trainee-pw")
    child.expect_exact("Retype new password:")
    child.sendline("trainee-pw")
    child.expect_exact("lab@sim1# ")
    assert "trainee-pw" not in child.before  # typed without echo
    child.sendline("commit and-quit")
    child.expect_exact("lab@sim1> ")
    child.sendline("show configuration system login user trainee")
    child.expect(r'encrypted-password "\$6\$[./0-9A-Za-z]+\$[./0-9A-Za-z]+"; ## SECRET-DATA')
    child.sendline("quit")
    child.expect(pexpect.EOF)

    trainee = ssh(ssh_device.port, "trainee")
    trainee.expect("assword:")
    trainee.sendline("trainee-pw")
    trainee.expect_exact("trainee@sim1> ")
    trainee.sendline("configure")
    trainee.expect_exact("unknown command.")
    trainee.sendline("exit")
    trainee.expect(pexpect.EOF)
