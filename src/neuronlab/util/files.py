"""Writing files so that nothing a user saved is ever half-written.

Everything neuronlab writes (models, histories, reports, pictures) goes
through ``atomic_file``: the bytes go to a temporary file in the same folder,
which is flushed to disk and then renamed over the target in one step.  A
reader sees the old file or the complete new one, never a mixture; a failure
leaves the old file untouched and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from typing import BinaryIO

__all__ = ["atomic_file", "write_atomic"]


def _umask() -> int:
    """The process's file-creation mask (read by setting it, then putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A binary file to write; on success it replaces ``path`` whole, on error it vanishes."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"cannot write {path!r}: folder {folder!r} does not exist")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix="-" + os.path.basename(path))
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_atomic(path: str | os.PathLike[str], content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8, or bytes) to ``path`` atomically."""
    if not isinstance(content, (str, bytes)):
        raise TypeError(f"write_atomic: expected str or bytes, got {type(content).__name__}")
    with atomic_file(path) as f:
        f.write(content.encode("utf-8") if isinstance(content, str) else content)
