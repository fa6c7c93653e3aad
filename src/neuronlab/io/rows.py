"""Rows of inputs from a file, one example per row, read without trusting the file.

``read_rows(path)`` is what ``neuronlab predict`` reads.  Two formats, told
apart by the file's first bytes (a name ending in ``.npy`` must hold one):

- ``.npy`` (``np.save(path, X)``): shape (rows, features), or (features,)
  for a single row, of plain real numbers (bool, integers, floats);
- text (``.csv``, ``.txt``...): one example per line, its numbers separated
  by commas or by spaces/tabs -- one of the two for the whole file, as its
  first row has them.  Blank lines and lines starting with ``#`` are skipped
  (``np.savetxt`` headers); with ``header=True`` a first row with no number
  in it (``x1,x2,label``) is skipped too.

Comma-separated lines are read by Python's ``csv`` module, as spreadsheets
write them, and two of their habits are read on purpose:

- a quoted number (``"1.5"``) is the number; a quoted cell must be closed on
  its line, and ``"1,5"`` is one cell, not a number;
- a comma ending every row (``1,2,``: an empty last column, as some
  spreadsheets export) is read as no column at all.  It must end every row
  or none: one row with it and another without is refused, naming the line.

``parse_rows(content, name)`` reads a file's bytes already in memory the same
way (the lab's uploads), and ``csv_text(rows)`` writes rows of numbers as CSV
that both read back exactly (floats as their round-trip ``repr``).

Refused with a ``ValueError`` that names the file (and the line): anything but
a regular file (a folder, a FIFO, ``/dev/zero``), a file larger than
``max_bytes``, more than ``max_rows`` rows or ``max_numbers`` numbers, an
``.npz`` archive, complex, date, text, record or object (pickled) values, an
``.npy`` header whose shape does not match its data, no rows at all, an empty
cell (``1,,2``), spaces inside a comma-separated cell (``1 2,3``), a quote
left open, rows of different lengths, and NaN or infinite numbers.

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

import csv
import io
import itertools
import math
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import IO

import numpy as np

from ..util.checks import whole_number
from ..util.files import open_regular
from .npy import MAGIC, NpyHeader, read_npy

__all__ = [
    "MAX_BYTES",
    "MAX_LINE_BYTES",
    "MAX_NUMBERS",
    "MAX_ROWS",
    "csv_text",
    "parse_rows",
    "read_rows",
]

#: The largest file ``read_rows`` reads by default, in bytes.
MAX_BYTES = 256 * 2**20
#: The most rows (examples) it returns by default.
MAX_ROWS = 1_000_000
#: The most numbers it returns by default (25 million float64 take 200 MB).
MAX_NUMBERS = 25_000_000
#: The longest line of a text file, in bytes (40,000 numbers of 25 characters).
MAX_LINE_BYTES = 2**20

#: One row of a text file: its line number and its cells.
Row = tuple[int, list[str]]

_ZIP_MAGIC = b"PK\x03\x04"
_BLOCK_NUMBERS = 1 << 16  # a text file's rows are stored in blocks of about this many numbers


def _error(name: str, message: str, line: int | None = None) -> ValueError:
    where = name if line is None else f"{name}, line {line}"
    return ValueError(f"{where}: {message}")


class _Limits:
    """The caller's bounds, checked once, and the checks every format shares."""

    def __init__(
        self,
        caller: str,
        name: str,
        max_bytes: int,
        max_rows: int,
        max_numbers: int,
        columns: int | None,
    ) -> None:
        self.caller = caller
        self.name = name
        self.max_bytes = whole_number(max_bytes, f"{caller}(max_bytes)", minimum=1)
        self.max_rows = whole_number(max_rows, f"{caller}(max_rows)", minimum=1)
        self.max_numbers = whole_number(max_numbers, f"{caller}(max_numbers)", minimum=1)
        self.columns = (
            None if columns is None else whole_number(columns, f"{caller}(columns)", minimum=1)
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
    header: bool = False,
) -> np.ndarray:
    """The rows of numbers in ``path`` as a float64 array of shape (rows, features).

    ``path``: an ``.npy`` file or a text file of comma- or space-separated
    numbers (see the module's notes).  ``columns``: how many numbers every row
    must have (None: as many as the first row).  ``header``: a text file's
    first row may hold names instead of numbers (then it is skipped).  Raises
    ``FileNotFoundError`` for a missing file and ``ValueError`` naming the
    file, the line where there is one, and what is wrong, for anything else
    that is not a non-empty table of finite numbers within the limits.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"read_rows(path): expected a file path, got {type(path).__name__}")
    name = os.fspath(path)
    if not isinstance(name, str):
        raise TypeError(f"read_rows(path): expected a file path as text, got {name!r:.60}")
    limits = _Limits(
        "read_rows", os.path.basename(name) or name, max_bytes, max_rows, max_numbers, columns
    )
    with open_regular(name, "read_rows") as f:
        return _rows(f, os.fstat(f.fileno()).st_size, name, limits, header)


def parse_rows(
    content: bytes,
    name: str,
    *,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
    max_numbers: int = MAX_NUMBERS,
    columns: int | None = None,
    header: bool = False,
) -> np.ndarray:
    """The rows of numbers in ``content``, the bytes of a file called ``name``, as ``read_rows``
    reads them from a file: the same formats, limits and errors (each naming ``name``)."""
    if not isinstance(content, (bytes, bytearray, memoryview)):
        raise TypeError(f"parse_rows(content): expected bytes, got {type(content).__name__}")
    if not isinstance(name, str):
        raise TypeError(f"parse_rows(name): expected text, got {type(name).__name__}")
    limits = _Limits("parse_rows", name, max_bytes, max_rows, max_numbers, columns)
    return _rows(io.BytesIO(content), len(content), name, limits, header)


def _rows(f: IO[bytes], size: int, name: str, limits: _Limits, header: object) -> np.ndarray:
    """The rows of the open file ``f`` of ``size`` bytes: .npy or text, told by its first bytes."""
    if not isinstance(header, bool):
        raise TypeError(
            f"{limits.caller}(header): expected True or False, got {type(header).__name__}"
        )
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
    return _text_rows(f, limits, header)


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

    array = read_npy(f, max_bytes=limits.max_bytes, where=limits.name, check=check)
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


def _numbers(cells: list[str], comma: bool, limits: _Limits, line: int) -> list[float]:
    """The cells as numbers; an empty cell, a bad number or NaN/inf is an error."""
    if comma and "" in cells:
        raise _error(limits.name, f"an empty cell in {','.join(cells)!r:.60}", line)
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
    """Whether ``float(cell)`` reads ``cell`` (NaN and infinities included)."""
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _lines(f: IO[bytes], limits: _Limits) -> Iterator[tuple[int, str]]:
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
                limits.name, "not UTF-8 text (expected numbers, one row per line)", number
            ) from None
        text = text.lstrip("\ufeff").strip() if number == 1 else text.strip()
        if text and not text.startswith("#"):
            yield number, text


def _comma_cells(lines: Iterator[tuple[int, str]], limits: _Limits) -> Iterator[Row]:
    """(line number, cells) of comma-separated lines, read by one ``csv`` reader.

    A quoted cell must close on its line: one the reader carried over to the
    next line is refused, naming the line it opened on.
    """
    taken: list[int] = []  # the line numbers the reader took for its current row

    def texts() -> Iterator[str]:
        for number, text in lines:
            taken.append(number)
            yield text

    reader = csv.reader(texts(), strict=True, skipinitialspace=True)
    while True:
        taken.clear()
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            line = taken[0] if taken else None
            raise _error(limits.name, f"a badly quoted cell ({exc}){_QUOTES}", line) from None
        if cells is None:
            return
        if len(taken) > 1:
            raise _error(limits.name, f"a quote left open{_QUOTES}", taken[0])
        yield taken[0], [c.strip() for c in cells]


_QUOTES = ": a quoted cell closes on its line, with a comma right after its closing quote"


class _TextTable:
    """How a text file's rows are written, learnt from its first row and held to after it."""

    def __init__(self, limits: _Limits, comma: bool, header: bool) -> None:
        self.limits = limits
        self.comma = comma
        self.header = header  # a first row without a number may be a header
        self.blocks: _Blocks | None = None
        self.trailing = False  # every row ends with a comma (an empty last column)
        self.first_line = 0

    def add(self, number: int, cells: list[str]) -> None:
        """Read line ``number``'s ``cells`` into the table, or refuse them naming the line."""
        if self.header and not self.first_line and not any(map(_is_number, cells)):
            self.header = False
            return  # the header row: names, not numbers
        ends_with_comma = self.comma and len(cells) > 1 and cells[-1] == ""
        if not self.first_line:
            self.first_line = number
            self.trailing = ends_with_comma
        if ends_with_comma != self.trailing:
            ends, first = ("does not end", "does") if self.trailing else ("ends", "does not")
            raise _error(
                self.limits.name,
                f"{ends} with a comma, but line {self.first_line} {first}; "
                "every row must end the same way",
                number,
            )
        values = _numbers(cells[:-1] if self.trailing else cells, self.comma, self.limits, number)
        if self.blocks is None:
            self.limits.check_shape(1, len(values), number)
            self.blocks = _Blocks(len(values))
        elif len(values) != self.blocks.width:
            raise _error(
                self.limits.name,
                f"{len(values)} numbers, but line {self.first_line} has {self.blocks.width}; "
                "every row needs the same number of values",
                number,
            )
        self.limits.check_shape(self.blocks.rows + 1, self.blocks.width, number)
        self.blocks.add(values)


def _text_rows(f: IO[bytes], limits: _Limits, header: bool) -> np.ndarray:
    """A text file's rows, parsed one line at a time into float64 blocks.

    The first line holding data (the header, if there is one) says how cells
    are separated: commas (read by ``csv``) if it has one, else spaces.
    """
    lines = _lines(f, limits)
    first = next(lines, None)
    if first is None:
        raise _error(limits.name, "no rows of numbers (the file is empty or only comments)")
    comma = "," in first[1]
    every = itertools.chain([first], lines)
    rows = _comma_cells(every, limits) if comma else ((n, text.split()) for n, text in every)
    table = _TextTable(limits, comma, header)
    for number, cells in rows:
        table.add(number, cells)
    if table.blocks is None:
        raise _error(limits.name, "no rows of numbers (the file holds only its header)")
    return table.blocks.array()


# -- writing -----------------------------------------------------------------------------


def csv_text(rows: Iterable[Sequence[float | int]], names: Sequence[str] | None = None) -> str:
    """Rows of numbers as CSV text (a header of ``names`` first) that ``read_rows`` reads back
    exactly: a float as its shortest round-trip repr, an int (or NumPy integer) as itself."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if names is not None:
        writer.writerow(names)
    for row in rows:
        writer.writerow([_cell_text(v) for v in row])
    return out.getvalue()


def _cell_text(value: float | int) -> str:
    """One number as ``csv_text`` writes it."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"csv_text: expected numbers, got {value!r}")
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)) and math.isfinite(value):
        return repr(float(value))
    raise ValueError(f"csv_text: expected finite numbers, got {value!r:.40}")
