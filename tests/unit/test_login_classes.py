"""Every login-class rule, one table each (nos/runtime/accounts.py holds the rules and their sources).

Each table row is a class, the commands or configuration paths it may use and those
it may not: a rule that changes (a flag implying another, allow and deny swapping
precedence, an unnamed hierarchy becoming editable) fails a row.
"""

from __future__ import annotations

import pytest

from nos.config.load import load_override
from nos.config.tree import ConfigTree
from nos.runtime.accounts import CONTROL, rights_for


def rights(schema, permissions: str = "", **expressions: str):  # type: ignore[no-untyped-def]
    """The rights of a user in class `c` with these permissions and allow/deny expressions."""
    extra = "".join(f'{name.replace("_", "-")} "{text}"; ' for name, text in expressions.items())
    perms = f"permissions [ {permissions} ];" if permissions else ""
    text = f"system {{ login {{ class c {{ {perms} {extra} }} user u {{ class c; }} }} }}"
    tree = ConfigTree(schema.root)
    report = load_override(tree, text, "test")
    assert not report.errors, report.messages
    return rights_for(tree.root, "u")


def check_commands(r, allowed: list[str], refused: list[str]) -> None:  # type: ignore[no-untyped-def]
    for line in allowed:
        assert r.may_run(line.split()), f"{line!r} should run"
    for line in refused:
        assert not r.may_run(line.split()), f"{line!r} should be refused"


def check_paths(r, allowed: list[str], refused: list[str]) -> None:  # type: ignore[no-untyped-def]
    for path in allowed:
        assert r.may_edit(path.split()), f"{path!r} should be editable"
    for path in refused:
        assert not r.may_edit(path.split()), f"{path!r} should be refused"


# -- permission flags: operational commands ---------------------------------------------------------

COMMANDS = [
    # flag, may run, may not run
    ("view", ["show route", "show interfaces terse"], ["configure", "ping 10.0.0.1", "clear arp"]),
    ("view-configuration", ["show configuration system"], ["show route", "configure"]),
    ("configure", ["configure", "configure private"], ["show route", "ping 10.0.0.1"]),
    ("network", ["ping 10.0.0.1", "traceroute 10.0.0.1"], ["show route", "configure"]),
    ("clear", ["clear services rpm probe-results"], ["show route", "request system reboot"]),
    ("reset", ["restart routing"], ["show route", "clear arp"]),
    ("trace", ["monitor traffic"], ["show route", "configure"]),
    ("maintenance", ["request system reboot", "file delete x"], ["show route", "configure"]),
    ("shell", ["start shell"], ["show route", "request system reboot"]),
    ("", ["quit", "exit", "help topic x", "set cli screen-length 0", "show cli"], ["show route", "configure"]),
]


@pytest.mark.parametrize(("flag", "allowed", "refused"), COMMANDS, ids=[row[0] or "none" for row in COMMANDS])
def test_each_flag_allows_its_operational_commands_and_no_others(schema, flag, allowed, refused):
    check_commands(rights(schema, flag), allowed, refused)


def test_all_is_every_flag(schema):
    r = rights(schema, "all")
    check_commands(r, [line for _, allowed, _ in COMMANDS for line in allowed], [])
    assert r.may_rollback and r.sees_secrets
    check_paths(r, ["system login user x class y", "services rpm probe p", "applications application a"], [])


def test_rollback_and_secret_are_flags_of_their_own(schema):
    assert rights(schema, "rollback").may_rollback and not rights(schema, "view").may_rollback
    assert rights(schema, "secret").sees_secrets and not rights(schema, "view").sees_secrets
    assert not rights(schema, "control").sees_secrets  # control modifies, it does not reveal secrets


# -- permission flags: configuration hierarchies ---------------------------------------------------------

HIERARCHIES = [
    # flag, may change, may not change
    (
        "admin-control",
        ["system login user bob class op", "system login class c permissions view"],
        ["system host-name x"],
    ),
    ("system-control", ["system host-name x", "system services ssh", "system syslog"], ["system login user bob"]),
    ("interface-control", ["interfaces ge-0/0/1 description x", "chassis cluster", "groups g system host-name x"], []),
    ("routing-control", ["routing-options static", "routing-instances r", "protocols bgp", "policy-options p"], []),
    ("security-control", ["security zones security-zone trust", "security policies"], []),
    ("firewall-control", ["firewall family inet filter f"], []),
    ("snmp-control", ["snmp community public"], []),
    ("access-control", ["access profile p"], []),
]
EVERY_PATH = [path for _, allowed, _ in HIERARCHIES for path in allowed]
UNNAMED = ["services rpm probe p", "applications application a", "apply-groups g"]


@pytest.mark.parametrize(("flag", "allowed", "refused"), HIERARCHIES, ids=[row[0] for row in HIERARCHIES])
def test_each_control_flag_changes_its_hierarchies_only(schema, flag, allowed, refused):
    others = [path for path in EVERY_PATH if path not in allowed]
    check_paths(rights(schema, f"configure {flag}"), allowed, refused + others + UNNAMED)


@pytest.mark.parametrize("flag", sorted({flag.removesuffix("-control") for flag in CONTROL.values()}))
def test_a_plain_flag_views_but_does_not_change(schema, flag):
    check_paths(rights(schema, f"configure view {flag}"), [], EVERY_PATH + UNNAMED)


@pytest.mark.parametrize("flag", sorted(set(CONTROL.values())))
def test_control_implies_every_control_flag_and_no_control_flag_implies_control(schema, flag):
    assert rights(schema, "control").has(flag)
    narrow = rights(schema, flag)
    assert narrow.has(flag) and not narrow.has("control")
    check_paths(narrow, [], UNNAMED)


def test_a_hierarchy_no_flag_names_needs_control(schema):
    check_paths(rights(schema, "configure control"), EVERY_PATH + UNNAMED, [])
    every_control_flag = " ".join(sorted(set(CONTROL.values())))
    check_paths(rights(schema, f"configure {every_control_flag}"), EVERY_PATH, UNNAMED)


# -- allow / deny expressions -------------------------------------------------------------------------------

COMMAND_EXPRESSIONS = [
    # permissions, expressions, may run, may not run
    ("view", {"allow_commands": "^ping"}, ["ping 10.0.0.1", "show route"], ["traceroute 10.0.0.1"]),
    ("view", {"deny_commands": "^show log"}, ["show route"], ["show log messages"]),
    ("all", {"deny_commands": "^request system"}, ["show route", "start shell"], ["request system reboot"]),
    ("", {"allow_commands": "show route"}, ["show route", "show route 10.0.0.0/8"], ["show version"]),
    # both match: allow wins
    ("view", {"allow_commands": "^show route$", "deny_commands": "^show"}, ["show route"], ["show version"]),
    ("", {"allow_commands": "^show", "deny_commands": "^show route"}, ["show route", "show version"], []),
]


@pytest.mark.parametrize(("perms", "expressions", "allowed", "refused"), COMMAND_EXPRESSIONS)
def test_command_expressions_decide_before_flags_and_allow_before_deny(schema, perms, expressions, allowed, refused):
    check_commands(rights(schema, perms, **expressions), allowed, refused)


CONFIG_EXPRESSIONS = [
    # permissions, expressions, may change, may not change
    (
        "configure",
        {"allow_configuration": "interfaces .* description"},
        ["interfaces ge-0/0/1 description x"],
        ["interfaces ge-0/0/1 disable", "system host-name x"],
    ),
    (
        "configure interface-control",
        {"deny_configuration": "interfaces ge-0/0/0"},
        ["interfaces ge-0/0/1 disable"],
        ["interfaces ge-0/0/0 disable"],
    ),
    # all + deny-configuration: the expression wins over `all`
    (
        "all",
        {"deny_configuration": "(system login)|(system services)"},
        ["system host-name x", "interfaces ge-0/0/1 disable", "services rpm"],
        ["system login user bob class super-user", "system services ssh"],
    ),
    # both match: allow wins
    (
        "configure",
        {"allow_configuration": "system host-name", "deny_configuration": "system"},
        ["system host-name x"],
        ["system domain-name d", "system services ssh"],
    ),
    # an allow expression reaches a hierarchy no flag names
    ("configure", {"allow_configuration": "^services rpm"}, ["services rpm probe p"], ["applications application a"]),
]


@pytest.mark.parametrize(("perms", "expressions", "allowed", "refused"), CONFIG_EXPRESSIONS)
def test_configuration_expressions_decide_before_flags_and_allow_before_deny(
    schema, perms, expressions, allowed, refused
):
    check_paths(rights(schema, perms, **expressions), allowed, refused)


MATCHING = [
    # expression, texts matched, texts not matched
    ("show log", ["show log messages", "file show log"], ["show route"]),  # a search: no anchor unless written
    ("^show log", ["show log messages"], ["file show log"]),
    ("show interfaces$", ["show interfaces"], ["show interfaces terse"]),
    ("SHOW ROUTE", ["show route"], []),  # case does not matter
    ("show (log|route)", ["show route", "show log x"], ["show version"]),  # POSIX extended alternation
]


@pytest.mark.parametrize(("expression", "matched", "unmatched"), MATCHING)
def test_expressions_are_unanchored_case_insensitive_searches(schema, expression, matched, unmatched):
    check_commands(rights(schema, "all", deny_commands=expression), unmatched, matched)
    check_paths(rights(schema, "all", deny_configuration=expression), unmatched, matched)


def test_commands_are_matched_with_their_keywords_spelled_out(device, schema, cli):
    text = (
        'system { root-authentication { encrypted-password "$6$x$y"; } login { class noc { '
        'permissions [ view configure ]; deny-commands "^show log"; } user u { class noc; } } }'
    )
    tree = ConfigTree(schema.root)
    load_override(tree, text, "test")
    assert device.db.commit(tree, "root").ok
    noc = type(cli)(device, "u")  # the `Cli` driver of tests/conftest.py
    assert "unknown command." in noc.output("sh lo messages")
    assert "unknown command." not in noc.output("sh ver")


def test_a_class_expression_is_compiled_to_run_in_linear_time(schema):
    r = rights(schema, "all", deny_commands="(a+)+$")
    assert r.may_run(["a" * 5000 + "!"])  # a backtracking engine would not return


@pytest.mark.parametrize("settled_path", [["system"], ["system", "login"], ["interfaces"], ["services"]])
def test_a_whole_subtree_is_settled_by_flags_alone_only_without_expressions(schema, settled_path):
    flags = rights(schema, "configure system-control")
    assert flags.settled(settled_path) in (None, flags.may_edit(settled_path))
    assert flags.settled(["system"]) is None  # `system login` below needs another flag
    assert flags.settled(["system", "login"]) is False and flags.settled(["system", "ntp"]) is True
    with_deny = rights(schema, "all", deny_configuration="system login class")
    assert with_deny.settled(settled_path) is None
    with_allow = rights(schema, "configure", allow_configuration="interfaces .* description")
    assert with_allow.settled(["interfaces"]) is None and with_allow.settled(["snmp"]) is None
    only_deny = rights(schema, "configure interface-control", deny_configuration="interfaces ge-0/0/0")
    assert only_deny.settled(["snmp"]) is False  # a deny expression can only take away
