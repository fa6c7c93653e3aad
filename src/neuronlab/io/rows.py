"""Rows of inputs from a file, one example per row, read without trusting the file.

``read_rows(path)`` is what ``neuronlab predict`` reads.  Two formats, told
apart by the file's first bytes (a name ending in ``.npy`` must hold one):

- ``.npy`` (``np.save(path, X)``): shape (rows, features), or (features,)
  for a single row, of plain real numbers (bool, integers, floats);
- text (``.csv``, ``.txt``...): one example per line, its numbers separated
  by commas or by spaces/tabs -- one of the two for the whole file.  Blank
  lines and lines starting with ``#`` are skipped (``np.savetxt`` headers).

Refused with a ``ValueError`` that names the file (and the line): anything but
a regular file (a folder, a FIFO, ``/dev/zero``), a file larger than
``max_bytes``, more than ``max_rows`` rows or ``max_numbers`` numbers, an
``.npz`` archive, complex, date, text, record or object (pickled) values, an
``.npy`` header whose shape does not match its data, no rows at all, an empty
cell (``1,,2``), spaces inside a comma-separated cell (``1 2,3``), rows of
different lengths, and NaN or infinite numbers.

Memory stays close to the result's own size: an ``.npy`` file is read once
with its size checked against its header first (``io.npy``), and text is
parsed one line at a time straight into float64 blocks, never into a Python
list of every number.

>>> import os, tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     path = os.path.join(folder, "rows.csv")
...     with open(path, "w") as f:
...         _ = f.write("# size,location\\n100,0.5\\n150, 1\\n")
...     print(read_rows(path).tolist())
...     try:
...         read_rows(path, columns=3)
...     except ValueError as e:
...         print(e)
[[100.0, 0.5], [150.0, 1.0]]
rows.csv, line 2: 2 numbers; expected 3 per row
"""

from __future__ import annotations

import math
import os
from typing import IO

import numpy as np

from ..util.checks import whole_number
from ..util.files import open_regular
from .npy import MAGIC, NpyHeader, read_npy

__all__ = ["read_rows", "MAX_BYTES", "MAX_ROWS", "MAX_NUMBERS", "MAX_LINE_BYTES"]

#: The largest file ``read_rows`` reads by default, in bytes.
MAX_BYTES = 256 * 2**20
#: The most rows (examples) it returns by default.
MAX_ROWS = 1_000_000
#: The most numbers it returns by default (25 million float64 take 200 MB).
MAX_NUMBERS = 25_000_000
#: The longest line of a text file, in bytes (40,000 numbers of 25 characters).
MAX_LINE_BYTES = 2**20

_ZIP_MAGIC = b"PK\x03\x04"
_BLOCK_NUMBERS = 1 << 16  # a text file's rows are stored in blocks of about this many numbers


def _error(name: str, message: str, line: int | None = None) -> ValueError:
    where = name if line is None else f"{name}, line {line}"
    return ValueError(f"{where}: {message}")


class _Limits:
    """The caller's bounds, checked once, and the checks every format shares."""

    def __init__(
        self, name: str, max_bytes: int, max_rows: int, max_numbers: int, columns: int | None
    ) -> None:
        self.name = name
        self.max_bytes = whole_number(max_bytes, "read_rows(max_bytes)", minimum=1)
        self.max_rows = whole_number(max_rows, "read_rows(max_rows)", minimum=1)
        self.max_numbers = whole_number(max_numbers, "read_rows(max_numbers)", minimum=1)
        self.columns = (
            None if columns is None else whole_number(columns, "read_rows(columns)", minimum=1)
        )

    def check_shape(self, rows: int, width: int, line: int | None = None) -> None:
        """Refuse ``rows`` rows of ``width`` numbers when the bounds do not allow them."""
        if self.columns is not None and width != self.columns:
            raise _error(self.name, f"{width} numbers; expected {self.columns} per row", line)
        if rows > self.max_rows:
            raise _error(self.name, f"more than {self.max_rows:,} rows; split the file", line)
        if rows * width > self.max_numbers:
            raise _error(
                self.name, f"more than {self.max_numbers:,} numbers in all; split the file", line
            )


def read_rows(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
    max_numbers: int = MAX_NUMBERS,
    columns: int | None = None,
) -> np.ndarray:
    """The rows of numbers in ``path`` as a float64 array of shape (rows, features).

    ``path``: an ``.npy`` file or a text file of comma- or space-separated
    numbers (see the module's notes).  ``columns``: how many numbers every row
    must have (None: as many as the first row).  Raises ``FileNotFoundError``
    for a missing file and ``ValueError`` naming the file, the line where
    there is one, and what is wrong, for anything else that is not a
    non-empty table of finite numbers within the limits.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"read_rows(path): expected a file path, got {type(path).__name__}")
    name = os.fspath(path)
    if not isinstance(name, str):
        raise TypeError(f"read_rows(path): expected a file path as text, got {name!r:.60}")
    limits = _Limits(os.path.basename(name) or name, max_bytes, max_rows, max_numbers, columns)
    with open_regular(name, "read_rows") as f:
        size = os.fstat(f.fileno()).st_size
        if size > limits.max_bytes:
            raise _error(limits.name, f"{size:,} bytes; at most {limits.max_bytes:,} are read")
        start = f.read(len(MAGIC))
        f.seek(0)
        if start.startswith(_ZIP_MAGIC):
            raise _error(
                limits.name,
                "a zip archive (an .npz?), not rows of numbers; save one array with "
                "np.save('rows.npy', X), or write a CSV file",
            )
        if start == MAGIC:
            return _npy_rows(f, limits)
        if name.lower().endswith(".npy"):
            raise _error(limits.name, "not a NumPy .npy file (it does not start as one)")
        return _text_rows(f, limits)


# -- .npy ------------------------------------------------------------------------------


def _npy_rows(f: IO[bytes], limits: _Limits) -> np.ndarray:
    """An .npy file's array as rows, its header checked before any data is read."""

    def check(header: NpyHeader) -> None:
        """Refuse the array its header announces unless it is a non-empty table in bounds."""
        if header.dtype.kind == "c":
            raise _error(limits.name, f"holds complex numbers ({header.dtype}); expected real ones")
        shape = header.shape
        if len(shape) not in (1, 2):
            hint = " (flatten each example: X.reshape(len(X), -1))" if len(shape) > 2 else ""
            raise _error(limits.name, f"an array of shape {shape}; expected (rows, features){hint}")
        rows, width = (1, shape[0]) if len(shape) == 1 else shape
        if rows == 0 or width == 0:
            raise _error(limits.name, f"an empty array (shape {shape}); expected at least one row")
        limits.check_shape(rows, width)

    array = read_npy(f, max_bytes=limits.max_bytes, what=limits.name, check=check)
    rows = np.array(array, dtype=np.float64, ndmin=2)  # a copy: native order, writable
    finite = np.isfinite(rows).all(axis=1)
    if not finite.all():
        bad = int(np.argmin(finite))
        raise _error(limits.name, f"row {bad} holds NaN or an infinite number")
    return rows


# -- text ------------------------------------------------------------------------------


class _Blocks:
    """Rows of a fixed width stored in float64 blocks, joined once at the end."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.block_rows = max(1, _BLOCK_NUMBERS // width)
        self.full: list[np.ndarray] = []
        self.current = np.empty((self.block_rows, width))
        self.used = 0
        self.rows = 0

    def add(self, values: list[float]) -> None:
        """Store one row (``width`` numbers)."""
        if self.used == self.block_rows:
            self.full.append(self.current)
            self.current = np.empty((self.block_rows, self.width))
            self.used = 0
        self.current[self.used] = values
        self.used += 1
        self.rows += 1

    def array(self) -> np.ndarray:
        """Every row stored, as one (rows, width) array."""
        last = self.current[: self.used]
        return last.copy() if not self.full else np.concatenate([*self.full, last])


def _split(text: str, comma: bool, limits: _Limits, line: int) -> list[float]:
    """One line's numbers; an empty cell, a bad number or NaN/inf is an error."""
    if comma:
        cells = [c.strip() for c in text.split(",")]
        if "" in cells:
            raise _error(limits.name, f"an empty cell in {text!r:.60}", line)
    else:
        cells = text.split()
    try:
        values = [float(c) for c in cells]
    except ValueError:
        bad = next(c for c in cells if not _is_number(c))
        how = "separated by commas" if comma else "separated by spaces"
        raise _error(
            limits.name,
            f"{bad!r:.40} is not a number (expected numbers {how}, one row per line)",
            line,
        ) from None
    if not all(map(math.isfinite, values)):
        raise _error(limits.name, "NaN or an infinite number", line)
    return values


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _lines(f: IO[bytes], limits: _Limits):
    """(line number, text) of every line that holds data, within the byte limits."""
    read = 0
    number = 0
    while True:
        raw = f.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        read += len(raw)
        if read > limits.max_bytes:
            raise _error(limits.name, f"more than {limits.max_bytes:,} bytes", number)
        if len(raw) > MAX_LINE_BYTES:
            raise _error(limits.name, f"a line longer than {MAX_LINE_BYTES:,} bytes", number)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _error(
                limits.name, "not text (expected numbers, one row per line)", number
            ) from None
        text = text.lstrip("\ufeff").strip() if number == 1 else text.strip()
        if text and not text.startswith("#"):
            yield number, text


def _text_rows(f: IO[bytes], limits: _Limits) -> np.ndarray:
    """A text file's rows, parsed one line at a time into float64 blocks."""
    blocks: _Blocks | None = None
    comma = False
    first_line = 0
    for number, text in _lines(f, limits):
        if blocks is None:
            comma = "," in text
            first_line = number
        values = _split(text, comma, limits, number)
        if blocks is None:
            limits.check_shape(1, len(values), number)
            blocks = _Blocks(len(values))
        elif len(values) != blocks.width:
            raise _error(
                limits.name,
                f"{len(values)} numbers, but line {first_line} has {blocks.width}; "
                "every row needs the same number of values",
                number,
            )
        limits.check_shape(blocks.rows + 1, blocks.width, number)
        blocks.add(values)
    if blocks is None:
        raise _error(limits.name, "no rows of numbers (the file is empty or only comments)")
    return blocks.array()
