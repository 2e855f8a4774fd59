"""Statements found in field configurations (SRX cluster and branch files) load verbatim, in the
curly and the set form, pass the commit checks and are shown back the way Junos prints them."""

from __future__ import annotations

import pytest

from nos.config.groups import expand
from nos.config.load import parse_curly, parse_set
from nos.config.render import curly_text, set_lines
from nos.config.tree import ConfigTree
from nos.config.validate import check_config

from .cfgutil import lines, load_curly, load_set

ROOT_AUTH = 'set system root-authentication encrypted-password "$6$x"\n'

# (curly text as `show configuration` prints it, the same as `| display set`)
CASES = {
    "license": (
        lines(
            "system {",
            "    license {",
            "        autoupdate {",
            "            url https://ae1.juniper.net/junos/key_retrieval;",
            "        }",
            "        renew {",
            "            before-expiration 30;",
            "            interval 24;",
            "        }",
            "    }",
            "}",
        ),
        lines(
            "set system license autoupdate url https://ae1.juniper.net/junos/key_retrieval",
            "set system license renew before-expiration 30",
            "set system license renew interval 24",
        ),
    ),
    "web-management": (
        lines(
            "system {",
            "    services {",
            "        web-management {",
            "            http {",
            "                port 8080;",
            "                interface fxp0.0;",
            "            }",
            "            https {",
            "                port 8443;",
            "                interface fxp0.0;",
            "                system-generated-certificate;",
            "            }",
            "            session {",
            "                idle-timeout 30;",
            "                session-limit 7;",
            "            }",
            "        }",
            "    }",
            "}",
            "interfaces {",
            "    fxp0 {",
            "        unit 0 {",
            "            family inet {",
            "                address 192.0.2.10/24;",
            "            }",
            "        }",
            "    }",
            "}",
        ),
        lines(
            "set system services web-management http port 8080",
            "set system services web-management http interface fxp0.0",
            "set system services web-management https port 8443",
            "set system services web-management https interface fxp0.0",
            "set system services web-management https system-generated-certificate",
            "set system services web-management session idle-timeout 30",
            "set system services web-management session session-limit 7",
            "set interfaces fxp0 unit 0 family inet address 192.0.2.10/24",
        ),
    ),
    "dns": (
        lines(
            "system {",
            "    services {",
            "        dns {",
            "            dns-proxy {",
            "                interface ge-0/0/1.0;",
            "                default-domain * {",
            "                    forwarders {",
            "                        8.8.8.8;",
            "                        1.1.1.1;",
            "                    }",
            "                }",
            "            }",
            "            forwarders {",
            "                9.9.9.9;",
            "            }",
            "        }",
            "    }",
            "}",
        ),
        lines(
            "set system services dns dns-proxy interface ge-0/0/1.0",
            "set system services dns dns-proxy default-domain * forwarders 8.8.8.8",
            "set system services dns dns-proxy default-domain * forwarders 1.1.1.1",
            "set system services dns forwarders 9.9.9.9",
        ),
    ),
    "backup-router": (
        lines(
            "groups {",
            "    node0 {",
            "        system {",
            "            host-name fw-a;",
            "            backup-router 10.0.0.1 destination 10.10.0.0/16;",
            "        }",
            "    }",
            "    node1 {",
            "        system {",
            "            host-name fw-b;",
            "            backup-router 10.0.0.2 destination [ 10.10.0.0/16 10.20.0.0/16 ];",
            "        }",
            "    }",
            "}",
            "apply-groups node0;",
        ),
        lines(
            "set groups node0 system host-name fw-a",
            "set groups node0 system backup-router 10.0.0.1 destination 10.10.0.0/16",
            "set groups node1 system host-name fw-b",
            "set groups node1 system backup-router 10.0.0.2 destination 10.10.0.0/16",
            "set groups node1 system backup-router 10.0.0.2 destination 10.20.0.0/16",
            "set apply-groups node0",
        ),
    ),
}

# Lists Junos prints as one block of entries (schema attribute `grouped`). They load in that form,
# print back the same, keep one set line and one XML element per entry.
GROUPED = {
    "name-server": (
        lines(
            "system {",
            "    name-server {",
            "        8.8.8.8;",
            "        1.1.1.1;",
            "    }",
            "}",
        ),
        lines("set system name-server 8.8.8.8", "set system name-server 1.1.1.1"),
    ),
    "address-book": (
        lines(
            "security {",
            "    address-book {",
            "        global {",
            "            address A 1.2.3.4/32;",
            "            address-set S {",
            "                address A;",
            "            }",
            "        }",
            "    }",
            "}",
        ),
        lines(
            "set security address-book global address A 1.2.3.4/32",
            "set security address-book global address-set S address A",
        ),
    ),
}


def _check(schema, tree: ConfigTree) -> list[str]:
    load_set(schema, ROOT_AUTH, tree)
    return [line for e in check_config(expand(tree.root), schema) for line in e.lines()]


@pytest.mark.parametrize("name", sorted(CASES))
def test_curly_form_loads_commits_and_renders_back(schema, name):
    curly, as_set = CASES[name]
    tree = load_curly(schema, curly)
    assert curly_text(tree.root) == curly
    assert set_lines(tree.root) == as_set.splitlines()
    assert _check(schema, tree) == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_set_form_loads_commits_and_renders_back(schema, name):
    curly, as_set = CASES[name]
    tree = load_set(schema, as_set)
    assert curly_text(tree.root) == curly
    assert _check(schema, tree) == []


@pytest.mark.parametrize("name", sorted(GROUPED))
def test_lists_in_their_block_form_load_as_their_entries(schema, name):
    curly, as_set = GROUPED[name]
    tree = load_curly(schema, curly)
    assert set_lines(tree.root) == as_set.splitlines()
    assert curly_text(tree.root) == curly
    assert curly_text(load_set(schema, as_set).root) == curly
    assert _check(schema, tree) == []


def test_name_server_keeps_its_routing_instance(schema):
    tree = load_set(schema, "set system name-server 8.8.8.8 routing-instance mgmt_junos\n")
    assert "        8.8.8.8 routing-instance mgmt_junos;" in curly_text(tree.root).splitlines()


def test_interface_unit_shorthand_in_set_lines(schema):
    tree = load_set(
        schema,
        lines(
            "set interfaces st0.1 family inet",
            "set interfaces st0.2 family inet address 10.0.0.1/30",
            "set interfaces st0.2 description tunnel",
            "set security zones security-zone VPN interfaces st0.1",
            "edit interfaces",
            "set ge-0/0/0.0 family inet address 192.0.2.1/24",
        ),
    )
    assert set_lines(tree.root) == [
        "set security zones security-zone VPN interfaces st0.1",
        "set interfaces st0 unit 1 family inet",
        "set interfaces st0 unit 2 description tunnel",
        "set interfaces st0 unit 2 family inet address 10.0.0.1/30",
        "set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24",
    ]
    assert _check(schema, tree) == []


def test_a_name_that_is_not_interface_dot_unit_is_refused(schema):
    report = parse_set(ConfigTree(schema.root), "set interfaces st0.x family inet\n")
    assert report.messages == ["terminal:1:(15) syntax error: st0.x"]


def test_grouped_leaf_list_loads_in_curly_form(schema):
    text = lines(
        "firewall {",
        "    family inet {",
        "        filter F {",
        "            term t {",
        "                from {",
        "                    source-prefix-list {",
        "                        PL1;",
        "                        PL2;",
        "                    }",
        "                }",
        "                then accept;",
        "            }",
        "        }",
        "    }",
        "}",
    )
    tree = load_curly(schema, text)
    assert [x for x in set_lines(tree.root) if "prefix-list" in x] == [
        "set firewall family inet filter F term t from source-prefix-list PL1",
        "set firewall family inet filter F term t from source-prefix-list PL2",
    ]
    assert curly_text(tree.root) == text


def test_bad_entry_in_a_grouped_list_is_reported_as_written(schema):
    tree = ConfigTree(schema.root)
    report = parse_curly(tree, lines("system {", "    name-server {", "        8.8.8.8;", "        foo;", "    }", "}"))
    assert report.errors == 1
    assert "    'foo;'" in report.messages
    assert set_lines(tree.root) == ["set system name-server 8.8.8.8"]
