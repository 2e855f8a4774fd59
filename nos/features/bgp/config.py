"""`protocols bgp` (in the master instance and in routing instances): the peers a configuration asks for.

Statements at the bgp, group and neighbor levels are inherited downwards, the
nearest level winning (Junos' rule for every statement of `bgp-peer-options`).
A group without `type` is external when its peer AS differs from the local AS
[G]. The local AS is `routing-options autonomous-system` (of the instance, or
of the master instance), overridden by `local-as`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from nos.config.query import child, entries, flag, value, values
from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.features.bgp.session import HOLD_TIME, PeerSpec
from nos.features.interfaces.state import default_router_id
from nos.lab.packet import ipv4_int

MASTER = "master"


def _asn(options: Node | None) -> int | None:
    node = child(options, "autonomous-system")
    text = value(node, "as-number") if node is not None else None
    return int(text) if text is not None else None


def router_id(options: Node | None, addresses: Iterable[int], loopbacks: Iterable[int] = ()) -> int:
    """`routing-options router-id`, else derived from the interface addresses by the rule `show route
    summary` shows too (`default_router_id`: lo0's lowest address, else the lowest of the others)."""
    text = value(options, "router-id")
    if text is not None:
        return ipv4_int(text)
    return default_router_id(loopbacks, addresses)


def instances(root: Node) -> dict[str, tuple[Node, Node | None]]:
    """instance -> (its `protocols bgp` node, its routing-options), where BGP is configured."""
    found: dict[str, tuple[Node, Node | None]] = {}
    bgp = child(child(root, "protocols"), "bgp")
    if bgp is not None:
        found[MASTER] = (bgp, child(root, "routing-options"))
    for (name,), inst in entries(child(root, "routing-instances"), "instance").items():
        bgp = child(child(inst, "protocols"), "bgp")
        if bgp is not None:
            found[name] = (bgp, child(inst, "routing-options"))
    return found


def _inherit(levels: list[Node], name: str) -> str | None:
    for level in reversed(levels):
        v = value(level, name)
        if v is not None:
            return v
    return None


def _inherit_list(levels: list[Node], name: str) -> tuple[str, ...]:
    for level in reversed(levels):
        v = values(level, name)
        if v:
            return v
    return ()


def peers(root: Node) -> tuple[dict[tuple[str, int], PeerSpec], list[CheckError]]:
    """Every configured neighbour by (instance, address), and the commit errors of the configuration."""
    master_as = _asn(child(root, "routing-options"))
    found: dict[tuple[str, int], PeerSpec] = {}
    errors: list[CheckError] = []
    for instance, (bgp, options) in instances(root).items():
        local_as = _asn(options) or master_as
        base = ["protocols", "bgp"] if instance == MASTER else ["routing-instances", instance, "protocols", "bgp"]
        for (group_name,), group in entries(bgp, "group").items():
            for (address_text,), neighbor in entries(group, "neighbor").items():
                levels = [bgp, group, neighbor]
                path = [*base, "group", group_name]
                spec_as = _inherit(levels, "local-as")
                mine = int(spec_as) if spec_as is not None else local_as
                if mine is None:
                    errors.append(CheckError(path, f"neighbor {address_text}", "Local AS number must be configured"))
                    continue
                peer_as_text = _inherit(levels, "peer-as")
                kind = _inherit(levels, "type")
                if peer_as_text is None and kind != "internal":
                    errors.append(
                        CheckError(
                            path,
                            f"neighbor {address_text}",
                            f"Error in neighbor {address_text} of group {group_name}:\n"
                            "peer AS number must be configured for an external peer",
                        )
                    )
                    continue
                peer_as = int(peer_as_text) if peer_as_text is not None else mine
                if kind == "external" and peer_as == mine:
                    errors.append(
                        CheckError(
                            path,
                            f"neighbor {address_text}",
                            f"Error in neighbor {address_text} of group {group_name}:\n"
                            "peer AS number must differ from the local AS for an external peer",
                        )
                    )
                    continue
                if kind == "internal" and peer_as != mine:
                    errors.append(
                        CheckError(
                            path,
                            f"neighbor {address_text}",
                            f"Error in neighbor {address_text} of group {group_name}:\n"
                            "peer AS number must match the local AS for an internal peer",
                        )
                    )
                    continue
                address = ipaddress.ip_address(address_text)
                if address.version != 4:
                    continue  # IPv6 sessions: not in the lab yet
                local = _inherit(levels, "local-address")
                hold = _inherit(levels, "hold-time")
                hops = [child(level, "multihop") for level in levels if flag(level, "multihop")]
                multihop = hops[-1] if hops else None
                ttl_text = value(multihop, "ttl") if multihop is not None else None
                ttl = int(ttl_text) if ttl_text else (64 if multihop is not None or peer_as == mine else 1)
                found[(instance, int(address))] = PeerSpec(
                    address=int(address),
                    peer_as=peer_as,
                    local_as=mine,
                    local_address=ipv4_int(local) if local and ":" not in local else None,
                    hold_time=int(hold) if hold is not None else HOLD_TIME,
                    passive=any(flag(level, "passive") for level in levels),
                    group=group_name,
                    description=_inherit(levels, "description") or "",
                    ttl=ttl,
                    import_=_inherit_list(levels, "import"),
                    export=_inherit_list(levels, "export"),
                    instance=instance,
                )
    return found, errors


__all__ = ["MASTER", "instances", "peers", "router_id"]
