"""Errors: the caret line, the message, and nothing lost.

The `^` sits at column len(prompt) + the column of the first word the CLI
refuses (cli_error__syntax_error_expecting_command__j4300.txt: prompt of 30
characters + `log` at 5 = column 35). After an error the next prompt comes as
usual and the candidate configuration is untouched.
"""

from __future__ import annotations

import pytest

from nos.config.tree import trees_equal
from nos.runtime.device import Device


def output_of(cli, line: str) -> str:  # type: ignore[no-untyped-def]
    """The output of one command: the transcript after the prompt and the echoed line."""
    head = cli.prompt + line + "\n"
    text = cli.run(line)
    assert text.startswith(head), text
    return text[len(head) :]


def caret_at(cli, line: str) -> int:  # type: ignore[no-untyped-def]
    """The column of the `^` printed for `line` (its output's first line)."""
    first = output_of(cli, line).splitlines()[0]
    assert first.strip() == "^", first
    return first.index("^")


def error_of(cli, line: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The caret's offset within the typed line (as a string), then the message lines."""
    out = output_of(cli, line).splitlines()
    assert out[0].strip() == "^", out
    return [str(out[0].index("^") - len(cli.session.prompt_line()))] + out[1:]


# -- the reference captures, prompt and all ------------------------------------------------------------------


def test_j4300_capture(schema, clock, tmp_path, cli):
    """falcon@Center_Server_J4300_B> show log -> caret at column 35, `syntax error, expecting <command>.`

    That J4300 had no `show log` for falcon; on an SRX (and here) `show log` wants a file name,
    so the capture's layout is checked with a word no release has."""
    device = Device(schema, clock, hostname="Center_Server_J4300_B", state_dir=tmp_path / "j4300")
    falcon = type(cli)(device, user="falcon")
    assert falcon.run("show bogus") == (
        "\n"
        "falcon@Center_Server_J4300_B> show bogus\n"
        "                                   ^\n"
        "syntax error, expecting <command>.\n"
    )


def test_pynet_srx_capture(schema, clock, tmp_path, cli):
    """pyclass@pynet-jnpr-srx1> show run ... -> caret in column 30, under `run`."""
    device = Device(schema, clock, hostname="pynet-jnpr-srx1", state_dir=tmp_path / "srx")
    pyclass = type(cli)(device, user="pyclass")
    for line in ("show run   |", "show run|   i", "show run|i   hostname"):
        out = pyclass.output(line)
        assert out == " " * 30 + "^\nsyntax error, expecting <command>.\n", line


def test_dut_capture_set_with_a_bad_keyword(schema, clock, tmp_path, cli):
    """admin@dut# set protocols ospf topology default metric 65450 -> caret in column 47, `syntax error.`"""
    device = Device(schema, clock, hostname="dut", state_dir=tmp_path / "dut")
    admin = type(cli)(device, user="admin")
    admin.run("configure")
    out = admin.output("set protocols ospf topology default metric 65450")
    assert out == " " * 47 + "^\nsyntax error.\n"
    out = admin.output("set routing-instances VR protocols ospf topology default metric 65450")
    assert out == " " * 68 + "^\nsyntax error.\n"
    assert admin.output("show | compare") == ""


# -- operational mode ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("foo", ["0", "unknown command."]),
        ("cli", ["0", "unknown command."]),  # netmiko sends `cli` when it thinks it sits in a shell
        ("   foo", ["3", "unknown command."]),
        ("show bogus", ["5", "syntax error, expecting <command>."]),
        ("show", ["5", "syntax error, expecting <command>."]),
        ("show system", ["12", "syntax error, expecting <command>."]),
        ("show system bogus", ["12", "syntax error, expecting <command>."]),
        ("file bogus x", ["5", "syntax error, expecting <command>."]),
        ("show version extra", ["13", "syntax error."]),
        ("configure foo", ["10", "syntax error."]),
        ("set cli screen-length", ["22", "syntax error, expecting <number>."]),
        ("file show", ["10", "syntax error, expecting <filename>."]),
        ("set cli complete-on-space maybe", ["26", "syntax error."]),
        ("request lab wait soon", ["17", "syntax error."]),
    ],
)
def test_operational_errors(cli, line, expected):
    assert error_of(cli, line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "set cli screen-length 100001",
            ["22", "number: '100001': Value must be a number from 0 to 100000 at '100001'"],
        ),
        ("set cli screen-length -1", ["22", "number: '-1': Value must be a number from 0 to 100000 at '-1'"]),
        ("show cli history 1001", ["17", "number: '1001': Value must be a number from 0 to 1000 at '1001'"]),
        ("show configuration | last 0", ["26", "number: '0': Value must be a number from 1 to 100000 at '0'"]),
        ("show configuration | trim 1001", ["26", "number: '1001': Value must be a number from 1 to 1000 at '1001'"]),
    ],
)
def test_range_errors(cli, line, expected):
    assert error_of(cli, line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("show configuration | foo", ["21", "syntax error, expecting <command>."]),
        ("show configuration |", ["21", "syntax error, expecting <command>."]),
        ("show configuration | match", ["27", "syntax error, expecting <value>."]),
        ("show configuration | display bogus", ["29", "syntax error, expecting <command>."]),
        ("show configuration bogus", ["19", "syntax error."]),
        ("show configuration system bogus", ["26", "syntax error."]),
    ],
)
def test_pipe_and_path_errors(cli, line, expected):
    assert error_of(cli, line) == expected


def test_ambiguous_word_lists_the_possibilities(cli):
    assert cli.run("s") == (
        "\n"
        "lab@r1> s\n"
        "        ^\n"
        "'s' is ambiguous.\n"
        "Possible completions:\n"
        "  set                  Set CLI properties, date/time, craft interface message\n"
        "  show                 Show system information\n"
        "  start                Start shell\n"
    )


def test_a_unique_abbreviation_is_not_ambiguous(cli):
    assert error_of(cli, "show sy") == ["8", "syntax error, expecting <command>."]  # show system ...
    assert error_of(cli, "show version | e") == ["17", "syntax error, expecting <value>."]  # | except <pattern>


def test_ambiguous_pipe(cli):
    assert error_of(cli, "show version | c") == [
        "15",
        "'c' is ambiguous.",
        "Possible completions:",
        "  compare              Compare configuration changes with prior version",
        "  count                Count occurrences",
    ]


def test_ambiguous_in_configuration_mode(cli):
    cli.run("configure")
    assert cli.output("co") == (
        "        ^\n"
        "'co' is ambiguous.\n"
        "Possible completions:\n"
        "  commit               Commit current set of changes\n"
        "  copy                 Copy a statement\n"
    )


def test_ambiguous_statement_in_a_path(cli):
    cli.run("configure")
    out = cli.output("set system s").splitlines()
    assert out[0] == " " * (8 + 11) + "^"
    assert out[1:4] == [
        "'s' is ambiguous.",
        "Possible completions:",
        "> services             System services",
    ]
    assert out[4] == "> syslog               System logging facility"


def test_an_error_reprints_the_prompt_and_keeps_the_session(cli):
    assert cli.run("foo", "show version | match Host") == (
        "\nlab@r1> foo\n        ^\nunknown command.\n\nlab@r1> show version | match Host\nHostname: r1\n"
    )


# -- configuration mode --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("foo", ["0", "unknown command."]),
        ("set", ["4", "missing argument."]),
        ("set foo", ["4", "syntax error."]),
        ("set system foo", ["11", "syntax error."]),
        ("set system host-name", ["21", "missing argument."]),
        ("set system host-name a qq", ["23", "syntax error."]),  # (`b` would abbreviate backup-router)
        ("delete foo", ["7", "syntax error."]),
        ("deactivate", ["11", "missing argument."]),
        ("annotate system", ["16", "missing argument."]),
        ("rename system host-name", ["24", "missing argument."]),
        ("edit", ["5", "missing argument."]),
        ("edit system host-name", ["12", "syntax error."]),
        ("commit foo", ["7", "syntax error."]),
        ("load", ["5", "syntax error, expecting <command>."]),
        ("load merge", ["11", "syntax error, expecting <filename>."]),
        ("load foo terminal", ["5", "syntax error, expecting <command>."]),
        ("rollback foo", ["9", "syntax error."]),
        ("run foo", ["4", "unknown command."]),
        ("run show foo", ["9", "syntax error, expecting <command>."]),
        ("run  show   foo", ["12", "syntax error, expecting <command>."]),
        ("run show version | bogus", ["19", "syntax error, expecting <command>."]),
        ("show | bogus", ["7", "syntax error, expecting <command>."]),
    ],
)
def test_configuration_errors(cli, line, expected):
    cli.run("configure")
    assert error_of(cli, line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "set services rpm probe P test T probe-count 16",
            ["44", "number: '16': Value must be a number from 1 to 15 at '16'"],
        ),
        (
            "set services rpm probe P test T probe-count 0",
            ["44", "number: '0': Value must be a number from 1 to 15 at '0'"],
        ),
        (
            "set routing-options static route 192.0.2.0/33 next-hop 192.0.2.1",
            ["33", "prefix length '33' is larger than 32 in address '192.0.2.0/33' at '192.0.2.0/33'"],
        ),
        (
            "set routing-options static route 192.0.2.0/24 next-hop 192.0.2.256",
            ["55", "invalid value '256' in ip address: '192.0.2.256' at '192.0.2.256'"],
        ),
        ("rollback 50", ["9", "number: '50': Value must be a number from 0 to 49 at '50'"]),
        ("up 0", ["3", "number: '0': Value must be a number from 1 to 50 at '0'"]),
        ("commit confirmed 0", ["17", "number: '0': Value must be a number from 1 to 65535 at '0'"]),
        ("show | compare rollback 50", ["24", "number: '50': Value must be a number from 0 to 49 at '50'"]),
    ],
)
def test_configuration_value_errors(cli, line, expected):
    cli.run("configure")
    assert error_of(cli, line) == expected


def test_caret_counts_the_edit_level_prompt_not_the_banner(cli):
    cli.run("configure", "edit system")
    assert cli.run("set foo") == "\n[edit system]\nlab@r1# set foo\n            ^\nsyntax error.\n"


def test_caret_under_a_quoted_word(cli):
    cli.run("configure")
    assert caret_at(cli, 'set system "host-name" x y') == 8 + 25  # under `y`: quotes count as typed


def test_unterminated_quote_is_read_to_the_end_of_the_line(cli):
    cli.run("configure")
    assert cli.output('set system host-name "a b') == ""
    assert cli.output("show system host-name") == 'host-name "a b";\n'


def test_errors_never_change_the_candidate(cli):
    cli.run("configure", "set system domain-name example.net")
    before = cli.session.candidate.root
    for line in [
        "set system foo",
        "set system host-name",
        "set routing-options static route 1.2.3.0/24 next-hop 999.1.1.1",
        "delete system foo",
        "deactivate nothing",
        "activate nothing",
        'annotate nothing "x"',
        "rename system to nothing",
        "copy system host-name to domain-name",
        "insert system before other",
        "edit system host-name",
        "rollback 49",
        "load merge /nonexistent/file.conf",
        "load override nothere.conf",
        "commit bogus",
        "s",
        "|",
        "]",
        "[",
        '"',
        "set | match x",
        "wildcard delete interfaces",
    ]:
        cli.run(line)
        assert trees_equal(cli.session.candidate.root, before), line
    assert cli.output("show | compare") == "[edit system]\n+   domain-name example.net;\n"


def test_errors_never_change_the_active_configuration(cli):
    before = cli.device.db.active
    cli.run("configure", "delete system root-authentication", "commit", "commit check", "commit confirmed 1")
    assert cli.device.db.active is before
    assert len(cli.device.db.store.records) == 1
