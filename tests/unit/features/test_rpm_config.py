"""`services rpm` configuration: the Junos defaults a test gets (semantics.md 1.1) and the commit checks.

Stand-alone devices (the `srx` fixture): nothing here needs a lab or lets time pass.
"""

from __future__ import annotations

import trio

from nos.cli.io import BufferIO
from nos.cli.session import CliSession
from nos.config.load import parse_set
from nos.features.rpm.config import Thresholds
from nos.lab.packet import ipv4_int

BASE = """\
set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24
set interfaces lo0 unit 0 family inet address 10.255.0.1/32
set routing-instances VR instance-type virtual-router
"""
TEST = "set services rpm probe P test T"


def transcript(device, *lines: str) -> str:
    """What a terminal shows for `lines` typed into a CLI session on `device`."""
    io = BufferIO()
    session = CliSession(device, "lab", io)

    async def go() -> None:
        for line in lines:
            io.write(session.prompt() + line + "\n")
            await session.execute(line)

    trio.run(go)
    return io.take()


def commit_lines(device, text: str, check: bool = False) -> list[str]:
    tree = device.db.new_candidate()
    report = parse_set(tree, text)
    assert not report.messages, report.messages
    return device.db.commit(tree, "lab", check_only=check).lines


# -- defaults ---------------------------------------------------------------------------------------------


def test_a_test_with_only_a_target_gets_the_junos_defaults(srx):
    """probe-type icmp-ping, probe-count 1, probe-interval 3, test-interval 1, history-size 50,
    successive-loss 1 and total-loss 1, no rtt/jitter/std-dev thresholds, no traps, probe-limit 100."""
    device = srx(BASE + f"{TEST} target address 192.0.2.2\n")
    spec = device.rpm.runs["P", "T"].spec
    assert (spec.owner, spec.name, spec.target) == ("P", "T", ipv4_int("192.0.2.2"))
    assert spec.probe_type == "icmp-ping"
    assert spec.probe_count == 1
    assert spec.probe_interval == 3
    assert spec.test_interval == 1
    assert spec.history_size == 50
    assert spec.thresholds == Thresholds(successive_loss=1, total_loss=1, rtt=0, jitter_rtt=0, std_dev_rtt=0)
    assert spec.traps == frozenset()
    assert spec.routing_instance is None and spec.source is None
    assert spec.destination_interface is None and spec.next_hop is None
    assert device.rpm.probe_limit == 100
    assert device.rpm.runs["P", "T"].history.maxlen == 50


def test_every_statement_is_compiled(srx):
    device = srx(
        BASE
        + "set services rpm probe-limit 7\n"
        + "\n".join(
            f"{TEST} {line}"
            for line in (
                "probe-type udp-ping",
                "target address 192.0.2.2",
                "destination-port 7007",
                "probe-count 15",
                "probe-interval 255",
                "test-interval 0",
                "history-size 512",
                "routing-instance VR",
                "source-address 10.255.0.1",
                "destination-interface ge-0/0/0.0",
                "next-hop 192.0.2.254",
                "data-size 100",
                "thresholds successive-loss 0",
                "thresholds total-loss 15",
                "thresholds rtt 60000000",
                "thresholds jitter-rtt 2000",
                "thresholds std-dev-rtt 3000",
                "traps [ probe-failure test-failure test-completion ]",
            )
        )
        + "\n"
    )
    spec = device.rpm.runs["P", "T"].spec
    assert spec.probe_type == "udp-ping" and spec.destination_port == 7007
    assert (spec.probe_count, spec.probe_interval, spec.test_interval, spec.history_size) == (15, 255, 0, 512)
    assert spec.routing_instance == "VR"
    assert spec.source == ipv4_int("10.255.0.1")
    assert spec.destination_interface == "ge-0/0/0.0"
    assert spec.next_hop == ipv4_int("192.0.2.254")
    assert spec.data_size == 100
    assert spec.thresholds == Thresholds(
        successive_loss=0, total_loss=15, rtt=60_000_000, jitter_rtt=2000, std_dev_rtt=3000
    )
    assert spec.traps == {"probe-failure", "test-failure", "test-completion"}
    assert device.rpm.probe_limit == 7


def test_a_probe_waits_for_its_answer_its_interval_but_at_most_3_s(srx):
    device = srx(
        BASE
        + "\n".join(
            f"set services rpm probe P test {name} target address 192.0.2.2\nset services rpm probe P test {name} probe-interval {n}"
            for name, n in (("one", 1), ("two", 2), ("three", 3), ("ten", 10))
        )
        + "\n"
    )
    assert {name: run.spec.timeout for (_, name), run in device.rpm.runs.items()} == {
        "one": 1.0,
        "two": 2.0,
        "three": 3.0,
        "ten": 3.0,
    }


def test_several_owners_and_tests_each_run(srx):
    device = srx(
        BASE
        + "".join(
            f"set services rpm probe {owner} test {name} target address 192.0.2.{i}\n"
            for i, (owner, name) in enumerate((("A", "t1"), ("A", "t2"), ("B", "t1")), start=2)
        )
    )
    assert sorted(device.rpm.runs) == [("A", "t1"), ("A", "t2"), ("B", "t1")]
    assert [run.key for run in device.rpm.selected("A")] == [("A", "t1"), ("A", "t2")]
    assert [run.key for run in device.rpm.selected(test="t1")] == [("A", "t1"), ("B", "t1")]
    assert [run.key for run in device.rpm.selected("B", "t2")] == []
    # Each test has its own ICMP id.
    assert len({run.icmp_id for run in device.rpm.runs.values()}) == 3


# -- commit checks ----------------------------------------------------------------------------------------


def test_a_test_without_a_target_is_refused_in_the_junos_form(srx):
    """commit__missing_mandatory_statement__vqfx.txt: the parent's [edit] line, the statement, the reason."""
    device = srx(BASE)
    text = transcript(device, "configure", f"{TEST} probe-count 5", "commit")
    assert text.endswith(
        "lab@srx1# commit\n"
        "[edit services rpm probe P]\n"
        "  'test T'\n"
        "    Missing mandatory statement: 'target'\n"
        "error: commit failed: (missing mandatory statements)\n"
    )
    assert device.rpm.runs == {}


def test_commit_check_says_check_out_failed(srx):
    device = srx(BASE)
    assert commit_lines(device, f"{TEST} probe-count 5\n", check=True) == [
        "[edit services rpm probe P]",
        "  'test T'",
        "    Missing mandatory statement: 'target'",
        "error: configuration check-out failed: (missing mandatory statements)",
    ]


def test_tcp_and_udp_probes_need_a_destination_port(srx):
    device = srx(BASE)
    lines = (
        "set services rpm probe P test tcp target address 192.0.2.2\n"
        "set services rpm probe P test tcp probe-type tcp-ping\n"
        "set services rpm probe Q test udp target address 192.0.2.2\n"
        "set services rpm probe Q test udp probe-type udp-ping\n"
    )
    assert commit_lines(device, lines) == [
        "[edit services rpm probe P]",
        "  'test tcp'",
        "    Missing mandatory statement: 'destination-port'",
        "[edit services rpm probe Q]",
        "  'test udp'",
        "    Missing mandatory statement: 'destination-port'",
        "error: commit failed: (missing mandatory statements)",
    ]
    assert device.rpm.runs == {}
    ports = (
        "set services rpm probe P test tcp destination-port 80\nset services rpm probe Q test udp destination-port 7\n"
    )
    assert commit_lines(device, lines + ports) == ["commit complete"]
    assert {key: run.spec.destination_port for key, run in device.rpm.runs.items()} == {
        ("P", "tcp"): 80,
        ("Q", "udp"): 7,
    }


def test_icmp_probes_need_no_port(srx):
    device = srx(BASE)
    lines = f"{TEST} target address 192.0.2.2\n{TEST} probe-type icmp-ping-timestamp\n"
    assert commit_lines(device, lines) == ["commit complete"]


def test_a_refused_commit_leaves_the_running_tests_alone(srx, clock):
    device = srx(BASE + f"{TEST} target address 192.0.2.1\n{TEST} probe-interval 1\n")
    run = device.rpm.runs["P", "T"]
    clock.advance(5)
    sent = len(run.history)
    assert commit_lines(device, "set services rpm probe Q test U probe-count 2\n")[-1].startswith("error:")
    clock.advance(5)
    assert device.rpm.runs == {("P", "T"): run}
    assert len(run.history) == sent + 5
