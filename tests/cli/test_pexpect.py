"""The real `nos cli` in a pseudo-terminal, typed at the way a person types."""

from __future__ import annotations

import pytest
from clihelpers import Screen

pytest.importorskip("pexpect")


@pytest.fixture
def screen(tmp_path):  # type: ignore[no-untyped-def]
    s = Screen("cli", "--state-dir", str(tmp_path / "state"), "--clock", "virtual")
    yield s
    s.close()


def test_a_session_typed_at_a_terminal(screen):
    s = screen
    s.expect("lab@nos>")

    # Tab completes `sh` to `show `; `ver` is a unique abbreviation.
    s.send("sh\t")
    s.send("ver\r")
    seen = s.expect("JUNOS Software Release [24.4R1.9]")
    assert "show ver" in seen
    assert "Hostname: nos" in seen
    s.expect("lab@nos>")

    s.send("configure\r")
    s.expect("Entering configuration mode")
    s.expect("[edit]")
    s.expect("lab@nos#")

    # `?` lists what may follow and keeps the typed line: typing on finishes the word.
    s.send("set sys?")
    seen = s.expect("Possible completions:")
    assert "set sys?" in seen
    s.expect("> system               System parameters")
    s.expect("lab@nos#")
    s.send("tem host-name r5\r")
    s.expect("lab@nos#")
    s.send("show | compare\r")
    seen = s.expect("+   host-name r5;")
    assert "[edit system]" in seen
    assert "-   host-name nos;" in seen
    s.expect("lab@nos#")

    s.send('commit comment "from pexpect"\r')
    s.expect("commit complete")
    s.expect("lab@r5#")

    s.send("rollback 1\r")
    s.expect("load complete")
    s.expect("lab@r5#")
    s.send("show | compare\r")
    s.expect("-   host-name r5;")
    s.expect("+   host-name nos;")
    s.expect("lab@r5#")

    s.send("commit confirmed 1\r")
    s.expect("commit confirmed will be automatically rolled back in 1 minutes unless confirmed")
    s.expect("commit complete")
    s.expect("# commit confirmed will be rolled back in 1 minute")
    s.expect("lab@nos#")

    s.send("run request lab wait 61\r")
    s.expect("Commit was not confirmed; automatic rollback complete.")
    s.expect("Lab time: 2026-01-01 00:01:01 UTC")
    s.expect("lab@r5#")

    s.send("run show system commit\r")
    seen = s.expect("    from pexpect")
    assert "0   2026-01-01 00:01:00 UTC by root via other" in seen
    s.expect("lab@r5#")

    s.send("set system domain-name example.net\r")
    s.expect("lab@r5#")
    s.send("exit\r")
    s.expect("The configuration has been changed but not committed")
    s.expect("Exit with uncommitted changes? [yes,no] (yes)")
    s.send("yes\r")
    s.expect("Exiting configuration mode")
    s.expect("lab@r5>")

    s.send("quit\r")
    s.expect_eof()


def test_tab_lists_choices_and_errors_show_a_caret(screen):
    s = screen
    s.expect("lab@nos>")
    s.send("show c\t")
    s.expect("Possible completions:")
    s.expect("cli                  Show command-line interface settings")
    s.expect("configuration        Show current configuration")
    s.expect("lab@nos>")
    s.send("onfiguration system host-name\r")
    s.expect("host-name nos;")
    s.expect("lab@nos>")

    s.send("show bogus\r")
    seen = s.expect("syntax error, expecting <command>.")
    assert "\n" + " " * 14 + "^\n" in seen
    s.expect("lab@nos>")

    s.send("set cli screen-length 0\r")
    s.expect("Screen length set to 0")
    s.expect("lab@nos>")
    s.send("quit\r")
    s.expect_eof()


def test_answering_no_keeps_configuration_mode(screen):
    s = screen
    s.expect("lab@nos>")
    s.send("configure\r")
    s.expect("lab@nos#")
    s.send("set snmp location lab\r")
    s.expect("lab@nos#")
    s.send("exit\r")
    s.expect("Exit with uncommitted changes? [yes,no] (yes)")
    s.send("no\r")
    s.expect("[edit]")
    s.expect("lab@nos#")
    s.send("rollback 0\r")
    s.expect("load complete")
    s.send("exit\r")
    s.expect("Exiting configuration mode")
    s.expect("lab@nos>")
    s.send("quit\r")
    s.expect_eof()


def test_the_pager_stops_at_more_and_obeys_keys(screen):
    """Output longer than `set cli screen-length` stops at ---(more)---: Space pages on, q stops."""
    s = screen
    s.expect("lab@nos>")
    s.send("set cli screen-length 6\r")
    s.expect("Screen length set to 6")
    s.expect("lab@nos>")
    s.send("show configuration | no-more | count\r")
    total = int(s.expect(" lines").split("Count: ")[1].split(" ")[0])
    assert total > 12
    s.expect("lab@nos>")
    s.send("show configuration\r")
    first = s.expect("---(more)---")
    assert "## Last commit:" in first and "encrypted-password" not in first  # five lines, then the pager
    s.send(" ")
    s.expect("---(more)---")  # a second page
    s.send("q")
    s.expect("lab@nos>")
    s.send("show configuration | no-more\r")
    seen = s.expect("lab@nos>")
    assert "---(more)---" not in seen


def test_ctrl_c_stops_a_ping_and_the_prompt_comes_back(screen):
    """A ping without a count runs until Ctrl-C, then prints its statistics (Junos on a terminal)."""
    s = screen
    s.expect("lab@nos>")
    s.send("configure\r")
    s.expect("lab@nos#")
    s.send("set interfaces lo0 unit 0 family inet address 10.255.0.1/32\r")
    s.send("commit and-quit\r")
    s.expect("Exiting configuration mode")
    s.expect("lab@nos>")
    s.send("ping 10.255.0.1\r")
    s.expect("64 bytes from 10.255.0.1: icmp_seq=0 ttl=64")  # on the virtual clock the replies pour in
    s.send("\x03")
    seen = s.expect("--- 10.255.0.1 ping statistics ---")
    assert "^C" in seen  # the terminal echoes it; the statistics follow
    s.expect(" packets received, ")  # the one in flight at Ctrl-C may count as lost
    s.expect("lab@nos>")
    s.send("show system uptime | count\r")  # the session is still there, on the same device
    s.expect("Count: ")
    s.expect("lab@nos>")
