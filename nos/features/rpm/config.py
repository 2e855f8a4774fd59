"""`services rpm`: the tests a configuration asks for, with the Junos defaults filled in.

Defaults (semantics.md 1.1): probe-type icmp-ping, probe-count 1, probe-interval
3 s, test-interval 1 s, history-size 50, successive-loss 1 and total-loss 1,
probe-limit 100. A threshold of 0 is off.
"""

from __future__ import annotations

from dataclasses import dataclass

from nos.config.query import child, entries, value, values
from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.lab.packet import ipv4_int

ICMP_TYPES = ("icmp-ping", "icmp-ping-timestamp")
TRANSPORT_TYPES = ("tcp-ping", "udp-ping", "udp-ping-timestamp")


@dataclass(frozen=True)
class Thresholds:
    successive_loss: int = 1  # probes lost in a row: probe failure
    total_loss: int = 1  # probes lost in one test: test failure
    rtt: int = 0  # microseconds; 0 is off
    jitter_rtt: int = 0
    std_dev_rtt: int = 0


@dataclass(frozen=True)
class TestSpec:
    """One `probe OWNER test NAME`: what to send, how often, and what counts as failure."""

    owner: str
    name: str
    probe_type: str
    target: int
    probe_count: int
    probe_interval: int
    test_interval: int
    history_size: int
    routing_instance: str | None
    source: int | None
    destination_interface: str | None
    next_hop: int | None
    destination_port: int
    data_size: int
    thresholds: Thresholds
    traps: frozenset[str]

    @property
    def timeout(self) -> float:
        """How long a probe waits for its answer: its interval, at most 3 s (DISMAN-PING-MIB's default)."""
        return float(min(self.probe_interval, 3))


def _int(node: Node | None, name: str, default: int) -> int:
    text = value(node, name)
    return int(text) if text is not None else default


def compile_tests(root: Node) -> tuple[dict[tuple[str, str], TestSpec], int]:
    """Every configured test with a target, and the probe-limit."""
    rpm = rpm_config(root)
    specs: dict[tuple[str, str], TestSpec] = {}
    for (owner,), probe in entries(rpm, "probe").items():
        specs.update(compile_probe(owner, probe))
    return specs, probe_limit(rpm)


def rpm_config(root: Node | None) -> Node | None:
    """The `services rpm` statement of a configuration."""
    return child(child(root, "services"), "rpm")


def probe_limit(rpm: Node | None) -> int:
    return _int(rpm, "probe-limit", 100)


def compile_probe(owner: str, probe: Node) -> dict[tuple[str, str], TestSpec]:
    """The tests of one `probe OWNER` that have a target."""
    specs: dict[tuple[str, str], TestSpec] = {}
    for (name,), test in entries(probe, "test").items():
        target = value(child(test, "target"), "address")
        if target is None:
            continue  # refused at commit (check_tests)
        limits = child(test, "thresholds")
        source, next_hop = value(test, "source-address"), value(test, "next-hop")
        specs[owner, name] = TestSpec(
            owner=owner,
            name=name,
            probe_type=value(test, "probe-type") or "icmp-ping",
            target=ipv4_int(target),
            probe_count=_int(test, "probe-count", 1),
            probe_interval=_int(test, "probe-interval", 3),
            test_interval=_int(test, "test-interval", 1),
            history_size=_int(test, "history-size", 50),
            routing_instance=value(test, "routing-instance"),
            source=ipv4_int(source) if source else None,
            destination_interface=value(test, "destination-interface"),
            next_hop=ipv4_int(next_hop) if next_hop else None,
            destination_port=_int(test, "destination-port", 0),
            data_size=_int(test, "data-size", 0),
            thresholds=Thresholds(
                successive_loss=_int(limits, "successive-loss", 1),
                total_loss=_int(limits, "total-loss", 1),
                rtt=_int(limits, "rtt", 0),
                jitter_rtt=_int(limits, "jitter-rtt", 0),
                std_dev_rtt=_int(limits, "std-dev-rtt", 0),
            ),
            traps=frozenset(values(test, "traps")),
        )
    return specs


def check_tests(root: Node) -> list[CheckError]:
    """Commit checks: every test needs an address target; TCP and UDP probes need a port."""
    return [e for (owner,), probe in entries(rpm_config(root), "probe").items() for e in check_probe(owner, probe)]


def check_probe(owner: str, probe: Node) -> list[CheckError]:
    """The commit checks of the tests of one `probe OWNER`."""
    errors: list[CheckError] = []
    for (name,), test in entries(probe, "test").items():
        # Junos names the statement that lacks a child under its parent's [edit] line.
        path, entry = ["services", "rpm", "probe", owner], f"test {name}"
        if value(child(test, "target"), "address") is None:
            errors.append(CheckError(path, entry, "Missing mandatory statement: 'target'", mandatory=True))
        kind = value(test, "probe-type") or "icmp-ping"
        if kind in ("http-get", "http-metadata-get", "icmp6-ping"):
            message = f"rpm: probe-type {kind} is not supported"
            errors.append(CheckError([*path, "test", name], f"probe-type {kind}", message))
        elif kind in TRANSPORT_TYPES and value(test, "destination-port") is None:
            message = "Missing mandatory statement: 'destination-port'"
            errors.append(CheckError(path, entry, message, mandatory=True))
    return errors


__all__ = [
    "ICMP_TYPES",
    "TRANSPORT_TYPES",
    "TestSpec",
    "Thresholds",
    "check_probe",
    "check_tests",
    "compile_probe",
    "compile_tests",
    "probe_limit",
    "rpm_config",
]
