"""Renderers: the curly format, `| display set`, `| display json`, max-depth and secrets.

Goldens follow reference/junos-output: show_configuration__juliopdx_18.2.txt (curly),
cli_pipe_count_find_deactivate__vsrx_24.4.txt (deactivate lines) and
show_configuration_display_variants__vsrx_24.4.txt (json, max-depth).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nos.config.edit import set_flag
from nos.config.path import quote
from nos.config.render import RenderOptions, curly_text, json_lines, render_child, set_lines
from nos.config.tree import Node

from .cfgutil import lines, load_set, steps

RICH_SET = (Path(__file__).parent / "data" / "rich.set").read_text(encoding="utf-8")

BASIC = lines(
    "set system host-name r1",
    'set system root-authentication encrypted-password "$6$abc$def"',
    "set system login class ops permissions [ view view-configuration ]",
    "set system login class ops idle-timeout 10",
    "set system login user lab uid 2000",
    "set system login user lab class ops",
    "set system services ssh",
    "set system services telnet",
    "set interfaces traceoptions file trace size 1m files 3",
    'set interfaces ge-0/0/0 description "to ISP 1"',
    "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24",
    "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.2/24 primary",
    "set interfaces ge-0/0/1 disable",
    "set routing-options static route 0.0.0.0/0 next-hop 10.0.0.254",
    "set routing-options static route 10.9.0.0/16 next-hop [ 10.0.0.2 10.0.0.3 ]",
    "set routing-options static route 10.8.0.0/16 next-hop 10.0.0.4",
    "set routing-options static route 10.8.0.0/16 preference 7",
    "set routing-options rib-groups RG import-rib inet.0",
    "set routing-options autonomous-system 65001",
)


@pytest.fixture
def basic(schema):
    return load_set(schema, BASIC)


# -- curly ---------------------------------------------------------------------------------------


def test_curly_golden(basic):
    assert curly_text(basic.root) == lines(
        "system {",
        "    host-name r1;",
        "    root-authentication {",
        '        encrypted-password "$6$abc$def"; ## SECRET-DATA',
        "    }",
        "    login {",
        "        class ops {",
        "            idle-timeout 10;",
        "            permissions [ view view-configuration ];",
        "        }",
        "        user lab {",
        "            uid 2000;",
        "            class ops;",
        "        }",
        "    }",
        "    services {",
        "        ssh;",
        "        telnet;",
        "    }",
        "}",
        "interfaces {",
        "    traceoptions {",
        "        file trace size 1m files 3;",
        "    }",
        "    ge-0/0/0 {",
        '        description "to ISP 1";',
        "        unit 0 {",
        "            family inet {",
        "                address 10.0.0.1/24;",
        "                address 10.0.0.2/24 {",
        "                    primary;",
        "                }",
        "            }",
        "        }",
        "    }",
        "    ge-0/0/1 {",
        "        disable;",
        "    }",
        "}",
        "routing-options {",
        "    static {",
        "        route 0.0.0.0/0 next-hop 10.0.0.254;",
        "        route 10.9.0.0/16 next-hop [ 10.0.0.2 10.0.0.3 ];",
        "        route 10.8.0.0/16 {",
        "            next-hop 10.0.0.4;",
        "            preference 7;",
        "        }",
        "    }",
        "    rib-groups {",
        "        RG {",
        "            import-rib inet.0;",
        "        }",
        "    }",
        "    autonomous-system 65001;",
        "}",
    )


def test_curly_inactive_and_annotations(schema, basic):
    for path in ("system host-name", "interfaces ge-0/0/1", "routing-options static route 10.8.0.0/16"):
        assert set_flag(basic, steps(schema, path), inactive=True)
    assert set_flag(basic, steps(schema, "interfaces ge-0/0/0"), annotation="uplink")
    assert set_flag(basic, steps(schema, "system services"), annotation="management access")
    assert set_flag(basic, steps(schema, "routing-options static route 0.0.0.0/0"), annotation="default route")
    text = curly_text(basic.root).splitlines()
    assert "    inactive: host-name r1;" in text
    assert "    inactive: ge-0/0/1 {" in text
    assert "        inactive: route 10.8.0.0/16 {" in text
    i = text.index("    ge-0/0/0 {")
    assert text[i - 1] == "    /* uplink */"
    i = text.index("    services {")
    assert text[i - 1] == "    /* management access */"
    # The comment of a list entry goes above its head.
    i = next(i for i, line in enumerate(text) if line.startswith("        route 0.0.0.0/0 "))
    assert text[i - 1] == "        /* default route */"


def test_curly_inactive_annotated_leaf(schema, basic):
    assert set_flag(basic, steps(schema, "system host-name"), inactive=True, annotation="temporary")
    text = curly_text(basic.root).splitlines()
    i = text.index("    inactive: host-name r1;")
    assert text[i - 1] == "    /* temporary */"


def test_secrets_hidden_from_viewers_without_permission(basic, schema):
    load_set(schema, 'set security ike policy P pre-shared-key ascii-text "$9$secret"', basic)
    shown = curly_text(basic.root)
    hidden = curly_text(basic.root, RenderOptions(secrets=False))
    assert '        encrypted-password "$6$abc$def"; ## SECRET-DATA' in shown.splitlines()
    assert "$6$abc$def" not in hidden and "$9$secret" not in hidden
    assert '        encrypted-password "/* SECRET-DATA */"; ## SECRET-DATA' in hidden.splitlines()
    assert '                ascii-text "/* SECRET-DATA */"; ## SECRET-DATA' in hidden.splitlines()
    # Only the secret lines differ.
    assert [a for a, b in zip(shown.splitlines(), hidden.splitlines(), strict=True) if a != b] == [
        '        encrypted-password "$6$abc$def"; ## SECRET-DATA',
        '                ascii-text "$9$secret"; ## SECRET-DATA',
    ]
    hidden_set = list(set_lines(basic.root, opts=RenderOptions(secrets=False)))
    assert 'set system root-authentication encrypted-password "/* SECRET-DATA */"' in hidden_set
    assert not any("$6$abc$def" in line for line in hidden_set)


def test_empty_tree_renders_nothing(schema):
    tree = load_set(schema, "")
    assert curly_text(tree.root) == ""
    assert list(set_lines(tree.root)) == []


def test_render_child_of_one_statement(schema, basic):
    from nos.config.edit import find

    route = find(basic.root, steps(schema, "routing-options static"))
    assert isinstance(route, Node)
    assert render_child(route) == [
        "static {",
        "    route 0.0.0.0/0 next-hop 10.0.0.254;",
        "    route 10.9.0.0/16 next-hop [ 10.0.0.2 10.0.0.3 ];",
        "    route 10.8.0.0/16 {",
        "        next-hop 10.0.0.4;",
        "        preference 7;",
        "    }",
        "}",
    ]
    host = find(basic.root, steps(schema, "system host-name"))
    assert render_child(host) == ["host-name r1;"]


@pytest.mark.parametrize(
    "value, shown",
    [
        ("plain", "plain"),
        ("10.0.0.1/24", "10.0.0.1/24"),
        ("ge-0/0/0.0", "ge-0/0/0.0"),
        ("<ge-*>", "<ge-*>"),
        ("two words", '"two words"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("a;b", '"a;b"'),
        ("", '""'),
    ],
)
def test_quote(value, shown):
    assert quote(value) == shown


# -- display set ------------------------------------------------------------------------------------


def test_display_set_golden(basic):
    assert list(set_lines(basic.root)) == [
        "set system host-name r1",
        'set system root-authentication encrypted-password "$6$abc$def"',
        "set system login class ops idle-timeout 10",
        "set system login class ops permissions view",
        "set system login class ops permissions view-configuration",
        "set system login user lab uid 2000",
        "set system login user lab class ops",
        "set system services ssh",
        "set system services telnet",
        "set interfaces traceoptions file trace",
        "set interfaces traceoptions file size 1m",
        "set interfaces traceoptions file files 3",
        'set interfaces ge-0/0/0 description "to ISP 1"',
        "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24",
        "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.2/24 primary",
        "set interfaces ge-0/0/1 disable",
        "set routing-options static route 0.0.0.0/0 next-hop 10.0.0.254",
        "set routing-options static route 10.9.0.0/16 next-hop 10.0.0.2",
        "set routing-options static route 10.9.0.0/16 next-hop 10.0.0.3",
        "set routing-options static route 10.8.0.0/16 next-hop 10.0.0.4",
        "set routing-options static route 10.8.0.0/16 preference 7",
        "set routing-options rib-groups RG import-rib inet.0",
        "set routing-options autonomous-system 65001",
    ]


def test_display_set_deactivate_reference(schema):
    """cli_pipe_count_find_deactivate__vsrx_24.4.txt: `deactivate` right after the lines it covers."""
    tree = load_set(
        schema,
        lines(
            "set groups node0 interfaces fxp0 unit 0 family inet address 192.168.50.210/24",
            "deactivate groups node0 interfaces fxp0 unit 0 family inet address 192.168.50.210/24",
            "set groups node1 system host-name b",
            "set security log stream promtail-syslog format sd-syslog",
            "set security log stream promtail-syslog host 192.168.99.4",
            "deactivate security log stream promtail-syslog",
            "set security log stream other severity info",
        ),
    )
    assert list(set_lines(tree.root)) == [
        "set groups node0 interfaces fxp0 unit 0 family inet address 192.168.50.210/24",
        "deactivate groups node0 interfaces fxp0 unit 0 family inet address 192.168.50.210/24",
        "set groups node1 system host-name b",
        "set security log stream promtail-syslog format sd-syslog",
        "set security log stream promtail-syslog host 192.168.99.4",
        "deactivate security log stream promtail-syslog",
        "set security log stream other severity info",
    ]


def test_display_set_deactivate_of_containers_leaves_and_empty_entries(schema):
    tree = load_set(
        schema,
        lines(
            "set system host-name r1",
            "set system services ssh",
            "set system services telnet",
            "deactivate system services",
            "deactivate system host-name",
            "set interfaces lo0 unit 0",
            "deactivate interfaces lo0 unit 0",
            "set routing-options rib-groups RG import-rib [ inet.0 X.inet.0 ]",
            "deactivate routing-options rib-groups RG import-rib",
        ),
    )
    assert list(set_lines(tree.root)) == [
        "set system host-name r1",
        "deactivate system host-name",
        "set system services ssh",
        "set system services telnet",
        "deactivate system services",
        "set interfaces lo0 unit 0",
        "deactivate interfaces lo0 unit 0",
        "set routing-options rib-groups RG import-rib inet.0",
        "set routing-options rib-groups RG import-rib X.inet.0",
        "deactivate routing-options rib-groups RG import-rib",
    ]


def test_display_set_with_prefix(schema, basic):
    from nos.config.edit import find

    static = find(basic.root, steps(schema, "routing-options static"))
    assert list(set_lines(static, "set"))[:2] == [
        "set route 0.0.0.0/0 next-hop 10.0.0.254",
        "set route 10.9.0.0/16 next-hop 10.0.0.2",
    ]


# -- json ------------------------------------------------------------------------------------------

JSON_ATTRS = {
    "junos:commit-seconds": "1771154457",
    "junos:commit-localtime": "2026-02-15 03:20:57 PST",
    "junos:commit-user": "ps",
}


def test_json_golden_layout(schema):
    tree = load_set(
        schema,
        lines(
            "set system host-name r1",
            "set system login class ops idle-timeout 10",
            "set system login class ops permissions [ view view-configuration ]",
            "set system services ssh",
            "set system services telnet",
            "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24",
            "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.2/24 primary",
        ),
    )
    assert json_lines(tree.root, JSON_ATTRS) == [
        "{",
        '    "configuration" : {',
        '        "@" : {',
        '            "junos:commit-seconds" : "1771154457",',
        '            "junos:commit-localtime" : "2026-02-15 03:20:57 PST",',
        '            "junos:commit-user" : "ps"',
        "        },",
        '        "system" : {',
        '            "host-name" : "r1",',
        '            "login" : {',
        '                "class" : [',
        "                {",
        '                    "name" : "ops",',
        '                    "idle-timeout" : 10,',
        '                    "permissions" : ["view", "view-configuration"]',
        "                }",
        "                ]",
        "            },",
        '            "services" : {',
        '                "ssh" : [null],',
        '                "telnet" : [null]',
        "            }",
        "        },",
        '        "interfaces" : {',
        '            "interface" : [',
        "            {",
        '                "name" : "ge-0/0/0",',
        '                "unit" : [',
        "                {",
        '                    "name" : 0,',
        '                    "family" : {',
        '                        "inet" : {',
        '                            "address" : [',
        "                            {",
        '                                "name" : "10.0.0.1/24"',
        "                            },",
        "                            {",
        '                                "name" : "10.0.0.2/24",',
        '                                "primary" : [null]',
        "                            }",
        "                            ]",
        "                        }",
        "                    }",
        "                }",
        "                ]",
        "            }",
        "            ]",
        "        }",
        "    }",
        "}",
    ]


def test_json_is_valid_json_for_a_rich_configuration(schema):
    tree = load_set(schema, RICH_SET)
    for path in ("system login", "system host-name"):
        assert set_flag(tree, steps(schema, path), annotation='say "x"')
    data = json.loads("\n".join(json_lines(tree.root, JSON_ATTRS)))
    config = data["configuration"]
    assert config["@"]["junos:commit-user"] == "ps"
    assert config["system"]["host-name"] == "srx-a"
    assert config["system"]["@host-name"] == {"comment": '/* say "x" */'}
    assert config["system"]["login"]["@"] == {"comment": '/* say "x" */'}
    assert config["routing-options"]["autonomous-system"]["as-number"] == 65001
    units = config["interfaces"]["interface"][0]["unit"]
    assert [u["name"] for u in units] == [100, 200]
    assert units[0]["vlan-id"] == 100
    policy = config["security"]["policies"]["from-zone"][0]["policy"][0]
    assert policy["@"] == {"inactive": True}
    assert policy["then"]["permit"] == [None]


def test_json_inactive_leaf_and_entry(schema):
    tree = load_set(
        schema,
        lines(
            "set system host-name r1",
            "deactivate system host-name",
            "set interfaces lo0 unit 0",
            "deactivate interfaces lo0",
        ),
    )
    data = json.loads("\n".join(json_lines(tree.root)))["configuration"]
    assert data["system"] == {"host-name": "r1", "@host-name": {"inactive": True}}
    assert data["interfaces"]["interface"][0]["@"] == {"inactive": True}
    assert "@" not in data  # no commit attributes asked for


def test_json_reference_ntp_servers(schema):
    tree = load_set(schema, lines("set system ntp server 2001:559:8585:ffff::4", "set system ntp server 192.168.99.4"))
    assert json_lines(tree.root, JSON_ATTRS) == [
        "{",
        '    "configuration" : {',
        '        "@" : {',
        '            "junos:commit-seconds" : "1771154457",',
        '            "junos:commit-localtime" : "2026-02-15 03:20:57 PST",',
        '            "junos:commit-user" : "ps"',
        "        },",
        '        "system" : {',
        '            "ntp" : {',
        '                "server" : [',
        "                {",
        '                    "name" : "2001:559:8585:ffff::4"',
        "                },",
        "                {",
        '                    "name" : "192.168.99.4"',
        "                }",
        "                ]",
        "            }",
        "        }",
        "    }",
        "}",
    ]


# -- max-depth ------------------------------------------------------------------------------------

MAX_DEPTH = lines(
    "set version 24.4R1-S2.9",
    "set groups node0 system host-name a",
    "set groups node1 system host-name b",
    'set system root-authentication encrypted-password "$6$x"',
    "set system login user u class super-user",
    "set system services ssh",
    "set system time-zone America/Los_Angeles",
    "set security log stream promtail-syslog host 10.0.0.1",
    "set security log stream promtail-syslog format sd-syslog",
    "deactivate security log stream promtail-syslog",
)


def test_max_depth_collapses_blocks_with_ellipsis(schema):
    tree = load_set(schema, MAX_DEPTH)
    full = curly_text(tree.root)
    outputs = [curly_text(tree.root, RenderOptions(max_depth=d)) for d in range(1, 8)]
    # Some depth shows the reference line of cli_pipe_count_find_deactivate__vsrx_24.4.txt.
    assert any("        inactive: stream promtail-syslog { ... }" in out.splitlines() for out in outputs)
    # Each depth shows at least as much as the one before; deep enough shows everything.
    sizes = [len(out.splitlines()) for out in outputs]
    assert sizes == sorted(sizes)
    assert outputs[-1] == full
    # Leaves are never collapsed, only blocks; every depth starts with the version line.
    for out in outputs:
        assert out.splitlines()[0] == "version 24.4R1-S2.9;"
        assert all(line.endswith(("{", "}", ";", "{ ... }", "; ## SECRET-DATA")) for line in out.splitlines())


def test_max_depth_one_reference(schema):
    tree = load_set(schema, MAX_DEPTH)
    assert curly_text(tree.root, RenderOptions(max_depth=1)) == lines(
        "version 24.4R1-S2.9;",
        "groups {",
        "    node0 { ... }",
        "    node1 { ... }",
        "}",
        "system {",
        "    time-zone America/Los_Angeles;",
        "    root-authentication { ... }",
        "    login { ... }",
        "    services { ... }",
        "}",
        "security {",
        "    log { ... }",
        "}",
    )
