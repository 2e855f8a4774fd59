"""`show | compare` goldens, built after reference/junos-output/show_compare*.txt.

Indentation follows the rule documented in nos/config/diff.py: after the marker,
2 + the depth of the header when compared at [edit], 1 + the depth below the
current level when compared from inside the hierarchy; 4 more spaces a level.
Where a capture disagrees with that rule (the captures disagree with each other),
the rule wins and the test says so.
"""

from __future__ import annotations

from nos.config.diff import diff_lines
from nos.config.edit import copy_entry, set_flag
from nos.config.tree import ConfigTree

from .cfgutil import before_after, compare, lines, load_set, steps


def test_reference_juliopdx_address_change(schema):
    """show_compare__juliopdx_18.2.txt: an address replaced under family inet (new entry first)."""
    old, new = before_after(
        schema,
        "set interfaces ge-0/0/0 unit 0 family inet address 10.0.12.1/24",
        lines(
            "delete interfaces ge-0/0/0 unit 0 family inet address 10.0.12.1/24",
            "set interfaces ge-0/0/0 unit 0 family inet address 10.0.50.1/24",
        ),
    )
    assert compare(schema, old, new) == [
        "[edit interfaces ge-0/0/0 unit 0 family inet]",
        "+       address 10.0.50.1/24;",
        "-       address 10.0.12.1/24;",
    ]


def test_reference_multiple_stanzas_bgp_group(schema):
    """show_compare__multiple_stanzas__r7_rr1.txt; our schema has no add-path, so other nested blocks."""
    old, new = before_after(
        schema,
        lines("set protocols bgp group ibgp type internal", "set protocols bgp group ibgp neighbor 10.0.0.7"),
        lines(
            "set protocols bgp group ibgp family inet unicast",
            "set protocols bgp group ibgp bfd-liveness-detection minimum-interval 300",
            "set protocols bgp group ibgp bfd-liveness-detection multiplier 3",
        ),
    )
    assert compare(schema, old, new) == [
        "[edit protocols bgp group ibgp]",
        "+     family inet {",
        "+         unicast;",
        "+     }",
        "+     bfd-liveness-detection {",
        "+         minimum-interval 300;",
        "+         multiplier 3;",
        "+     }",
    ]


def test_reference_context_ellipsis_copied_neighbor(schema):
    """show_compare__context_ellipsis__r1_bgp.txt: `copy ... neighbor 10.1.2.2 to neighbor 10.1.2.3`."""
    tree = load_set(
        schema,
        lines(
            'set protocols bgp group myPeerAS2 neighbor 10.1.2.2 description "to peer r3-AS2"',
            "set protocols bgp group myPeerAS2 neighbor 10.1.2.2 import ACCEPT",
            "set protocols bgp group myPeerAS2 neighbor 10.1.2.2 family inet unicast",
            "set protocols bgp group myPeerAS2 neighbor 10.1.2.2 export ACCEPT",
            "set protocols bgp group myPeerAS2 neighbor 10.1.2.2 peer-as 2",
        ),
    )
    old = tree.freeze()
    copy_entry(tree, steps(schema, "protocols bgp group myPeerAS2 neighbor 10.1.2.2"), ("10.1.2.3",))
    assert compare(schema, old, tree.root) == [
        "[edit protocols bgp group myPeerAS2]",
        "      neighbor 10.1.2.2 { ... }",
        "+     neighbor 10.1.2.3 {",
        '+         description "to peer r3-AS2";',
        "+         import ACCEPT;",
        "+         family inet {",
        "+             unicast;",
        "+         }",
        "+         export ACCEPT;",
        "+         peer-as 2;",
        "+     }",
    ]


def test_reference_top_level_stanza(schema):
    """show_compare_rollback__top_level__netconf_java.txt: `[edit]` and two spaces."""
    old, new = before_after(schema, "set system host-name vMX-1", "set snmp community kotlin-example")
    assert compare(schema, old, new) == [
        "[edit]",
        "+  snmp {",
        "+      community kotlin-example;",
        "+  }",
    ]


def test_reference_rib_groups_added(schema):
    """show_compare__rib_group__and_adv_protocol_detail__bgp_lu.txt, its [edit routing-options] part."""
    old, new = before_after(
        schema,
        "set routing-options router-id 1.1.1.1",
        lines(
            "set routing-options interface-routes rib-group inet interfaces",
            "set routing-options rib-groups interfaces import-rib [ inet.0 inet.3 ]",
            "set routing-options rib-groups interfaces import-policy int-only",
        ),
    )
    assert compare(schema, old, new) == [
        "[edit routing-options]",
        "+   interface-routes {",
        "+       rib-group inet interfaces;",
        "+   }",
        "+   rib-groups {",
        "+       interfaces {",
        "+           import-rib [ inet.0 inet.3 ];",
        "+           import-policy int-only;",
        "+       }",
        "+   }",
    ]


def test_reference_login_class_added_and_leaf_changed(schema):
    """show_configuration_compare_rollback__vsrx_24.4.txt (24.4 puts the leaf change at 4 spaces; the rule, 5)."""
    old, new = before_after(
        schema,
        lines("set system login user claude uid 2001", "set system login user claude class read-only"),
        lines(
            "set system login class config-viewer permissions [ view view-configuration ]",
            'set system login class config-viewer allow-commands "(show configuration.*)|(show version)|'
            '(show system information)"',
            "set system login user claude class config-viewer",
        ),
    )
    assert compare(schema, old, new) == [
        "[edit system login]",
        "+    class config-viewer {",
        "+        permissions [ view view-configuration ];",
        '+        allow-commands "(show configuration.*)|(show version)|(show system information)";',
        "+    }",
        "[edit system login user claude]",
        "-     class read-only;",
        "+     class config-viewer;",
    ]


def test_reference_dut_topology_default(schema):
    """load_terminal__errors_and_warning__dut.txt: what the refused `metric` lines left behind."""
    from nos.config.load import parse_set

    old = load_set(
        schema,
        lines(
            "set protocols ospf area 0.0.0.0 interface lo0.0",
            "set routing-instances VR protocols ospf area 0 interface lo0.1",
        ),
    ).freeze()
    tree = ConfigTree(schema.root, old)

    parse_set(tree, "set protocols ospf topology default metric 65450")
    assert compare(schema, old, tree.root) == ["[edit protocols ospf]", "+    topology default;"]
    tree = ConfigTree(schema.root, old)
    parse_set(tree, "set routing-instances VR protocols ospf topology default metric 65450")
    assert compare(schema, old, tree.root) == ["[edit routing-instances VR protocols ospf]", "+      topology default;"]


def test_reference_compare_from_inside_the_hierarchy(schema):
    """show_compare__relative_to_edit_level__vmx_mxC_mxD.txt: one space from [edit protocols ospf]."""
    old, new = before_after(
        schema,
        lines(
            "set protocols ospf area 0.0.0.0 interface ge-0/0/0.0", "set protocols ospf area 0.0.0.0 interface lo0.0"
        ),
        "set protocols ospf export static-to-ospf",
    )
    assert compare(schema, old, new, edit="protocols ospf") == ["[edit protocols ospf]", "+ export static-to-ospf;"]
    # The same change compared at [edit].
    assert compare(schema, old, new) == ["[edit protocols ospf]", "+    export static-to-ospf;"]
    old, new = before_after(
        schema,
        "set protocols ospf reference-bandwidth 10g",
        lines("set protocols ospf area 10 interface ge-0/0/1.0", "set protocols ospf area 10 interface lo0.1"),
    )
    assert compare(schema, old, new, edit="protocols ospf") == [
        "[edit protocols ospf]",
        "+ area 0.0.0.10 {",
        "+     interface ge-0/0/1.0;",
        "+     interface lo0.1;",
        "+ }",
    ]


def test_compare_from_a_deeper_level_shows_only_that_part(schema):
    old, new = before_after(
        schema,
        "set protocols ospf area 0.0.0.0 interface lo0.0",
        lines("set protocols ospf area 0.0.0.0 interface ge-0/0/0.0 metric 10", "set system host-name elsewhere"),
    )
    assert compare(schema, old, new, edit="protocols ospf area 0.0.0.0") == [
        "[edit protocols ospf area 0.0.0.0]",
        "+ interface ge-0/0/0.0 {",
        "+     metric 10;",
        "+ }",
    ]


def test_deletion_and_addition_in_one_level(schema):
    """show_compare__add_and_delete__netedu.txt, with the documented indentation (the capture has 7)."""
    old, new = before_after(
        schema,
        lines(
            "set system services ssh root-login deny",
            "set system services ssh protocol-version v2",
            "set interfaces vlan unit 10 family inet address 10.170.133.1/30",
        ),
        lines(
            "delete system services ssh",
            "set system services telnet",
            "set interfaces vlan unit 11 family inet address 10.170.134.1/30",
        ),
    )
    assert compare(schema, old, new) == [
        "[edit system services]",
        "-    ssh {",
        "-        root-login deny;",
        "-        protocol-version v2;",
        "-    }",
        "+    telnet;",
        "[edit interfaces vlan]",
        "     unit 10 { ... }",
        "+    unit 11 {",
        "+        family inet {",
        "+            address 10.170.134.1/30;",
        "+        }",
        "+    }",
    ]


def test_deleted_top_level_stanza_and_list_entry(schema):
    old, new = before_after(
        schema,
        lines(
            "set system host-name r1",
            "set snmp location lab",
            "set snmp contact noc",
            "set routing-options static route 10.1.0.0/16 discard",
            "set routing-options static route 10.2.0.0/16 next-hop 10.0.0.1",
        ),
        lines("delete snmp", "delete routing-options static route 10.1.0.0/16"),
    )
    assert compare(schema, old, new) == [
        "[edit]",
        "-  snmp {",
        "-      location lab;",
        "-      contact noc;",
        "-  }",
        "[edit routing-options static]",
        "-    route 10.1.0.0/16 discard;",
    ]


def test_changed_leaf_is_minus_old_then_plus_new(schema):
    old, new = before_after(
        schema,
        lines("set system host-name r1", "set system time-zone UTC"),
        lines("set system host-name r2", "set system time-zone Europe/Paris"),
    )
    assert compare(schema, old, new) == [
        "[edit system]",
        "-   host-name r1;",
        "+   host-name r2;",
        "-   time-zone UTC;",
        "+   time-zone Europe/Paris;",
    ]


def test_header_repeats_when_a_nested_change_interrupts_a_level(schema):
    old, new = before_after(
        schema,
        lines("set system host-name r1", "set system services ssh root-login deny"),
        lines(
            "set system host-name r2",
            "set system services ssh root-login allow",
            "set system name-server 192.0.2.53",
        ),
    )
    assert compare(schema, old, new) == [
        "[edit system]",
        "-   host-name r1;",
        "+   host-name r2;",
        "[edit system services ssh]",
        "-     root-login deny;",
        "+     root-login allow;",
        "[edit system]",
        "+   name-server {",
        "+       192.0.2.53;",
        "+   }",
    ]


def test_context_lines_open_a_hunk_with_its_header(schema):
    """show_compare_rollback__context_ellipsis__sr_te_truncated.txt: the header is repeated before each
    context line of the same level (two lists of one container, each with an entry added)."""
    old, new = before_after(
        schema,
        lines(
            "set security zones security-zone untrust address-book address A1 10.0.0.1/32",
            "set security zones security-zone untrust address-book address-set S1 address A1",
        ),
        lines(
            "set security zones security-zone untrust address-book address A2 10.0.0.2/32",
            "set security zones security-zone untrust address-book address-set S2 address A2",
        ),
    )
    assert compare(schema, old, new) == [
        "[edit security zones security-zone untrust address-book]",
        "       address A1 { ... }",
        "+      address A2 10.0.0.2/32;",
        "[edit security zones security-zone untrust address-book]",
        "       address-set S1 { ... }",
        "+      address-set S2 {",
        "+          address A2;",
        "+      }",
    ]


def test_added_first_entry_has_no_context_line(schema):
    old, new = before_after(
        schema,
        "set routing-options router-id 1.1.1.1",
        "set routing-options static route 10.1.0.0/16 next-hop 10.0.0.1",
    )
    assert compare(schema, old, new) == [
        "[edit routing-options]",
        "+   static {",
        "+       route 10.1.0.0/16 next-hop 10.0.0.1;",
        "+   }",
    ]


def test_entry_added_after_an_entry_without_contents_has_no_context(schema):
    old, new = before_after(
        schema,
        "set routing-instances PROD interface ge-0/0/1.0",
        "set routing-instances PROD interface ge-0/0/2.0",
    )
    assert compare(schema, old, new) == [
        "[edit routing-instances PROD]",
        "+    interface ge-0/0/2.0;",
    ]


def test_changes_inside_a_routing_instance_and_a_group(schema):
    old, new = before_after(
        schema,
        lines(
            "set routing-instances PROD routing-options static route 0.0.0.0/0 next-hop 10.0.0.1",
            "set groups G system host-name g",
        ),
        lines(
            "set routing-instances PROD routing-options static route 0.0.0.0/0 next-hop 10.0.0.2",
            "delete routing-instances PROD routing-options static route 0.0.0.0/0 next-hop 10.0.0.1",
            "set groups G system domain-name g.net",
        ),
    )
    assert compare(schema, old, new) == [
        "[edit groups G system]",
        "+     domain-name g.net;",
        "[edit routing-instances PROD routing-options static route 0.0.0.0/0]",
        "-       next-hop 10.0.0.1;",
        "+       next-hop 10.0.0.2;",
    ]


def test_deactivation_shows_the_statement_with_its_flag(schema):
    tree = load_set(schema, lines("set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24"))
    old = tree.freeze()
    assert set_flag(tree, steps(schema, "interfaces ge-0/0/0 unit 0"), inactive=True)
    out = compare(schema, old, tree.root)
    # Junos marks a toggled flag with `!` and does not repeat the statement's contents.
    assert out == ["[edit interfaces ge-0/0/0]", "!    inactive: unit 0 { ... }"]


def test_empty_diff_prints_nothing(schema):
    tree = load_set(schema, lines("set system host-name r1", "set snmp location lab"))
    old = tree.freeze()
    assert compare(schema, old, tree.root) == []
    # Edits that end where they began: the trees differ in identity only.
    load_set(
        schema,
        lines("set system host-name r2", "set system host-name r1", "delete snmp", "set snmp location lab"),
        tree,
    )
    assert tree.root is not old
    assert compare(schema, old, tree.root) == []
    # Separately parsed equal trees.
    again = load_set(schema, lines("set snmp location lab", "set system host-name r1")).root
    assert diff_lines(old, again) == []
    assert diff_lines(None, None) == []


def test_diff_against_nothing(schema):
    new = load_set(schema, lines("set system host-name r1", "set snmp location lab")).root
    assert diff_lines(None, new) == [
        "[edit]",
        "+  system {",
        "+      host-name r1;",
        "+  }",
        "+  snmp {",
        "+      location lab;",
        "+  }",
    ]
    assert diff_lines(new, None)[1] == "-  system {"


def test_shared_subtrees_are_not_examined(schema):
    """Identity shortcut: a subtree shared by both roots produces nothing, even if its content is odd."""
    old, new = before_after(schema, lines("set system host-name r1", "set snmp location lab"), "set snmp location lab2")
    assert old.children["system"] is new.children["system"]
    assert compare(schema, old, new) == ["[edit snmp]", "-   location lab;", "+   location lab2;"]


def test_deactivated_family_shows_before_and_after(schema):
    """A member of a flattened container (`family inet`) changes flags like any statement; the
    diff must not come out empty."""
    tree = load_set(schema, "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24")
    old = tree.freeze()
    assert set_flag(tree, steps(schema, "interfaces ge-0/0/0 unit 0 family inet"), inactive=True)
    assert compare(schema, old, tree.root) == [
        "[edit interfaces ge-0/0/0 unit 0]",
        "!     inactive: family inet { ... }",
    ]
    tree = ConfigTree(schema.root, old)
    assert set_flag(tree, steps(schema, "interfaces ge-0/0/0 unit 0 family inet"), annotation="v4")
    assert compare(schema, old, tree.root) == [
        "[edit interfaces ge-0/0/0 unit 0]",
        "+     /* v4 */",
        "      family inet { ... }",
    ]


def test_family_added_and_removed(schema):
    old, new = before_after(
        schema,
        "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24",
        lines(
            "delete interfaces ge-0/0/0 unit 0 family inet",
            "set interfaces ge-0/0/0 unit 0 family inet6 address 2001:db8::1/64",
        ),
    )
    assert compare(schema, old, new) == [
        "[edit interfaces ge-0/0/0 unit 0]",
        "-     family inet {",
        "-         address 10.0.0.1/24;",
        "-     }",
        "+     family inet6 {",
        "+         address 2001:db8::1/64;",
        "+     }",
    ]
