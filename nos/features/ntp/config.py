"""`system ntp`: the servers the device polls, its boot server and the source addresses of its polls.

A server is one association of the client, named by its address and the
routing instance it is reached through (None: the default instance). Junos
defaults: NTP version 4, no prefer. A server named by a host name is not
mobilized: a lab has no name service to resolve it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from nos.config.query import child, entries, flag, value
from nos.config.tree import Node

Key = tuple[str, str | None]  # (address, routing instance)


@dataclass(frozen=True)
class ServerSpec:
    address: str  # as configured (IPv4 or IPv6 text)
    instance: str | None
    version: int = 4
    prefer: bool = False

    @property
    def key(self) -> Key:
        return self.address, self.instance

    @property
    def ipv4(self) -> int | None:
        """The address as an int when it is IPv4 (the lab carries IPv4 only)."""
        try:
            parsed = ipaddress.ip_address(self.address)
        except ValueError:
            return None
        return int(parsed) if parsed.version == 4 else None


@dataclass(frozen=True)
class NtpConfig:
    servers: tuple[ServerSpec, ...] = ()
    boot_server: str | None = None
    sources: tuple[tuple[str, str | None], ...] = ()  # (address, routing instance)

    def source_for(self, instance: str | None) -> str | None:
        """The source address configured for polls in `instance` (None: the default instance)."""
        wanted = None if instance in (None, "default", "master") else instance
        for address, where in self.sources:
            if (None if where in (None, "default", "master") else where) == wanted:
                return address
        return None


def ntp_node(root: Node | None) -> Node | None:
    return child(child(root, "system"), "ntp")


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def compile_ntp(ntp: Node | None) -> NtpConfig:
    """What a `system ntp` statement asks for, in configuration order."""
    servers = []
    for (address,), node in entries(ntp, "server").items():
        if not _is_address(address):
            continue  # a host name: nothing resolves it in a lab
        version = value(node, "version")
        instance = value(node, "routing-instance")
        servers.append(
            ServerSpec(
                address=address,
                instance=None if instance in (None, "default", "master") else instance,
                version=int(version) if version else 4,
                prefer=flag(node, "prefer"),
            )
        )
    sources = tuple(
        (address, value(node, "routing-instance")) for (address,), node in entries(ntp, "source-address").items()
    )
    return NtpConfig(tuple(servers), value(ntp, "boot-server"), sources)


__all__ = ["Key", "NtpConfig", "ServerSpec", "compile_ntp", "ntp_node"]
