"""Zones: which zone an interface is in, host-inbound-traffic per zone and per interface (`all`,
`except`, system services and protocols each on their own), zone IDs kept across commits."""

from __future__ import annotations

from featurelab import commit_set

ZONES = """\
set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/30
set interfaces ge-0/0/2 unit 0 family inet address 203.0.113.1/30
set interfaces ge-0/0/3 unit 0 family inet address 192.0.2.1/30
set security zones security-zone trust interfaces ge-0/0/0.0
set security zones security-zone trust host-inbound-traffic system-services all
set security zones security-zone trust host-inbound-traffic system-services telnet except
set security zones security-zone trust host-inbound-traffic protocols bgp
set security zones security-zone untrust interfaces ge-0/0/1.0
set security zones security-zone untrust interfaces ge-0/0/2.0 host-inbound-traffic system-services ike
set security zones security-zone untrust host-inbound-traffic system-services ping
set security zones security-zone untrust host-inbound-traffic protocols all
"""


def test_an_interface_is_in_its_zone_or_in_none(compiled):
    config = compiled(ZONES)
    assert config.zone_of("ge-0/0/0.0") == "trust"
    assert config.zone_of("ge-0/0/2.0") == "untrust"
    assert config.zone_of("ge-0/0/3.0") is None  # flow drops its transit traffic
    assert config.zone_of("ge-0/0/0.1") is None


def test_zone_level_host_inbound_with_all_and_except(compiled):
    config = compiled(ZONES)
    assert config.host_inbound("ge-0/0/0.0", "ssh")
    assert config.host_inbound("ge-0/0/0.0", "netconf")
    assert not config.host_inbound("ge-0/0/0.0", "telnet")  # taken back out of `all`
    assert config.host_inbound("ge-0/0/0.0", "bgp")
    assert not config.host_inbound("ge-0/0/0.0", "ospf")
    assert config.host_inbound("ge-0/0/1.0", "ping")
    assert not config.host_inbound("ge-0/0/1.0", "ssh")


def test_an_interfaces_own_services_replace_the_zones_but_not_its_protocols(compiled):
    config = compiled(ZONES)
    assert config.host_inbound("ge-0/0/2.0", "ike")
    assert not config.host_inbound("ge-0/0/2.0", "ping")  # the interface's system-services decide
    assert config.host_inbound("ge-0/0/2.0", "ospf")  # the zone's `protocols all` still applies


def test_interfaces_in_no_zone_take_nothing_but_ndp_and_out_of_band_management(compiled):
    config = compiled(ZONES)
    assert not config.host_inbound("ge-0/0/3.0", "ping")
    assert not config.host_inbound("ge-0/0/3.0", "ndp")  # an interface in no zone is not in flow's hands
    assert config.host_inbound("ge-0/0/1.0", "ndp")  # always on in a zone
    assert config.host_inbound("fxp0.0", "ssh")  # out of band, not flow


def test_the_management_functional_zone(compiled):
    config = compiled(
        "set interfaces ge-0/0/7 unit 0 family inet address 10.9.9.1/24\n"
        "set security zones functional-zone management interfaces ge-0/0/7.0\n"
        "set security zones functional-zone management host-inbound-traffic system-services ssh\n"
    )
    assert config.zone_of("ge-0/0/7.0") is None  # no transit traffic
    assert config.host_inbound("ge-0/0/7.0", "ssh")
    assert not config.host_inbound("ge-0/0/7.0", "ping")


def test_zone_ids_start_at_7_and_are_kept(compiled):
    first = compiled(ZONES)
    assert {n: z.id for n, z in first.zones.zones.items()} == {"trust": 7, "untrust": 8}
    later = compiled("set security zones security-zone dmz\nset security zones security-zone untrust\n", previous=first)
    assert {n: z.id for n, z in later.zones.zones.items()} == {"dmz": 9, "untrust": 8}


def test_an_interface_in_two_zones_is_refused(srx):
    device = srx("set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24\n")
    lines = commit_set(
        device,
        "set security zones security-zone a interfaces ge-0/0/0.0\nset security zones security-zone b interfaces ge-0/0/0\n",
        ok=False,
    )
    assert any("is already used" in line for line in lines)
