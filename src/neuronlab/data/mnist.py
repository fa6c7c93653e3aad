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
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib
from typing import IO, Any

import numpy as np

__all__ = ["mnist", "read_idx", "IDX_TYPES", "MNIST_FILES"]

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

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20


def _read_up_to(f: IO[bytes], n: int) -> bytes:
    """At most ``n`` bytes from ``f`` (fewer at the end), read in chunks so that a
    header announcing absurd sizes never allocates more than the file holds."""
    parts = []
    remaining = n
    while remaining > 0:
        block = f.read(min(remaining, _CHUNK))
        if not block:
            break
        parts.append(block)
        remaining -= len(block)
    return b"".join(parts)


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """The array stored in one IDX file (gzipped or not: recognised by its first bytes).

    Checks the magic number (two zero bytes, a known type code, 1–255
    dimensions), that the data is exactly as long as the sizes say, and
    nothing follows it.  Returns a native-endian array of the stored type.
    Raises FileNotFoundError for a missing file and ValueError, naming the
    file and what is wrong, for a truncated, corrupt or malformed one.
    """
    path = os.fspath(path)
    name = os.path.basename(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"IDX file not found: {path}")
    with open(path, "rb") as raw:
        compressed = raw.read(2) == _GZIP_MAGIC
    try:
        with gzip.open(path, "rb") if compressed else open(path, "rb") as f:
            return _parse_idx(f, name)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise ValueError(f"{name}: the gzip data is truncated or corrupt ({exc})") from None


def _parse_idx(f: IO[bytes], name: str) -> np.ndarray:
    head = _read_up_to(f, 4)
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
    size_bytes = _read_up_to(f, 4 * ndim)
    if len(size_bytes) < 4 * ndim:
        raise ValueError(
            f"{name}: truncated header: {ndim} dimension sizes announced, "
            f"only {len(size_bytes)} of their {4 * ndim} bytes present"
        )
    dims = struct.unpack(f">{ndim}I", size_bytes)
    dtype = IDX_TYPES[code]
    count = 1
    for d in dims:
        count *= d
    expected = count * dtype.itemsize
    data = _read_up_to(f, expected)
    if len(data) < expected:
        raise ValueError(
            f"{name}: truncated: the header announces shape {dims} ({expected} bytes of data), "
            f"but only {len(data)} bytes follow"
        )
    if f.read(1):
        raise ValueError(
            f"{name}: malformed: more bytes follow the {expected} bytes of data that "
            f"shape {dims} announces"
        )
    arr = np.frombuffer(data, dtype=dtype).reshape(dims)
    return arr.astype(dtype.newbyteorder("="))


def _find(folder: str, stem: str) -> str:
    """The path of ``stem`` in ``folder``: plain or ``.gz``, ``-idx`` or ``.idx`` spelling."""
    dotted = stem.replace("-idx", ".idx")
    candidates = [stem, stem + ".gz", dotted, dotted + ".gz"]
    for candidate in candidates:
        path = os.path.join(folder, candidate)
        if os.path.isfile(path):
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
) -> tuple[np.ndarray, np.ndarray]:
    """MNIST images and labels read from the IDX files in the folder ``path``.

    kind: "train" (train-* files, 60,000 images) or "test" (t10k-* files, 10,000).
    Returns ``(X, y)``: X float32 of shape (n, rows·cols) with pixels divided by
    255 into [0, 1] (``raw=True``: the stored uint8 images, shape (n, rows, cols)),
    y int64 digits 0..9.  Checks each file's magic number and sizes, that
    there are as many labels as images and that every label is a digit.
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
    image_stem, label_stem = MNIST_FILES[kind]
    image_path = _find(folder, image_stem)
    label_path = _find(folder, label_stem)
    images = read_idx(image_path)
    labels = read_idx(label_path)
    _check_mnist(images, labels, os.path.basename(image_path), os.path.basename(label_path))
    y = labels.astype(np.int64)
    if raw:
        return images, y
    X = images.reshape(len(images), -1).astype(np.float32)
    X /= 255.0
    return X, y


def _check_mnist(images: Any, labels: Any, image_name: str, label_name: str) -> None:
    if images.dtype != np.uint8 or images.ndim != 3:
        raise ValueError(
            f"{image_name}: expected unsigned-byte images with 3 dimensions (count, rows, "
            f"columns), got {images.dtype} values with shape {images.shape}"
        )
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise ValueError(
            f"{label_name}: expected unsigned-byte labels with 1 dimension (count), "
            f"got {labels.dtype} values with shape {labels.shape}"
        )
    if len(images) == 0 or images.shape[1] == 0 or images.shape[2] == 0:
        raise ValueError(f"{image_name}: holds no images (shape {images.shape})")
    if len(images) != len(labels):
        raise ValueError(
            f"{image_name} holds {len(images)} images but {label_name} holds {len(labels)} "
            "labels; they must match one to one"
        )
    if labels.max() > 9:
        bad = int(np.flatnonzero(labels > 9)[0])
        raise ValueError(
            f"{label_name}: label {int(labels[bad])} at position {bad} is not a digit 0..9"
        )
