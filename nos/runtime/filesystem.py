"""A device's own filesystem: what `file ...`, `save`, `load FILE` and `| save` see.

Each device has a folder of its own (`<state-dir>/fs`, or a private temporary
folder for a device without a state directory) laid out as Junos shows it:

    /var/home/USER   the login's working directory: relative names and `~` start here
    /var/tmp         scratch space
    /var/log         read-only; `messages` is the device's event log (`show log messages`)
    /config          read-only; `juniper.conf.gz` is the active configuration (secrets
                     masked for classes without `secret`)

A name is resolved on device paths only, as text: absolute names are device
paths, `..` stops at the device root, and the host path is always the root
joined with the normalised device path. Opening then walks that path one
directory at a time with O_NOFOLLOW, so a symbolic link anywhere on it is
refused rather than followed, and only regular files are read or replaced:
a FIFO, a device node, a socket or a directory where a file is expected is
refused before a byte is read, so no read can block. Reads are bounded
(`MAX_READ_BYTES`). Nothing outside the root is reachable, whatever the name:
the commit store (`<state-dir>/config`) and the SSH host keys live beside it.

Failures are `FileError`s carrying the Junos-style line to print; an OSError
(disk full, permission) becomes one too, never a traceback.
"""

from __future__ import annotations

import errno
import gzip
import io
import itertools
import os
import stat
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

# The largest file `file show`, `load` or `file copy` reads: a 400,000-line configuration in `set` form.
MAX_READ_BYTES = 32 * 1024 * 1024
MAX_PATH_CHARS = 1024  # FreeBSD's PATH_MAX
MAX_DEPTH = 32  # path components: deeper names are refused rather than created
MAX_LISTED = 10_000  # entries `file list recursive` prints (and `file archive` takes) before it stops
MAX_ARCHIVE_BYTES = 16 * 1024 * 1024  # what one `file archive` may gather (16 MB)
# A device's share of the host disk: its files' bytes, and its files and directories. `| save` in a
# loop must end in "Disk quota exceeded", not in a full host disk.
QUOTA_BYTES = 256 * 1024 * 1024
QUOTA_ENTRIES = 10_000

# Directories created with the filesystem; the first two hold only the device's own views.
READ_ONLY = (("config",), ("var", "log"))
LAYOUT = (("config",), ("var", "home"), ("var", "log"), ("var", "tmp"))

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)

Parts = tuple[str, ...]


class FileError(Exception):
    """A file operation that was refused or failed; `message` is the line to show the user."""

    def __init__(self, message: str, *, missing: bool = False):
        super().__init__(message)
        self.message = message
        self.missing = missing  # the file does not exist (callers may word that case their own way)


class _Refused(Exception):
    """Why an operation on a device path cannot go on, as an errno (its text is the reason shown)."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


_NOT_REGULAR = errno.EINVAL  # symbolic links, FIFOs, devices, sockets ("Not a regular file")


def _reason(exc: _Refused | OSError) -> str:
    code = exc.code if isinstance(exc, _Refused) else exc.errno
    if code == _NOT_REGULAR:
        return "Not a regular file"  # [G] wording
    if code == errno.EDQUOT:
        return "Disc quota exceeded"  # FreeBSD's text (Junos), on every host
    if code == errno.EFBIG:
        return f"File too large (limit {MAX_READ_BYTES // (1024 * 1024)} MB)"  # [G] wording
    if isinstance(exc, OSError) and code is None:
        return str(exc)
    return os.strerror(code or errno.EIO)


@dataclass(frozen=True)
class View:
    """A read-only file the device makes up from its state: its text for a class, and its time."""

    text: Callable[[bool], str]  # secrets shown? -> contents
    mtime: Callable[[], float]


@dataclass(frozen=True)
class Entry:
    """One line of `file list`: a name in a directory and what `detail` shows of it."""

    name: str
    kind: str  # "file", "dir", "link", "fifo", "socket", "device"
    size: int
    mtime: float
    mode: str  # `-rw-r--r--`
    owner: str

    @property
    def marked(self) -> str:
        """The name as `file list` prints it: `dir/`, `link@`, `fifo|`, `socket=` (ls -F)."""
        return self.name + {"dir": "/", "link": "@", "fifo": "|", "socket": "="}.get(self.kind, "")


def text_of(parts: Parts) -> str:
    return "/" + "/".join(parts)


def _safe_component(name: str) -> str:
    """A user name as one directory name (login names never hold `/`, but nothing relies on it)."""
    name = name.replace("/", "_").replace("\x00", "_")
    return name if name not in ("", ".", "..") else "_" + name


# What `file list detail` shows as permissions: fixed per kind, so listings do not depend on the host's umask.
_MODES = {
    "file": "-rw-r--r--",
    "dir": "drwxr-xr-x",
    "link": "lrwxr-xr-x",
    "fifo": "prw-r--r--",
    "socket": "srw-r--r--",
    "device": "crw-r--r--",
}
VIEW_MODE = "-r--r--r--"


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device"


_temp_names = itertools.count()


class DeviceFilesystem:
    """The files of one device, rooted in a host folder nothing here ever leaves."""

    def __init__(self, root: Path | None, clock: Callable[[], float], views: dict[Parts, View] | None = None):
        self._root = root
        self._tmp: tempfile.TemporaryDirectory[str] | None = None  # removed when the device goes (or at exit)
        self._laid_out = False
        self.clock = clock  # device time: files written get it as their modification time
        self.views = dict(views or {})
        self._usage: list[int] | None = None  # [bytes, entries] under the root, counted once, then kept

    # -- the quota -------------------------------------------------------------------------------------

    def usage(self) -> tuple[int, int]:
        """Bytes of regular files, and files and directories, under the root. Counted once (one
        process owns a state directory, so nothing else changes it) and kept up to date by writes."""
        if self._usage is None:
            used = [0, 0]
            for folder, dirs, files in os.walk(self.root):  # links are listed, never followed
                used[1] += len(dirs) + len(files)
                for name in files:
                    try:
                        st = os.lstat(os.path.join(folder, name))
                    except OSError:
                        continue
                    if stat.S_ISREG(st.st_mode):
                        used[0] += st.st_size
            self._usage = used
        return self._usage[0], self._usage[1]

    def _charge(self, size: int, entries: int) -> None:
        """Count `size` more bytes and `entries` more names (negative: freed); refuse what breaks the quota."""
        used_bytes, used_entries = self.usage()
        if (size > 0 and used_bytes + size > QUOTA_BYTES) or (entries > 0 and used_entries + entries > QUOTA_ENTRIES):
            raise _Refused(errno.EDQUOT)
        assert self._usage is not None
        self._usage[0] += size
        self._usage[1] += entries

    # -- where things are ----------------------------------------------------------------------------

    @property
    def root(self) -> Path:
        """The host folder (created, with the Junos layout, on first use)."""
        if self._root is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="nos-fs-")
            self._root = Path(self._tmp.name)
        if not self._laid_out:
            self._laid_out = True
            self._root.mkdir(parents=True, exist_ok=True)
            for parts in LAYOUT:
                try:
                    os.close(self._open_dir(parts, create=True))
                except (_Refused, OSError):
                    pass  # whatever is in the way is refused again when a command gets there
        return self._root

    @staticmethod
    def home(user: str) -> Parts:
        return ("var", "home", _safe_component(user))

    def resolve(self, name: str, user: str, base: Parts | None = None) -> Parts:
        """A name as typed -> a normalised device path (purely textual: nothing is looked up).

        Absolute names are device paths, `~` and `~/x` are in the user's home, `~name/x` in
        another's, anything else is relative to `base` (the user's home by default); `..`
        above the root stays at the root.
        """
        if "\x00" in name or len(name) > MAX_PATH_CHARS:
            raise FileError(f"error: could not resolve file: {name[:80]}")
        if name.startswith("~"):
            who, _, rest = name[1:].partition("/")
            start: Parts = self.home(who or user)
        elif name.startswith("/"):
            start, rest = (), name
        else:
            start, rest = self.home(user) if base is None else base, name
        parts = list(start)
        for word in rest.split("/"):
            if word in ("", "."):
                continue
            if word == "..":
                if parts:
                    parts.pop()
                continue
            parts.append(word)
        if len(parts) > MAX_DEPTH:
            raise FileError(f"error: could not resolve file: {name[:80]}")
        return tuple(parts)

    @staticmethod
    def read_only(parts: Parts) -> bool:
        return any(parts[: len(prefix)] == prefix for prefix in READ_ONLY)

    @staticmethod
    def is_home(parts: Parts) -> bool:
        """`/var/home/NAME` is a login's directory, whether or not it exists yet: never a file."""
        return len(parts) == 3 and parts[:2] == ("var", "home")

    # -- safe host access: every directory opened with O_NOFOLLOW, from the root down -----------------

    def _open_dir(self, parts: Parts, *, create: bool = False) -> int:
        """An fd on the directory at `parts`; a symlink or non-directory on the way is refused."""
        assert self._root is not None
        fd = os.open(self._root, _DIR_FLAGS & ~os.O_NOFOLLOW)
        try:
            for name in parts:
                try:
                    child = os.open(name, _DIR_FLAGS, dir_fd=fd)
                except FileNotFoundError:
                    if not create:
                        raise _Refused(errno.ENOENT) from None
                    if self._usage is not None:  # (not counted yet: the first count will see it)
                        self._charge(0, 1)
                    try:
                        os.mkdir(name, 0o755, dir_fd=fd)
                    except FileExistsError:
                        pass
                    child = os.open(name, _DIR_FLAGS, dir_fd=fd)
                except OSError as exc:
                    if exc.errno not in (errno.ELOOP, errno.EMLINK, errno.ENOTDIR):
                        raise
                    st = self._lstat(fd, name)  # Linux says ENOTDIR for a link opened O_DIRECTORY|O_NOFOLLOW
                    link = exc.errno != errno.ENOTDIR or (st is not None and stat.S_ISLNK(st.st_mode))
                    raise _Refused(_NOT_REGULAR if link else errno.ENOTDIR) from None
                os.close(fd)
                fd = child
        except BaseException:
            os.close(fd)
            raise
        return fd

    @contextmanager
    def _parent(self, parts: Parts, *, create: bool = False) -> Iterator[tuple[int, str]]:
        """(fd of the containing directory, last name) for a device path that names a file."""
        if not parts:
            raise _Refused(errno.EISDIR)
        self.root  # noqa: B018  (creates the layout on first use)
        fd = self._open_dir(parts[:-1], create=create)
        try:
            yield fd, parts[-1]
        finally:
            os.close(fd)

    @staticmethod
    def _lstat(fd: int, name: str) -> os.stat_result | None:
        try:
            return os.stat(name, dir_fd=fd, follow_symlinks=False)
        except FileNotFoundError:
            return None

    def kind(self, parts: Parts) -> str | None:
        """What is at a device path: "file", "dir", "link", ... (None: nothing)."""
        if parts in self.views:
            return "file"
        if not parts:
            self.root  # noqa: B018
            return "dir"
        try:
            with self._parent(parts) as (fd, name):
                st = self._lstat(fd, name)
        except (_Refused, OSError):
            return None  # unreachable reads as absent; the operation that follows says why
        return _kind(st.st_mode) if st is not None else None

    def read_bytes(self, parts: Parts, *, secrets: bool) -> bytes:
        """A regular file's bytes (at most MAX_READ_BYTES), or a view's text for this class."""
        view = self.views.get(parts)
        if view is not None:
            return view.text(secrets).encode("utf-8")
        with self._parent(parts) as (dir_fd, name):
            st = self._lstat(dir_fd, name)
            if st is None:
                raise _Refused(errno.ENOENT)
            if stat.S_ISDIR(st.st_mode):
                raise _Refused(errno.EISDIR)
            if not stat.S_ISREG(st.st_mode):
                raise _Refused(_NOT_REGULAR)  # checked before opening: a FIFO is never opened
            try:
                fd = os.open(name, _READ_FLAGS, dir_fd=dir_fd)
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    raise _Refused(_NOT_REGULAR) from None
                raise
            try:
                if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped between the two looks
                    raise _Refused(_NOT_REGULAR)
                chunks: list[bytes] = []
                size = 0
                while size <= MAX_READ_BYTES:
                    chunk = os.read(fd, min(1 << 20, MAX_READ_BYTES + 1 - size))
                    if not chunk:
                        break
                    chunks.append(chunk)
                    size += len(chunk)
                if size > MAX_READ_BYTES:
                    raise _Refused(errno.EFBIG)
                return b"".join(chunks)
            finally:
                os.close(fd)

    def write_bytes(self, parts: Parts, data: bytes) -> None:
        """Replace (or create) a regular file: a temporary file, then a rename, so a failed write
        (a full disk) leaves the old file as it was and no half file behind."""
        if self.read_only(parts) or parts in self.views:
            raise _Refused(errno.EROFS)
        if self.is_home(parts):
            raise _Refused(errno.EISDIR)
        with self._parent(parts, create=True) as (dir_fd, name):
            st = self._lstat(dir_fd, name)
            if st is not None and stat.S_ISDIR(st.st_mode):
                raise _Refused(errno.EISDIR)
            if st is not None and not stat.S_ISREG(st.st_mode):
                raise _Refused(_NOT_REGULAR)
            grown, added = len(data) - (st.st_size if st is not None else 0), 0 if st is not None else 1
            self._charge(grown, added)
            temp = f".{name[:200]}.{os.getpid()}.{next(_temp_names)}"
            try:
                fd = os.open(temp, _CREATE_FLAGS, 0o644, dir_fd=dir_fd)
                try:
                    _write_all(fd, data)
                    now = self.clock()
                    os.utime(fd, (now, now))
                finally:
                    os.close(fd)
                os.replace(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
            except BaseException:
                self._charge(-grown, -added)
                try:
                    os.unlink(temp, dir_fd=dir_fd)
                except OSError:
                    pass
                raise

    def unlink(self, parts: Parts) -> None:
        """Remove a file (a link, FIFO or socket itself too: unlinking follows nothing); not a directory."""
        if self.read_only(parts) or parts in self.views:
            raise _Refused(errno.EROFS)
        with self._parent(parts) as (dir_fd, name):
            st = self._lstat(dir_fd, name)
            if st is None:
                raise _Refused(errno.ENOENT)
            if stat.S_ISDIR(st.st_mode):
                raise _Refused(errno.EISDIR)
            os.unlink(name, dir_fd=dir_fd)
            self._charge(-st.st_size if stat.S_ISREG(st.st_mode) else 0, -1)

    def rename(self, source: Parts, target: Parts) -> None:
        """Move a regular file; onto an existing regular file only."""
        for parts in (source, target):
            if self.read_only(parts) or parts in self.views:
                raise _Refused(errno.EROFS)
        if self.is_home(target):
            raise _Refused(errno.EISDIR)
        with self._parent(source) as (src_fd, src_name):
            st = self._lstat(src_fd, src_name)
            if st is None:
                raise _Refused(errno.ENOENT)
            if not stat.S_ISREG(st.st_mode):
                raise _Refused(errno.EISDIR if stat.S_ISDIR(st.st_mode) else _NOT_REGULAR)
            with self._parent(target, create=True) as (dst_fd, dst_name):
                existing = self._lstat(dst_fd, dst_name)
                if existing is not None and not stat.S_ISREG(existing.st_mode):
                    raise _Refused(errno.EISDIR if stat.S_ISDIR(existing.st_mode) else _NOT_REGULAR)
                os.rename(src_name, dst_name, src_dir_fd=src_fd, dst_dir_fd=dst_fd)
                if existing is not None:  # the file it replaced is gone
                    self._charge(-existing.st_size, -1)

    def entries(self, parts: Parts, *, create: bool = False, secrets: bool = False) -> list[Entry]:
        """A directory's entries (views included, sized as a class with or without `secret` reads
        them), sorted by name; nothing is followed."""
        self.root  # noqa: B018
        fd = self._open_dir(parts, create=create)
        out: dict[str, Entry] = {}
        try:
            with os.scandir(fd) as it:
                for item in it:
                    if len(out) >= MAX_LISTED:
                        break
                    st = item.stat(follow_symlinks=False)
                    kind = _kind(st.st_mode)
                    owner = parts[2] if parts[:2] == ("var", "home") and len(parts) > 2 else "root"
                    size = 512 if kind == "dir" else st.st_size  # a BSD directory's size, on every host
                    out[item.name] = Entry(item.name, kind, size, st.st_mtime, _MODES[kind], owner)
        finally:
            os.close(fd)
        for view_parts, view in self.views.items():
            if view_parts[:-1] == parts:
                size = len(view.text(secrets).encode("utf-8"))
                out[view_parts[-1]] = Entry(view_parts[-1], "file", size, view.mtime(), VIEW_MODE, "root")
        return [out[name] for name in sorted(out)]

    def stat_entry(self, parts: Parts, *, secrets: bool = False) -> Entry | None:
        """The `file list` line of one path (None: nothing there)."""
        view = self.views.get(parts)
        if view is not None:
            size = len(view.text(secrets).encode("utf-8"))
            return Entry(parts[-1], "file", size, view.mtime(), VIEW_MODE, "root")
        if not parts:
            return Entry("", "dir", 512, 0.0, _MODES["dir"], "root")
        try:
            with self._parent(parts) as (fd, name):
                st = self._lstat(fd, name)
        except (_Refused, OSError):
            return None
        if st is None:
            return None
        kind = _kind(st.st_mode)
        owner = parts[2] if parts[:2] == ("var", "home") and len(parts) > 2 else "root"
        return Entry(name, kind, 512 if kind == "dir" else st.st_size, st.st_mtime, _MODES[kind], owner)

    def for_user(self, user: str, *, secrets: bool) -> UserFiles:
        return UserFiles(self, user, secrets)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


@contextmanager
def explained(verb: str, name: str) -> Iterator[None]:
    """Turn a refusal or an OSError into the FileError a user reads: `error: could not VERB NAME: why`."""
    try:
        yield
    except _Refused as exc:
        missing = exc.code == errno.ENOENT
        if verb == "read" and missing:
            raise FileError(f"error: could not resolve file: {name}", missing=True) from None
        raise FileError(f"error: could not {verb} {name}: {_reason(exc)}", missing=missing) from None
    except (OSError, ValueError) as exc:  # ValueError: a name the host refuses (embedded NUL)
        reason = _reason(exc) if isinstance(exc, OSError) else "Invalid argument"
        raise FileError(f"error: could not {verb} {name}: {reason}") from None


class UserFiles:
    """One login's view of the device filesystem: names resolve from its home, views show as its
    class may see them (secrets masked without `secret`). What CLI and NETCONF handlers use."""

    def __init__(self, fs: DeviceFilesystem, user: str, secrets: bool):
        self.fs = fs
        self.user = user
        self.secrets = secrets

    def resolve(self, name: str, base: Parts | None = None) -> Parts:
        return self.fs.resolve(name, self.user, base)

    def path_text(self, name: str) -> str:
        return text_of(self.resolve(name))

    @property
    def home(self) -> Parts:
        return self.fs.home(self.user)

    def read_text(self, name: str, base: Parts | None = None) -> str:
        """A file as text; bytes that are not UTF-8 become U+FFFD rather than an error."""
        return self.read_bytes(name, base).decode("utf-8", errors="replace")

    def read_bytes(self, name: str, base: Parts | None = None) -> bytes:
        parts = self.resolve(name, base)
        with explained("read", name):
            return self.fs.read_bytes(parts, secrets=self.secrets)

    def write_text(self, name: str, text: str) -> None:
        self.write_bytes(name, text.encode("utf-8", errors="replace"))

    def write_bytes(self, name: str, data: bytes) -> None:
        parts = self.resolve(name)
        with explained("write", name):
            self.fs.write_bytes(parts, data)

    def delete(self, name: str) -> None:
        parts = self.resolve(name)
        with explained("delete", name):
            self.fs.unlink(parts)

    def _into(self, source: Parts, target_name: str) -> Parts:
        """`file copy a /var/tmp` or `... .`: a directory target means the same name inside it."""
        target = self.resolve(target_name)
        if source and (self.fs.is_home(target) or self.fs.kind(target) == "dir"):
            return (*target, source[-1])
        return target

    def copy(self, source_name: str, target_name: str) -> None:
        source = self.resolve(source_name)
        with explained("read", source_name):
            data = self.fs.read_bytes(source, secrets=self.secrets)
        target = self._into(source, target_name)
        with explained("write", target_name):
            self.fs.write_bytes(target, data)

    def rename(self, source_name: str, target_name: str) -> None:
        source = self.resolve(source_name)
        target = self._into(source, target_name)
        with explained("rename", source_name):
            self.fs.rename(source, target)

    def kind(self, name: str) -> str | None:
        return self.fs.kind(self.resolve(name))

    def archive(self, source_name: str, target_name: str, *, compress: bool) -> str:
        """`file archive`: the files a source names (a file, a directory's files, or a `*` pattern
        in its last part) in one tar file, gzip-compressed with `compress`; returns the name written
        (Junos adds `.tar` / `.tgz` when the name lacks it)."""
        suffix = ".tgz" if compress else ".tar"
        if not target_name.endswith(suffix):
            target_name += suffix
        files = self._sources(source_name)
        buffer = io.BytesIO()
        now = self.fs.clock()
        total = 0
        with explained("read", source_name), tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
            for parts in files:
                data = self.fs.read_bytes(parts, secrets=self.secrets)
                total += len(data)
                if total > MAX_ARCHIVE_BYTES:
                    raise _Refused(errno.EFBIG)
                info = tarfile.TarInfo("/".join(parts))
                info.size, info.mtime, info.mode = len(data), int(now), 0o644
                tar.addfile(info, io.BytesIO(data))
        data = buffer.getvalue()
        if compress:  # a fixed gzip header time keeps archives byte-for-byte reproducible
            data = gzip.compress(data, mtime=int(now))
        self.write_bytes(target_name, data)
        return target_name

    def _sources(self, name: str) -> list[Parts]:
        """The regular files (and views) a `file archive source` names, at most MAX_LISTED."""
        parts = self.resolve(name)
        found: list[Parts] = []
        with explained("read", name):
            if parts and any(c in parts[-1] for c in "*?["):
                candidates = [(*parts[:-1], e.name) for e in self.fs.entries(parts[:-1]) if fnmatch(e.name, parts[-1])]
            else:
                candidates = [parts]
            for candidate in candidates:
                kind = self.fs.kind(candidate)
                if kind == "file":
                    found.append(candidate)
                elif kind == "dir":
                    found.extend(itertools.islice(self._files_under(candidate), MAX_LISTED))
                if len(found) >= MAX_LISTED:
                    break
        if not found:
            raise FileError(f"error: could not resolve file: {name}", missing=True)
        return found[:MAX_LISTED]

    def _files_under(self, parts: Parts) -> Iterator[Parts]:
        pending = [parts]
        while pending:
            here = pending.pop(0)
            for entry in self.fs.entries(here):
                if entry.kind == "file":
                    yield (*here, entry.name)
                elif entry.kind == "dir" and len(here) < MAX_DEPTH:
                    pending.append((*here, entry.name))


def listing_time(epoch: float) -> str:
    """`Feb  7 15:30`, as `file list detail` shows a modification time."""
    text = time.strftime("%b %d %H:%M", time.gmtime(epoch))
    return text[:4] + text[4:6].lstrip("0").rjust(2) + text[6:]


__all__ = [
    "MAX_LISTED",
    "MAX_READ_BYTES",
    "DeviceFilesystem",
    "Entry",
    "FileError",
    "Parts",
    "UserFiles",
    "View",
    "explained",
    "listing_time",
    "text_of",
]
