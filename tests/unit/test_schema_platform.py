"""Schema of the platform stanzas: interfaces, chassis (cluster and MNHA), services, snmp.

Loads the `set interfaces` / `set chassis` lines of seed 001 (MultiNode HA pair),
the RPM / ip-monitoring example of seed 000 and the ipsec-vpn statements of seed
004, checks the curly text against what Junos prints, round trips both formats
and refuses values Junos refuses.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nos.config.load import parse_curly, parse_set
from nos.config.render import curly_text, set_lines
from nos.config.tree import ConfigTree
from nos.schema.compile import compile_grammar

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED_MNHA = SEEDS / "001_3bccfd6a440ddfff.txt"
BAD_SEED_LINE = "set interfaces ge-0/0/4 unit 0 description EXTRANET _RTR-A"


@pytest.fixture(scope="module")
def schema():
    return compile_grammar()


def load(schema, text: str) -> tuple[ConfigTree, list[str]]:
    tree = ConfigTree(schema.root)
    report = parse_set(tree, text)
    return tree, report.messages


def loaded(schema, text: str) -> ConfigTree:
    tree, messages = load(schema, text)
    assert messages == []
    return tree


def round_trips(schema, tree: ConfigTree) -> None:
    """curly -> parse -> curly, and set lines -> parse_set -> same configuration."""
    text = curly_text(tree.root)
    again = ConfigTree(schema.root)
    assert parse_curly(again, text).messages == []
    assert curly_text(again.root) == text
    lines = list(set_lines(tree.root))
    from_set = loaded(schema, "\n".join(lines))
    assert list(set_lines(from_set.root)) == lines
    assert curly_text(from_set.root) == text


def seed_lines() -> list[str]:
    if not SEED_MNHA.exists():
        pytest.skip("seed documents not available")
    text = SEED_MNHA.read_text()
    return [m.group(0).rstrip() for m in re.finditer(r"^set (?:interfaces|chassis) .*$", text, re.MULTILINE)]


# -- seed 001: MultiNode HA pair ---------------------------------------------------------------


def test_seed_interfaces_and_chassis_load(schema):
    lines = seed_lines()
    assert len(lines) > 100
    good = [line for line in lines if line != BAD_SEED_LINE]
    assert len(good) == len(lines) - 1
    tree = loaded(schema, "\n".join(good))
    text = curly_text(tree.root)
    assert "    local-id {\n            2;\n            local-ip 100.64.0.10;\n" in text
    assert "prefix-list IKE-GW-RA-VPN routing-instance PROD;" in text
    assert "address 10.165.251.200/32;" in text
    round_trips(schema, tree)


def test_seed_unquoted_description_is_a_syntax_error(schema):
    seed_lines()  # skip with the others when the seeds are absent
    _, messages = load(schema, BAD_SEED_LINE)
    assert messages == ["terminal:1:(52) syntax error: _RTR-A"]


def test_several_addresses_on_one_unit_keep_host_bits(schema):
    tree = loaded(
        schema,
        "set interfaces lo0 unit 10 family inet address 10.165.251.200/32\n"
        "set interfaces lo0 unit 10 family inet address 10.13.13.13/32\n"
        "set interfaces ge-0/0/0 unit 0 family inet address 192.168.252.9/24\n"
        "set interfaces ge-0/0/0 unit 0 family inet address 192.168.252.10/24\n",
    )
    assert list(set_lines(tree.root)) == [
        "set interfaces lo0 unit 10 family inet address 10.165.251.200/32",
        "set interfaces lo0 unit 10 family inet address 10.13.13.13/32",
        "set interfaces ge-0/0/0 unit 0 family inet address 192.168.252.9/24",
        "set interfaces ge-0/0/0 unit 0 family inet address 192.168.252.10/24",
    ]


@pytest.mark.parametrize(
    "name", ["ge-0/0/0", "xe-0/0/1", "xe-0/0/1:2", "lo0", "st0", "reth0", "fxp0", "fab0", "ae0", "gr-0/0/0"]
)
def test_interface_names(schema, name):
    tree = loaded(schema, f"set interfaces {name} unit 0 description x")
    assert curly_text(tree.root).startswith(f"interfaces {{\n    {name} {{\n")


def test_irb_interface(schema):
    loaded(schema, "set interfaces irb unit 10 family inet address 10.0.10.1/24")


# -- golden curly text -------------------------------------------------------------------------


def test_interface_with_two_units(schema):
    tree = loaded(
        schema,
        "set interfaces ge-0/0/0 unit 1 vlan-id 101\n"
        "set interfaces ge-0/0/0 vlan-tagging\n"
        "set interfaces ge-0/0/0 description TRUNK\n"
        "set interfaces ge-0/0/0 unit 1 description INT\n"
        "set interfaces ge-0/0/0 unit 2 vlan-id 102\n"
        "set interfaces ge-0/0/0 unit 2 disable\n",
    )
    assert curly_text(tree.root) == (
        "interfaces {\n"
        "    ge-0/0/0 {\n"
        "        description TRUNK;\n"
        "        vlan-tagging;\n"
        "        unit 1 {\n"
        "            description INT;\n"
        "            vlan-id 101;\n"
        "        }\n"
        "        unit 2 {\n"
        "            disable;\n"
        "            vlan-id 102;\n"
        "        }\n"
        "    }\n"
        "}\n"
    )
    round_trips(schema, tree)


JUNOS_UNIT = """\
interfaces {
    ge-0/0/0 {
        unit 0 {
            description INT;
            family inet {
                address 192.168.252.9/24;
            }
        }
    }
}
"""


def test_family_inet_is_read_in_junos_form(schema):
    tree = ConfigTree(schema.root)
    assert parse_curly(tree, JUNOS_UNIT).messages == []
    assert list(set_lines(tree.root)) == [
        "set interfaces ge-0/0/0 unit 0 description INT",
        "set interfaces ge-0/0/0 unit 0 family inet address 192.168.252.9/24",
    ]


def test_family_inet_is_printed_in_junos_form(schema):
    tree = loaded(
        schema,
        "set interfaces ge-0/0/0 unit 0 description INT\n"
        "set interfaces ge-0/0/0 unit 0 family inet address 192.168.252.9/24\n",
    )
    assert curly_text(tree.root) == JUNOS_UNIT


def test_mnha_local_and_peer(schema):
    tree = loaded(
        schema,
        "set chassis high-availability local-id 1\n"
        "set chassis high-availability local-id local-ip 100.64.0.9\n"
        "set chassis high-availability local-id local-forwarding-ip 100.64.10.9\n"
        "set chassis high-availability peer-id 2 peer-ip 100.64.0.10\n"
        "set chassis high-availability peer-id 2 interface ge-0/0/5.0\n"
        "set chassis high-availability peer-id 2 routing-instance PROD\n"
        "set chassis high-availability peer-id 2 vpn-profile ICL\n"
        "set chassis high-availability peer-id 2 liveness-detection minimum-interval 400\n"
        "set chassis high-availability peer-id 2 liveness-detection multiplier 5\n"
        "set chassis high-availability peer-id 2 peer-forwarding-ip 100.64.10.10\n"
        "set chassis high-availability peer-id 2 peer-forwarding-ip interface ge-0/0/6.0\n"
        "set chassis high-availability peer-id 2 peer-forwarding-ip liveness-detection minimum-interval 400\n"
        "set chassis high-availability peer-id 2 peer-forwarding-ip liveness-detection multiplier 5\n",
    )
    assert curly_text(tree.root) == (
        "chassis {\n"
        "    high-availability {\n"
        "        local-id {\n"
        "            1;\n"
        "            local-ip 100.64.0.9;\n"
        "            local-forwarding-ip 100.64.10.9;\n"
        "        }\n"
        "        peer-id 2 {\n"
        "            peer-ip 100.64.0.10;\n"
        "            interface ge-0/0/5.0;\n"
        "            routing-instance PROD;\n"
        "            vpn-profile ICL;\n"
        "            liveness-detection {\n"
        "                minimum-interval 400;\n"
        "                multiplier 5;\n"
        "            }\n"
        "            peer-forwarding-ip {\n"
        "                100.64.10.10;\n"
        "                interface ge-0/0/6.0;\n"
        "                liveness-detection {\n"
        "                    minimum-interval 400;\n"
        "                    multiplier 5;\n"
        "                }\n"
        "            }\n"
        "        }\n"
        "    }\n"
        "}\n"
    )
    round_trips(schema, tree)


def test_mnha_services_redundancy_group(schema):
    tree = loaded(
        schema,
        "set chassis high-availability services-redundancy-group 1 activeness-priority 200\n"
        "set chassis high-availability services-redundancy-group 1 deployment-type routing\n"
        "set chassis high-availability services-redundancy-group 1 activeness-probe dest-ip 192.168.251.2\n"
        "set chassis high-availability services-redundancy-group 1 activeness-probe dest-ip src-ip 192.168.251.1\n"
        "set chassis high-availability services-redundancy-group 1 monitor interface ge-0/0/4\n"
        "set chassis high-availability services-redundancy-group 1 active-signal-route 169.254.200.1\n"
        "set chassis high-availability services-redundancy-group 1 backup-signal-route 169.254.200.2\n"
        "set chassis high-availability services-redundancy-group 1 prefix-list IKE-GW-VPN-1 routing-instance PROD\n"
        "set chassis high-availability services-redundancy-group 1 managed-services ipsec\n"
        "set chassis high-availability services-redundancy-group 1 process-packet-on-backup\n"
        "set chassis high-availability services-redundancy-group 1 peer-id 2\n"
        "set chassis high-availability services-redundancy-group 2 virtual-ip 1 ip 192.168.97.1/24\n"
        "set chassis high-availability services-redundancy-group 2 virtual-ip 1 interface ge-0/0/3.0\n",
    )
    assert curly_text(tree.root) == (
        "chassis {\n"
        "    high-availability {\n"
        "        services-redundancy-group 1 {\n"
        "            deployment-type routing;\n"
        "            peer-id {\n"
        "                2;\n"
        "            }\n"
        "            activeness-probe {\n"
        "                dest-ip {\n"
        "                    192.168.251.2;\n"
        "                    src-ip 192.168.251.1;\n"
        "                }\n"
        "            }\n"
        "            monitor {\n"
        "                interface {\n"
        "                    ge-0/0/4;\n"
        "                }\n"
        "            }\n"
        "            active-signal-route {\n"
        "                169.254.200.1;\n"
        "            }\n"
        "            backup-signal-route {\n"
        "                169.254.200.2;\n"
        "            }\n"
        "            prefix-list IKE-GW-VPN-1 routing-instance PROD;\n"
        "            managed-services {\n"
        "                ipsec;\n"
        "            }\n"
        "            process-packet-on-backup;\n"
        "            activeness-priority 200;\n"
        "        }\n"
        "        services-redundancy-group 2 {\n"
        "            virtual-ip 1 {\n"
        "                ip 192.168.97.1/24;\n"
        "                interface ge-0/0/3.0;\n"
        "            }\n"
        "        }\n"
        "    }\n"
        "}\n"
    )
    round_trips(schema, tree)


def test_chassis_cluster(schema):
    tree = loaded(
        schema,
        "set chassis cluster reth-count 2\n"
        "set chassis cluster redundancy-group 0 node 0 priority 200\n"
        "set chassis cluster redundancy-group 0 node 1 priority 100\n"
        "set chassis cluster redundancy-group 1 node 0 priority 200\n"
        "set chassis cluster redundancy-group 1 node 1 priority 100\n"
        "set chassis cluster redundancy-group 1 preempt\n"
        "set chassis cluster redundancy-group 1 interface-monitor ge-0/0/2 weight 255\n"
        "set chassis cluster redundancy-group 1 ip-monitoring global-weight 255\n"
        "set chassis cluster redundancy-group 1 ip-monitoring family inet 10.1.1.1 weight 100\n"
        "set chassis cluster redundancy-group 1 ip-monitoring family inet 10.1.1.1 interface reth0.0"
        " secondary-ip-address 10.1.1.2\n",
    )
    assert curly_text(tree.root) == (
        "chassis {\n"
        "    cluster {\n"
        "        reth-count 2;\n"
        "        redundancy-group 0 {\n"
        "            node 0 priority 200;\n"
        "            node 1 priority 100;\n"
        "        }\n"
        "        redundancy-group 1 {\n"
        "            node 0 priority 200;\n"
        "            node 1 priority 100;\n"
        "            preempt;\n"
        "            interface-monitor {\n"
        "                ge-0/0/2 weight 255;\n"
        "            }\n"
        "            ip-monitoring {\n"
        "                global-weight 255;\n"
        "                family inet {\n"
        "                    10.1.1.1 {\n"
        "                        weight 100;\n"
        "                        interface reth0.0 secondary-ip-address 10.1.1.2;\n"
        "                    }\n"
        "                }\n"
        "            }\n"
        "        }\n"
        "    }\n"
        "}\n"
    )
    round_trips(schema, tree)


RPM = """\
set services rpm probe probe-isp1 test test-1 probe-type icmp-ping
set services rpm probe probe-isp1 test test-1 target address 10.1.1.1
set services rpm probe probe-isp1 test test-1 probe-count 5
set services rpm probe probe-isp1 test test-1 probe-interval 1
set services rpm probe probe-isp1 test test-1 test-interval 3
set services rpm probe probe-isp1 test test-1 routing-instance ISP1
set services rpm probe probe-isp1 test test-1 thresholds total-loss 5
"""

IP_MONITORING = """\
set services ip-monitoring policy track-isp1 match rpm-probe probe-isp1
set services ip-monitoring policy track-isp1 then preferred-route routing-instances ISP1 route 0.0.0.0/0 next-hop 10.2.2.1
"""


def test_rpm_test(schema):
    tree = loaded(schema, RPM)
    assert curly_text(tree.root) == (
        "services {\n"
        "    rpm {\n"
        "        probe probe-isp1 {\n"
        "            test test-1 {\n"
        "                probe-type icmp-ping;\n"
        "                target address 10.1.1.1;\n"
        "                probe-count 5;\n"
        "                probe-interval 1;\n"
        "                test-interval 3;\n"
        "                routing-instance ISP1;\n"
        "                thresholds {\n"
        "                    total-loss 5;\n"
        "                }\n"
        "            }\n"
        "        }\n"
        "    }\n"
        "}\n"
    )
    round_trips(schema, tree)


def test_ip_monitoring_policy(schema):
    tree = loaded(schema, IP_MONITORING + "set services ip-monitoring policy track-isp1 then interface st0.1 disable\n")
    assert curly_text(tree.root) == (
        "services {\n"
        "    ip-monitoring {\n"
        "        policy track-isp1 {\n"
        "            match {\n"
        "                rpm-probe probe-isp1;\n"
        "            }\n"
        "            then {\n"
        "                interface st0.1 disable;\n"
        "                preferred-route {\n"
        "                    routing-instances ISP1 {\n"
        "                        route 0.0.0.0/0 {\n"
        "                            next-hop 10.2.2.1;\n"
        "                        }\n"
        "                    }\n"
        "                }\n"
        "            }\n"
        "        }\n"
        "    }\n"
        "}\n"
    )
    round_trips(schema, tree)


def test_ipsec_vpn_rule(schema):
    tree = loaded(
        schema,
        "set services ipsec-vpn rule rule-1 term term-1 from source-address 10.1.0.0/16\n"
        "set services ipsec-vpn rule rule-1 term term-1 then remote-gateway 192.0.2.1\n"
        "set services ipsec-vpn rule rule-1 term term-1 then backup-remote-gateway 2001:db8::1\n"
        "set services ipsec-vpn rule rule-1 term term-1 then dynamic ike-policy ike-pol\n"
        "set services ipsec-vpn rule rule-1 term term-1 then initiate-dead-peer-detection\n"
        "set services ipsec-vpn rule rule-1 match-direction input\n"
        "set services ipsec-vpn ike policy ike-pol pre-shared-key ascii-text secret\n",
    )
    text = curly_text(tree.root)
    assert (
        "        rule rule-1 {\n"
        "            term term-1 {\n"
        "                from {\n"
        "                    source-address 10.1.0.0/16;\n"
        "                }\n"
        "                then {\n"
        "                    remote-gateway 192.0.2.1;\n"
        "                    backup-remote-gateway 2001:db8::1;\n"
        "                    dynamic {\n"
        "                        ike-policy ike-pol;\n"
        "                    }\n"
        "                    initiate-dead-peer-detection;\n"
        "                }\n"
        "            }\n"
        "            match-direction input;\n"
        "        }\n"
    ) in text
    round_trips(schema, tree)


def test_ssl_termination_profile(schema):
    tree = loaded(schema, "set services ssl termination profile SSL-RA-VPN-TERM-PROF server-certificate MNHA-RA-VPN")
    assert curly_text(tree.root) == (
        "services {\n"
        "    ssl {\n"
        "        termination {\n"
        "            profile SSL-RA-VPN-TERM-PROF {\n"
        "                server-certificate MNHA-RA-VPN;\n"
        "            }\n"
        "        }\n"
        "    }\n"
        "}\n"
    )


def test_snmp(schema):
    tree = loaded(
        schema,
        'set snmp location "Rack 4"\n'
        "set snmp community public authorization read-only\n"
        "set snmp community public clients 10.0.0.0/8\n"
        "set snmp community public clients 0.0.0.0/0 restrict\n"
        "set snmp trap-group traps categories link\n"
        "set snmp trap-group traps categories chassis\n"
        "set snmp trap-group traps targets 10.0.0.5\n",
    )
    assert curly_text(tree.root) == (
        "snmp {\n"
        '    location "Rack 4";\n'
        "    community public {\n"
        "        authorization read-only;\n"
        "        clients {\n"
        "            10.0.0.0/8;\n"
        "            0.0.0.0/0 restrict;\n"
        "        }\n"
        "    }\n"
        "    trap-group traps {\n"
        "        categories {\n"
        "            chassis;\n"
        "            link;\n"
        "        }\n"
        "        targets {\n"
        "            10.0.0.5;\n"
        "        }\n"
        "    }\n"
        "}\n"
    )
    round_trips(schema, tree)


# -- refused values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, error",
    [
        (
            "set services rpm probe p test t probe-count 16",
            "number: '16': Value must be a number from 1 to 15 at '16'",
        ),
        (
            "set interfaces ge-0/0/0 unit 0 vlan-id 5000",
            "number: '5000': Value must be a number from 1 to 4094 at '5000'",
        ),
        (
            "set interfaces ge-0/0/0 unit 99999999999 description x",
            "number: '99999999999': Value must be a number from 0 to 1073741823 at '99999999999'",
        ),
        ("set services rpm probe p test t probe-type foo", "syntax error: foo"),
        ("set interfaces ge-0/0/0.x description x", "syntax error: ge-0/0/0.x"),  # `ge-0/0/0.0` means unit 0
        (
            "set chassis cluster redundancy-group 1 node 2 priority 100",
            "number: '2': Value must be a number from 0 to 1 at '2'",
        ),
        (
            "set chassis high-availability services-redundancy-group 1 activeness-priority 0",
            "number: '0': Value must be a number from 1 to 255 at '0'",
        ),
        ("set chassis high-availability services-redundancy-group 1 deployment-type bridge", "syntax error: bridge"),
    ],
)
def test_refused(schema, line, error):
    _, messages = load(schema, line)
    assert len(messages) == 1
    assert messages[0].endswith(error)


def test_choice_members_replace_each_other(schema):
    tree = loaded(
        schema,
        "set services rpm probe p test t target address 10.1.1.1\n"
        "set services rpm probe p test t target url http://192.0.2.1/\n"
        "set interfaces ge-0/0/0 vlan-tagging\n"
        "set interfaces ge-0/0/0 flexible-vlan-tagging\n",
    )
    assert list(set_lines(tree.root)) == [
        "set services rpm probe p test t target url http://192.0.2.1/",
        "set interfaces ge-0/0/0 flexible-vlan-tagging",
    ]


# -- names defined and referenced --------------------------------------------------------------


def test_definitions_and_references(schema):
    validate = pytest.importorskip("nos.config.validate")
    tree = loaded(
        schema,
        RPM
        + IP_MONITORING
        + "set services ip-monitoring policy track-isp2 match rpm-probe probe-isp2\n"
        + "set interfaces ge-0/0/5 unit 0 family inet address 100.64.0.9/27\n"
        + "set chassis high-availability peer-id 2 interface ge-0/0/5.0\n"
        + "set chassis high-availability services-redundancy-group 1 monitor interface ge-0/0/5\n"
        + "set chassis high-availability services-redundancy-group 2 virtual-ip 1 interface ge-0/0/3.0\n",
    )
    errors = [e.lines() for e in validate.check_config(tree.root, schema)]
    messages = [e[2].strip() for e in errors]
    assert "Referenced RPM probe 'probe-isp2' is not defined" in messages
    assert "Referenced RPM probe 'probe-isp1' is not defined" not in messages
    assert "Referenced interface 'ge-0/0/3.0' is not defined" in messages
    assert not any("ge-0/0/5" in m for m in messages)


def test_help_strings_survive_defines(schema):
    services = schema.root.children["services"]
    assert services.children["rpm"].children["probe"].help == "Owner name"
    interfaces = schema.root.children["interfaces"]
    assert interfaces.children["interface"].help == "Interface name"
    assert interfaces.children["interface"].children["unit"].help == "Logical interface"


def test_unit_names_after_nested_lists(schema):
    validate = pytest.importorskip("nos.config.validate")
    tree = loaded(
        schema,
        "set interfaces fab0 fabric-options member-interfaces ge-0/0/1\n"
        "set interfaces fab0 unit 0 family inet address 30.17.0.200/24\n"
        "set chassis high-availability peer-id 2 interface fab0.0\n",
    )
    messages = [e.lines()[2].strip() for e in validate.check_config(tree.root, schema)]
    assert "Referenced interface 'fab0.0' is not defined" not in messages
