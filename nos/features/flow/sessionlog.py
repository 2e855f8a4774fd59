"""Session logs: the RT_FLOW lines a policy's `then log session-init | session-close` asks for.

Only a policy that asks logs (Junos logs nothing else about sessions):

- `session-init` on a permit: RT_FLOW_SESSION_CREATE when the session is made;
  on a deny or reject: RT_FLOW_SESSION_DENY for each first packet refused
  (no session, so `session-close` alone logs no denial);
- `session-close` on a permit: RT_FLOW_SESSION_CLOSE when the session ends,
  with the reason (TCP FIN, TCP RST, idle Timeout, response received, ICMP
  error, CLI), the packets and bytes of each direction and the seconds it
  lived.

The lines go to the device log (`device.event("RT_FLOW", tag, message)`), so
`show log messages | match RT_FLOW` shows them in the syslog form
`Jan  1 00:00:00  BranchC RT_FLOW: RT_FLOW_SESSION_CREATE: session created ...`.

Layout, field by field as Junos prints the non-structured form (taken from
captures of an SRX1500 on 20.x/21.x, the newest published; CLOSE checked
against a vSRX capture with its structured twin, which names the fields):

  session created SRC/SPORT->DST/DPORT CONN-TAG SERVICE NATSRC/NATSPORT->NATDST/NATDPORT
      NAT-CONN-TAG SRC-NAT-RULE-TYPE SRC-NAT-RULE DST-NAT-RULE-TYPE DST-NAT-RULE PROTOCOL POLICY
      FROM-ZONE TO-ZONE SESSION-ID USERNAME(ROLES) INCOMING-INTERFACE APPLICATION NESTED-APPLICATION
      ENCRYPTED CATEGORY SUB-CATEGORY RISK CHARACTERISTICS SRC-VRF-GRP DST-VRF-GRP
      TUNNEL-INSPECTION TUNNEL-INSPECTION-POLICY-SET
  session closed REASON: (the same up to SESSION-ID) PKTS(BYTES) from the client, PKTS(BYTES) from
      the server, ELAPSED-SECONDS, APPLICATION NESTED-APPLICATION USERNAME(ROLES) INCOMING-INTERFACE
      ENCRYPTED ..., then the peer and tunnel-inspection fields
  session denied SRC/SPORT->DST/DPORT CONN-TAG SERVICE PROTOCOL(ICMP-TYPE) POLICY FROM-ZONE TO-ZONE
      APPLICATION NESTED-APPLICATION USERNAME(ROLES) INCOMING-INTERFACE ENCRYPTED REASON

The NAT addresses are the session's out wing (the source the server sees,
the destination it is reached at); no NAT: the packet's own. A NAT rule is
named with its type (`source rule`, `destination rule`, `static rule`), or
`N/A N/A`. The service is the application the session was named after
(`junos-ssh`), `None` when none fits. What nos does not model prints as a
device without those features prints it: connection tags 0x0, no user
(`N/A(N/A)`), application identification UNKNOWN, no VRF groups, tunnel
inspection Off in policy set root. A global policy is named `NAME(global)`
in denials, as Junos prints it.

Each logged session costs one small record (its NAT rule names), dropped when
it closes; sessions of policies that do not log cost nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nos.features.flow.applications import ICMP_TYPES
from nos.features.flow.policies import GLOBAL
from nos.features.flow.sessions.table import PROTOCOLS
from nos.lab.packet import ipv4_text

if TYPE_CHECKING:
    from nos.features.flow.policies import PolicyMatch
    from nos.features.flow.sessions.table import Session
    from nos.lab.packet import Packet

PROCESS = "RT_FLOW"
CREATE, CLOSE, DENY = "RT_FLOW_SESSION_CREATE", "RT_FLOW_SESSION_CLOSE", "RT_FLOW_SESSION_DENY"
CONN_TAG = "0x0"
NO_RULE = ("N/A", "N/A")
NO_USER = "N/A(N/A)"
UNKNOWN = "UNKNOWN"
CREATE_TAIL = "UNKNOWN UNKNOWN UNKNOWN N/A N/A -1 N/A N/A N/A Off root"
CLOSE_TAIL = "UNKNOWN N/A N/A -1 N/A NA 0 0.0.0.0/0->0.0.0.0/0 NA NA N/A N/A Off root"

Rules = tuple[str, str, str, str]  # source NAT rule type and name, destination NAT rule type and name


def rule_of(match: Any) -> tuple[str, str]:
    """A NAT match as the log names it: (`source rule`, `lan-to-internet`); no match: N/A N/A."""
    if match is None:
        return NO_RULE
    kind, _, name = match.key
    return f"{kind} rule", name


def _end(address: int, port: int) -> str:
    return f"{ipv4_text(address)}/{port}"


class SessionLog:
    """The RT_FLOW lines of one device's flow."""

    def __init__(self, device: Any):
        self.device = device
        self._closing: dict[int, Rules] = {}  # sessions whose policy logs their close -> their NAT rules

    def created(self, session: Session, match: PolicyMatch, inbound: Any, outbound: Any) -> None:
        """A session of a policy that logs: CREATE now (session-init), CLOSE later (session-close)."""
        rules = (*rule_of(outbound), *rule_of(inbound))
        if match.log_close:
            self._closing[session.id] = rules
        if match.log_init:
            text = f"session created {self._flow(session, rules)} {NO_USER} {session.in_wing.ifl} {CREATE_TAIL}"
            self._event(CREATE, text, session)

    def closed(self, session: Session, reason: str) -> None:
        """A session ended: CLOSE when its policy asked for it."""
        rules = self._closing.pop(session.id, None)
        if rules is None:
            return
        elapsed = max(0, int(self.device.scheduler.now() - session.created + 1e-9))
        counts = f"{session.in_packets}({session.in_bytes}) {session.out_packets}({session.out_bytes}) {elapsed}"
        text = (
            f"session closed {reason}: {self._flow(session, rules)} {counts} {UNKNOWN} {UNKNOWN} {NO_USER} "
            f"{session.in_wing.ifl} {CLOSE_TAIL}"
        )
        self._event(CLOSE, text, session)

    def denied(
        self, match: PolicyMatch, packet: Packet, sport: int, dport: int, from_zone: str, to_zone: str, ifl: str
    ) -> None:
        """A first packet a logging deny or reject policy refused (`sport`, `dport`: its ports as
        sessions key them)."""
        if not match.log_init:
            return
        src, dst = packet.src, packet.dst
        number = PROTOCOLS.get(packet.proto, 0)
        icmp_type = ICMP_TYPES.get(packet.icmp or "", 0) if packet.proto == "icmp" else 0
        policy = f"{match.name}(global)" if match.context[0] == GLOBAL else match.name
        reason = "policy reject" if match.action == "reject" else "policy deny"
        text = (
            f"session denied {_end(src, sport)}->{_end(dst, dport)} {CONN_TAG} {match.application or 'None'} "
            f"{number}({icmp_type}) {policy} {from_zone} {to_zone} {UNKNOWN} {UNKNOWN} {NO_USER} {ifl} {UNKNOWN} "
            f"{reason}"
        )
        attributes = {
            "source-address": ipv4_text(src), "source-port": str(sport), "destination-address": ipv4_text(dst),
            "destination-port": str(dport), "policy-name": match.name, "source-zone-name": from_zone,
            "destination-zone-name": to_zone, "reason": reason,
        }  # fmt: skip
        self.device.event(PROCESS, DENY, text, attributes)

    @staticmethod
    def _flow(session: Session, rules: Rules) -> str:
        """The fields CREATE and CLOSE share, from the addresses to the session id."""
        w, o = session.in_wing, session.out_wing
        policy, number = session.policy or "N/A", PROTOCOLS.get(w.proto, 0)
        return (
            f"{_end(w.src, w.sport)}->{_end(w.dst, w.dport)} {CONN_TAG} {session.application or 'None'} "
            f"{_end(o.dst, o.dport)}->{_end(o.src, o.sport)} {CONN_TAG} {' '.join(rules)} {number} {policy} "
            f"{w.zone} {o.zone} {session.id}"
        )

    def _event(self, tag: str, text: str, session: Session) -> None:
        w = session.in_wing
        attributes = {
            "source-address": ipv4_text(w.src), "source-port": str(w.sport), "destination-address": ipv4_text(w.dst),
            "destination-port": str(w.dport), "policy-name": session.policy or "N/A",
            "source-zone-name": str(w.zone), "destination-zone-name": str(session.out_wing.zone),
            "session-id-32": str(session.id),
        }  # fmt: skip
        self.device.event(PROCESS, tag, text, attributes)


__all__ = ["CLOSE", "CREATE", "DENY", "PROCESS", "SessionLog", "rule_of"]
