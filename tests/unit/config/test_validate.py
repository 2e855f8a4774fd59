"""Commit checks from the schema: references, built-in names, mandatory statements, uniqueness."""

from __future__ import annotations

from pathlib import Path

import pytest

from nos.config.groups import expand
from nos.config.validate import CheckError, check_config, defined_names

from .cfgutil import lines, load_set

RICH_SET = (Path(__file__).parent / "data" / "rich.set").read_text(encoding="utf-8")

ROOT_AUTH = 'set system root-authentication encrypted-password "$6$x"\n'


def _errors(schema, text: str) -> list[str]:
    root = expand(load_set(schema, ROOT_AUTH + text).root)
    return [line for e in check_config(root, schema) for line in e.lines()]


def test_clean_configuration_has_no_errors(schema):
    # The rich configuration lacks only ge-0/0/6 (the HA link) and has lo0.10 deactivated.
    text = RICH_SET + lines(
        "set interfaces ge-0/0/6 unit 0 family inet address 10.0.0.1/30",
        "activate interfaces lo0 unit 10",
    )
    assert _errors(schema, text) == []


@pytest.mark.parametrize(
    "config, expected",
    [
        (
            "set routing-instances PROD routing-options instance-import NOPE",
            [
                "[edit routing-instances PROD routing-options]",
                "  'instance-import'",
                "    Referenced policy 'NOPE' is not defined",
            ],
        ),
        (
            "set policy-options policy-statement P term a from prefix-list PL",
            [
                "[edit policy-options policy-statement P term a from]",
                "  'prefix-list'",
                "    Referenced prefix-list 'PL' is not defined",
            ],
        ),
        (
            "set policy-options policy-statement P term a from condition C",
            [
                "[edit policy-options policy-statement P term a from]",
                "  'condition'",
                "    Referenced condition 'C' is not defined",
            ],
        ),
        (
            "set routing-options interface-routes rib-group inet RG",
            [
                "[edit routing-options interface-routes rib-group]",
                "  'inet'",
                "    Referenced rib-group 'RG' is not defined",
            ],
        ),
        (
            "set interfaces ge-0/0/1 unit 0 family inet filter input F",
            [
                "[edit interfaces ge-0/0/1 unit 0 family inet filter]",
                "  'input'",
                "    Referenced filter 'F' is not defined",
            ],
        ),
        (
            "set firewall family inet filter F term t then routing-instance VR",
            [
                "[edit firewall family inet filter F term t then]",
                "  'routing-instance'",
                "    Referenced routing-instance 'VR' is not defined",
            ],
        ),
        (
            "set system login user bob class nonclass",
            ["[edit system login user bob]", "  'class'", "    Referenced login class 'nonclass' is not defined"],
        ),
        (
            "set services ip-monitoring policy T match rpm-probe NOPROBE",
            [
                "[edit services ip-monitoring policy T match]",
                "  'rpm-probe'",
                "    Referenced RPM probe 'NOPROBE' is not defined",
            ],
        ),
        (
            "set security ipsec vpn V ike gateway GW",
            ["[edit security ipsec vpn V ike]", "  'gateway'", "    Referenced IKE gateway 'GW' is not defined"],
        ),
        (
            "set security zones security-zone trust interfaces ge-0/0/7.0",
            [
                "[edit security zones security-zone trust interfaces]",
                "  'ge-0/0/7.0'",
                "    Referenced interface 'ge-0/0/7.0' is not defined",
            ],
        ),
    ],
)
def test_undefined_reference(schema, config, expected):
    assert _errors(schema, config + "\n") == expected


def test_undefined_references_in_security_policies(schema):
    errors = _errors(
        schema,
        lines(
            "set security zones security-zone trust",
            "set security policies from-zone trust to-zone nozone policy p1 match source-address any",
            "set security policies from-zone trust to-zone nozone policy p1 match destination-address MISSING",
            "set security policies from-zone trust to-zone nozone policy p1 match application [ junos-ike my-app ]",
            "set security policies from-zone trust to-zone nozone policy p1 then permit",
        ),
    )
    assert errors == [
        "[edit security policies]",
        "  'from-zone trust to-zone nozone'",
        "    Referenced security-zone 'nozone' is not defined",
        "[edit security policies from-zone trust to-zone nozone policy p1 match]",
        "  'destination-address'",
        "    Referenced address 'MISSING' is not defined",
        "[edit security policies from-zone trust to-zone nozone policy p1 match]",
        "  'application'",
        "    Referenced application 'my-app' is not defined",
    ]


def test_builtin_names_are_accepted(schema):
    assert (
        _errors(
            schema,
            lines(
                "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24",
                "set security zones security-zone trust interfaces ge-0/0/0.0",
                "set security policies from-zone trust to-zone junos-host policy p match source-address any",
                "set security policies from-zone trust to-zone junos-host policy p match destination-address any-ipv4",
                "set security policies from-zone trust to-zone junos-host policy p match application junos-ike",
                "set security policies from-zone trust to-zone junos-host policy p match application [ junos-ssh any ]",
                "set security policies from-zone trust to-zone junos-host policy p then permit",
                "set security ike policy IKE-POL proposal-set standard",
                "set security ike policy IKE-POL proposals standard",
                "set system login user op class read-only",
                "set firewall family inet filter F term t then routing-instance default",
            ),
        )
        == []
    )


def test_defined_names_satisfy_references(schema):
    assert (
        _errors(
            schema,
            lines(
                "set policy-options prefix-list PL 10.0.0.0/8",
                "set policy-options condition C if-route-exists address-family inet 10.0.0.0/8",
                "set policy-options policy-statement P term a from prefix-list PL",
                "set policy-options policy-statement P term a from condition C",
                "set routing-options rib-groups RG import-rib inet.0",
                "set routing-options rib-groups RG import-policy P",
                "set routing-options interface-routes rib-group inet RG",
                "set routing-instances VR instance-type virtual-router",
                "set routing-instances VR routing-options instance-import P",
                "set system login class ops permissions view",
                "set system login user bob class ops",
                "set applications application my-app protocol tcp",
                "set applications application-set my-set application my-app",
                "set security zones security-zone a address-book address H 10.0.0.1/32",
                "set security zones security-zone a address-book address-set S address H",
                "set security policies from-zone a to-zone a policy p match source-address S",
                "set security policies from-zone a to-zone a policy p match destination-address H",
                "set security policies from-zone a to-zone a policy p match application my-set",
                "set security policies from-zone a to-zone a policy p then permit",
            ),
        )
        == []
    )


def test_interface_names_come_from_units(schema):
    errors = _errors(
        schema,
        lines(
            "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24",
            "set interfaces ge-0/0/0 unit 5 vlan-id 5",
            "set routing-instances VR interface ge-0/0/0.5",
            "set routing-instances VR interface ge-0/0/0.6",
            "set routing-instances VR interface ge-0/0/0.0",
        ),
    )
    assert errors == [
        "[edit routing-instances VR]",
        "  'interface ge-0/0/0.6'",
        "    Referenced interface 'ge-0/0/0.6' is not defined",
    ]


def test_inactive_definition_does_not_count(schema):
    errors = _errors(
        schema,
        lines(
            "set policy-options policy-statement P then accept",
            "deactivate policy-options policy-statement P",
            "set routing-options instance-import P",
        ),
    )
    assert errors == ["[edit routing-options]", "  'instance-import'", "    Referenced policy 'P' is not defined"]


def test_inactive_reference_is_not_checked(schema):
    assert (
        _errors(schema, lines("set routing-options instance-import P", "deactivate routing-options instance-import"))
        == []
    )


def test_references_inherited_from_groups_are_checked_where_they_land(schema):
    errors = _errors(
        schema,
        lines(
            "set groups G routing-instances <*> routing-options instance-import NOPE",
            "set groups UNUSED routing-options instance-import ALSO-NOPE",
            "set apply-groups G",
            "set routing-instances A instance-type virtual-router",
        ),
    )
    assert errors == [
        "[edit routing-instances A routing-options]",
        "  'instance-import'",
        "    Referenced policy 'NOPE' is not defined",
    ]


# -- mandatory ----------------------------------------------------------------------------------------


def test_reference_missing_root_authentication(schema):
    """commit__missing_mandatory_statement__vqfx.txt."""
    root = expand(load_set(schema, "set system host-name r1\n").root)
    errors = check_config(root, schema)
    assert [line for e in errors for line in e.lines()] == [
        "[edit]",
        "  'system'",
        "    Missing mandatory statement: 'root-authentication'",
    ]
    assert errors[0].mandatory


def test_missing_mandatory_inside_list_entries(schema):
    errors = _errors(
        schema,
        lines(
            "set system login user bob uid 2001",
            "set chassis cluster redundancy-group 1 node 0",
            "set security ike gateway GW address 192.0.2.1",
        ),
    )
    assert errors == [
        "[edit system login]",
        "  'user bob'",
        "    Missing mandatory statement: 'class'",
        "[edit chassis cluster redundancy-group 1]",
        "  'node 0'",
        "    Missing mandatory statement: 'priority'",
        "[edit security ike]",
        "  'gateway GW'",
        "    Missing mandatory statement: 'ike-policy'",
        "[edit security ike]",
        "  'gateway GW'",
        "    Missing mandatory statement: 'external-interface'",
    ]


def test_mandatory_statement_of_an_absent_parent_is_not_required(schema):
    assert _errors(schema, "set system host-name r1\n") == []
    root = expand(load_set(schema, "set snmp location lab\n").root)
    assert check_config(root, schema) == []


def test_inactive_mandatory_statement_counts_as_missing(schema):
    root = expand(load_set(schema, ROOT_AUTH + "deactivate system root-authentication\nset system host-name r1\n").root)
    assert [e.message for e in check_config(root, schema)] == ["Missing mandatory statement: 'root-authentication'"]


# -- unique -------------------------------------------------------------------------------------------


def test_interface_in_two_routing_instances(schema):
    errors = _errors(
        schema,
        lines(
            "set interfaces ge-0/0/0 unit 0",
            "set routing-instances PROD interface ge-0/0/0.0",
            "set routing-instances OTHER interface ge-0/0/0.0",
        ),
    )
    assert errors == [
        "[edit routing-instances OTHER]",
        "  'interface ge-0/0/0.0'",
        "    'ge-0/0/0.0' is already used at [edit routing-instances PROD]",
    ]


def test_interface_in_two_zones(schema):
    errors = _errors(
        schema,
        lines(
            "set interfaces ge-0/0/0 unit 0",
            "set security zones security-zone trust interfaces ge-0/0/0.0",
            "set security zones security-zone untrust interfaces ge-0/0/0.0",
        ),
    )
    assert errors == [
        "[edit security zones security-zone untrust interfaces]",
        "  'ge-0/0/0.0'",
        "    'ge-0/0/0.0' is already used at [edit security zones security-zone trust interfaces]",
    ]


def test_one_interface_in_a_zone_and_an_instance_is_fine(schema):
    assert (
        _errors(
            schema,
            lines(
                "set interfaces ge-0/0/0 unit 0",
                "set routing-instances PROD interface ge-0/0/0.0",
                "set security zones security-zone trust interfaces ge-0/0/0.0",
            ),
        )
        == []
    )


def test_errors_come_in_tree_order_and_all_at_once(schema):
    errors = _errors(
        schema,
        lines(
            "set routing-options instance-import A",
            "set routing-options instance-export B",
            "set system login user bob uid 2001",
        ),
    )
    assert [line for line in errors if line.startswith("    ")] == [
        "    Missing mandatory statement: 'class'",
        "    Referenced policy 'A' is not defined",
        "    Referenced policy 'B' is not defined",
    ]


def test_check_error_lines_quote_words_with_spaces():
    e = CheckError(["system", "login", "user", "a b"], "class", "Referenced login class 'x' is not defined")
    assert e.lines() == [
        '[edit system login user "a b"]',
        "  'class'",
        "    Referenced login class 'x' is not defined",
    ]
    assert CheckError([], "system", "m").lines()[0] == "[edit]"


def test_defined_names_for_completion(schema):
    root = load_set(schema, RICH_SET).root
    assert defined_names(root, "policy") == {"ONLY-LOOPBACKS"}
    assert defined_names(root, "zone") == {"trust", "untrust", "vpn"}
    assert {"ge-0/0/0.100", "ge-0/0/0.200", "lo0.10", "st0.0", "ge-0/0/0"} <= defined_names(root, "interface")
