"""Session logs (nos/features/flow/sessionlog.py): the RT_FLOW_SESSION_CREATE, _CLOSE and _DENY lines
of the policies that ask with `then log session-init | session-close`, in Junos's syslog layout, on
test_flow_path's lab (its policies out, no-dns-2 deny, no-quad9 reject, to-srv through destination
NAT). Policies that do not ask log nothing."""

from __future__ import annotations

import pytest
from featurelab import commit_set
from test_flow_path import SRX, FlowLab

LOGGING = """\
set security policies from-zone trust to-zone untrust policy out then log session-init
set security policies from-zone trust to-zone untrust policy out then log session-close
set security policies from-zone trust to-zone untrust policy no-dns-2 then log session-init
set security policies from-zone trust to-zone untrust policy no-quad9 then log session-init
set security policies from-zone untrust to-zone dmz policy to-srv then log session-init
set security policies global policy g-deny match source-address any destination-address any application any
set security policies global policy g-deny then deny
set security policies global policy g-deny then log session-init
"""
CREATE_TAIL = "N/A(N/A) ge-0/0/0.0 UNKNOWN UNKNOWN UNKNOWN N/A N/A -1 N/A N/A N/A Off root"
CLOSE_TAIL = (
    "UNKNOWN UNKNOWN N/A(N/A) ge-0/0/0.0 UNKNOWN N/A N/A -1 N/A NA 0 0.0.0.0/0->0.0.0.0/0 NA NA N/A N/A Off root"
)


@pytest.fixture
def lab(tmp_path):  # type: ignore[no-untyped-def]
    made = FlowLab(tmp_path, SRX)
    yield made
    made.close()


def logged(lab: FlowLab) -> list[str]:
    """The RT_FLOW lines of the SRX's log, as `show log messages` prints them."""
    return [e.syslog("SRX") for e in lab.srx.log.events if e.process == "RT_FLOW"]


def test_a_permit_that_logs_init_and_close_through_source_nat(lab):
    commit_set(lab.srx, LOGGING)
    lab.send("H", "8.8.8.8", seq=3)
    port = lab.table.select()[0].out_wing.dport
    flow = (
        f"10.0.1.10/3->8.8.8.8/77 0x0 junos-icmp-ping 192.0.2.1/{port}->8.8.8.8/77 0x0 source rule all N/A N/A "
        "1 out trust untrust 1"
    )
    assert logged(lab) == [
        f"Jan  1 00:00:00  SRX RT_FLOW: RT_FLOW_SESSION_CREATE: session created {flow} {CREATE_TAIL}"
    ]
    lab.clock.advance(2.0)  # an ICMP session ends 2 s after its reply
    assert logged(lab)[1] == (
        f"Jan  1 00:00:02  SRX RT_FLOW: RT_FLOW_SESSION_CLOSE: session closed response received: {flow} "
        f"1(64) 1(64) 2 {CLOSE_TAIL}"
    )
    event = lab.srx.log.events[-1]
    assert (event.tag, event.attributes["session-id-32"], event.attributes["policy-name"]) == (
        "RT_FLOW_SESSION_CLOSE",
        "1",
        "out",
    )
    assert "RT_FLOW_SESSION_CREATE: session created 10.0.1.10/3->8.8.8.8/77" in "\n".join(
        lab.cli("show log messages | match RT_FLOW")
    )


def test_a_session_cleared_from_the_cli_closes_with_reason_cli(lab):
    commit_set(lab.srx, LOGGING)
    lab.send("H", "8.8.8.8", "tcp", sport=40001, dport=443, code="")  # SYN, SYN-ACK
    lab.clock.advance(5.0)
    lab.cli("clear security flow session all")
    (close,) = [line for line in logged(lab) if "RT_FLOW_SESSION_CLOSE" in line]
    assert "RT_FLOW_SESSION_CLOSE: session closed CLI: 10.0.1.10/40001->8.8.8.8/443 0x0 junos-https 192.0.2.1/" in close
    assert " 6 out trust untrust 1 1(64) 1(64) 5 UNKNOWN UNKNOWN " in close


def test_denials_of_a_deny_a_reject_and_a_global_policy(lab):
    commit_set(lab.srx, LOGGING)
    lab.send("H", "8.8.4.4", seq=3)
    lab.send("H", "9.9.9.9", "tcp", sport=40000, dport=443, code="")
    lab.send("Net", "203.0.113.10", "udp", sport=4000, dport=53)  # to Srv (destination NAT): only g-deny matches
    head = "Jan  1 00:00:00  SRX RT_FLOW: RT_FLOW_SESSION_DENY: session denied"
    assert logged(lab) == [
        f"{head} 10.0.1.10/3->8.8.4.4/77 0x0 junos-icmp-ping 1(8) no-dns-2 trust untrust UNKNOWN UNKNOWN N/A(N/A) "
        "ge-0/0/0.0 UNKNOWN policy deny",
        f"{head} 10.0.1.10/40000->9.9.9.9/443 0x0 junos-https 6(0) no-quad9 trust untrust UNKNOWN UNKNOWN N/A(N/A) "
        "ge-0/0/0.0 UNKNOWN policy reject",
        f"{head} 198.51.100.2/4000->203.0.113.10/53 0x0 junos-dns-udp 17(0) g-deny(global) untrust dmz UNKNOWN "
        "UNKNOWN N/A(N/A) ge-0/0/1.0 UNKNOWN policy deny",
    ]


def test_destination_nat_names_its_rule_and_the_translated_destination(lab):
    commit_set(lab.srx, LOGGING)
    lab.send("Net", "203.0.113.10", seq=5)
    assert logged(lab) == [
        "Jan  1 00:00:00  SRX RT_FLOW: RT_FLOW_SESSION_CREATE: session created 198.51.100.2/5->203.0.113.10/77 0x0 "
        "junos-ping 198.51.100.2/5->10.0.2.10/77 0x0 N/A N/A destination rule srv 1 to-srv untrust dmz 1 N/A(N/A) "
        "ge-0/0/1.0 UNKNOWN UNKNOWN UNKNOWN N/A N/A -1 N/A N/A N/A Off root"
    ]


def test_only_what_the_policy_asks_for(lab):
    lab.send("H", "8.8.8.8")
    lab.send("H", "8.8.4.4")
    lab.clock.advance(3.0)
    assert logged(lab) == []  # no log statement: nothing
    commit_set(
        lab.srx,
        "set security policies from-zone trust to-zone untrust policy out then log session-close\n"
        "set security policies from-zone trust to-zone untrust policy no-dns-2 then log session-close\n",
    )
    lab.send("H", "8.8.8.8", seq=1)
    lab.send("H", "8.8.4.4", seq=1)  # a denial has no session to close: session-close logs no DENY
    assert logged(lab) == []
    lab.clock.advance(2.0)
    (close,) = logged(lab)
    assert "RT_FLOW_SESSION_CLOSE: session closed response received: 10.0.1.10/1->8.8.8.8/77" in close


def test_a_denial_of_traffic_to_the_device_itself(lab):
    commit_set(
        lab.srx,
        "set security zones security-zone untrust host-inbound-traffic system-services ping\n"
        "set security policies from-zone untrust to-zone junos-host policy no-ping match source-address any\n"
        "set security policies from-zone untrust to-zone junos-host policy no-ping match destination-address any\n"
        "set security policies from-zone untrust to-zone junos-host policy no-ping match application junos-ping\n"
        "set security policies from-zone untrust to-zone junos-host policy no-ping then deny\n"
        "set security policies from-zone untrust to-zone junos-host policy no-ping then log session-init\n",
    )
    assert lab.send("Net", "192.0.2.1", seq=9).reply is None
    assert logged(lab) == [
        "Jan  1 00:00:00  SRX RT_FLOW: RT_FLOW_SESSION_DENY: session denied 198.51.100.2/9->192.0.2.1/77 0x0 "
        "junos-ping 1(8) no-ping untrust junos-host UNKNOWN UNKNOWN N/A(N/A) ge-0/0/1.0 UNKNOWN policy deny"
    ]
