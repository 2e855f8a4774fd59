"""The real `nos cli` with commands on a pipe: the transcript a script or CI job reads.

Each test starts the executable (the installed console script, or
`python -m nos`) with its own --state-dir and the virtual clock, so runs are
reproducible and never touch the user's state.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from clihelpers import nos_command, nos_env

ROOT_AUTH = 'set system root-authentication encrypted-password "$6$salt$hash"\n'


def nos_cli(state: Path, stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*nos_command(), "cli", "--state-dir", str(state), "--clock", "virtual", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=nos_env(),
        check=False,
    )


def test_transcript_shows_prompt_command_and_output(tmp_path):
    script = 'show version\nconfigure\nset system host-name pp\nshow | compare\ncommit comment "first run"\nexit\n'
    result = nos_cli(tmp_path / "state", script)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == (
        "\n"
        "lab@nos> show version\n"
        "Hostname: nos\n"
        "Model: vSRX\n"
        "Family: junos-es\n"
        "Junos: 24.4R1.9\n"
        "JUNOS Software Release [24.4R1.9]\n"
        "JUNOS nos simulator [0.1.0]\n"
        "\n"
        "lab@nos> configure\n"
        "Entering configuration mode\n"
        "\n"
        "[edit]\n"
        "lab@nos# set system host-name pp\n"
        "\n"
        "[edit]\n"
        "lab@nos# show | compare\n"
        "[edit system]\n"
        "-   host-name nos;\n"
        "+   host-name pp;\n"
        "\n"
        "[edit]\n"
        'lab@nos# commit comment "first run"\n'
        "commit complete\n"
        "\n"
        "[edit]\n"
        "lab@pp# exit\n"
        "Exiting configuration mode\n"
        "\n"
        "lab@pp> "
    )


def test_errors_and_questions_in_the_transcript(tmp_path):
    script = "show bogus\nconfigure\nset snmp location lab\nexit\nno\nexit\nyes\n"
    result = nos_cli(tmp_path / "state", script)
    assert result.returncode == 0
    assert result.stdout == (
        "\n"
        "lab@nos> show bogus\n"
        "              ^\n"
        "syntax error, expecting <command>.\n"
        "\n"
        "lab@nos> configure\n"
        "Entering configuration mode\n"
        "\n"
        "[edit]\n"
        "lab@nos# set snmp location lab\n"
        "\n"
        "[edit]\n"
        "lab@nos# exit\n"
        "The configuration has been changed but not committed\n"
        "Exit with uncommitted changes? [yes,no] (yes) no\n"
        "\n"
        "[edit]\n"
        "lab@nos# exit\n"
        "The configuration has been changed but not committed\n"
        "Exit with uncommitted changes? [yes,no] (yes) yes\n"
        "Exiting configuration mode\n"
        "\n"
        "lab@nos> "
    )


def test_load_set_terminal_ends_at_a_ctrl_d_line(tmp_path):
    script = "configure\nload set terminal\nset system host-name pp\nset system bogus 1\n\x04\nshow | compare\n"
    result = nos_cli(tmp_path / "state", script)
    assert result.returncode == 0
    assert result.stdout.split("lab@nos# load set terminal\n", 1)[1] == (
        "[Type ^D at a new line to end input]\n"
        "set system host-name pp\n"
        "set system bogus 1\n"
        "terminal:2:(11) syntax error: bogus\n"
        "load complete\n"
        "\n"
        "[edit]\n"
        "lab@nos# show | compare\n"
        "[edit system]\n"
        "-   host-name nos;\n"
        "+   host-name pp;\n"
        "\n"
        "[edit]\n"
        "lab@nos# "
    )


def test_ctrl_d_after_text_on_the_same_line(tmp_path):
    result = nos_cli(tmp_path / "state", "configure\nload merge terminal\nsnmp { location lab; }\x04\nshow snmp\n")
    assert "load complete\n" in result.stdout
    assert result.stdout.endswith("lab@nos# show snmp\nlocation lab;\n\n[edit]\nlab@nos# ")


def test_end_of_input_inside_load_terminal_ends_the_load(tmp_path):
    result = nos_cli(tmp_path / "state", "configure\nload merge terminal\nsnmp { location lab; }\n")
    assert result.returncode == 0
    assert "load complete\n" in result.stdout


def test_end_of_input_at_a_question_takes_the_default(tmp_path):
    result = nos_cli(tmp_path / "state", "configure\nset snmp location lab\nexit\n")
    assert result.returncode == 0
    assert result.stdout.endswith(
        "lab@nos# exit\n"
        "The configuration has been changed but not committed\n"
        "Exit with uncommitted changes? [yes,no] (yes) \n"
        "Exiting configuration mode\n"
        "\n"
        "lab@nos> "
    )


def test_commits_persist_in_the_state_dir(tmp_path):
    state = tmp_path / "state"
    first = nos_cli(state, 'configure\nset system host-name keep\ncommit comment "from run one"\n')
    assert first.returncode == 0
    second = nos_cli(state, "show system commit\nshow configuration system host-name\n")
    assert second.stdout == (
        "\n"
        "lab@keep> show system commit\n"
        "0   2026-01-01 00:00:00 UTC by lab via cli\n"
        "    from run one\n"
        "1   2026-01-01 00:00:00 UTC by root via other\n"
        "    initial configuration\n"
        "\n"
        "lab@keep> show configuration system host-name\n"
        "host-name keep;\n"
        "\n"
        "lab@keep> "
    )


def test_uncommitted_changes_do_not_persist(tmp_path):
    state = tmp_path / "state"
    nos_cli(state, "configure\nset system host-name lost\n")
    second = nos_cli(state, "show configuration system host-name\n")
    assert "host-name nos;" in second.stdout


def test_config_file_in_set_format_is_committed_at_start(tmp_path):
    conf = tmp_path / "r5.set"
    conf.write_text("set system host-name r5\n" + ROOT_AUTH + "set interfaces ge-0/0/0 description wan\n")
    result = nos_cli(
        tmp_path / "state", "show system commit\nshow configuration | display set\n", "--config", str(conf)
    )
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout
        == (
            "\n"
            "lab@r5> show system commit\n"
            "0   2026-01-01 00:00:00 UTC by root via other\n"
            f"    loaded from {conf}\n"  # the only commit: no factory configuration is built to be replaced
            "\n"
            "lab@r5> show configuration | display set\n"
            "set version 24.4R1.9\n"
            "set system host-name r5\n" + ROOT_AUTH + "set interfaces ge-0/0/0 description wan\n"
            "\n"
            "lab@r5> "
        )
    )


def test_config_file_in_curly_format_is_committed_at_start(tmp_path):
    conf = tmp_path / "r6.conf"
    conf.write_text(
        "system {\n"
        "    host-name r6;\n"
        "    root-authentication {\n"
        '        encrypted-password "$6$salt$hash";\n'
        "    }\n"
        "}\n"
        "snmp {\n"
        "    location lab;\n"
        "}\n"
    )
    result = nos_cli(tmp_path / "state", "show configuration snmp\n", "--config", str(conf))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "\nlab@r6> show configuration snmp\nlocation lab;\n\nlab@r6> "


def test_bad_config_file_prints_junos_errors_and_fails(tmp_path):
    conf = tmp_path / "bad.conf"
    conf.write_text("system {\n    host-name bad;\n    foo bar;\n}\n")
    result = nos_cli(tmp_path / "state", "show version\n", "--config", str(conf))
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr == (
        f"{conf}:3:(7) syntax error: foo\n"
        "  [edit system]\n"
        "    'foo bar;'\n"
        "      syntax error\n"
        f"error: {conf}: 1 errors; configuration not loaded\n"
    )


def test_bad_set_config_file(tmp_path):
    conf = tmp_path / "bad.set"
    conf.write_text("set system host-name x\nset system nonsense\n")
    result = nos_cli(tmp_path / "state", "", "--config", str(conf))
    assert result.returncode != 0
    assert result.stderr == (
        f"{conf}:2:(11) syntax error: nonsense\nerror: {conf}: 1 errors; configuration not loaded\n"
    )


def test_config_file_that_fails_the_commit_check(tmp_path):
    conf = tmp_path / "noroot.set"
    conf.write_text("set system host-name x\n")
    result = nos_cli(tmp_path / "state", "", "--config", str(conf))
    assert result.returncode != 0
    assert result.stderr == (
        "[edit]\n"
        "  'system'\n"
        "    Missing mandatory statement: 'root-authentication'\n"
        "error: commit failed: (missing mandatory statements)\n"
    )


def test_missing_config_file(tmp_path):
    result = nos_cli(tmp_path / "state", "", "--config", str(tmp_path / "nothere.conf"))
    assert result.returncode != 0
    assert result.stderr == f"error: could not read {tmp_path / 'nothere.conf'}: No such file or directory\n"


def test_quit_ends_before_the_input_does(tmp_path):
    result = nos_cli(tmp_path / "state", "quit\nshow version\n")
    assert result.returncode == 0
    assert result.stdout == "\nlab@nos> quit\n"


def test_commit_confirmed_and_lab_wait_on_the_virtual_clock(tmp_path):
    script = (
        "configure\nset system host-name tmp\ncommit confirmed 1\nrun request lab wait 61\nrun show system commit\n"
    )
    result = nos_cli(tmp_path / "state", script)
    out = result.stdout
    assert "commit confirmed will be automatically rolled back in 1 minutes unless confirmed\n" in out
    assert "# commit confirmed will be rolled back in 1 minute\n[edit]\nlab@tmp# run request lab wait 61\n" in out
    assert "Commit was not confirmed; automatic rollback complete.\n" in out
    assert "Lab time: 2026-01-01 00:01:01 UTC\n" in out
    assert out.endswith(
        "0   2026-01-01 00:01:00 UTC by root via other\n"
        "    automatic rollback\n"
        "1   2026-01-01 00:00:00 UTC by lab via cli\n"
        "2   2026-01-01 00:00:00 UTC by root via other\n"
        "    initial configuration\n"
        "\n"
        "[edit]\n"
        "lab@nos# "
    )
