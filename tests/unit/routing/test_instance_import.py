"""instance-import (semantics.md 3.6) and policy conditions, on seed 001's PROD / ISP-2 / VPN instances
(MNHA-VSRX-A): which routes each table gets, with which attributes, and how they follow their source."""

from __future__ import annotations

import pytest
from routinglab import ISP_2_DEFAULT_ROUTE, hops, route

from nos.routing.prefix import prefix
from nos.routing.route import LOCAL, VIA, NextHop, Route

SEED_001_A = (
    """
set interfaces ge-0/0/1 unit 0 family inet address 192.168.99.2/24
set interfaces ge-0/0/2 unit 0 family inet address 192.168.98.2/24
set interfaces ge-0/0/3 unit 0 family inet address 192.168.252.1/24
set interfaces st0 unit 200 family inet
set routing-instances PROD instance-type virtual-router
set routing-instances PROD interface ge-0/0/1.0
set routing-instances PROD interface ge-0/0/3.0
set routing-instances ISP-2 instance-type virtual-router
set routing-instances ISP-2 interface ge-0/0/2.0
set routing-instances VPN instance-type virtual-router
set routing-instances VPN interface st0.200
"""
    + ISP_2_DEFAULT_ROUTE
    + """
set routing-instances PROD routing-options instance-import ISP-2-DEFAULT-ROUTE
set policy-options prefix-list S2S-PROD-VPN-1_ST0-200 192.168.249.0/24
set policy-options policy-statement S2S-PROD-VPN-1 term 10 from instance VPN
set policy-options policy-statement S2S-PROD-VPN-1 term 10 from prefix-list S2S-PROD-VPN-1_ST0-200
set policy-options policy-statement S2S-PROD-VPN-1 term 10 then accept
set routing-instances PROD routing-options instance-import S2S-PROD-VPN-1
set policy-options prefix-list PROD-S2S-PREFIXES 192.168.252.0/24
set policy-options policy-statement PROD-S2S-VPN term 10 from instance PROD
set policy-options policy-statement PROD-S2S-VPN term 10 from prefix-list PROD-S2S-PREFIXES
set policy-options policy-statement PROD-S2S-VPN term 10 then accept
set policy-options policy-statement PROD-S2S-VPN term 900 then reject
set routing-instances VPN routing-options instance-import PROD-S2S-VPN
"""
)


def bgp(table: str, gateway: str, as_path: str, source: str) -> Route:
    return route("0.0.0.0/0", "BGP", gateway, source, table, as_path=as_path)


@pytest.fixture
def seed(build):  # type: ignore[no-untyped-def]
    """Seed 001 node A with both BGP defaults learned and the VPN's ARI route installed."""
    lab = build(SEED_001_A)
    lab.engine.add(bgp("PROD.inet.0", "192.168.99.1", "65002", "bgp-isp1"))
    lab.engine.add(bgp("ISP-2.inet.0", "192.168.98.1", "65003", "bgp-isp2"))
    lab.engine.add(route("192.168.249.0/24", "ARI-TS", NextHop(VIA, None, "st0.200"), "ari", "VPN.inet.0"))
    return lab


def test_prod_holds_both_defaults_and_prefers_its_own(seed):
    """Seed 001: PROD.inet.0 0/0 has its BGP route (localpref 100) active and ISP-2's imported with localpref 50."""
    own, imported = sorted(seed.routes("PROD.inet.0", "0.0.0.0/0"), key=lambda r: r.table != "PROD.inet.0")
    assert seed.active("PROD.inet.0", "0.0.0.0/0") is own
    assert (own.protocol, own.local_pref, own.as_path) == ("BGP", None, "65002")
    assert (imported.protocol, imported.local_pref, imported.as_path) == ("BGP", 50, "65003")
    assert imported.table == "ISP-2.inet.0"  # a secondary route: it belongs to ISP-2
    assert hops(imported) == ["to 192.168.98.1 via ge-0/0/2.0"]  # its next hop still points into ISP-2
    source = seed.active("ISP-2.inet.0", "0.0.0.0/0")
    assert source.local_pref is None and imported.origin is source  # the source route is not changed


def test_prod_falls_back_to_the_imported_default(seed):
    """When PROD loses its own default the imported ISP-2 default forwards PROD's traffic."""
    seed.engine.withdraw("bgp-isp1")
    assert hops(seed.lookup("PROD.inet.0", "8.8.8.8")) == ["to 192.168.98.1 via ge-0/0/2.0"]
    seed.engine.add(bgp("PROD.inet.0", "192.168.99.1", "65002", "bgp-isp1"))
    assert hops(seed.lookup("PROD.inet.0", "8.8.8.8")) == ["to 192.168.99.1 via ge-0/0/1.0"]


def test_imported_route_leaves_with_its_source(seed):
    """The imported copy follows the source route: withdrawn there, gone here; unusable there, unusable here."""
    seed.link("ge-0/0/2.0", False)
    assert [r.table for r in seed.routes("PROD.inet.0", "0.0.0.0/0")] == ["PROD.inet.0"]
    seed.link("ge-0/0/2.0", True)
    assert len(seed.routes("PROD.inet.0", "0.0.0.0/0")) == 2
    seed.engine.withdraw("bgp-isp2")
    assert [r.table for r in seed.routes("PROD.inet.0", "0.0.0.0/0")] == ["PROD.inet.0"]


def test_only_accepted_routes_are_imported(seed):
    """No accept, no import: ISP-2's interface routes and non-BGP routes stay out of PROD."""
    assert seed.routes("PROD.inet.0", "192.168.98.0/24") == []
    assert seed.routes("PROD.inet.0", "192.168.98.2/32") == []
    seed.engine.withdraw("bgp-isp2")
    seed.engine.add(route("0.0.0.0/0", "Static", "192.168.98.1", "s", "ISP-2.inet.0"))
    assert [r.table for r in seed.routes("PROD.inet.0", "0.0.0.0/0")] == ["PROD.inet.0"]


def test_prod_imports_the_vpn_ari_route(seed):
    """S2S-PROD-VPN-1: the ARI-TS route of the VPN instance reaches PROD, forwarding into st0.200."""
    route = seed.active("PROD.inet.0", "192.168.249.0/24")
    assert (route.protocol, route.table) == ("ARI-TS", "VPN.inet.0")
    assert hops(seed.lookup("PROD.inet.0", "192.168.249.10")) == ["via st0.200"]
    seed.link("st0.200", False)
    assert seed.active("PROD.inet.0", "192.168.249.0/24") is None
    seed.link("st0.200", True)
    assert hops(seed.lookup("PROD.inet.0", "192.168.249.10")) == ["via st0.200"]


def test_vpn_imports_only_the_prod_prefixes_of_its_list(seed):
    """PROD-S2S-VPN: VPN gets PROD's 192.168.252.0/24; term 900 rejects every other PROD route."""
    vpn = {r.prefix: r for _, r in seed.engine.tables["VPN.inet.0"].active_items()}
    assert sorted(vpn) == [prefix("192.168.249.0/24"), prefix("192.168.252.0/24")]
    lan = vpn[prefix("192.168.252.0/24")]
    assert (lan.protocol, lan.table) == ("Direct", "PROD.inet.0")
    assert hops(seed.lookup("VPN.inet.0", "192.168.252.10")) == ["via ge-0/0/3.0"]


def test_imported_routes_are_not_imported_again(seed):
    """PROD's copy of the VPN route is not sent back to VPN, nor ISP-2's default on to VPN."""
    assert [r.table for r in seed.routes("VPN.inet.0", "192.168.249.0/24")] == ["VPN.inet.0"]
    assert seed.routes("VPN.inet.0", "0.0.0.0/0") == []


def test_removing_instance_import_removes_the_copies(seed):
    """A commit without `instance-import` takes the imported routes out."""
    seed.reconfigure(
        SEED_001_A.replace("set routing-instances PROD routing-options instance-import ISP-2-DEFAULT-ROUTE\n", "")
    )
    assert [r.table for r in seed.routes("PROD.inet.0", "0.0.0.0/0")] == ["PROD.inet.0"]
    assert seed.active("PROD.inet.0", "192.168.249.0/24") is not None  # the other policy still imports


def test_changing_the_policy_changes_the_imported_route(seed):
    """A commit that changes the import policy's action re-imports with the new attributes."""
    seed.reconfigure(SEED_001_A.replace("then local-preference 50", "then local-preference 150"))
    active = seed.active("PROD.inet.0", "0.0.0.0/0")
    assert (active.table, active.local_pref) == ("ISP-2.inet.0", 150)
    assert hops(seed.lookup("PROD.inet.0", "8.8.8.8")) == ["to 192.168.98.1 via ge-0/0/2.0"]


def test_condition_if_route_exists_gates_an_import(build):
    """An import policy with `from condition` imports only while the condition's route exists."""
    lab = build(
        """
set interfaces ge-0/0/1 unit 0 family inet address 192.168.99.2/24
set interfaces ge-0/0/2 unit 0 family inet address 192.168.98.2/24
set routing-instances A instance-type virtual-router
set routing-instances A interface ge-0/0/1.0
set routing-instances B instance-type virtual-router
set routing-instances B interface ge-0/0/2.0
set routing-instances B routing-options static route 10.0.0.0/8 next-hop 192.168.98.1
set policy-options condition ACTIVE_ROUTE_EXISTS if-route-exists address-family inet 169.254.200.1/32
set policy-options condition ACTIVE_ROUTE_EXISTS if-route-exists address-family inet table inet.0
set policy-options policy-statement FROM-B term 10 from instance B
set policy-options policy-statement FROM-B term 10 from condition ACTIVE_ROUTE_EXISTS
set policy-options policy-statement FROM-B term 10 then accept
set routing-instances A routing-options instance-import FROM-B
"""
    )
    assert lab.routes("A.inet.0", "10.0.0.0/8") == []
    signal = route("169.254.200.1/32", "Static", NextHop(LOCAL, None, "lo0.0"), "signal", preference=12)
    lab.engine.set_interface("lo0.0", [], True)
    lab.engine.add(signal)
    assert lab.active("inet.0", "169.254.200.1/32") is signal
    assert hops(lab.active("A.inet.0", "10.0.0.0/8")) == ["to 192.168.98.1 via ge-0/0/2.0"]
    lab.engine.withdraw("signal")
    assert lab.routes("A.inet.0", "10.0.0.0/8") == []


def test_condition_true_at_commit_time_imports_at_once(build):
    """A condition already true when the configuration is committed takes effect in that commit."""
    base = """
set interfaces ge-0/0/2 unit 0 family inet address 192.168.98.2/24
set routing-instances A instance-type virtual-router
set routing-instances B instance-type virtual-router
set routing-instances B interface ge-0/0/2.0
set routing-instances B routing-options static route 10.0.0.0/8 next-hop 192.168.98.1
set routing-options static route 169.254.200.1/32 discard
set policy-options condition C if-route-exists 169.254.200.1/32 table inet.0
set policy-options policy-statement FROM-B term 10 from instance B
set policy-options policy-statement FROM-B term 10 from condition C
set policy-options policy-statement FROM-B term 10 then accept
set routing-instances A routing-options instance-import FROM-B
"""
    lab = build(base)
    assert lab.active("A.inet.0", "10.0.0.0/8") is not None
    lab.reconfigure(base.replace("set routing-options static route 169.254.200.1/32 discard\n", ""))
    assert lab.routes("A.inet.0", "10.0.0.0/8") == []
