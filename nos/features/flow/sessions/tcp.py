"""TCP as the flow module follows it, and the `security flow` options that shape it.

A session is not a TCP stack: flow only watches the flags go by, to know how
long the session may sit idle. During the handshake that is
`tcp-session tcp-initial-timeout` (20 s); once the client's ACK answers the
server's SYN-ACK the session is established and takes its application's
inactivity timeout (junos-ssh 1800 s ...). A FIN from each side, or a RST,
ends it: the session lingers 2 s (`time-wait-state` makes that 150 s, or
the application's timeout with `session-ageout`) and packets no longer
refresh it. `rst-invalidate-session` / `fin-invalidate-session` end it at
once. A first packet without SYN makes no session unless `no-syn-check`
(then it is taken as established, as a mid-stream pickup).

Packet flags come as words: syn, syn-ack, ack, fin, rst, data (the lab's
packets carry no TCP header; the packet path names what each one is).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from nos.config.query import child, flag, value
from nos.config.tree import Node

SYN, SYN_ACK, ACK, FIN, RST, DATA = "syn", "syn-ack", "ack", "fin", "rst", "data"
FLAGS = frozenset({SYN, SYN_ACK, ACK, FIN, RST, DATA})

SYN_SENT = "syn-sent"  # the client's SYN went through
SYN_RECEIVED = "syn-received"  # the server answered SYN-ACK
ESTABLISHED = "established"
FIN_WAIT = "fin-wait"  # one side has sent FIN (half-closed)
TIME_WAIT = "time-wait"  # both sides have sent FIN
CLOSED = "closed"  # reset
CLOSING = frozenset({TIME_WAIT, CLOSED})

CLOSE_TIMEOUT = 2  # what a closed (FIN both ways, RST) session lives on for
TIME_WAIT_DEFAULT = 150  # `time-wait-state` without a session-timeout

IN, OUT = "in", "out"
_FIN_BIT = {IN: 1, OUT: 2}

FIRST_NOT_SYN = "first pak not syn"  # the flow trace's words for the drop


@dataclass(frozen=True)
class FlowOptions:
    """`security flow` as the session table uses it (defaults: no statement configured)."""

    syn_check: bool = True  # false with `tcp-session no-syn-check`
    rst_invalidate: bool = False
    fin_invalidate: bool = False
    initial_timeout: int = 20
    time_wait: int = CLOSE_TIMEOUT  # after FIN both ways
    time_wait_ageout: bool = False  # `time-wait-state session-ageout`: the application's timeout instead
    half_close: bool = False  # `time-wait-state apply-to-half-close-state`: from the first FIN
    # `route-change-timeout`: how long a session whose route is gone lives on (path.py). Unset (None),
    # as Junos has it by default, such a session keeps its timeout.
    route_change_timeout: int | None = None


def compile_flow_options(root: Node | None) -> FlowOptions:
    """The committed `security flow` statement as FlowOptions (the grammar has checked the ranges)."""
    flow = child(child(root, "security"), "flow")
    tcp = child(flow, "tcp-session")
    wait = child(tcp, "time-wait-state")
    time_wait, ageout = CLOSE_TIMEOUT, False
    if wait is not None:
        ageout = flag(wait, "session-ageout")
        time_wait = int(value(wait, "session-timeout") or TIME_WAIT_DEFAULT)
    return FlowOptions(
        syn_check=not flag(tcp, "no-syn-check"),
        rst_invalidate=flag(tcp, "rst-invalidate-session"),
        fin_invalidate=flag(tcp, "fin-invalidate-session"),
        initial_timeout=int(value(tcp, "tcp-initial-timeout") or 20),
        time_wait=time_wait,
        time_wait_ageout=ageout,
        half_close=wait is not None and flag(wait, "apply-to-half-close-state"),
        route_change_timeout=_seconds(value(flow, "route-change-timeout")),
    )


def _seconds(text: str | None) -> int | None:
    return int(text) if text else None


def first_packet_drop(flags: str, options: FlowOptions) -> str | None:
    """Why a TCP packet that matches no session may not start one (None: it may)."""
    if flags == SYN or not options.syn_check:
        return None
    return FIRST_NOT_SYN


def opening(flags: str, app_timeout: int, options: FlowOptions) -> tuple[str, int]:
    """The state and timeout of a session its first packet creates."""
    if flags == SYN:
        return SYN_SENT, options.initial_timeout
    return ESTABLISHED, app_timeout  # no-syn-check: picked up mid-stream


class Step(NamedTuple):
    """What one packet does to a TCP session: its new state and FIN bits, the timeout to refresh the
    session with (None: no refresh), and why the session ends (None: it goes on); `now` ends it at once."""

    state: str
    fins: int
    timeout: int | None
    reason: str | None = None
    now: bool = False


def _wait(app_timeout: int, options: FlowOptions) -> int:
    return app_timeout if options.time_wait_ageout else options.time_wait


def step(state: str, fins: int, wing: str, flags: str, app_timeout: int, options: FlowOptions) -> Step:
    """One packet of a TCP session, on wing `in` (client to server) or `out`, with `flags`."""
    if state == CLOSED:
        return Step(state, fins, None)
    if flags == RST:
        return Step(CLOSED, fins, CLOSE_TIMEOUT, "TCP RST", options.rst_invalidate)
    if flags == FIN:
        fins |= _FIN_BIT[wing]
        if options.fin_invalidate:
            return Step(CLOSED, fins, CLOSE_TIMEOUT, "TCP FIN", True)
        if fins == 3:
            return Step(TIME_WAIT, fins, _wait(app_timeout, options), "TCP FIN")
        return Step(FIN_WAIT, fins, _wait(app_timeout, options) if options.half_close else app_timeout)
    if state == TIME_WAIT:
        return Step(state, fins, app_timeout if options.time_wait_ageout else None, "TCP FIN")
    if state == SYN_SENT:
        if flags == SYN_ACK and wing == OUT:
            return Step(SYN_RECEIVED, fins, options.initial_timeout)
        return Step(state, fins, options.initial_timeout)
    if state == SYN_RECEIVED:
        if flags in (ACK, DATA) and wing == IN:
            return Step(ESTABLISHED, fins, app_timeout)
        return Step(state, fins, options.initial_timeout)
    if state == FIN_WAIT and options.half_close:
        return Step(state, fins, _wait(app_timeout, options))
    return Step(state, fins, app_timeout)


__all__ = [
    "ACK",
    "CLOSED",
    "CLOSE_TIMEOUT",
    "CLOSING",
    "DATA",
    "ESTABLISHED",
    "FIN",
    "FIN_WAIT",
    "FIRST_NOT_SYN",
    "FLAGS",
    "RST",
    "SYN",
    "SYN_ACK",
    "SYN_RECEIVED",
    "SYN_SENT",
    "TIME_WAIT",
    "FlowOptions",
    "Step",
    "compile_flow_options",
    "first_packet_drop",
    "opening",
    "step",
]
