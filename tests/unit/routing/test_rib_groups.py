"""rib-groups (semantics.md 3.5, KB16133): the first table is the primary, later tables get secondary
copies, an import-policy filters or changes the copies, and seed 000's cross import of the ISP instances."""

from __future__ import annotations

from routinglab import hops

from nos.routing.prefix import prefix

INTERFACES = """
set interfaces ge-0/0/1 unit 0 family inet address 10.1.1.2/24
set interfaces ge-0/0/2 unit 0 family inet address 10.2.2.2/24
set interfaces ge-0/0/3 unit 0 family inet address 10.0.1.1/24
set interfaces lo0 unit 0 family inet address 10.255.0.1/32
"""
WITH_VR = INTERFACES + "set routing-instances VR instance-type virtual-router\n"
# rib-group G: primary inet.0, copies in VR.inet.0; applied to the interface routes or the static ones
WITH_G = WITH_VR + "set routing-options rib-groups G import-rib [ inet.0 VR.inet.0 ]\n"
INTERFACE_ROUTES_IN_G = WITH_G + "set routing-options interface-routes rib-group inet G\n"
STATIC_IN_G = WITH_G + "set routing-options static rib-group G\n"

# Seed 000 (BranchC): each ISP in a virtual-router, their interface routes cross-imported, the LAN
# interface routes copied into both ISP tables.
SEED_000 = (
    INTERFACES
    + """
set routing-instances ISP1 instance-type virtual-router
set routing-instances ISP1 interface ge-0/0/1.0
set routing-instances ISP1 routing-options static route 0.0.0.0/0 next-hop 10.1.1.1
set routing-instances ISP1 routing-options interface-routes rib-group inet isp1-to-isp2
set routing-instances ISP2 instance-type virtual-router
set routing-instances ISP2 interface ge-0/0/2.0
set routing-instances ISP2 routing-options static route 0.0.0.0/0 next-hop 10.2.2.1
set routing-instances ISP2 routing-options interface-routes rib-group inet isp2-to-isp1
set routing-options rib-groups inet0-to-isps import-rib [ inet.0 ISP1.inet.0 ISP2.inet.0 ]
set routing-options rib-groups isp1-to-isp2 import-rib [ ISP1.inet.0 ISP2.inet.0 ]
set routing-options rib-groups isp2-to-isp1 import-rib [ ISP2.inet.0 ISP1.inet.0 ]
set routing-options interface-routes rib-group inet inet0-to-isps
"""
)


def destinations(lab, table: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """prefix -> `Protocol (primary table)` of each active route of a table."""
    from nos.routing.prefix import prefix_text

    rib = lab.engine.tables[table]
    return {prefix_text(p): f"{r.protocol} ({r.table})" for p, r in sorted(rib.active_items())}


def test_interface_routes_rib_group_copies_direct_and_local_routes(build):
    """`interface-routes rib-group inet G` puts the master's Direct and Local routes in every table of G."""
    lab = build(INTERFACE_ROUTES_IN_G)
    master = destinations(lab, "inet.0")
    assert master == destinations(lab, "VR.inet.0")
    assert master["10.0.1.0/24"] == "Direct (inet.0)"
    assert master["10.0.1.1/32"] == "Local (inet.0)"
    assert master["10.255.0.1/32"] == "Direct (inet.0)"
    for p, _ in lab.engine.tables["VR.inet.0"].active_items():  # the very route objects: secondaries
        primary = lab.engine.tables["inet.0"].active(p)
        assert lab.engine.tables["VR.inet.0"].active(p) is primary
        assert "VR.inet.0" in primary.copies


def test_without_a_rib_group_an_instance_sees_only_its_own_interfaces(build):
    """No rib-group: a virtual-router's table holds its own interface routes and nothing of the master."""
    lab = build(WITH_VR + "set routing-instances VR interface ge-0/0/1.0\n")
    assert destinations(lab, "VR.inet.0") == {"10.1.1.0/24": "Direct (VR.inet.0)", "10.1.1.2/32": "Local (VR.inet.0)"}
    assert "10.1.1.0/24" not in destinations(lab, "inet.0")


def test_copies_leave_with_their_primary(build):
    """When the interface goes down its routes leave the primary table and every secondary table."""
    lab = build(INTERFACE_ROUTES_IN_G)
    lab.link("ge-0/0/3.0", False)
    for table in ("inet.0", "VR.inet.0"):
        assert "10.0.1.0/24" not in destinations(lab, table)
        assert "10.0.1.1/32" not in destinations(lab, table)
    lab.link("ge-0/0/3.0", True)
    assert destinations(lab, "VR.inet.0")["10.0.1.0/24"] == "Direct (inet.0)"


def test_static_rib_group_copies_static_routes(build):
    """`static rib-group G` copies the static routes; a copy is usable while its primary is."""
    lab = build(
        STATIC_IN_G
        + """
set routing-options static route 192.0.2.0/24 discard
set routing-options static route 0.0.0.0/0 next-hop 10.1.1.1
"""
    )
    copied = destinations(lab, "VR.inet.0")
    assert copied == {"0.0.0.0/0": "Static (inet.0)", "192.0.2.0/24": "Static (inet.0)"}
    # The copy forwards the way the primary does, although VR has no interface route to 10.1.1.1.
    assert hops(lab.lookup("VR.inet.0", "8.8.8.8")) == ["to 10.1.1.1 via ge-0/0/1.0"]
    lab.link("ge-0/0/1.0", False)
    assert lab.lookup("VR.inet.0", "8.8.8.8") is None
    assert lab.lookup("inet.0", "8.8.8.8") is None
    lab.link("ge-0/0/1.0", True)
    assert hops(lab.lookup("VR.inet.0", "8.8.8.8")) == ["to 10.1.1.1 via ge-0/0/1.0"]


def test_rib_group_of_an_instance_copies_into_the_master(build):
    """A rib-group applied in an instance copies that instance's routes, here into inet.0."""
    lab = build(
        WITH_VR
        + """
set routing-instances VR interface ge-0/0/1.0
set routing-instances VR routing-options interface-routes rib-group inet VR-TO-MASTER
set routing-options rib-groups VR-TO-MASTER import-rib [ VR.inet.0 inet.0 ]
"""
    )
    assert destinations(lab, "inet.0")["10.1.1.0/24"] == "Direct (VR.inet.0)"
    assert destinations(lab, "VR.inet.0")["10.1.1.0/24"] == "Direct (VR.inet.0)"
    assert "10.0.1.0/24" not in destinations(lab, "VR.inet.0")


def test_import_policy_rejects_some_copies_and_changes_others(build):
    """A rib-group import-policy filters and modifies the copies; the primary routes are untouched."""
    lab = build(
        STATIC_IN_G
        + """
set routing-options rib-groups G import-policy G-IMPORT
set routing-options static route 192.0.2.0/24 discard
set routing-options static route 198.51.100.0/24 discard
set routing-options static route 203.0.113.0/24 discard
set policy-options policy-statement G-IMPORT term no-test-net from route-filter 192.0.2.0/24 exact
set policy-options policy-statement G-IMPORT term no-test-net then reject
set policy-options policy-statement G-IMPORT term worse from route-filter 198.51.100.0/24 exact
set policy-options policy-statement G-IMPORT term worse then preference 50
set policy-options policy-statement G-IMPORT term worse then metric 7
set policy-options policy-statement G-IMPORT term worse then accept
"""
    )
    vr = lab.engine.tables["VR.inet.0"]
    assert vr.candidates(prefix("192.0.2.0/24")) == []
    changed = vr.active(prefix("198.51.100.0/24"))
    assert (changed.preference, changed.metric, changed.table) == (50, 7, "inet.0")
    original = lab.active("inet.0", "198.51.100.0/24")
    assert (original.preference, original.metric) == (5, None)
    assert changed is not original and changed.origin is original
    assert vr.active(prefix("203.0.113.0/24")) is lab.active("inet.0", "203.0.113.0/24")  # no verdict: copied as is
    assert lab.active("inet.0", "192.0.2.0/24") is not None


def test_modified_copy_follows_its_primary_when_it_goes_away(build):
    """A copy changed by the import-policy is withdrawn with its primary route and comes back with it."""
    lab = build(
        STATIC_IN_G
        + """
set routing-options rib-groups G import-policy G-IMPORT
set routing-options static route 0.0.0.0/0 next-hop 10.1.1.1
set policy-options policy-statement G-IMPORT term all then preference 50
"""
    )
    assert lab.active("VR.inet.0", "0.0.0.0/0").preference == 50
    lab.link("ge-0/0/1.0", False)
    assert lab.active("VR.inet.0", "0.0.0.0/0") is None
    lab.link("ge-0/0/1.0", True)
    assert hops(lab.active("VR.inet.0", "0.0.0.0/0")) == ["to 10.1.1.1 via ge-0/0/1.0"]
    lab.reconfigure(WITH_VR)
    assert lab.engine.tables["VR.inet.0"].routes == {}


def test_seed_000_cross_imports_isp_interface_routes(build):
    """Seed 000: each ISP table holds both ISPs' and the LANs' interface routes, and only its own default."""
    lab = build(SEED_000)
    isp1, isp2 = destinations(lab, "ISP1.inet.0"), destinations(lab, "ISP2.inet.0")
    shared = {
        "10.0.1.0/24": "Direct (inet.0)",
        "10.0.1.1/32": "Local (inet.0)",
        "10.255.0.1/32": "Direct (inet.0)",
        "10.1.1.0/24": "Direct (ISP1.inet.0)",
        "10.1.1.2/32": "Local (ISP1.inet.0)",
        "10.2.2.0/24": "Direct (ISP2.inet.0)",
        "10.2.2.2/32": "Local (ISP2.inet.0)",
    }
    assert isp1 == {**shared, "0.0.0.0/0": "Static (ISP1.inet.0)"}
    assert isp2 == {**shared, "0.0.0.0/0": "Static (ISP2.inet.0)"}
    # inet.0 learns nothing from the ISP instances (the reader comment: the box itself has no default).
    assert destinations(lab, "inet.0") == {
        "10.0.1.0/24": "Direct (inet.0)",
        "10.0.1.1/32": "Local (inet.0)",
        "10.255.0.1/32": "Direct (inet.0)",
    }
    assert hops(lab.lookup("ISP1.inet.0", "8.8.8.8")) == ["to 10.1.1.1 via ge-0/0/1.0"]
    assert hops(lab.lookup("ISP2.inet.0", "8.8.8.8")) == ["to 10.2.2.1 via ge-0/0/2.0"]
    assert hops(lab.lookup("ISP1.inet.0", "10.2.2.1")) == ["via ge-0/0/2.0"]  # the other ISP's subnet
    assert hops(lab.lookup("ISP2.inet.0", "10.0.1.10")) == ["via ge-0/0/3.0"]  # answers find the LAN


def test_seed_000_isp1_link_down_leaves_isp2_intact(build):
    """Seed 000: when ISP1's link fails its routes leave both ISP tables; ISP2's default is untouched."""
    lab = build(SEED_000)
    lab.link("ge-0/0/1.0", False)
    for table in ("ISP1.inet.0", "ISP2.inet.0"):
        assert "10.1.1.0/24" not in destinations(lab, table)
    assert lab.lookup("ISP1.inet.0", "8.8.8.8") is None  # ISP1's default no longer resolves
    assert hops(lab.lookup("ISP2.inet.0", "8.8.8.8")) == ["to 10.2.2.1 via ge-0/0/2.0"]
    lab.link("ge-0/0/1.0", True)
    assert hops(lab.lookup("ISP1.inet.0", "8.8.8.8")) == ["to 10.1.1.1 via ge-0/0/1.0"]
    assert destinations(lab, "ISP2.inet.0")["10.1.1.0/24"] == "Direct (ISP1.inet.0)"


def test_static_next_hop_resolves_over_a_copied_interface_route(build):
    """A static route in ISP2 whose next hop is on ISP1's subnet resolves through the copied Direct route."""
    lab = build(
        SEED_000 + "set routing-instances ISP2 routing-options static route 198.51.100.0/24 next-hop 10.1.1.1\n"
    )
    assert hops(lab.active("ISP2.inet.0", "198.51.100.0/24")) == ["to 10.1.1.1 via ge-0/0/1.0"]
    lab.link("ge-0/0/1.0", False)
    assert lab.active("ISP2.inet.0", "198.51.100.0/24") is None


def test_removing_a_rib_group_removes_its_copies(build):
    """A commit that drops `interface-routes rib-group` takes the copies away."""
    lab = build(SEED_000)
    lab.reconfigure(SEED_000.replace("set routing-options interface-routes rib-group inet inet0-to-isps\n", ""))
    assert "10.0.1.0/24" not in destinations(lab, "ISP1.inet.0")
    assert "10.2.2.0/24" in destinations(lab, "ISP1.inet.0")
    assert destinations(lab, "inet.0")["10.0.1.0/24"] == "Direct (inet.0)"


def test_deleting_an_instance_removes_its_table_and_copies(build):
    """Deleting a routing instance drops its table and the copies of its routes elsewhere."""
    lab = build(SEED_000)
    text = "\n".join(line for line in SEED_000.splitlines() if not any(w in line for w in ("ISP2", "isp2", "ge-0/0/2")))
    lab.reconfigure(text + "\nset routing-options rib-groups inet0-to-isps import-rib [ inet.0 ISP1.inet.0 ]\n")
    assert "ISP2.inet.0" not in lab.engine.tables
    assert "10.2.2.0/24" not in destinations(lab, "ISP1.inet.0")
    assert "10.2.2.0/24" not in destinations(lab, "inet.0")
    assert destinations(lab, "ISP1.inet.0")["10.0.1.0/24"] == "Direct (inet.0)"


def test_deleting_an_instance_keeps_routes_that_were_only_copied_into_it(build):
    """A route of another table that had a copy in a deleted instance stays in its own table."""
    lab = build(SEED_000)
    lab.reconfigure(
        SEED_000.replace("set routing-instances ISP2 instance-type virtual-router\n", "")
        .replace("set routing-instances ISP2 interface ge-0/0/2.0\n", "")
        .replace("set routing-instances ISP2 routing-options static route 0.0.0.0/0 next-hop 10.2.2.1\n", "")
        .replace("set routing-instances ISP2 routing-options interface-routes rib-group inet isp2-to-isp1\n", "")
    )
    assert "ISP2.inet.0" not in lab.engine.tables
    assert destinations(lab, "inet.0")["10.0.1.0/24"] == "Direct (inet.0)"
    assert destinations(lab, "ISP1.inet.0")["10.0.1.0/24"] == "Direct (inet.0)"
