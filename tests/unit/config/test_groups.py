"""Configuration groups (semantics.md 7.7): what `expand` makes of apply-groups."""

from __future__ import annotations

from nos.config.edit import find
from nos.config.groups import expand
from nos.config.render import RenderOptions, curly_text, set_lines
from nos.config.tree import Leaf, Node

from .cfgutil import lines, load_set, steps


def _expand_set(schema, text: str) -> list[str]:
    return list(set_lines(expand(load_set(schema, text).root)))


def test_nothing_to_expand_returns_the_same_root(schema):
    root = load_set(schema, lines("set system host-name r1", "set snmp location lab")).root
    assert expand(root) is root


def test_top_level_apply_groups(schema):
    assert _expand_set(
        schema,
        lines(
            "set groups G system host-name from-group",
            "set groups G system domain-name g.example",
            "set groups G snmp location lab",
            "set apply-groups G",
            "set system time-zone UTC",
        ),
    ) == [
        "set system host-name from-group",
        "set system domain-name g.example",
        "set system time-zone UTC",
        "set snmp location lab",
    ]


def test_groups_stanza_and_apply_groups_disappear(schema):
    root = expand(load_set(schema, lines("set groups G system host-name g", "set apply-groups G")).root)
    assert "groups" not in root.children
    assert "apply-groups" not in root.children


def test_unapplied_group_has_no_effect(schema):
    assert _expand_set(schema, lines("set groups G system host-name g", "set system domain-name d")) == [
        "set system domain-name d"
    ]


def test_explicit_configuration_wins(schema):
    assert _expand_set(
        schema,
        lines(
            "set groups G system host-name from-group",
            "set groups G system domain-name g.example",
            "set apply-groups G",
            "set system host-name explicit",
        ),
    ) == ["set system host-name explicit", "set system domain-name g.example"]


def test_first_listed_group_wins(schema):
    text = lines(
        "set groups G1 system host-name from-g1",
        "set groups G2 system host-name from-g2",
        "set groups G2 system domain-name only-in-g2",
    )
    assert _expand_set(schema, text + "set apply-groups [ G1 G2 ]\n") == [
        "set system host-name from-g1",
        "set system domain-name only-in-g2",
    ]
    assert _expand_set(schema, text + "set apply-groups [ G2 G1 ]\n")[0] == "set system host-name from-g2"


def test_apply_groups_at_a_deeper_level(schema):
    out = _expand_set(
        schema,
        lines(
            "set groups G interfaces ge-0/0/0 mtu 9000",
            "set groups G system host-name not-applied-here",
            "set groups G routing-options router-id 9.9.9.9",
            "set interfaces apply-groups G",
            "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24",
            "set routing-options autonomous-system 65000",
        ),
    )
    # Only the part of G below [edit interfaces] is inherited there.
    assert out == [
        "set interfaces ge-0/0/0 mtu 9000",
        "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24",
        "set routing-options autonomous-system 65000",
    ]


def test_apply_groups_inside_a_list_entry(schema):
    out = _expand_set(
        schema,
        lines(
            "set groups VR routing-instances <*> instance-type virtual-router",
            "set groups VR routing-instances <*> routing-options static route 0.0.0.0/0 next-table inet.0",
            "set routing-instances A interface ge-0/0/1.0",
            "set routing-instances A apply-groups VR",
            "set routing-instances B interface ge-0/0/2.0",
        ),
    )
    assert out == [
        "set routing-instances A instance-type virtual-router",
        "set routing-instances A interface ge-0/0/1.0",
        "set routing-instances A routing-options static route 0.0.0.0/0 next-table inet.0",
        "set routing-instances B interface ge-0/0/2.0",
    ]


WILDCARDS = lines(
    "set groups IF interfaces <ge-*> unit 0 family inet mtu 1400",
    "set groups IF interfaces <*> description all-ifs",
    "set apply-groups IF",
    "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24",
    "set interfaces ge-0/0/1 description explicit",
    "set interfaces xe-0/0/0 unit 0",
)


def test_wildcards_apply_to_existing_entries_only(schema):
    assert _expand_set(schema, WILDCARDS) == [
        "set interfaces ge-0/0/0 description all-ifs",
        "set interfaces ge-0/0/0 unit 0 family inet mtu 1400",
        "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24",
        "set interfaces ge-0/0/1 description explicit",
        "set interfaces ge-0/0/1 unit 0 family inet mtu 1400",
        "set interfaces xe-0/0/0 description all-ifs",
        "set interfaces xe-0/0/0 unit 0",
    ]
    # No entry is created from a pattern.
    root = expand(load_set(schema, WILDCARDS).root)
    names = list(root.children["interfaces"].children["interface"].entries)
    assert names == [("ge-0/0/0",), ("ge-0/0/1",), ("xe-0/0/0",)]


def test_literal_group_entries_are_added(schema):
    out = _expand_set(
        schema,
        WILDCARDS + "set groups IF interfaces ge-0/0/9 description only-in-group\n",
    )
    assert out[-2:] == [
        "set interfaces ge-0/0/9 description only-in-group",
        "set interfaces ge-0/0/9 unit 0 family inet mtu 1400",
    ]


def test_most_specific_wildcard_wins(schema):
    out = _expand_set(
        schema,
        lines(
            "set groups IF interfaces <*> mtu 1500",
            "set groups IF interfaces <ge-0/0/*> mtu 9000",
            "set apply-groups IF",
            "set interfaces ge-0/0/3 unit 0",
            "set interfaces xe-1/0/0 unit 0",
        ),
    )
    assert out == [
        "set interfaces ge-0/0/3 mtu 9000",
        "set interfaces ge-0/0/3 unit 0",
        "set interfaces xe-1/0/0 mtu 1500",
        "set interfaces xe-1/0/0 unit 0",
    ]


def test_leaf_lists_are_merged(schema):
    out = _expand_set(
        schema,
        lines(
            "set groups G1 system login class ops permissions [ view configure ]",
            "set groups G2 system login class ops permissions [ view-configuration view ]",
            "set apply-groups [ G1 G2 ]",
            "set system login class ops permissions [ clear view ]",
        ),
    )
    assert out == [
        "set system login class ops permissions clear",
        "set system login class ops permissions view",
        "set system login class ops permissions configure",
        "set system login class ops permissions view-configuration",
    ]


def test_lists_are_merged(schema):
    out = _expand_set(
        schema,
        lines(
            "set groups G system name-server 192.0.2.1",
            "set groups G system name-server 192.0.2.9",
            "set apply-groups G",
            "set system name-server 192.0.2.9",
            "set system name-server 192.0.2.5",
        ),
    )
    assert out == [
        "set system name-server 192.0.2.9",
        "set system name-server 192.0.2.5",
        "set system name-server 192.0.2.1",
    ]


def test_apply_groups_except(schema):
    out = _expand_set(
        schema,
        lines(
            "set groups IF interfaces <*> description all-ifs",
            "set groups IF interfaces <*> unit <*> description unit-desc",
            "set apply-groups IF",
            "set interfaces ge-0/0/0 unit 0",
            "set interfaces ge-0/0/1 apply-groups-except IF",
            "set interfaces ge-0/0/1 unit 0",
            "set interfaces ge-0/0/2 unit 0 apply-groups-except IF",
            "set interfaces ge-0/0/2 unit 1",
        ),
    )
    assert out == [
        "set interfaces ge-0/0/0 description all-ifs",
        "set interfaces ge-0/0/0 unit 0 description unit-desc",
        "set interfaces ge-0/0/1 unit 0",
        "set interfaces ge-0/0/2 description all-ifs",
        "set interfaces ge-0/0/2 unit 0",
        "set interfaces ge-0/0/2 unit 1 description unit-desc",
    ]


def test_inactive_group_content_is_ignored(schema):
    base = lines(
        "set groups G system host-name g",
        "set groups G system domain-name g.net",
        "set groups G system services ssh",
        "set groups H system time-zone UTC",
        "set apply-groups [ G H ]",
    )
    assert _expand_set(schema, base + "deactivate groups G system domain-name\n") == [
        "set system host-name g",
        "set system time-zone UTC",
        "set system services ssh",
    ]
    assert _expand_set(schema, base + "deactivate groups G system services\n") == [
        "set system host-name g",
        "set system domain-name g.net",
        "set system time-zone UTC",
    ]
    assert _expand_set(schema, base + "deactivate groups G\n") == ["set system time-zone UTC"]


def test_inactive_apply_groups_is_ignored(schema):
    out = _expand_set(
        schema,
        lines(
            "set groups G system host-name g", "set apply-groups G", "deactivate apply-groups", "set snmp location l"
        ),
    )
    assert out == ["set snmp location l"]


def test_inactive_explicit_statements_are_left_out(schema):
    out = _expand_set(
        schema,
        lines(
            "set system host-name r1",
            "set system domain-name d",
            "deactivate system domain-name",
            "set interfaces ge-0/0/0 unit 0",
            "set interfaces ge-0/0/1 unit 0",
            "deactivate interfaces ge-0/0/1",
            "set snmp location l",
            "deactivate snmp",
        ),
    )
    assert out == ["set system host-name r1", "set interfaces ge-0/0/0 unit 0"]


def test_group_changes_are_live(schema):
    tree = load_set(schema, lines("set groups G system host-name one", "set apply-groups G"))
    assert list(set_lines(expand(tree.root))) == ["set system host-name one"]
    load_set(schema, "set groups G system host-name two", tree)
    assert list(set_lines(expand(tree.root))) == ["set system host-name two"]


def test_origin_is_set_on_inherited_nodes(schema):
    root = expand(
        load_set(
            schema,
            lines(
                "set groups G system host-name g",
                "set groups G system services ssh",
                "set groups IF interfaces <*> unit 0 family inet mtu 1400",
                "set apply-groups [ G IF ]",
                "set system domain-name d",
                "set interfaces ge-0/0/0 description x",
            ),
        ).root
    )
    host = find(root, steps(schema, "system host-name"))
    assert isinstance(host, Leaf) and host.origin == "G"
    assert find(root, steps(schema, "system domain-name")).origin is None
    services = find(root, steps(schema, "system services"))
    assert isinstance(services, Node) and services.origin == "G"
    assert find(root, steps(schema, "system services ssh")).origin == "G"
    unit = find(root, steps(schema, "interfaces ge-0/0/0 unit 0"))
    assert isinstance(unit, Node) and unit.origin == "IF"
    assert find(root, steps(schema, "interfaces ge-0/0/0")).origin is None
    assert find(root, steps(schema, "interfaces ge-0/0/0 description")).origin is None


def test_display_inheritance(schema):
    root = expand(
        load_set(
            schema,
            lines(
                "set groups node1 system host-name vsrx-bert",
                "set groups IF interfaces <ge-*> unit 0 family inet mtu 1400",
                "set apply-groups [ node1 IF ]",
                "set system time-zone America/Los_Angeles",
                "set interfaces ge-0/0/0 description uplink",
            ),
        ).root
    )
    assert curly_text(root, RenderOptions(inheritance=True)) == lines(
        "system {",
        "    ##",
        "    ## 'vsrx-bert' was inherited from group 'node1'",
        "    ##",
        "    host-name vsrx-bert;",
        "    time-zone America/Los_Angeles;",
        "}",
        "interfaces {",
        "    ge-0/0/0 {",
        "        description uplink;",
        "        ##",
        "        ## 'unit 0' was inherited from group 'IF'",
        "        ##",
        "        unit 0 {",
        "            ##",
        "            ## 'family inet' was inherited from group 'IF'",
        "            ##",
        "            family inet {",
        "                ##",
        "                ## '1400' was inherited from group 'IF'",
        "                ##",
        "                mtu 1400;",
        "            }",
        "        }",
        "    }",
        "}",
    )
    # Plain `show` hides the marks.
    assert "##" not in curly_text(root)
