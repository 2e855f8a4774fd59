"""The CLI over a byte stream: `\\r\\n` endings, the pager, messages between prompts, hang-up."""

from __future__ import annotations

import trio
import trio.testing

from nos.cli.editor import EndOfInput, Keys, Line
from nos.cli.stream import MORE, StreamIO


def stream() -> tuple[StreamIO, list[str]]:
    sent: list[str] = []
    return StreamIO(sent.append), sent


def test_output_lines_end_in_crlf():
    io, sent = stream()
    io.write("a\nb\r\nc\n")
    assert "".join(sent) == "a\r\nb\r\nc\r\n"


def test_the_pager_stops_at_more_and_a_space_shows_the_next_page():
    io, sent = stream()
    lines = [f"line {i}" for i in range(7)]

    async def main() -> None:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(io.page, lines, True, 4)
            await trio.testing.wait_all_tasks_blocked()
            assert "".join(sent) == "line 0\r\nline 1\r\nline 2\r\n" + MORE
            io.feed(" ")  # next page
            await trio.testing.wait_all_tasks_blocked()
            io.feed("q")  # stop there

    trio.run(main)
    out = "".join(sent)
    assert out.count(MORE) == 2
    assert "line 5" in out and "line 6" not in out
    assert out.endswith("\r" + " " * len(MORE) + "\r")  # the pager prompt is rubbed out


def test_a_message_between_prompts_brings_back_the_line_being_typed():
    io, sent = stream()
    keys = Keys(
        help=lambda t: [], complete=lambda t: ("", []), redraw=lambda: "\nlab@r1> ", complete_on_space=lambda: False
    )
    got: list = []

    async def main() -> None:
        async with trio.open_nursery() as nursery:

            async def reader() -> None:
                got.append(await io.read(keys=keys))

            nursery.start_soon(reader)
            await trio.testing.wait_all_tasks_blocked()
            io.feed("show ver")
            io.notify("\nBroadcast Message\n")
            io.feed("sion\r")

    trio.run(main)
    assert got == [Line("show version")]
    assert "".join(sent) == "show ver\r\nBroadcast Message\r\n\r\nlab@r1> show version\r\n"


def test_hanging_up_ends_input():
    io, _ = stream()

    async def main() -> None:
        io.close()
        assert await io.read() == EndOfInput()

    trio.run(main)
