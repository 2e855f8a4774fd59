"""`show security flow session [summary|extensive|brief]`, `... session-identifier N` and `show security
flow statistics`: the Junos XML first (get-flow-session-information, get-flow-session-by-identifier,
get-flow-statistics-all), the text read back from it.

Text as the captures in reference/junos-output have it (show_security_flow_session__*, Junos 23-24):
each session starts with a blank line, then `Session ID: N, Policy name: P/N, Timeout: N, Session
State: Valid` and its In/Out wings (`Conn Tag: 0x0, If: X, Pkts: N, Bytes: N, ` with the trailing
comma and space), `Total sessions: N` straight after the last wing. `brief` prints the same as the
default on 24.4. `extensive` (and session-identifier) prints the 24.4 block (Status, Policy name,
Source NAT pool and Application, Dynamic application ..., Maximum/Current timeout, Session State,
Start time in epoch seconds and Duration, each wing's tuple, Conn Tag and Interface, Gateway and
tunnel, Pkts and Bytes); it leaves out what only the PFE's internals know (Flags, Session token,
Route, Port/FIN sequence), which the simulator has no honest value for.

XML elements follow the 24.4 reply (junos-xml/get-flow-session-information__*); the statistics
reply follows a 18.x standalone capture (flow-statistics-all); `flow-pkt-count-services-offload`,
the element of 24.4's `Services-offload packets processed` line, is this simulator's name (no
capture shows it).
"""

from __future__ import annotations

from nos.features.flow.sessions.table import FlowStatistics, Session, SessionTable, Summary, Wing
from nos.lab.packet import ipv4_text
from nos.runtime.structured import JUNOS, E, Element, Structured, namespace, sub, text_of

FLOW = namespace("junos-flow")
_STYLE = f"{{{JUNOS}}}style"  # the junos:style attribute


# -- get-flow-session-information -----------------------------------------------------------------------


def sessions_xml(sessions: list[Session], now: float, epoch0: float, style: str = "brief") -> Element:
    """`<flow-session-information>` with one `<flow-session>` each (style brief or extensive)."""
    info = E("flow-session-information", ns=FLOW)
    for s in sessions:
        _session(info, s, now, epoch0, style)
    sub(info, "displayed-session-count", len(sessions))
    return info


def _session(parent: Element, s: Session, now: float, epoch0: float, style: str) -> None:
    el = sub(parent, "flow-session", junos_style=style)
    sub(el, "session-identifier", s.id)
    sub(el, "status", "Normal")
    sub(el, "policy", s.policy_text)
    sub(el, "nat-source-pool-name", s.nat_pool or "Null")
    if s.application:
        sub(el, "application-name", s.application)
    # No application identification in the simulator: what a vSRX without AppSecure reports.
    sub(el, "dynamic-application-name", "junos:UNKNOWN")
    sub(el, "encryption-traffic-name", " Unknown")
    sub(el, "url-category-name", " Unknown")
    sub(el, "application-traffic-control-rule-set-name", "INVALID")
    sub(el, "application-traffic-control-rule-name", "INVALID")
    sub(el, "configured-timeout", s.timeout)
    sub(el, "timeout", s.remaining(now))
    sub(el, "sess-state", "Valid" if s.valid else "Invalidated")
    sub(el, "start-time", int(epoch0 + s.created))
    sub(el, "duration", int(now - s.created))
    _wing(el, "In", s.in_wing, s.in_packets, s.in_bytes, style)
    _wing(el, "Out", s.out_wing, s.out_packets, s.out_bytes, style)


def _wing(parent: Element, direction: str, w: Wing, packets: int, octets: int, style: str) -> None:
    el = sub(parent, "flow-information", junos_style=style)
    sub(el, "direction", direction)
    sub(el, "source-address", ipv4_text(w.src))
    sub(el, "source-port", w.sport)
    sub(el, "destination-address", ipv4_text(w.dst))
    sub(el, "destination-port", w.dport)
    sub(el, "protocol", w.proto)
    sub(el, "conn-tag", "0x0")
    sub(el, "interface-name", w.ifl)
    sub(el, "power-mode-express-path", "False")
    if w.gateway is not None:
        sub(el, "gateway", ipv4_text(w.gateway))
    sub(el, "tunnel-id", 0)
    sub(el, "tunnel-type", "None")
    sub(el, "pkt-cnt", packets)
    sub(el, "byte-cnt", octets)


def sessions_text(info: Element) -> list[str]:
    lines: list[str] = []
    for el in info.iterfind("flow-session"):
        lines.append("")
        if el.get(_STYLE) == "extensive":
            lines += _extensive(el)
            continue
        lines.append(
            f"Session ID: {text_of(el, 'session-identifier')}, Policy name: {text_of(el, 'policy')}, "
            f"Timeout: {text_of(el, 'timeout')}, Session State: {text_of(el, 'sess-state')}"
        )
        for wing in el.iterfind("flow-information"):
            lines.append(
                f"  {_tuple(wing)}, Conn Tag: {text_of(wing, 'conn-tag')}, If: {text_of(wing, 'interface-name')}, "
                f"Pkts: {text_of(wing, 'pkt-cnt')}, Bytes: {text_of(wing, 'byte-cnt')}, "
            )
    lines.append(f"Total sessions: {text_of(info, 'displayed-session-count', '0')}")
    return lines


def _tuple(wing: Element) -> str:
    return (
        f"{text_of(wing, 'direction')}: {text_of(wing, 'source-address')}/{text_of(wing, 'source-port')} --> "
        f"{text_of(wing, 'destination-address')}/{text_of(wing, 'destination-port')};{text_of(wing, 'protocol')}"
    )


def _extensive(el: Element) -> list[str]:
    app = text_of(el, "application-name")
    lines = [
        f"Session ID: {text_of(el, 'session-identifier')}, Status: {text_of(el, 'status')}",
        f"Policy name: {text_of(el, 'policy')}",
        f"Source NAT pool: {text_of(el, 'nat-source-pool-name')}" + (f", Application: {app}" if app else ""),
        f"Dynamic application: {text_of(el, 'dynamic-application-name')}, ",
        f"Encryption: {text_of(el, 'encryption-traffic-name')}",
        f"Url-category: {text_of(el, 'url-category-name')}",
        "Application traffic control rule-set: "
        f"{text_of(el, 'application-traffic-control-rule-set-name')}, "
        f"Rule: {text_of(el, 'application-traffic-control-rule-name')}",
        f"Maximum timeout: {text_of(el, 'configured-timeout')}, Current timeout: {text_of(el, 'timeout')}",
        f"Session State: {text_of(el, 'sess-state')}",
        f"Start time: {text_of(el, 'start-time')}, Duration: {text_of(el, 'duration')}",
    ]
    for wing in el.iterfind("flow-information"):
        gateway = text_of(wing, "gateway")
        lines += [
            f"   {_tuple(wing)}, ",
            f"  Conn Tag: {text_of(wing, 'conn-tag')}, Interface: {text_of(wing, 'interface-name')}, ",
            f"    Power-Mode Active: {text_of(wing, 'power-mode-express-path')} ",
            "    "
            + (f"Gateway: {gateway}, " if gateway else "")
            + f"Tunnel ID: {text_of(wing, 'tunnel-id')}, Tunnel type: {text_of(wing, 'tunnel-type')}, ",
            f"    Pkts: {text_of(wing, 'pkt-cnt')}, Bytes: {text_of(wing, 'byte-cnt')}",
        ]
    return lines


def sessions_answer(
    sessions: list[Session],
    now: float,
    epoch0: float,
    style: str,
    asked: dict[str, str | bool],
    rpc: str = "get-flow-session-information",
) -> Structured:
    return Structured(sessions_xml(sessions, now, epoch0, style), sessions_text, rpc, asked)


# -- summary ------------------------------------------------------------------------------------------------


_SUMMARY = (  # element, text label, Summary field; the four under Sessions-in-use are indented
    ("active-unicast-sessions", "Unicast-sessions", "unicast"),
    ("active-multicast-sessions", "Multicast-sessions", "multicast"),
    ("active-services-offload-sessions", "Services-offload-sessions", "services_offload"),
    ("failed-sessions", "Failed-sessions", "failed"),
    ("active-drop-sessions", "Sessions-in-drop-flow", "drop_flow"),
    ("active-sessions", "Sessions-in-use", "in_use"),
    ("active-session-valid", "  Valid sessions", "valid"),
    ("active-session-pending", "  Pending sessions", "pending"),
    ("active-session-invalidated", "  Invalidated sessions", "invalidated"),
    ("active-session-other", "  Sessions in other states", "other"),
    ("max-sessions", "Maximum-sessions", "maximum"),
)


def summary_xml(summary: Summary) -> Element:
    """`<security-flow-information>` holding the summary, nested as the 24.4 reply nests it."""
    top = E("security-flow-information", ns=FLOW)
    info = sub(top, "flow-session-information", xmlns=FLOW)
    el = sub(info, "flow-session-summary-information", xmlns=FLOW)
    for tag, _, attr in _SUMMARY:
        sub(el, tag, getattr(summary, attr))
    return top


def summary_text(top: Element) -> list[str]:
    el = top.find("flow-session-information/flow-session-summary-information")
    return [f"{label}: {text_of(el, tag)}" for tag, label, _ in _SUMMARY]


def summary_answer(summary: Summary, asked: dict[str, str | bool]) -> Structured:
    return Structured(summary_xml(summary), summary_text, "get-flow-session-information", asked)


# -- get-flow-statistics-all ------------------------------------------------------------------------------


_STATISTICS = (
    ("flow-session-count-valid", "Current sessions", None),
    ("flow-pkt-count-rx", "Packets received", "received"),
    ("flow-pkt-count-tx", "Packets transmitted", "transmitted"),
    ("flow-pkt-count-fwd", "Packets forwarded/queued", "forwarded"),
    ("flow-pkt-count-copy", "Packets copied", "copied"),
    ("flow-pkt-count-drop", "Packets dropped", "dropped"),
    ("flow-pkt-count-services-offload", "Services-offload packets processed", "services_offload"),
    ("flow-frag-count-fwd", "Fragment packets", "fragments"),
    ("tunnel-frag-gen-pre", "Pre fragments generated", "pre_fragments"),
    ("tunnel-frag-gen-post", "Post fragments generated", "post_fragments"),
)


def statistics_xml(table: SessionTable) -> Element:
    el = E("flow-statistics-all", ns=FLOW)
    stats: FlowStatistics = table.stats
    for tag, _, attr in _STATISTICS:
        sub(el, tag, table.summary().valid if attr is None else getattr(stats, attr))
    return el


def statistics_text(el: Element) -> list[str]:
    return [f"    {label}: {text_of(el, tag)}" for tag, label, _ in _STATISTICS]


def statistics_answer(table: SessionTable) -> Structured:
    return Structured(statistics_xml(table), statistics_text, "get-flow-statistics-all")


__all__ = [
    "FLOW",
    "sessions_answer",
    "sessions_text",
    "sessions_xml",
    "statistics_answer",
    "statistics_text",
    "statistics_xml",
    "summary_answer",
    "summary_text",
    "summary_xml",
]
