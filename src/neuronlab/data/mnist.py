"""MNIST from the user's own folder: the four standard IDX files, gzipped or not.

neuronlab downloads nothing.  Put the files (from any MNIST mirror) in a folder::

    train-images-idx3-ubyte.gz   train-labels-idx1-ubyte.gz
    t10k-images-idx3-ubyte.gz    t10k-labels-idx1-ubyte.gz

and call ``mnist(folder)`` for the 60,000 training images or
``mnist(folder, "test")`` for the 10,000 test images.  Unzipped files, and the
``train-images.idx3-ubyte`` spelling some mirrors use, are found too.
Fashion-MNIST uses the same file names and format, so it loads the same way.

The IDX format (LeCun's) is a tiny header and then the raw numbers::

    magic: 0x00 0x00 <type code> <number of dimensions d>
    d sizes, each a big-endian unsigned 32-bit int
    the values, big-endian, last dimension varying fastest

Images are type 0x08 (unsigned byte) with 3 dimensions (count, rows, columns);
labels are type 0x08 with 1 dimension (count).

Headers are not trusted.  ``mnist`` reads both headers first and checks them
against each other (as many labels as images) and against the files' sizes
(for gzip, against the bytes decompressed so far, never reading past the
announced size), before it reads any data; no file may announce more than
``max_bytes`` of data (a keyword of ``read_idx`` and ``mnist``; by default
``MAX_IDX_BYTES``, 64 MiB: MNIST's largest file holds 47 MB), checked on the
header before anything is allocated or decompressed, so memory and time stay
bounded whatever a header claims.  A larger set in the same format (EMNIST's
training images hold 550 MB) is read by raising the bound:
``read_idx(path, max_bytes=2**30)``.  A path that is not a regular
file (a folder, a FIFO) is refused unread.  Every error names the file.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import struct
import zlib
from collections.abc import Iterator
from typing import IO, NamedTuple, cast

import numpy as np

from ..util.checks import whole_number
from ..util.files import open_regular, read_announced, read_up_to

__all__ = [
    "IDX_TYPES",
    "MAX_IDX_BYTES",
    "MNIST_FILES",
    "IdxHeader",
    "mnist",
    "read_idx",
    "read_idx_header",
]

#: IDX type code -> the NumPy dtype of the values (big-endian, as stored).
IDX_TYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

#: kind -> (images file stem, labels file stem), as the MNIST site names them.
MNIST_FILES: dict[str, tuple[str, str]] = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}

#: The most data one IDX file may announce by default, in bytes: 64 MiB, MNIST's largest file
#: (the training images, 47,040,000 bytes of data) with a third to spare.  ``max_bytes=`` raises it.
MAX_IDX_BYTES = 1 << 26

_GZIP_MAGIC = b"\x1f\x8b"


class IdxHeader(NamedTuple):
    """What an IDX header announces: the sizes of each dimension and the stored dtype."""

    dims: tuple[int, ...]
    dtype: np.dtype

    @property
    def nbytes(self) -> int:
        """How many bytes of data follow the header."""
        count = 1
        for d in self.dims:
            count *= d
        return count * self.dtype.itemsize

    @property
    def header_bytes(self) -> int:
        """How long the header itself is: the magic number and one size per dimension."""
        return 4 + 4 * len(self.dims)


def read_idx_header(f: IO[bytes], name: str, max_bytes: int = MAX_IDX_BYTES) -> IdxHeader:
    """The header at the start of ``f``, checked; ``f`` is left at the first data byte.

    Raises ValueError, naming ``name``, for a bad magic number, a truncated
    header or more than ``max_bytes`` bytes of data announced.
    """
    max_bytes = whole_number(max_bytes, "read_idx(max_bytes)", minimum=1)
    head = bytes(read_up_to(f, 4))
    if len(head) < 4:
        raise ValueError(
            f"{name}: too short to be an IDX file ({len(head)} bytes; the header alone is 4)"
        )
    zero1, zero2, code, ndim = head
    if zero1 != 0 or zero2 != 0 or code not in IDX_TYPES or ndim == 0:
        raise ValueError(
            f"{name}: not an IDX file: bad magic number 0x{head.hex()} (expected 0x0000, a type "
            f"code among {', '.join(f'0x{c:02x}' for c in IDX_TYPES)}, and a dimension count >= 1)"
        )
    size_bytes = bytes(read_up_to(f, 4 * ndim))
    if len(size_bytes) < 4 * ndim:
        raise ValueError(
            f"{name}: truncated header: {ndim} dimension sizes announced, "
            f"only {len(size_bytes)} of their {4 * ndim} bytes present"
        )
    header = IdxHeader(struct.unpack(f">{ndim}I", size_bytes), IDX_TYPES[code])
    if header.nbytes > max_bytes:
        raise ValueError(
            f"{name}: the header announces shape {header.dims} ({header.nbytes:,} bytes of "
            f"data), more than max_bytes={max_bytes:,}; if the file really holds that much, "
            "raise the bound: read_idx(path, max_bytes=...) or mnist(folder, max_bytes=...)"
        )
    return header


@contextlib.contextmanager
def _open_idx(path: str, max_bytes: int) -> Iterator[tuple[IO[bytes], IdxHeader]]:
    """``path`` opened (gunzipped if it is gzip), with its header read and checked.

    For a plain file the data's length is checked against the file's size
    here, before anything is read; a gzip file's is checked while reading.
    """
    with open_regular(path, "read_idx") as raw:
        compressed = raw.read(2) == _GZIP_MAGIC
        raw.seek(0)
        with _gzip_errors(path):
            f = cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb")) if compressed else raw
            with f:
                header = read_idx_header(f, path, max_bytes)
                if not compressed:
                    _check_size(os.fstat(raw.fileno()).st_size, header, path)
                yield f, header


@contextlib.contextmanager
def _gzip_errors(path: str) -> Iterator[None]:
    try:
        yield
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise ValueError(f"{path}: the gzip data is truncated or corrupt ({exc})") from None


def _check_size(size: int, header: IdxHeader, path: str) -> None:
    """A plain file must hold exactly the header and the data it announces."""
    present = size - header.header_bytes
    if present < header.nbytes:
        raise ValueError(
            f"{path}: truncated: the header announces shape {header.dims} "
            f"({header.nbytes} bytes of data), but only {present} bytes follow"
        )
    if present > header.nbytes:
        raise ValueError(
            f"{path}: malformed: more bytes follow the {header.nbytes} bytes of data that "
            f"shape {header.dims} announces"
        )


def _read_data(f: IO[bytes], header: IdxHeader, path: str) -> np.ndarray:
    """The data after the header: exactly as long as announced, nothing after it."""
    with _gzip_errors(path):
        data = read_announced(f, header.nbytes, path, f"shape {header.dims}")
    arr = np.frombuffer(data, dtype=header.dtype).reshape(header.dims)
    return arr.astype(header.dtype.newbyteorder("="))


def read_idx(path: str | os.PathLike[str], *, max_bytes: int = MAX_IDX_BYTES) -> np.ndarray:
    """The array stored in one IDX file (gzipped or not: recognised by its first bytes).

    Checks the magic number (two zero bytes, a known type code, 1–255
    dimensions), that the data is exactly as long as the sizes say (for a
    plain file against its size, before reading it) and at most ``max_bytes``
    (default ``MAX_IDX_BYTES``, 64 MiB; checked on the header, before any
    data is allocated or decompressed), and that nothing follows it.  Returns a native-endian
    array of the stored type.  Raises FileNotFoundError for a missing file and
    ValueError, naming the file and what is wrong, for a truncated, corrupt or
    malformed one, or a path that is not a regular file.
    """
    path = os.fspath(path)
    max_bytes = whole_number(max_bytes, "read_idx(max_bytes)", minimum=1)
    if not os.path.exists(path):
        raise FileNotFoundError(f"IDX file not found: {path}")
    with _open_idx(path, max_bytes) as (f, header):
        return _read_data(f, header, path)


def _find(folder: str, stem: str) -> str:
    """The path of ``stem`` in ``folder``: plain or ``.gz``, ``-idx`` or ``.idx`` spelling."""
    dotted = stem.replace("-idx", ".idx")
    candidates = [stem, stem + ".gz", dotted, dotted + ".gz"]
    for candidate in candidates:
        path = os.path.join(folder, candidate)
        if os.path.exists(path):  # a folder or a FIFO of that name is refused when opened
            return path
    raise FileNotFoundError(
        f"MNIST file {stem}(.gz) not found in {folder} (looked for: {', '.join(candidates)}); "
        "download the four IDX files from an MNIST mirror into that folder"
    )


def mnist(
    path: str | os.PathLike[str],
    kind: str = "train",
    *,
    raw: bool = False,
    max_bytes: int = MAX_IDX_BYTES,
) -> tuple[np.ndarray, np.ndarray]:
    """MNIST images and labels read from the IDX files in the folder ``path``.

    kind: "train" (train-* files, 60,000 images) or "test" (t10k-* files, 10,000).
    Returns ``(X, y)``: X float32 of shape (n, rows·cols) with pixels divided by
    255 into [0, 1] (``raw=True``: the stored uint8 images, shape (n, rows, cols)),
    y int64 digits 0..9.  Both headers are read and checked against each
    other first (types, dimensions, as many labels as images) and against the
    files' sizes, so a file announcing more than it holds or than the other
    file fails before any data is read; then that every label is a digit.
    ``max_bytes``: the most data either file may announce (as for ``read_idx``).
    Every error names the file.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"mnist(path): expected a folder path, got {type(path).__name__}")
    folder = os.fspath(path)
    if not os.path.isdir(folder):
        if os.path.exists(folder):
            raise NotADirectoryError(
                f"mnist(path): expected the folder holding the IDX files, got a file: {folder}"
            )
        raise FileNotFoundError(f"mnist(path): folder not found: {folder}")
    if kind == "t10k":
        kind = "test"
    if kind not in MNIST_FILES:
        raise ValueError(f"mnist(kind): expected 'train' or 'test', got {kind!r}")
    if not isinstance(raw, bool):
        raise TypeError(f"mnist(raw): expected True or False, got {type(raw).__name__}")
    max_bytes = whole_number(max_bytes, "mnist(max_bytes)", minimum=1)
    image_path, label_path = (_find(folder, stem) for stem in MNIST_FILES[kind])
    with (
        _open_idx(image_path, max_bytes) as (image_file, image_header),
        _open_idx(label_path, max_bytes) as (label_file, label_header),
    ):
        _check_headers(image_header, label_header, image_path, label_path)
        images = _read_data(image_file, image_header, image_path)
        labels = _read_data(label_file, label_header, label_path)
    if labels.max() > 9:
        bad = int(np.flatnonzero(labels > 9)[0])
        raise ValueError(
            f"{label_path}: label {int(labels[bad])} at position {bad} is not a digit 0..9"
        )
    y = labels.astype(np.int64)
    if raw:
        return images, y
    X = images.reshape(len(images), -1).astype(np.float32)
    X /= 255.0
    return X, y


def _check_headers(images: IdxHeader, labels: IdxHeader, image_path: str, label_path: str) -> None:
    """Images and labels must be unsigned bytes of the right dimensions, one label per image."""
    if images.dtype != np.uint8 or len(images.dims) != 3:
        raise ValueError(
            f"{image_path}: expected unsigned-byte images with 3 dimensions (count, rows, "
            f"columns), got {images.dtype.newbyteorder('=')} values with shape {images.dims}"
        )
    if labels.dtype != np.uint8 or len(labels.dims) != 1:
        raise ValueError(
            f"{label_path}: expected unsigned-byte labels with 1 dimension (count), "
            f"got {labels.dtype.newbyteorder('=')} values with shape {labels.dims}"
        )
    if 0 in images.dims:
        raise ValueError(f"{image_path}: holds no images (shape {images.dims})")
    if images.dims[0] != labels.dims[0]:
        raise ValueError(
            f"{image_path} holds {images.dims[0]} images but {label_path} holds "
            f"{labels.dims[0]} labels; they must match one to one"
        )
