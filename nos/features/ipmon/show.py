"""`show services ip-monitoring status [policy]`, as the SRX300 capture lays it out
(columns 22/15/16/9 for probes and 17/17/16/13 for route actions). The interface
action block follows the same pattern; no capture of it was found."""

from __future__ import annotations

from nos.features.ipmon.service import IpMonitoring
from nos.lab.packet import ipv4_text
from nos.routing.engine import MASTER
from nos.routing.prefix import prefix_text


def status(ipmon: IpMonitoring, policy: str | None = None) -> list[str]:
    lines: list[str] = []
    for name, state in sorted(ipmon.policies.items()):
        if policy is not None and name != policy:
            continue
        spec = state.spec
        if lines:
            lines.append("")
        lines += [
            f"Policy - {name} (Status: {'FAIL' if state.failed else 'PASS'})",
            "RPM Probes:",
            f"{'Probe name':<22} {'Test Name':<15} {'Address':<16} Status",
            f"{'-' * 22} {'-' * 15} {'-' * 16} {'-' * 9}",
        ]
        for owner in spec.probes:
            for run in ipmon.rpm.selected(owner):
                verdict = "FAIL" if run.passed is False else "PASS"
                lines.append(f"{owner:<22} {run.spec.name:<15} {ipv4_text(run.spec.target):<16} {verdict}")
        if spec.routes:
            if spec.withdraw:
                route_state = "WITHDRAWED" if state.applied else "NOT-APPLIED"
            else:
                route_state = "APPLIED" if state.applied else "NOT-APPLIED"
            lines += [
                "Route-Action:",
                f"{'route-instance':<17} {'route':<17} {'next-hop':<16} state",
                f"{'-' * 17} {'-' * 17} {'-' * 16} {'-' * 13}",
            ]
            for route in spec.routes:
                instance = "inet.0" if route.instance == MASTER else route.instance
                hop = ipv4_text(route.next_hop) if route.next_hop is not None else "discard"
                lines.append(f"{instance:<17} {prefix_text(route.prefix):<17} {hop:<16} {route_state}")
        if spec.interfaces:
            lines += [
                "Interface-Action:",
                f"{'interface':<17} {'action':<8} state",
                f"{'-' * 17} {'-' * 8} {'-' * 13}",
            ]
            for ifname, action in spec.interfaces:
                lines.append(f"{ifname:<17} {action:<8} {'APPLIED' if state.applied else 'NOT-APPLIED'}")
    return lines


__all__ = ["status"]
