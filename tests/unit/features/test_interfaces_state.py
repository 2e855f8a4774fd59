"""Interfaces at run time: configured addresses give Direct and Local routes in the unit's instance
table; `disable`, a link going down or a deleted unit take them away; loopback addresses."""

from __future__ import annotations

from nos.routing.prefix import prefix, prefix_text

CONFIG = """
set interfaces ge-0/0/0 unit 0 family inet address 192.168.10.1/24
set interfaces ge-0/0/0 unit 0 family inet address 192.168.11.1/24
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.2/30
set interfaces ge-0/0/2 unit 0 family inet address 10.0.0.0/31
set interfaces lo0 unit 0 family inet address 10.255.255.1/32
set routing-instances ISP1 instance-type virtual-router
set routing-instances ISP1 interface ge-0/0/1.0
"""


def table(device, name: str = "inet.0") -> dict[str, str]:  # type: ignore[no-untyped-def]
    """prefix -> `Protocol via interface` of the active routes of a table."""
    rib = device.routing.tables[name]
    out = {}
    for p, route in sorted(rib.active_items()):
        nh = route.resolved[0]
        out[prefix_text(p)] = f"{route.protocol} {nh.interface}"
    return out


def test_addresses_give_direct_and_local_routes(srx):
    """Each address gives a Direct route for its subnet and a Local /32 for itself, in the unit's instance."""
    device = srx(CONFIG)
    assert table(device) == {
        "10.0.0.0/31": "Direct ge-0/0/2.0",
        "10.0.0.0/32": "Local ge-0/0/2.0",
        "10.255.255.1/32": "Direct lo0.0",
        "192.168.10.0/24": "Direct ge-0/0/0.0",
        "192.168.10.1/32": "Local ge-0/0/0.0",
        "192.168.11.0/24": "Direct ge-0/0/0.0",
        "192.168.11.1/32": "Local ge-0/0/0.0",
    }
    assert table(device, "ISP1.inet.0") == {
        "198.51.100.0/30": "Direct ge-0/0/1.0",
        "198.51.100.2/32": "Local ge-0/0/1.0",
    }


def test_loopback_address_is_a_direct_host_route(srx):
    """A /32 on lo0 is one Direct route (no separate Local route); the device answers for it."""
    device = srx(CONFIG)
    routes = device.routing.tables["inet.0"].candidates(prefix("10.255.255.1/32"))
    assert [(r.protocol, r.preference) for r in routes] == [("Direct", 0)]
    assert device.dataplane.addresses().count(0x0AFFFF01) == 1


def test_disabled_port_removes_its_routes(srx, recommit):
    """`interfaces ge-0/0/0 disable` takes its units down and their routes out; deleting `disable` restores them."""
    device = srx(CONFIG)
    recommit(device, "set interfaces ge-0/0/0 disable\n")
    assert not any(route.endswith("ge-0/0/0.0") for route in table(device).values())
    port = device.dataplane.interfaces.ports["ge-0/0/0"]
    assert not device.dataplane.interfaces.port_up(port)
    recommit(device, "delete interfaces ge-0/0/0 disable\n")
    assert table(device)["192.168.10.0/24"] == "Direct ge-0/0/0.0"


def test_disabled_unit_removes_only_its_routes(srx, recommit):
    """`unit 0 disable` takes that unit's routes out; other interfaces are untouched."""
    device = srx(CONFIG)
    recommit(device, "set interfaces ge-0/0/0 unit 0 disable\n")
    assert "192.168.10.0/24" not in table(device)
    assert "10.0.0.0/31" in table(device)


def test_link_down_removes_the_routes_and_logs_a_trap(srx):
    """In a lab a cable going down takes the unit's routes out and logs SNMP_TRAP_LINK_DOWN; up brings them back."""
    device = srx(CONFIG)
    for port in ("ge-0/0/0", "ge-0/0/1", "ge-0/0/2"):
        device.dataplane.set_link(port, True)
    device.dataplane.set_link("ge-0/0/1", False)
    assert table(device, "ISP1.inet.0") == {}
    assert "10.255.255.1/32" in table(device)  # lo0 has no cable: always up
    events = [e for e in device.log.events if e.tag == "SNMP_TRAP_LINK_DOWN"]
    assert len(events) == 1 and "ifName ge-0/0/1" in events[0].message
    device.dataplane.set_link("ge-0/0/1", True)
    assert "198.51.100.0/30" in table(device, "ISP1.inet.0")


def test_uncabled_port_in_a_lab_is_down(srx):
    """Once the device is in a lab, a port without a link has no routes."""
    device = srx(CONFIG)
    device.dataplane.set_link("ge-0/0/0", True)
    assert "192.168.10.0/24" in table(device)
    assert "10.0.0.0/31" not in table(device)
    assert table(device, "ISP1.inet.0") == {}


def test_deleted_unit_and_changed_address(srx, recommit):
    """Deleting a unit removes its routes; changing an address replaces the routes."""
    device = srx(CONFIG)
    recommit(device, "delete interfaces ge-0/0/2\n")
    assert "10.0.0.0/31" not in table(device)
    recommit(device, "delete interfaces ge-0/0/0 unit 0 family inet address 192.168.11.1/24\n")
    assert "192.168.11.0/24" not in table(device)
    assert "192.168.10.0/24" in table(device)


def test_moving_an_interface_into_an_instance_moves_its_routes(srx, recommit):
    """Putting a unit in a routing instance moves its Direct and Local routes to that instance's table."""
    device = srx(CONFIG)
    recommit(device, "set routing-instances ISP1 interface ge-0/0/2.0\n")
    assert "10.0.0.0/31" not in table(device)
    assert table(device, "ISP1.inet.0")["10.0.0.0/31"] == "Direct ge-0/0/2.0"
    recommit(device, "delete routing-instances ISP1 interface ge-0/0/2.0\n")
    assert table(device)["10.0.0.0/31"] == "Direct ge-0/0/2.0"


def test_static_route_through_an_interface_comes_up_with_it(srx, recommit):
    """A static route via a point-to-point next hop (`next-hop st0.0`) is active while st0.0 is up."""
    device = srx(
        CONFIG
        + """
set interfaces st0 unit 0 family inet
set routing-options static route 172.16.0.0/12 next-hop st0.0
"""
    )
    assert table(device)["172.16.0.0/12"] == "Static st0.0"
    recommit(device, "set interfaces st0 unit 0 disable\n")
    assert "172.16.0.0/12" not in table(device)
