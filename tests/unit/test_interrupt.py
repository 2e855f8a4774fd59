"""Ctrl-C routing: the innermost running command is stopped, and ping still prints its statistics."""

from __future__ import annotations

import trio
import trio.testing

from nos.lab.packet import ECHO_REPLY, Exchange, Packet
from nos.lab.tools import PingOptions, ping
from nos.runtime.interrupt import Interrupts, stopped_by_ctrl_c


def test_the_innermost_stop_wins_and_nothing_running_is_a_no_op():
    interrupts = Interrupts()
    seen: list[str] = []
    assert interrupts.fire() is False
    with interrupts.stop_with(lambda: seen.append("command")):
        with interrupts.stop_with(lambda: seen.append("ping")):
            assert interrupts.fire() is True
        interrupts.fire()
    assert seen == ["ping", "command"]
    assert interrupts.fire() is False


class EchoNetwork:
    """Every echo request is answered in 4 ms."""

    def exchange(self, origin: str, packet: Packet) -> Exchange:
        reply = Packet(packet.dst, packet.src or 1, "icmp", ttl=64, icmp=ECHO_REPLY, seq=packet.seq)
        return Exchange(packet, reply, rtt_ms=4.0)


def test_an_interrupted_ping_prints_its_statistics():
    """`ping` without a count runs until Ctrl-C: 3 replies at 0, 1 and 2 s, stopped at 2.5 s."""
    lines: list[str] = []

    async def main() -> list[str]:
        probing = trio.CancelScope()
        async with trio.open_nursery() as nursery:

            async def ctrl_c() -> None:
                await trio.sleep(2.5)
                probing.cancel()

            nursery.start_soon(ctrl_c)
            return await ping(
                EchoNetwork(), "me", 0x08080808, PingOptions(count=None), trio.sleep, lines.append, probing
            )

    stats = trio.run(main, clock=trio.testing.MockClock(autojump_threshold=0))
    assert [line.split(": ")[1] for line in lines[1:]] == [f"icmp_seq={n} ttl=64 time=4.000 ms" for n in range(3)]
    assert stats == [
        "",
        "--- 8.8.8.8 ping statistics ---",
        "3 packets transmitted, 3 packets received, 0% packet loss",
        "round-trip min/avg/max/stddev = 4.000/4.000/4.000/0.000 ms",
    ]


def test_ctrl_c_outside_a_command_ends_the_run_quietly():
    def run() -> None:
        async def main() -> None:
            raise KeyboardInterrupt

        trio.run(main)

    assert stopped_by_ctrl_c(run) is True
    assert stopped_by_ctrl_c(lambda: None) is False
