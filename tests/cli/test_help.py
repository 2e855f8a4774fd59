"""`?` and Tab: `CliSession.help_lines(text)` and `CliSession.complete(text)`.

Layout (cli_help_completions__show_configuration__vsrx_24.4.txt): `Possible
completions:`, then rows of a 2-character marker (`> ` holds statements, `+ `
takes several values, two spaces otherwise), the name padded to 21 columns (a
longer name gets two spaces) and the help text; `<[Enter]>` first when the
line could run as it is, `|` last when a pipe may follow. Commands, options
and pipes carry no marker: only configuration statements do.
"""

from __future__ import annotations

import re

import pytest

HELP_ROW = re.compile(r"^(> |\+ |  )(\S+)( {2,}(\S.*))?$")


def rows(lines: list[str]) -> list[str]:
    """The names offered, in order."""
    assert lines[0] == "Possible completions:", lines
    out = []
    for line in lines[1:]:
        m = HELP_ROW.match(line)
        assert m, line
        out.append(m.group(2))
    return out


def check_layout(lines: list[str]) -> None:
    """Every row: 2-char marker, name, help text at column 23 (or two spaces after a long name)."""
    assert lines[0] == "Possible completions:"
    for line in lines[1:]:
        m = HELP_ROW.match(line)
        assert m, line
        name = m.group(2)
        if m.group(4) is None:
            continue
        if len(name) < 21:
            assert line.index(m.group(4)) == 23, line
        else:
            assert line[2 + len(name) : 2 + len(name) + 2] == "  " and line[4 + len(name)] != " ", line


# -- operational mode ----------------------------------------------------------------------------------------


def test_question_mark_at_the_operational_prompt(cli):
    assert cli.session.help_lines("") == [
        "Possible completions:",
        "  clear                Clear information in the system",
        "  configure            Manipulate software configuration information",
        "  exit                 Exit the management session",
        "  file                 Perform file operations",
        "  help                 Provide help information",
        "  ping                 Ping remote target",
        "  quit                 Exit the management session",
        "  request              Make system-level requests",
        "  set                  Set CLI properties, date/time, craft interface message",
        "  show                 Show system information",
        "  start                Start shell",
        "  traceroute           Trace the route to a remote host",
    ]


def test_show_question_mark(cli):
    assert cli.session.help_lines("show ") == [
        "Possible completions:",
        "  arp                  Show system Address Resolution Protocol table entries",
        "  bgp                  Show Border Gateway Protocol information",
        "  chassis              Show chassis information",
        "  cli                  Show command-line interface settings",
        "  configuration        Show current configuration",
        "  firewall             Show firewall information",
        "  interfaces           Show interface information",
        "  lab                  Show simulator lab state (nos extension)",
        "  log                  Show contents of log file",
        "  ntp                  Show Network Time Protocol information",
        "  route                Show routing table information",
        "  security             Show security information",
        "  services             Show services information",
        "  system               Show system information",
        "  version              Show software process revision levels",
    ]


def test_a_complete_command_offers_enter_first_and_pipe_last(cli):
    assert cli.session.help_lines("show version ") == [
        "Possible completions:",
        "  <[Enter]>            Execute this command",
        "  |                    Pipe through a command",
    ]
    assert cli.session.help_lines("show cli ") == [
        "Possible completions:",
        "  <[Enter]>            Execute this command",
        "  history              Show previous commands",
        "  |                    Pipe through a command",
    ]
    assert cli.session.help_lines("configure ") == [
        "Possible completions:",
        "  <[Enter]>            Execute this command",
        "  exclusive            Obtain exclusive lock (other users cannot make changes)",
        "  private              Work in private database",
        "  |                    Pipe through a command",
    ]


def test_values_are_described_by_their_type(cli):
    assert cli.session.help_lines("set cli ") == [
        "Possible completions:",
        "  complete-on-space    Set whether typing space completes current word",
        "  screen-length        Set number of lines on screen",
        "  screen-width         Set number of characters on a line",
    ]
    assert cli.session.help_lines("set cli screen-length ") == [
        "Possible completions:",
        "  <number>             Set number of lines on screen",
    ]
    assert rows(cli.session.help_lines("set cli complete-on-space ")) == ["<on|off>", "off", "on"]
    assert cli.session.help_lines("request lab wait ") == [
        "Possible completions:",
        "  <duration>           Let lab time pass (on the virtual clock: advance it)",
    ]


def test_pipe_question_mark(cli):
    """Same names and help texts as the vSRX 24.4 capture (minus the pipes nos does not have)."""
    assert cli.session.help_lines("show configuration | ") == [
        "Possible completions:",
        "  compare              Compare configuration changes with prior version",
        "  count                Count occurrences",
        "  display              Show additional kinds of information",
        "  except               Show only text that does not match a pattern",
        "  find                 Search for first occurrence of pattern",
        "  last                 Display end of output only",
        "  match                Show only text that matches a pattern",
        "  no-more              Don't paginate output",
        "  save                 Save output text to file",
        "  trim                 Trim specified number of columns from start of line",
    ]


def test_pipe_display_question_mark(cli):
    assert cli.session.help_lines("show configuration | display ") == [
        "Possible completions:",
        "  inheritance          Show inherited configuration data and source group",
        "  json                 Show output in JSON format",
        "  max-depth            Maximum depth of configuration data",
        "  set                  Show 'set' commands that create configuration",
        "  xml                  Show output as XML tags",
    ]
    assert cli.session.help_lines("show configuration | display s") == [
        "Possible completions:",
        "  set                  Show 'set' commands that create configuration",
    ]


def test_pipe_compare_question_mark(cli):
    assert cli.session.help_lines("show configuration | compare ") == [
        "Possible completions:",
        "  <[Enter]>            Execute this command",
        "  <filename>           Filename or URL of configuration file",
        "  rollback             Index of rollback configuration file (0..49)",
        "  |                    Pipe through a command",
    ]


def test_show_configuration_question_mark_lists_statements(cli):
    lines = cli.session.help_lines("show configuration ")
    check_layout(lines)
    assert lines[1] == "  <[Enter]>            Execute this command"
    assert lines[-1] == "  |                    Pipe through a command"
    assert "> system               System parameters" in lines
    assert "> interfaces           Interface configuration" in lines
    assert "+ apply-groups         Groups from which to inherit configuration data" in lines
    names = rows(lines)[1:-1]
    assert names == sorted(names)


def test_show_configuration_offers_existing_list_entries_with_their_descriptions(small):
    lines = small.session.help_lines("show configuration interfaces ")
    check_layout(lines)
    assert lines[1:3] == ["  <[Enter]>            Execute this command", "  <interface-name>     Interface name"]
    assert "  ge-0/0/0             uplink" in lines
    assert "  lo0                  Interface name" in lines
    names = rows(lines)
    assert names.index("ge-0/0/0") < names.index("interface-range") < names.index("lo0")  # one sorted list


def test_long_names_get_two_spaces(small):
    lines = small.session.help_lines("show configuration interfaces ge-0/0/0 ")
    check_layout(lines)
    long = [line for line in lines if line[2:].startswith("aggregated-ether-options")]
    assert long == ["> aggregated-ether-options  Aggregated Ethernet interface-specific options"]


def test_no_valid_completions(cli):
    assert cli.session.help_lines("xyz") == ["No valid completions"]
    assert cli.session.help_lines("show xyz") == ["No valid completions"]
    assert cli.session.help_lines("show configuration | xyz") == ["No valid completions"]
    cli.run("configure")
    assert cli.session.help_lines("set system xyz") == ["No valid completions"]


# -- configuration mode --------------------------------------------------------------------------------------


def test_question_mark_at_the_configuration_prompt(cli):
    cli.run("configure")
    assert rows(cli.session.help_lines("")) == [
        "activate",
        "annotate",
        "commit",
        "copy",
        "deactivate",
        "delete",
        "edit",
        "exit",
        "help",
        "insert",
        "load",
        "quit",
        "rename",
        "replace",
        "rollback",
        "run",
        "save",
        "set",
        "show",
        "status",
        "top",
        "up",
        "wildcard",
    ]
    check_layout(cli.session.help_lines(""))


def test_commit_question_mark(cli):
    cli.run("configure")
    assert cli.session.help_lines("commit ") == [
        "Possible completions:",
        "  <[Enter]>            Execute this command",
        "  and-quit             Quit configuration mode if commit succeeds",
        "  at                   Time at which to activate configuration changes",
        "  check                Check correctness of syntax; do not apply changes",
        "  comment              Message to write to commit log",
        "  confirmed            Automatically rollback if not confirmed",
        "  synchronize          Synchronize commit on both Routing Engines",
        "  |                    Pipe through a command",
    ]
    assert cli.session.help_lines("commit confirmed ") == [
        "Possible completions:",
        "  <[Enter]>            Execute this command",
        "  <number>             Number of minutes until automatic rollback",
        "  and-quit             Quit configuration mode if commit succeeds",
        "  at                   Time at which to activate configuration changes",
        "  check                Check correctness of syntax; do not apply changes",
        "  comment              Message to write to commit log",
        "  synchronize          Synchronize commit on both Routing Engines",
        "  |                    Pipe through a command",
    ]


def test_load_question_mark(cli):
    cli.run("configure")
    assert cli.session.help_lines("load ") == [
        "Possible completions:",
        "  merge                Merge contents with existing configuration",
        "  override             Override existing configuration",
        "  patch                Load patch file into configuration",
        "  replace              Replace configuration data",
        "  set                  Execute set of commands on existing configuration",
        "  update               Update existing configuration",
    ]
    assert cli.session.help_lines("load merge ") == [
        "Possible completions:",
        "  <filename>           Filename, or 'terminal'",
        "  relative             Load configuration relative to current edit path",
    ]


def test_set_question_mark_lists_statements_without_enter(cli):
    cli.run("configure")
    lines = cli.session.help_lines("set ")
    check_layout(lines)
    assert "  <[Enter]>            Execute this command" not in lines
    assert "  |                    Pipe through a command" not in lines
    assert "> system               System parameters" in lines


def test_show_question_mark_in_configuration_mode_has_enter_and_pipe(cli):
    cli.run("configure")
    lines = cli.session.help_lines("show ")
    assert lines[1] == "  <[Enter]>            Execute this command"
    assert lines[-1] == "  |                    Pipe through a command"
    assert "> system               System parameters" in lines


def test_statements_under_a_container(cli):
    cli.run("configure")
    lines = cli.session.help_lines("set system ")
    check_layout(lines)
    # `set system` alone sets nothing: Enter is offered only where a statement is complete.
    assert "  <[Enter]>            Execute this command" not in lines
    assert cli.session.help_lines("set system services ssh ")[1] == "  <[Enter]>            Execute this command"
    assert "  host-name            Hostname for this router" in lines
    assert "> login                Names, login classes, and passwords for users" in lines


def test_help_is_relative_to_the_edit_level(cli):
    cli.run("configure", "edit system")
    assert "  host-name            Hostname for this router" in cli.session.help_lines("set ")
    assert cli.session.complete("set host") == ("-name ", [])


def test_existing_interfaces_are_offered(small):
    small.run("configure", "set interfaces ge-0/0/1 unit 0")
    lines = small.session.help_lines("set interfaces ")
    assert "  ge-0/0/0             uplink" in lines
    assert "  ge-0/0/1             Interface name" in lines
    assert small.session.complete("set interfaces g") == ("e-0/0/", [])
    assert small.session.complete("set interfaces l") == ("o0 ", [])
    assert small.session.help_lines("set interfaces ge") == [
        "Possible completions:",
        "  <interface-name>     Interface name",
        "  ge-0/0/0             uplink",
        "  ge-0/0/1             Interface name",
    ]


def test_existing_values_of_a_list_are_offered(small):
    small.run("configure")
    assert small.session.help_lines("set routing-options static route ") == [
        "Possible completions:",
        "  <prefix>             Static route",
        "  0.0.0.0/0            Static route",
    ]


def test_policy_names_are_offered_after_import(cli):
    cli.run(
        "configure",
        "set policy-options policy-statement EXPORT-ME then accept",
        "set policy-options policy-statement IMPORT-ME then reject",
        "set protocols bgp group G type external",
    )
    assert cli.session.help_lines("set protocols bgp group G import ") == [
        "Possible completions:",
        "  <value>              Import policy",
        "  EXPORT-ME",
        "  IMPORT-ME",
        "  [                    Open a set of values",
    ]
    assert cli.session.complete("set protocols bgp group G import I") == ("MPORT-ME ", [])
    assert cli.session.complete("set protocols bgp group ") == ("G ", [])


def test_run_continues_in_the_operational_tree(cli):
    cli.run("configure")
    assert cli.session.help_lines("run show ") == [
        "Possible completions:",
        "  arp                  Show system Address Resolution Protocol table entries",
        "  bgp                  Show Border Gateway Protocol information",
        "  chassis              Show chassis information",
        "  cli                  Show command-line interface settings",
        "  configuration        Show current configuration",
        "  firewall             Show firewall information",
        "  interfaces           Show interface information",
        "  lab                  Show simulator lab state (nos extension)",
        "  log                  Show contents of log file",
        "  ntp                  Show Network Time Protocol information",
        "  route                Show routing table information",
        "  security             Show security information",
        "  services             Show services information",
        "  system               Show system information",
        "  version              Show software process revision levels",
    ]
    assert cli.session.complete("run sh") == ("ow ", [])
    assert cli.session.complete("run show ver") == ("sion ", [])
    assert "> system               System parameters" in cli.session.help_lines("run show configuration ")


def test_pipe_help_in_configuration_mode(cli):
    cli.run("configure")
    assert rows(cli.session.help_lines("show | ")) == rows(cli.session.help_lines("run show configuration | "))


# -- Tab -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "insert"),
    [
        ("sh", "ow "),
        ("show ver", "sion "),
        ("show c", ""),  # cli / configuration: ambiguous, nothing in common past `c`
        ("show conf", "iguration "),
        ("show configuration sys", "tem "),
        ("show configuration | di", "splay "),
        ("show configuration | display s", "et "),
        ("show configuration | n", "o-more "),
        ("set cli scr", "een-"),
        ("set cli screen-l", "ength "),
        ("req", "uest "),
        ("request lab w", "ait "),
        ("xyz", ""),
    ],
)
def test_tab_completion(cli, text, insert):
    assert cli.session.complete(text)[0] == insert


def test_tab_on_an_ambiguous_word_lists_the_choices(cli):
    assert cli.session.complete("show c") == (
        "",
        [
            "Possible completions:",
            "  chassis              Show chassis information",
            "  cli                  Show command-line interface settings",
            "  configuration        Show current configuration",
        ],
    )


def test_tab_after_a_space_lists_what_may_follow(cli):
    insert, lines = cli.session.complete("show system ")
    assert insert == ""
    assert rows(lines) == ["commit", "login", "uptime", "users"]


def test_tab_and_question_mark_keep_the_quotes_apart(cli):
    cli.run("configure")
    # Inside an open quote nothing is completed: the word is free text.
    assert cli.session.complete('set system host-name "ro') == ("", [])


def test_abbreviated_commands_run(small):
    assert small.output("sh conf sys ho") == "host-name r1;\n"
    assert small.output("sh ver | ma Host") == "Hostname: r1\n"
    small.run("conf")
    assert small.session.mode == "configuration"
    small.run("se sys domain-name example.net", "sh | comp")
    assert small.output("sh | comp") == "[edit system]\n+   domain-name example.net;\n"


def test_help_does_not_run_anything(cli):
    before = cli.device.db.active
    cli.session.help_lines("configure ")
    cli.session.complete("quit")
    assert cli.session.mode == "operational"
    assert cli.session.alive
    assert cli.device.db.active is before
