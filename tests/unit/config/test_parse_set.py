"""The set-format parser (`load set`, `--config` files in set form).

Error lines follow Junos: `terminal:<line>:(<col>) syntax error: <word>`, where
col is the 0-based column at which the refused word starts (see
reference/junos-output/load_terminal__errors_and_warning__dut.txt).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nos.config.load import looks_like_set, parse_set
from nos.config.render import curly_text, set_lines
from nos.config.tree import ConfigTree, Leaf, trees_equal

from .cfgutil import lines, load_curly, load_set

RICH_SET = (Path(__file__).parent / "data" / "rich.set").read_text(encoding="utf-8")


def _parse(schema, text: str) -> tuple[ConfigTree, list[str], int]:
    tree = ConfigTree(schema.root)
    report = parse_set(tree, text)
    return tree, report.messages, report.errors


# -- values ------------------------------------------------------------------------------------


def test_quoted_values_keep_spaces_and_escaped_quotes(schema):
    tree = load_set(
        schema,
        lines(
            'set system host-name "edge router"',
            'set system login message "hello \\"world\\" [x] { y }"',
            'set interfaces ge-0/0/0 description "uplink; to ISP #1"',
        ),
    )
    assert curly_text(tree.root) == lines(
        "system {",
        '    host-name "edge router";',
        "    login {",
        '        message "hello \\"world\\" [x] { y }";',
        "    }",
        "}",
        "interfaces {",
        "    ge-0/0/0 {",
        '        description "uplink; to ISP #1";',
        "    }",
        "}",
    )


def test_bracketed_leaf_list_and_repeated_values_merge_in_order(schema):
    tree = load_set(
        schema,
        lines(
            "set routing-options rib-groups RG import-rib [ inet.0 PROD.inet.0 ]",
            "set routing-options rib-groups RG import-rib VPN.inet.0",
            "set routing-options rib-groups RG import-rib inet.0",  # already there: no duplicate
            "set policy-options policy-statement P term t from protocol [static direct]",
        ),
    )
    assert list(set_lines(tree.root)) == [
        "set routing-options rib-groups RG import-rib inet.0",
        "set routing-options rib-groups RG import-rib PROD.inet.0",
        "set routing-options rib-groups RG import-rib VPN.inet.0",
        "set policy-options policy-statement P term t from protocol static",
        "set policy-options policy-statement P term t from protocol direct",
    ]


def test_several_leaves_of_one_statement_on_one_line(schema):
    tree = load_set(schema, "set routing-options static route 10.0.0.0/8 next-hop 192.0.2.1 preference 7 tag 3")
    assert curly_text(tree.root) == lines(
        "routing-options {",
        "    static {",
        "        route 10.0.0.0/8 {",
        "            next-hop 192.0.2.1;",
        "            preference 7;",
        "            tag 3;",
        "        }",
        "    }",
        "}",
    )


def test_values_are_normalised(schema):
    tree = load_set(schema, "set protocols ospf area 10 interface lo0.0")
    assert "area 0.0.0.10 {" in curly_text(tree.root)


# -- verbs -------------------------------------------------------------------------------------


def test_delete_and_deactivate_and_activate(schema):
    tree = load_set(
        schema,
        lines(
            "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24",
            "set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24",
            "set interfaces ge-0/0/1 unit 0 family inet address 10.0.2.1/24",
            "set system host-name r1",
            "set system domain-name example.net",
            "delete interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24",
            "deactivate interfaces ge-0/0/1",
            "deactivate system host-name",
            "deactivate system domain-name",
            "activate system domain-name",
        ),
    )
    assert list(set_lines(tree.root)) == [
        "set system host-name r1",
        "deactivate system host-name",
        "set system domain-name example.net",
        "set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24",
        "set interfaces ge-0/0/1 unit 0 family inet address 10.0.2.1/24",
        "deactivate interfaces ge-0/0/1",
    ]


def test_delete_of_a_leaf_list_value(schema):
    tree = load_set(
        schema,
        lines(
            "set routing-options rib-groups RG import-rib [ inet.0 A.inet.0 B.inet.0 ]",
            "delete routing-options rib-groups RG import-rib A.inet.0",
        ),
    )
    assert "import-rib [ inet.0 B.inet.0 ];" in curly_text(tree.root)


def test_delete_of_a_whole_stanza(schema):
    tree = load_set(schema, lines("set system host-name r1", "set snmp location lab", "delete snmp"))
    assert curly_text(tree.root) == lines("system {", "    host-name r1;", "}")


def test_delete_or_deactivate_of_missing_statement_warns_without_error(schema):
    tree, messages, errors = _parse(
        schema, lines("set system host-name r1", "delete interfaces ge-0/0/9", "deactivate snmp location")
    )
    assert errors == 0
    assert len(messages) == 2
    assert all(m.startswith("warning: statement not found") for m in messages)
    assert curly_text(tree.root) == lines("system {", "    host-name r1;", "}")


def test_edit_top_up_exit_and_comments(schema):
    tree = load_set(
        schema,
        lines(
            "# a file of set commands",
            "",
            "edit routing-options static",
            "set route 10.0.0.0/8 next-hop 192.0.2.1",
            "   # an indented comment",
            "up",
            "set router-id 1.1.1.1",
            "edit static route 10.1.0.0/16",
            "set discard",
            "top",
            "set system host-name x",
            "edit protocols bgp group G",
            "set neighbor 192.0.2.2 peer-as 65000",
            "up",  # [edit protocols bgp]
            "set group H type internal",
            "exit",  # [edit protocols]
            "set ospf area 0 interface lo0.0",
            "top",
            "deactivate protocols bgp group H",
        ),
    )
    assert list(set_lines(tree.root)) == [
        "set system host-name x",
        "set routing-options static route 10.0.0.0/8 next-hop 192.0.2.1",
        "set routing-options static route 10.1.0.0/16 discard",
        "set routing-options router-id 1.1.1.1",
        "set protocols bgp group G neighbor 192.0.2.2 peer-as 65000",
        "set protocols bgp group H type internal",
        "deactivate protocols bgp group H",
        "set protocols ospf area 0.0.0.0 interface lo0.0",
    ]


def test_edit_level_applies_to_delete_and_deactivate(schema):
    tree = load_set(
        schema,
        lines(
            "set system host-name r1",
            "set system domain-name d",
            "set system time-zone UTC",
            "edit system",
            "delete domain-name",
            "deactivate time-zone",
        ),
    )
    assert list(set_lines(tree.root)) == [
        "set system host-name r1",
        "set system time-zone UTC",
        "deactivate system time-zone",
    ]


def test_edit_of_a_leaf_is_refused(schema):
    _, messages, errors = _parse(schema, "edit system host-name r1")
    assert errors == 1
    assert messages == ["terminal:1:(22) syntax error: r1"]


def test_load_at_an_edit_level(schema):
    from .cfgutil import steps

    tree = ConfigTree(schema.root)
    report = parse_set(tree, "set ospf area 0 interface lo0.0", at=steps(schema, "protocols"))
    assert report.messages == []
    assert list(set_lines(tree.root)) == ["set protocols ospf area 0.0.0.0 interface lo0.0"]


def test_groups_accept_wildcard_keys(schema):
    tree = load_set(
        schema,
        lines(
            "set groups IF interfaces <ge-*> unit 0 family inet mtu 1400",
            "edit groups IF interfaces",
            "set <xe-*> description fast",
        ),
    )
    assert list(set_lines(tree.root)) == [
        "set groups IF interfaces <ge-*> unit 0 family inet mtu 1400",
        "set groups IF interfaces <xe-*> description fast",
    ]


def test_wildcards_are_refused_outside_groups(schema):
    _, messages, errors = _parse(schema, "set interfaces <ge-*> description x")
    assert errors == 1
    assert messages == ["terminal:1:(15) syntax error: <ge-*>"]


# -- errors ------------------------------------------------------------------------------------


def test_reference_topology_default_metric(schema):
    """reference/junos-output/load_terminal__errors_and_warning__dut.txt, both `load set` cases."""
    tree, messages, errors = _parse(schema, "set protocols ospf topology default metric 65450")
    assert messages == ["terminal:1:(36) syntax error: metric"]
    assert errors == 1
    # Junos keeps the valid start of the refused line: `show | compare` shows `+ topology default;`
    assert curly_text(tree.root) == lines(
        "protocols {",
        "    ospf {",
        "        topology default;",
        "    }",
        "}",
    )
    tree, messages, errors = _parse(schema, "set routing-instances VR protocols ospf topology default metric 65450")
    assert messages == ["terminal:1:(57) syntax error: metric"]
    assert list(set_lines(tree.root)) == ["set routing-instances VR protocols ospf topology default"]


@pytest.mark.parametrize(
    "line, message",
    [
        ("set bogus", "terminal:1:(4) syntax error: bogus"),
        ("frobnicate system", "terminal:1:(0) syntax error: frobnicate"),
        ("set system host-name r1 extra", "terminal:1:(24) syntax error: extra"),
        ("  set system bogus 1", "terminal:1:(13) syntax error: bogus"),
        ('set system host-name "a b" bogus', "terminal:1:(27) syntax error: bogus"),
        ("set system host-name", "terminal:1:(11) missing argument: host-name"),
    ],
)
def test_error_column_is_the_start_of_the_bad_word(schema, line, message):
    _, messages, errors = _parse(schema, line)
    assert messages == [message]
    assert errors == 1


def test_error_line_numbers_count_comments_and_blank_lines(schema):
    tree, messages, errors = _parse(
        schema,
        lines(
            "# header",
            "set system host-name r1",
            "",
            "set system bogus",
            "set system nonsense 1",
            "set system domain-name d",
        ),
    )
    assert messages == [
        "terminal:4:(11) syntax error: bogus",
        "terminal:5:(11) syntax error: nonsense",
    ]
    assert errors == 2
    # The good lines around the bad ones are loaded.
    assert list(set_lines(tree.root)) == ["set system host-name r1", "set system domain-name d"]


def test_bad_values_are_refused_with_their_column(schema):
    _, messages, errors = _parse(
        schema,
        lines(
            "set interfaces ge-0/0/0 mtu 10",
            "set routing-options static route 10.0.0.0/33 discard",
            "set protocols bgp group G neighbor 300.1.1.1",
        ),
    )
    assert errors == 3
    assert [m.split(")")[0] + ")" for m in messages] == [
        "terminal:1:(28)",
        "terminal:2:(33)",
        "terminal:3:(35)",
    ]


def test_source_name_is_used_in_messages(schema):
    report = parse_set(ConfigTree(schema.root), "set bogus", source="/var/tmp/x.set")
    assert report.messages == ["/var/tmp/x.set:1:(4) syntax error: bogus"]


def test_refused_line_changes_nothing_when_no_level_is_complete(schema):
    tree, messages, _ = _parse(schema, "set system host-name r1 extra")
    assert messages
    assert tree.root.children == {}


def test_max_refusal_is_an_error_line(schema):
    _, messages, errors = _parse(
        schema,
        lines(
            "set security ike policy P proposals [ a b c d ]",
            "set security ike policy P proposals e",
        ),
    )
    assert errors == 1
    assert messages == ["terminal:2:(0) error: number of elements exceeds the limit (4)"]


@pytest.mark.parametrize(
    "line, expected",
    [
        ('annotate system host-name "the name"', "/* the name */"),
        ("rename policy-options policy-statement P term a to term z", "term z then accept"),
        ("insert policy-options policy-statement P term b before term a", "term b then reject term a then accept"),
    ],
)
def test_other_set_verbs(schema, line, expected):
    tree = ConfigTree(schema.root)
    base = lines(
        "set system host-name r1",
        "set policy-options policy-statement P term a then accept",
        "set policy-options policy-statement P term b then reject",
    )
    report = parse_set(tree, base + line + "\n")
    assert report.messages == []
    assert expected in " ".join(curly_text(tree.root).replace(";", "").replace("{", "").replace("}", "").split())


# -- detection and round trip --------------------------------------------------------------------


def test_looks_like_set():
    assert looks_like_set("# comment\n\nset system host-name r1\n")
    assert looks_like_set("edit system\nset host-name r1\n")
    assert looks_like_set("deactivate system\n")
    assert not looks_like_set("## Last commit\nsystem {\n    host-name r1;\n}\n")
    assert not looks_like_set("")


def test_rich_configuration_display_set_round_trip(schema):
    tree = load_set(schema, RICH_SET)
    text = "\n".join(set_lines(tree.root)) + "\n"
    again = load_set(schema, text)
    assert trees_equal(tree.root, again.root)
    assert "\n".join(set_lines(again.root)) + "\n" == text
    # A set file and the curly rendering of the same tree read back the same.
    assert trees_equal(load_curly(schema, curly_text(tree.root)).root, tree.root)


def test_rich_configuration_is_fully_read(schema):
    tree = load_set(schema, RICH_SET)
    # Every `set` line of the file comes back (leaf-lists one value a line).
    expected = set()
    for line in RICH_SET.splitlines():
        if not line.startswith(("set ", "deactivate ")):
            continue
        if "[" in line:
            head, values = line.split(" [ ")
            expected.update(f"{head} {v}" for v in values.rstrip(" ]").split())
        else:
            expected.add(line)
    assert set(set_lines(tree.root)) == expected


def test_inactive_leaf_in_set_file(schema):
    tree = load_set(schema, lines("set system host-name r1", "deactivate system host-name"))
    leaf = tree.root.children["system"].children["host-name"]
    assert isinstance(leaf, Leaf) and leaf.inactive and leaf.value == "r1"
