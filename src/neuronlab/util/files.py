"""Files written whole or not at all, and files read without trusting them.

Writing.  Everything neuronlab writes (models, histories, reports, pictures)
goes through ``atomic_file``: the bytes go to a temporary file
``.tmp-XXXXXXXX-<name>`` in the target's folder, which is flushed to disk and
then renamed over the target in one step.  A reader sees the old file or the
complete new one, never a mixture; a failure leaves the old file untouched and
no temporary file behind.  Besides:

- the new file keeps the old one's permissions (a new file gets the usual
  ones: 0o666 less the umask);
- a symbolic link is written through: the link stays a link and the file it
  points to gets the new content;
- a save that was killed (``kill -9``, a power cut) cannot remove its
  temporary file, so every save of a path first removes the leftovers of
  earlier saves of that same path: files named by this module's pattern for
  that exact target, older than ``LEFTOVER_AGE`` seconds and not locked.  A
  writer holds an exclusive lock (``flock``) on its temporary file until it is
  done, and the lock dies with its process, so a save in progress elsewhere is
  never touched, however slow (on systems without ``flock`` a file that is
  still open cannot be removed either).

Reading.  ``open_regular`` opens a file only when it is a regular file:
a folder, a FIFO or a device (``/dev/zero``) is refused before anything is
read.  ``read_up_to`` reads at most ``n`` bytes in chunks, so a header that
claims a huge size never makes a reader allocate more than the file holds.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
from collections.abc import Iterator
from typing import IO, BinaryIO

try:
    import fcntl
except ImportError:  # Windows: an open file cannot be removed there, which protects it instead
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "LEFTOVER_AGE",
    "atomic_file",
    "open_regular",
    "read_announced",
    "read_up_to",
    "remove_leftovers",
    "temp_name_pattern",
    "write_atomic",
]

#: Seconds after its last write before an unlocked temporary file counts as a leftover.
LEFTOVER_AGE = 60.0

_TEMP_PREFIX = ".tmp-"
_TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"  # also what tempfile used before
_TOKEN_LENGTH = 8
_CHUNK = 1 << 20
_BINARY = getattr(os, "O_BINARY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NOCTTY = getattr(os, "O_NOCTTY", 0)


# -- writing --------------------------------------------------------------------------


def temp_name_pattern(path: str | os.PathLike[str]) -> re.Pattern[str]:
    """The names of the temporary files ``atomic_file`` makes for ``path`` (names, not paths)."""
    base = os.path.basename(os.fspath(path))
    token = f"[{re.escape(_TOKEN_CHARS)}]{{{_TOKEN_LENGTH}}}"
    return re.compile(re.escape(_TEMP_PREFIX) + token + "-" + re.escape(base) + r"\Z")


def _target(path: str | os.PathLike[str]) -> str:
    """The file a write of ``path`` replaces: symlinks followed; its folder must exist."""
    name = os.fspath(path)
    if not isinstance(name, str):
        name = os.fsdecode(name)
    target = os.path.realpath(name)
    if os.path.islink(target):
        raise OSError(errno.ELOOP, "cannot write through a loop of symbolic links", name)
    if os.path.isdir(target):
        raise IsADirectoryError(errno.EISDIR, "cannot write a file over a folder", name)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"cannot write {name!r}: folder {folder!r} does not exist")
    return target


def _new_temp(target: str) -> tuple[int, str]:
    """A new, empty temporary file next to ``target``, opened for writing: (fd, path)."""
    folder, base = os.path.split(target)
    for _ in range(100):
        token = "".join(secrets.choice(_TOKEN_CHARS) for _ in range(_TOKEN_LENGTH))
        tmp = os.path.join(folder, f"{_TEMP_PREFIX}{token}-{base}")
        try:
            # 0o666: the kernel applies the umask, as for any new file
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o666)
        except FileExistsError:
            continue
        return fd, tmp
    raise FileExistsError(errno.EEXIST, "no free temporary file name", target)


def _lock(fd: int) -> None:
    """Hold an exclusive lock on ``fd`` until it is closed (or the process dies)."""
    if fcntl is not None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _keep_mode(fd: int, tmp: str, target: str) -> None:
    """Give the temporary file the permissions of the file it is about to replace."""
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return  # a new file: the usual permissions, from os.open
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:  # pragma: no cover - Windows
        os.chmod(tmp, mode)


def _sync_folder(folder: str) -> None:
    """Flush the folder's entry for the renamed file to disk, where the system allows it."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A binary file to write; on success it replaces ``path`` whole, on error it vanishes.

    ``path`` keeps its permissions, a symbolic link stays a link (its target is
    replaced), and leftovers of earlier interrupted saves of ``path`` are
    removed first (see the module docstring).
    """
    target = _target(path)
    remove_leftovers(target)
    fd, tmp = _new_temp(target)
    try:
        with os.fdopen(fd, "wb") as f:
            _lock(fd)
            _keep_mode(fd, tmp, target)
            yield f
            f.flush()
            os.fsync(f.fileno())
            if fcntl is not None:  # replaced while still locked: never seen as a leftover
                os.replace(tmp, target)
        if fcntl is None:  # pragma: no cover - Windows renames only closed files
            os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _sync_folder(os.path.dirname(target))


def write_atomic(path: str | os.PathLike[str], content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8, or bytes) to ``path`` atomically."""
    if not isinstance(content, (str, bytes)):
        raise TypeError(f"write_atomic: expected str or bytes, got {type(content).__name__}")
    with atomic_file(path) as f:
        f.write(content.encode("utf-8") if isinstance(content, str) else content)


def remove_leftovers(path: str | os.PathLike[str]) -> list[str]:
    """Remove what interrupted saves of ``path`` left behind; returns the paths removed.

    Only files named by ``temp_name_pattern(path)``, in the folder of the file
    ``path`` stands for, that are regular files, were last written more than
    ``LEFTOVER_AGE`` seconds ago and are not locked by a writer still at work.
    Errors are ignored: cleaning up never stops a save.
    """
    target = os.path.realpath(os.fspath(path))
    folder = os.path.dirname(target)
    pattern = temp_name_pattern(target)
    removed: list[str] = []
    try:
        entries = os.scandir(folder)
    except OSError:
        return removed
    with entries:
        for entry in entries:
            ours = entry.name.startswith(_TEMP_PREFIX) and pattern.match(entry.name)
            if ours and _remove_if_leftover(entry.path, time.time()):
                removed.append(entry.path)
    return removed


def _remove_if_leftover(path: str, now: float) -> bool:
    """Remove ``path`` if it is an old temporary file no live writer holds."""
    if fcntl is None:  # pragma: no cover - Windows: a file open elsewhere cannot be removed
        with contextlib.suppress(OSError):
            info = os.lstat(path)
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > LEFTOVER_AGE:
                os.unlink(path)
                return True
        return False
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _NOCTTY)
    except OSError:
        return False  # gone already, a symlink, or not ours to read
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or now - info.st_mtime <= LEFTOVER_AGE:
            return False
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while its writer lives
        current = os.lstat(path)
        if (current.st_dev, current.st_ino) != (info.st_dev, info.st_ino):
            return False  # renamed or replaced since we opened it
        os.unlink(path)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


# -- reading --------------------------------------------------------------------------


def _kind_of(mode: int) -> str:
    """What a non-regular file is, for a message."""
    kinds = [
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((text for test, text in kinds if test(mode)), "not a regular file")


def open_regular(path: str | os.PathLike[str], where: str) -> BinaryIO:
    """``path`` opened for binary reading, when it is a regular file (symlinks are followed).

    A folder, a FIFO, a socket or a device is refused with ``ValueError``
    (``<where>: <path>: expected a regular file, got a FIFO (named pipe)``)
    without reading anything from it; opening never blocks on a FIFO.  A
    missing file raises ``FileNotFoundError``.
    """
    name = os.fspath(path)
    try:
        fd = os.open(name, os.O_RDONLY | _BINARY | _NONBLOCK | _NOCTTY)
    except OSError as exc:
        if exc.errno in (errno.EISDIR, errno.ENXIO, errno.EACCES) and os.path.exists(name):
            mode = os.stat(name).st_mode
            if not stat.S_ISREG(mode):
                raise ValueError(
                    f"{where}: {name}: expected a regular file, got {_kind_of(mode)}"
                ) from None
        raise
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise ValueError(f"{where}: {name}: expected a regular file, got {_kind_of(mode)}")
    if _NONBLOCK:
        os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def read_up_to(f: IO[bytes], n: int) -> bytearray:
    """At most ``n`` bytes from ``f`` (fewer where it ends), read a chunk at a time.

    Memory follows the bytes actually read, never ``n``: a header that claims
    a gigabyte in a file of a few bytes costs a few bytes.
    """
    buffer = bytearray()
    while len(buffer) < n:
        block = f.read(min(_CHUNK, n - len(buffer)))
        if not block:
            break
        buffer += block
    return buffer


def read_announced(f: IO[bytes], n: int, where: str, announced: str) -> bytearray:
    """Exactly the ``n`` bytes a header announced, and nothing after them.

    A shorter file is "truncated", a longer one has bytes after its data: both
    are a ValueError naming ``where`` and what its header ``announced`` (e.g.
    ``"shape (60000, 28, 28)"``).
    """
    data = read_up_to(f, n)
    if len(data) < n:
        raise ValueError(
            f"{where}: truncated: the header announces {announced} ({n:,} bytes of data), "
            f"but only {len(data):,} bytes follow"
        )
    if f.read(1):
        raise ValueError(
            f"{where}: more bytes follow the {n:,} bytes of data its header announces ({announced})"
        )
    return data
