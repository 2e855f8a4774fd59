"""The lab file: a TOML description of a lab's nodes and links.

```toml
[lab]
name = "dual-isp"        # default: the name of the file's folder
seed = 1                 # seeds the RNG behind link loss (default 1)
clock = "real"           # real | accelerated | virtual (default real; `nos run` uses virtual)
speed = 60               # how much faster than the wall the accelerated clock runs
guide = "..."            # optional text `nos lab` prints at start

[nodes.BranchC]
kind = "device"          # a nos device
config = "branchc.conf"  # its configuration (curly or set), relative to this file; default: factory
platform = "srx"         # srx (flow mode: zones, policies, sessions, NAT; the default) or router (packet mode)

[nodes.Debian1]
kind = "host"
address = "10.0.1.10/24"
gateway = "10.0.1.1"     # optional
ports = ["eth0"]         # optional (default eth0)
listen = ["tcp:22"]      # optional: ports the host answers on (UDP elsewhere: port unreachable)
ttl = 64                 # optional: the TTL the host's packets start with (64; 255 for long chains)

[nodes.Internet]
kind = "internet"        # a routed piece of the Internet
address = ["198.51.100.2/30", "203.0.113.2/30"]   # its own address on each port (one string: every port)
ports = ["eth0", "eth1"] # optional (default eth0, eth1, ... one per address)
serves = ["8.8.8.8", "208.67.220.0/24"]           # what it answers for

[nodes.Internet.bgp]     # optional: a BGP speaker (single-hop EBGP to its neighbours)
as = 65001
router-id = "198.51.100.2"                 # optional (default: its first address)
hold-time = 90                             # optional (0, or 3..65535)
neighbors = { "198.51.100.1" = 65000 }     # peer address = peer AS, on a subnet of the node
announce = ["8.8.8.0/24", "0.0.0.0/0"]     # optional: prefixes it announces and answers for
feeds = [ { from = "16.0.0.0", length = 24, count = 1000000, path = [174, 3356] } ]  # optional

[[links]]
a = "BranchC:ge-0/0/3"
b = "Debian1:eth0"
latency = 1              # one way, in ms (default 1)
loss = 0                 # percent (default 0)
```

A bad file gets one line per error, `FILE:LINE: message`. TOML does not keep
line numbers for values, so the line is found by searching the raw text for
the offending value within its table.

An address belongs to one node: two hosts, a host and an Internet port, or a
device's configuration and either, with the same address are a mistake
(the packet walk would answer for the wrong node). Devices' addresses are
known once their configurations are loaded: `address_conflicts` checks them
then.
"""

from __future__ import annotations

import ipaddress
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nos.lab.textfile import NotText, read_text

KINDS = ("device", "host", "internet")
PLATFORMS = ("srx", "router")  # a device's: flow mode (SRX) or packet mode (an ISP or MX-style router)
CLOCKS = ("real", "accelerated", "virtual")
DEVICE_PORT = re.compile(r"(ge|xe|et|fe)-\d+/\d+/\d+\Z")
NODE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
HOST_PORT = re.compile(r"[A-Za-z][A-Za-z0-9_./-]*\Z")

_NODE_KEYS = {
    "device": {"kind", "config", "platform"},
    "host": {"kind", "address", "gateway", "ports", "listen", "ttl"},
    "internet": {"kind", "address", "ports", "serves", "bgp"},
}
_BGP_KEYS = {"as", "router-id", "hold-time", "neighbors", "announce", "feeds"}
_FEED_KEYS = {"from", "length", "count", "path"}
MAX_ASN = 4294967295
MAX_FEED = 4_000_000  # prefixes in one generated feed: a few full tables (each costs the device its entries)
_LINK_KEYS = {"a", "b", "latency", "loss"}
_LAB_KEYS = {"name", "seed", "clock", "speed", "guide"}
LAB_NAME = re.compile(r"[^/\\\x00-\x1f\x7f]{1,64}\Z")  # it names a temporary folder: no '/', not too long

MAX_LAB_BYTES = 4 << 20  # a lab file larger than this is not one (100 devices take 10 kB)
MAX_CONFIG_BYTES = 16 << 20  # a device configuration file
MAX_LATENCY_MS = 60_000.0  # one way, a minute: more is a typo (and an infinite one never arrives)
_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F]}  # printed escaped: never raw on a terminal


@dataclass
class NodeSpec:
    name: str
    kind: str
    line: int
    config: Path | None = None  # device
    config_text: str = ""  # device: the configuration file's text, read once when checked
    platform: str = "srx"  # device: srx (flow mode) or router (packet mode)
    ports: list[str] = field(default_factory=list)  # host, internet (a device's ports are its interfaces)
    addresses: list[ipaddress.IPv4Interface] = field(default_factory=list)  # host: one; internet: one per port
    gateway: ipaddress.IPv4Address | None = None  # host
    listen: list[tuple[str, int]] = field(default_factory=list)  # host: ("tcp", 22)
    ttl: int = 64  # host: the TTL its packets start with
    serves: list[ipaddress.IPv4Network] = field(default_factory=list)  # internet
    bgp: BgpSpec | None = None  # internet: its BGP speaker


@dataclass(frozen=True)
class FeedSpec:
    """A generated table: `count` consecutive /`length` networks from `start`, one AS path.

    Never a list: its destinations are a `range` of keys (`network << 6 | length`, the
    form BGP messages carry, nos/features/bgp/messages.py), its addresses one interval."""

    start: int  # the first network, as an int
    length: int
    count: int
    path: tuple[int, ...] = ()

    def keys(self) -> range:
        step = (1 << (32 - self.length)) << 6
        first = self.start << 6 | self.length
        return range(first, first + self.count * step, step)

    def span(self) -> tuple[int, int]:
        """The addresses it covers: [first, end)."""
        return self.start, self.start + (self.count << (32 - self.length))


@dataclass
class BgpSpec:
    """An Internet node's BGP speaker (`[nodes.NAME.bgp]`)."""

    asn: int
    router_id: ipaddress.IPv4Address
    neighbors: dict[ipaddress.IPv4Address, int]  # address -> AS
    hold_time: int = 90
    announce: list[ipaddress.IPv4Network] = field(default_factory=list)
    feeds: list[FeedSpec] = field(default_factory=list)
    line: int = 0

    def spans(self) -> list[tuple[int, int]]:
        """The addresses it announces, as intervals [first, end): what its node answers for."""
        prefixes = [(int(n.network_address), int(n.broadcast_address) + 1) for n in self.announce]
        return prefixes + [f.span() for f in self.feeds]


@dataclass
class LinkSpec:
    a: tuple[str, str]  # (node, port)
    b: tuple[str, str]
    latency_ms: float = 1.0
    loss_pct: float = 0.0
    line: int = 0


@dataclass
class LabSpec:
    path: Path
    name: str
    seed: int = 1
    clock: str = "real"
    speed: float = 60.0
    guide: str = ""
    nodes: dict[str, NodeSpec] = field(default_factory=dict)
    links: list[LinkSpec] = field(default_factory=list)


class LabFileError(Exception):
    """One or more problems with a lab file; each line of the message is `FILE:LINE: what`."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class _Source:
    """The raw text of the file, to find the line an error is about.

    Every node and link asks for its table's line, so the lines matching a header
    pattern are found once and node headers are indexed by name: a scan per
    question made a lab of a thousand nodes take seconds to read."""

    def __init__(self, label: str, text: str):
        self.label = label
        self.lines = text.splitlines()
        self._matches: dict[str, list[int]] = {}  # header pattern -> the lines it matches
        self._nodes: dict[str, int] | None = None  # node name -> line of its first [nodes.NAME]

    def header(self, pattern: str, occurrence: int = 1) -> int:
        """Line of the `occurrence`-th line matching a table-header regex (1 if none)."""
        found = self._matches.get(pattern)
        if found is None:
            rx = re.compile(pattern)
            found = self._matches[pattern] = [i for i, line in enumerate(self.lines, 1) if rx.match(line)]
        return found[occurrence - 1] if occurrence <= len(found) else 1

    def node(self, name: str) -> int:
        """Line of node `name`'s table header (1 if none)."""
        if self._nodes is None:
            self._nodes = {}
            for i, line in enumerate(self.lines, 1):
                m = _ANY_NODE_HEADER.match(line)
                if m:
                    self._nodes.setdefault(m.group(1), i)
        line = self._nodes.get(name)
        return line if line is not None else self.header(node_header(name))  # written with TOML escapes

    def find(self, start: int, *, key: str | None = None, value: object = None) -> int:
        """The line, within the table starting at `start`, holding `value` (quoted if possible) or setting `key`.

        Falls back on the table's own line when neither is found.
        """
        last = max(start, 1)  # the table runs until the line before the next table header
        while last < len(self.lines) and not self.lines[last].lstrip().startswith("["):
            last += 1
        region = range(max(start, 1), min(last, len(self.lines)) + 1)
        if value is not None and str(value):
            text = str(value)
            for needle in (f'"{text}"', f"'{text}'", text):
                for i in region:
                    if needle in self.lines[i - 1]:
                        return i
        if key is not None:
            rx = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=")
            for i in region:
                if rx.match(self.lines[i - 1]):
                    return i
        return max(start, 1)

    def error(self, line: int, message: str) -> str:
        return f"{self.label}:{line}: {message.translate(_CONTROL)}"


def node_header(name: str) -> str:
    return rf"\s*\[\s*nodes\s*\.\s*[\"']?{re.escape(name)}[\"']?\s*\]"


_ANY_NODE_HEADER = re.compile(r"\s*\[\s*nodes\s*\.\s*[\"']?(.*?)[\"']?\s*\]")  # node_header, whatever the name


def load_lab_file(path: Path | str) -> LabSpec:
    """Read and check a lab file; raise LabFileError naming every problem found."""
    path = Path(path)
    src = _Source(str(path), "")
    try:
        text = read_text(path, MAX_LAB_BYTES)
    except OSError as exc:
        raise LabFileError([f"{src.label}: cannot read lab file: {exc.strerror}"]) from None
    except NotText as exc:
        raise LabFileError([src.error(exc.line or 1, f"lab file is {exc.describe(with_line=False)}")]) from None
    return parse_lab(text, path)


def parse_lab(text: str, path: Path) -> LabSpec:
    src = _Source(str(path), text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = re.search(r"\(at line (\d+), column \d+\)$", message)
        line = int(m.group(1)) if m else 1
        message = message[: m.start()].strip() if m else message
        raise LabFileError([src.error(line, f"TOML syntax: {message}")]) from None
    return _Checker(src, path, data).check()


class _Checker:
    def __init__(self, src: _Source, path: Path, data: dict[str, Any]):
        self.src = src
        self.path = path
        self.data = data
        self.errors: list[str] = []
        self.claims: dict[ipaddress.IPv4Address, tuple[str, int]] = {}  # address: (node, line) of its first use

    def fail(self, line: int, message: str) -> None:
        self.errors.append(self.src.error(line, message))

    def check(self) -> LabSpec:
        spec = LabSpec(path=self.path, name=self.path.resolve().parent.name or self.path.stem)
        for key in self.data:
            if key not in ("lab", "nodes", "links"):
                line = self.src.header(rf"\s*\[+\s*{re.escape(key)}\s*[.\]]")
                self.fail(line, f"unknown table '{key}' (expected lab, nodes, links)")
        self._lab(spec, self.data.get("lab", {}))
        nodes = self.data.get("nodes", {})
        if not isinstance(nodes, dict):
            self.fail(self.src.find(1, key="nodes"), "'nodes' must be a table of nodes")
            nodes = {}
        folded: dict[str, str] = {}
        for name, body in nodes.items():
            other = folded.setdefault(name.casefold(), name)
            if other != name:  # their state folders would be one on a case-insensitive file system
                line = self.src.node(name)
                self.fail(line, f"node '{name}' differs from node '{other}' only in case")
                continue
            node = self._node(name, body)
            if node is not None:
                spec.nodes[name] = node
        links = self.data.get("links", [])
        if not isinstance(links, list):
            self.fail(self.src.find(1, key="links"), "'links' must be an array of tables ([[links]])")
            links = []
        used: dict[tuple[str, str], int] = {}
        for i, body in enumerate(links, 1):
            link = self._link(i, body, nodes, spec.nodes, used)
            if link is not None:
                spec.links.append(link)
        if self.errors:
            raise LabFileError(self.errors)
        return spec

    # -- [lab] ------------------------------------------------------------------------------------

    def _lab(self, spec: LabSpec, lab: Any) -> None:
        start = self.src.header(r"\s*\[\s*lab\s*\]")
        if not isinstance(lab, dict):
            self.fail(start, "'lab' must be a table")
            return
        for key, value in lab.items():
            line = self.src.find(start, key=key)
            if key not in _LAB_KEYS:
                self.fail(line, f"unknown key '{key}' in [lab] (expected {', '.join(sorted(_LAB_KEYS))})")
            elif key in ("name", "guide") and not isinstance(value, str):
                self.fail(line, f"'{key}' must be a string")
            elif key == "name" and not LAB_NAME.match(value):
                self.fail(line, f"bad lab name '{value}' (1 to 64 characters, no '/' or '\\')")
            elif key == "seed" and (not isinstance(value, int) or isinstance(value, bool)):
                self.fail(line, "'seed' must be an integer")
            elif key == "clock" and value not in CLOCKS:
                self.fail(line, f"unknown clock '{value}' (expected real, accelerated or virtual)")
            elif key == "speed" and not (_number(value) and 0 < value < math.inf):
                self.fail(line, "'speed' must be a positive number")
            else:
                setattr(spec, key, float(value) if key == "speed" else value)

    # -- [nodes.NAME] ----------------------------------------------------------------------------------

    def _node(self, name: str, body: Any) -> NodeSpec | None:
        start = self.src.node(name)
        if not NODE_NAME.match(name):
            self.fail(start, f"bad node name '{name}' (letters, digits, '_', '.', '-')")
            return None
        if not isinstance(body, dict):
            self.fail(start, f"node '{name}' must be a table")
            return None
        kind = body.get("kind")
        if kind is None:
            self.fail(start, f"node '{name}' has no kind (device, host or internet)")
            return None
        if kind not in KINDS:
            self.fail(self.src.find(start, key="kind", value=str(kind)), f"unknown kind '{kind}' for node '{name}'")
            return None
        node = NodeSpec(name, kind, start)
        before = len(self.errors)
        for key in body:
            if key not in _NODE_KEYS[kind]:
                allowed = ", ".join(sorted(_NODE_KEYS[kind]))
                self.fail(self.src.find(start, key=key), f"unknown key '{key}' for a {kind} (expected {allowed})")
        if kind == "device":
            self._device(node, body)
        elif kind == "host":
            self._host(node, body)
        else:
            self._internet(node, body)
            if "bgp" in body:
                self._bgp(node, body["bgp"])
        return node if len(self.errors) == before else None

    def _device(self, node: NodeSpec, body: dict[str, Any]) -> None:
        if "platform" in body:
            platform = body["platform"]
            if platform not in PLATFORMS:
                line = self.src.find(node.line, key="platform")
                self.fail(line, f"unknown platform '{platform}' for device '{node.name}' (expected srx or router)")
            else:
                node.platform = platform
        config = body.get("config")
        if config is None:
            return
        line = self.src.find(node.line, key="config", value=str(config))
        if not isinstance(config, str):
            self.fail(line, "'config' must be a file name")
            return
        what = f"configuration file '{config}' of node '{node.name}'"
        try:
            path = (self.path.parent / config).resolve()
            if not path.exists():
                self.fail(line, f"{what} not found")
            elif path.is_dir():
                self.fail(line, f"{what} is a directory")
            elif not path.is_file():
                self.fail(line, f"{what} is not a regular file")
            else:
                node.config_text = read_text(path, MAX_CONFIG_BYTES)
                node.config = path
        except ValueError:  # a NUL in the name
            self.fail(line, f"{what} not found")
        except OSError as exc:
            self.fail(line, f"{what} cannot be read: {exc.strerror}")
        except NotText as exc:
            self.fail(line, f"{what} is {exc.describe()}")

    def _host(self, node: NodeSpec, body: dict[str, Any]) -> None:
        node.ports = self._ports(node, body, ["eth0"])
        address = body.get("address")
        if address is None:
            self.fail(node.line, f"host '{node.name}' has no address")
            return
        iface = self._interface(node, address)
        if iface is None:
            return
        node.addresses = [iface]
        self._claim(node, iface.ip, self.src.find(node.line, key="address", value=address))
        gateway = body.get("gateway")
        if gateway is not None:
            line = self.src.find(node.line, key="gateway", value=str(gateway))
            try:
                node.gateway = ipaddress.IPv4Address(str(gateway))
            except ValueError:
                self.fail(line, f"bad gateway address '{gateway}'")
                return
            if node.gateway not in iface.network:
                self.fail(line, f"gateway {gateway} is not in {iface.with_prefixlen}")
        for item in self._list(node, body, "listen"):
            m = re.fullmatch(r"(tcp|udp):(\d+)", str(item))
            if not m or not 0 < int(m.group(2)) < 65536:
                self.fail(
                    self.src.find(node.line, key="listen", value=str(item)), f"bad listen entry '{item}' (tcp:N, udp:N)"
                )
                continue
            node.listen.append((m.group(1), int(m.group(2))))
        ttl = body.get("ttl", 64)
        if not isinstance(ttl, int) or isinstance(ttl, bool) or not 0 < ttl < 256:
            self.fail(self.src.find(node.line, key="ttl", value=str(ttl)), f"bad ttl '{ttl}' (1..255)")
        else:
            node.ttl = ttl

    def _internet(self, node: NodeSpec, body: dict[str, Any]) -> None:
        address = body.get("address")
        if address is None:
            self.fail(node.line, f"internet node '{node.name}' has no address")
            return
        texts = address if isinstance(address, list) else [address]
        default_ports = [f"eth{i}" for i in range(len(texts))]
        node.ports = self._ports(node, body, default_ports)
        ifaces = [self._interface(node, t) for t in texts]
        if any(i is None for i in ifaces):
            return
        for text, iface in zip(texts, ifaces, strict=True):
            assert iface is not None
            line = self.src.find(node.line, key="address", value=text)
            first = self.claims.get(iface.ip)
            if first is not None and first[0] == node.name:
                self.fail(line, f"address {iface.ip} is given twice for node '{node.name}' (one string: every port)")
            else:
                self._claim(node, iface.ip, line)
        if len(ifaces) == 1:
            ifaces = ifaces * len(node.ports)
        if len(ifaces) != len(node.ports):
            line = self.src.find(node.line, key="address")
            self.fail(line, f"internet node '{node.name}' has {len(node.ports)} ports but {len(texts)} addresses")
            return
        node.addresses = [i for i in ifaces if i is not None]
        for item in self._list(node, body, "serves"):
            line = self.src.find(node.line, key="serves", value=str(item))
            try:
                served = ipaddress.IPv4Network(str(item))
            except ValueError:
                self.fail(line, f"bad address or prefix '{item}'")
                continue
            node.serves.append(served)
            if served.prefixlen == 32 and self.claims.get(served.network_address, ("",))[0] != node.name:
                self._claim(node, served.network_address, line)

    # -- [nodes.NAME.bgp] ------------------------------------------------------------------------------

    def _bgp(self, node: NodeSpec, body: Any) -> None:
        """An Internet node's BGP speaker; needs its addresses (checked before) for the neighbours."""
        name = re.escape(node.name)
        start = self._table_line(rf"\s*\[\s*nodes\s*\.\s*[\"']?{name}[\"']?\s*\.\s*bgp\s*\]", node.line, "bgp")
        if not isinstance(body, dict):
            self.fail(start, "'bgp' must be a table")
            return
        before = len(self.errors)
        for key in body:
            if key not in _BGP_KEYS:
                allowed = ", ".join(sorted(_BGP_KEYS))
                self.fail(self.src.find(start, key=key), f"unknown key '{key}' in bgp (expected {allowed})")
        asn = body.get("as")
        if asn is None:
            self.fail(start, f"bgp of node '{node.name}' has no 'as'")
        else:
            asn = self._asn(self.src.find(start, key="as"), asn, "AS")
        router_id = node.addresses[0].ip if node.addresses else ipaddress.IPv4Address(0)
        if "router-id" in body:
            text = body["router-id"]
            try:
                router_id = ipaddress.IPv4Address(text if isinstance(text, str) else "-")
            except ValueError:
                self.fail(self.src.find(start, key="router-id"), f"bad router-id '{text}' (expected an IPv4 address)")
        hold = body.get("hold-time", 90)
        if not _integer(hold) or not (hold == 0 or 3 <= hold <= 65535):
            self.fail(self.src.find(start, key="hold-time"), f"bad hold-time '{hold}' (0, or 3..65535 seconds)")
        neighbors = self._neighbors(node, body.get("neighbors"), start)
        announce = self._announce(start, body.get("announce", []))
        feeds = self._feeds(node, start, body.get("feeds", []))
        if len(self.errors) == before:
            node.bgp = BgpSpec(asn, router_id, neighbors, hold, announce, feeds, start)  # type: ignore[arg-type]

    def _table_line(self, header: str, parent: int, key: str) -> int:
        """The line of a sub-table: its `[header]`, or the `key = {...}` line of its parent table."""
        line = self.src.header(header)
        if line != 1 or re.match(header, self.src.lines[0] if self.src.lines else ""):
            return line
        return self.src.find(parent, key=key)

    def _asn(self, line: int, value: Any, what: str) -> int | None:
        if not _integer(value) or not 1 <= value <= MAX_ASN:
            self.fail(line, f"bad {what} '{value}' (1..{MAX_ASN})")
            return None
        return int(value)

    def _neighbors(self, node: NodeSpec, table: Any, start: int) -> dict[ipaddress.IPv4Address, int]:
        name = re.escape(node.name)
        header = rf"\s*\[\s*nodes\s*\.\s*[\"']?{name}[\"']?\s*\.\s*bgp\s*\.\s*neighbors\s*\]"
        line = self._table_line(header, start, "neighbors")
        if table is None or table == {}:
            self.fail(line, f"bgp of node '{node.name}' has no neighbors (neighbors = {{ \"ADDRESS\" = AS }})")
            return {}
        if not isinstance(table, dict):
            self.fail(line, "'neighbors' must be a table of address = AS")
            return {}
        found: dict[ipaddress.IPv4Address, int] = {}
        for text, peer_as in table.items():
            at = self.src.find(line, value=text)
            try:
                address = ipaddress.IPv4Address(text)
            except ValueError:
                self.fail(at, f"bad neighbor address '{text}'")
                continue
            asn = self._asn(at, peer_as, f"AS for neighbor {text}")
            if any(address == i.ip for i in node.addresses):
                self.fail(at, f"neighbor {address} is an address of node '{node.name}'")
            elif node.addresses and not any(address in i.network for i in node.addresses):
                subnets = ", ".join(str(i.network) for i in node.addresses)
                self.fail(
                    at, f"neighbor {address} is not on a subnet of node '{node.name}' ({subnets}): single-hop only"
                )
            elif asn is not None:
                found[address] = asn
        return found

    def _announce(self, start: int, items: Any) -> list[ipaddress.IPv4Network]:
        if not isinstance(items, list):
            self.fail(self.src.find(start, key="announce"), "'announce' must be a list")
            return []
        out = []
        for item in items:
            line = self.src.find(start, key="announce", value=str(item))
            try:
                out.append(ipaddress.IPv4Network(item if isinstance(item, str) else "-"))
            except ValueError:
                hint = ""
                if isinstance(item, str):
                    try:
                        hint = f"; {ipaddress.IPv4Network(item, strict=False)}?"
                    except ValueError:
                        pass
                self.fail(line, f"bad prefix '{item}' in announce (expected network/length, like 8.8.8.0/24{hint})")
        return out

    def _feeds(self, node: NodeSpec, start: int, items: Any) -> list[FeedSpec]:
        if not isinstance(items, list):
            self.fail(self.src.find(start, key="feeds"), "'feeds' must be a list of tables")
            return []
        name = re.escape(node.name)
        header = rf"\s*\[\[\s*nodes\s*\.\s*[\"']?{name}[\"']?\s*\.\s*bgp\s*\.\s*feeds\s*\]\]"
        out = []
        for i, feed in enumerate(items, 1):
            base = self.src.header(header, i)
            if base == 1 and not re.match(header, self.src.lines[0] if self.src.lines else ""):
                base = self.src.find(start, key="feeds", value=feed.get("from") if isinstance(feed, dict) else None)
            made = self._feed(base, feed)
            if made is not None:
                out.append(made)
        return out

    def _feed(self, line: int, feed: Any) -> FeedSpec | None:
        if not isinstance(feed, dict):
            self.fail(line, 'a feed must be a table ({ from = "16.0.0.0", length = 24, count = 1000 })')
            return None
        before = len(self.errors)
        for key in feed:
            if key not in _FEED_KEYS:
                self.fail(line, f"unknown key '{key}' in a feed (expected {', '.join(sorted(_FEED_KEYS))})")
        for key in ("from", "length", "count"):
            if key not in feed:
                self.fail(line, f"feed has no '{key}'")
        if len(self.errors) != before:
            return None
        text, length, count = feed["from"], feed["length"], feed["count"]
        try:
            first = ipaddress.IPv4Address(text if isinstance(text, str) else "-")
        except ValueError:
            self.fail(line, f"bad feed start '{text}' (expected an IPv4 address)")
            return None
        if not _integer(length) or not 8 <= length <= 32:
            self.fail(line, f"bad feed length '{length}' (8..32)")
            return None
        if not _integer(count) or not 1 <= count <= MAX_FEED:
            self.fail(line, f"bad feed count '{count}' (1..{MAX_FEED})")
            return None
        path = feed.get("path", [])
        if not isinstance(path, list):
            self.fail(line, "a feed's 'path' must be a list of AS numbers")
            return None
        for asn in path:
            self._asn(line, asn, "AS in feed path")
        size = 1 << (32 - length)
        if int(first) % size:
            self.fail(
                line,
                f"feed start {first} is not a /{length} network ({ipaddress.IPv4Address(int(first) // size * size)}?)",
            )
        elif int(first) + count * size > 1 << 32:
            room = ((1 << 32) - int(first)) // size
            self.fail(
                line, f"feed of {count} /{length} networks from {first} runs past 255.255.255.255 (room for {room})"
            )
        if len(self.errors) != before:
            return None
        return FeedSpec(int(first), length, count, tuple(path))

    def _claim(self, node: NodeSpec, address: ipaddress.IPv4Address, line: int) -> None:
        """`address` is `node`'s: report it when another node of the lab had it first."""
        first = self.claims.setdefault(address, (node.name, line))
        if first[0] != node.name:
            self.fail(
                line, f"address {address} of node '{node.name}' is already used by node '{first[0]}' (line {first[1]})"
            )

    def _ports(self, node: NodeSpec, body: dict[str, Any], default: list[str]) -> list[str]:
        if "ports" not in body:
            return default
        ports = [str(p) for p in self._list(node, body, "ports")]
        for port in ports:
            if not HOST_PORT.match(port) or ":" in port:
                self.fail(self.src.find(node.line, key="ports", value=port), f"bad port name '{port}'")
        if len(set(ports)) != len(ports):
            self.fail(self.src.find(node.line, key="ports"), f"node '{node.name}' lists a port twice")
        return ports or default

    def _list(self, node: NodeSpec, body: dict[str, Any], key: str) -> list[Any]:
        value = body.get(key, [])
        if not isinstance(value, list):
            self.fail(self.src.find(node.line, key=key), f"'{key}' must be a list")
            return []
        return value

    def _interface(self, node: NodeSpec, text: Any) -> ipaddress.IPv4Interface | None:
        line = self.src.find(node.line, key="address", value=str(text))
        if not isinstance(text, str) or "/" not in text:
            self.fail(line, f"bad address '{text}' (expected address/length, like 10.0.1.10/24)")
            return None
        try:
            iface = ipaddress.IPv4Interface(text)
        except ValueError:
            self.fail(line, f"bad address '{text}' (expected address/length, like 10.0.1.10/24)")
            return None
        net = iface.network
        if net.prefixlen < 31 and iface.ip in (net.network_address, net.broadcast_address):
            which = "network" if iface.ip == net.network_address else "broadcast"
            self.fail(line, f"bad address '{text}' (the {which} address of {net})")
            return None
        return iface

    # -- [[links]] -------------------------------------------------------------------------------------------

    def _link(
        self,
        index: int,
        body: Any,
        declared: dict[str, Any],
        nodes: dict[str, NodeSpec],
        used: dict[tuple[str, str], int],
    ) -> LinkSpec | None:
        start = self.src.header(r"\s*\[\[\s*links\s*\]\]", index)
        if not isinstance(body, dict):
            self.fail(start, "a link must be a table")
            return None
        before = len(self.errors)
        for key in body:
            if key not in _LINK_KEYS:
                self.fail(
                    self.src.find(start, key=key), f"unknown key '{key}' in a link (expected a, b, latency, loss)"
                )
        if isinstance(body.get("a"), str) and body.get("a") == body.get("b"):
            self.fail(self.src.find(start, key="b"), f"link joins port {body['a']} to itself")
            return None
        ends = []
        for side in ("a", "b"):
            end = self._endpoint(start, side, body.get(side), declared, nodes, used)
            if end is not None:
                ends.append(end)
        link = LinkSpec(("", ""), ("", ""), line=start)
        for key, attr, top in (("latency", "latency_ms", MAX_LATENCY_MS), ("loss", "loss_pct", 100.0)):
            if key not in body:
                continue
            value = body[key]
            line = self.src.find(start, key=key)
            if not (_number(value) and 0 <= value <= top):
                self.fail(line, f"'{key}' must be a number, 0 to {top:g}")
                continue
            setattr(link, attr, float(value))
        if len(self.errors) != before or len(ends) != 2:
            return None
        link.a, link.b = ends
        return link

    def _endpoint(
        self,
        start: int,
        side: str,
        text: Any,
        declared: dict[str, Any],
        nodes: dict[str, NodeSpec],
        used: dict[tuple[str, str], int],
    ) -> tuple[str, str] | None:
        if text is None:
            self.fail(start, f"link has no '{side}' end (NODE:port)")
            return None
        line = self.src.find(start, key=side, value=str(text))
        if not isinstance(text, str) or text.count(":") != 1 or text.startswith(":") or text.endswith(":"):
            self.fail(line, f"bad link end '{text}' (expected NODE:port)")
            return None
        name, port = text.split(":")
        if name not in declared:
            self.fail(line, f"unknown node '{name}' in link")
            return None
        node = nodes.get(name)
        if node is None:
            return None  # the node itself was refused; that error is already reported
        if node.kind == "device" and not DEVICE_PORT.match(port):
            self.fail(line, f"bad port '{port}' for device '{name}' (expected an interface like ge-0/0/1)")
            return None
        if node.kind != "device" and port not in node.ports:
            self.fail(line, f"node '{name}' has no port '{port}' (ports: {', '.join(node.ports)})")
            return None
        first = used.get((name, port))
        if first is not None:
            self.fail(line, f"port {name}:{port} is used by two links (first at line {first})")
            return None
        used[(name, port)] = line
        return (name, port)


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    """An int or a float that is not infinite or NaN (TOML has `inf` and `nan`)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def address_conflicts(spec: LabSpec, device_addresses: dict[str, list[int]]) -> list[str]:
    """`FILE:LINE` errors for devices configured with an address a host or Internet node has.

    Hosts and Internet nodes were checked against each other with the file;
    this runs once the devices' configurations are loaded. Two devices may
    share an address: branches reuse one private LAN behind NAT, and an HA
    pair puts one floating address on both nodes.
    """
    src = _Source(str(spec.path), "")
    owners: dict[ipaddress.IPv4Address, NodeSpec] = {}
    for node in spec.nodes.values():
        claimed = [i.ip for i in node.addresses] + [n.network_address for n in node.serves if n.prefixlen == 32]
        for address in claimed:
            owners.setdefault(address, node)
    errors = []
    for name, addresses in device_addresses.items():
        device = spec.nodes[name]
        for address in dict.fromkeys(ipaddress.IPv4Address(a) for a in addresses):
            first = owners.get(address)
            if first is not None and first is not device:
                where = f"the configuration of device '{name}'" if device.config else f"device '{name}'"
                message = f"address {address} in {where} is already used by node '{first.name}' (line {first.line})"
                errors.append(src.error(device.line, message))
    return errors


__all__ = [
    "CLOCKS",
    "KINDS",
    "MAX_ASN",
    "MAX_CONFIG_BYTES",
    "MAX_FEED",
    "MAX_LAB_BYTES",
    "PLATFORMS",
    "BgpSpec",
    "FeedSpec",
    "LabFileError",
    "LabSpec",
    "LinkSpec",
    "NodeSpec",
    "address_conflicts",
    "load_lab_file",
    "parse_lab",
]
