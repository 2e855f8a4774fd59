"""`show services ip-monitoring status [policy]`: built once as the `<ip-monitoring>` element Junos
answers get-ip-monitoring-status with, and rendered to text from it as the SRX300 capture lays it
out (columns 22/15/16/9 for probes and 17/17/16/13 for route actions; the interface action block
follows the same pattern, no capture of it was found).

No XML capture of this RPC was found (reference junos-xml/INDEX.md, "Gaps"). What is known: the
root is `<ip-monitoring>`, and a published PyEZ check reads `.//policy-header/policy-name` (whose
text holds the `(Status: PASS|FAIL)` the text shows) and `.//status/probe-status`. The other
names, and the flat layout (a `<policy-header>` followed by its probes and actions, as Junos lays
out other per-block commands), are this simulator's.
"""

from __future__ import annotations

from nos.features.ipmon.service import IpMonitoring
from nos.lab.packet import ipv4_text
from nos.routing.engine import MASTER
from nos.routing.prefix import prefix_text
from nos.runtime.structured import E, Element, Structured, sub, text_of


def status_xml(ipmon: IpMonitoring, policy: str | None = None) -> Element:
    """`<ip-monitoring>`: per policy its header, its probes' verdicts and its actions' states."""
    info = E("ip-monitoring")
    for name, state in sorted(ipmon.policies.items()):
        if policy is not None and name != policy:
            continue
        spec = state.spec
        header = sub(info, "policy-header")
        sub(header, "policy-name", f"{name} (Status: {'FAIL' if state.failed else 'PASS'})")
        for owner in spec.probes:
            for run in ipmon.rpm.selected(owner):
                probe = sub(info, "status")
                sub(probe, "probe-name", owner)
                sub(probe, "test-name", run.spec.name)
                sub(probe, "address", ipv4_text(run.spec.target))
                sub(probe, "probe-status", "FAIL" if run.passed is False else "PASS")
        if spec.withdraw:
            route_state = "WITHDRAWED" if state.applied else "NOT-APPLIED"
        else:
            route_state = "APPLIED" if state.applied else "NOT-APPLIED"
        for route in spec.routes:
            action = sub(info, "route-action")
            sub(action, "route-instance", "inet.0" if route.instance == MASTER else route.instance)
            sub(action, "route", prefix_text(route.prefix))
            sub(action, "next-hop", ipv4_text(route.next_hop) if route.next_hop is not None else "discard")
            sub(action, "state", route_state)
        for ifname, verb in spec.interfaces:
            action = sub(info, "interface-action")
            sub(action, "interface-name", ifname)
            sub(action, "action", verb)
            sub(action, "state", "APPLIED" if state.applied else "NOT-APPLIED")
    return info


_PROBES = [
    "RPM Probes:",
    f"{'Probe name':<22} {'Test Name':<15} {'Address':<16} Status",
    f"{'-' * 22} {'-' * 15} {'-' * 16} {'-' * 9}",
]
_ROUTES = [
    "Route-Action:",
    f"{'route-instance':<17} {'route':<17} {'next-hop':<16} state",
    f"{'-' * 17} {'-' * 17} {'-' * 16} {'-' * 13}",
]
_INTERFACES = [
    "Interface-Action:",
    f"{'interface':<17} {'action':<8} state",
    f"{'-' * 17} {'-' * 8} {'-' * 13}",
]


def render_status(info: Element) -> list[str]:
    """The text, read from `<ip-monitoring>`: each block's title before its first row."""
    lines: list[str] = []
    titled: set[str] = set()
    for element in info:
        tag = element.tag
        t = lambda path, e=element: text_of(e, path)  # noqa: E731
        if tag == "policy-header":
            if lines:
                lines.append("")
            lines.append(f"Policy - {t('policy-name')}")
            lines += _PROBES  # listed even when the policy's probes have no test
            titled = set()
        elif tag == "status":
            lines.append(f"{t('probe-name'):<22} {t('test-name'):<15} {t('address'):<16} {t('probe-status')}")
        elif tag == "route-action":
            if tag not in titled:
                lines += _ROUTES
                titled.add(tag)
            lines.append(f"{t('route-instance'):<17} {t('route'):<17} {t('next-hop'):<16} {t('state')}")
        elif tag == "interface-action":
            if tag not in titled:
                lines += _INTERFACES
                titled.add(tag)
            lines.append(f"{t('interface-name'):<17} {t('action'):<8} {t('state')}")
    return lines


def status(ipmon: IpMonitoring, policy: str | None = None) -> Structured:
    """`show services ip-monitoring status [POLICY]` (get-ip-monitoring-status [policy])."""
    rpc_args: dict[str, str | bool] = {"policy": policy} if policy else {}
    return Structured(status_xml(ipmon, policy), render_status, "get-ip-monitoring-status", rpc_args)


__all__ = ["render_status", "status", "status_xml"]
