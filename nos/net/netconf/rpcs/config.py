"""Configuration RPCs: locks, load, get, compare, commit (Junos names, and the standard ones).

A NETCONF session edits the configuration the way a CLI session does, and
through the same database calls: `lock-configuration` is `configure
exclusive` (so a CLI `configure exclusive` and a NETCONF lock exclude each
other, naming the holder), a load without a lock edits the shared candidate
as `configure` would, `open-configuration <private/>` is `configure private`.
Commits are recorded as made via netconf.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from nos.cli.configuration import apply_patch
from nos.cli.files import user_files
from nos.config import commitat
from nos.config.diff import diff_lines
from nos.config.load import LoadReport, parse_curly, parse_set
from nos.config.render import RenderOptions, curly_lines, json_lines, set_lines
from nos.config.tree import ConfigTree
from nos.net.netconf.configxml import XmlConfigError, subtree, to_set_lines, to_xml
from nos.net.netconf.xml import Error, RpcFailed, child, child_text, element, failed, local, sub
from nos.runtime.authorize import Path, Refused, authorized_edit, commit_refusal, refusal_errors
from nos.runtime.clock import format_time
from nos.runtime.filesystem import FileError

if TYPE_CHECKING:
    from nos.net.netconf.session import NetconfSession

SOURCE = "terminal"  # what load errors name as their input, as `load ... terminal` does


# -- errors in Junos's text layout, as <rpc-error>s -----------------------------------------------------


def errors_from_lines(lines: list[str]) -> list[Error]:
    """Split CLI error output into errors: each starts at an unindented line; `[edit ...]` gives
    the path, a quoted statement the bad element, and `warning:` makes it a warning."""
    groups: list[list[str]] = []
    for line in lines:
        if not line.strip():
            continue
        if not line[:1].isspace() or not groups:
            groups.append([])
        groups[-1].append(line.strip())
    errors = []
    for group in groups:
        path = next((g for g in group if g.startswith("[edit")), None)
        bad = next((g[1:-1] for g in group if len(g) > 1 and g[0] == g[-1] == "'"), None)
        message = next((g for g in group if g != path and g[1:-1] != bad), group[-1])
        severity = "warning" if message.startswith("warning:") else "error"
        message = message.removeprefix("error: ").removeprefix("warning: ")
        errors.append(Error(message, severity=severity, path=path, bad_element=bad))
    return errors


# -- who may do what, and on which candidate --------------------------------------------------------------


def _may_configure(session: NetconfSession) -> None:
    if not session.cli.rights.may_run(["configure"]):
        raise failed("permission denied", tag="access-denied")


def _may_edit(session: NetconfSession) -> None:
    """A load needs `configure`; what it then changes is judged by `_authorized`."""
    _may_configure(session)


@contextmanager
def _authorized(session: NetconfSession, tree: ConfigTree) -> Iterator[None]:
    """An edit of `tree` that changes what the class may not change is undone and refused."""
    try:
        with authorized_edit(session.cli.rights, tree):
            yield
    except Refused as exc:
        raise RpcFailed(_denied(exc.paths)) from None


def _denied(paths: list[Path]) -> list[Error]:
    return [
        Error(e.message, path=e.lines()[0], bad_element=e.statement, tag="access-denied") for e in refusal_errors(paths)
    ]


def _not_locked_by_another(session: NetconfSession) -> None:
    holder = session.cli.lock_holder()
    if holder is not None:
        raise _lock_denied(holder.lock_error(session.device.scheduler.epoch()), holder.session_id)


def _lock_denied(text: str, holder: int | None) -> RpcFailed:
    info = {"session-id": str(holder)} if holder is not None else {}
    return RpcFailed([Error(text.removeprefix("error: "), type="protocol", tag="lock-denied", info=info)])


def _candidate(session: NetconfSession) -> ConfigTree:
    """The candidate this session sees: its own (locked, private) or else the shared one."""
    cli = session.cli
    if cli.mode == "configuration" and cli.candidate is not None:
        return cli.candidate
    return session.device.db.shared


def _editing(session: NetconfSession) -> ConfigTree:
    """The candidate to change; like `configure`, a first change joins the shared candidate."""
    cli = session.cli
    if cli.mode != "configuration":
        lines = cli.enter_configuration("shared")
        if cli.mode != "configuration":
            raise RpcFailed(errors_from_lines(lines))
    return _candidate(session)


def _enter(session: NetconfSession, kind: str) -> list[ET.Element]:
    """`configure exclusive` / `configure private` for this session."""
    _may_configure(session)
    cli = session.cli
    if cli.mode == "configuration":
        if cli.config_kind == kind:
            return []
        cli.leave_configuration()
    lines = cli.enter_configuration(kind)
    if cli.mode == "configuration":
        return []
    first = next((i for i, line in enumerate(lines) if line.startswith("error:")), 0)
    text = "\n".join(lines[first:])
    if "locked by" in text:
        raise _lock_denied(text, session.device.db.exclusive)
    raise failed(text.removeprefix("error: "), type="protocol", tag="lock-denied")


# -- locks ----------------------------------------------------------------------------------------


async def lock_configuration(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    return _enter(session, "exclusive")


async def unlock_configuration(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    cli = session.cli
    if cli.mode != "configuration" or cli.config_kind != "exclusive":
        raise failed("configuration database is not locked by this session", type="protocol")
    cli.leave_configuration()  # uncommitted changes are dropped, as when `configure exclusive` exits
    return []


async def open_configuration(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    if child(op, "private") is not None:
        return _enter(session, "private")
    if child(op, "exclusive") is not None:
        return _enter(session, "exclusive")
    raise failed("open-configuration needs <private/> or <exclusive/>", tag="missing-element")


async def close_configuration(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    if session.cli.mode == "configuration":
        session.cli.leave_configuration()
    return []


# -- load -----------------------------------------------------------------------------------------


def _load_text(session: NetconfSession, tree: ConfigTree, text: str, action: str, is_set: bool) -> LoadReport:
    schema = session.device.schema
    if is_set or action == "set":
        return parse_set(tree, text, source=SOURCE)
    if action in ("override", "update"):
        fresh = ConfigTree(schema.root)
        report = parse_curly(fresh, text, source=SOURCE)
        tree.root = fresh.freeze()
        tree.freeze()
        return report
    if action == "patch":
        return apply_patch(session.cli, tree, text, SOURCE)
    if action in ("merge", "replace"):
        return parse_curly(tree, text, source=SOURCE, replace=action == "replace")
    raise failed(f"unknown load action: {action}", type="protocol", tag="bad-attribute")


def _load(session: NetconfSession, op: ET.Element, action: str, fmt: str) -> list[ET.Element]:
    """Apply the configuration `op` holds to this session's candidate."""
    _may_edit(session)
    _not_locked_by_another(session)
    schema = session.device.schema
    if fmt == "text":
        set_text = child_text(op, "configuration-set")
        text = set_text if set_text is not None else child_text(op, "configuration-text")
        if text is None:
            raise failed("<configuration-text> or <configuration-set> is missing", tag="missing-element")
        tree = _editing(session)
        with _authorized(session, tree):
            report = _load_text(session, tree, text, action, set_text is not None)
    elif fmt == "xml":
        config = child(op, "configuration")
        if config is None:
            raise failed("<configuration> is missing", tag="missing-element")
        try:
            lines = to_set_lines(config, schema.root)
        except XmlConfigError as exc:
            raise RpcFailed([Error(str(exc), path=exc.path, tag="unknown-element")]) from None
        tree = _editing(session)
        with _authorized(session, tree):
            if action in ("override", "update"):
                tree.root = ConfigTree(schema.root).freeze()
                tree.freeze()
            report = parse_set(tree, "\n".join(lines), source=SOURCE)
    else:
        raise failed(f"load format {fmt} is not supported (use text, set or xml)", tag="operation-not-supported")
    results = element("load-configuration-results")
    if report.messages:
        errors = errors_from_lines(report.messages)
        if any(e.severity == "error" for e in errors):
            sub(results, "load-error-count", str(report.errors))
        raise RpcFailed(errors, partial=[results])
    sub(results, "ok")
    return [results]


async def load_configuration(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    rollback = op.get("rollback")
    if rollback is not None:
        return _rollback(session, rollback)
    action = op.get("action") or "merge"
    fmt = (op.get("format") or "xml").lower()
    if action == "set":
        fmt = "text" if fmt != "xml" else fmt
    url = op.get("url")
    if url:
        op, fmt = _from_url(session, url, action, op.get("format"))
    return _load(session, op, action, fmt)


def _from_url(session: NetconfSession, url: str, action: str, given: str | None) -> tuple[ET.Element, str]:
    """`<load-configuration url="/var/tmp/x.conf">`: the file, from the device's own files (as `load
    merge FILE` reads it), as the element an inline load would carry, and its format (without a
    `format` attribute: XML when the file starts with `<`, else text [G]). Remote URLs are refused."""
    _may_edit(session)  # before the file is looked at: a class that may not load learns nothing of it
    name = url.removeprefix("file://")
    if "://" in name or re.match(r"[^/]*:", name):
        raise failed(f"remote URLs are not supported: {url}", tag="operation-not-supported")  # [G]
    try:
        text = user_files(session.cli).read_text(name)
    except FileError as exc:
        message = f"Could not open configuration file: {name}" if exc.missing else exc.message
        raise failed(message.removeprefix("error: "), tag="invalid-value") from None
    fmt = (given or ("xml" if text.lstrip().startswith("<") else "text")).lower()
    if action == "set" and fmt != "xml":
        fmt = "text"
    holder = element("load-configuration")
    if fmt != "xml":
        sub(holder, "configuration-set" if action == "set" else "configuration-text", text)
        return holder, fmt
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise failed(f"{name}: syntax error: {exc}", tag="malformed-message") from None
    config = root if local(root.tag) == "configuration" else child(root, "configuration")
    if config is not None:
        holder.append(config)
    return holder, fmt


def _rollback(session: NetconfSession, number: str) -> list[ET.Element]:
    _may_edit(session)
    _not_locked_by_another(session)
    if not number.isdigit():
        raise failed(f"invalid rollback number: {number}", type="protocol", tag="bad-attribute")
    index = int(number)
    if index and not session.cli.rights.may_rollback:
        raise failed("permission denied", tag="access-denied")
    root = session.device.db.rollback(index)
    if root is None:
        raise failed(session.device.db.rollback_error(index), tag="invalid-value")
    tree = _editing(session)
    with _authorized(session, tree):
        tree.root = root
        tree.freeze()
    results = element("load-configuration-results")
    sub(results, "ok")
    return [results]


async def discard_changes(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    """Standard `<discard-changes/>`: the candidate goes back to the active configuration."""
    return _rollback(session, "0")


async def edit_config(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    """Standard `<edit-config>` on the candidate: `<config><configuration>` (Junos XML) only."""
    target = child(op, "target")
    if target is None or child(target, "candidate") is None:
        raise failed("only the candidate can be edited", type="protocol", tag="operation-not-supported")
    config = child(op, "config")
    inner = child(config, "configuration") if config is not None else None
    if inner is None:
        raise failed("<config><configuration> is missing", tag="missing-element")
    default = child_text(op, "default-operation") or "merge"
    action = {"replace": "override", "none": "merge"}.get(default, default)
    holder = element("load-configuration")
    holder.append(inner)
    body = _load(session, holder, action, "xml")
    return [] if body and body[0].find("ok") is not None else body


# -- reading --------------------------------------------------------------------------------------


def _may_view(session: NetconfSession) -> RenderOptions:
    if not session.cli.rights.may_run(["show", "configuration"]):
        raise failed("permission denied", tag="access-denied")
    return RenderOptions(secrets=session.cli.rights.sees_secrets)


def _filter_of(holder: ET.Element | None) -> ET.Element | None:
    """The `<configuration>` inside a `<filter>` (None: no filter, the whole configuration)."""
    return child(holder, "configuration") if holder is not None else None


async def get_configuration(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    opts = _may_view(session)
    db = session.device.db
    committed = op.get("database") == "committed"
    root = db.active if committed else _candidate(session).root
    if op.get("compare") == "rollback":
        index = int(op.get("rollback") or 0)
        old = db.rollback(index)
        if old is None:
            raise failed(db.rollback_error(index), tag="invalid-value")
        lines = diff_lines(old, root, [], 0, 0, opts)
        info = element("configuration-information")
        sub(info, "configuration-output", "\n" + "".join(f"{line}\n" for line in lines) if lines else "\n")
        return [info]
    root = subtree(root, child(op, "configuration"))  # Junos' form: the filter is a <configuration> child
    fmt = (op.get("format") or "xml").lower()
    if fmt == "text":
        records = db.store.records
        header = [f"## Last changed: {format_time(records[0].time)}"] if records else []
        return [element("configuration-text", "".join(f"{line}\n" for line in header + curly_lines(root, opts)))]
    if fmt == "set":
        return [element("configuration-set", "".join(f"{line}\n" for line in set_lines(root, "set", opts)))]
    if fmt == "xml":
        return [to_xml(root, secrets=opts.secrets, attrs=session.device.db.commit_attributes())]
    raise failed(f"configuration format {fmt} is not supported (use xml, text or set)", tag="operation-not-supported")


async def get_config(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    """Standard `<get-config>`: `<data><configuration>` in Junos XML (running or candidate)."""
    opts = _may_view(session)
    source = child(op, "source")
    names = [local(c.tag) for c in source] if source is not None else []
    if names[:1] not in (["running"], ["candidate"]):
        raise failed("source must be <running/> or <candidate/>", type="protocol", tag="invalid-value")
    root = session.device.db.active if names[0] == "running" else _candidate(session).root
    root = subtree(root, _filter_of(child(op, "filter")))
    data = element("data")
    data.append(to_xml(root, secrets=opts.secrets, attrs=session.device.db.commit_attributes()))
    return [data]


async def get(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    """Standard `<get>`: as Junos answers it, the committed configuration (in the `format` asked
    for) and `<database-status-information>` (who is editing), inside `<data>`. A subtree filter
    narrows the configuration at every depth; a filter that names neither leaves that part out."""
    opts = _may_view(session)
    db = session.device.db
    filter_ = child(op, "filter")
    tops = [local(c.tag) for c in filter_ if isinstance(c.tag, str)] if filter_ is not None else []
    data = element("data")
    if not tops or "configuration" in tops:
        root = subtree(db.active, _filter_of(filter_))
        fmt = (op.get("format") or "xml").lower()
        if fmt == "xml":
            data.append(to_xml(root, secrets=opts.secrets, attrs=db.commit_attributes()))
        elif fmt == "text":
            data.append(element("configuration-text", "".join(f"{line}\n" for line in curly_lines(root, opts))))
        elif fmt == "set":
            data.append(element("configuration-set", "".join(f"{line}\n" for line in set_lines(root, "set", opts))))
        elif fmt == "json":
            lines = json_lines(root, db.commit_attributes(), opts)
            data.append(element("configuration-json", "".join(f"{line}\n" for line in lines)))
        else:
            raise failed(f"configuration format {fmt} is not supported", tag="operation-not-supported")
    if not tops or "database-status-information" in tops:
        data.append(_database_status(session))
    return [data]


def _database_status(session: NetconfSession) -> ET.Element:
    """`<database-status-information>`: one `<database-status>` per session editing the configuration."""
    info = element("database-status-information")
    for editor in session.device.db.editors.values():
        status = sub(info, "database-status")
        sub(status, "user", editor.user)
        sub(status, "terminal", editor.terminal)
        sub(status, "pid", str(editor.session_id))
        start = sub(status, "start-time", format_time(editor.since))
        start.set("junos:seconds", str(int(editor.since)))
        sub(status, "edit-path", editor.edit_path)
        if editor.mode in ("exclusive", "private"):
            sub(status, editor.mode)
    return info


# -- commit ---------------------------------------------------------------------------------------


def _commit(
    session: NetconfSession, *, check: bool, comment: str | None, confirmed: int | None, at: str | None = None
) -> list[str]:
    """Commit (or check, or schedule with `at`) the session's candidate; the lines the CLI would print."""
    _may_configure(session)
    cli = session.cli
    db = session.device.db
    private = cli.mode == "configuration" and cli.config_kind == "private"
    if private and confirmed is not None:
        raise failed("'commit confirmed' is not supported in private mode")
    scheduled = None if check else at
    if scheduled is not None and confirmed is not None:
        raise failed("'commit at' and 'commit confirmed' cannot be used together")  # [G] wording
    candidate = _candidate(session)
    refused = commit_refusal(cli.rights, db.active, candidate.root, cli.private_base if private else None)
    if refused:  # the candidate holds a change (perhaps another user's) this class may not make
        raise RpcFailed(_denied(refused))
    base = cli.private_base if private else None
    if scheduled is not None:
        result = db.commit_at(
            candidate, session.user, scheduled, client="netconf", comment=comment, session_id=cli.id, base=base
        )
    else:
        result = db.commit(
            candidate,
            session.user,
            client="netconf",
            comment=comment,
            check_only=check,
            confirmed=confirmed,
            session_id=cli.id,
            base=base,
        )
    if not result.ok:
        if result.lines and "locked by" in result.lines[0]:
            raise _lock_denied("\n".join(result.lines), db.exclusive)
        raise RpcFailed(errors_from_lines(result.lines))
    if private and not check and scheduled is None:
        cli.candidate = db.new_candidate()
        cli.private_base = db.active
    return result.lines


def _commit_results(check: bool, output: list[str] | None = None) -> ET.Element:
    """`<commit-results>`; a scheduled commit is a check that succeeded, with its time in `<output>`
    (the junos-xml-protocol committing-at-time page)."""
    results = element("commit-results")
    engine = sub(results, "routing-engine")
    engine.set("junos:style", "normal")
    sub(engine, "name", "re0")
    sub(engine, "commit-check-success" if check else "commit-success")
    for line in output or []:
        sub(engine, "output", line)
    return results


async def commit_configuration(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    check = child(op, "check") is not None
    timeout = child_text(op, "confirm-timeout")
    confirmed = None
    if child(op, "confirmed") is not None:
        if timeout is not None and not timeout.strip().isdigit():
            raise failed(f"invalid confirm-timeout: {timeout}", tag="invalid-value")
        confirmed = int(timeout) if timeout else 10
    at = child_text(op, "at-time")
    lines = _commit(session, check=check, comment=child_text(op, "log"), confirmed=confirmed, at=at)
    if at is not None and not check:
        return [_commit_results(True, [line for line in lines if line.startswith("commit at ")])]
    return [_commit_results(check)]


async def commit(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    """Standard `<commit/>`; its `<confirm-timeout>` counts seconds (Junos keeps minutes).
    An `<at-time>` in it schedules the commit, as in `<commit-configuration>`."""
    confirmed = None
    if child(op, "confirmed") is not None:
        seconds = int(child_text(op, "confirm-timeout") or 600)
        confirmed = max(1, (seconds + 59) // 60)
    _commit(session, check=False, comment=None, confirmed=confirmed, at=child_text(op, "at-time"))
    return []


async def clear_system_commit(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    """`<clear-system-commit/>` (`clear system commit`): drops a scheduled commit; nothing in the
    reply (jroute_methods: "Returns: nothing")."""
    if not session.cli.rights.may_run(["clear", "system", "commit"]):
        raise failed("permission denied", tag="access-denied")
    if not session.device.db.clear_scheduled():
        raise failed(commitat.NONE_PENDING.removeprefix("error: "))
    return []


async def validate(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    """Standard `<validate><source><candidate/></source>`: a commit check."""
    _commit(session, check=True, comment=None, confirmed=None)
    return []


async def lock(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    _target_candidate(op)
    return _enter(session, "exclusive")


async def unlock(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    _target_candidate(op)
    return await unlock_configuration(session, op)


def _target_candidate(op: ET.Element) -> None:
    target = child(op, "target")
    if target is None or child(target, "candidate") is None:
        raise failed("only the candidate configuration can be locked", type="protocol", tag="operation-not-supported")


HANDLERS = {
    "lock-configuration": lock_configuration,
    "unlock-configuration": unlock_configuration,
    "open-configuration": open_configuration,
    "close-configuration": close_configuration,
    "load-configuration": load_configuration,
    "get-configuration": get_configuration,
    "commit-configuration": commit_configuration,
    "lock": lock,
    "unlock": unlock,
    "get-config": get_config,
    "get": get,
    "edit-config": edit_config,
    "discard-changes": discard_changes,
    "commit": commit,
    "validate": validate,
    "clear-system-commit": clear_system_commit,
}
