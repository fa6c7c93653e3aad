"""util.files: atomic saves (modes, symlinks, leftovers of killed saves, two writers at once)
and the careful readers (open_regular, read_up_to)."""

from __future__ import annotations

import io
import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from neuronlab.util import files
from neuronlab.util.files import (
    LEFTOVER_AGE,
    atomic_file,
    open_regular,
    read_up_to,
    remove_leftovers,
    temp_name_pattern,
    write_atomic,
)

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX files, modes and locks")


def temps(folder) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.startswith(".tmp-"))


def make_old(path) -> None:
    """Set a file's last write well beyond LEFTOVER_AGE ago."""
    then = time.time() - LEFTOVER_AGE - 3600
    os.utime(path, (then, then), follow_symlinks=False)


# -- the basic guarantee ---------------------------------------------------------------------


def test_write_replaces_whole_and_leaves_nothing_else(tmp_path):
    path = tmp_path / "out.txt"
    write_atomic(path, "old")
    write_atomic(path, b"new bytes")
    assert path.read_bytes() == b"new bytes"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_failure_inside_the_block_keeps_the_old_file(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old")

    def write_half_then_fail() -> None:
        with atomic_file(path) as f:
            f.write(b"new, but only half")
            assert len(temps(tmp_path)) == 1  # the bytes go to a temporary file
            raise RuntimeError("half way")

    with pytest.raises(RuntimeError, match="half way"):
        write_half_then_fail()
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_a_reader_sees_the_old_or_the_new_file_never_a_mixture(tmp_path):
    path = tmp_path / "big.bin"
    versions = [bytes([i]) * 300_000 for i in (1, 2)]
    write_atomic(path, versions[0])
    seen: set[bytes] = set()
    done = threading.Event()

    def read_all_the_time():
        while not done.is_set():
            content = path.read_bytes()
            seen.add(content[:1] + content[-1:] + str(len(content)).encode())

    reader = threading.Thread(target=read_all_the_time)
    reader.start()
    try:
        for i in range(60):
            write_atomic(path, versions[i % 2])
    finally:
        done.set()
        reader.join()
    assert seen <= {b"\x01\x01300000", b"\x02\x02300000"}


def test_folder_must_exist_and_target_must_not_be_a_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_atomic(tmp_path / "no" / "such.txt", "x")
    (tmp_path / "dir").mkdir()
    with pytest.raises(IsADirectoryError):
        write_atomic(tmp_path / "dir", "x")
    assert os.listdir(tmp_path) == ["dir"]
    assert os.listdir(tmp_path / "dir") == []


# -- permissions and symlinks --------------------------------------------------------------


@posix_only
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755, 0o444])
def test_saving_keeps_the_files_permissions(tmp_path, mode):
    path = tmp_path / "kept.txt"
    path.write_text("old")
    path.chmod(mode)
    write_atomic(path, "new")
    assert path.read_text() == "new"
    assert stat.S_IMODE(path.stat().st_mode) == mode


@posix_only
def test_a_new_file_gets_the_umask_permissions(tmp_path):
    mask = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.txt", "x")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640


@posix_only
def test_writing_through_a_symlink_keeps_the_link(tmp_path):
    real_folder = tmp_path / "real"
    real_folder.mkdir()
    target = real_folder / "model.npz"
    target.write_text("old")
    target.chmod(0o600)
    link = tmp_path / "link.npz"
    link.symlink_to(os.path.relpath(target, tmp_path))
    write_atomic(link, "new")
    assert link.is_symlink()
    assert os.readlink(link) == os.path.relpath(target, tmp_path)
    assert target.read_text() == "new"
    assert link.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert temps(tmp_path) == []
    assert temps(real_folder) == []


@posix_only
def test_a_failed_write_through_a_symlink_keeps_the_target(tmp_path, monkeypatch):
    target = tmp_path / "t.txt"
    target.write_text("old")
    (tmp_path / "l.txt").symlink_to("t.txt")

    def boom(src, dst):
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk on fire"):
        write_atomic(tmp_path / "l.txt", "new")
    assert target.read_text() == "old"
    assert (tmp_path / "l.txt").is_symlink()
    assert temps(tmp_path) == []


@posix_only
def test_a_dangling_symlink_gets_its_target_and_a_loop_is_refused(tmp_path):
    (tmp_path / "l.txt").symlink_to("new-target.txt")
    write_atomic(tmp_path / "l.txt", "made")
    assert (tmp_path / "new-target.txt").read_text() == "made"
    assert (tmp_path / "l.txt").is_symlink()
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(OSError, match="loop of symbolic links"):
        write_atomic(tmp_path / "a", "x")
    assert (tmp_path / "a").is_symlink()
    assert (tmp_path / "b").is_symlink()


# -- leftovers of killed saves -------------------------------------------------------------


def kill_mid_save(path) -> str:
    """Start a save of ``path`` in a child, kill it with SIGKILL half way; its temp file."""
    code = textwrap.dedent(
        f"""
        import os, signal, sys
        from neuronlab.util.files import atomic_file
        with atomic_file({str(path)!r}) as f:
            f.write(b"half of a save")
            f.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL
    (left,) = temps(os.path.dirname(path))
    return os.path.join(os.path.dirname(path), left)


@posix_only
def test_the_next_save_removes_what_a_killed_save_left(tmp_path):
    path = tmp_path / "m.npz"
    path.write_text("old")
    left = kill_mid_save(path)
    assert path.read_text() == "old"  # the killed save changed nothing...
    assert temp_name_pattern(path).match(os.path.basename(left))
    write_atomic(path, "second")  # ...and a save right after leaves a fresh leftover alone
    assert os.path.exists(left)
    make_old(left)
    write_atomic(path, "third")
    assert not os.path.exists(left)
    assert path.read_text() == "third"
    assert os.listdir(tmp_path) == ["m.npz"]


@posix_only
def test_only_this_targets_own_leftovers_are_removed(tmp_path):
    path = tmp_path / "out.txt"
    mine = tmp_path / ".tmp-abcd_123-out.txt"
    others = [
        ".tmp-abcd_123-other.txt",  # another target
        ".tmp-abcd_123-x-out.txt",  # another target whose name ends like this one
        ".tmp-abcdefg-out.txt",  # not this code's pattern (7 characters)
        ".tmp-ABCDEFGH-out.txt",  # nor this (capitals)
        "out.txt.tmp-abcd_123",
    ]
    for name in [mine.name, *others]:
        (tmp_path / name).write_text("leftover")
        make_old(tmp_path / name)
    (tmp_path / ".tmp-zzzzzzzz-out.txt").mkdir()  # a folder with the pattern's name
    (tmp_path / ".tmp-yyyyyyyy-out.txt").symlink_to(mine.name)  # a symlink with it
    make_old(tmp_path / ".tmp-yyyyyyyy-out.txt")
    write_atomic(path, "x")
    assert not mine.exists()
    assert sorted(os.listdir(tmp_path)) == sorted(
        [*others, ".tmp-zzzzzzzz-out.txt", ".tmp-yyyyyyyy-out.txt", "out.txt"]
    )


@posix_only
def test_a_writer_at_work_is_never_disturbed(tmp_path):
    """Two writers of one path: the second's cleaning skips the first's temporary file,
    however old it looks, because the first still holds its lock."""
    path = tmp_path / "shared.txt"
    with atomic_file(path) as first:
        first.write(b"first")
        (theirs,) = temps(tmp_path)
        make_old(tmp_path / theirs)  # a slow writer: nothing written for a long time
        write_atomic(path, "second")
        assert remove_leftovers(path) == []
        assert temps(tmp_path) == [theirs]
        assert path.read_text() == "second"
    assert path.read_text() == "first"  # the first writer finished normally
    assert os.listdir(tmp_path) == ["shared.txt"]


@posix_only
def test_a_writer_in_another_process_is_never_disturbed(tmp_path):
    path = tmp_path / "shared.txt"
    code = textwrap.dedent(
        f"""
        import sys
        from neuronlab.util.files import atomic_file
        with atomic_file({str(path)!r}) as f:
            f.write(b"from the child")
            print("writing", flush=True)
            sys.stdin.readline()  # wait until the parent has saved too
        print("done", flush=True)
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "writing"
        (theirs,) = temps(tmp_path)
        make_old(tmp_path / theirs)
        write_atomic(path, "from the parent")
        assert temps(tmp_path) == [theirs]
        child.stdin.write("go\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "done"
    finally:
        child.communicate(timeout=120)
    assert child.returncode == 0
    assert path.read_text() == "from the child"
    assert os.listdir(tmp_path) == ["shared.txt"]


def test_leftover_age_is_documented_and_used(tmp_path, monkeypatch):
    path = tmp_path / "f.txt"
    left = tmp_path / ".tmp-aaaaaaaa-f.txt"
    left.write_text("x")
    then = time.time() - 30
    os.utime(left, (then, then))
    monkeypatch.setattr(files, "LEFTOVER_AGE", 31.0)
    assert remove_leftovers(path) == []
    monkeypatch.setattr(files, "LEFTOVER_AGE", 29.0)
    assert remove_leftovers(path) == [str(left)]


# -- reading ---------------------------------------------------------------------------------


def test_open_regular_reads_files_and_links(tmp_path):
    (tmp_path / "a.bin").write_bytes(b"abc")
    with open_regular(tmp_path / "a.bin", "test") as f:
        assert f.read() == b"abc"
    if os.name == "posix":
        (tmp_path / "l.bin").symlink_to("a.bin")
        with open_regular(tmp_path / "l.bin", "test") as f:
            assert f.read() == b"abc"
    with pytest.raises(FileNotFoundError):
        open_regular(tmp_path / "missing", "test")


@posix_only
@pytest.mark.parametrize("kind", ["folder", "fifo", "device"])
def test_open_regular_refuses_the_rest_unread(tmp_path, kind):
    if kind == "folder":
        path, what = tmp_path / "d", "a folder"
        path.mkdir()
    elif kind == "fifo":
        path, what = tmp_path / "p", r"a FIFO \(named pipe\)"
        os.mkfifo(path)  # opening it must not wait for a writer
    else:
        path, what = "/dev/null", "a character device"
    with pytest.raises(ValueError, match=f"^who: {path}: expected a regular file, got {what}$"):
        open_regular(path, "who")


def test_read_up_to_reads_what_is_there_never_the_claim():
    assert read_up_to(io.BytesIO(b"abcdef"), 4) == b"abcd"
    assert read_up_to(io.BytesIO(b"abc"), 1 << 50) == b"abc"  # a petabyte claimed: 3 bytes
    big = bytes(range(256)) * 10_000  # more than one chunk
    assert read_up_to(io.BytesIO(big), len(big) + 5) == big
    assert read_up_to(io.BytesIO(b"x"), 0) == b""
