"""A device's configuration database: active configuration, candidates, locks and commits.

Commit model (semantics.md 7): the candidate is checked as a whole (schema
checks, then every feature's verify); on any error nothing changes. Otherwise
it is written to the store, and only once it is on disk does it become the
active configuration and are features told (apply(old, new)) with the
expanded trees. A write that fails (a full disk) fails the commit with
nothing changed: the active configuration, the candidate, the session and a
pending `commit confirmed` all stay as they were.

`commit at` checks the candidate at once and keeps it, checked again and
activated like any commit when its time comes (a timer on the device's clock;
`reboot`: a file of the store, committed at the next start). Until then no
other commit is made (commit checks are); `clear system commit` drops it.
A timed one is lost with the process, as Junos loses it with a crash.

Features are reached through `CommitHooks`, so this module never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Protocol

from nos import JUNOS_RELEASE
from nos.config import commitat
from nos.config.commitat import AtTimeError, ScheduledCommit
from nos.config.groups import expand, undefined_groups
from nos.config.load import parse_curly
from nos.config.render import CurlyCache, curly_text
from nos.config.store import CommitRecord, CommitUnavailable, ConfigStore
from nos.config.tree import ConfigTree, Leaf, MergeConflict, Node, gc_paused, merge3, trees_equal
from nos.config.validate import CheckError, Checks
from nos.runtime.clock import BaseScheduler, Timer, format_ago, format_time
from nos.schema.model import Schema

CONFIG_FILE = "/config/juniper.conf+.gz"  # what Junos writes during a commit (KB24815)
RESCUE_FILE = "/config/rescue.conf.gz"
ROLLBACK_RETRY = 10.0  # seconds between tries of an automatic rollback the disk refused (our choice)


def write_error(exc: OSError, path: str = CONFIG_FILE) -> str:
    """A failed write as the user is told it: the device's file, never the host's path. [G] wording."""
    return f"error: could not write {path}: {exc.strerror or exc}"


class WriteFailed(Exception):
    """The store could not write a commit (the OSError is `error`); nothing was activated."""

    def __init__(self, error: OSError):
        super().__init__(str(error))
        self.error = error


class CommitHooks(Protocol):
    """What the runtime's feature registry offers the commit: verify first, apply after."""

    def verify(self, new: Node) -> list[CheckError]: ...

    def apply(self, old: Node, new: Node) -> None: ...


class NoHooks:
    def verify(self, new: Node) -> list[CheckError]:
        return []

    def apply(self, old: Node, new: Node) -> None:
        pass


@dataclass
class CommitResult:
    ok: bool
    lines: list[str] = field(default_factory=list)


@dataclass
class Editor:
    """A session in configuration mode, as `configure` warnings and locks see it."""

    user: str
    session_id: int
    since: float
    mode: str = "shared"  # shared | private | exclusive
    terminal: str = "p0"
    edit_path: str = "[edit]"  # where the session is, kept up to date by it
    active_at: float | None = None  # its last command (None: since it entered)

    def lock_error(self, now: float) -> str:
        """What another session is told when this one's `configure exclusive` lock stops it."""
        idle = format_ago(now - (self.active_at if self.active_at is not None else self.since))
        return (
            "error: configuration database locked by:\n"
            f"  {self.user} terminal {self.terminal} (pid {self.session_id}) on since {format_time(self.since)},"
            f" idle {idle}\n      exclusive {self.edit_path}"
        )


class ConfigDatabase:
    def __init__(
        self,
        schema: Schema,
        store: ConfigStore,
        scheduler: BaseScheduler,
        hooks: CommitHooks | None = None,
        initial: str | None = None,
        log: Callable[[str, str], None] | None = None,
    ):
        self.schema = schema
        self.store = store
        self.scheduler = scheduler
        self.hooks: CommitHooks = hooks or NoHooks()
        self.editors: dict[int, Editor] = {}
        self.exclusive: int | None = None  # session id holding `configure exclusive`
        self.broadcast: Callable[[str], None] = lambda message: None
        self.log: Callable[[str, str], None] = log or (lambda tag, message: None)  # (syslog tag, message)
        self._confirm_timer: Timer | None = None
        self._confirm_base: Node | None = None
        self._rollback_due = False  # the confirm deadline passed; the rollback waits for the disk
        self._rollback_failed = False  # and its first failure has been logged
        self.confirm_deadline: float | None = None
        self._rollback_cache: dict[str, Node] = {}
        self._texts = CurlyCache()  # what the store writes, unchanged statements not rendered again
        self._checks = Checks(schema)  # commit checks, unchanged statements not checked again
        for notice in store.notices:  # what opening the store found and repaired
            self.log("", notice)  # [G] no Junos tag known for these
        store.report = lambda message: self.log("", message)
        self.active = self._start(initial)
        self.active_expanded = expand(self.active)
        self.shared = ConfigTree(schema.root, self.active)
        self.shared.freeze()
        with gc_paused():  # so that the first commit, too, renders and checks only what it changes
            self._texts.warm(self.active)
            self._checks.start(self.active_expanded)
        self.scheduled: ScheduledCommit | None = None  # a `commit at` waiting for its time
        self._commit_at_reboot()

    def _start(self, initial: str | None) -> Node:
        """The configuration to start with: rollback 0, else the newest readable rollback
        (committed again, so rollback 0 is what runs), else `initial` (a new device)."""
        records = self.store.records
        for index in range(len(records)):
            try:
                text = self.store.text(index)
            except CommitUnavailable:
                continue
            assert text is not None
            root = self._parse(text)
            if index:
                self.log("", f"rollback 0 is not readable: starting from rollback {index}")
                self._commit_at_start(root, f"recovered from rollback {index}")
            return root
        if initial is None:
            return self._parse("")
        root = _with_version(self._parse(initial), self.schema)
        self._commit_at_start(root, "initial configuration" if not records else "recovered: no rollback readable")
        return root

    def _commit_at_start(self, root: Node, comment: str) -> None:
        try:
            self._record(root, "root", "other", comment)
        except OSError as exc:  # runs from memory; the next commit that can be written stores it
            self.log("", f"{write_error(exc)}: {comment} not saved")
        else:
            self._texts.keep()

    # -- trees --------------------------------------------------------------------------------

    def _parse(self, text: str) -> Node:
        tree = ConfigTree(self.schema.root)
        parse_curly(tree, text, source="config")
        return tree.freeze()

    def commit(self, tree: ConfigTree, user: str, **options: object) -> CommitResult:
        """Check and activate `tree` (see `_commit` for the options)."""
        with gc_paused():
            return self._commit(tree, user, **options)  # type: ignore[arg-type]

    def new_candidate(self) -> ConfigTree:
        """A private copy of the active configuration (configure private, tests)."""
        tree = ConfigTree(self.schema.root, self.active)
        tree.freeze()
        return tree

    def rollback(self, index: int) -> Node | None:
        """The configuration of rollback `index`, or None when it does not exist."""
        if index == 0:
            return self.active
        if index >= len(self.store.records):
            return None
        name = self.store.records[index].file
        cached = self._rollback_cache.get(name)
        if cached is None:
            try:
                text = self.store.text(index)
            except CommitUnavailable:
                return None
            assert text is not None
            cached = self._parse(text)
            if len(self._rollback_cache) > 8:
                self._rollback_cache.clear()
            self._rollback_cache[name] = cached
        return cached

    def rollback_error(self, index: int) -> str:
        """Why `rollback(index)` gave None, without the `error: ` prefix (NETCONF adds its own)."""
        problem = self.store.unavailable(index)
        if problem is not None:
            return str(CommitUnavailable(index, problem))
        return f"rollback {index} does not exist"

    def changed(self, tree: ConfigTree) -> bool:
        return not trees_equal(tree.root, self.active)

    # -- checks and commits ------------------------------------------------------------------------

    def check(self, root: Node, text: str | None = None) -> tuple[Node, list[CheckError]]:
        """Expand and check `root`. `text`, its rendering when the caller has it, spares a scan of the tree."""
        # Only inactive statements and apply-groups make the expanded tree differ; both show in the text.
        groups_used = text is None or "apply-groups" in text
        errors = [
            CheckError(path, "apply-groups", f"Referenced group '{group}' is not defined")
            for path, group in (undefined_groups(root) if groups_used else ())
        ]
        expanded = expand(root, scan=groups_used or "inactive: " in text)  # type: ignore[operator]
        errors += self._checks.check(expanded)
        if not errors:
            errors = self.hooks.verify(expanded)
        return expanded, errors

    def _commit(
        self,
        tree: ConfigTree,
        user: str,
        *,
        client: str = "cli",
        comment: str | None = None,
        check_only: bool = False,
        confirmed: int | None = None,
        session_id: int | None = None,
        base: Node | None = None,
    ) -> CommitResult:
        """Check and activate `tree`. `base` (configure private) turns the commit into a merge."""
        if not check_only:
            refused = self._refused(session_id)
            if refused is not None:
                return refused
        if self._rollback_due and not check_only:
            # An automatic rollback the disk refused comes first; if the disk still refuses, so is this.
            failure = self._roll_back()
            if failure is not None:
                return CommitResult(False, [write_error(failure), "error: commit failed"])
        prepared = self._prepare(tree, base, check_only)
        if isinstance(prepared, CommitResult):
            return prepared
        root, text, expanded = prepared
        if check_only:
            self._confirm()  # a commit check confirms a pending `commit confirmed`
            return CommitResult(True, ["configuration check succeeds"])
        before = self.active
        try:
            self._activate(root, expanded, user, client, comment, confirmed, text)
        except WriteFailed as failed:
            return CommitResult(False, [write_error(failed.error), "error: commit failed"])
        lines: list[str] = []
        if confirmed is None:
            self._confirm()  # and so does a plain commit
        else:
            if self._confirm_base is None:
                self._confirm_base = before
            self._arm_confirm(confirmed)
            lines.append(f"commit confirmed will be automatically rolled back in {confirmed} minutes unless confirmed")
        tree.root = self.active
        tree.freeze()
        lines.append("commit complete")
        return CommitResult(True, lines)

    def _refused(self, session_id: int | None) -> CommitResult | None:
        """Why a commit may not be made now: another session's `configure exclusive`, a `commit at`."""
        if self.exclusive is not None and session_id != self.exclusive:
            holder = self.editors.get(self.exclusive)
            error = holder.lock_error(self.scheduler.epoch()) if holder else "error: configuration database locked"
            return CommitResult(False, error.splitlines())
        if self.scheduled is not None:
            return CommitResult(False, [commitat.PENDING])
        return None

    def _prepare(self, tree: ConfigTree, base: Node | None, check_only: bool) -> tuple[Node, str, Node] | CommitResult:
        """The configuration a commit of `tree` makes (merged for configure private, the version
        stamped), its text and its expanded tree; or the failure its check prints."""
        root = tree.root
        if base is not None and self.active is not base:
            try:
                root = merge3(base, tree.root, self.active)
            except MergeConflict as exc:
                return CommitResult(False, [f"error: commit failed: merge conflict at [edit {' '.join(exc.path)}]"])
        root = _with_version(root, self.schema)
        text = self._texts.text(root)  # what the store writes; rendered once, also read by the check
        expanded, errors = self.check(root, text)
        if not errors:
            return root, text, expanded
        lines = [line for e in errors for line in e.lines()]
        mandatory = any(e.mandatory for e in errors)
        if check_only:
            lines.append(
                "error: configuration check-out failed" + (": (missing mandatory statements)" if mandatory else "")
            )
        elif mandatory:
            lines.append("error: commit failed: (missing mandatory statements)")
        else:
            lines.append("error: configuration check-out failed")
        return CommitResult(False, lines)

    # -- commit at -------------------------------------------------------------------------------------

    def zone(self) -> tzinfo:
        """The time zone the active configuration sets (UTC when none)."""
        return commitat.device_zone(self.active_expanded)

    def commit_at(
        self,
        tree: ConfigTree,
        user: str,
        at: str,
        *,
        client: str = "cli",
        comment: str | None = None,
        session_id: int | None = None,
        base: Node | None = None,
    ) -> CommitResult:
        """`commit at AT`: check `tree` now and commit it at that time (see the module's docstring)."""
        with gc_paused():
            refused = self._refused(session_id)
            if refused is not None:
                return refused
            zone = self.zone()
            try:
                when = commitat.parse_at(at, self.scheduler.epoch(), zone)
            except AtTimeError as exc:
                return CommitResult(False, [str(exc)])
            tree.freeze()  # later edits of the candidate copy what they touch: the scheduled tree stays as checked
            prepared = self._prepare(tree, base, check_only=True)
            if isinstance(prepared, CommitResult):
                return prepared
            root, text, _ = prepared
            job = ScheduledCommit(root, user, client, comment, when)
            if when is None:
                try:
                    self.store.save_pending(text, {"user": user, "client": client, "comment": comment})
                except OSError as exc:
                    return CommitResult(False, [write_error(exc), "error: commit failed"])
            else:
                job.timer = self.scheduler.call_at(when - self.scheduler.epoch0, self._scheduled_due)
            self._confirm()  # its check confirms a pending `commit confirmed`, as `commit check` does
            self.scheduled = job
            self.log("UI_COMMIT_AT", f"User '{user}' requested 'commit at' {at.strip()}")  # [G] message
            return CommitResult(True, ["configuration check succeeds", commitat.announce(when, zone)])

    def clear_scheduled(self) -> bool:
        """`clear system commit`: drop the `commit at` waiting; False when there is none."""
        job = self.scheduled
        if job is None:
            return False
        self.scheduled = None
        if job.timer is not None:
            job.timer.cancel()
        if job.at is None:
            try:
                self.store.delete_pending()
            except OSError as exc:
                self.log("UI_COMMIT_AT_ABORT", f"pending commit not removed: {exc.strerror or exc}")  # [G]
        self.log("UI_COMMIT_AT_ABORT", "Commit at aborted")  # [G] message
        return True

    def _scheduled_due(self) -> None:
        job = self.scheduled
        if job is None or job.at is None:
            return
        self.scheduled = None
        with gc_paused():
            failure = self._run_scheduled(job)
        if failure is None:
            self.log("UI_COMMIT_AT_COMPLETED", "'commit at' has been completed")  # [G] message
        else:
            self.log("UI_COMMIT_AT_FAILED", f"'commit at' failed: {failure}")  # [G] message

    def _run_scheduled(self, job: ScheduledCommit) -> str | None:
        """Check and activate a scheduled configuration as a plain commit would; why it failed, or None."""
        if self._rollback_due:
            refused = self._roll_back()
            if refused is not None:
                return write_error(refused)
        text = self._texts.text(job.root)
        expanded, errors = self.check(job.root, text)
        if errors:
            return errors[0].lines()[-1].strip()
        try:
            self._activate(job.root, expanded, job.user, job.client, job.comment, None, text)
        except WriteFailed as failed:
            return write_error(failed.error)
        self._confirm()  # like any plain commit
        if trees_equal(_with_version(self.shared.root, self.schema), self.active):
            self.shared.root = self.active  # the shared candidate held just what was scheduled
            self.shared.freeze()
        return None

    def _commit_at_reboot(self) -> None:
        """A `commit at reboot` kept by the store: this start is its time."""
        pending = self.store.pending()
        if pending is None:
            return
        fields, text = pending
        job = ScheduledCommit(
            _with_version(self._parse(text), self.schema),
            str(fields.get("user", "root")),
            str(fields.get("client", "cli")),
            fields.get("comment") if isinstance(fields.get("comment"), str) else None,  # type: ignore[arg-type]
            None,
        )
        with gc_paused():
            failure = self._run_scheduled(job)
        if failure is not None:
            self.log("UI_COMMIT_AT_FAILED", f"'commit at' failed: {failure}")  # [G] message
        try:
            self.store.delete_pending()
        except OSError as exc:
            self.log("UI_COMMIT_AT_FAILED", f"pending commit not removed: {exc.strerror or exc}")  # [G]

    def _activate(
        self,
        root: Node,
        expanded: Node,
        user: str,
        client: str,
        comment: str | None,
        confirmed: int | None = None,
        text: str | None = None,
    ) -> None:
        root = _with_version(root, self.schema)
        old_expanded = self.active_expanded
        touched = self._shared_touched()  # judged against the configuration being replaced
        try:
            self._record(root, user, client, comment, confirmed, text)
        except OSError as exc:  # nothing has changed yet
            raise WriteFailed(exc) from exc
        self._texts.keep()  # `root` is now active, so frozen: its text and its checks can be reused
        self._checks.keep(expanded)
        self.active = root
        self.active_expanded = expanded
        if self.shared.root is not root and not touched:
            self.shared.root = root
            self.shared.freeze()
        self.hooks.apply(old_expanded, expanded)

    def _shared_touched(self) -> bool:
        """Does a shared-mode editor hold uncommitted changes? Must be asked before `active` moves:
        afterwards every untouched shared candidate would differ from the new active one."""
        return any(e.mode == "shared" for e in self.editors.values()) and self.changed(self.shared)

    def _record(
        self,
        root: Node,
        user: str,
        client: str,
        comment: str | None,
        confirmed: int | None = None,
        text: str | None = None,
    ) -> None:
        record = CommitRecord("", self.scheduler.epoch(), user, client, comment, confirmed)
        self.store.commit(text if text is not None else self._texts.text(root), record)

    # -- commit confirmed ----------------------------------------------------------------------------

    def _arm_confirm(self, minutes: int) -> None:
        if self._confirm_timer is not None:
            self._confirm_timer.cancel()
        self.confirm_deadline = self.scheduler.now() + minutes * 60
        self._confirm_timer = self.scheduler.call_at(self.confirm_deadline, self._confirm_expired)

    def _confirm(self) -> None:
        """Confirm a pending `commit confirmed`; once its deadline has passed it can no longer be."""
        if not self._rollback_due:
            self._cancel_confirm()

    def _cancel_confirm(self) -> None:
        if self._confirm_timer is not None:
            self._confirm_timer.cancel()
        self._confirm_timer = None
        self._confirm_base = None
        self._rollback_due = False
        self._rollback_failed = False
        self.confirm_deadline = None

    def _confirm_expired(self) -> None:
        self._confirm_timer = None
        self._rollback_due = self._confirm_base is not None
        self._roll_back()

    def _roll_back(self) -> OSError | None:
        """The `commit confirmed` deadline passed: commit the configuration from before it again.

        Like any commit, the rollback is activated only once it is written (Junos
        writes /config before its daemons read the new configuration): a rollback
        that reached the runtime but not the disk would come back as the
        unconfirmed configuration at the next start, and the store and the
        device would disagree until then. So when the write fails (a full disk),
        the unconfirmed configuration stays active, the rollback stays due (it
        can no longer be confirmed), it is tried again every ROLLBACK_RETRY
        seconds and before any other commit, and it fires as soon as the disk
        takes it. The first failure is logged; success is broadcast as usual.
        Returns the write error, or None once rolled back (or nothing was due).
        """
        base = self._confirm_base
        if not self._rollback_due or base is None:
            self._cancel_confirm()
            return None
        try:
            self._activate(base, expand(base), "root", "other", "automatic rollback", None)
        except WriteFailed as failed:
            exc = failed.error
            if not self._rollback_failed:
                self._rollback_failed = True
                self.log("UI_COMMIT_ROLLBACK_FAILED", f"Automatic rollback failed: {write_error(exc)}")  # [G]
            if self._confirm_timer is None:  # called by the timer (a commit's try leaves the timer be)
                self.confirm_deadline = self.scheduler.now() + ROLLBACK_RETRY
                self._confirm_timer = self.scheduler.call_at(self.confirm_deadline, self._confirm_expired)
            return exc
        self._cancel_confirm()
        self.shared.root = self.active
        self.shared.freeze()
        self.broadcast("Commit was not confirmed; automatic rollback complete.")
        return None

    def commit_attributes(self) -> dict[str, str]:
        """The last commit as the `junos:commit-*` attributes of JSON and XML configurations."""
        records = self.store.records
        if not records:
            return {}
        r = records[0]
        return {
            "junos:commit-seconds": str(int(r.time)),
            "junos:commit-localtime": format_time(r.time),
            "junos:commit-user": r.user,
        }

    def confirm_minutes_left(self) -> int | None:
        if self.confirm_deadline is None:
            return None
        left = self.confirm_deadline - self.scheduler.now()
        return max(1, int((left + 59) // 60))

    # -- editors and locks ---------------------------------------------------------------------------

    def enter(self, editor: Editor) -> str | None:
        """Register a session entering configuration mode; returns an error message or None."""
        if editor.mode == "exclusive":
            if self.exclusive is not None and self.exclusive != editor.session_id:
                return self.editors[self.exclusive].lock_error(self.scheduler.epoch())
            if self.changed(self.shared) and self._others_editing(editor.session_id):
                return "error: shared configuration database modified"
            self.exclusive = editor.session_id
        if editor.mode == "private" and self.changed(self.shared):
            return "error: shared configuration database modified"
        self.editors[editor.session_id] = editor
        return None

    def leave(self, session_id: int) -> None:
        self.editors.pop(session_id, None)
        if self.exclusive == session_id:
            self.exclusive = None

    def _others_editing(self, session_id: int) -> bool:
        return any(sid != session_id for sid in self.editors)

    def others(self, session_id: int) -> list[Editor]:
        return [e for sid, e in self.editors.items() if sid != session_id]

    # -- rescue ----------------------------------------------------------------------------------------

    def save_rescue(self) -> str | None:
        """`request system configuration rescue save`; the error to print when the disk refuses it."""
        try:
            self.store.save_rescue(curly_text(self.active))
        except OSError as exc:
            return write_error(exc, RESCUE_FILE)
        return None

    def rescue(self) -> Node | None:
        text = self.store.rescue()
        return self._parse(text) if text is not None else None


def _with_version(root: Node, schema: Schema) -> Node:
    """Junos stamps the software version into every committed configuration."""
    version = schema.root.children.get("version")
    current = root.children.get("version")
    if version is None or (isinstance(current, Leaf) and current.value == JUNOS_RELEASE):
        return root
    out = root.copy(0)
    out.children["version"] = Leaf(version, JUNOS_RELEASE)
    return out


__all__ = ["CommitHooks", "CommitResult", "ConfigDatabase", "Editor", "NoHooks", "write_error"]
