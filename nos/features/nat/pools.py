"""NAT pools (`security nat source pool`, `security nat destination pool`) and the source NAT port
allocator.

Source pools translate with ports by default (PAT: each session gets a port of the pool's range,
1024-65535 unless `port range` says otherwise, so many hosts share one address); `port
no-translation` gives each host an address of its own for all its sessions and keeps its ports
(`host-address-base` maps host addresses onto the pool one to one; `address-shared` lets hosts
share), falling back to the `overflow-pool` (another pool, or the egress interface) when the
addresses run out. Interface NAT (`source-nat interface`) is PAT on the egress interface's address.

Allocation is deterministic, as the lab needs: Junos picks ports at random in the range (port
randomization, on by default); here they come from a seeded generator, so one sequence of
sessions always gets the same ports. Addresses of a PAT pool are used in turn (`address-pooling
no-paired`, the default) or kept per host (`paired`). Ports are per address: an address and port
belong to one session at a time, whatever its protocol (ICMP identifiers count as ports).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from nos.config.query import child, entries, flag, value
from nos.config.tree import Node
from nos.features.nat.common import Compiler, Range, address_range, instance_name

PORT_LOW, PORT_HIGH = 1024, 65535  # the default port range of a PAT pool and of interface NAT
FIRST_SOURCE_POOL_ID = 4  # Junos numbers user source pools from 4 (0-3 are its own)


@dataclass(frozen=True)
class SourcePool:
    name: str
    id: int
    ranges: tuple[Range, ...]
    port_low: int = PORT_LOW
    port_high: int = PORT_HIGH
    translate_ports: bool = True
    routing_instance: str = "default"
    host_address_base: int | None = None
    overflow_pool: str | None = None
    overflow_interface: bool = False
    paired: bool = False
    address_shared: bool = False

    @property
    def size(self) -> int:
        return sum(hi - lo + 1 for lo, hi in self.ranges)

    def address(self, index: int) -> int:
        """The pool's `index`th address, in configuration order."""
        for lo, hi in self.ranges:
            if index <= hi - lo:
                return lo + index
            index -= hi - lo + 1
        raise IndexError(index)


@dataclass(frozen=True)
class DestinationPool:
    name: str
    id: int
    low: int
    high: int
    port: int | None = None  # translate the destination port to this one (None: keep it)
    routing_instance: str = "default"

    @property
    def size(self) -> int:
        return self.high - self.low + 1


# -- compiling -------------------------------------------------------------------------------------------


def compile_source_pools(c: Compiler, source: Node | None) -> dict[str, SourcePool]:
    pools: dict[str, SourcePool] = {}
    for n, ((name,), node) in enumerate(entries(source, "pool").items()):
        path = ["security", "nat", "source", "pool", name]
        ranges = []
        for (low,), entry in entries(child(node, "address"), "entry").items():
            found = c.span(path, f"address {low}", low, value(entry, "to"))
            if found is not None:  # (None: IPv6, or refused)
                ranges.append(found)
        if not entries(child(node, "address"), "entry"):
            c.missing(["security", "nat", "source"], f"pool {name}", "address")
        port = child(node, "port")
        low, high = PORT_LOW, PORT_HIGH
        port_range = child(port, "range")
        if port_range is not None:
            low = int(value(port_range, "low") or PORT_LOW)
            high = int(value(port_range, "to") or low)
            if high < low:
                c.error([*path, "port"], f"range {low} to {high}", "Upper limit of port range is lower than its start")
                high = low
        base = value(child(node, "host-address-base"), "ipaddr")
        overflow = child(node, "overflow-pool")
        pools[name] = SourcePool(
            name=name,
            id=FIRST_SOURCE_POOL_ID + n,
            ranges=tuple(ranges),
            port_low=low,
            port_high=high,
            translate_ports=not flag(port, "no-translation"),
            routing_instance=instance_name(value(child(node, "routing-instance"), "ri-name")),
            host_address_base=address_range(base)[0] if base and address_range(base) else None,
            overflow_pool=value(overflow, "pool-name"),
            overflow_interface=flag(overflow, "interface"),
            paired=flag(child(node, "address-pooling"), "paired"),
            address_shared=flag(node, "address-shared"),
        )
    return pools


def compile_destination_pools(c: Compiler, destination: Node | None) -> dict[str, DestinationPool]:
    pools: dict[str, DestinationPool] = {}
    for n, ((name,), node) in enumerate(entries(destination, "pool").items()):
        address = child(node, "address")
        text = value(address, "ipaddr")
        if text is None:
            c.missing(["security", "nat", "destination"], f"pool {name}", "address")
            continue
        found = c.span(["security", "nat", "destination", "pool", name], f"address {text}", text, value(address, "to"))
        if found is None:
            continue  # IPv6, or refused
        ri = child(node, "routing-instance")
        port = value(address, "port")
        pools[name] = DestinationPool(
            name=name,
            id=n + 1,
            low=found[0],
            high=found[1],
            port=int(port) if port is not None else None,
            routing_instance=instance_name(value(ri, "ri-name")),
        )
    return pools


# -- allocating ------------------------------------------------------------------------------------------


class Binding(NamedTuple):
    """A source translation held by a session: released with `Allocator.release` when it ends."""

    address: int
    port: int
    pool: str | None  # None: the egress interface's address
    src: int  # the host's own address
    proto: str
    pat: bool  # the port was allocated (False: the host's own port is kept)


class Allocator:
    """Source NAT addresses and ports in use, and how often each pool was used."""

    def __init__(self, seed: int = 0x5A7):
        self._rng = random.Random(seed)
        self._ports: dict[int, set[int]] = {}  # address -> ports allocated on it
        self._hosts: dict[tuple[str, int], list[int]] = {}  # (pool, host) -> [address, sessions]
        self._holders: dict[int, int] = {}  # no-PAT address -> hosts holding it
        self._turn: dict[str, int] = {}  # pool -> the index of its next address (no-paired)
        self.hits: Counter[str] = Counter()  # pool -> translations it made
        self.failures: Counter[str] = Counter()  # pool -> allocations it could not make

    def allocate(
        self,
        pool: SourcePool | None,
        proto: str,
        src: int,
        sport: int,
        interface: int | None = None,
        pools: Mapping[str, SourcePool] | None = None,
    ) -> Binding | None:
        """A translation for a new session from `src`:`sport`: from `pool`, or the egress interface's
        address `interface` (pool None, or the pool's `overflow-pool interface`). None when exhausted."""
        if pool is None:
            return self._pat(None, interface, PORT_LOW, PORT_HIGH, proto, src) if interface is not None else None
        found = self._from_pool(pool, proto, src, sport)
        if found is None and pool.overflow_pool and pools and pool.overflow_pool in pools:
            overflow = pools[pool.overflow_pool]
            if overflow.name != pool.name:
                found = self._from_pool(overflow, proto, src, sport)
        elif found is None and pool.overflow_interface and interface is not None:
            found = self._pat(None, interface, PORT_LOW, PORT_HIGH, proto, src)
        if found is None:
            self.failures[pool.name] += 1
        return found

    def _from_pool(self, pool: SourcePool, proto: str, src: int, sport: int) -> Binding | None:
        if pool.size == 0:
            return None
        if not pool.translate_ports:
            return self._no_pat(pool, proto, src, sport)
        if pool.paired:
            held = self._hosts.get((pool.name, src))
            if held is not None:
                found = self._pat(pool.name, held[0], pool.port_low, pool.port_high, proto, src)
                if found is not None:
                    held[1] += 1
                return found
        start = self._turn.get(pool.name, 0)
        for step in range(pool.size):
            index = (start + step) % pool.size
            found = self._pat(pool.name, pool.address(index), pool.port_low, pool.port_high, proto, src)
            if found is not None:
                self._turn[pool.name] = (index + 1) % pool.size
                if pool.paired:
                    self._hosts[pool.name, src] = [found.address, 1]
                return found
        return None

    def _pat(self, pool: str | None, address: int, low: int, high: int, proto: str, src: int) -> Binding | None:
        """A free port of [low, high] on `address`: a random one, or the next free one after it."""
        used = self._ports.setdefault(address, set())
        size = high - low + 1
        if len(used) >= size:
            return None
        first = self._rng.randint(low, high)
        for step in range(size):
            port = low + (first - low + step) % size
            if port not in used:
                used.add(port)
                if pool is not None:
                    self.hits[pool] += 1
                return Binding(address, port, pool, src, proto, True)
        return None

    def _no_pat(self, pool: SourcePool, proto: str, src: int, sport: int) -> Binding | None:
        """The host's address of the pool (the one it holds, or a free one), its own port kept."""
        key = (pool.name, src)
        held = self._hosts.get(key)
        if held is None:
            address = self._free_address(pool, src)
            if address is None:
                return None
            held = self._hosts[key] = [address, 0]
            self._holders[address] = self._holders.get(address, 0) + 1
        held[1] += 1
        self.hits[pool.name] += 1
        return Binding(held[0], sport, pool.name, src, proto, False)

    def _free_address(self, pool: SourcePool, src: int) -> int | None:
        if pool.host_address_base is not None:
            offset = src - pool.host_address_base
            return pool.address(offset) if 0 <= offset < pool.size else None
        if pool.address_shared:
            index = self._turn.get(pool.name, 0)
            self._turn[pool.name] = (index + 1) % pool.size
            return pool.address(index)
        for index in range(pool.size):
            address = pool.address(index)
            if not self._holders.get(address):
                return address
        return None

    def release(self, binding: Binding) -> None:
        """The session holding `binding` ended: its port (or its host's share of an address) is free."""
        if binding.pat:
            self._ports.get(binding.address, set()).discard(binding.port)
        key = (binding.pool or "", binding.src)
        held = self._hosts.get(key) if binding.pool is not None else None
        if held is None or held[0] != binding.address:
            return
        held[1] -= 1
        if held[1] <= 0:
            del self._hosts[key]
            if not binding.pat:
                left = self._holders.get(binding.address, 0) - 1
                if left > 0:
                    self._holders[binding.address] = left
                else:
                    self._holders.pop(binding.address, None)

    def ports_used(self, address: int) -> int:
        """Ports allocated on an address now (the pool usage `show security nat source pool` gives)."""
        return len(self._ports.get(address, ()))

    def hosts_on(self, address: int) -> int:
        """Hosts holding a no-PAT address now."""
        return self._holders.get(address, 0)

    def clear_hits(self, pool: str | None = None) -> None:
        for counter in (self.hits, self.failures):
            if pool is None:
                counter.clear()
            else:
                counter.pop(pool, None)


__all__ = [
    "FIRST_SOURCE_POOL_ID",
    "PORT_HIGH",
    "PORT_LOW",
    "Allocator",
    "Binding",
    "DestinationPool",
    "SourcePool",
    "compile_destination_pools",
    "compile_source_pools",
]
