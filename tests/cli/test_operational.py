"""Operational mode (`user@host> `): golden transcripts of the commands and of the `|` filters.

Transcripts are exact: the blank line and prompt before each command, the
command as typed, then its output, as a terminal (or netmiko) would see them.
The clock is the manual one, so every timestamp is fixed.
"""

from __future__ import annotations

from clihelpers import SMALL_CONFIG

# As shown: the commit header first, secrets marked.
SMALL_CURLY = "## Last commit: 2026-01-01 00:00:00 UTC by root\n" + SMALL_CONFIG.replace(
    '"$6$salt$hash";', '"$6$salt$hash"; ## SECRET-DATA'
)

SMALL_SET = """\
set version 24.4R1.9
set system host-name r1
set system root-authentication encrypted-password "$6$salt$hash"
set system services ssh
set interfaces ge-0/0/0 description uplink
set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24
set interfaces lo0 unit 0 family inet address 10.255.0.1/32
set routing-options static route 0.0.0.0/0 next-hop 192.0.2.254
"""


def test_show_version(cli):
    assert cli.run("show version") == (
        "\n"
        "lab@r1> show version\n"
        "Hostname: r1\n"
        "Model: vSRX\n"
        "Family: junos-es\n"
        "Junos: 24.4R1.9\n"
        "JUNOS Software Release [24.4R1.9]\n"
        "JUNOS nos simulator [0.1.0]\n"
    )


def test_show_version_is_recognised_by_netmiko_autodetect(cli):
    """netmiko's SSHDetect looks for `JUNOS Software Release` (or `JUNOS .+ Software`)."""
    assert "JUNOS Software Release [" in cli.output("show version")


def test_show_system_commit_lists_commits_newest_first_with_comments(cli, clock):
    clock.advance(3600)
    cli.run("configure", "set system host-name r2", 'commit comment "rename the box"')
    clock.advance(60)
    cli.run("set system domain-name example.net", "commit", "exit")
    assert cli.run("show system commit") == (
        "\n"
        "lab@r2> show system commit\n"
        "0   2026-01-01 01:01:00 UTC by lab via cli\n"
        "1   2026-01-01 01:00:00 UTC by lab via cli\n"
        "    rename the box\n"
        "2   2026-01-01 00:00:00 UTC by root via other\n"
        "    initial configuration\n"
    )


def test_show_system_commit_index_column_is_four_wide(cli):
    cli.run("configure")
    for i in range(10):
        cli.run(f"set system domain-name d{i}.example", "commit")
    out = cli.output("run show system commit").splitlines()
    assert out[0].startswith("0   2026-01-01 ")
    assert out[10].startswith("10  2026-01-01 ")


def test_show_system_uptime_on_the_manual_clock(cli, clock):
    clock.advance(3600)
    cli.run("configure", "set system domain-name example.net", "commit and-quit")
    clock.advance(86400 + 2 * 3600 + 3 * 60 + 4)
    assert cli.run("show system uptime") == (
        "\n"
        "lab@r1> show system uptime\n"
        "Current time: 2026-01-02 03:03:04 UTC\n"
        "Time Source:  LOCAL CLOCK\n"
        "System booted: 2026-01-01 00:00:00 UTC (1d 03:03 ago)\n"
        "Protocols started: 2026-01-01 00:00:00 UTC (1d 03:03 ago)\n"
        "Last configured: 2026-01-01 01:00:00 UTC (1d 02:03 ago) by lab\n"
        " 3:03AM  up 1 day,  3:03, 1 user, load averages: 0.00, 0.00, 0.00\n"
    )


def test_show_system_uptime_at_boot(cli):
    assert cli.output("show system uptime") == (
        "Current time: 2026-01-01 00:00:00 UTC\n"
        "Time Source:  LOCAL CLOCK\n"
        "System booted: 2026-01-01 00:00:00 UTC (00:00:00 ago)\n"
        "Protocols started: 2026-01-01 00:00:00 UTC (00:00:00 ago)\n"
        "Last configured: 2026-01-01 00:00:00 UTC (00:00:00 ago) by root\n"
        "12:00AM  up 0 mins, 1 user, load averages: 0.00, 0.00, 0.00\n"
    )


def test_cli_settings_as_automation_clients_send_them(cli):
    """netmiko and scrapli send these three on login and wait for these replies."""
    assert cli.run("set cli screen-length 0", "set cli screen-width 511", "set cli complete-on-space off") == (
        "\n"
        "lab@r1> set cli screen-length 0\n"
        "Screen length set to 0\n"
        "\n"
        "lab@r1> set cli screen-width 511\n"
        "Screen width set to 511\n"
        "\n"
        "lab@r1> set cli complete-on-space off\n"
        "Disabling complete-on-space\n"
    )
    assert cli.session.screen_length == 0
    assert cli.session.screen_width == 511
    assert cli.session.complete_on_space is False
    assert cli.output("set cli complete-on-space on") == "Enabling complete-on-space\n"


def test_show_cli(cli):
    cli.run("set cli screen-length 0", "set cli screen-width 511", "set cli complete-on-space off")
    assert cli.output("show cli") == (
        "CLI complete-on-space set to off\n"
        "CLI idle-timeout disabled\n"
        "CLI restart-on-upgrade set to on\n"
        "CLI screen-length set to 0\n"
        "CLI screen-width set to 511\n"
        "CLI terminal is 'vt100'\n"
        "CLI is operating in enhanced mode\n"
        "CLI timestamp disabled\n"
        "CLI working directory is '/var/home/lab'\n"
    )


def test_show_cli_history(cli, clock):
    cli.run("show version")
    clock.advance(65)
    cli.run("show cli")
    assert cli.output("show cli history") == (
        "00:00:00 -- show version\n00:01:05 -- show cli\n00:01:05 -- show cli history\n"
    )
    assert cli.output("show cli history 1") == "00:01:05 -- show cli history 1\n"


def test_show_configuration(small):
    assert small.run("show configuration") == "\nlab@r1> show configuration\n" + SMALL_CURLY


def test_show_configuration_of_a_stanza(small):
    assert small.output("show configuration interfaces ge-0/0/0") == (
        "description uplink;\nunit 0 {\n    family inet {\n        address 192.0.2.1/24;\n    }\n}\n"
    )
    assert small.output("show configuration system host-name") == "host-name r1;\n"
    assert small.output("show configuration system services") == "ssh;\n"


def test_show_configuration_of_something_absent_prints_nothing(small):
    assert small.output("show configuration snmp") == ""


def test_display_set(small):
    assert small.output("show configuration | display set") == SMALL_SET
    assert small.output("show configuration interfaces lo0 | display set") == (
        "set interfaces lo0 unit 0 family inet address 10.255.0.1/32\n"
    )


def test_abbreviations_give_the_same_output(small):
    assert small.output("sh conf | di set") == SMALL_SET
    assert small.output("sh conf int ge-0/0/0 | di set") == small.output(
        "show configuration interfaces ge-0/0/0 | display set"
    )


COMMIT_ATTRIBUTES = (
    '        "@" : {\n'
    '            "junos:commit-seconds" : "1767225600",\n'
    '            "junos:commit-localtime" : "2026-01-01 00:00:00 UTC",\n'
    '            "junos:commit-user" : "root"\n'
    "        },\n"
)


def test_display_json_of_a_stanza_keeps_the_enclosing_statements(small):
    """Junos JSON mirrors its XML: it starts at `configuration` and names each enclosing statement."""
    assert small.output("show configuration system | display json") == (
        "{\n"
        '    "configuration" : {\n' + COMMIT_ATTRIBUTES + '        "system" : {\n'
        '            "host-name" : "r1",\n'
        '            "root-authentication" : {\n'
        '                "encrypted-password" : "$6$salt$hash"\n'
        "            },\n"
        '            "services" : {\n'
        '                "ssh" : [null]\n'
        "            }\n"
        "        }\n"
        "    }\n"
        "}\n"
    )


def test_display_json_of_everything_names_the_commit(small):
    out = small.output("show configuration | display json")
    assert out.startswith('{\n    "configuration" : {\n' + COMMIT_ATTRIBUTES)
    import json

    data = json.loads(out)
    assert data["configuration"]["system"]["host-name"] == "r1"


def test_display_max_depth(small):
    """As in the vSRX 24.4 capture: depth 1 opens each top-level stanza and folds what is below."""
    assert small.output("show configuration | display max-depth 1") == (
        "## Last commit: 2026-01-01 00:00:00 UTC by root\n"
        "version 24.4R1.9;\n"
        "system {\n"
        "    host-name r1;\n"
        "    root-authentication { ... }\n"
        "    services { ... }\n"
        "}\n"
        "interfaces {\n"
        "    ge-0/0/0 { ... }\n"
        "    lo0 { ... }\n"
        "}\n"
        "routing-options {\n"
        "    static { ... }\n"
        "}\n"
    )


def test_match_count(small):
    assert small.run("show configuration | match address | count") == (
        "\nlab@r1> show configuration | match address | count\nCount: 2 lines\n"
    )
    assert small.output("show configuration | count") == f"Count: {len(SMALL_CURLY.splitlines())} lines\n"
    assert small.output("show configuration | display set | match inet") == (
        "set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24\n"
        "set interfaces lo0 unit 0 family inet address 10.255.0.1/32\n"
    )


def test_match_is_a_case_insensitive_regular_expression(small):
    assert small.output("show configuration | display set | match ROUTE.*254") == (
        "set routing-options static route 0.0.0.0/0 next-hop 192.0.2.254\n"
    )


def test_except(small):
    expected = "".join(line + "\n" for line in SMALL_CURLY.splitlines() if "address" not in line)
    assert small.output("show configuration | except address") == expected
    assert small.output("show configuration | except address | count") == (
        f"Count: {len(expected.splitlines())} lines\n"
    )


def test_find(small):
    assert small.output("show configuration | find routing") == (
        "routing-options {\n    static {\n        route 0.0.0.0/0 next-hop 192.0.2.254;\n    }\n}\n"
    )
    assert small.output("show configuration | find nomatch") == "Pattern not found\n"


def test_last(small):
    assert small.output("show configuration | last 3") == ("        route 0.0.0.0/0 next-hop 192.0.2.254;\n    }\n}\n")


def test_trim(small):
    out = small.output("show configuration | trim 4").splitlines()
    assert out[:3] == [
        "ast commit: 2026-01-01 00:00:00 UTC by root",
        "ion 24.4R1.9;",
        "em {",
    ]
    assert out[-3:] == ["    route 0.0.0.0/0 next-hop 192.0.2.254;", "}", ""]


def test_filters_chain_in_the_order_typed(small):
    assert small.output("show configuration | trim 4 | match ^ge") == "ge-0/0/0 {\n"
    assert small.output("show configuration | display set | last 2 | match lo0") == (
        "set interfaces lo0 unit 0 family inet address 10.255.0.1/32\n"
    )


def test_save_then_file_show_and_file_list(small):
    n = len(SMALL_CURLY.splitlines())
    assert small.run("show configuration | save out.txt") == (
        f"\nlab@r1> show configuration | save out.txt\nWrote {n} lines of output to 'out.txt'\n"
    )
    assert small.output("file show out.txt") == SMALL_CURLY
    assert small.run("file list") == "\nlab@r1> file list\n/var/home/lab/:\nout.txt\n"
    assert small.output("show configuration | display set | save set.txt") == ("Wrote 8 lines of output to 'set.txt'\n")
    assert small.output("file show set.txt") == SMALL_SET
    assert small.output("file list") == "/var/home/lab/:\nout.txt\nset.txt\n"
    assert small.output("file delete out.txt") == ""
    assert small.output("file list") == "/var/home/lab/:\nset.txt\n"


def test_file_errors(small):
    assert small.output("file show nothere.txt") == "error: could not resolve file: nothere.txt\n"
    assert small.output("file list nothere") == "nothere: No such file or directory\n"


def test_lab_clock_and_wait(cli, clock):
    assert cli.run("show lab clock", "request lab wait 61", "show lab clock") == (
        "\n"
        "lab@r1> show lab clock\n"
        "Lab time: 2026-01-01 00:00:00 UTC (clock: virtual, 0.000 s since start)\n"
        "\n"
        "lab@r1> request lab wait 61\n"
        "Lab time: 2026-01-01 00:01:01 UTC\n"
        "\n"
        "lab@r1> show lab clock\n"
        "Lab time: 2026-01-01 00:01:01 UTC (clock: virtual, 61.000 s since start)\n"
    )
    assert clock.now() == 61
    cli.run("request lab wait 1h30m")
    assert clock.now() == 61 + 5400


def test_show_system_users(cli, session_on):
    session_on(cli.device, "bob")
    assert cli.output("show system users") == (
        "12:00AM  up 0 mins, 2 users, load averages: 0.00, 0.00, 0.00\n"
        "USER     TTY      FROM                              LOGIN@  IDLE WHAT\n"
        "lab      pts/0    -                                 12:00AM     - -cli (cli)\n"
        "bob      pts/0    -                                 12:00AM     - -cli (cli)\n"
    )


def test_quit_ends_the_session(cli):
    assert cli.session.alive
    cli.run("quit")
    assert not cli.session.alive
    assert cli.session.id not in cli.device.sessions


def test_an_empty_line_reprints_the_prompt(cli):
    assert cli.run("", "   ") == "\nlab@r1> \n\nlab@r1>    \n"


def test_display_json_of_a_list_entry_and_of_a_leaf(small):
    out = small.output("show configuration interfaces lo0 | display json")
    assert out == (
        '{\n    "configuration" : {\n' + COMMIT_ATTRIBUTES + '        "interfaces" : {\n'
        '            "interface" : [\n'
        "            {\n"
        '                "name" : "lo0",\n'
        '                "unit" : [\n'
        "                {\n"
        '                    "name" : 0,\n'
        '                    "family" : {\n'
        '                        "inet" : {\n'
        '                            "address" : [\n'
        "                            {\n"
        '                                "name" : "10.255.0.1/32"\n'
        "                            }\n"
        "                            ]\n"
        "                        }\n"
        "                    }\n"
        "                }\n"
        "                ]\n"
        "            }\n"
        "            ]\n"
        "        }\n"
        "    }\n"
        "}\n"
    )
    assert small.output("show configuration system host-name | display json") == (
        '{\n    "configuration" : {\n' + COMMIT_ATTRIBUTES + '        "system" : {\n'
        '            "host-name" : "r1"\n'
        "        }\n"
        "    }\n"
        "}\n"
    )
