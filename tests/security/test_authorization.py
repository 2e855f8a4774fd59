"""One authorization point for configuration changes (issue 9, point 2).

Every way to change a candidate is tried by classes that may change only part of
the configuration: `copy`, `rename`, `insert`, `annotate`, `deactivate`, every
`load` variant, `rollback N`, `replace pattern`, `wildcard delete`, `delete` at a
level, NETCONF `<edit-config>` and `<load-configuration>` (text, set, xml), and a
commit of a shared candidate a super-user filled. Each is refused with Junos text,
leaves the candidate as it was and never reaches the active configuration; the
same command within the class's rights goes through. Then the command rules:
allow-/deny-commands for `run`, pipes and NETCONF `<command>` and RPCs.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import trio
import trio.testing

from nos.cli.io import BufferIO
from nos.config.load import parse_set
from nos.config.path import entry_words
from nos.config.render import curly_text
from nos.config.tree import ConfigTree
from nos.net.netconf import NetconfSession
from nos.net.netconf.xml import BASE_NS, local
from nos.runtime import authorize
from nos.runtime.accounts import Rights, rights_for
from nos.runtime.authorize import Refused, authorized_edit, changed_statements, unauthorized_changes, words
from nos.runtime.device import Device
from nos.runtime.passwords import sha512_crypt
from nos.runtime.patterns import compile_user_regex

HASH = sha512_crypt("pw", "authzauthzauthzz")
DENIED = "error: permission denied"

CONFIG = f"""
system {{
    host-name r1;
    root-authentication {{ encrypted-password "{HASH}"; }}
    login {{
        class ifonly {{ permissions [ view configure interface-control ]; }}
        class ifroll {{ permissions [ view configure interface-control rollback ]; }}
        class descs {{ permissions [ view configure ]; allow-configuration "interfaces .* description"; }}
        class allbut {{ permissions all; deny-configuration "system login"; }}
        class nosave {{
            permissions [ view configure interface-control network ];
            deny-commands "(^show log)|(^save)|(^show configuration)|(^show version)|(^ping)";
        }}
        user admin {{ uid 2001; class super-user; authentication {{ encrypted-password "{HASH}"; }} }}
        user ifo {{ uid 2002; class ifonly; }}
        user roll {{ uid 2003; class ifroll; }}
        user desc {{ uid 2004; class descs; }}
        user most {{ uid 2005; class allbut; }}
        user noc {{ uid 2006; class nosave; }}
    }}
    services {{ ssh; }}
}}
interfaces {{
    ge-0/0/1 {{ description uplink; }}
    ge-0/0/2 {{ description spare; }}
}}
policy-options {{
    policy-statement P1 {{
        term a {{ then accept; }}
        term b {{ then reject; }}
    }}
}}
"""


class Lab:
    """A device with the classes above; `as_user` opens a CLI session of one of its users."""

    def __init__(self, device: Device, cli_type: type):
        self.device = device
        self.cli_type = cli_type

    def as_user(self, user: str, *, configure: str = "configure"):  # type: ignore[no-untyped-def]
        cli = self.cli_type(self.device, user)
        if configure:
            assert "Entering configuration mode" in cli.output(configure)
        return cli

    @property
    def active_text(self) -> str:
        return curly_text(self.device.db.active)

    @property
    def shared_text(self) -> str:
        return curly_text(self.device.db.shared.root)


@pytest.fixture
def lab(schema, clock, tmp_path, cli) -> Lab:  # type: ignore[no-untyped-def]
    device = Device(schema, clock, hostname="r1", state_dir=tmp_path / "authz", initial_config=CONFIG)
    return Lab(device, type(cli))


def refused(lab: Lab, user: str, *lines: str, answers: list[str] | None = None, configure: str = "configure") -> str:
    """Run `lines` as `user`; the last must be refused and leave the candidate and the active config as they were."""
    session = lab.as_user(user, configure=configure)
    for line in lines[:-1]:
        session.output(line, answers=answers)
    candidate, active = curly_text(session.session.candidate.root), lab.active_text
    out = session.output(lines[-1], answers=answers)
    assert out.endswith(DENIED + "\n"), out
    assert curly_text(session.session.candidate.root) == candidate, lines
    assert lab.active_text == active
    return out


def accepted(lab: Lab, user: str, *lines: str, answers: list[str] | None = None) -> str:
    session = lab.as_user(user)
    out = ""
    for line in lines:
        out = session.output(line, answers=answers)
        assert DENIED not in out, (line, out)
    assert "commit complete" in session.output("commit"), lines
    return out


# -- each editing command, in and out of the class's rights ---------------------------------------


def test_copy_and_rename_are_judged_by_what_they_create_and_remove(lab):
    refused(lab, "ifo", "copy system login user admin to user mallory")
    refused(lab, "most", "copy system login user admin to user mallory")
    refused(lab, "most", "rename system login user admin to user mallory")
    refused(lab, "ifo", "rename policy-options policy-statement P1 to policy-statement P9")
    accepted(lab, "ifo", "copy interfaces ge-0/0/1 to ge-0/0/9")
    assert "ge-0/0/9" in lab.active_text


def test_insert_annotate_and_deactivate(lab):
    refused(lab, "ifo", "insert policy-options policy-statement P1 term b before term a")
    refused(lab, "ifo", 'annotate system "pwned"')
    refused(lab, "ifo", "deactivate system services ssh")
    refused(lab, "most", "deactivate system login")
    accepted(lab, "ifo", 'annotate interfaces ge-0/0/1 "ok"', "deactivate interfaces ge-0/0/2")
    assert "inactive: ge-0/0/2" in lab.active_text


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("merge", "system { host-name evil; }"),
        ("replace", "system { replace: services { ssh; telnet; } }"),
        ("override", "interfaces { ge-0/0/1 { description uplink; } }"),  # drops all of `system`
        ("set", "set interfaces ge-0/0/2 description x\nset system login user mallory class super-user"),
        ("patch", "[edit system]\n-  host-name r1;\n+  host-name evil;"),
        ("update", "system { host-name evil; }"),
    ],
)
def test_every_load_terminal(lab, kind, text):
    refused(lab, "ifo", f"load {kind} terminal", answers=[text])


def test_a_load_within_the_class_goes_through(lab):
    accepted(lab, "ifo", "load merge terminal", answers=["interfaces { ge-0/0/3 { description new; } }"])
    accepted(lab, "desc", "load set terminal", answers=["set interfaces ge-0/0/1 description renamed"])
    assert "ge-0/0/3" in lab.active_text and "description renamed;" in lab.active_text
    refused(lab, "desc", "load set terminal", answers=["set interfaces ge-0/0/1 disable"])


def test_rollback_n_is_judged_by_what_it_changes(lab):
    admin = lab.as_user("admin")
    admin.output("set system host-name r2")
    admin.output("commit")
    refused(lab, "ifo", "rollback 1")  # no `rollback` flag: refused before looking
    refused(lab, "roll", "rollback 1")  # would put host-name back: system-control needed
    admin.output("set interfaces ge-0/0/2 description moved")
    admin.output("commit")
    accepted(lab, "roll", "rollback 1")  # only an interface differs
    assert "description spare;" in lab.active_text and "host-name r2;" in lab.active_text


def test_replace_pattern_wildcard_delete_and_delete_at_a_level(lab):
    refused(lab, "ifo", "replace pattern r1 with evil")
    refused(lab, "most", "wildcard delete system login user a.*", answers=["yes"])
    refused(lab, "most", "edit system", "delete", answers=["yes"])
    refused(lab, "ifo", "edit system services", "delete", answers=["yes"])
    accepted(lab, "ifo", "edit interfaces ge-0/0/2", "delete", answers=["yes"])


def test_all_with_deny_configuration_edits_everything_but_what_is_denied(lab):
    out = refused(lab, "most", "set system login user mallory class super-user")
    assert out == DENIED + "\n"
    refused(lab, "most", "load merge terminal", answers=["system { login { user mallory { class super-user; } } }"])
    accepted(lab, "most", "set system host-name r5", "set snmp community public")
    assert "host-name r5;" in lab.active_text


def test_a_prompt_is_refused_before_it_is_asked(lab):
    ifo = lab.as_user("ifo")
    out = ifo.output("set system login user mallory authentication plain-text-password", answers=["secret1"] * 2)
    assert out == DENIED + "\n"  # no "New password:" first


def test_a_commit_never_activates_what_the_committer_may_not_change(lab):
    admin = lab.as_user("admin")
    admin.output("set system host-name evil")  # left in the shared candidate, uncommitted
    ifo = lab.as_user("ifo")
    ifo.output("set interfaces ge-0/0/2 description mine")
    for line in ("commit check", "commit", "commit confirmed 5", "commit and-quit"):
        out = ifo.output(line)
        assert out == "[edit system]\n  'host-name'\n    permission denied\nerror: configuration check-out failed\n"
    assert lab.device.hostname == "r1" and "host-name r1;" in lab.active_text
    assert "commit complete" in admin.output("commit")  # the owner of the change may commit it
    assert lab.device.hostname == "evil" and "description mine;" in lab.active_text


def test_a_private_candidate_commits_only_what_its_user_changed(lab):
    admin = lab.as_user("admin", configure="configure private")
    ifo = lab.as_user("ifo", configure="configure private")
    admin.output("set system host-name evil")
    assert "commit complete" in admin.output("commit")
    ifo.output("set interfaces ge-0/0/2 description mine")  # its base predates the admin's commit
    assert "commit complete" in ifo.output("commit")
    assert "host-name evil;" in lab.active_text and "description mine;" in lab.active_text


def test_waiting_for_input_does_not_count_other_sessions_changes(lab):
    """A shared candidate changed by an administrator while `load terminal` waits for its text:
    that change is neither judged as the loader's nor undone when the loader is refused."""
    admin = lab.as_user("admin")
    ifo = lab.as_user("ifo")

    class Typing(BufferIO):
        """The loader's text arrives once `typed` is set."""

        def __init__(self, text: str):
            super().__init__()
            self.text, self.typed = text, trio.Event()

        async def read_block(self) -> str | None:
            await self.typed.wait()
            return self.text

    async def load_while_admin_edits(text: str, admin_line: str) -> str:
        ifo.session.io = io = Typing(text)
        async with trio.open_nursery() as nursery:
            nursery.start_soon(ifo.session.execute, "load merge terminal")
            await trio.testing.wait_all_tasks_blocked()
            await admin.session.execute(admin_line)
            io.typed.set()
        return io.take()

    out = trio.run(load_while_admin_edits, "interfaces { ge-0/0/3 { description ok; } }", "set system host-name busy")
    assert "load complete" in out
    out = trio.run(load_while_admin_edits, "snmp;", "set system domain-name example.net")
    assert DENIED in out
    assert "host-name busy;" in lab.shared_text and "domain-name example.net;" in lab.shared_text
    assert "ge-0/0/3" in lab.shared_text and "snmp" not in lab.shared_text


def test_a_change_made_before_a_wait_is_still_judged(lab, schema):
    """Only a command that has changed nothing yet starts again when it wakes: a change made
    before waiting cannot be laundered by the wait."""
    tree = lab.device.db.new_candidate()
    before = curly_text(tree.root)

    async def change_then_wait() -> None:
        parse_set(tree, "set system host-name evil", source="test")
        await trio.sleep(0)

    with pytest.raises(Refused), authorized_edit(rights_for(lab.device.db.active, "ifo"), tree) as guard:
        trio.run(guard.watch, change_then_wait())
    assert curly_text(tree.root) == before


def test_a_command_cancelled_while_it_waits_changes_nothing_and_the_session_goes_on(lab):
    ifo = lab.as_user("ifo")

    class Forever(BufferIO):
        async def read_block(self) -> str | None:
            await trio.sleep_forever()
            return None

    async def cancel_the_load() -> None:
        ifo.session.io = Forever()
        scope = trio.CancelScope()

        async def load() -> None:
            with scope:
                await ifo.session.execute("load merge terminal")

        async with trio.open_nursery() as nursery:
            nursery.start_soon(load)
            await trio.testing.wait_all_tasks_blocked()
            scope.cancel()

    before = lab.shared_text
    trio.run(cancel_the_load)
    assert lab.shared_text == before
    ifo.session.io = ifo.io
    assert ifo.output("set interfaces ge-0/0/2 description after") == ""


# -- NETCONF ---------------------------------------------------------------------------------------------

NS = {"nc": BASE_NS}


class Nc:
    def __init__(self, device: Device, user: str):
        self.device = device
        self.session = NetconfSession(device, user, send=lambda _: None, rights=rights_for(device.db.active, user))

    def rpc(self, body: str) -> ET.Element:
        return ET.fromstring(trio.run(self.session.answer, f'<rpc message-id="1" xmlns="{BASE_NS}">{body}</rpc>'))

    def errors(self, body: str) -> list[dict[str, str]]:
        out = []
        for e in self.rpc(body).findall("nc:rpc-error", NS):
            fields = {local(c.tag): (c.text or "") for c in e if local(c.tag) != "error-info"}
            bad = e.find("nc:error-info/nc:bad-element", NS)
            fields["bad-element"] = bad.text if bad is not None else ""
            out.append(fields)
        return out


def load(body: str, action: str = "merge", fmt: str = "text") -> str:
    return f'<load-configuration action="{action}" format="{fmt}">{body}</load-configuration>'


NETCONF_EDITS = [
    load("<configuration-text>system { host-name evil; }</configuration-text>"),
    load("<configuration-text>interfaces { ge-0/0/1 { description x; } }</configuration-text>", "override"),
    load("<configuration-set>set system services telnet</configuration-set>", "set"),
    load("<configuration><system><host-name>evil</host-name></system></configuration>", fmt="xml"),
    load("<configuration><interfaces/></configuration>", "override", "xml"),
    "<edit-config><target><candidate/></target><config><configuration><system><host-name>evil</host-name>"
    "</system></configuration></config></edit-config>",
    '<load-configuration rollback="1"/>',
]


@pytest.mark.parametrize("body", NETCONF_EDITS)
def test_netconf_edits_are_judged_like_the_cli(lab, body):
    admin = lab.as_user("admin")
    admin.output("set system host-name r2")
    admin.output("commit")
    admin.output("exit")
    before, active = lab.shared_text, lab.active_text
    nc = Nc(lab.device, "roll")
    (error,) = nc.errors(body)
    assert (error["error-tag"], error["error-message"]) == ("access-denied", "permission denied"), error
    assert error["error-path"].startswith("[edit")
    assert lab.shared_text == before
    nc.errors("<commit-configuration/>")
    assert lab.active_text == active


def test_netconf_loads_within_the_class_and_a_commit_of_another_users_change(lab):
    nc = Nc(lab.device, "ifo")
    assert not nc.errors(load("<configuration-set>set interfaces ge-0/0/2 description nc</configuration-set>", "set"))
    admin = lab.as_user("admin")
    admin.output("set system host-name evil")
    (error,) = nc.errors("<commit-configuration/>")
    assert (error["error-tag"], error["error-path"], error["bad-element"]) == (
        "access-denied",
        "[edit system]",
        "host-name",
    )
    assert lab.device.hostname == "r1"
    admin.output("delete system host-name")
    admin.output("set system host-name r1")
    assert not nc.errors("<commit-configuration/>")
    assert "description nc;" in lab.active_text


def test_netconf_commands_and_rpcs_obey_allow_and_deny_commands(lab):
    nc = Nc(lab.device, "noc")
    for body in (
        '<command format="text">show log messages</command>',
        '<command format="text">show system users | save x</command>',
        "<command>show version</command>",
        "<get-software-information/>",
        '<get-configuration format="text"/>',
        "<get-config><source><running/></source></get-config>",
    ):
        assert nc.errors(body), body
    assert not nc.errors('<command format="text">show system users | count</command>')


# -- commands: run, pipes ------------------------------------------------------------------------------------


def test_run_and_pipes_obey_allow_and_deny_commands(lab):
    noc = lab.as_user("noc", configure="")
    assert "unknown command." in noc.output("show log messages")
    assert noc.output("show interfaces terse | save /var/tmp/x").endswith("syntax error, expecting <command>.\n")
    assert noc.output("show system users | no-more | count").startswith("Count: ")
    noc.output("configure")
    assert "unknown command." in noc.output("run show log messages")
    assert "unknown command." in noc.output("run ping 10.0.0.1 count 1")
    assert noc.output("run show interfaces terse | save x").endswith("syntax error, expecting <command>.\n")
    assert not lab.device.fs.root.joinpath("var/home/noc/x").exists()


# -- the change walker --------------------------------------------------------------------------------------


def test_changes_are_named_by_statement_and_found_without_walking_what_is_shared(lab, schema):
    db = lab.device.db
    tree = ConfigTree(schema.root, db.active)
    tree.freeze()
    admin = lab.as_user("admin")
    base = db.shared.root
    for line in (
        "set interfaces ge-0/0/1 description changed",
        "set system login user bob class ifonly",
        "insert policy-options policy-statement P1 term b before term a",
        "deactivate system services",
    ):
        admin.output(line)
    statement_by_statement = Rights("x", frozenset(), allow_configuration=compile_user_regex("^$"))  # never settled
    found = sorted(
        " ".join(words(path)) for path, _ in changed_statements(statement_by_statement, base, db.shared.root)
    )
    assert found == [
        "interfaces ge-0/0/1 description changed",  # a changed leaf: its old and its new statement
        "interfaces ge-0/0/1 description uplink",
        "policy-options policy-statement P1 term a",  # `insert`: the entries whose place changed
        "policy-options policy-statement P1 term b",
        "system login user bob class ifonly",
        "system services",  # deactivated
    ]
    ifo = rights_for(db.active, "ifo")
    refused = [" ".join(words(p)) for p in unauthorized_changes(ifo, base, db.shared.root)]
    # Settled by flags a word or two from the top: nothing below them is walked.
    assert sorted(refused) == ["policy-options", "system login", "system services"]


def test_a_change_to_a_big_configuration_is_judged_without_walking_it(schema, monkeypatch):
    """30,000 list entries, one changed: the judge looks at that one entry and its path only.
    (Timed on a 100,000-line configuration by tests/bench/bench_authorize.py.)"""
    tree = ConfigTree(schema.root)
    text = "\n".join(f"set policy-options prefix-list PL{i} 10.{i >> 8 & 255}.{i & 255}.0/24" for i in range(30_000))
    assert not parse_set(tree, text, source="test").errors
    base = tree.freeze()
    assert not parse_set(tree, "set policy-options prefix-list PL5 192.0.2.0/24", source="test").errors
    looked_at: list[tuple[str, ...]] = []

    def counted(lst, key):  # type: ignore[no-untyped-def]
        looked_at.append(key)
        return entry_words(lst, key)

    monkeypatch.setattr(authorize, "entry_words", counted)
    desc = Rights(
        "descs", frozenset({"configure"}), allow_configuration=compile_user_regex("interfaces .* description")
    )
    refused = unauthorized_changes(desc, base, tree.root)
    assert [" ".join(words(p)) for p in refused] == ["policy-options prefix-list PL5 192.0.2.0/24"]
    assert looked_at == [("PL5",), ("192.0.2.0/24",)]  # the changed entry and the new one inside it
