"""Schema of the SRX stanzas: security, access, applications.

Loads every `set security` / `set access` line of seed 001 (MultiNode HA with
remote-access and site-to-site VPNs), checks the curly text of a few stanzas
against what Junos prints, round trips both formats and refuses values Junos
refuses.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nos.config.edit import find
from nos.config.load import parse_curly, parse_set
from nos.config.path import walk
from nos.config.render import RenderOptions, block_lines, curly_text, set_lines
from nos.config.tree import ConfigTree, Node
from nos.config.validate import check_config
from nos.schema.compile import compile_grammar

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "001_3bccfd6a440ddfff.txt"
BAD_SEED_LINE = "set access radius-server 192.168.99.100 source-address X.X.X.X"


@pytest.fixture(scope="module")
def schema():
    return compile_grammar()


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    if not SEED.exists():
        pytest.skip(f"seed file {SEED} is absent")
    return [line.rstrip() for line in SEED.read_text().splitlines() if re.match(r"set (security|access) ", line)]


@pytest.fixture(scope="module")
def seed_tree(schema, seed_lines) -> ConfigTree:
    tree = ConfigTree(schema.root)
    parse_set(tree, "\n".join(seed_lines))
    return tree


def load(schema, text: str) -> tuple[ConfigTree, list[str]]:
    tree = ConfigTree(schema.root)
    report = parse_set(tree, text)
    return tree, report.messages


def loaded(schema, text: str) -> ConfigTree:
    tree, messages = load(schema, text)
    assert messages == []
    return tree


def show(schema, tree: ConfigTree, path: str) -> str:
    """The statement at `path` (a container or one list entry) as `show configuration <path>` frames it."""
    steps = walk(schema.root, path.split(), values=False)
    node = find(tree.root, steps)
    assert isinstance(node, Node), path
    head = " ".join(steps[-1].words())
    return "".join(line + "\n" for line in block_lines(head, node, RenderOptions(), "", 0))


def assert_round_trips(schema, tree: ConfigTree) -> None:
    text = curly_text(tree.root)
    again = ConfigTree(schema.root)
    assert parse_curly(again, text).messages == []
    assert curly_text(again.root) == text
    lines = "\n".join(set_lines(tree.root))
    from_set = ConfigTree(schema.root)
    assert parse_set(from_set, lines).messages == []
    assert "\n".join(set_lines(from_set.root)) == lines
    assert curly_text(from_set.root) == text


# -- seed 001 --------------------------------------------------------------------------------


def test_seed_lines_load_except_the_placeholder_address(schema, seed_lines):
    assert BAD_SEED_LINE in seed_lines
    tree = ConfigTree(schema.root)
    report = parse_set(tree, "\n".join(seed_lines))
    assert report.errors == 1
    assert len(report.messages) == 1
    bad_lineno = seed_lines.index(BAD_SEED_LINE) + 1
    assert report.messages[0].startswith(f"terminal:{bad_lineno}:")
    assert report.messages[0].endswith("syntax error: X.X.X.X")


def test_seed_lines_load_one_by_one(schema, seed_lines):
    for line in seed_lines:
        _, messages = load(schema, line)
        assert (messages != []) == (line == BAD_SEED_LINE), line


def test_seed_round_trips(schema, seed_tree):
    assert_round_trips(schema, seed_tree)


def test_seed_zone(schema, seed_tree):
    assert show(schema, seed_tree, "security zones security-zone EXT") == (
        "security-zone EXT {\n"
        "    interfaces {\n"
        "        ge-0/0/4.0;\n"
        "        lo0.10;\n"
        "        ge-0/0/1.0;\n"
        "        ge-0/0/2.0;\n"
        "    }\n"
        "}\n"
    )
    assert show(schema, seed_tree, "security zones functional-zone") == "functional-zone {\n    management;\n}\n"


def test_seed_policy(schema, seed_tree):
    assert show(schema, seed_tree, "security policies from-zone XXX to-zone YYY") == (
        "from-zone XXX to-zone YYY {\n"
        "    policy POL-NAME {\n"
        "        match {\n"
        "            source-address any;\n"
        "            destination-address any;\n"
        "            application any;\n"
        "        }\n"
        "        then {\n"
        "            permit;\n"
        "            log {\n"
        "                session-init;\n"
        "            }\n"
        "            count;\n"
        "        }\n"
        "    }\n"
        "}\n"
    )
    assert show(schema, seed_tree, "security policies from-zone EXT to-zone EXT policy IKE-ESP match") == (
        "match {\n"
        "    source-address H10.177.177.77;\n"
        "    destination-address H10.165.251.200;\n"
        "    application [ junos-ike ESP ];\n"
        "}\n"
    )


def test_seed_ike_gateway(schema, seed_tree):
    assert show(schema, seed_tree, "security ike gateway MNHA-RA-VPN") == (
        "gateway MNHA-RA-VPN {\n"
        "    ike-policy MNHA-RA-VPN;\n"
        "    dynamic {\n"
        "        hostname client.ra-vpn.winlab.local;\n"
        "        connections-limit 25;\n"
        "        ike-user-type group-ike-id;\n"
        "    }\n"
        "    dead-peer-detection {\n"
        "        optimized;\n"
        "        interval 10;\n"
        "        threshold 5;\n"
        "    }\n"
        "    nat-keepalive 10;\n"
        "    local-identity {\n"
        "        inet 203.0.113.100;\n"
        "    }\n"
        "    external-interface lo0.10;\n"
        "    local-address 203.0.113.100;\n"
        "    aaa {\n"
        "        access-profile USER-AUTH;\n"
        "    }\n"
        "    version v2-only;\n"
        "    tcp-encap-profile SSL-RA-VPN-PROF;\n"
        "}\n"
    )


def test_seed_ike_policy_secret(schema, seed_tree):
    assert show(schema, seed_tree, "security ike policy IKE-POLICY") == (
        "policy IKE-POLICY {\n"
        "    pre-shared-key {\n"
        '        ascii-text "$9$vSV8xd24Zk.5bs.5QFAtM8X"; ## SECRET-DATA\n'
        "    }\n"
        "}\n"
    )
    assert show(schema, seed_tree, "security ike policy MNHA-RA-VPN") == (
        "policy MNHA-RA-VPN {\n"
        "    proposals IKE-PROP-CERT;\n"
        "    certificate {\n"
        "        local-certificate MNHA-RA-VPN;\n"
        "        trusted-ca {\n"
        "            ca-profile WINLAB-DC1_1;\n"
        "        }\n"
        "    }\n"
        "}\n"
    )


def test_seed_ipsec_vpn(schema, seed_tree):
    assert show(schema, seed_tree, "security ipsec vpn VPN-1") == (
        "vpn VPN-1 {\n"
        "    bind-interface st0.200;\n"
        "    ike {\n"
        "        gateway IKE-GW-VPN-1;\n"
        "        ipsec-policy IPSEC-POLICY;\n"
        "    }\n"
        "    traffic-selector 192.168.252.0_192.168.249.0 {\n"
        "        local-ip 192.168.252.0/24;\n"
        "        remote-ip 192.168.249.0/24;\n"
        "    }\n"
        "    traffic-selector 192.168.97.0_192.168.249.0 {\n"
        "        local-ip 192.168.97.0/24;\n"
        "        remote-ip 192.168.249.0/24;\n"
        "    }\n"
        "    establish-tunnels immediately;\n"
        "}\n"
    )


def test_seed_remote_access_client_config(schema, seed_tree):
    assert show(schema, seed_tree, "security remote-access client-config JCS-RAS-VPN") == (
        "client-config JCS-RAS-VPN {\n"
        "    connection-mode manual;\n"
        "    dead-peer-detection {\n"
        "        interval 60;\n"
        "        threshold 5;\n"
        "    }\n"
        "    no-eap-tls;\n"
        "    certificate {\n"
        "        no-pin-request-per-connection;\n"
        "        warn-before-expiry 60;\n"
        "    }\n"
        "    credentials {\n"
        "        password;\n"
        "    }\n"
        "}\n"
    )


def test_seed_radius_server(schema, seed_tree):
    assert show(schema, seed_tree, "access radius-server 192.168.99.100") == (
        "radius-server 192.168.99.100 {\n"
        "    port 1812;\n"
        "    accounting-port 1813;\n"
        '    secret "$9$n/FVCAuSyK8xdApK87Vg4TzF6tuOBIEhS"; ## SECRET-DATA\n'
        "    timeout 2;\n"
        "    retry 3;\n"
        "}\n"
    )


def test_seed_address_pool(schema, seed_tree):
    # The second `network` line of the seed replaces the first.
    assert show(schema, seed_tree, "access address-assignment pool 192_168_4_0-24") == (
        "pool 192_168_4_0-24 {\n"
        "    family inet {\n"
        "        network 192.168.4.0/25;\n"
        "        xauth-attributes {\n"
        "            primary-dns 192.168.99.100/32;\n"
        "            secondary-dns 8.8.8.8/32;\n"
        "        }\n"
        "    }\n"
        "}\n"
    )


REPLACED_SEED_LINE = "set access address-assignment pool 192_168_4_0-24 family inet network 192.168.4.0/24"


def test_seed_set_lines_keep_the_seed_statements(seed_lines, seed_tree):
    produced = set(set_lines(seed_tree.root))
    assert REPLACED_SEED_LINE not in produced  # a later `network` line replaces it
    for line in seed_lines:
        if line not in (BAD_SEED_LINE, REPLACED_SEED_LINE):
            assert line in produced, line


# -- other statements -----------------------------------------------------------------------

NAT = """\
set security nat source pool SP1 address 203.0.113.1/32 to 203.0.113.24/32
set security nat source pool SP1 address 203.0.113.100/32
set security nat source rule-set RS1 from zone trust
set security nat source rule-set RS1 to zone untrust
set security nat source rule-set RS1 rule R1 match source-address 192.168.1.0/24
set security nat source rule-set RS1 rule R1 match destination-port 80
set security nat source rule-set RS1 rule R1 match destination-port 1024 to 2048
set security nat source rule-set RS1 rule R1 then source-nat pool SP1
set security nat source rule-set RS1 rule R2 match source-address 192.168.2.0/24
set security nat source rule-set RS1 rule R2 then source-nat interface
set security nat destination pool DP1 address 192.168.1.200/32 port 8000
set security nat destination rule-set DRS from zone untrust
set security nat destination rule-set DRS rule D1 match destination-address 203.0.113.200/32
set security nat destination rule-set DRS rule D1 then destination-nat pool DP1
set security nat static rule-set SRS from zone untrust
set security nat static rule-set SRS rule S1 match destination-address 203.0.113.50/32
set security nat static rule-set SRS rule S1 then static-nat prefix 192.168.1.50/32
set security nat proxy-arp interface ge-0/0/0.0 address 203.0.113.1/32 to 203.0.113.24/32
"""


def test_nat(schema):
    tree = loaded(schema, NAT)
    assert show(schema, tree, "security nat source pool SP1") == (
        "pool SP1 {\n    address {\n        203.0.113.1/32 to 203.0.113.24/32;\n        203.0.113.100/32;\n    }\n}\n"
    )
    assert show(schema, tree, "security nat source rule-set RS1 rule R1") == (
        "rule R1 {\n"
        "    match {\n"
        "        source-address 192.168.1.0/24;\n"
        "        destination-port {\n"
        "            80;\n"
        "            1024 to 2048;\n"
        "        }\n"
        "    }\n"
        "    then {\n"
        "        source-nat {\n"
        "            pool {\n"
        "                SP1;\n"
        "            }\n"
        "        }\n"
        "    }\n"
        "}\n"
    )
    assert show(schema, tree, "security nat destination pool DP1") == (
        "pool DP1 {\n    address 192.168.1.200/32 port 8000;\n}\n"
    )
    assert "set security nat destination pool DP1 address port 8000" in set(set_lines(tree.root))
    assert_round_trips(schema, tree)


def test_nat_rules_keep_user_order(schema):
    tree = loaded(schema, NAT)
    steps = walk(schema.root, ["security", "nat", "source", "rule-set", "RS1", "rule"], values=False)
    assert list(find(tree.root, steps).entries) == [("R1",), ("R2",)]


ZONES_AND_POLICIES = """\
set security address-book global address H10.1.1.1 10.1.1.1/32
set security address-book global address WEB dns-name www.example.com
set security address-book global address RNG range-address 10.0.0.1 to 10.0.0.9
set security address-book global address-set SET1 address H10.1.1.1
set security address-book global address-set SET1 address WEB
set security zones security-zone trust host-inbound-traffic system-services all
set security zones security-zone trust host-inbound-traffic system-services ssh except
set security zones security-zone trust host-inbound-traffic protocols ospf
set security zones security-zone trust interfaces ge-0/0/1.0 host-inbound-traffic system-services ping
set security zones security-zone untrust interfaces ge-0/0/0.0
set security policies from-zone trust to-zone untrust policy P1 match source-address [ SET1 H10.1.1.1 ]
set security policies from-zone trust to-zone untrust policy P1 match destination-address any
set security policies from-zone trust to-zone untrust policy P1 match application junos-http
set security policies from-zone trust to-zone untrust policy P1 then permit
set security policies from-zone trust to-zone untrust policy P0 match source-address any
set security policies from-zone trust to-zone untrust policy P0 match destination-address any
set security policies from-zone trust to-zone untrust policy P0 match application any
set security policies from-zone trust to-zone untrust policy P0 then deny
set security policies default-policy deny-all
"""


def test_address_book(schema):
    tree = loaded(
        schema,
        ZONES_AND_POLICIES
        + 'set security address-book global address DESC description "web server"\n'
        + "set security address-book global address DESC 10.9.9.9/32\n",
    )
    text = show(schema, tree, "security address-book global")
    assert text.startswith("address-book global {\n    address H10.1.1.1 10.1.1.1/32;\n")
    assert '    address DESC {\n        description "web server";\n        10.9.9.9/32;\n    }\n' in text
    assert "    address-set SET1 {\n        address H10.1.1.1;\n        address WEB;\n    }\n" in text
    lines = set(set_lines(tree.root))
    assert "set security address-book global address WEB dns-name www.example.com" in lines
    assert "set security address-book global address RNG range-address 10.0.0.1 to 10.0.0.9" in lines
    assert_round_trips(schema, tree)


def test_host_inbound_traffic(schema):
    tree = loaded(schema, ZONES_AND_POLICIES)
    assert show(schema, tree, "security zones security-zone trust") == (
        "security-zone trust {\n"
        "    host-inbound-traffic {\n"
        "        system-services {\n"
        "            all;\n"
        "            ssh {\n"
        "                except;\n"
        "            }\n"
        "        }\n"
        "        protocols {\n"
        "            ospf;\n"
        "        }\n"
        "    }\n"
        "    interfaces {\n"
        "        ge-0/0/1.0 {\n"
        "            host-inbound-traffic {\n"
        "                system-services {\n"
        "                    ping;\n"
        "                }\n"
        "            }\n"
        "        }\n"
        "    }\n"
        "}\n"
    )
    assert_round_trips(schema, tree)


def test_policy_actions_exclude_each_other_and_keep_order(schema):
    tree = loaded(
        schema, ZONES_AND_POLICIES + "set security policies from-zone trust to-zone untrust policy P0 then permit\n"
    )
    text = show(schema, tree, "security policies from-zone trust to-zone untrust")
    assert text.index("policy P1") < text.index("policy P0")
    assert "deny;" not in text
    assert show(schema, tree, "security policies from-zone trust to-zone untrust policy P1 match") == (
        "match {\n"
        "    source-address [ SET1 H10.1.1.1 ];\n"
        "    destination-address any;\n"
        "    application junos-http;\n"
        "}\n"
    )
    assert show(schema, tree, "security policies default-policy") == "default-policy {\n    deny-all;\n}\n"


def test_applications(schema):
    tree = loaded(
        schema,
        "set applications application ESP protocol esp\n"
        "set applications application TCP-8080 protocol tcp\n"
        "set applications application TCP-8080 destination-port 8080\n"
        "set applications application-set WEB application junos-http\n"
        "set applications application-set WEB application junos-https\n",
    )
    assert curly_text(tree.root) == (
        "applications {\n"
        "    application ESP {\n"
        "        protocol esp;\n"
        "    }\n"
        "    application TCP-8080 {\n"
        "        protocol tcp;\n"
        "        destination-port 8080;\n"
        "    }\n"
        "    application-set WEB {\n"
        "        application junos-http;\n"
        "        application junos-https;\n"
        "    }\n"
        "}\n"
    )
    assert_round_trips(schema, tree)


def test_access_profile(schema):
    tree = loaded(
        schema,
        "set access profile P1 authentication-order [ radius password ]\n"
        'set access profile P1 client alice firewall-user password "$9$xyz"\n'
        "set access profile P1 address-assignment pool POOL1\n"
        "set access profile P1 radius authentication-server 192.168.99.100\n",
    )
    assert show(schema, tree, "access profile P1") == (
        "profile P1 {\n"
        "    authentication-order [ radius password ];\n"
        "    client alice {\n"
        "        firewall-user {\n"
        '            password "$9$xyz"; ## SECRET-DATA\n'
        "        }\n"
        "    }\n"
        "    address-assignment {\n"
        "        pool POOL1;\n"
        "    }\n"
        "    radius {\n"
        "        authentication-server 192.168.99.100;\n"
        "    }\n"
        "}\n"
    )


def test_dead_peer_detection_modes_exclude_each_other(schema):
    tree = loaded(
        schema,
        "set security ike gateway G dead-peer-detection always-send\n"
        "set security ike gateway G dead-peer-detection optimized\n",
    )
    assert (
        show(schema, tree, "security ike gateway G dead-peer-detection") == "dead-peer-detection {\n    optimized;\n}\n"
    )


# -- refused values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "bad"),
    [
        ("set security ike proposal P dh-group group99", "group99"),
        ("set security ike proposal P lifetime-seconds 10", "10"),
        ("set security ike proposal P encryption-algorithm aes-512-cbc", "aes-512-cbc"),
        ("set security ike gateway G dead-peer-detection threshold 9", "9"),
        ("set security ike gateway G dead-peer-detection interval 61", "61"),
        ("set security ike gateway G nat-keepalive 0", "0"),
        ("set security ike gateway G version v3-only", "v3-only"),
        ("set security ipsec proposal P lifetime-seconds 10", "10"),
        ("set security ipsec proposal P protocol gre", "gre"),
        ("set security ipsec vpn V df-bit maybe", "maybe"),
        ("set security ipsec vpn V establish-tunnels sometimes", "sometimes"),
        ("set security zones security-zone Z interfaces not-an-interface", "not-an-interface"),
        ("set security zones security-zone Z host-inbound-traffic system-services bogus", "bogus"),
        ("set security nat source pool P address 1.1.1.1/33", "1.1.1.1/33"),
        ("set security policies from-zone A policy P then permit", "policy"),
        ("set security remote-access client-config C dead-peer-detection threshold 6", "6"),
        ("set access radius-server 192.168.99.100 source-address X.X.X.X", "X.X.X.X"),
        ("set access radius-server 192.168.99.100 timeout 0", "0"),
        ("set access radius-server not-an-address port 1812", "not-an-address"),
    ],
)
def test_refused(schema, line, bad):
    tree, messages = load(schema, line)
    assert len(messages) == 1, messages
    assert bad in messages[0]
    assert not any(bad in text.split() for text in set_lines(tree.root))


def test_refused_messages(schema):
    _, messages = load(
        schema,
        "set security ike proposal P dh-group group99\n"
        "set security ike gateway G dead-peer-detection threshold 9\n"
        "set security ike proposal P lifetime-seconds 10\n",
    )
    assert messages == [
        "terminal:1:(37) syntax error: group99",
        "terminal:2:(57) number: '9': Value must be a number from 1 to 5 at '9'",
        "terminal:3:(45) number: '10': Value must be a number from 180 to 86400 at '10'",
    ]


# -- commit checks that come from the schema ------------------------------------------------------


def test_references_and_unique_zone_interfaces(schema):
    tree = loaded(
        schema,
        "set security zones security-zone A interfaces ge-0/0/0.0\n"
        "set security zones security-zone B interfaces ge-0/0/0.0\n"
        "set security ike gateway G ike-policy NOPE\n"
        "set security ike gateway G external-interface ge-0/0/0.0\n"
        "set security ipsec vpn V ike gateway G\n"
        "set security policies from-zone A to-zone B policy P then permit tunnel ipsec-vpn MISSING-VPN\n",
    )
    messages = [" ".join(e.lines()) for e in check_config(tree.root, schema)]
    assert any("ge-0/0/0.0" in m and "security-zone B" in m for m in messages), messages
    assert any("'NOPE'" in m for m in messages), messages
    assert any("'MISSING-VPN'" in m for m in messages), messages
    assert not any("'G'" in m for m in messages), messages
    assert not any("'A'" in m or "'B'" in m for m in messages if "Referenced" in m), messages


def test_mandatory_gateway_statements(schema):
    tree = loaded(schema, "set security ike gateway G address 1.1.1.1\n")
    messages = [" ".join(e.lines()) for e in check_config(tree.root, schema)]
    assert any("'ike-policy'" in m for m in messages), messages
    assert any("'external-interface'" in m for m in messages), messages


def test_zone_interfaces_get_unit_zero(schema):
    tree = loaded(schema, "set security zones security-zone untrust interfaces ge-0/0/0\n")
    assert show(schema, tree, "security zones security-zone untrust") == (
        "security-zone untrust {\n    interfaces {\n        ge-0/0/0.0;\n    }\n}\n"
    )


def test_application_terms_fold(schema):
    tree = loaded(schema, "set applications application FTP2 term t1 alg ftp protocol tcp destination-port 21\n")
    assert show(schema, tree, "applications application FTP2") == (
        "application FTP2 {\n    term t1 alg ftp protocol tcp destination-port 21;\n}\n"
    )
    assert_round_trips(schema, tree)


def test_refused_leaf_list_over_max_leaves_tree_unchanged(schema):
    tree, messages = load(
        schema, "set security ike gateway G address [ 1.1.1.1 1.1.1.2 1.1.1.3 1.1.1.4 1.1.1.5 1.1.1.6 ]"
    )
    assert messages == ["terminal:1:(0) error: number of elements exceeds the limit (5)"]
    assert "1.1.1.6" not in curly_text(tree.root)
