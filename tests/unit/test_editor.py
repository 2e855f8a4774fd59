"""The plain-text line editor SSH sessions type into: echo, editing keys, help keys, type-ahead."""

from __future__ import annotations

from nos.cli.editor import EndOfInput, Interrupt, Keys, Line, LineEditor


class Screen:
    def __init__(self) -> None:
        self.text = ""

    def __call__(self, text: str) -> None:
        self.text += text


def editor() -> tuple[LineEditor, Screen]:
    screen = Screen()
    return LineEditor(screen), screen


def keys(complete_on_space: bool = True) -> Keys:
    words = ["show", "set", "configure"]

    def complete(before: str) -> tuple[str, list[str]]:
        matches = [w for w in words if w.startswith(before)]
        if len(matches) == 1:
            return matches[0][len(before) :] + " ", []
        return "", ["Possible completions:", *("  " + m for m in matches)]

    return Keys(
        help=lambda before: ["Possible completions:", f"  <after {before!r}>"],
        complete=complete,
        redraw=lambda: "\nlab@r1> ",
        complete_on_space=lambda: complete_on_space,
    )


def test_typed_characters_are_echoed_and_enter_ends_the_line():
    ed, screen = editor()
    assert ed.start() == []
    assert ed.feed("show version") == []
    assert screen.text == "show version"
    assert ed.feed("\r\n") == [Line("show version")]  # CR LF is one Enter
    assert screen.text == "show version\r\n"
    assert ed.reading is False


def test_backspace_rubs_out_with_plain_characters():
    ed, screen = editor()
    ed.start()
    ed.feed("shox\x7fw\x08")
    assert ed.buffer == "sho"
    assert screen.text == "shox\b \bw\b \b"
    ed.feed("\x15")  # Ctrl-U: the whole line
    assert ed.buffer == "" and screen.text.endswith("\b \b" * 3)


def test_no_escape_codes_are_ever_written():
    ed, screen = editor()
    ed.start(keys=keys())
    ed.feed("set\x1b[A\x1b[Dx\t?\x17\r")
    assert "\x1b" not in screen.text


def test_question_mark_shows_help_and_redraws_the_line():
    ed, screen = editor()
    ed.start(keys=keys())
    ed.feed("show ?")
    assert screen.text == "show ?\r\nPossible completions:\r\n  <after 'show '>\r\n\r\nlab@r1> show "
    assert ed.buffer == "show "
    ed.feed('set "a?')  # inside quotes `?` is a character
    assert ed.buffer == 'show set "a?'


def test_tab_and_space_complete_a_unique_word():
    ed, screen = editor()
    ed.start(keys=keys())
    ed.feed("sh\t")
    assert ed.buffer == "show "
    ed.feed("\x15co ")
    assert ed.buffer == "configure "
    ed.feed("\x15s\t")  # ambiguous: the candidates, then the line again
    assert screen.text.endswith("Possible completions:\r\n  show\r\n  set\r\n\r\nlab@r1> s")


def test_complete_on_space_off_inserts_a_space():
    ed, _ = editor()
    ed.start(keys=keys(complete_on_space=False))
    ed.feed("co ")
    assert ed.buffer == "co "


def test_ctrl_c_abandons_the_line_and_ctrl_d_ends_input_on_an_empty_line():
    ed, screen = editor()
    ed.start()
    assert ed.feed("show\x03") == [Interrupt()]
    assert screen.text == "show^C\r\n"
    ed.start()
    assert ed.feed("x\x04") == []  # not on a non-empty line
    ed.feed("\x15")
    assert ed.feed("\x04") == [EndOfInput()]


def test_input_typed_ahead_waits_unechoed_until_the_next_line_is_read():
    ed, screen = editor()
    ed.start()
    assert ed.feed("show version\nshow route\n") == [Line("show version")]
    assert screen.text == "show version\r\n"  # the second command is not echoed yet
    assert ed.start() == [Line("show route")]
    assert screen.text == "show version\r\nshow route\r\n"


def test_ctrl_c_while_a_command_runs_is_reported_at_once():
    ed, _ = editor()
    assert ed.feed("abc\x03") == [Interrupt()]


def test_secret_input_is_not_echoed():
    ed, screen = editor()
    ed.start(echo=False)
    assert ed.feed("s3cret\r") == [Line("s3cret")]
    assert screen.text == "\r\n"


def test_up_and_down_recall_history():
    ed, _ = editor()
    ed.start(keys=keys())
    ed.feed("show version\r")
    ed.start(keys=keys())
    ed.feed("\x1b[A")
    assert ed.buffer == "show version"
    ed.feed("\x1b[B")
    assert ed.buffer == ""
