"""ip-monitoring following RPM results in a lab on a manual clock (semantics.md 2): when a probe and a
policy fail, the preferred routes (inet.0 and routing instances, preference 1 or preferred-metric),
`withdraw`, `no-preempt`, interface actions, commits of changed policies, the status command, and
what the lab's timeline says, at exact times.

The lab (latencies one way):

    H1 10.0.1.10 --1 ms-- ge-0/0/0 10.0.1.1       R1  ge-0/0/1 198.51.100.1 --2 ms-- eth0 198.51.100.2  (ISP1)
                                                      ge-0/0/2 203.0.113.1  --4 ms-- eth1 203.0.113.2   (ISP2)   Net
                                              [VR]    ge-0/0/3 192.0.2.1    --3 ms-- eth2 192.0.2.2              (8.8.8.8, 8.8.4.4)

inet.0: 0.0.0.0/0 via 198.51.100.2 (Static/5); VR: 0.0.0.0/0 via 192.0.2.2. The probes are pinned to
their ISP with `next-hop`: `isp1` goes through ISP1 (4 ms), `isp2` through ISP2 (8 ms). Each test
sends 3 probes 1 s apart, 2 s between tests, and fails when all 3 are lost.

Unless a test says otherwise, ISP1's link loses everything from 10 s to 30 s: isp1's test that
starts at 13.008 s loses its 3 probes and fails at 16.008 s (the last one's timeout); the test of
28.008 s gets its third probe back at 30.012 s, and passes then.
"""

from __future__ import annotations

import pytest
from featurelab import UPLINKS_R1, ManualLab, rpm_test, uplinks_lab

from nos.lab.packet import ipv4_text
from nos.routing.prefix import prefix

LAB = uplinks_lab("ipmon", (1, 2, 4, 3), ["8.8.8.8", "8.8.4.4"])


def probe(owner: str, test: str, target: str, next_hop: str) -> str:
    return rpm_test(
        owner,
        test,
        f"target address {target}",
        f"next-hop {next_hop}",
        "probe-count 3",
        "probe-interval 1",
        "test-interval 2",
        "thresholds total-loss 3",
    )


ISP1 = probe("isp1", "t1", "8.8.8.8", "198.51.100.2")
ISP2 = probe("isp2", "t1", "8.8.4.4", "203.0.113.2")
FAIL_AT = 16.008  # isp1's first failed test ends (ISP1 lossy from 10 s)
PASS_AT = 30.012  # and its first passing one, after the repair at 30 s


def policy(name: str, *statements: str) -> str:
    return "".join(f"set services ip-monitoring policy {name} {s}\n" for s in statements)


class IpmonLab(ManualLab):
    def __init__(self, folder, config: str, outage: bool = True):  # type: ignore[no-untyped-def]
        super().__init__(folder, UPLINKS_R1 + config, LAB)
        self.engine = self.device.routing
        self.ipmon = next(f for f in self.device.features.features if f.name == "ip-monitoring")
        if outage:
            self.clock.call_at(10, lambda: self.loss("R1:ge-0/0/1", 100))
            self.clock.call_at(30, lambda: self.loss("R1:ge-0/0/1", 0))

    def until(self, when: float) -> None:
        """Run the lab to `when` (a hair past it: what is due at a computed instant has happened)."""
        super().until(when + 1e-9)

    def routes(self, table: str, text: str) -> list[tuple[str, int, str]]:
        """(protocol, preference, next hop or kind) of every route to `text` in `table`, lowest preference first."""
        rib = self.engine.table(table)
        out = []
        for route in rib.candidates(prefix(text)) if rib else []:
            hop = route.next_hops[0]
            where = hop.kind if hop.gateway is None else ipv4_text(hop.gateway)
            out.append((route.protocol, route.preference, where))
        return sorted(out, key=lambda r: r[1])

    def active(self, table: str, text: str) -> tuple[str, int] | None:
        rib = self.engine.table(table)
        route = rib.active(prefix(text)) if rib else None
        return (route.protocol, route.preference) if route is not None else None

    def timeline(
        self, since: float = 0.0, kinds: tuple[str, ...] = ("probe", "route", "interface")
    ) -> list[tuple[float, str]]:
        """R1's events from `since`, as (lab time, kind: text); PING_* events left out."""
        return [
            (round(e.time, 6), f"{e.kind}: {e.text}")
            for e in self.lab.events
            if e.time >= since and e.node == "R1" and e.kind in kinds and not e.text.startswith("PING_")
        ]

    def unit_up(self, name: str) -> bool:
        interfaces = self.device.dataplane.interfaces
        return interfaces.unit_up(interfaces.units[name])


@pytest.fixture
def ipmon_lab(new_lab):  # type: ignore[no-untyped-def]
    return lambda config, outage=True: new_lab(IpmonLab, config, outage)


FAILOVER = policy("failover", "match rpm-probe isp1", "then preferred-route route 0.0.0.0/0 next-hop 203.0.113.2")


# -- preferred routes -------------------------------------------------------------------------------------


def test_a_failing_probe_puts_in_the_preferred_route_and_recovery_takes_it_away(ipmon_lab):
    lab = ipmon_lab(ISP1 + FAILOVER)
    lab.until(FAIL_AT - 0.001)
    assert lab.active("inet.0", "0.0.0.0/0") == ("Static", 5)
    assert lab.ipmon.policies["failover"].failed is False
    lab.until(FAIL_AT)
    assert lab.active("inet.0", "0.0.0.0/0") == ("Static", 1)
    assert lab.routes("inet.0", "0.0.0.0/0") == [("Static", 1, "203.0.113.2"), ("Static", 5, "198.51.100.2")]
    lab.until(PASS_AT - 0.001)
    assert lab.active("inet.0", "0.0.0.0/0") == ("Static", 1)
    lab.until(PASS_AT)
    assert lab.routes("inet.0", "0.0.0.0/0") == [("Static", 5, "198.51.100.2")]
    assert lab.timeline() == [
        (FAIL_AT, "probe: ip-monitoring policy failover: FAIL"),
        (
            FAIL_AT,
            "route: inet.0 0.0.0.0/0: Static/1 to 203.0.113.2 via ge-0/0/2.0 (was Static/5 to 198.51.100.2 via ge-0/0/1.0)",
        ),
        (FAIL_AT, "probe: ip-monitoring policy failover: action applied"),
        (PASS_AT, "probe: ip-monitoring policy failover: PASS"),
        (
            PASS_AT,
            "route: inet.0 0.0.0.0/0: Static/5 to 198.51.100.2 via ge-0/0/1.0 (was Static/1 to 203.0.113.2 via ge-0/0/2.0)",
        ),
        (PASS_AT, "probe: ip-monitoring policy failover: action reverted"),
    ]


def test_the_moved_route_carries_the_traffic(ipmon_lab):
    """8.8.8.8 from R1 (not pinned) goes through ISP1 (4 ms), through ISP2 (8 ms) while the policy fails."""
    lab = ipmon_lab(ISP1 + FAILOVER + "set services rpm probe watch test t target address 8.8.8.8\n")
    lab.until(FAIL_AT - 0.5)
    rtts = [p[2] for p in lab.device.rpm.runs["watch", "t"].history]
    assert rtts[0] == pytest.approx(4.0) and rtts[-1] is None  # the unpinned probe died with ISP1 too
    lab.until(FAIL_AT + 3)  # (its probe of 14.04 s times out at 17.04 s)
    assert lab.device.rpm.runs["watch", "t"].history[-1][2] == pytest.approx(8.0)


@pytest.mark.parametrize(
    ("metric", "routes"),
    [
        (3, [("Static", 3, "203.0.113.2"), ("Static", 5, "198.51.100.2")]),
        (7, [("Static", 5, "198.51.100.2"), ("Static", 7, "203.0.113.2")]),  # the static route stays active
    ],
    ids=["below-static", "above-static"],
)
def test_preferred_metric_is_the_routes_preference(ipmon_lab, metric, routes):
    lab = ipmon_lab(
        ISP1 + FAILOVER + policy("failover", f"then preferred-route route 0.0.0.0/0 preferred-metric {metric}")
    )
    lab.until(20)
    assert lab.routes("inet.0", "0.0.0.0/0") == routes


def test_a_preferred_route_in_a_routing_instance(ipmon_lab):
    lab = ipmon_lab(
        ISP1
        + policy(
            "vr",
            "match rpm-probe isp1",
            "then preferred-route routing-instances VR route 10.50.0.0/16 next-hop 192.0.2.2",
            "then preferred-route routing-instances VR route 10.60.0.0/16 discard",
        )
    )
    lab.until(FAIL_AT)
    assert lab.routes("VR.inet.0", "10.50.0.0/16") == [("Static", 1, "192.0.2.2")]
    assert lab.routes("VR.inet.0", "10.60.0.0/16") == [("Static", 1, "discard")]
    assert lab.routes("inet.0", "10.50.0.0/16") == []
    lab.until(PASS_AT)
    assert lab.routes("VR.inet.0", "10.50.0.0/16") == lab.routes("VR.inet.0", "10.60.0.0/16") == []


def test_withdraw_keeps_the_routes_while_the_policy_passes(ipmon_lab):
    lab = ipmon_lab(
        ISP1
        + policy(
            "w",
            "match rpm-probe isp1",
            "then preferred-route withdraw",
            "then preferred-route route 10.30.0.0/16 next-hop 198.51.100.2",
        )
    )
    assert lab.routes("inet.0", "10.30.0.0/16") == [("Static", 1, "198.51.100.2")]
    lab.until(FAIL_AT)
    assert lab.routes("inet.0", "10.30.0.0/16") == []
    lab.until(PASS_AT)
    assert lab.routes("inet.0", "10.30.0.0/16") == [("Static", 1, "198.51.100.2")]
    assert lab.timeline(kinds=("route",)) == [
        (FAIL_AT, "route: inet.0 10.30.0.0/16: no active route (was Static/1 to 198.51.100.2 via ge-0/0/1.0)"),
        (PASS_AT, "route: inet.0 10.30.0.0/16: Static/1 to 198.51.100.2 via ge-0/0/1.0"),
    ]


def test_no_preempt_keeps_the_action_after_recovery(ipmon_lab):
    lab = ipmon_lab(ISP1 + FAILOVER + policy("failover", "no-preempt"))
    lab.until(60)
    state = lab.ipmon.policies["failover"]
    assert (state.failed, state.applied) == (False, True)
    assert lab.active("inet.0", "0.0.0.0/0") == ("Static", 1)
    assert lab.timeline(kinds=("probe",)) == [
        (FAIL_AT, "probe: ip-monitoring policy failover: FAIL"),
        (FAIL_AT, "probe: ip-monitoring policy failover: action applied"),
        (PASS_AT, "probe: ip-monitoring policy failover: PASS"),
    ]
    # A second outage finds the action in place already.
    lab.loss("R1:ge-0/0/1", 100)
    lab.until(70)
    assert lab.timeline(since=60, kinds=("probe", "route")) == [(63.04, "probe: ip-monitoring policy failover: FAIL")]


# -- which probes make a policy fail ------------------------------------------------------------------------


# Probe `isp` tests both ISPs; policy p watches it.
BOTH_ISPS = (
    probe("isp", "via-isp1", "8.8.8.8", "198.51.100.2")
    + probe("isp", "via-isp2", "8.8.4.4", "203.0.113.2")
    + policy("p", "match rpm-probe isp", "then preferred-route route 10.40.0.0/16 discard")
)


def test_a_probe_fails_only_when_all_its_tests_failed(ipmon_lab):
    """Owner `isp` tests both ISPs. Losing ISP1 fails one of its tests, not the probe. ISP2 lost too
    from 20 s: its test of 20.04 s (8 ms round trips) fails at 23.04 s, and the probe with it; ISP1's
    test of 28.008 s passes at 30.012 s, and the probe is reachable again."""
    lab = ipmon_lab(BOTH_ISPS)
    lab.until(20)
    assert lab.device.rpm.runs["isp", "via-isp1"].passed is False
    assert lab.device.rpm.runs["isp", "via-isp2"].passed is True
    assert lab.ipmon.probe_failed("isp") is False
    assert lab.ipmon.policies["p"].failed is False
    lab.loss("R1:ge-0/0/2", 100)
    lab.until(40)
    assert lab.device.rpm.runs["isp", "via-isp2"].passed is False
    assert lab.timeline(kinds=("probe",)) == [
        (23.04, "probe: ip-monitoring policy p: FAIL"),
        (23.04, "probe: ip-monitoring policy p: action applied"),
        (PASS_AT, "probe: ip-monitoring policy p: PASS"),
        (PASS_AT, "probe: ip-monitoring policy p: action reverted"),
    ]


def test_a_policy_fails_when_any_of_its_probes_fails(ipmon_lab):
    lab = ipmon_lab(
        ISP1 + ISP2 + policy("p", "match rpm-probe [ isp2 isp1 ]", "then preferred-route route 10.40.0.0/16 discard")
    )
    lab.until(40)
    assert lab.device.rpm.runs["isp2", "t1"].passed is True
    assert lab.timeline(kinds=("probe",)) == [
        (FAIL_AT, "probe: ip-monitoring policy p: FAIL"),
        (FAIL_AT, "probe: ip-monitoring policy p: action applied"),
        (PASS_AT, "probe: ip-monitoring policy p: PASS"),
        (PASS_AT, "probe: ip-monitoring policy p: action reverted"),
    ]


def test_a_test_that_has_not_completed_has_not_failed(ipmon_lab):
    """A dead target from the start: the policy passes until the first test ends (3 s), then fails."""
    dead = probe("dead", "t1", "10.0.1.99", "10.0.1.10")
    lab = ipmon_lab(
        dead + policy("p", "match rpm-probe dead", "then preferred-route route 10.40.0.0/16 discard"), outage=False
    )
    lab.until(2.999)
    assert lab.ipmon.policies["p"].failed is False
    lab.until(3)
    assert lab.ipmon.policies["p"].failed is True


# -- interface actions ----------------------------------------------------------------------------------------


def test_interface_enable_keeps_the_interface_down_until_the_policy_fails(ipmon_lab):
    lab = ipmon_lab(ISP1 + policy("lan", "match rpm-probe isp1", "then interface ge-0/0/0 enable"))
    assert not lab.unit_up("ge-0/0/0.0")
    assert lab.active("inet.0", "10.0.1.0/24") is None
    lab.until(FAIL_AT)
    assert lab.unit_up("ge-0/0/0.0")
    assert lab.active("inet.0", "10.0.1.0/24") == ("Direct", 0)
    lab.until(PASS_AT)
    assert not lab.unit_up("ge-0/0/0.0")
    assert lab.timeline(since=1, kinds=("interface",)) == [
        (
            FAIL_AT,
            "interface: SNMP_TRAP_LINK_UP: ifIndex 502, ifAdminStatus up(1), ifOperStatus up(1), ifName ge-0/0/0",
        ),
        (
            PASS_AT,
            "interface: SNMP_TRAP_LINK_DOWN: ifIndex 502, ifAdminStatus down(2), ifOperStatus down(2), ifName ge-0/0/0",
        ),
    ]
    terse = lab.cli("show interfaces ge-0/0/0 terse")
    assert terse[1].split()[:2] == ["ge-0/0/0", "down"]  # administratively down


def test_interface_disable_takes_the_interface_down_while_the_policy_fails(ipmon_lab):
    lab = ipmon_lab(ISP1 + policy("lan", "match rpm-probe isp1", "then interface ge-0/0/0.0 disable"))
    assert lab.unit_up("ge-0/0/0.0")
    assert lab.timeline(kinds=("interface",)) == []  # nothing to do while the policy passes
    lab.until(FAIL_AT)
    assert not lab.unit_up("ge-0/0/0.0")
    lab.until(PASS_AT)
    assert lab.unit_up("ge-0/0/0.0")
    assert [t for t, _ in lab.timeline(kinds=("interface",))] == [FAIL_AT, PASS_AT]


# -- commits ------------------------------------------------------------------------------------------------


def test_a_policy_changed_while_it_fails_moves_straight_to_its_new_action(ipmon_lab):
    lab = ipmon_lab(ISP1 + FAILOVER + policy("failover", "then interface ge-0/0/0 enable"))
    lab.until(20)
    assert lab.commit(
        "delete services ip-monitoring policy failover then preferred-route route 0.0.0.0/0\n"
        "set services ip-monitoring policy failover then preferred-route route 0.0.0.0/0 next-hop 198.51.100.2\n"
        "set services ip-monitoring policy failover then preferred-route route 0.0.0.0/0 preferred-metric 2\n"
    ) == ["commit complete"]
    assert lab.routes("inet.0", "0.0.0.0/0") == [("Static", 2, "198.51.100.2"), ("Static", 5, "198.51.100.2")]
    assert lab.unit_up("ge-0/0/0.0")
    # No PASS in between: the action is not reverted, the interface does not flap. (The route is
    # replaced in one step; the routing engine reports a replacement as a withdrawal and an add.)
    assert lab.timeline(since=20, kinds=("probe", "interface")) == [
        (20, "probe: ip-monitoring policy failover: FAIL"),
        (20, "probe: ip-monitoring policy failover: action applied"),
    ]
    assert lab.timeline(since=20, kinds=("route",))[-1] == (
        20,
        "route: inet.0 0.0.0.0/0: Static/2 to 198.51.100.2 via ge-0/0/1.0 (was Static/5 to 198.51.100.2 via ge-0/0/1.0)",
    )
    lab.until(PASS_AT)
    assert lab.routes("inet.0", "0.0.0.0/0") == [("Static", 5, "198.51.100.2")]
    assert not lab.unit_up("ge-0/0/0.0")


def test_a_deleted_policy_leaves_nothing_behind(ipmon_lab):
    lab = ipmon_lab(ISP1 + FAILOVER + policy("failover", "then interface ge-0/0/0 enable"))
    lab.until(20)
    assert lab.commit("delete services ip-monitoring\n") == ["commit complete"]
    assert lab.routes("inet.0", "0.0.0.0/0") == [("Static", 5, "198.51.100.2")]
    assert lab.unit_up("ge-0/0/0.0")  # released: no longer held down (the policy held it up while failing)
    assert lab.ipmon.policies == {}
    assert lab.cli("show services ip-monitoring status") == []


def test_a_policy_added_while_its_probe_fails_acts_at_the_commit(ipmon_lab):
    lab = ipmon_lab(ISP1)
    lab.until(20)
    assert lab.commit(FAILOVER) == ["commit complete"]
    assert lab.active("inet.0", "0.0.0.0/0") == ("Static", 1)
    assert lab.timeline(since=20, kinds=("probe",)) == [
        (20, "probe: ip-monitoring policy failover: FAIL"),
        (20, "probe: ip-monitoring policy failover: action applied"),
    ]


def test_an_unrelated_commit_leaves_an_applied_policy_alone(ipmon_lab):
    lab = ipmon_lab(ISP1 + FAILOVER)
    lab.until(20)
    assert lab.commit("set routing-options static route 10.77.0.0/16 discard\n") == ["commit complete"]
    assert lab.timeline(since=20, kinds=("probe", "route")) == [(20, "route: inet.0 10.77.0.0/16: Static/5 Discard")]
    assert lab.active("inet.0", "0.0.0.0/0") == ("Static", 1)


def test_a_changed_rpm_test_has_not_failed_yet(ipmon_lab):
    """Changing the test restarts it: until its first test fails the probe does not count as failed."""
    lab = ipmon_lab(ISP1 + FAILOVER)
    lab.until(20)
    assert lab.commit("set services rpm probe isp1 test t1 test-interval 1\n") == ["commit complete"]
    assert lab.ipmon.policies["failover"].failed is False
    assert lab.active("inet.0", "0.0.0.0/0") == ("Static", 5)
    lab.until(23)
    assert lab.ipmon.policies["failover"].failed is True
    assert lab.active("inet.0", "0.0.0.0/0") == ("Static", 1)


def test_a_policy_needs_a_match(ipmon_lab):
    lab = ipmon_lab(ISP1, outage=False)
    assert lab.commit(policy("p", "then preferred-route route 10.40.0.0/16 discard"), ok=False) == [
        "[edit services ip-monitoring]",
        "  'policy p'",
        "    Missing mandatory statement: 'match'",
        "error: commit failed: (missing mandatory statements)",
    ]


# -- show services ip-monitoring status -------------------------------------------------------------------

# The heads of the tables of a policy's status.
PROBES = [
    "RPM Probes:",
    "Probe name             Test Name       Address          Status",
    "---------------------- --------------- ---------------- ---------",
]
ROUTE_ACTIONS = [
    "Route-Action:",
    "route-instance    route             next-hop         state",
    "----------------- ----------------- ---------------- -------------",
]
INTERFACE_ACTIONS = [
    "Interface-Action:",
    "interface         action   state",
    "----------------- -------- -------------",
]

STATUS_CONFIG = (
    ISP1
    + ISP2
    + FAILOVER
    + policy("failover", "then interface ge-0/0/0 enable")
    + policy(
        "backup",
        "match rpm-probe isp2",
        "then preferred-route routing-instances VR route 10.50.0.0/16 next-hop 192.0.2.2",
    )
    + policy(
        "primary-only",
        "match rpm-probe isp1",
        "then preferred-route withdraw",
        "then preferred-route route 10.30.0.0/16 next-hop 198.51.100.2",
    )
)


@pytest.mark.parametrize(
    ("when", "command", "expected"),
    [
        (
            5,
            "show services ip-monitoring status failover",
            [
                "Policy - failover (Status: PASS)",
                *PROBES,
                "isp1                   t1              8.8.8.8          PASS",
                *ROUTE_ACTIONS,
                "inet.0            0.0.0.0/0         203.0.113.2      NOT-APPLIED",
                *INTERFACE_ACTIONS,
                "ge-0/0/0          enable   NOT-APPLIED",
            ],
        ),
        (
            20,
            "show services ip-monitoring status",
            [
                "Policy - backup (Status: PASS)",
                *PROBES,
                "isp2                   t1              8.8.4.4          PASS",
                *ROUTE_ACTIONS,
                "VR                10.50.0.0/16      192.0.2.2        NOT-APPLIED",
                "",
                "Policy - failover (Status: FAIL)",
                *PROBES,
                "isp1                   t1              8.8.8.8          FAIL",
                *ROUTE_ACTIONS,
                "inet.0            0.0.0.0/0         203.0.113.2      APPLIED",
                *INTERFACE_ACTIONS,
                "ge-0/0/0          enable   APPLIED",
                "",
                "Policy - primary-only (Status: FAIL)",
                *PROBES,
                "isp1                   t1              8.8.8.8          FAIL",
                *ROUTE_ACTIONS,
                "inet.0            10.30.0.0/16      198.51.100.2     WITHDRAWED",
            ],
        ),
    ],
    ids=["while-all-pass", "while-a-probe-fails"],
)
def test_status(ipmon_lab, when, command, expected):
    """The status of one policy while every probe passes, and of all while isp1 fails."""
    lab = ipmon_lab(STATUS_CONFIG)
    lab.until(when)
    assert lab.cli(command) == expected


def test_status_has_one_row_per_test_of_each_probe(ipmon_lab):
    lab = ipmon_lab(BOTH_ISPS)
    lab.until(20)
    assert lab.cli("show services ip-monitoring status p")[:7] == [
        "Policy - p (Status: PASS)",
        *PROBES,
        "isp                    via-isp1        8.8.8.8          FAIL",
        "isp                    via-isp2        8.8.4.4          PASS",
        "Route-Action:",
    ]
    assert lab.cli("show services ip-monitoring status p")[-1] == (
        "inet.0            10.40.0.0/16      discard          NOT-APPLIED"
    )
    assert lab.cli("show services ip-monitoring status nosuch") == []
