"""The lab console's commands (golden outputs) and a host's shell."""

from __future__ import annotations

from labhelpers import host, run, small_lab

from nos.lab.console import HostShell, command_name, parse_duration, parse_lab_time
from nos.lab.topology import Lab


def console(lab: Lab, *lines: str) -> str:
    """A transcript of console commands: `lab> command` and its output."""

    async def go() -> list[str]:
        out = []
        for line in lines:
            out.append(f"lab> {line}")
            out += await lab.console.execute(line)
        return out

    return "\n".join(run(go)) + "\n"


def three_nodes() -> Lab:
    lab = small_lab()
    lab.add_node(host("H2", "198.51.100.10/24", "198.51.100.1"))
    return lab


def test_show_devices_links_and_topology():
    assert (
        console(three_nodes(), "show devices", "show links", "show topology")
        == """\
lab> show devices
Node  Kind      Ports  Addresses
H1    host      eth0   192.0.2.2/30 gw 192.0.2.1
Net   internet  eth0   192.0.2.1/30; serves 8.8.8.8 208.67.220.0/24
H2    host      eth0   198.51.100.10/24 gw 198.51.100.1
lab> show links
Link  A        B         State  Latency  Loss  Packets  Lost
1     H1:eth0  Net:eth0  up     3 ms     0%    0        0
lab> show topology
Lab small: 3 nodes, 1 link (seed 7, clock manual)

[H1] host 192.0.2.2/30 gw 192.0.2.1
    eth0  -------- 3 ms --------  Net:eth0

[Net] internet 192.0.2.1/30; serves 8.8.8.8 208.67.220.0/24
    eth0  -------- 3 ms --------  H1:eth0

[H2] host 198.51.100.10/24 gw 198.51.100.1
"""
    )


def test_impairments_blackholes_and_the_timeline():
    lab = three_nodes()
    out = console(
        lab,
        "link H1:eth0 loss 25",
        "wait 5",
        "link Net:eth0 H1:eth0 latency 2.5",
        "blackhole Net 8.8.8.0/24",
        "wait 1m",
        "link H1:eth0 down",
        "link H1:eth0 down",
        "sh top",
        "sh li",
        "events",
        "events since 00:00:05 node Net",
        "events since 2m",
        "unblackhole Net 8.8.8.0/24",
        "link H1:eth0 up",
        "clock",
    )
    assert (
        out
        == """\
lab> link H1:eth0 loss 25
Link H1:eth0 -- Net:eth0: loss 25%
lab> wait 5
Lab time: 2026-01-01 00:00:05 UTC
lab> link Net:eth0 H1:eth0 latency 2.5
Link H1:eth0 -- Net:eth0: latency 2.5 ms
lab> blackhole Net 8.8.8.0/24
Net now drops traffic to 8.8.8.0/24
lab> wait 1m
Lab time: 2026-01-01 00:01:05 UTC
lab> link H1:eth0 down
Link H1:eth0 -- Net:eth0 is now down
lab> link H1:eth0 down
Link H1:eth0 -- Net:eth0 was already down
lab> sh top
Lab small: 3 nodes, 1 link (seed 7, clock manual)

[H1] host 192.0.2.2/30 gw 192.0.2.1
    eth0  ---X     down     X---  Net:eth0

[Net] internet 192.0.2.1/30; serves 8.8.8.8 208.67.220.0/24
    eth0  ---X     down     X---  H1:eth0
    blackhole 8.8.8.0/24

[H2] host 198.51.100.10/24 gw 198.51.100.1
lab> sh li
Link  A        B         State  Latency  Loss  Packets  Lost
1     H1:eth0  Net:eth0  down   2.5 ms   25%   0        0
lab> events
Time      Node  Kind       Event
00:00:00  lab   link       H1:eth0 -- Net:eth0 loss 25%
00:00:05  lab   link       H1:eth0 -- Net:eth0 latency 2.5 ms
00:00:05  Net   blackhole  drops traffic to 8.8.8.0/24
00:01:05  lab   link       H1:eth0 -- Net:eth0 down
lab> events since 00:00:05 node Net
Time      Node  Kind       Event
00:00:05  lab   link       H1:eth0 -- Net:eth0 latency 2.5 ms
00:00:05  Net   blackhole  drops traffic to 8.8.8.0/24
00:01:05  lab   link       H1:eth0 -- Net:eth0 down
lab> events since 2m
No events.
lab> unblackhole Net 8.8.8.0/24
Net no longer drops traffic to 8.8.8.0/24
lab> link H1:eth0 up
Link H1:eth0 -- Net:eth0 is now up
lab> clock
Lab time: 2026-01-01 00:01:05 UTC (clock: manual, 65.000 s since start)
"""
    )


def test_errors_are_one_line():
    out = console(
        three_nodes(),
        "frob",
        "link X:eth0 down",
        "link H1:eth9 down",
        "link H1 down",
        "link H1:eth0 Net:eth1 up",
        "link H1:eth0 sideways",
        "link H1:eth0 loss 101",
        "link H1:eth0 latency fast",
        "link H1:eth0",
        "blackhole Net 8.8.8.1/24",
        "blackhole Nowhere 8.8.8.8",
        "unblackhole Net 9.9.9.9",
        "wait soon",
        "events node X",
        "events since",
        "attach H1",
        "show",
        "show everything",
    )
    assert (
        out
        == """\
lab> frob
error: unknown command 'frob'
lab> link X:eth0 down
error: unknown node 'X'
lab> link H1:eth9 down
error: no link on H1:eth9
lab> link H1 down
error: bad link end 'H1' (expected NODE:port)
lab> link H1:eth0 Net:eth1 up
error: the link on H1:eth0 goes to Net:eth0, not Net:eth1
lab> link H1:eth0 sideways
error: unknown link action 'sideways'
lab> link H1:eth0 loss 101
error: bad loss '101' (0 to 100)
lab> link H1:eth0 latency fast
error: bad latency 'fast'
lab> link H1:eth0
error: usage: link NODE:port [NODE:port] down|up|loss PCT|latency MS
lab> blackhole Net 8.8.8.1/24
error: bad prefix '8.8.8.1/24'
lab> blackhole Nowhere 8.8.8.8
error: unknown node 'Nowhere'
lab> unblackhole Net 9.9.9.9
error: Net has no blackhole 9.9.9.9/32
lab> wait soon
error: bad duration 'soon' (like 90, 90s, 5m, 1h30m)
lab> events node X
error: unknown node 'X'
lab> events since
error: usage: events [since TIME] [node NODE]
lab> attach H1
error: 'attach' needs the interactive console (in a script: NODE> command)
lab> show
error: usage: show devices|links|topology|clock|events
lab> show everything
error: unknown show item 'everything'
"""
    )


def test_help_lists_every_command():
    out = console(small_lab(), "help")
    for name in ("show", "attach", "link", "blackhole", "unblackhole", "clock", "wait", "events", "quit"):
        assert f"\n  {name}" in out


def test_inside_a_device_the_front_end_commands_are_refused():
    lab = small_lab()
    assert run(lab.command, "attach H1") == ["error: 'attach' is not available inside a device CLI"]
    assert run(lab.command, "show clock") == ["Lab time: 2026-01-01 00:00:00 UTC (clock: manual, 0.000 s since start)"]


def test_words_and_times():
    assert command_name("  ") is None
    assert command_name("exit") == "quit"
    assert command_name("att H1") == "attach"
    assert command_name("frob") == "frob"
    assert [parse_duration(t) for t in ("90", "90s", "1.5s", "5m", "1h30m")] == [90, 90, 1.5, 300, 5400]
    assert [parse_lab_time(t) for t in ("00:01:05", "01:05", "65s")] == [65, 65, 65]


def shell(lab: Lab, name: str, *lines: str) -> tuple[str, HostShell]:
    sh = HostShell(lab, lab.nodes[name])
    out: list[str] = []

    async def go() -> None:
        for line in lines:
            out.append(sh.prompt + line)
            await sh.execute(line, out.append)

    run(go)
    return "\n".join(out) + "\n", sh


def test_a_host_pings_and_traces_through_the_internet():
    lab = small_lab()
    out, sh = shell(lab, "H1", "ping 8.8.8.8 count 2", "traceroute 8.8.8.8", "exit")
    assert (
        out
        == """\
H1$ ping 8.8.8.8 count 2
PING 8.8.8.8 (8.8.8.8): 56 data bytes
64 bytes from 8.8.8.8: icmp_seq=0 ttl=63 time=6.000 ms
64 bytes from 8.8.8.8: icmp_seq=1 ttl=63 time=6.000 ms

--- 8.8.8.8 ping statistics ---
2 packets transmitted, 2 packets received, 0% packet loss
round-trip min/avg/max/stddev = 6.000/6.000/6.000/0.000 ms
H1$ traceroute 8.8.8.8
traceroute to 8.8.8.8 (8.8.8.8), 30 hops max, 40 byte packets
 1  192.0.2.1 (192.0.2.1)  6.000 ms  6.000 ms  6.000 ms
 2  8.8.8.8 (8.8.8.8)  6.000 ms  6.000 ms  6.000 ms
H1$ exit
"""
    )
    assert not sh.alive


def test_a_host_shell_when_nothing_answers():
    lab = small_lab()
    lab.set_link_state(lab.links[0], False)
    out, sh = shell(
        lab, "H1", "traceroute 8.8.8.8 ttl 2", "ping 8.8.8.8 count 1", "frob", "ping", "ping 8.8.8.8 count x"
    )
    assert (
        out
        == """\
H1$ traceroute 8.8.8.8 ttl 2
traceroute to 8.8.8.8 (8.8.8.8), 2 hops max, 40 byte packets
 1  * * *
 2  * * *
H1$ ping 8.8.8.8 count 1
PING 8.8.8.8 (8.8.8.8): 56 data bytes

--- 8.8.8.8 ping statistics ---
1 packets transmitted, 0 packets received, 100% packet loss
H1$ frob
frob: command not found
H1$ ping
ping: usage: ping ADDRESS [count N] [interval S] [ttl N] [size N]
H1$ ping 8.8.8.8 count x
ping: bad count 'x'
"""
    )
    assert sh.alive
