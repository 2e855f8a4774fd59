"""Accounts and login-class rights read from `[edit system login]`; the failed-login backoff."""

from __future__ import annotations

import pytest

from nos.config.load import load_override
from nos.config.tree import ConfigTree
from nos.net.ssh.server import RetryOptions, root_login
from nos.runtime.accounts import BadClass, accounts, authenticate, rights_for
from nos.runtime.passwords import sha512_crypt

HASH = sha512_crypt("pw", "abcdefghabcdefgh")


def config(schema, text: str):
    tree = ConfigTree(schema.root)
    report = load_override(tree, text, "test")
    assert not report.errors, report.messages
    return tree.root


def with_users(schema, users: str, classes: str = ""):
    return config(schema, f"system {{ login {{ {classes} {users} }} }}")


def user(name: str, cls: str) -> str:
    return f'user {name} {{ class {cls}; authentication {{ encrypted-password "{HASH}"; }} }}'


def test_a_device_without_logins_lets_the_lab_user_in(schema):
    root = config(schema, "system { host-name r1; }")
    assert set(accounts(root)) == {"lab"}
    assert authenticate(root, "lab", "lab123") is not None
    assert authenticate(root, "lab", "nope") is None


def test_configured_users_replace_the_lab_user(schema):
    root = with_users(schema, user("alice", "super-user"))
    assert set(accounts(root)) == {"alice"}
    assert authenticate(root, "alice", "pw").login_class == "super-user"
    assert authenticate(root, "lab", "lab123") is None


def test_root_needs_root_authentication(schema):
    root = config(schema, f'system {{ root-authentication {{ encrypted-password "{HASH}"; }} }}')
    assert authenticate(root, "root", "pw") is not None
    assert authenticate(with_users(schema, user("a", "read-only")), "root", "pw") is None


def test_public_keys_are_read_as_authorized_key_lines(schema):
    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleExampleExampleExampleExample a@b"
    root = with_users(schema, f'user a {{ class read-only; authentication {{ ssh-ed25519 "{key}"; }} }}')
    assert accounts(root)["a"].public_keys == (key,)


@pytest.mark.parametrize(
    ("cls", "allowed", "refused"),
    [
        ("super-user", ["configure", "show route", "request system logout user x", "start shell"], []),
        ("operator", ["show route", "ping 10.0.0.1", "clear services rpm probe-results"], ["configure"]),
        ("read-only", ["show route", "show configuration", "set cli screen-length 0", "quit"], ["configure", "ping x"]),
        ("unauthorized", ["quit", "help topic x"], ["show route"]),
    ],
)
def test_predefined_classes(schema, cls, allowed, refused):
    rights = rights_for(with_users(schema, user("u", cls)), "u")
    for line in allowed:
        assert rights.may_run(line.split()), line
    for line in refused:
        assert not rights.may_run(line.split()), line


def test_allow_and_deny_commands_are_case_insensitive_regexes_over_the_whole_command(schema):
    cls = 'class c { permissions view; allow-commands "^ping"; deny-commands "show (log|configuration)"; }'
    rights = rights_for(with_users(schema, user("u", "c"), cls), "u")
    assert rights.may_run(["ping", "10.0.0.1"])
    assert not rights.may_run(["show", "log", "messages"])
    assert not rights.may_run(["SHOW", "CONFIGURATION"])
    assert rights.may_run(["show", "route"])


def test_control_flags_decide_which_parts_of_the_configuration_a_class_may_change(schema):
    cls = 'class c { permissions [ configure routing-control ]; deny-configuration "protocols bgp"; }'
    rights = rights_for(with_users(schema, user("u", "c"), cls), "u")
    assert rights.may_edit(["routing-options", "static", "route", "0.0.0.0/0"])
    assert not rights.may_edit(["protocols", "bgp", "group", "g"])
    assert not rights.may_edit(["system", "host-name", "x"])
    assert not rights.sees_secrets
    everything = rights_for(with_users(schema, user("u", "super-user")), "u")
    assert everything.may_edit(["system", "login"]) and everything.sees_secrets


def test_a_class_whose_regex_does_not_compile_cannot_log_in(schema):
    root = with_users(schema, user("u", "c"), 'class c { permissions view; deny-commands "show ("; }')
    with pytest.raises(BadClass):
        rights_for(root, "u")


def test_backoff_holds_failed_logins_from_the_threshold_on(schema):
    defaults = RetryOptions.of(config(schema, "system { host-name r1; }"))
    assert defaults.tries_before_disconnect == 10
    assert [defaults.delay(n) for n in range(1, 6)] == [0.0, 5.0, 10.0, 15.0, 20.0]
    tuned = RetryOptions.of(
        config(
            schema,
            "system { login { retry-options { tries-before-disconnect 3; backoff-threshold 1; backoff-factor 7; } } }",
        )
    )
    assert (tuned.tries_before_disconnect, [tuned.delay(n) for n in (1, 2)]) == (3, [7.0, 14.0])


def test_root_login_is_allowed_unless_denied(schema):
    assert root_login(config(schema, "system { host-name r1; }")) == "allow"
    assert root_login(config(schema, "system { services { ssh { root-login deny-password; } } }")) == "deny-password"
