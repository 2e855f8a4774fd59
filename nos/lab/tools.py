"""ping and traceroute over a lab Network, as Junos (FreeBSD) prints them.

Shared by a device's CLI and a host's shell. Each probe is one `exchange`;
output lines are handed to `write` as the replies arrive on the lab clock
(`sleep` is the clock's sleep: on the virtual clock it advances time).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import trio

from nos.lab.packet import ECHO_REPLY, ECHO_REQUEST, TIME_EXCEEDED, UNREACHABLE, Network, Packet, ipv4_text

Sleep = Callable[[float], Awaitable[None]]
Write = Callable[[str], None]

_UNREACHABLE_TEXT = {
    "net": "Destination Net Unreachable",
    "host": "Destination Host Unreachable",
    "port": "Destination Port Unreachable",
    "admin": "Communication Administratively Prohibited",
}
_TRACE_MARK = {"net": "!N", "host": "!H", "port": "", "admin": "!X"}


@dataclass
class PingOptions:
    count: int | None = 5  # None: until interrupted (Junos on a terminal)
    interval: float = 1.0
    size: int = 56
    ttl: int = 64
    rapid: bool = False
    source: int = 0
    instance: str | None = None
    wait: float = 1.0  # how long a probe waits for its reply before it counts as lost


async def ping(
    network: Network,
    origin: str,
    target: int,
    opts: PingOptions,
    sleep: Sleep,
    write: Write,
    probing: trio.CancelScope | None = None,
) -> list[str]:
    """Send echo requests; write each reply line when it comes; return the statistics lines.

    Cancelling `probing` (Ctrl-C) stops sending; the statistics still follow.
    """
    shown = ipv4_text(target)
    write(f"PING {shown} ({shown}): {opts.size} data bytes")
    rtts: list[float] = []
    marks: list[str] = []
    sent = 0
    with probing if probing is not None else trio.CancelScope():
        for seq in itertools.count() if opts.count is None else range(opts.count):
            sent += 1
            packet = Packet(
                src=opts.source,
                dst=target,
                proto="icmp",
                ttl=opts.ttl,
                icmp=ECHO_REQUEST,
                size=opts.size + 8,
                ident=0x4D2,
                seq=seq,
                instance=opts.instance,
            )
            ex = network.exchange(origin, packet)
            reply = ex.reply
            waited = 0.0
            if reply is not None and reply.icmp == ECHO_REPLY:
                await sleep(ex.rtt_ms / 1000)
                waited = ex.rtt_ms / 1000
                rtts.append(ex.rtt_ms)
                if opts.rapid:
                    marks.append("!")
                else:
                    source = ipv4_text(reply.src)
                    write(
                        f"{opts.size + 8} bytes from {source}: icmp_seq={seq} ttl={reply.ttl} time={ex.rtt_ms:.3f} ms"
                    )
            elif reply is not None and reply.icmp in (UNREACHABLE, TIME_EXCEEDED):
                await sleep(ex.rtt_ms / 1000)
                waited = ex.rtt_ms / 1000
                if opts.rapid:
                    marks.append("U" if reply.icmp == UNREACHABLE else ".")
                else:
                    _icmp_error(write, reply, packet, opts, shown)
            elif opts.rapid:
                marks.append(".")
            if opts.count is None or seq < opts.count - 1:
                await sleep(max(0.0, (opts.interval if not opts.rapid else 0.01) - waited))
            elif not rtts or waited == 0.0:
                await sleep(max(0.0, opts.wait - waited))
    if opts.rapid:
        write("".join(marks))
    received = len(rtts)
    loss = 100 - received * 100 // sent if sent else 0
    lines = [
        *([] if opts.rapid else [""]),
        f"--- {shown} ping statistics ---",
        f"{sent} packets transmitted, {received} packets received, {loss}% packet loss",
    ]
    if rtts:
        mean = sum(rtts) / len(rtts)
        stddev = math.sqrt(max(0.0, sum(r * r for r in rtts) / len(rtts) - mean * mean))
        lines.append(f"round-trip min/avg/max/stddev = {min(rtts):.3f}/{mean:.3f}/{max(rtts):.3f}/{stddev:.3f} ms")
    return lines


def _icmp_error(write: Write, reply: Packet, packet: Packet, opts: PingOptions, shown: str) -> None:
    """FreeBSD ping's report of an ICMP error: who sent it, then the header of the probe it is about."""
    text = _UNREACHABLE_TEXT.get(reply.code, "Destination Unreachable")
    if reply.icmp == TIME_EXCEEDED:
        text = "Time to live exceeded"
    write(f"36 bytes from {ipv4_text(reply.src)}: {text}")
    write("Vr HL TOS  Len   ID Flg  off TTL Pro  cks      Src      Dst")
    inner = reply.inner or packet
    src = ipv4_text(inner.src) if inner.src else ipv4_text(reply.dst)
    header = f" 4  5  00 {opts.size + 28:04x} {packet.seq + 0x1000:04x}   0 0000  {inner.ttl:02x}  01 0000"
    write(f"{header} {src}  {shown}")
    write("")


@dataclass
class TraceOptions:
    max_hops: int = 30
    wait: float = 5.0  # seconds an unanswered probe waits (the Junos default)
    source: int = 0
    instance: str | None = None
    probes: int = 3
    resolve: bool = True


async def traceroute(
    network: Network,
    origin: str,
    target: int,
    opts: TraceOptions,
    sleep: Sleep,
    write: Write,
    probing: trio.CancelScope | None = None,
) -> list[str]:
    """UDP probes with growing TTL; a hop line per TTL; stops at the target, an unreachable or `probing` cancelled."""
    shown = ipv4_text(target)
    source = f" from {ipv4_text(opts.source)}" if opts.source else ""
    write(f"traceroute to {shown} ({shown}){source}, {opts.max_hops} hops max, 40 byte packets")
    with probing if probing is not None else trio.CancelScope():
        await _trace(network, origin, target, opts, sleep, write)
    return []


async def _trace(network: Network, origin: str, target: int, opts: TraceOptions, sleep: Sleep, write: Write) -> None:
    port = 33434
    for ttl in range(1, opts.max_hops + 1):
        parts: list[str] = []
        last: int | None = None
        done = False
        for _ in range(opts.probes):
            packet = Packet(
                src=opts.source,
                dst=target,
                proto="udp",
                ttl=ttl,
                sport=40000 + ttl,
                dport=port,
                size=40,
                ident=ttl,
                seq=port,
                instance=opts.instance,
            )
            port += 1
            ex = network.exchange(origin, packet)
            reply = ex.reply
            if reply is None or reply.icmp not in (TIME_EXCEEDED, UNREACHABLE):
                await sleep(opts.wait)
                parts.append("*")
                continue
            await sleep(ex.rtt_ms / 1000)
            if reply.src != last:
                addr = ipv4_text(reply.src)
                parts.append(f"{addr} ({addr})" if opts.resolve else addr)
                last = reply.src
            mark = _TRACE_MARK.get(reply.code, "") if reply.icmp == UNREACHABLE else ""
            parts.append(f"{ex.rtt_ms:.3f} ms" + (f" {mark}" if mark else ""))
            if reply.icmp == UNREACHABLE:
                done = True
        line = f"{ttl:>2}  " + _join(parts)
        write(line)
        if done:
            break


def _join(parts: list[str]) -> str:
    """Hop fields: `addr (addr)  1.0 ms  2.0 ms`, stars joined by single spaces (`* * *`)."""
    out = ""
    for i, part in enumerate(parts):
        if i == 0:
            out = part
        elif part == "*" and parts[i - 1] == "*":
            out += " *"
        else:
            out += "  " + part
    return out


__all__ = ["PingOptions", "TraceOptions", "ping", "traceroute"]
