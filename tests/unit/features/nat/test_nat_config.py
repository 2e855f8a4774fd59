"""NAT compiled from `set` lines: rule-set precedence and rule order, the source, destination and
static lookups in both directions, proxy ARP, address-book names, and the commit errors."""

from __future__ import annotations

import pytest
from featurelab import commit_set

from nos.config.load import parse_set
from nos.features.nat import Lookups, compile_nat
from nos.lab.packet import ipv4_int as ip
from nos.lab.packet import ipv4_text

# What the rules refer to: interfaces, zones, a routing instance.
BASE = "".join(f"set interfaces ge-0/0/{n} unit 0 family inet address 10.9.{n}.1/24\n" for n in range(4)) + (
    "set security zones security-zone trust interfaces ge-0/0/0.0\n"
    "set security zones security-zone untrust interfaces ge-0/0/1.0\n"
    "set security zones security-zone dmz interfaces ge-0/0/2.0\n"
    "set routing-instances VR instance-type virtual-router\n"
)


def compiled(schema, clock, tmp_path, text: str, lookups=None):  # type: ignore[no-untyped-def]
    """The NAT of `text` once committed (the expanded tree the features get)."""
    from nos.runtime.device import Device

    device = Device(schema, clock, hostname="srx1", state_dir=tmp_path / "state")
    commit_set(device, BASE + text)
    return compile_nat(device.db.active_expanded, lookups)


@pytest.fixture
def nat(schema, clock, tmp_path):  # type: ignore[no-untyped-def]
    return lambda text, lookups=None: compiled(schema, clock, tmp_path, text, lookups)


def candidate_errors(srx, text: str) -> list[str]:
    """What a commit of `text` says on a device with the features (it must fail)."""
    device = srx("")
    tree = device.db.new_candidate()
    assert not parse_set(tree, BASE + text).messages
    result = device.db.commit(tree, "lab")
    assert not result.ok
    return result.lines


ZONES = """\
set security address-book global address lan1 10.0.1.0/24
set security address-book global address web-range range-address 10.0.2.5 to 10.0.2.9
set security address-book global address-set servers address web-range
set security address-book global address-set both address lan1
set security address-book global address-set both address-set servers
"""


# -- source NAT ---------------------------------------------------------------------------------------------


SOURCE = (
    ZONES
    + """\
set security nat source pool p1 address 203.0.113.10/32 to 203.0.113.12/32
set security nat source rule-set by-zone from zone trust
set security nat source rule-set by-zone to zone untrust
set security nat source rule-set by-zone rule web match source-address-name lan1
set security nat source rule-set by-zone rule web match destination-port 80 to 90
set security nat source rule-set by-zone rule web match protocol tcp
set security nat source rule-set by-zone rule web then source-nat pool p1
set security nat source rule-set by-zone rule dmz-off match source-address 10.0.9.0/24
set security nat source rule-set by-zone rule dmz-off then source-nat off
set security nat source rule-set by-zone rule rest match source-address 0.0.0.0/0
set security nat source rule-set by-zone rule rest then source-nat interface
set security nat source rule-set by-interface from interface ge-0/0/0.0
set security nat source rule-set by-interface to zone untrust
set security nat source rule-set by-interface rule pinned match source-address 10.0.1.99/32
set security nat source rule-set by-interface rule pinned then source-nat pool p1
set security nat source rule-set by-instance from routing-instance default
set security nat source rule-set by-instance to routing-instance VR
set security nat source rule-set by-instance rule all-of-it match source-address 0.0.0.0/0
set security nat source rule-set by-instance rule all-of-it then source-nat interface
"""
)


def test_rule_sets_from_an_interface_come_first_whatever_the_configuration_order(nat):
    config = nat(SOURCE)
    order = [(r.rule_set, r.name, r.id, r.position) for r in config.source_rules]
    assert order == [
        ("by-interface", "pinned", 4, 1),
        ("by-zone", "web", 1, 2),
        ("by-zone", "dmz-off", 2, 3),
        ("by-zone", "rest", 3, 4),
        ("by-instance", "all-of-it", 5, 5),
    ]


def test_the_first_fitting_rule_decides(nat):
    config = nat(SOURCE)

    def rule(src: str, dport: int, proto: str = "tcp", ifl: str = "ge-0/0/1.0") -> str | None:
        match = config.source(
            "trust", "untrust", "ge-0/0/2.0", None, ip(src), ip("8.8.8.8"), proto, 40000, dport, from_ifl=ifl
        )
        return None if match is None else f"{match.rule.name}:{match.action}"

    assert rule("10.0.1.5", 80) == "web:pool"
    assert rule("10.0.1.5", 91) == "rest:interface"  # outside the port range
    assert rule("10.0.1.5", 80, "udp") == "rest:interface"  # not tcp
    assert rule("10.0.9.7", 80) == "dmz-off:off"  # off stops the search: `rest` is not tried
    assert rule("10.0.1.99", 22, ifl="ge-0/0/0.0") == "pinned:pool"  # the interface rule set first
    assert rule("10.0.1.99", 22) == "rest:interface"  # ... only from that interface


def test_a_source_match_carries_its_pool(nat):
    config = nat(SOURCE)
    match = config.source("trust", "untrust", "ge-0/0/2.0", None, ip("10.0.1.5"), ip("8.8.8.8"), "tcp", 1, 80)
    assert match is not None and match.pool is not None
    assert match.key == ("source", "by-zone", "web")
    assert [(ipv4_text(lo), ipv4_text(hi)) for lo, hi in match.pool.ranges] == [("203.0.113.10", "203.0.113.12")]


def test_contexts_zone_and_routing_instance(nat):
    config = nat(SOURCE)
    assert config.source("trust", "dmz", "ge-0/0/3.0", None, ip("10.0.1.5"), ip("8.8.8.8"), "tcp", 1, 80) is None
    by_instance = config.source(
        None, None, "ge-0/0/3.0", "master", ip("10.0.5.5"), ip("8.8.8.8"), "icmp", 1, 0, to_instance="VR"
    )
    assert by_instance is not None and by_instance.rule.name == "all-of-it"
    assert config.source(None, None, "ge-0/0/3.0", "master", ip("10.0.5.5"), ip("8.8.8.8"), "icmp", 1, 0) is None


def test_protocol_numbers_match_names(nat):
    config = nat(SOURCE.replace("match protocol tcp", "match protocol 6"))
    assert config.source("trust", "untrust", "x", None, ip("10.0.1.5"), ip("8.8.8.8"), "tcp", 1, 80).rule.name == "web"


def test_address_sets_of_the_global_book_nest_and_ranges_count(nat):
    config = nat(SOURCE.replace("source-address-name lan1", "source-address-name both"))
    web = config.source_rules[1]
    assert [(ipv4_text(lo), ipv4_text(hi)) for lo, hi in web.sources] == [
        ("10.0.1.0", "10.0.1.255"),
        ("10.0.2.5", "10.0.2.9"),
    ]


def test_an_address_lookup_can_be_given(nat):
    """The security policies' lookup replaces the configuration's own global book."""
    seen = []

    def lookup(name: str):  # type: ignore[no-untyped-def]
        seen.append(name)
        return ((ip("192.0.2.0"), ip("192.0.2.63")),)

    config = nat(SOURCE, lookup)
    assert seen == ["lan1"]
    assert config.source("trust", "untrust", "x", None, ip("192.0.2.9"), ip("8.8.8.8"), "tcp", 1, 80).rule.name == "web"


def test_application_match_uses_the_given_matcher(nat):
    text = SOURCE.replace("rule web match protocol tcp", "rule web match application junos-http")

    def junos_http(name: str, proto: str, sport: int, dport: int) -> bool | None:
        return proto == "tcp" and dport == 80 if name == "junos-http" else None

    config = nat(text, Lookups(lambda name: ((ip("10.0.1.0"), ip("10.0.1.255")),), junos_http))
    assert config.source("trust", "untrust", "x", None, ip("10.0.1.5"), ip("1.1.1.1"), "tcp", 9, 80).rule.name == "web"
    assert config.source("trust", "untrust", "x", None, ip("10.0.1.5"), ip("1.1.1.1"), "udp", 9, 80).rule.name == "rest"
    assert compile_nat(None).errors == ()


# -- destination and static NAT ----------------------------------------------------------------------------


DESTINATION = """\
set security nat destination pool web address 10.0.2.5/32 port 8080
set security nat destination pool farm address 10.0.3.10/32 to 10.0.3.11/32
set security nat destination rule-set from-isp from zone untrust
set security nat destination rule-set from-isp rule http match destination-address 198.51.100.1/32
set security nat destination rule-set from-isp rule http match destination-port 80
set security nat destination rule-set from-isp rule http then destination-nat pool web
set security nat destination rule-set from-isp rule many match destination-address 198.51.100.16/30
set security nat destination rule-set from-isp rule many then destination-nat pool farm
set security nat destination rule-set from-isp rule skip match destination-address 198.51.100.1/32
set security nat destination rule-set from-isp rule skip then destination-nat off
"""


def test_destination_nat_translates_address_and_port(nat):
    config = nat(DESTINATION)
    match = config.destination("untrust", "ge-0/0/1.0", None, ip("8.8.8.8"), ip("198.51.100.1"), "tcp", 5555, 80)
    assert match is not None and match.rule.name == "http"
    assert (ipv4_text(match.address), match.port) == ("10.0.2.5", 8080)
    off = config.destination("untrust", "ge-0/0/1.0", None, ip("8.8.8.8"), ip("198.51.100.1"), "tcp", 5555, 22)
    assert off is not None and off.action == "off" and off.address is None
    assert config.destination("trust", "ge-0/0/0.0", None, ip("8.8.8.8"), ip("198.51.100.1"), "tcp", 5555, 80) is None


def test_destination_addresses_map_onto_the_pool_in_order(nat):
    config = nat(DESTINATION)
    got = [
        ipv4_text(config.destination("untrust", "x", None, 1, ip(f"198.51.100.{n}"), "udp", 1, 53).address)
        for n in (16, 17, 18, 19)
    ]
    assert got == ["10.0.3.10", "10.0.3.11", "10.0.3.10", "10.0.3.11"]


STATIC = """\
set security nat static rule-set inbound from zone untrust
set security nat static rule-set inbound rule ssh match destination-address 198.51.100.10/32
set security nat static rule-set inbound rule ssh match destination-port 2222
set security nat static rule-set inbound rule ssh then static-nat prefix 10.0.1.10/32 mapped-port 22
set security nat static rule-set inbound rule servers match destination-address 198.51.100.32/29
set security nat static rule-set inbound rule servers then static-nat prefix 10.0.4.0/29
"""


def test_static_nat_both_ways(nat):
    config = nat(STATIC)
    inbound = config.static("untrust", "ge-0/0/1.0", None, ip("8.8.8.8"), ip("198.51.100.37"), "tcp", 999, 443)
    assert inbound is not None and inbound.direction == "in"
    assert (ipv4_text(inbound.address), inbound.port) == ("10.0.4.5", 443)
    outbound = config.static_reverse("untrust", "ge-0/0/1.0", None, ip("10.0.4.5"), ip("8.8.8.8"), "tcp", 33000, 443)
    assert outbound is not None and outbound.direction == "out"
    assert (ipv4_text(outbound.address), outbound.port) == ("198.51.100.37", 33000)
    assert config.static_reverse("trust", "ge-0/0/0.0", None, ip("10.0.4.5"), ip("10.0.1.1"), "tcp", 1, 1) is None


def test_static_nat_with_mapped_port(nat):
    config = nat(STATIC)
    inbound = config.static("untrust", "x", None, ip("8.8.8.8"), ip("198.51.100.10"), "tcp", 999, 2222)
    assert (ipv4_text(inbound.address), inbound.port) == ("10.0.1.10", 22)
    assert config.static("untrust", "x", None, ip("8.8.8.8"), ip("198.51.100.10"), "tcp", 999, 22) is None
    back = config.static_reverse("untrust", "x", None, ip("10.0.1.10"), ip("8.8.8.8"), "tcp", 22, 999)
    assert (ipv4_text(back.address), back.port) == ("198.51.100.10", 2222)
    assert config.static_reverse("untrust", "x", None, ip("10.0.1.10"), ip("8.8.8.8"), "tcp", 40000, 80) is None


def test_proxy_arp(nat):
    config = nat(
        "set security nat proxy-arp interface ge-0/0/1.0 address 198.51.100.10/32 to 198.51.100.12/32\n"
        "set security nat proxy-arp interface ge-0/0/1.0 address 198.51.100.64/30\n"
    )
    assert config.proxy_arp("ge-0/0/1.0", ip("198.51.100.11"))
    assert config.proxy_arp("ge-0/0/1.0", ip("198.51.100.67"))
    assert not config.proxy_arp("ge-0/0/1.0", ip("198.51.100.13"))
    assert not config.proxy_arp("ge-0/0/2.0", ip("198.51.100.11"))


# -- commit errors ---------------------------------------------------------------------------------------


def test_a_source_rule_set_needs_from_and_to(srx):
    lines = candidate_errors(
        srx,
        "set security nat source rule-set rs rule r match source-address 10.0.0.0/8\n"
        "set security nat source rule-set rs rule r then source-nat interface\n",
    )
    assert "[edit security nat source]" in lines
    assert "  'rule-set rs'" in lines
    assert "    Missing mandatory statement: 'from'" in lines
    assert "    Missing mandatory statement: 'to'" in lines


def test_a_rule_needs_an_action_and_a_pool_an_address(srx):
    lines = candidate_errors(
        srx,
        "set security nat source pool empty description nothing\n"
        "set security nat source rule-set rs from zone trust\n"
        "set security nat source rule-set rs to zone untrust\n"
        "set security nat source rule-set rs rule r match source-address 10.0.0.0/8\n",
    )
    assert "[edit security nat source rule-set rs]" in lines and "  'rule r'" in lines
    assert "[edit security nat source]" in lines and "  'pool empty'" in lines
    assert lines.count("    Missing mandatory statement: 'then'") == 1
    assert "    Missing mandatory statement: 'address'" in lines


def test_a_rule_naming_an_undefined_pool_is_refused(srx):
    lines = candidate_errors(
        srx,
        "set security nat source rule-set rs from zone trust\n"
        "set security nat source rule-set rs to zone untrust\n"
        "set security nat source rule-set rs rule r match source-address 10.0.0.0/8\n"
        "set security nat source rule-set rs rule r then source-nat pool nowhere\n",
    )
    assert "    Referenced NAT pool 'nowhere' is not defined" in lines


def test_static_prefixes_must_have_the_same_length(srx):
    lines = candidate_errors(
        srx,
        "set security nat static rule-set s from zone untrust\n"
        "set security nat static rule-set s rule r match destination-address 198.51.100.0/29\n"
        "set security nat static rule-set s rule r then static-nat prefix 10.0.4.0/28\n",
    )
    assert "[edit security nat static rule-set s rule r then]" in lines
    assert any("prefix length" in line for line in lines)


def test_ranges_that_run_backwards_are_refused_in_rules_pools_and_proxy_arp(srx):
    lines = candidate_errors(
        srx,
        "set security nat source pool p address 198.51.100.9/32 to 198.51.100.2/32\n"
        "set security nat proxy-arp interface ge-0/0/1.0 address 198.51.100.20/32 to 198.51.100.10/32\n"
        "set security nat static rule-set s from zone untrust\n"
        "set security nat static rule-set s rule r match destination-address 198.51.100.7/32\n"
        "set security nat static rule-set s rule r match source-port 90 to 80\n"
        "set security nat static rule-set s rule r then static-nat prefix 10.0.4.7/32\n"
        "set security nat destination rule-set d from zone untrust\n"
        "set security nat destination rule-set d rule r match destination-address 198.51.100.8/32\n"
        "set security nat destination rule-set d rule r match destination-port 443 to 80\n"
        "set security nat destination rule-set d rule r then destination-nat off\n",
    )
    assert "[edit security nat source pool p]" in lines and "  'address 198.51.100.9/32'" in lines
    assert "[edit security nat proxy-arp interface ge-0/0/1.0 address]" in lines
    assert lines.count("    Upper limit of address range is lower than its start") == 2
    assert "[edit security nat static rule-set s rule r match source-port]" in lines
    assert "[edit security nat destination rule-set d rule r match destination-port]" in lines
    assert "  'port 443 to 80'" in lines
    assert lines.count("    Upper limit of port range is lower than its start") == 2


def test_an_address_of_a_zone_book_is_not_for_nat(srx):
    lines = candidate_errors(
        srx,
        "set security zones security-zone trust address-book address inside 10.0.0.0/8\n"
        "set security nat source rule-set rs from zone trust\n"
        "set security nat source rule-set rs to zone untrust\n"
        "set security nat source rule-set rs rule r match source-address-name inside\n"
        "set security nat source rule-set rs rule r then source-nat interface\n",
    )
    assert "  'match source-address-name inside'" in lines


def test_application_match_without_the_security_applications_is_refused(nat):
    config = nat(SOURCE.replace("rule web match protocol tcp", "rule web match application junos-http"))
    assert [e.message for e in config.errors] == ["NAT application match needs the security applications"]


def test_a_good_configuration_commits(srx):
    device = srx(BASE + SOURCE + DESTINATION + STATIC)
    assert [r.name for r in device.nat.config.static_rules] == ["ssh", "servers"]
