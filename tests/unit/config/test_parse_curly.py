"""The curly-format parser (`load merge/override/replace terminal`, the commit store, `--config`).

Error lines follow Junos (reference/junos-output/load_terminal__errors_and_warning__dut.txt):
`terminal:<line>:(<col>) syntax error: <word>` where col is the column just after
the refused word, then the `[edit ...]` level, the quoted statement and the reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nos.config.load import load_override, parse_curly
from nos.config.render import curly_text, set_lines
from nos.config.tree import ConfigTree, Leaf, Node, trees_equal

from .cfgutil import lines, load_curly, load_set, steps

RICH_SET = (Path(__file__).parent / "data" / "rich.set").read_text(encoding="utf-8")
REFERENCE = Path(__file__).resolve().parents[4] / "shared" / "reference" / "junos-output"


def _parse(schema, text: str, **kw):
    tree = ConfigTree(schema.root)
    report = parse_curly(tree, text, **kw)
    return tree, report.messages, report.errors


# -- statements --------------------------------------------------------------------------------


def test_annotations_inactive_and_hash_comments(schema):
    text = lines(
        "## Last commit: 2026-01-01 00:00:00 UTC by lab",
        "version 24.4R1.9;",
        "system {",
        "    /* the name */",
        "    host-name r1;",
        "    root-authentication {",
        '        encrypted-password "$6$abc"; ## SECRET-DATA',
        "    }",
        "    /* a comment",
        "       on two lines */",
        "    inactive: domain-name example.net;",
        "}",
        "interfaces {",
        "    /* uplink */",
        "    inactive: ge-0/0/0 {",
        "        unit 0 {",
        "            family inet {",
        "                address 10.0.0.1/24;",
        "            }",
        "        }",
        "    }",
        "}",
        "inactive: snmp {",
        "    location lab;",
        "}",
    )
    tree = load_curly(schema, text)
    system = tree.root.children["system"]
    assert isinstance(system, Node)
    host = system.children["host-name"]
    assert isinstance(host, Leaf) and host.annotation == "the name" and not host.inactive
    domain = system.children["domain-name"]
    assert isinstance(domain, Leaf) and domain.inactive
    assert domain.annotation == " a comment\n       on two lines "  # across lines: kept as written
    assert "    /* a comment\n       on two lines */" in curly_text(tree.root)
    secret = system.children["root-authentication"].children["encrypted-password"]
    assert secret.value == "$6$abc"
    entry = tree.root.children["interfaces"].children["interface"].entries[("ge-0/0/0",)]
    assert entry.inactive and entry.annotation == "uplink"
    assert tree.root.children["snmp"].inactive
    assert tree.root.children["version"].value == "24.4R1.9"


def test_a_block_comment_across_lines_prints_back_as_written(schema):
    text = lines(
        "/*",
        " * The branch SRX.",
        " *",
        " * Two uplinks.",
        " */",
        "system {",
        "    host-name r1;",
        "}",
    )
    tree = load_curly(schema, text)
    assert curly_text(tree.root) == text


def test_one_line_statements(schema):
    tree = load_curly(
        schema,
        lines(
            "routing-options {",
            "    static {",
            "        route 0.0.0.0/0 next-hop 10.0.0.1;",
            "        route 10.9.0.0/16 next-hop [ 10.0.0.2 10.0.0.3 ] preference 7;",
            "        route 192.0.2.0/24 discard;",
            "    }",
            "    autonomous-system 65001;",
            "}",
            "policy-options {",
            "    policy-statement P {",
            "        term t {",
            "            from route-filter 10.0.0.0/8 upto /24;",
            "            then accept;",
            "        }",
            "    }",
            "}",
        ),
    )
    assert list(set_lines(tree.root)) == [
        "set routing-options static route 0.0.0.0/0 next-hop 10.0.0.1",
        "set routing-options static route 10.9.0.0/16 next-hop 10.0.0.2",
        "set routing-options static route 10.9.0.0/16 next-hop 10.0.0.3",
        "set routing-options static route 10.9.0.0/16 preference 7",
        "set routing-options static route 192.0.2.0/24 discard",
        "set routing-options autonomous-system 65001",
        "set policy-options policy-statement P term t from route-filter 10.0.0.0/8 upto /24",
        "set policy-options policy-statement P term t then accept",
    ]


def test_flattened_family_heads(schema):
    text = lines(
        "interfaces {",
        "    ge-0/0/0 {",
        "        unit 0 {",
        "            family inet {",
        "                address 10.0.0.1/24;",
        "            }",
        "            family inet6;",
        "        }",
        "    }",
        "}",
        "protocols {",
        "    bgp {",
        "        group ibgp {",
        "            family inet {",
        "                unicast;",
        "            }",
        "        }",
        "    }",
        "}",
        "firewall {",
        "    family inet {",
        "        filter F {",
        "            term t {",
        "                then accept;",
        "            }",
        "        }",
        "    }",
        "}",
    )
    tree = load_curly(schema, text)
    assert curly_text(tree.root) == text
    assert list(set_lines(tree.root)) == [
        "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24",
        "set interfaces ge-0/0/0 unit 0 family inet6",
        "set protocols bgp group ibgp family inet unicast",
        "set firewall family inet filter F term t then accept",
    ]


def test_quoted_strings_and_keyless_leaves(schema):
    tree = load_curly(
        schema,
        lines(
            "system {",
            "    login {",
            '        message "say \\"hi\\"; { not a block }";',
            "    }",
            "}",
            "chassis {",
            "    high-availability {",
            "        local-id {",
            "            1;",
            "            local-ip 10.0.0.1;",
            "        }",
            "    }",
            "}",
        ),
    )
    assert list(set_lines(tree.root)) == [
        'set system login message "say \\"hi\\"; { not a block }"',
        "set chassis high-availability local-id 1",
        "set chassis high-availability local-id local-ip 10.0.0.1",
    ]


def test_reference_show_configuration_parses(schema):
    """reference/junos-output/show_configuration__juliopdx_18.2.txt reads without an error."""
    if not REFERENCE.exists():
        pytest.skip("../shared/reference is not beside the checkout")
    text = (REFERENCE / "show_configuration__juliopdx_18.2.txt").read_text(encoding="utf-8")
    body = "\n".join(text.splitlines()[3:])  # drop the `# source` and `# note` lines and the prompt
    tree = load_curly(schema, body)
    expected = {  # display order is the schema's, so compare as a set
        "set version 18.2R1.9",
        'set system login message "Welcome to the world of tomorrow!"',
        'set system root-authentication encrypted-password "$6$xUmeLj6B$NBFrTm."',
        "set system host-name R1",
        "set system time-zone America/Los_Angeles",
        "set system services ssh",
        "set interfaces ge-0/0/0 unit 0 family inet address 10.0.12.1/24",
        "set routing-options static route 0.0.0.0/0 next-hop 192.168.10.1",
        "set routing-options static route 0.0.0.0/0 no-readvertise",
        "set routing-options router-id 1.1.1.1",
        "set protocols ospf reference-bandwidth 1g",
        "set protocols ospf area 0.0.0.0 interface ge-0/0/0.0",
    }
    assert set(set_lines(tree.root)) == expected


def test_load_relative_to_an_edit_level(schema):
    """Like reference/junos-output/load_merge_terminal__relative__crpd.txt (families our schema has)."""
    tree = ConfigTree(schema.root)
    report = parse_curly(
        tree,
        lines(
            "group inter-cluster {",
            "    type internal;",
            "    local-address 10.10.25.42;",
            "    family inet {",
            "        unicast;",
            "    }",
            "    local-as 64512;",
            "    neighbor 10.20.63.45;",
            "}",
        ),
        at=steps(schema, "protocols bgp"),
    )
    assert report.messages == []
    assert list(set_lines(tree.root)) == [
        "set protocols bgp group inter-cluster type internal",
        "set protocols bgp group inter-cluster local-address 10.10.25.42",
        "set protocols bgp group inter-cluster family inet unicast",
        "set protocols bgp group inter-cluster local-as 64512",
        "set protocols bgp group inter-cluster neighbor 10.20.63.45",
    ]


def test_merge_into_an_existing_tree(schema):
    tree = load_set(schema, lines("set system host-name old", "set system domain-name keep.net"))
    load_curly(schema, lines("system {", "    host-name new;", "    time-zone UTC;", "}"), tree)
    assert list(set_lines(tree.root)) == [
        "set system host-name new",
        "set system domain-name keep.net",
        "set system time-zone UTC",
    ]


# -- replace: ----------------------------------------------------------------------------------

BEFORE_REPLACE = lines(
    "set system host-name old",
    "set system domain-name old.net",
    "set system services ssh root-login deny",
    "set routing-options static route 10.0.0.0/8 next-hop 192.0.2.1",
    "set routing-options router-id 1.1.1.1",
)

REPLACE_TEXT = lines(
    "system {",
    "    replace: services {",
    "        telnet;",
    "    }",
    "    host-name new;",
    "}",
    "replace: routing-options {",
    "    static {",
    "        route 0.0.0.0/0 next-hop 192.0.2.254;",
    "    }",
    "}",
)


def test_replace_tags_in_replace_mode(schema):
    tree = load_set(schema, BEFORE_REPLACE)
    load_curly(schema, REPLACE_TEXT, tree, replace=True)
    assert list(set_lines(tree.root)) == [
        "set system host-name new",
        "set system domain-name old.net",
        "set system services telnet",
        "set routing-options static route 0.0.0.0/0 next-hop 192.0.2.254",
    ]


def test_replace_tags_are_ignored_by_merge(schema):
    tree = load_set(schema, BEFORE_REPLACE)
    load_curly(schema, REPLACE_TEXT, tree)
    assert list(set_lines(tree.root)) == [
        "set system host-name new",
        "set system domain-name old.net",
        "set system services ssh root-login deny",
        "set system services telnet",
        "set routing-options static route 10.0.0.0/8 next-hop 192.0.2.1",
        "set routing-options static route 0.0.0.0/0 next-hop 192.0.2.254",
        "set routing-options router-id 1.1.1.1",
    ]


def test_replace_of_an_absent_statement_adds_it(schema):
    tree = load_set(schema, "set system host-name r1")
    load_curly(schema, lines("replace: snmp {", "    location lab;", "}"), tree, replace=True)
    assert list(set_lines(tree.root)) == ["set system host-name r1", "set snmp location lab"]


def test_load_override_replaces_everything(schema):
    tree = load_set(schema, BEFORE_REPLACE)
    report = load_override(tree, "set snmp location lab\n", "terminal")
    assert report.messages == []
    assert list(set_lines(tree.root)) == ["set snmp location lab"]
    report = load_override(tree, lines("system {", "    host-name r9;", "}"), "terminal")
    assert list(set_lines(tree.root)) == ["set system host-name r9"]


# -- errors ------------------------------------------------------------------------------------


def test_reference_error_inside_a_block(schema):
    """The `load merge terminal` case of load_terminal__errors_and_warning__dut.txt, verbatim."""
    tree, messages, errors = _parse(
        schema,
        lines(
            "protocols {",
            "    ospf {",
            "        topology default {",
            "            metric 65450;",
            "        }",
            "    }",
            "}",
        ),
    )
    assert messages == [
        "terminal:4:(18) syntax error: metric",
        "  [edit protocols ospf topology default]",
        "    'metric 65450;'",
        "      syntax error",
    ]
    assert errors == 1
    assert list(set_lines(tree.root)) == ["set protocols ospf topology default"]


def test_refused_block_is_skipped_and_the_rest_is_loaded(schema):
    tree, messages, errors = _parse(
        schema,
        lines(
            "interfaces {",
            "    ge-0/0/0 {",
            "        bogus 1;",
            "        unit 0 {",
            "            family inet {",
            "                address 10.0.0.1/24;",
            "            }",
            "        }",
            "        wrong {",
            "            x y;",
            "            z { q; }",
            "        }",
            "        mtu 1500;",
            "    }",
            "}",
            "system {",
            "    host-name r1;",
            "}",
        ),
    )
    assert errors == 3  # `bogus`, `wrong {`, and where recovery from `wrong {` ended
    assert messages[:4] == [
        "terminal:3:(13) syntax error: bogus",
        "  [edit interfaces ge-0/0/0]",
        "    'bogus 1;'",
        "      syntax error",
    ]
    assert messages[4] == "terminal:9:(13) syntax error: wrong"
    assert messages[8] == "terminal:12:(9) error recovery ignores input until this point: }"
    assert list(set_lines(tree.root)) == [
        "set system host-name r1",
        "set interfaces ge-0/0/0 mtu 1500",
        "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24",
    ]


def test_bad_value_reports_the_value_error(schema):
    _, messages, errors = _parse(schema, lines("interfaces {", "    ge-0/0/0 {", "        mtu 10;", "    }", "}"))
    assert errors == 1
    assert messages[0].startswith("terminal:3:(14) ")
    assert messages[1:3] == ["  [edit interfaces ge-0/0/0]", "    'mtu 10;'"]


def test_unbalanced_braces(schema):
    tree, messages, errors = _parse(schema, lines("system {", "    host-name r1;", "}", "}"))
    assert messages == ["terminal:4:(1) syntax error: }"]
    assert errors == 1
    assert list(set_lines(tree.root)) == ["set system host-name r1"]
    tree, messages, errors = _parse(schema, lines("system {", "    host-name r1;"))
    assert errors == 1
    assert messages[0].startswith("terminal:3:(0) syntax error: missing '}'")
    assert list(set_lines(tree.root)) == ["set system host-name r1"]


def test_statement_without_terminator_at_end(schema):
    _, messages, errors = _parse(schema, "system { host-name r1; }\nsnmp")
    assert errors == 1
    assert messages[0] == "terminal:2:(4) syntax error: snmp"


def test_block_on_a_leaf_is_refused(schema):
    _, messages, errors = _parse(schema, lines("system {", "    host-name r1 {", "        x;", "    }", "}"))
    assert errors == 2  # the statement, then where recovery from its block ended
    assert messages[0] == "terminal:2:(16) syntax error: r1"
    assert messages[4] == "terminal:4:(5) error recovery ignores input until this point: }"


def test_source_name_in_messages(schema):
    tree = ConfigTree(schema.root)
    report = parse_curly(tree, "bogus;\n", source="config")
    assert report.messages[0] == "config:1:(5) syntax error: bogus"


def test_reference_error_recovery_messages(schema):
    """The ospf3 case of load_terminal__errors_and_warning__dut.txt, with a word our schema lacks."""
    _, messages, errors = _parse(
        schema,
        lines(
            "protocols {",
            "    ospf {",
            "        bogus default {",
            "            metric 65450;",
            "        }",
            "    }",
            "}",
        ),
    )
    assert messages == [
        "terminal:3:(13) syntax error: bogus",
        "  [edit protocols ospf]",
        "    'bogus default {'",
        "      syntax error",
        "terminal:5:(9) error recovery ignores input until this point: }",
        "  [edit protocols ospf]",
        "    '}'",
        "      error recovery ignores input until this point",
    ]
    assert errors == 2


def test_refused_block_leaves_no_empty_parents(schema):
    tree, _, errors = _parse(
        schema,
        lines(
            "protocols {",
            "    ospf3 {",
            "        topology default {",
            "            metric 65450;",
            "        }",
            "    }",
            "}",
        ),
    )
    assert errors >= 1
    assert curly_text(tree.root) == ""


def test_inactive_one_liner_round_trip(schema):
    tree = load_set(
        schema,
        lines(
            "set routing-options static route 192.0.2.0/24 discard",
            "deactivate routing-options static route 192.0.2.0/24",
        ),
    )
    text = curly_text(tree.root)
    assert "        inactive: route 192.0.2.0/24 discard;" in text.splitlines()
    again = load_curly(schema, text)
    assert trees_equal(again.root, tree.root)


def test_annotation_above_one_liner(schema):
    tree = load_curly(
        schema,
        lines(
            "routing-options {",
            "    static {",
            "        /* default */",
            "        route 0.0.0.0/0 next-hop 192.0.2.1;",
            "    }",
            "}",
        ),
    )
    entry = tree.root.children["routing-options"].children["static"].children["route"].entries[("0.0.0.0/0",)]
    assert entry.annotation == "default"


# -- round trip ---------------------------------------------------------------------------------


def test_rich_configuration_curly_round_trip(schema):
    tree = load_set(schema, RICH_SET)
    # Annotations at several levels, to cover `/* */` both ways.
    from nos.config.edit import set_flag

    for path, text in (
        ("system host-name", "name of the node"),
        ("interfaces ge-0/0/0", "uplink"),
        ("security policies from-zone trust to-zone untrust policy allow-out", "allow everything out"),
        ("routing-options static", "static routes"),
    ):
        assert set_flag(tree, steps(schema, path), annotation=text)
    text = curly_text(tree.root)
    again = load_curly(schema, text)
    assert trees_equal(again.root, tree.root)
    assert curly_text(again.root) == text
    for expected in (
        "    /* name of the node */",
        "    /* uplink */",
        "            /* allow everything out */",
        "            inactive: policy allow-out {",
        "apply-groups COMMON;",
    ):
        assert expected in text.splitlines()
