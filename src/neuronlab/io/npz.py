"""``.npz`` archives read without trusting them: the zip directory is checked first.

An ``.npz`` is a zip archive with one ``.npy`` member per array (``np.savez``
stores them, ``np.savez_compressed`` deflates them).  ``NpzArchive`` opens one
from a file and, before any member is decompressed, refuses

- more than ``max_members`` members, or a zip directory larger than
  ``max_members`` × ``DIRECTORY_ENTRY_BYTES`` (the directory is read whole);
- ZIP64 records (an archive that needs them is beyond any model's limits),
  and archives that are truncated or do not end in a zip end record;
- a member compressed any other way than stored or deflated (LZMA, bzip2...),
  encrypted, or marked as "patched";
- two members with one name, and a member whose name does not end in ``.npy``;
- a member whose compressed data would run past the end of the file.

``read(name, ...)`` then reads one member with ``read_npy``: its header is
checked before its data is decompressed, the data is decompressed a chunk at
a time up to exactly the announced size, and the zip CRC is checked.  Problems
are ``ValueError`` messages that do not name the file (the caller adds it);
a damaged zip structure may also raise ``zipfile.BadZipFile``, ``EOFError``,
``zlib.error`` or ``OSError``, which callers report as a corrupt archive.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable
from typing import IO, Any

import numpy as np

from .npy import MAX_ARRAY_BYTES, NpyHeader, read_npy

__all__ = ["DIRECTORY_ENTRY_BYTES", "SUFFIX", "NpzArchive"]

#: Room allowed for one member's entry in the zip directory (46 bytes, its name, extras).
DIRECTORY_ENTRY_BYTES = 1024
#: The suffix of every member name (``np.savez`` adds it to each array's name).
SUFFIX = ".npy"

_END = b"PK\x05\x06"
_END_SIZE = 22
_ZIP64_LOCATOR = b"PK\x06\x07"
_LOCAL_HEADER_SIZE = 30
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
_METHOD_NAMES = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "LZMA"}
_ENCRYPTED = 0x01 | 0x40  # traditional and strong encryption
_PATCHED = 0x20


def _end_record(file: IO[bytes], size: int) -> tuple[int, int]:
    """(members, directory bytes) from the zip end record, found as ``zipfile`` finds it."""
    tail_size = min(size, _END_SIZE + 0xFFFF)
    file.seek(size - tail_size)
    tail = file.read(tail_size)
    if tail[-_END_SIZE : -_END_SIZE + 4] == _END and tail[-2:] == b"\0\0":
        at = len(tail) - _END_SIZE
    else:
        at = tail.rfind(_END)
    if at < 0 or at + _END_SIZE > len(tail):
        raise ValueError("the archive is truncated or corrupt (no zip end record)")
    fields = struct.unpack("<4s4H2IH", tail[at : at + _END_SIZE])
    members, directory_size, directory_offset = fields[4], fields[5], fields[6]
    zip64 = at >= 20 and tail[at - 20 : at - 16] == _ZIP64_LOCATOR
    if zip64 or members == 0xFFFF or 0xFFFFFFFF in (directory_size, directory_offset):
        raise ValueError("the archive uses ZIP64 records, which no file within the limits needs")
    return members, directory_size


def _check_member(info: zipfile.ZipInfo, file_size: int) -> None:
    """Refuse a member that could not be read safely, from its directory entry alone."""
    name = info.filename
    if info.flag_bits & _ENCRYPTED:
        raise ValueError(f"member {name!r} is encrypted; an .npz is never encrypted")
    if info.flag_bits & _PATCHED:
        raise ValueError(f"member {name!r} is marked as patched data, which is not read")
    if info.compress_type not in _METHODS:
        method = _METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
        raise ValueError(
            f"member {name!r} is compressed with {method}; an .npz member is stored "
            "or deflated (np.savez, np.savez_compressed)"
        )
    if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
        raise ValueError(
            f"member {name!r} is stored uncompressed but its sizes differ "
            f"({info.compress_size:,} and {info.file_size:,} bytes)"
        )
    if info.header_offset + _LOCAL_HEADER_SIZE + info.compress_size > file_size:
        raise ValueError(f"member {name!r} runs past the end of the archive (truncated?)")
    if not name.endswith(SUFFIX):
        raise ValueError(f"member {name!r} is not a NumPy array (its name lacks {SUFFIX})")


class NpzArchive:
    """An ``.npz`` opened from ``file`` (seekable, binary) after checking its zip directory.

    ``names`` lists its arrays (member names without ``.npy``), in archive
    order; ``read(name)`` reads one.  Use it as a context manager, or call
    ``close()``; it does not close ``file``.
    """

    def __init__(self, file: IO[bytes], *, max_members: int) -> None:
        file.seek(0, 2)
        size = file.tell()
        members, directory_size = _end_record(file, size)
        if members > max_members or directory_size > max_members * DIRECTORY_ENTRY_BYTES:
            raise ValueError(
                f"the archive lists {members:,} members in a {directory_size:,}-byte "
                f"directory; at most {max_members:,} members are read"
            )
        file.seek(0)
        self._zip = zipfile.ZipFile(file)  # reads the directory: bounded by the checks above
        infos = self._zip.infolist()
        if len(infos) > max_members:
            self.close()
            raise ValueError(f"the archive has more than {max_members:,} members")
        self._members: dict[str, zipfile.ZipInfo] = {}
        try:
            for info in infos:
                _check_member(info, size)
                if info.filename[: -len(SUFFIX)] in self._members:
                    raise ValueError(f"the archive has two members named {info.filename!r}")
                self._members[info.filename[: -len(SUFFIX)]] = info
        except ValueError:
            self.close()
            raise

    @property
    def names(self) -> list[str]:
        """The arrays' names, as ``np.savez`` was given them."""
        return list(self._members)

    def read(
        self,
        name: str,
        *,
        max_bytes: int = MAX_ARRAY_BYTES,
        where: str | None = None,
        check: Callable[[NpyHeader], None] | None = None,
    ) -> np.ndarray:
        """The array ``name``: its header checked (and given to ``check``) before its data."""
        info = self._members[name]
        with self._zip.open(info) as member:
            return read_npy(
                member, max_bytes=max_bytes, where=where or f"array {name!r}", check=check
            )

    def close(self) -> None:
        """Forget the archive (the file stays open)."""
        self._zip.close()

    def __enter__(self) -> NpzArchive:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
