"""The ``.npy`` format read without trusting it: the header's claims are checked first.

An ``.npy`` file (and each member of an ``.npz`` archive) is a magic string,
a format version, a header -- a Python dict literal such as
``{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }`` -- and then
the raw numbers.  ``np.load`` believes the header, so a 100-byte file that
claims 10¹² entries makes it try to allocate terabytes.  ``read_npy_header``
reads the header alone and refuses

- a header longer than ``MAX_HEADER_BYTES`` (NumPy's own default limit), or
  more than ``MAX_DIMS`` dimensions;
- anything but plain numbers (bool, integers, floats, complex): never Python
  objects (which would need pickle), strings or records;
- a shape whose data would take more than ``max_bytes`` bytes (by default
  ``MAX_ARRAY_BYTES``);

so a caller can compare the shape and dtype with what it expects before a
single number is read.  ``read_npy`` then reads exactly that many bytes, a
chunk at a time (a file holding fewer never costs more than it holds), and
refuses a file that is shorter or longer than its header says.

>>> import io, numpy as np
>>> buffer = io.BytesIO()
>>> np.save(buffer, np.arange(6, dtype=np.int16).reshape(2, 3))
>>> _ = buffer.seek(0)
>>> read_npy_header(buffer)
NpyHeader(shape=(2, 3), dtype=dtype('int16'), fortran=False)
>>> _ = buffer.seek(0)
>>> read_npy(buffer).tolist()
[[0, 1, 2], [3, 4, 5]]
"""

from __future__ import annotations

import ast
import math
import re
import struct
from collections.abc import Callable
from typing import IO, Any, NamedTuple

import numpy as np

from ..util.checks import whole_number
from ..util.files import read_announced, read_up_to

__all__ = [
    "MAGIC",
    "MAX_ARRAY_BYTES",
    "MAX_DIMS",
    "MAX_HEADER_BYTES",
    "NpyHeader",
    "read_npy",
    "read_npy_header",
]

#: The first six bytes of every ``.npy`` file.
MAGIC = b"\x93NUMPY"
#: The longest header read, in bytes (NumPy's own default ``max_header_size``).
MAX_HEADER_BYTES = 10_000
#: The most dimensions an array may have (NumPy's limit).
MAX_DIMS = 64
#: The default for ``max_bytes``: the most data one header may announce.
MAX_ARRAY_BYTES = 1 << 30

# byte order, kind (bool, signed, unsigned, float, complex) and size: '<f4', '|u1', '<c16'
_PLAIN_DESCR = re.compile(r"[<>|=]?[biufc][0-9]{1,2}\Z")
_KEYS = {"descr", "fortran_order", "shape"}


class NpyHeader(NamedTuple):
    """What an ``.npy`` header announces: the array's shape, dtype and memory order."""

    shape: tuple[int, ...]
    dtype: np.dtype[Any]
    fortran: bool

    @property
    def size(self) -> int:
        """How many entries the array has."""
        return math.prod(self.shape)

    @property
    def nbytes(self) -> int:
        """How many bytes of data follow the header."""
        return self.size * self.dtype.itemsize


def _name_of(file: object, where: str | None) -> str:
    """How messages name the data: ``where``, else the file's name."""
    if where is not None:
        return where
    name = getattr(file, "name", None)
    return name if isinstance(name, str) else ".npy data"


def _read_header_text(file: IO[bytes], where: str) -> str:
    """The header's text, after checking the magic string, the version and the length."""
    start = bytes(read_up_to(file, len(MAGIC) + 2))
    if len(start) < len(MAGIC) + 2 or not start.startswith(MAGIC):
        raise ValueError(f"{where}: not a NumPy .npy array (no {MAGIC!r} magic string)")
    version = (start[-2], start[-1])
    if version not in ((1, 0), (2, 0), (3, 0)):
        raise ValueError(f"{where}: unknown .npy format version {version[0]}.{version[1]}")
    width = 2 if version == (1, 0) else 4
    length_bytes = bytes(read_up_to(file, width))
    if len(length_bytes) < width:
        raise ValueError(f"{where}: truncated .npy header")
    (length,) = struct.unpack("<H" if width == 2 else "<I", length_bytes)
    if length > MAX_HEADER_BYTES:
        raise ValueError(
            f"{where}: the .npy header claims {length:,} bytes; "
            f"a header has at most {MAX_HEADER_BYTES:,}"
        )
    raw = bytes(read_up_to(file, length))
    if len(raw) < length:
        raise ValueError(f"{where}: truncated .npy header")
    try:
        return raw.decode("utf-8" if version == (3, 0) else "latin-1")
    except UnicodeDecodeError:
        raise ValueError(f"{where}: the .npy header is not text") from None


def _parse_dtype(descr: object, where: str) -> np.dtype[Any]:
    """The dtype a header's ``descr`` names, when it is a plain number type."""
    if isinstance(descr, str) and "O" in descr:
        raise ValueError(
            f"{where}: holds pickled Python objects (dtype {descr!r}), which are never loaded: "
            "only arrays of numbers are read"
        )
    if not isinstance(descr, str) or not _PLAIN_DESCR.match(descr):
        raise ValueError(
            f"{where}: holds values of type {descr!r:.60}; only plain numbers "
            "(bool, integers, floats, complex) are read"
        )
    try:
        dtype = np.dtype(descr)
    except TypeError:
        raise ValueError(f"{where}: unknown number type {descr!r}") from None
    return dtype


def _parse_shape(shape: object, where: str) -> tuple[int, ...]:
    """A header's ``shape``: a tuple of at most ``MAX_DIMS`` whole numbers >= 0."""
    bad = f"{where}: bad shape {shape!r:.80} in the .npy header"
    if not isinstance(shape, tuple):
        raise ValueError(bad)
    try:
        for n in shape:
            whole_number(n, "shape", minimum=0)
    except (TypeError, ValueError):
        raise ValueError(bad) from None
    if len(shape) > MAX_DIMS:
        raise ValueError(f"{where}: {len(shape)} dimensions; an array has at most {MAX_DIMS}")
    return shape


def read_npy_header(
    file: IO[bytes], *, max_bytes: int = MAX_ARRAY_BYTES, where: str | None = None
) -> NpyHeader:
    """The shape, dtype and order an ``.npy`` header announces, read from ``file``'s position.

    Reads only the header, leaving ``file`` at the first byte of the data.
    Raises ValueError, starting with ``where`` (default: the file's name), for
    a file that is not ``.npy``, an unknown version, a header that is too
    long or malformed, anything but plain numbers, and a shape whose data
    would take more than ``max_bytes`` bytes.
    """
    where = _name_of(file, where)
    text = _read_header_text(file, where)
    try:
        fields = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise ValueError(f"{where}: the .npy header is not a Python dict literal") from None
    if not isinstance(fields, dict) or set(fields) != _KEYS:
        raise ValueError(f"{where}: the .npy header must have exactly the keys {sorted(_KEYS)}")
    dtype = _parse_dtype(fields["descr"], where)
    shape = _parse_shape(fields["shape"], where)
    fortran = fields["fortran_order"]
    if not isinstance(fortran, bool):
        raise ValueError(f"{where}: 'fortran_order' must be True or False, got {fortran!r:.40}")
    header = NpyHeader(shape, dtype, fortran)
    if header.nbytes > max_bytes:
        raise ValueError(
            f"{where}: the .npy header announces shape {shape} of {dtype} "
            f"({header.nbytes:,} bytes), more than the {max_bytes:,} bytes allowed"
        )
    return header


def read_npy(
    file: IO[bytes],
    *,
    max_bytes: int = MAX_ARRAY_BYTES,
    where: str | None = None,
    check: Callable[[NpyHeader], None] | None = None,
) -> np.ndarray:
    """The array an ``.npy`` file holds, read from ``file``'s position to its end.

    The header is read and checked first (``read_npy_header``), then given to
    ``check`` (which raises to refuse it) before any data is read; the data
    must be exactly as long as the header says and nothing may follow it.
    The array keeps the stored byte order, as ``np.load`` does.
    """
    where = _name_of(file, where)
    header = read_npy_header(file, max_bytes=max_bytes, where=where)
    if check is not None:
        check(header)
    data = read_announced(file, header.nbytes, where, f"shape {header.shape} of {header.dtype}")
    if header.size == 0:
        return np.zeros(header.shape, header.dtype)
    flat = np.frombuffer(data, dtype=header.dtype)
    if header.fortran:
        return flat.reshape(header.shape[::-1]).T
    return flat.reshape(header.shape)
