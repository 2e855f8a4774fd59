"""The nodes of a lab: hosts, a piece of the Internet, and the adapter around a nos device.

Each node follows the `LabNode` protocol of packet.py: it receives a packet on
a port and says what it does with it (a `Verdict`). A node that answers may
name the port the answer leaves from (`Verdict.port` on an "answer"); without
one, the walk routes the answer as a packet the node originates.

Every node also honours blackholes (`blackhole NODE PREFIX` in the console):
it silently drops packets to the prefix that it would forward or originate.
Packets addressed to the node itself still reach it, and so do packets whose
TTL runs out here (they are not forwarded), so a blackholed ISP router keeps
answering for its own addresses, and as a traceroute hop, while the Internet
behind it is dead.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from nos.lab import icmp
from nos.lab.packet import ECHO_REQUEST, Packet, Verdict, ipv4_text
from nos.lab.tcpserver import ServerConnections

TRACEROUTE_PORT = 33434  # traceroute's first UDP port: chosen because nothing listens from there up


def answer_out(packet: Packet, port: str, arp: int | None = None) -> Verdict:
    """An answer that leaves from a given port, without a route lookup (the Internet node's replies);
    `arp` as in Verdict.forward."""
    return Verdict("answer", port=port, packet=packet, address=packet.src, arp=arp)


class BaseNode:
    """What every node shares: a name, link states and blackholes."""

    kind = "node"
    tcp: ServerConnections | None = None  # the TCP connections it serves (hosts, the Internet node)
    clients: Any = None  # its own connections (nos.lab.connections), made when it opens the first

    def __init__(self, name: str):
        self.name = name
        self.blackholes: list[ipaddress.IPv4Network] = []
        self._holes: list[tuple[int, int]] = []  # (network, mask) as ints, for the per-packet check
        self.link_up: dict[str, bool] = {}

    # -- blackholes ----------------------------------------------------------------------------

    def blackhole(self, prefix: ipaddress.IPv4Network) -> bool:
        """Start dropping traffic to `prefix`; False when it already was."""
        if prefix in self.blackholes:
            return False
        self.blackholes.append(prefix)
        self._index_holes()
        return True

    def unblackhole(self, prefix: ipaddress.IPv4Network) -> bool:
        """Stop dropping traffic to `prefix`; False when it was not blackholed."""
        if prefix not in self.blackholes:
            return False
        self.blackholes.remove(prefix)
        self._index_holes()
        return True

    def _index_holes(self) -> None:
        self._holes = [(int(p.network_address), int(p.netmask)) for p in self.blackholes]

    def blackholed(self, packet: Packet, *, received: bool) -> bool:
        """Does a blackhole swallow this packet? Received packets for the node itself, or that
        expire here, are spared: a blackhole drops what the node forwards."""
        if not self._holes:
            return False
        dst = packet.dst
        if not any(dst & mask == net for net, mask in self._holes):
            return False
        return not (received and (packet.ttl <= 1 or dst in self.own_addresses()))

    def own_addresses(self) -> list[int] | set[int]:
        """The node's own addresses (spared by blackholes), as opposed to those it answers for."""
        return self.addresses()

    # -- links ---------------------------------------------------------------------------------------

    def set_link(self, port: str, up: bool) -> None:
        """The lab tells the node when the link on a port goes up or down."""
        self.link_up[port] = up

    def addresses(self) -> list[int]:
        return []

    def answers_arp(self, address: int, port: str) -> bool:
        """Does the node answer ARP for `address` on `port` (walk.py's last-hop check)?"""
        return address in self.own_addresses()

    def _kept(self, packet: Packet) -> Verdict:
        """An answer (or a lone RST) for this node: kept; a RST ends the server connection it names."""
        if packet.code == icmp.RST and self.tcp is not None and packet.proto == "tcp":
            self.tcp.reset(packet)
        return Verdict.keep()


class HostNode(BaseNode):
    """An end host: one address, a default gateway, a few listening ports.

    It answers pings to its address, answers UDP and TCP on the ports it
    listens on, sends port-unreachable for other UDP (the end of a traceroute)
    and a reset for other TCP. It never forwards: what is not for it is dropped.
    """

    kind = "host"

    def __init__(
        self,
        name: str,
        address: ipaddress.IPv4Interface,
        gateway: ipaddress.IPv4Address | None = None,
        ports: list[str] | None = None,
        listen: list[tuple[str, int]] | None = None,
        ttl: int = 64,
    ):
        super().__init__(name)
        self.ttl = ttl  # what its packets start with, answers included
        self.interface = address
        self.address = int(address.ip)
        self.gateway = int(gateway) if gateway is not None else None
        self._ports = list(ports or ["eth0"])
        self.listen = set(listen or [])
        self._net = int(address.network.network_address)
        self._mask = int(address.network.netmask)
        self.tcp = ServerConnections()

    def ports(self) -> list[str]:
        return list(self._ports)

    def addresses(self) -> list[int]:
        return [self.address]

    def receive(self, packet: Packet, port: str) -> Verdict:
        if packet.dst != self.address:
            return Verdict.drop(f"{self.name} does not forward")
        return self._deliver(packet)

    def originate(self, packet: Packet) -> Verdict:
        if not packet.src:
            packet = packet.evolve(src=self.address)
        if self.blackholed(packet, received=False):
            return Verdict.drop("blackhole")
        if packet.dst == self.address:
            return self._deliver(packet)
        on_link = packet.dst & self._mask == self._net
        if not on_link and self.gateway is None:
            return Verdict.drop("no route to host")
        port = next((p for p in self._ports if self.link_up.get(p, True)), self._ports[0])
        return Verdict.forward(port, packet, arp=packet.dst if on_link else None)

    def _deliver(self, packet: Packet) -> Verdict:
        """A packet for this host: answer a request, keep an answer."""
        if not icmp.is_request(packet):
            return self._kept(packet)
        verdict = self._answer(packet)
        if verdict.packet is not None and self.ttl != verdict.packet.ttl:
            verdict = Verdict.answer(verdict.packet.evolve(ttl=self.ttl))
        return verdict

    def _answer(self, packet: Packet) -> Verdict:
        if packet.proto == "icmp":
            return Verdict.answer(icmp.echo_reply(packet))
        if (packet.proto, packet.dport) in self.listen:
            return Verdict.answer(self._listening_answer(packet))
        if packet.proto == "tcp":
            return Verdict.answer(icmp.transport_answer(packet, "rst"))
        return Verdict.answer(icmp.unreachable(packet, self.address, "port"))

    def _listening_answer(self, packet: Packet) -> Packet:
        """A listening port answers TCP as its server connections say, and each UDP datagram (an
        RTP-like peer)."""
        if packet.proto == "tcp":
            assert self.tcp is not None
            return icmp.transport_answer(packet, self.tcp.answer(packet))
        return icmp.transport_answer(packet, icmp.REPLY)

    def describe(self) -> str:
        gw = f" gw {ipv4_text(self.gateway)}" if self.gateway is not None else ""
        return f"{self.interface.with_prefixlen}{gw}"


class InternetNode(BaseNode):
    """A routed piece of the Internet reached through one or more ISPs.

    It answers for its own addresses (one per port) and for the addresses and
    prefixes it serves. Answers leave from the port the request came in on, so
    each ISP sees the answers to what it sent. Seen from a traceroute it is one
    router (its port address: a probe to a served address that expires here
    gets time-exceeded from it) followed by the served host.

    With a BGP speaker (`bgp`), it also answers for what it announces: each
    announced prefix and generated feed is one interval of addresses (a feed of
    a million prefixes is one range check). Its ports' subnets are left out:
    the neighbours there are not behind it, even when it announces 0.0.0.0/0.
    """

    kind = "internet"

    def __init__(
        self,
        name: str,
        ports: list[str],
        addresses: list[ipaddress.IPv4Interface],
        serves: list[ipaddress.IPv4Network] | None = None,
        announced: list[tuple[int, int]] | None = None,
    ):
        super().__init__(name)
        self._ports = list(ports)
        self.port_address = {port: iface for port, iface in zip(ports, addresses, strict=True)}
        self.own = {int(i.ip) for i in addresses}
        self.serves = list(serves or [])
        self._served = [(int(n.network_address), int(n.netmask)) for n in self.serves]
        self.bgp: Any = None  # its BGP speaker (nos.features.bgp.labpeer), when the lab file gives one
        self._announced = list(announced or [])  # [first, end) address intervals its BGP announces
        self._subnets = [(int(i.network.network_address), int(i.network.netmask)) for i in addresses]
        self.tcp = ServerConnections()

    def ports(self) -> list[str]:
        return list(self._ports)

    def addresses(self) -> list[int]:
        out = sorted(self.own)
        out += [int(n.network_address) for n in self.serves if n.prefixlen == 32]
        return out

    def own_addresses(self) -> set[int]:
        return self.own

    def set_link(self, port: str, up: bool) -> None:
        super().set_link(port, up)
        if not up and self.bgp is not None:  # its sessions with neighbours on that port close at once
            self.bgp.port_down(self.port_address[port].network)

    def serves_address(self, dst: int) -> bool:
        if dst in self.own or any(dst & mask == net for net, mask in self._served):
            return True
        if not self._announced or any(dst & mask == net for net, mask in self._subnets):
            return False
        return any(first <= dst < end for first, end in self._announced)

    def receive(self, packet: Packet, port: str) -> Verdict:
        if self.blackholed(packet, received=True):
            return Verdict.drop("blackhole")
        if not self.serves_address(packet.dst):
            return Verdict.drop(f"{ipv4_text(packet.dst)} is not served by {self.name}")
        if not icmp.is_request(packet):
            return self._kept(packet)
        here = int(self.port_address[port].ip)
        if packet.dst in self.own:
            if packet.proto == "tcp" and packet.dport == 179 and self.bgp is not None:
                return self._answer_out(icmp.transport_answer(packet, self.bgp.tcp(packet)), port)
            return self._answer_out(self._answer(packet), port)
        if packet.ttl <= 1:
            return self._answer_out(icmp.time_exceeded(packet, here), port)
        answer = self._answer(packet)  # from a served host, one router hop behind the port
        return self._answer_out(answer.evolve(ttl=answer.ttl - 1), port)

    def _answer_out(self, answer: Packet, port: str) -> Verdict:
        return answer_out(answer, port, self._on_link(port, answer.dst))

    def _on_link(self, port: str, dst: int) -> int | None:
        """`dst` when it is on the port's subnet (delivered to it directly, after ARP), else None."""
        network = self.port_address[port].network
        return dst if dst & int(network.netmask) == int(network.network_address) else None

    def answers_arp(self, address: int, port: str) -> bool:
        """It stands for everything it serves, as a router that owns or routes it (`serves_address`)."""
        return self.serves_address(address)

    def _answer(self, packet: Packet) -> Packet:
        if packet.proto == "icmp" and packet.icmp == ECHO_REQUEST:
            return icmp.echo_reply(packet)
        if packet.proto == "tcp":  # stands for servers listening on every port, each keeping its connections
            assert self.tcp is not None
            return icmp.transport_answer(packet, self.tcp.answer(packet))
        return self._udp_answer(packet)

    @staticmethod
    def _udp_answer(packet: Packet) -> Packet:
        """Served addresses stand for RTP-like peers on the ports below traceroute's: each datagram
        is answered. Traceroute's ports (33434 up) are unreachable: nothing listens there."""
        if packet.dport < TRACEROUTE_PORT:
            return icmp.transport_answer(packet, icmp.REPLY)
        return icmp.unreachable(packet, packet.dst, "port")

    def originate(self, packet: Packet) -> Verdict:
        if self.blackholed(packet, received=False):
            return Verdict.drop("blackhole")
        port = self._port_towards(packet.dst)
        if not packet.src:
            packet = packet.evolve(src=int(self.port_address[port].ip))
        if self.serves_address(packet.dst):
            return Verdict.keep() if not icmp.is_request(packet) else Verdict.answer(self._answer(packet))
        return Verdict.forward(port, packet, arp=self._on_link(port, packet.dst))

    def _port_towards(self, dst: int) -> str:
        up = [p for p in self._ports if self.link_up.get(p, True)] or self._ports
        for port in up:
            if ipaddress.IPv4Address(dst) in self.port_address[port].network:
                return port
        return up[0]

    def describe(self) -> str:
        own = " ".join(i.with_prefixlen for i in self.port_address.values())
        served = " ".join(str(n.network_address) if n.prefixlen == 32 else str(n) for n in self.serves)
        text = f"{own}; serves {served}" if served else own
        if self.bgp is not None:
            n = len(self.bgp.neighbors)
            text += f"; AS {self.bgp.asn}, {n} neighbor{'' if n == 1 else 's'}"
        return text


class DeviceNode(BaseNode):
    """A nos device in the lab: packets go to and come from its dataplane.

    The dataplane (`device.dataplane`, built by the device's features) offers
    `receive(packet, port)`, `originate(packet)`, `ports()`, `addresses()` and
    `set_link(port, up)`. Until a device has one, it drops what reaches it and
    reports the ports its lab links use.
    """

    kind = "device"

    def __init__(self, name: str, device: Any, linked_ports: list[str] | None = None):
        super().__init__(name)
        self.device = device
        self._linked = list(linked_ports or [])

    @property
    def dataplane(self) -> Any:
        return getattr(self.device, "dataplane", None)

    def ports(self) -> list[str]:
        dp = self.dataplane
        return list(dp.ports()) if dp is not None else list(self._linked)

    def addresses(self) -> list[int]:
        dp = self.dataplane
        return list(dp.addresses()) if dp is not None else []

    def receive(self, packet: Packet, port: str, trace: Callable[[str], None] | None = None) -> Verdict:
        """`trace`: a traced walk's (tracing.py), told each flow decision of an SRX."""
        if self.blackholed(packet, received=True):
            return Verdict.drop("blackhole")
        dp = self.dataplane
        if dp is None:
            return Verdict.drop(f"{self.name} has no dataplane")
        if trace is not None:
            return dp.receive(packet, port, trace)
        return dp.receive(packet, port)

    def originate(self, packet: Packet) -> Verdict:
        if self.blackholed(packet, received=False):
            return Verdict.drop("blackhole")
        dp = self.dataplane
        if dp is None:
            return Verdict.drop(f"{self.name} has no dataplane")
        return dp.originate(packet)

    def set_link(self, port: str, up: bool) -> None:
        super().set_link(port, up)
        dp = self.dataplane
        if dp is not None:
            dp.set_link(port, up)

    def answers_arp(self, address: int, port: str) -> bool:
        """Its addresses on the port's unit, and an SRX's proxy-arp addresses there (Dataplane)."""
        dp = self.dataplane
        return dp is not None and bool(dp.answers_arp(address, port))

    def describe(self) -> str:
        return " ".join(ipv4_text(a) for a in sorted(self.addresses()))


__all__ = ["BaseNode", "DeviceNode", "HostNode", "InternetNode", "answer_out"]
