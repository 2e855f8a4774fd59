"""Configuration mode (`user@host# `): golden transcripts of editing, comparing, committing, loading.

Every configuration-mode command is followed by a blank line and the
`[edit <path>]` banner before the next prompt (see the juliopdx and NetEdu
captures in the reference folder); the transcripts below check that layout.
"""

from __future__ import annotations

import pytest

from nos.config.tree import trees_equal


def active_set(cli) -> str:  # type: ignore[no-untyped-def]
    """The active configuration as `set` lines (seen from operational or configuration mode)."""
    prefix = "run " if cli.session.mode == "configuration" else ""
    return cli.output(prefix + "show configuration | display set")


# -- entering and leaving ------------------------------------------------------------------------------------


def test_configure(cli):
    assert cli.run("configure") == ("\nlab@r1> configure\nEntering configuration mode\n")
    assert cli.prompt == "\n[edit]\nlab@r1# "
    assert cli.session.mode == "configuration"


def test_exit_leaves_configuration_mode(cli):
    assert cli.run("configure", "exit") == (
        "\nlab@r1> configure\nEntering configuration mode\n\n[edit]\nlab@r1# exit\nExiting configuration mode\n"
    )
    assert cli.prompt == "\nlab@r1> "


def test_exit_configuration_mode_from_deep_inside(cli):
    cli.run("configure", "edit system services")
    assert cli.output("exit configuration-mode") == "Exiting configuration mode\n"
    assert cli.session.mode == "operational"


def test_configure_private(cli):
    assert cli.output("configure private") == "Entering configuration mode\n"
    assert cli.session.config_kind == "private"
    cli.run("set system domain-name private.example")
    assert "domain-name" not in active_set(cli)
    assert cli.output("commit") == "commit complete\n"
    assert "set system domain-name private.example\n" in active_set(cli)


def test_configure_private_refuses_commit_confirmed(cli):
    cli.run("configure private", "set system domain-name p.example")
    out = cli.output("commit confirmed 5")
    assert out == "error: 'commit confirmed' is not supported in private mode\n"


def test_configure_private_is_refused_while_the_shared_candidate_is_changed(cli, session_on):
    cli.run("configure", "set system domain-name shared.example")
    bob = session_on(cli.device, "bob")
    out = bob.output("configure private")
    assert out.endswith("error: shared configuration database modified\n")
    assert bob.session.mode == "operational"


def test_configure_exclusive_locks_out_other_commits(cli, session_on):
    assert cli.output("configure exclusive") == "Entering configuration mode\n"
    bob = session_on(cli.device, "bob")
    assert bob.output("configure") == (
        "Entering configuration mode\n"
        "Users currently editing the configuration:\n"
        "  lab terminal pts/0 (pid 1) on since 2026-01-01 00:00:00 UTC\n"
        "      [edit]\n"
        "      exclusive\n"
    )
    assert bob.output("commit") == (
        "error: configuration database locked by:\n"
        "  lab terminal pts/0 (pid 1) on since 2026-01-01 00:00:00 UTC, idle 00:00:00\n"
        "      exclusive [edit]\n"
    )
    bob.run("exit")
    assert bob.output("configure exclusive") == (
        "Users currently editing the configuration:\n"
        "  lab terminal pts/0 (pid 1) on since 2026-01-01 00:00:00 UTC\n"
        "      [edit]\n"
        "      exclusive\n"
        "error: configuration database locked by:\n"
        "  lab terminal pts/0 (pid 1) on since 2026-01-01 00:00:00 UTC, idle 00:00:00\n"
        "      exclusive [edit]\n"
    )
    assert bob.session.mode == "operational"
    cli.run("set system domain-name excl.example")
    assert cli.output("commit") == "commit complete\n"


def test_exit_from_configure_exclusive_discards_changes(cli):
    cli.run("configure exclusive", "set system domain-name gone.example")
    out = cli.run("exit", answers=["yes"])
    assert out == (
        "\n"
        "[edit]\n"
        "lab@r1# exit\n"
        "warning: Auto rollback on exiting 'configure exclusive'\n"
        "Discard uncommitted changes? [yes,no] (yes) yes\n"
        "Exiting configuration mode\n"
    )
    cli.run("configure")
    assert cli.output("show | compare") == ""


def test_second_session_sees_users_currently_editing(cli, session_on, clock):
    cli.run("configure", "edit system services")
    clock.advance(90)
    bob = session_on(cli.device, "bob")
    assert bob.run("configure") == (
        "\n"
        "bob@r1> configure\n"
        "Entering configuration mode\n"
        "Users currently editing the configuration:\n"
        "  lab terminal pts/0 (pid 1) on since 2026-01-01 00:00:00 UTC\n"
        "      [edit system services]\n"
    )
    cli.run("top", "set system domain-name shared.example")
    carol = session_on(cli.device, "carol")
    assert carol.output("configure") == (
        "Entering configuration mode\n"
        "Users currently editing the configuration:\n"
        "  lab terminal pts/0 (pid 1) on since 2026-01-01 00:00:00 UTC\n"
        "      [edit]\n"
        "  bob terminal pts/0 (pid 2) on since 2026-01-01 00:01:30 UTC\n"
        "      [edit]\n"
        "The configuration has been changed but not committed\n"
    )


def test_status(cli, session_on):
    cli.run("configure")
    bob = session_on(cli.device, "bob")
    bob.run("configure", "edit interfaces")
    assert cli.run("status") == (
        "\n"
        "[edit]\n"
        "lab@r1# status\n"
        "Users currently editing the configuration:\n"
        "  lab terminal pts/0 (pid 1) on since 2026-01-01 00:00:00 UTC\n"
        "      [edit]\n"
        "  bob terminal pts/0 (pid 2) on since 2026-01-01 00:00:00 UTC\n"
        "      [edit interfaces]\n"
    )


def test_shared_candidate_is_shared(cli, session_on):
    cli.run("configure", "set system domain-name shared.example")
    bob = session_on(cli.device, "bob")
    bob.run("configure")
    assert bob.output("show system domain-name") == "domain-name shared.example;\n"


# -- moving around -------------------------------------------------------------------------------------------


def test_edit_up_top_exit_banners(cli):
    assert cli.run(
        "configure",
        "edit protocols bgp group G",
        "up",
        "edit group G",
        "up 2",
        "edit interfaces ge-0/0/0 unit 0",
        "edit unit 0",
        "top",
        "edit system services",
        "exit",
        "exit",
        "up",
    ) == (
        "\n"
        "lab@r1> configure\n"
        "Entering configuration mode\n"
        "\n"
        "[edit]\n"
        "lab@r1# edit protocols bgp group G\n"
        "\n"
        "[edit protocols bgp group G]\n"
        "lab@r1# up\n"
        "\n"
        "[edit protocols bgp]\n"
        "lab@r1# edit group G\n"
        "\n"
        "[edit protocols bgp group G]\n"
        "lab@r1# up 2\n"
        "\n"
        "[edit protocols]\n"
        "lab@r1# edit interfaces ge-0/0/0 unit 0\n"
        "             ^\n"
        "syntax error.\n"
        "\n"
        "[edit protocols]\n"
        "lab@r1# edit unit 0\n"
        "             ^\n"
        "syntax error.\n"
        "\n"
        "[edit protocols]\n"
        "lab@r1# top\n"
        "\n"
        "[edit]\n"
        "lab@r1# edit system services\n"
        "\n"
        "[edit system services]\n"
        "lab@r1# exit\n"
        "\n"
        "[edit system]\n"
        "lab@r1# exit\n"
        "\n"
        "[edit]\n"
        "lab@r1# up\n"
        "warning: already at top of configuration\n"
    )


def test_edit_cannot_enter_a_leaf(cli):
    cli.run("configure")
    assert cli.output("edit system host-name") == "                    ^\nsyntax error.\n"
    assert cli.session.edit == []


def test_edit_a_list_entry_then_set_relative(cli):
    cli.run("configure", "edit interfaces ge-0/0/1")
    assert cli.run("set description uplink", "show") == (
        "\n"
        "[edit interfaces ge-0/0/1]\n"
        "lab@r1# set description uplink\n"
        "\n"
        "[edit interfaces ge-0/0/1]\n"
        "lab@r1# show\n"
        "description uplink;\n"
    )


def test_an_empty_line_in_configuration_mode_reprints_the_banner(cli):
    cli.run("configure", "edit protocols")
    assert cli.run("") == "\n[edit protocols]\nlab@r1# \n"


# -- set, delete, show | compare -----------------------------------------------------------------------------


README_COMPARE = (
    "[edit]\n"
    "+  interfaces {\n"
    "+      ge-0/0/0 {\n"
    "+          unit 0 {\n"
    "+              family inet {\n"
    "+                  address 192.0.2.1/24;\n"
    "+              }\n"
    "+          }\n"
    "+      }\n"
    "+  }\n"
    "+  routing-options {\n"
    "+      static {\n"
    "+          route 0.0.0.0/0 next-hop 192.0.2.254;\n"
    "+      }\n"
    "+  }\n"
)


def test_set_and_show_compare_as_in_the_readme(cli):
    assert cli.run(
        "configure",
        "set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24",
        "set routing-options static route 0.0.0.0/0 next-hop 192.0.2.254",
        "show | compare",
    ) == (
        "\n"
        "lab@r1> configure\n"
        "Entering configuration mode\n"
        "\n"
        "[edit]\n"
        "lab@r1# set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24\n"
        "\n"
        "[edit]\n"
        "lab@r1# set routing-options static route 0.0.0.0/0 next-hop 192.0.2.254\n"
        "\n"
        "[edit]\n"
        "lab@r1# show | compare\n" + README_COMPARE
    )


def test_show_compare_of_a_changed_leaf(small):
    small.run("configure", "set system host-name r9")
    assert small.output("show | compare") == "[edit system]\n-   host-name r1;\n+   host-name r9;\n"


def test_show_compare_relative_to_the_edit_level(small):
    small.run("configure", "edit system", "set host-name r9")
    assert small.output("show | compare") == "[edit system]\n- host-name r1;\n+ host-name r9;\n"


def test_show_compare_of_nothing_prints_nothing(small):
    assert small.run("configure", "show | compare") == (
        "\nlab@r1> configure\nEntering configuration mode\n\n[edit]\nlab@r1# show | compare\n"
    )


def test_show_compare_rollback(small):
    small.run("configure", "set system host-name r2", "commit", "set snmp location lab", "commit")
    small.run("set system domain-name example.net")
    assert small.output("show | compare rollback 1") == (
        "[edit system]\n+   domain-name example.net;\n[edit]\n+  snmp {\n+      location lab;\n+  }\n"
    )
    assert small.output("show | compare rollback 2") == (
        "[edit system]\n"
        "-   host-name r1;\n"
        "+   host-name r2;\n"
        "+   domain-name example.net;\n"
        "[edit]\n"
        "+  snmp {\n"
        "+      location lab;\n"
        "+  }\n"
    )
    assert small.output("run show configuration | compare rollback 1") == (
        "[edit]\n+  snmp {\n+      location lab;\n+  }\n"
    )
    assert small.output("show | compare rollback 9") == "error: rollback 9 does not exist\n"


def test_show_in_configuration_mode_has_the_last_changed_header(small):
    small.run("configure")
    out = small.output("show")
    assert out.splitlines()[:3] == ["## Last changed: 2026-01-01 00:00:00 UTC", "version 24.4R1.9;", "system {"]
    assert small.output("show routing-options") == ("static {\n    route 0.0.0.0/0 next-hop 192.0.2.254;\n}\n")
    assert small.output("show | display set | match lo0") == (
        "set interfaces lo0 unit 0 family inet address 10.255.0.1/32\n"
    )


def test_display_set_relative(small):
    small.run("configure", "edit interfaces ge-0/0/0")
    assert small.output("show | display set relative") == (
        "set description uplink\nset unit 0 family inet address 192.0.2.1/24\n"
    )
    assert small.output("show | display set") == (
        "set interfaces ge-0/0/0 description uplink\nset interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24\n"
    )


def test_delete_a_statement(small):
    small.run("configure")
    assert small.run("delete interfaces lo0") == "\n[edit]\nlab@r1# delete interfaces lo0\n"
    assert small.output("show | compare") == (
        "[edit interfaces]\n"
        "-   lo0 {\n"
        "-       unit 0 {\n"
        "-           family inet {\n"
        "-               address 10.255.0.1/32;\n"
        "-           }\n"
        "-       }\n"
        "-   }\n"
    )
    small.run("rollback 0", "delete routing-options static")
    assert small.output("show | compare") == (
        "[edit]\n"
        "-  routing-options {\n"
        "-      static {\n"
        "-          route 0.0.0.0/0 next-hop 192.0.2.254;\n"
        "-      }\n"
        "-  }\n"
    )
    assert small.output("delete snmp") == "warning: statement not found\n"


def test_delete_everything_asks_first(small):
    small.run("configure", "edit system services")
    assert small.run("delete", answers=["no"]) == (
        "\n[edit system services]\nlab@r1# delete\nDelete everything under this level? [yes,no] (no) no\n"
    )
    assert small.output("show") == "ssh;\n"
    assert small.run("delete", answers=["yes"]) == (
        "\n[edit system services]\nlab@r1# delete\nDelete everything under this level? [yes,no] (no) yes\n"
    )
    assert small.output("show") == ""
    assert small.run("top", "delete", answers=["no"]).endswith(
        "lab@r1# delete\n"
        "This will delete the entire configuration\n"
        "Delete everything under this level? [yes,no] (no) no\n"
    )
    assert "host-name r1;" in small.output("show")


def test_delete_question_defaults_to_no(small):
    small.run("configure")
    out = small.run("delete")  # no answer at all: the default
    assert out.endswith("Delete everything under this level? [yes,no] (no) \n")
    assert small.output("show | compare") == ""


# -- statement flags and moves -------------------------------------------------------------------------------


def test_deactivate_and_activate(small):
    small.run("configure")
    assert small.run("deactivate interfaces lo0") == "\n[edit]\nlab@r1# deactivate interfaces lo0\n"
    assert small.output("show interfaces") == (
        "ge-0/0/0 {\n"
        "    description uplink;\n"
        "    unit 0 {\n"
        "        family inet {\n"
        "            address 192.0.2.1/24;\n"
        "        }\n"
        "    }\n"
        "}\n"
        "inactive: lo0 {\n"
        "    unit 0 {\n"
        "        family inet {\n"
        "            address 10.255.0.1/32;\n"
        "        }\n"
        "    }\n"
        "}\n"
    )
    assert small.output("show interfaces | display set | match lo0") == (
        "set interfaces lo0 unit 0 family inet address 10.255.0.1/32\ndeactivate interfaces lo0\n"
    )
    small.run("deactivate system host-name")
    assert small.output("show system host-name") == "inactive: host-name r1;\n"
    small.run("activate interfaces lo0", "activate system host-name")
    assert small.output("show | compare") == ""


def test_show_compare_marks_a_deactivated_statement_with_bang(small):
    small.run("configure", "deactivate interfaces lo0")
    out = small.output("show | compare")
    assert "-   lo0 {" not in out
    assert any(line.startswith("!") and "inactive: lo0" in line for line in out.splitlines())


def test_annotate(small):
    small.run("configure")
    assert small.run('annotate interfaces ge-0/0/0 "to the ISP"') == (
        '\n[edit]\nlab@r1# annotate interfaces ge-0/0/0 "to the ISP"\n'
    )
    assert small.output("show interfaces").startswith("/* to the ISP */\nge-0/0/0 {\n")
    small.run('annotate interfaces ge-0/0/0 ""')
    assert small.output("show | compare") == ""


def test_show_compare_of_an_annotation_does_not_repeat_the_stanza(small):
    small.run("configure", 'annotate system "hello"')
    out = small.output("show | compare")
    assert "/* hello */" in out
    assert "-      host-name r1;" not in out


def test_rename_copy_insert(cli):
    cli.run(
        "configure",
        "set policy-options policy-statement P1 term a then accept",
        "set policy-options policy-statement P1 term b then reject",
        "set policy-options policy-statement P2 then accept",
    )
    assert cli.run(
        "rename policy-options policy-statement P2 to policy-statement P3",
        "copy policy-options policy-statement P3 to policy-statement P4",
        "insert policy-options policy-statement P1 term b before term a",
        "show policy-options",
    ) == (
        "\n"
        "[edit]\n"
        "lab@r1# rename policy-options policy-statement P2 to policy-statement P3\n"
        "\n"
        "[edit]\n"
        "lab@r1# copy policy-options policy-statement P3 to policy-statement P4\n"
        "\n"
        "[edit]\n"
        "lab@r1# insert policy-options policy-statement P1 term b before term a\n"
        "\n"
        "[edit]\n"
        "lab@r1# show policy-options\n"
        "policy-statement P1 {\n"
        "    term b {\n"
        "        then reject;\n"
        "    }\n"
        "    term a {\n"
        "        then accept;\n"
        "    }\n"
        "}\n"
        "policy-statement P3 {\n"
        "    then accept;\n"
        "}\n"
        "policy-statement P4 {\n"
        "    then accept;\n"
        "}\n"
    )
    cli.run("insert policy-options policy-statement P1 term b after term a")
    assert cli.output("show policy-options policy-statement P1 | display set") == (
        "set policy-options policy-statement P1 term a then accept\n"
        "set policy-options policy-statement P1 term b then reject\n"
    )


def test_rename_inside_an_edit_level(small):
    small.run("configure", "edit interfaces")
    small.run("rename ge-0/0/0 to ge-0/0/5")
    assert small.output("show | display set | match description") == ("set interfaces ge-0/0/5 description uplink\n")


# -- commit --------------------------------------------------------------------------------------------------


def test_commit_check_then_commit(small):
    assert small.run("configure", "set system domain-name example.net", "commit check", "commit") == (
        "\n"
        "lab@r1> configure\n"
        "Entering configuration mode\n"
        "\n"
        "[edit]\n"
        "lab@r1# set system domain-name example.net\n"
        "\n"
        "[edit]\n"
        "lab@r1# commit check\n"
        "configuration check succeeds\n"
        "\n"
        "[edit]\n"
        "lab@r1# commit\n"
        "commit complete\n"
    )
    assert "set system domain-name example.net\n" in active_set(small)


def test_commit_check_changes_nothing(small):
    small.run("configure", "set system domain-name example.net", "commit check")
    assert "domain-name" not in active_set(small)
    assert len(small.device.db.store.records) == 1


def test_commit_comment_shows_in_show_system_commit(small):
    small.run("configure", "set snmp location lab")
    assert small.output('commit comment "first change"') == "commit complete\n"
    assert small.output("run show system commit") == (
        "0   2026-01-01 00:00:00 UTC by lab via cli\n"
        "    first change\n"
        "1   2026-01-01 00:00:00 UTC by root via other\n"
        "    initial configuration\n"
    )


def test_commit_and_quit(small):
    assert small.run("configure", "set snmp location lab", "commit and-quit") == (
        "\n"
        "lab@r1> configure\n"
        "Entering configuration mode\n"
        "\n"
        "[edit]\n"
        "lab@r1# set snmp location lab\n"
        "\n"
        "[edit]\n"
        "lab@r1# commit and-quit\n"
        "commit complete\n"
        "Exiting configuration mode\n"
    )
    assert small.prompt == "\nlab@r1> "


def test_commit_comment_and_quit_in_the_order_netmiko_sends_them(small):
    small.run("configure", "set snmp location lab")
    assert small.output('commit comment "from netmiko" and-quit') == "commit complete\nExiting configuration mode\n"
    assert small.device.db.store.records[0].comment == "from netmiko"


def test_commit_fails_on_a_missing_mandatory_statement(small):
    small.run("configure", "delete system root-authentication")
    assert small.output("commit") == (
        "[edit]\n"
        "  'system'\n"
        "    Missing mandatory statement: 'root-authentication'\n"
        "error: commit failed: (missing mandatory statements)\n"
    )
    assert small.output("commit check") == (
        "[edit]\n"
        "  'system'\n"
        "    Missing mandatory statement: 'root-authentication'\n"
        "error: configuration check-out failed: (missing mandatory statements)\n"
    )
    assert len(small.device.db.store.records) == 1


def test_commit_hostname_changes_the_prompt(cli):
    cli.run("configure", "set system host-name edge1", "commit")
    assert cli.prompt == "\n[edit]\nlab@edge1# "


def test_commit_confirmed_rolls_back_when_not_confirmed(small, clock):
    before = active_set(small)
    assert small.run("configure", "set system host-name r7", "commit confirmed 1") == (
        "\n"
        "lab@r1> configure\n"
        "Entering configuration mode\n"
        "\n"
        "[edit]\n"
        "lab@r1# set system host-name r7\n"
        "\n"
        "[edit]\n"
        "lab@r1# commit confirmed 1\n"
        "commit confirmed will be automatically rolled back in 1 minutes unless confirmed\n"
        "commit complete\n"
    )
    assert small.prompt == "\n# commit confirmed will be rolled back in 1 minute\n[edit]\nlab@r7# "
    assert "set system host-name r7\n" in active_set(small)
    assert small.output("run show system commit").splitlines()[:2] == [
        "0   2026-01-01 00:00:00 UTC by lab via cli",
        "    commit confirmed, rollback in 1m0s",
    ]
    clock.advance(61)
    assert small.io.take() == (
        "\n"
        "\n"
        "Broadcast Message from root@r1\n"
        "        (no tty) at 00:01 UTC...\n"
        "\n"
        "Commit was not confirmed; automatic rollback complete.\n"
        "\n"
    )
    assert active_set(small) == before
    assert small.prompt == "\n[edit]\nlab@r1# "
    assert small.output("run show system commit").splitlines()[:2] == [
        "0   2026-01-01 00:01:00 UTC by root via other",
        "    automatic rollback",
    ]


def test_commit_confirmed_banner_counts_down(small, clock):
    small.run("configure", "set snmp location lab", "commit confirmed 5")
    assert small.prompt == "\n# commit confirmed will be rolled back in 5 minutes\n[edit]\nlab@r1# "
    clock.advance(60)
    assert small.prompt == "\n# commit confirmed will be rolled back in 4 minutes\n[edit]\nlab@r1# "


def test_commit_confirmed_defaults_to_ten_minutes(small):
    small.run("configure", "set snmp location lab")
    assert small.output("commit confirmed").splitlines()[0] == (
        "commit confirmed will be automatically rolled back in 10 minutes unless confirmed"
    )


@pytest.mark.parametrize("confirm", ["commit", "commit check"])
def test_commit_or_commit_check_confirms(small, clock, confirm):
    small.run("configure", "set snmp location lab", "commit confirmed 1", confirm)
    clock.advance(120)
    assert "Broadcast" not in small.io.take()
    assert "set snmp location lab\n" in active_set(small)


def test_commit_confirmed_rollback_reaches_other_sessions(small, session_on, clock):
    other = session_on(small.device, "bob")
    small.run("configure", "set snmp location lab", "commit confirmed 1")
    clock.advance(61)
    assert "Commit was not confirmed; automatic rollback complete." in other.io.take()


def test_commit_confirmed_then_lab_wait_from_configuration_mode(small):
    small.run("configure", "set snmp location lab", "commit confirmed 1")
    out = small.output("run request lab wait 61")
    assert out == (
        "\n"
        "\n"
        "Broadcast Message from root@r1\n"
        "        (no tty) at 00:01 UTC...\n"
        "\n"
        "Commit was not confirmed; automatic rollback complete.\n"
        "\n"
        "Lab time: 2026-01-01 00:01:01 UTC\n"
    )
    assert "snmp" not in active_set(small)


# -- rollback ------------------------------------------------------------------------------------------------


def test_rollback_loads_a_previous_configuration(small):
    small.run("configure", "set system host-name r2", "commit", "set snmp location lab", "commit")
    assert small.run("rollback 2") == "\n[edit]\nlab@r2# rollback 2\nload complete\n"
    assert small.output("show | compare") == (
        "[edit system]\n-   host-name r2;\n+   host-name r1;\n[edit]\n-  snmp {\n-      location lab;\n-  }\n"
    )
    assert small.output("commit") == "commit complete\n"
    assert small.prompt.endswith("lab@r1# ")


def test_rollback_0_discards_changes(small):
    small.run("configure", "delete interfaces", "set system domain-name x.example")
    assert small.output("rollback 0") == "load complete\n"
    assert small.output("show | compare") == ""
    assert small.output("rollback") == "load complete\n"


def test_rollback_that_does_not_exist(small):
    small.run("configure")
    assert small.output("rollback 3") == "error: rollback 3 does not exist\n"


# -- exit with uncommitted changes ---------------------------------------------------------------------------


def test_exit_with_uncommitted_changes_answer_yes(small):
    small.run("configure", "set snmp location lab")
    assert small.run("exit", answers=["yes"]) == (
        "\n"
        "[edit]\n"
        "lab@r1# exit\n"
        "The configuration has been changed but not committed\n"
        "Exit with uncommitted changes? [yes,no] (yes) yes\n"
        "Exiting configuration mode\n"
    )
    assert small.session.mode == "operational"
    # The shared candidate keeps the change: the next `configure` says so.
    assert small.output("configure") == (
        "Entering configuration mode\nThe configuration has been changed but not committed\n"
    )


def test_exit_with_uncommitted_changes_answer_no(small):
    small.run("configure", "set snmp location lab")
    assert small.run("exit", answers=["no"]) == (
        "\n"
        "[edit]\n"
        "lab@r1# exit\n"
        "The configuration has been changed but not committed\n"
        "Exit with uncommitted changes? [yes,no] (yes) no\n"
    )
    assert small.session.mode == "configuration"
    assert small.prompt == "\n[edit]\nlab@r1# "


def test_exit_question_defaults_to_yes(small):
    small.run("configure", "set snmp location lab")
    assert small.output("exit").endswith("Exit with uncommitted changes? [yes,no] (yes) \nExiting configuration mode\n")


# -- load and save -------------------------------------------------------------------------------------------


def test_load_merge_terminal(small):
    small.run("configure")
    out = small.run("load merge terminal", answers=["snmp {\n    location lab;\n}\nsystem {\n    host-name r3;\n}\n"])
    assert out == "\n[edit]\nlab@r1# load merge terminal\n[Type ^D at a new line to end input]\nload complete\n"
    assert small.output("show | compare") == (
        "[edit system]\n-   host-name r1;\n+   host-name r3;\n[edit]\n+  snmp {\n+      location lab;\n+  }\n"
    )


def test_load_merge_terminal_relative(small):
    small.run("configure", "edit interfaces")
    small.run("load merge terminal relative", answers=["ge-0/0/1 {\n    description second;\n}\n"])
    # The new entry goes last; the entry before it is shown as context, as Junos does.
    assert small.output("show | compare") == (
        "[edit interfaces]\n  lo0 { ... }\n+ ge-0/0/1 {\n+     description second;\n+ }\n"
    )


def test_load_merge_terminal_with_an_error(small):
    small.run("configure")
    text = "interfaces {\n    ge-0/0/3 {\n        mtu 99999999;\n    }\n}\n"
    out = small.output("load merge terminal", answers=[text])
    lines = out.splitlines()
    assert lines[0] == "[Type ^D at a new line to end input]"
    # Curly errors name the column where the offending word ends (dut capture: `terminal:4:(18)`).
    assert lines[1] == "terminal:3:(20) number: '99999999': Value must be a number from 256 to 9216 at '99999999'"
    assert lines[2:5] == [
        "  [edit interfaces ge-0/0/3]",
        "    'mtu 99999999;'",
        "      number: '99999999': Value must be a number from 256 to 9216 at '99999999'",
    ]
    assert lines[-1] == "load complete (1 errors)"


def test_load_set_terminal_with_an_error_line(small):
    small.run("configure")
    text = "set system host-name r2\nset system bogus 1\nset snmp location lab\n"
    assert small.run("load set terminal", answers=[text]) == (
        "\n"
        "[edit]\n"
        "lab@r1# load set terminal\n"
        "[Type ^D at a new line to end input]\n"
        "terminal:2:(11) syntax error: bogus\n"
        "load complete\n"
    )
    assert small.output("show | compare") == (
        "[edit system]\n-   host-name r1;\n+   host-name r2;\n[edit]\n+  snmp {\n+      location lab;\n+  }\n"
    )


def test_load_set_terminal_caret_column_as_in_the_dut_capture(cli):
    """`terminal:1:(36) syntax error: metric` (verbatim in load_terminal__errors_and_warning__dut.txt)."""
    cli.run("configure")
    out = cli.output("load set terminal", answers=["set protocols ospf topology default metric 65450\n"])
    assert out == "[Type ^D at a new line to end input]\nterminal:1:(36) syntax error: metric\nload complete\n"


def test_save_then_load_override_file(small):
    small.run("configure", "set snmp location lab")
    assert small.output("save lab.conf") == "Wrote 35 lines of configuration to 'lab.conf'\n"
    small.run("rollback 0")
    assert small.output("run file list") == "/var/home/lab/:\nlab.conf\n"
    assert small.output("load override lab.conf") == "load complete\n"
    assert small.output("show | compare") == "[edit]\n+  snmp {\n+      location lab;\n+  }\n"
    assert small.output("load override nothere.conf") == "error: Could not open configuration file: nothere.conf\n"


def test_save_at_an_edit_level_saves_that_level(small):
    small.run("configure", "edit routing-options")
    assert small.output("save ro.conf") == "Wrote 3 lines of configuration to 'ro.conf'\n"
    assert small.output("run file show ro.conf") == "static {\n    route 0.0.0.0/0 next-hop 192.0.2.254;\n}\n"


def test_load_override_replaces_everything(small):
    small.run("configure")
    text = (
        "system {\n"
        "    host-name lean;\n"
        "    root-authentication {\n"
        '        encrypted-password "$6$salt$hash";\n'
        "    }\n"
        "}\n"
    )
    small.output("load override terminal", answers=[text])
    assert small.output("show | display set") == (
        'set system host-name lean\nset system root-authentication encrypted-password "$6$salt$hash"\n'
    )
    assert small.output("commit") == "commit complete\n"


PATCH = """\
[edit system]
-   host-name r1;
+   host-name r9;
[edit]
+  snmp {
+      location lab;
+  }
"""


def test_load_patch_terminal(small):
    small.run("configure")
    assert small.output("load patch terminal", answers=[PATCH]) == (
        "[Type ^D at a new line to end input]\nload complete\n"
    )
    assert small.output("show | compare") == PATCH


def test_load_patch_file_from_a_saved_compare(small):
    small.run("configure", "set system host-name r9", "set snmp location lab", "show | compare | save p.diff")
    small.run("rollback 0")
    assert small.output("load patch p.diff") == "load complete\n"
    assert small.output("show | compare") == PATCH


# -- run, wait -----------------------------------------------------------------------------------------------


def test_run_an_operational_command(small):
    assert small.run("configure", "run show version | match Hostname") == (
        "\n"
        "lab@r1> configure\n"
        "Entering configuration mode\n"
        "\n"
        "[edit]\n"
        "lab@r1# run show version | match Hostname\n"
        "Hostname: r1\n"
    )
    assert small.output("run show configuration system services") == "ssh;\n"
    assert small.output("run show lab clock") == (
        "Lab time: 2026-01-01 00:00:00 UTC (clock: virtual, 0.000 s since start)\n"
    )


def test_run_sees_the_active_configuration_not_the_candidate(small):
    small.run("configure", "set snmp location lab")
    assert "snmp" not in small.output("run show configuration")
    assert "snmp" in small.output("show")


def test_request_lab_wait_in_configuration_mode(small, clock):
    assert small.output("configure") == "Entering configuration mode\n"
    assert small.output("run request lab wait 5m") == "Lab time: 2026-01-01 00:05:00 UTC\n"
    assert clock.now() == 300


# -- the candidate stays coherent ----------------------------------------------------------------------------


def test_errors_leave_the_candidate_alone(small):
    small.run("configure", "set snmp location lab")
    before = small.session.candidate.root
    small.run(
        "set system bogus",
        "set interfaces ge-0/0/0 unit 0 family inet address 300.1.1.1/24",
        "delete nothing here",
        "deactivate foo",
        "rename system host-name",
        "edit system host-name",
        "load merge nothere.conf",
        "rollback 40",
        "commit foo",
        "set",
        "|",
        'set system host-name "unterminated',
    )
    assert trees_equal(small.session.candidate.root, before)


def test_configure_exclusive_locks_the_candidate_against_other_editors(cli, session_on):
    cli.run("configure exclusive")
    bob = session_on(cli.device, "bob")
    bob.run("configure")
    locked = (
        "error: configuration database locked by:\n"
        "  lab terminal pts/0 (pid 1) on since 2026-01-01 00:00:00 UTC, idle 00:00:00\n"
        "      exclusive [edit]\n"
    )
    for line in ("set system domain-name bob.example", "delete system services", "rollback 0", "load merge x.conf"):
        assert bob.output(line) == locked, line
    assert bob.output("show system host-name") == "host-name r1;\n"  # looking is fine
    cli.run("set system domain-name lab.example")
    assert bob.output("show system domain-name") == "domain-name lab.example;\n"
    cli.run("commit and-quit")
    assert bob.output("set system domain-name bob.example") == ""  # the lock went with lab
