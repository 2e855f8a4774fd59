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


def shown(written: str) -> str:
    """The last line a terminal shows for what the editor wrote (`\\b` moves left, characters overwrite)."""
    line: list[str] = []
    at = 0
    for ch in written.split("\r\n")[-1]:
        if ch == "\b":
            at = max(0, at - 1)
            continue
        if at == len(line):
            line.append(ch)
        else:
            line[at] = ch
        at += 1
    return "".join(line).rstrip(" ")


LEFT, RIGHT, HOME, END, DEL = "\x1b[D", "\x1b[C", "\x1b[H", "\x1b[F", "\x1b[3~"


def test_a_person_edits_inside_the_line_with_plain_text_moves():
    ed, screen = editor()
    ed.start(keys=keys())
    ed.feed("show rote" + LEFT * 2 + "u")  # the missing letter, typed where it belongs
    assert ed.buffer == "show route" and shown(screen.text) == "show route"
    ed.feed("\x01" + "run ")  # Ctrl-A, then words before the line
    assert ed.buffer == "run show route" and shown(screen.text) == "run show route"
    ed.feed("\x05" + " summary")  # Ctrl-E: back to the end
    assert shown(screen.text) == "run show route summary"
    ed.feed(HOME + RIGHT * 4 + DEL * 5)  # Delete takes `show `
    assert ed.buffer == "run route summary" and shown(screen.text) == "run route summary"
    ed.feed("\x7f")  # Backspace inside the line: the space before `route` goes
    assert ed.buffer == "runroute summary" and shown(screen.text) == "runroute summary"
    ed.feed("\x0b")  # Ctrl-K: the rest of the line
    assert ed.buffer == "run" and shown(screen.text) == "run"
    assert "\x1b" not in screen.text
    assert ed.feed(END + "\r") == [Line("run")]


def test_completion_and_help_work_from_anywhere_in_the_line():
    ed, screen = editor()
    ed.start(keys=keys())
    ed.feed("sh" + LEFT)
    ed.feed("\t")  # the cursor goes to the end first, then the word completes
    assert ed.buffer == "show "
    ed.feed(LEFT * 3 + "?")
    assert screen.text.endswith("lab@r1> show ")  # the help, then the line drawn again, cursor at its end


def test_typing_at_the_end_writes_only_what_is_typed():
    """Clients never move the cursor: their echo is the characters typed, `\\b \\b` and `\\r\\n`."""
    ed, screen = editor()
    ed.start()
    ed.feed("set system host-name r1\x7f2\r")
    assert screen.text == "set system host-name r1\b \b2\r\n"


def typed(ed: LineEditor, *lines: str) -> None:
    for line in lines:
        ed.start(keys=keys())
        ed.feed(line + "\r")


def test_ctrl_r_searches_the_history_back_and_enter_runs_the_line_found():
    ed, screen = editor()
    typed(ed, "show route", "show version", "configure", "show route summary")
    ed.start(keys=keys())
    screen.text = ""
    ed.feed("\x12")
    assert screen.text == "\r\n\r(reverse-i-search)`': "
    ed.feed("rou")  # the newest line holding it
    assert shown(screen.text.replace("\r", "\r\n")) == "(reverse-i-search)`rou': show route summary"
    ed.feed("\x12")  # Ctrl-R again: an older one
    assert shown(screen.text.replace("\r", "\r\n")) == "(reverse-i-search)`rou': show route"
    ed.feed("x")  # nothing older holds `roux`: the search says so and keeps the line
    assert shown(screen.text.replace("\r", "\r\n")) == "(failed reverse-i-search)`roux': show route"
    ed.feed("\x7f")
    assert shown(screen.text.replace("\r", "\r\n")) == "(reverse-i-search)`rou': show route summary"
    assert ed.feed("\r") == [Line("show route summary")]
    assert "\x1b" not in screen.text
    before_enter = screen.text[: -len("\r\n")]  # the prompt and the line found, over the search's line
    assert screen.text.endswith("\r\n") and shown(before_enter.replace("\r", "\r\n")) == "lab@r1> show route summary"


def test_an_editing_key_ends_the_search_with_the_line_found_and_ctrl_g_gives_the_old_one_back():
    ed, screen = editor()
    typed(ed, "show route", "show version")
    ed.start(keys=keys())
    ed.feed("set\x12ver\x05")  # Ctrl-E ends the search: the line found, to edit
    assert ed.buffer == "show version"
    assert shown(screen.text.replace("\r", "\r\n")) == "lab@r1> show version"
    assert ed.feed(" detail\r") == [Line("show version detail")]
    ed.start(keys=keys())
    ed.feed("set\x12route\x07")  # Ctrl-G: back to what was typed
    assert ed.buffer == "set" and shown(screen.text.replace("\r", "\r\n")) == "lab@r1> set"


def test_ctrl_p_and_ctrl_n_walk_the_history_and_ctrl_l_draws_the_line_again():
    ed, screen = editor()
    typed(ed, "show route", "show version")
    ed.start(keys=keys())
    ed.feed("\x10\x10")
    assert ed.buffer == "show route"
    ed.feed("\x0e")
    assert ed.buffer == "show version"
    ed.feed("\x0e\x0e")  # past the newest: an empty line, and no further
    assert ed.buffer == ""
    ed.feed("sh\x0c")
    assert screen.text.endswith("\r\nlab@r1> sh")
