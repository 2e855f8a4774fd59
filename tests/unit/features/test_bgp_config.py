"""`protocols bgp` read into peers (nos/features/bgp/config.py), and its commit checks."""

from __future__ import annotations

from featurelab import commit_set

from nos.features.bgp.session import ACTIVE, HOLD_TIME

AS = "set routing-options autonomous-system 65000\n"
PEER = 0xC6336402  # 198.51.100.2


def specs(device):  # type: ignore[no-untyped-def]
    return {key: s.spec for key, s in device.bgp.sessions.items()}


def test_statements_are_inherited_from_bgp_to_group_to_neighbor(srx):  # type: ignore[no-untyped-def]
    device = srx(
        AS
        + "set protocols bgp hold-time 60\n"
        + "set protocols bgp group up type external\n"
        + "set protocols bgp group up peer-as 65001\n"
        + "set protocols bgp group up export EXPORT-A\n"
        + "set protocols bgp group up neighbor 198.51.100.2 hold-time 30\n"
        + "set protocols bgp group up neighbor 198.51.100.6 export EXPORT-B\n"
        + "set policy-options policy-statement EXPORT-A then accept\n"
        + "set policy-options policy-statement EXPORT-B then accept\n"
    )
    found = specs(device)
    first, second = found[("master", PEER)], found[("master", PEER + 4)]
    assert (first.hold_time, first.export, first.peer_as, first.local_as) == (30, ("EXPORT-A",), 65001, 65000)
    assert (second.hold_time, second.export) == (60, ("EXPORT-B",))
    assert first.ttl == 1 and not first.internal
    assert device.bgp.sessions[("master", PEER)].state == ACTIVE  # configured: trying (no lab to reach)


def test_internal_groups_multihop_and_instances(srx):  # type: ignore[no-untyped-def]
    device = srx(
        AS
        + "set protocols bgp group ibgp type internal\n"
        + "set protocols bgp group ibgp local-address 10.255.0.1\n"
        + "set protocols bgp group ibgp neighbor 10.255.0.2\n"
        + "set protocols bgp group far type external\n"
        + "set protocols bgp group far peer-as 65009\n"
        + "set protocols bgp group far multihop ttl 5\n"
        + "set protocols bgp group far neighbor 192.0.2.9\n"
        + "set routing-instances VR instance-type virtual-router\n"
        + "set routing-instances VR routing-options autonomous-system 65100\n"
        + "set routing-instances VR protocols bgp group g peer-as 65200\n"
        + "set routing-instances VR protocols bgp group g neighbor 10.9.9.9\n"
    )
    found = specs(device)
    ibgp = found[("master", 0x0AFF0002)]
    assert ibgp.internal and ibgp.ttl == 64 and ibgp.local_address == 0x0AFF0001 and ibgp.hold_time == HOLD_TIME
    assert found[("master", 0xC0000209)].ttl == 5
    vr = found[("VR", 0x0A090909)]
    assert (vr.local_as, vr.peer_as, vr.instance) == (65100, 65200, "VR")


def test_commit_errors_name_the_neighbour(srx, schema, clock, tmp_path):  # type: ignore[no-untyped-def]
    device = srx("")
    no_as = commit_set(device, "set protocols bgp group g neighbor 192.0.2.1\n", ok=False)
    assert no_as[:3] == [
        "[edit protocols bgp group g]",
        "  'neighbor 192.0.2.1'",
        "    Local AS number must be configured",
    ]
    no_peer_as = commit_set(device, AS + "set protocols bgp group g neighbor 192.0.2.1\n", ok=False)
    assert "peer AS number must be configured for an external peer" in "\n".join(no_peer_as)
    same_as = commit_set(
        device, AS + "set protocols bgp group g type external peer-as 65000 neighbor 192.0.2.1\n", ok=False
    )
    assert "peer AS number must differ from the local AS for an external peer" in "\n".join(same_as)
    wrong_internal = commit_set(
        device, AS + "set protocols bgp group g type internal peer-as 65001 neighbor 192.0.2.1\n", ok=False
    )
    assert "peer AS number must match the local AS for an internal peer" in "\n".join(wrong_internal)
    assert not device.bgp.sessions  # nothing committed, nothing running


def test_a_changed_neighbour_is_reset_and_a_removed_one_stopped(srx, recommit):  # type: ignore[no-untyped-def]
    base = AS + "set protocols bgp group up peer-as 65001 neighbor 198.51.100.2\n"
    device = srx(base)
    first = device.bgp.sessions[("master", PEER)]
    recommit(device, base + "set policy-options policy-statement P then accept\nset protocols bgp group up import P\n")
    assert device.bgp.sessions[("master", PEER)] is first  # a policy change keeps the session
    assert first.spec.import_ == ("P",)
    recommit(device, base + "set protocols bgp group up hold-time 30\n")
    second = device.bgp.sessions[("master", PEER)]
    assert second is not first and second.spec.hold_time == 30  # other changes reset it
    recommit(device, "delete protocols bgp\n")
    assert not device.bgp.sessions and second.state == "Idle"
