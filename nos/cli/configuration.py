"""Configuration-mode commands (`user@host# `): editing, showing, committing, loading."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from typing import Any

import trio

from nos.cli.commands import Command
from nos.cli.files import user_files
from nos.cli.pipes import Pipeline
from nos.cli.session import CliError, CliSession
from nos.config.diff import diff_lines
from nos.config.edit import (
    EditError,
    annotate_words,
    delete_path,
    find,
    insert_words,
    rename_words,
    set_flag,
    set_path,
)
from nos.config.groups import expand
from nos.config.load import LoadReport, parse_curly, parse_curly_steps, parse_set_steps
from nos.config.path import PathError, Step, depth, path_text, path_words, walk
from nos.config.render import RenderOptions, curly_lines, json_lines, leaf_line, render_child, set_lines
from nos.config.tree import ConfigTree, Leaf, ListNode, Node
from nos.runtime.authorize import commit_refusal, commit_refusal_lines
from nos.runtime.clock import format_time
from nos.runtime.filesystem import FileError
from nos.runtime.passwords import sha512_crypt
from nos.runtime.patterns import BadPattern, compile_user_regex
from nos.runtime.structured import JUNOS
from nos.schema.model import LEAF, LIST

# -- showing configuration (shared with operational `show configuration`) ---------------------------


async def _off_thread(render: Callable[..., list[str] | Node], *args: object) -> Any:
    """Run a pure renderer on a worker thread: a 100,000-line configuration takes a good part of a
    second to render, and the other sessions on the Trio thread go on meanwhile. What it reads must
    not change under it: frozen configurations only (edits copy what they touch, never change them)."""
    return await trio.to_thread.run_sync(render, *args, abandon_on_cancel=True)


async def render_config(
    session: CliSession,
    root: Node,
    steps: list[Step],
    pipeline: Pipeline,
    *,
    compare_base: Node | None,
    header: list[str],
    edit: list[Step] | None = None,
) -> list[str]:
    """Render the part of `root` (frozen) that `steps` names, as the pipes ask (set, json, compare...)."""
    edit = edit or []
    full = edit + steps
    opts = RenderOptions(secrets=session.rights.sees_secrets)  # `## SECRET-DATA` for classes without `secret`
    compare = pipeline.wants("compare")
    if compare is not None:
        index = int(compare.value("rollback") or 0)
        other_file = compare.value("file")
        if other_file:
            old_root = _read_config_file(session, other_file)
        elif compare.args.get("rollback") is None and compare_base is not None:
            old_root = compare_base
        else:
            old_root = session.device.db.rollback(index)
            if old_root is None:
                raise CliError(f"error: {session.device.db.rollback_error(index)}")
        old = find(old_root, full) if full else old_root
        new = find(root, full) if full else root
        if isinstance(old, Leaf) or isinstance(new, Leaf):
            return _leaf_diff(old, new, path_words(edit), opts)
        return await _off_thread(
            diff_lines,
            old if isinstance(old, Node) else None,
            new if isinstance(new, Node) else None,
            path_words(full),
            depth(full),
            depth(edit),
            opts,
        )
    if pipeline.wants("display-inheritance"):
        root = await _off_thread(expand, root)
        opts.inheritance = True
    max_depth = pipeline.wants("display-max-depth")
    if max_depth is not None:
        opts.max_depth = int(max_depth.value("max-depth") or 1)
    target = find(root, full) if full else root
    if target is None:
        return []
    display_set = pipeline.wants("display-set")
    if display_set is not None:
        relative = display_set.flag("relative")
        prefix = "set" if relative else ("set " + path_text(full) if full else "set")
        if isinstance(target, Node):
            if relative:
                prefix = "set" + (" " + path_text(steps) if steps else "")
            return await _off_thread(set_lines, target, prefix, opts)
        holder = Node(root.schema)
        holder.children[full[-1].schema.name] = target
        parent = "set" + (" " + path_text(full[:-1]) if full[:-1] else "")
        return await _off_thread(set_lines, holder, parent, opts)
    if pipeline.wants("display-xml"):
        attributes = session.device.db.commit_attributes()
        return await _off_thread(_xml_lines, _along_path(root, full, target), attributes, opts.secrets)
    if pipeline.wants("display-json"):
        attributes = session.device.db.commit_attributes()
        return await _off_thread(json_lines, _along_path(root, full, target), attributes, opts)
    if isinstance(target, Node):
        lines = list(await _off_thread(curly_lines, target, opts))
        if not full:
            lines = header + lines
        return lines
    return render_child(target, opts)


def _xml_lines(tree: Node, attributes: dict[str, str], secrets: bool) -> list[str]:
    """`show configuration | display xml`: `<configuration>` with the last commit's attributes, one
    to a line, and its statements indented as Junos indents them (four spaces more than their depth)."""
    from nos.net.netconf.configxml import to_xml  # the XML form NETCONF serves, here for the CLI

    config = to_xml(tree, secrets=secrets)
    ET.indent(config, space="    ")
    head = "    <configuration"
    pad = " " * len(head)
    attrs = [f'{k}="{v}"' for k, v in attributes.items()]
    opening = [head + (" " + attrs[0] if attrs else "")] + [f"{pad} {a}" for a in attrs[1:]]
    opening[-1] += ">"
    lines = ET.tostring(config, encoding="unicode").split("\n")
    body = ["        " + line.replace(" />", "/>") for line in lines[1:-1]]  # depth 1 at 12 spaces
    return [
        f'<rpc-reply xmlns:junos="{JUNOS}">',
        *opening,
        *body,
        "    </configuration>",
        "    <cli>",
        "        <banner></banner>",
        "    </cli>",
        "</rpc-reply>",
    ]


def _along_path(root: Node, full: list[Step], target: Node | ListNode | Leaf) -> Node:
    """A tree holding only `target`, under copies of the statements that enclose it.

    Junos JSON (like its XML) always starts at `configuration` and names every
    enclosing statement, whatever part of the configuration is shown.
    """
    if not full and isinstance(target, Node):
        return target
    top = Node(root.schema)
    parent = top
    for i, step in enumerate(full):
        last = i == len(full) - 1
        name = step.schema.name
        if last and not isinstance(target, Node):
            parent.children[name] = target
            break
        node = target if last and isinstance(target, Node) else Node(step.schema)
        if step.schema.kind == LIST and step.key is not None:
            holder = ListNode(step.schema)
            holder.entries[step.key] = node
            parent.children[name] = holder
        else:
            parent.children[name] = node
        parent = node
    return top


def _leaf_diff(old: object, new: object, path: list[str], opts: RenderOptions) -> list[str]:
    out = []
    if old == new or (isinstance(old, Leaf) and isinstance(new, Leaf) and old.same(new)):
        return []
    out.append("[edit" + (" " + " ".join(path) if path else "") + "]")
    if isinstance(old, Leaf):
        out.append("-  " + leaf_line(old, opts))
    if isinstance(new, Leaf):
        out.append("+  " + leaf_line(new, opts))
    return out


fmt_time = format_time


def _read_config_file(session: CliSession, name: str) -> Node:
    """`| compare FILE`: a configuration file from the device's files, read as this login may."""
    try:
        text = user_files(session).read_text(name)
    except FileError as exc:
        raise CliError(f"error: could not open file: {name}" if exc.missing else exc.message) from None
    tree = ConfigTree(session.schema.root)
    parse_curly(tree, text, source=name)
    return tree.freeze()


# -- editing ---------------------------------------------------------------------------------------


def _candidate(session: CliSession) -> ConfigTree:
    assert session.candidate is not None
    return session.candidate


async def do_set(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    if not cmd.rest:
        raise session.path_error(cmd, PathError(0, "missing argument"))
    steps = session.config_steps(cmd, values=True)
    steps = await _passwords(session, steps)
    if steps is None:
        return None
    try:
        set_path(_candidate(session), session.edit + steps)
    except EditError as exc:
        raise CliError(f"error: {exc}") from None
    return None


async def _passwords(session: CliSession, steps: list[Step]) -> list[Step] | None:
    """`plain-text-password` asks for the password twice and stores its `$6$` hash."""
    last = steps[-1]
    if last.schema.name != "plain-text-password" or last.schema.kind != LEAF:
        return steps
    first = await session.io.read_secret("New password:")
    if first is None:
        return None
    second = await session.io.read_secret("Retype new password:")
    if first != second:
        raise CliError("error: Passwords are not equal")
    if len(first) < 6:
        raise CliError("error: minimum password length is 6")
    parent = session.level_schema if len(steps) == 1 else steps[-2].schema
    encrypted = parent.lookup.get("encrypted-password")
    if encrypted is None:
        return steps
    return steps[:-1] + [Step(encrypted, value=sha512_crypt(first))]


async def do_delete(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    tree = _candidate(session)
    if not cmd.rest:
        session.io.write("This will delete the entire configuration\n" if not session.edit else "")
        if not await session.confirm("Delete everything under this level?", default=False):
            return None
        if session.edit:
            target = find(tree.root, session.edit)
            if isinstance(target, Node):
                node = set_path(tree, session.edit)
                node.children.clear()
        else:
            delete_path(tree, [])
        return None
    steps = session.config_steps(cmd, values=False)
    if not delete_path(tree, session.edit + steps):
        return ["warning: statement not found"]
    return None


async def do_flag(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    steps = session.config_steps(cmd, values=False)
    if not steps:
        raise session.path_error(cmd, PathError(0, "missing argument"))
    if not set_flag(_candidate(session), session.edit + steps, inactive=cmd.action == "deactivate"):
        return ["warning: statement not found"]
    return None


async def do_annotate(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    try:
        found = annotate_words(_candidate(session), session.edit, cmd.rest, abbreviate=True)
    except PathError as exc:
        raise session.path_error(cmd, exc) from None
    return None if found else ["warning: statement not found"]


async def do_rename(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    """`rename` and `copy`: `<path> to <new name>`."""
    try:
        rename_words(_candidate(session), session.edit, cmd.rest, copy=cmd.action == "copy", abbreviate=True)
    except PathError as exc:
        raise session.path_error(cmd, exc) from None
    except EditError as exc:
        raise CliError(f"error: {exc}") from None
    return None


async def do_insert(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    try:
        insert_words(_candidate(session), session.edit, cmd.rest, abbreviate=True)
    except PathError as exc:
        raise session.path_error(cmd, exc) from None
    except EditError as exc:
        raise CliError(f"error: {exc}") from None
    return None


async def do_edit(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    steps = session.config_steps(cmd, values=False)
    if not steps:
        raise session.path_error(cmd, PathError(0, "missing argument"))
    leaf = next((s for s in steps if not s.descends), None)
    if leaf is not None:  # only containers and list entries are levels: the caret names the first other word
        raise session.path_error(cmd, PathError(leaf.pos, "syntax error"))
    session.edit = session.edit + steps
    return None


def _up(edit: list[Step], levels: int) -> list[Step]:
    """The edit path `levels` levels up; `family inet` counts as one level, as Junos shows it."""
    edit = edit[: max(0, len(edit) - levels)]
    while edit and edit[-1].schema.flatten:
        edit = edit[:-1]
    return edit


async def do_up(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    count = int(cmd.value("count") or 1)
    if not session.edit:
        return ["warning: already at top of configuration"] if cmd.action == "up" else None
    session.edit = _up(session.edit, count)
    return None


async def do_top(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    session.edit = []
    return None


async def do_exit(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    if session.edit and not cmd.flag("configuration-mode"):
        session.edit = _up(session.edit, 1)
        return None
    if session.uncommitted():
        if session.config_kind in ("exclusive", "private"):
            session.io.write(f"warning: Auto rollback on exiting 'configure {session.config_kind}'\n")
            if not await session.confirm("Discard uncommitted changes?", default=True):
                return None
        else:
            session.io.write("The configuration has been changed but not committed\n")
            if not await session.confirm("Exit with uncommitted changes?", default=True):
                return None
    session.leave_configuration()
    return ["Exiting configuration mode"]


async def do_show(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    steps = session.config_steps(cmd, values=False) if cmd.rest else []
    tree = _candidate(session)
    header = []
    if not session.edit:
        records = session.device.db.store.records
        if records:
            header = [f"## Last changed: {fmt_time(records[0].time)}"]
    return await render_config(
        session,
        tree.freeze(),  # rendered on a worker thread: edits from now on copy, never change it
        steps,
        pipeline,
        compare_base=session.device.db.active,
        header=header,
        edit=session.edit,
    )


async def do_commit(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    db = session.device.db
    confirmed = None
    if cmd.flag("confirmed"):
        if session.config_kind == "private":
            return ["error: 'commit confirmed' is not supported in private mode"]
        confirmed = int(cmd.value("minutes") or 10)
    if session.config_kind == "private" and session.edit:
        return ["error: commit must be done from top level in private mode"]
    tree = _candidate(session)
    refused = commit_refusal(session.rights, db.active, tree.root, session.private_base)
    if refused:  # the candidate holds a change (perhaps another user's) this class may not make
        return commit_refusal_lines(refused)
    at = cmd.value("at")
    if at is not None and not cmd.flag("check"):
        return _commit_at(session, cmd, tree, at, confirmed is not None)
    result = db.commit(
        tree,
        session.user,
        client="cli",  # Junos records a commit typed at the CLI `via cli`, whatever carried the session
        comment=cmd.value("comment"),
        check_only=cmd.flag("check"),
        confirmed=confirmed,
        session_id=session.id,
        base=session.private_base,
    )
    lines = list(result.lines)
    if result.ok and session.config_kind == "private" and not cmd.flag("check"):
        session.candidate = db.new_candidate()
        session.private_base = db.active
    if result.ok and cmd.flag("and-quit") and not cmd.flag("check"):
        lines.append("Exiting configuration mode")
        session.leave_configuration()
    return lines


def _commit_at(session: CliSession, cmd: Command, tree: ConfigTree, at: str, confirmed: bool) -> list[str]:
    """`commit at TIME`: checked now, committed then; on success Junos logs the user out of
    configuration mode (the commit reference page; the NetEdu and vQFX captures)."""
    if confirmed:
        return ["error: 'commit at' and 'commit confirmed' cannot be used together"]  # [G] wording
    result = session.device.db.commit_at(
        tree,
        session.user,
        at,
        client="cli",
        comment=cmd.value("comment"),
        session_id=session.id,
        base=session.private_base,
    )
    if not result.ok:
        return result.lines
    session.leave_configuration()
    return [*result.lines, "Exiting configuration mode"]


async def do_rollback(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    db = session.device.db
    if cmd.flag("rescue"):
        root = db.rescue()
        if root is None:
            return ["error: rescue configuration is not set"]
    else:
        index = int(cmd.value("number") or 0)
        root = db.rollback(index)
        if root is None:
            return [f"error: {db.rollback_error(index)}"]
    tree = _candidate(session)
    tree.root = root
    tree.freeze()
    return ["load complete"]


async def do_load(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    kind = cmd.node.name
    source = cmd.value("source") or "terminal"
    if source == "terminal":
        session.io.write("[Type ^D at a new line to end input]\n")
        text = await session.io.read_block()
        if text is None:
            return ["error: load aborted"]
        label = "terminal"
    else:
        try:  # from the device's files only: bounded, regular files, no links, undecodable bytes as U+FFFD
            text = user_files(session).read_text(source)
        except FileError as exc:
            return [f"error: Could not open configuration file: {source}" if exc.missing else exc.message]
        label = source
    tree = _candidate(session)
    at = session.edit if cmd.flag("relative") else []
    report: LoadReport
    if kind in ("override", "update"):
        fresh = ConfigTree(session.schema.root)
        report = LoadReport()
        await _in_steps(parse_curly_steps(fresh, text, report, source=label))
        tree.root = fresh.freeze()
        tree.freeze()
    elif kind == "set":
        report = await _load_in_steps(tree, lambda t, r: parse_set_steps(t, text, r, at=at, source=label))
        return report.messages + ["load complete"]
    elif kind == "patch":
        report = apply_patch(session, tree, text, label)
    else:
        replace = kind == "replace"
        report = await _load_in_steps(
            tree, lambda t, r: parse_curly_steps(t, text, r, at=at, source=label, replace=replace)
        )
    tail = "load complete" if not report.errors else f"load complete ({report.errors} errors)"
    return report.messages + [tail]


async def _in_steps(steps: Iterator[None]) -> None:
    """Run a stepwise parse, letting the other sessions run between its steps."""
    for _ in steps:
        await trio.sleep(0)


async def _load_in_steps(tree: ConfigTree, load: Callable[[ConfigTree, LoadReport], Iterator[None]]) -> LoadReport:
    """A big load lets other sessions run between its steps, yet changes the candidate at once.

    It works on a copy, which replaces the candidate at the end; if another session changed
    the candidate meanwhile, the load is done again on it, in one go, so no change is lost.
    """
    start = tree.freeze()
    work = ConfigTree(tree.schema_root, start)
    report = LoadReport()
    await _in_steps(load(work, report))
    if tree.root is start:
        tree.root = work.freeze()
        tree.freeze()
        return report
    report = LoadReport()
    for _ in load(tree, report):
        pass
    return report


def apply_patch(session: CliSession, tree: ConfigTree, text: str, label: str) -> LoadReport:
    """`load patch`: apply a `show | compare` diff (headers, `-` and `+` lines) to the candidate."""
    report = LoadReport()
    chunks: list[tuple[list[str], list[str], list[str]]] = []
    for line in text.splitlines():
        if line.startswith("[edit"):
            words = line.strip()[1:-1].split()[1:]
            chunks.append((words, [], []))
        elif line[:1] in "+-" and chunks:
            (chunks[-1][1] if line[0] == "+" else chunks[-1][2]).append(line[1:])
    for words, plus, minus in chunks:
        try:
            header = walk(session.schema.root, words, values=False, abbreviate=False)
        except PathError:
            report.error(f"{label}: syntax error: [edit {' '.join(words)}]")
            continue
        if minus:
            scratch = ConfigTree(session.schema.root)
            parse_curly(scratch, "\n".join(minus), at=header, source=label)
            removed = find(scratch.root, header) if header else scratch.root
            if isinstance(removed, Node):
                for child in removed.ordered_children():
                    for step in _child_steps(child):
                        delete_path(tree, header + [step])
        if plus:
            sub = parse_curly(tree, "\n".join(plus), at=header, source=label)
            report.messages.extend(sub.messages)
            report.errors += sub.errors
    return report


def _child_steps(child: Node | ListNode | Leaf) -> list[Step]:
    if isinstance(child, Leaf):
        value = child.value if isinstance(child.value, tuple) else None
        return [Step(child.schema, value=value)]
    if isinstance(child, ListNode):
        return [Step(child.schema, key=k) for k in child.entries]
    return [Step(child.schema)]


async def do_save(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    name = cmd.value("file") or ""
    tree = _candidate(session)
    target = find(tree.root, session.edit) if session.edit else tree.root
    opts = RenderOptions(secrets=session.rights.sees_secrets)  # a saved file shows no more than `show` would
    lines = list(curly_lines(target, opts)) if isinstance(target, Node) else []
    try:
        user_files(session).write_text(name, "".join(line + "\n" for line in lines))
    except FileError as exc:
        return [exc.message]
    return [f"Wrote {len(lines)} lines of configuration to '{name}'"]


async def do_run(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    """`run ...`: the rest of the line, pipes included, as typed in operational mode.

    Running the text as typed keeps quotes and the order of the pipes, and lets
    an error's caret be moved back under the word the user typed.
    """
    if cmd.rest_start is None:
        return None
    spans = cmd.spans  # type: ignore[attr-defined]
    offset = spans[cmd.rest_start][1]
    pipeline.filters = []  # the operational line runs its own pipes
    try:
        return await session.run_operational(cmd.line[offset:])  # type: ignore[attr-defined]
    except CliError as err:
        if err.column is not None:
            err.column += offset
        raise


async def do_status(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    from nos.cli.session import _editors_lines

    db = session.device.db
    editors = list(db.editors.values())
    return _editors_lines(editors, session.device)


async def do_replace(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    pattern = cmd.value("pattern") or ""
    replacement = cmd.value("with")
    if replacement is None:
        return ["error: missing 'with' argument"]
    tree = _candidate(session)
    text = "".join(line + "\n" for line in curly_lines(tree.root))
    try:  # RE2: linear in the configuration's size whatever the pattern (nos/runtime/patterns.py)
        new_text = compile_user_regex(pattern, ignore_case=False).sub(replacement, text)
    except BadPattern as exc:
        return [f"error: invalid regular expression: {exc.message}"]
    if new_text == text:
        return None
    fresh = ConfigTree(session.schema.root)
    report = parse_curly(fresh, new_text, source="replace")
    if report.errors:
        return report.messages + ["error: replace would make the configuration invalid; nothing changed"]
    tree.root = fresh.freeze()
    tree.freeze()
    return None


async def do_wildcard_delete(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    words = cmd.rest
    if len(words) < 2:
        raise session.path_error(cmd, PathError(len(words), "missing argument"))
    try:
        steps = walk(session.level_schema, words[:-1], values=False, abbreviate=True)
    except PathError as exc:
        raise session.path_error(cmd, exc) from None
    tree = _candidate(session)
    if not steps or steps[-1].schema.kind != LIST or steps[-1].key is not None:
        raise CliError("error: wildcard delete needs a list followed by a regular expression")
    holder = find(tree.root, session.edit + steps)
    try:
        rx = compile_user_regex(words[-1], ignore_case=False)
    except BadPattern as exc:
        return [f"error: invalid regular expression: {exc.message}"]
    if not isinstance(holder, ListNode):
        return ["warning: no matches"]
    keys = [k for k in holder.entries if rx.fullmatch(" ".join(k))]
    if not keys:
        return ["warning: no matches"]
    session.io.write("  matched: " + "\n  matched: ".join(" ".join(k) for k in keys) + "\n")
    if not await session.confirm(f"Delete {len(keys)} objects?", default=False):
        return None
    for key in keys:
        delete_path(tree, session.edit + steps[:-1] + [Step(steps[-1].schema, key=key)])
    return None


async def do_help(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str] | None:
    from nos.cli.operational import help_text

    return help_text(session, cmd)


HANDLERS = {
    "set": do_set,
    "delete": do_delete,
    "activate": do_flag,
    "deactivate": do_flag,
    "annotate": do_annotate,
    "rename": do_rename,
    "copy": do_rename,
    "insert": do_insert,
    "edit": do_edit,
    "up": do_up,
    "top": do_top,
    "exit": do_exit,
    "show": do_show,
    "commit": do_commit,
    "rollback": do_rollback,
    "load": do_load,
    "save": do_save,
    "run": do_run,
    "status": do_status,
    "replace": do_replace,
    "wildcard-delete": do_wildcard_delete,
    "help-topic": do_help,
    "help-reference": do_help,
}
