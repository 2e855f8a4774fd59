"""The answers a node makes to a packet: echo replies, ICMP errors, and UDP/TCP answers.

Kept in one place so hosts, the Internet node and a device's dataplane answer
alike: an answer carries the request's `ident` and `seq` (ping and
traceroute match answers to probes by them) and an ICMP error carries the
packet it is about in `inner`.

TCP and UDP have no flags in `Packet`; `code` says what a segment is.
Requests (they ask for an answer):

    ""         TCP: a SYN (a BGP packet with a `payload`: data); UDP: a datagram
    "psh"      TCP data on an open connection (an SSH keepalive), answered "ack"
    "fin"      TCP: the client closes, answered "fin-ack" (the server's ACK and
               its own FIN in one segment, as a server that closes at once sends them)

Answers: "syn-ack" (something listens on that TCP port), "ack", "fin-ack",
"rst" (nothing listens, or the connection is unknown there), "reply" (UDP).
A "rst" may also travel on its own: it asks for nothing.

`tcp_flags` names a segment as the flow module's session table does (syn,
syn-ack, ack, fin, rst, data).
"""

from __future__ import annotations

from nos.lab.packet import ECHO_REPLY, ECHO_REQUEST, TIME_EXCEEDED, UNREACHABLE, Packet

ANSWER_TTL = 64  # the initial TTL of what a node sends (BSD, Linux and Junos all start at 64)


def echo_reply(request: Packet, src: int | None = None) -> Packet:
    """The echo reply to `request`, from the address it was sent to (or `src`)."""
    return Packet(
        src=request.dst if src is None else src,
        dst=request.src,
        proto="icmp",
        ttl=ANSWER_TTL,
        icmp=ECHO_REPLY,
        size=request.size,
        ident=request.ident,
        seq=request.seq,
    )


def icmp_error(about: Packet, src: int, kind: str, code: str = "") -> Packet:
    """An ICMP error (TIME_EXCEEDED, or UNREACHABLE with its code) about `about`, sent back to its source."""
    return Packet(
        src=src,
        dst=about.src,
        proto="icmp",
        ttl=ANSWER_TTL,
        icmp=kind,
        code=code,
        size=56,  # IP header + ICMP header + the offending IP header and 8 bytes
        ident=about.ident,
        seq=about.seq,
        inner=about,
    )


def time_exceeded(about: Packet, src: int) -> Packet:
    return icmp_error(about, src, TIME_EXCEEDED)


def unreachable(about: Packet, src: int, code: str) -> Packet:
    """Destination unreachable: code "net", "host", "port" or "admin"."""
    return icmp_error(about, src, UNREACHABLE, code)


def transport_answer(request: Packet, code: str = "reply") -> Packet:
    """A UDP or TCP answer from the port that was asked, back to the asking port."""
    return Packet(
        src=request.dst,
        dst=request.src,
        proto=request.proto,
        ttl=ANSWER_TTL,
        code=code,
        sport=request.dport,
        dport=request.sport,
        size=request.size,
        ident=request.ident,
        seq=request.seq,
    )


SYN, PSH, FIN = "", "psh", "fin"  # TCP requests
SYN_ACK, ACK, FIN_ACK, RST, REPLY = "syn-ack", "ack", "fin-ack", "rst", "reply"  # answers
REQUEST_CODES = frozenset({SYN, PSH, FIN})
# What a server's TCP answers to each request when the port listens (and the connection, for
# psh and fin, is one it knows).
_LISTENING_ANSWER = {SYN: SYN_ACK, PSH: ACK, FIN: FIN_ACK}
# The session table's word for each TCP code ("" is decided by the payload: see tcp_flags).
_FLAGS = {PSH: "data", FIN: "fin", SYN_ACK: "syn-ack", ACK: "ack", FIN_ACK: "fin", RST: "rst"}


def is_request(packet: Packet) -> bool:
    """Does this packet ask for an answer (rather than being one)?"""
    if packet.proto == "icmp":
        return packet.icmp == ECHO_REQUEST
    return packet.code in REQUEST_CODES  # answers carry syn-ack, ack, fin-ack, rst or reply


def tcp_answer_code(request: Packet, listening: bool) -> str:
    """What a TCP that keeps no connections answers: the listening answer to the request, else rst."""
    return _LISTENING_ANSWER.get(request.code, RST) if listening else RST


def tcp_flags(packet: Packet) -> str:
    """A TCP segment as the flow session table names it: syn, syn-ack, ack, fin, rst or data.
    A fin-ack is the server's FIN (its ACK changes nothing there)."""
    if packet.code == SYN:
        return "data" if packet.payload is not None else "syn"
    return _FLAGS.get(packet.code, "data")


__all__ = [
    "ACK",
    "ANSWER_TTL",
    "FIN",
    "FIN_ACK",
    "PSH",
    "REPLY",
    "REQUEST_CODES",
    "RST",
    "SYN",
    "SYN_ACK",
    "echo_reply",
    "icmp_error",
    "is_request",
    "tcp_answer_code",
    "tcp_flags",
    "time_exceeded",
    "transport_answer",
    "unreachable",
]
