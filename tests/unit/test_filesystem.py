"""The device filesystem (nos/runtime/filesystem.py): resolution, refusals, bounds, failures."""

from __future__ import annotations

import errno
import gzip
import io
import os
import tarfile
from pathlib import Path

import pytest

from nos.runtime import filesystem
from nos.runtime.filesystem import MAX_READ_BYTES, DeviceFilesystem, FileError, UserFiles, View


@pytest.fixture
def fs(tmp_path: Path) -> DeviceFilesystem:
    views = {
        ("config", "juniper.conf.gz"): View(lambda secrets: "secret 1;\n" if secrets else "masked;\n", lambda: 7.0)
    }
    return DeviceFilesystem(tmp_path / "fs", clock=lambda: 1_767_225_600.0, views=views)


@pytest.fixture
def lab(fs: DeviceFilesystem) -> UserFiles:
    return fs.for_user("lab", secrets=False)


# -- resolution: text only, never above the root ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "device_path"),
    [
        ("x.conf", "/var/home/lab/x.conf"),
        ("./a/./b", "/var/home/lab/a/b"),
        ("/var/tmp/x", "/var/tmp/x"),
        ("//var//tmp/", "/var/tmp"),
        ("~", "/var/home/lab"),
        ("~/x", "/var/home/lab/x"),
        ("~bob/x", "/var/home/bob/x"),
        ("..", "/var/home"),
        ("../../../../../../etc/passwd", "/etc/passwd"),
        ("/../../etc/shadow", "/etc/shadow"),
        ("~/../../../..", "/"),
        ("a/../../lab/../../tmp", "/var/tmp"),
    ],
)
def test_names_resolve_to_device_paths(lab: UserFiles, name: str, device_path: str) -> None:
    assert lab.path_text(name) == device_path


def test_the_host_path_is_always_inside_the_root(fs: DeviceFilesystem, lab: UserFiles, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("host secret\n")
    for name in ("../../../secret.txt", "/../secret.txt", "~/../../../../secret.txt", str(tmp_path / "secret.txt")):
        with pytest.raises(FileError) as caught:
            lab.read_text(name)
        assert caught.value.message == f"error: could not resolve file: {name}"
    lab.write_text("../../../../../escape.txt", "x")  # lands at the device root, inside the folder
    assert (fs.root / "escape.txt").read_text() == "x"
    assert not (tmp_path / "escape.txt").exists()


def test_the_layout_is_made_on_first_use(fs: DeviceFilesystem) -> None:
    root = fs.root
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*")) == [
        "config",
        "var",
        "var/home",
        "var/log",
        "var/tmp",
    ]


def test_a_device_without_state_directory_gets_a_private_folder_removed_with_it() -> None:
    fs = DeviceFilesystem(None, clock=lambda: 0.0)
    root = fs.root
    assert root.is_dir() and root.name.startswith("nos-fs-")
    fs.for_user("lab", secrets=True).write_text("x", "1")
    del fs
    import gc

    gc.collect()
    assert not root.exists()


def test_names_the_host_refuses_are_errors_not_exceptions(lab: UserFiles) -> None:
    for name in ("a\x00b", "x" * 5000, "/".join(["d"] * 100)):
        with pytest.raises(FileError) as caught:
            lab.write_text(name, "x")
        assert caught.value.message.startswith("error: could not resolve file: ")
    with pytest.raises(FileError) as caught:
        lab.write_text("y" * 300, "x")  # one name longer than the host allows
    assert caught.value.message.endswith(": File name too long")


# -- refusals: links, special files, directories -----------------------------------------------------------


def test_a_symlink_inside_the_root_pointing_out_is_refused(
    fs: DeviceFilesystem, lab: UserFiles, tmp_path: Path
) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "key").write_text("PRIVATE KEY\n")
    os.symlink(tmp_path / "outside" / "key", fs.root / "var" / "tmp" / "key")
    os.symlink(tmp_path / "outside", fs.root / "var" / "tmp" / "dir")
    with pytest.raises(FileError) as caught:
        lab.read_text("/var/tmp/key")
    assert caught.value.message == "error: could not read /var/tmp/key: Not a regular file"
    with pytest.raises(FileError) as caught:  # a link as a directory on the way
        lab.read_text("/var/tmp/dir/key")
    assert caught.value.message == "error: could not read /var/tmp/dir/key: Not a regular file"
    with pytest.raises(FileError):  # writing through it
        lab.write_text("/var/tmp/dir/new", "x")
    with pytest.raises(FileError):  # replacing the link with a file is refused too (not a regular file)
        lab.write_text("/var/tmp/key", "x")
    assert sorted(os.listdir(tmp_path / "outside")) == ["key"]
    assert (tmp_path / "outside" / "key").read_text() == "PRIVATE KEY\n"
    lab.delete("/var/tmp/key")  # removing the link itself is harmless: unlink follows nothing
    assert (tmp_path / "outside" / "key").exists()


def test_a_broken_symlink_is_refused(fs: DeviceFilesystem, lab: UserFiles) -> None:
    os.symlink("/nonexistent/target", fs.root / "var" / "home" / "dangling")
    with pytest.raises(FileError) as caught:
        lab.read_text("/var/home/dangling")
    assert caught.value.message == "error: could not read /var/home/dangling: Not a regular file"


def test_a_fifo_is_refused_without_blocking(fs: DeviceFilesystem, lab: UserFiles) -> None:
    os.mkfifo(fs.root / "var" / "tmp" / "pipe")  # opening it for reading would wait for a writer
    with pytest.raises(FileError) as caught:
        lab.read_text("/var/tmp/pipe")
    assert caught.value.message == "error: could not read /var/tmp/pipe: Not a regular file"
    with pytest.raises(FileError) as caught:
        lab.write_text("/var/tmp/pipe", "x")
    assert caught.value.message == "error: could not write /var/tmp/pipe: Not a regular file"


def test_a_device_node_reached_by_a_link_is_refused(fs: DeviceFilesystem, lab: UserFiles) -> None:
    os.symlink("/dev/zero", fs.root / "var" / "tmp" / "zero")  # /dev/zero would never end
    with pytest.raises(FileError) as caught:
        lab.read_bytes("/var/tmp/zero")
    assert "Not a regular file" in caught.value.message
    with pytest.raises(FileError) as caught:
        lab.read_bytes("/dev/zero")  # the name itself is a device path: nothing is there
    assert caught.value.message == "error: could not resolve file: /dev/zero"


def test_a_directory_where_a_file_is_expected(lab: UserFiles) -> None:
    for verb, call in (("read", lambda: lab.read_text("/var/tmp")), ("write", lambda: lab.write_text("/", "x"))):
        with pytest.raises(FileError) as caught:
            call()
        assert caught.value.message.endswith(": Is a directory"), verb
    with pytest.raises(FileError) as caught:
        lab.delete("/var/tmp")
    assert caught.value.message == "error: could not delete /var/tmp: Is a directory"


def test_a_file_where_a_directory_is_expected(lab: UserFiles) -> None:
    lab.write_text("plain", "x")
    with pytest.raises(FileError) as caught:
        lab.read_text("plain/inner")
    assert caught.value.message == "error: could not read plain/inner: Not a directory"


# -- bounds and content ------------------------------------------------------------------------------------------


def test_reads_are_bounded(fs: DeviceFilesystem, lab: UserFiles) -> None:
    big = fs.root / "var" / "tmp" / "big"
    big.write_bytes(b"x" * MAX_READ_BYTES)
    assert len(lab.read_bytes("/var/tmp/big")) == MAX_READ_BYTES
    big.write_bytes(b"x" * (MAX_READ_BYTES + 1))
    with pytest.raises(FileError) as caught:
        lab.read_bytes("/var/tmp/big")
    assert caught.value.message == "error: could not read /var/tmp/big: File too large (limit 32 MB)"


def test_binary_and_unicode_content_reads_as_text(fs: DeviceFilesystem, lab: UserFiles) -> None:
    (fs.root / "var" / "tmp" / "bin").write_bytes(b"caf\xc3\xa9 \xff\xfe\x00 \xe2\x82\n")
    assert lab.read_text("/var/tmp/bin") == "café \ufffd\ufffd\x00 \ufffd\n"
    lab.write_text("uni", "größe ☃ \udcff\n")  # a lone surrogate cannot be written as UTF-8: replaced
    assert lab.read_text("uni") == "größe ☃ ?\n"


# -- writes: inside the root, atomic, OSError as Junos text ------------------------------------------------------


def test_a_write_sets_the_device_time_and_replaces_atomically(fs: DeviceFilesystem, lab: UserFiles) -> None:
    lab.write_text("notes", "one\n")
    lab.write_text("notes", "two\n")
    path = fs.root / "var" / "home" / "lab" / "notes"
    assert path.read_text() == "two\n"
    assert path.stat().st_mtime == 1_767_225_600.0  # the device clock's time, not the host's
    assert sorted(os.listdir(path.parent)) == ["notes"]  # no temporary file left behind


def test_a_full_disk_keeps_the_old_file_and_is_a_junos_error(
    fs: DeviceFilesystem, lab: UserFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab.write_text("keep", "old\n")

    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as patched:
        patched.setattr(filesystem.os, "write", full)
        with pytest.raises(FileError) as caught:
            lab.write_text("keep", "new\n")
    assert caught.value.message == "error: could not write keep: No space left on device"
    assert lab.read_text("keep") == "old\n"
    assert sorted(os.listdir(fs.root / "var" / "home" / "lab")) == ["keep"]


def test_a_permission_error_is_a_junos_error(fs: DeviceFilesystem, lab: UserFiles) -> None:
    if os.geteuid() == 0:
        pytest.skip("root ignores directory permissions")
    locked = fs.root / "var" / "tmp" / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(FileError) as caught:
            lab.write_text("/var/tmp/locked/x", "x")
        assert caught.value.message == "error: could not write /var/tmp/locked/x: Permission denied"
    finally:
        locked.chmod(0o700)


def test_views_are_read_only_and_masked_by_class(fs: DeviceFilesystem) -> None:
    reader, admin = fs.for_user("r", secrets=False), fs.for_user("a", secrets=True)
    assert reader.read_text("/config/juniper.conf.gz") == "masked;\n"
    assert admin.read_text("/config/juniper.conf.gz") == "secret 1;\n"
    for call in (
        lambda: admin.write_text("/config/juniper.conf.gz", "x"),
        lambda: admin.write_text("/config/other", "x"),
        lambda: admin.write_text("/var/log/mine", "x"),
        lambda: admin.delete("/config/juniper.conf.gz"),
        lambda: admin.rename("/config/juniper.conf.gz", "/var/tmp/x"),
    ):
        with pytest.raises(FileError) as caught:
            call()
        assert caught.value.message.endswith(": Read-only file system")
    reader.copy("/config/juniper.conf.gz", "/var/tmp")  # a copy holds what the class may see
    assert reader.read_text("/var/tmp/juniper.conf.gz") == "masked;\n"
    assert [e.marked for e in fs.entries(("config",))] == ["juniper.conf.gz"]


def test_copy_rename_and_archive(fs: DeviceFilesystem, lab: UserFiles) -> None:
    lab.write_text("a.txt", "alpha\n")
    lab.copy("a.txt", ".")  # onto itself, by the directory's name: same content
    lab.copy("a.txt", "/var/tmp")
    lab.rename("/var/tmp/a.txt", "/var/tmp/b.txt")
    assert lab.read_text("/var/tmp/b.txt") == "alpha\n"
    assert lab.kind("/var/tmp/a.txt") is None
    assert lab.archive("/var/tmp", "all", compress=True) == "all.tgz"
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(lab.read_bytes("all.tgz")))) as tar:
        assert tar.getnames() == ["var/tmp/b.txt"]
    first = lab.read_bytes("all.tgz")
    lab.archive("/var/tmp/*.txt", "all.tgz", compress=True)
    assert lab.read_bytes("all.tgz") == first  # reproducible: the device clock, not the wall clock
    with pytest.raises(FileError) as caught:
        lab.archive("/var/tmp/*.none", "x", compress=False)
    assert caught.value.message == "error: could not resolve file: /var/tmp/*.none"


# -- the quota: a device's share of the host disk ----------------------------------------------------------


def test_writes_beyond_the_byte_quota_are_refused_and_deletes_free_it(
    lab: UserFiles, fs: DeviceFilesystem, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(filesystem, "QUOTA_BYTES", 1000)
    lab.write_bytes("a", b"x" * 600)
    lab.write_bytes("a", b"x" * 900)  # a file replaced counts once, at its new size
    with pytest.raises(FileError) as caught:
        lab.write_bytes("b", b"x" * 200)
    assert caught.value.message == "error: could not write b: Disc quota exceeded"
    assert lab.kind("b") is None and fs.usage()[0] == 900  # nothing half-written, nothing counted
    lab.delete("a")
    lab.write_bytes("b", b"x" * 1000)
    lab.write_bytes("c", b"")  # empty files take no bytes
    lab.rename("c", "b")  # the 1000 bytes of the old `b` are gone with it
    lab.write_bytes("d", b"x" * 1000)
    assert fs.usage()[0] == 1000


def test_the_entry_quota_counts_files_and_folders(lab: UserFiles, fs: DeviceFilesystem, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    lab.write_bytes("first", b"")  # the layout and the home, counted
    monkeypatch.setattr(filesystem, "QUOTA_ENTRIES", fs.usage()[1] + 3)
    lab.write_bytes("two", b"")
    lab.write_bytes("sub/three", b"")  # a folder and a file
    with pytest.raises(FileError, match="Disc quota exceeded"):
        lab.write_bytes("four", b"")
    with pytest.raises(FileError, match="Disc quota exceeded"):
        lab.write_bytes("new/file", b"")  # the folder alone breaks it
    lab.delete("two")
    lab.write_bytes("four", b"")


def test_usage_is_counted_from_what_a_restarted_device_finds(tmp_path: Path) -> None:
    first = DeviceFilesystem(tmp_path / "fs", clock=lambda: 0.0)
    first.for_user("lab", secrets=False).write_bytes("/var/tmp/big", b"x" * 5000)
    again = DeviceFilesystem(tmp_path / "fs", clock=lambda: 0.0)
    assert again.usage() == first.usage() and again.usage()[0] == 5000
