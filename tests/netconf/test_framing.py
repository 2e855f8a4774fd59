"""RFC 6242 framing: end-of-message for hellos and base:1.0, chunks (counted in bytes) for base:1.1."""

from __future__ import annotations

import pytest

from nos.net.netconf.framing import EOM, Framer, FramingError


def drain(framer: Framer) -> list[str]:
    out = []
    while (message := framer.next()) is not None:
        out.append(message)
    return out


def test_end_of_message_framing_splits_messages_wherever_the_input_is_cut():
    framer = Framer()
    stream = f"<hello/>{EOM}\n<rpc a='1'/>{EOM}<rpc a='2'/>]]>"
    for i in range(0, len(stream), 3):
        framer.feed(stream[i : i + 3])
    assert drain(framer) == ["<hello/>", "<rpc a='1'/>"]
    framer.feed("]]>")
    assert drain(framer) == ["<rpc a='2'/>"]


def test_chunked_framing_joins_chunks_and_counts_bytes_not_characters():
    framer = Framer()
    framer.chunked = True
    body = "<rpc>é</rpc>"  # é is two bytes
    assert len(body.encode()) == len(body) + 1
    stream = f"\n#4\n<rpc\n#{len(body.encode()) - 4}\n{body[4:]}\n##\n\n#5\n<a/>\n\n##\n"
    for i in range(0, len(stream), 2):
        framer.feed(stream[i : i + 2])
    assert drain(framer) == [body, "<a/>\n"]


def test_a_chunk_header_still_arriving_waits():
    framer = Framer()
    framer.chunked = True
    framer.feed("\n#11")
    assert framer.next() is None
    framer.feed("\n<rpc></rpc>\n##\n")
    assert framer.next() == "<rpc></rpc>"


@pytest.mark.parametrize("bad", ["\n#0\n", "<rpc/>", "\n#x1\n", "\n##x\n", "\n#12345678901\n"])
def test_broken_chunked_framing_is_an_error(bad):
    framer = Framer()
    framer.chunked = True
    framer.feed(bad)
    with pytest.raises(FramingError):
        framer.next()


def test_frames_going_out():
    framer = Framer()
    assert framer.frame("<hello/>") == "<hello/>\n]]>]]>"
    framer.chunked = True
    assert framer.frame("<ok>é</ok>") == "\n#11\n<ok>é</ok>\n##\n"
