"""The answers a node makes to a packet: echo replies, ICMP errors, and UDP/TCP answers.

Kept in one place so hosts, the Internet node and a device's dataplane answer
alike: an answer carries the request's `ident` and `seq` (ping and
traceroute match answers to probes by them) and an ICMP error carries the
packet it is about in `inner`.

TCP and UDP have no flags in `Packet`; an answer says what it is in `code`:
`syn-ack` (something listens on that TCP port), `rst` (nothing does), or
`reply` (a UDP answer). A request has an empty `code`.
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


def is_request(packet: Packet) -> bool:
    """Does this packet ask for an answer (rather than being one)?"""
    if packet.proto == "icmp":
        return packet.icmp == ECHO_REQUEST
    return not packet.code  # TCP and UDP answers carry syn-ack, rst or reply


__all__ = ["ANSWER_TTL", "echo_reply", "icmp_error", "is_request", "time_exceeded", "transport_answer", "unreachable"]
