"""MNIST's IDX files: read as written, plain or gzipped; every malformed or hostile file is a
clear ValueError naming it, found from the headers before any data is read.

Hostile files claim much and hold little; where a claim once made the reader
take gigabytes, the case runs in a child process whose address space is
capped (RLIMIT_AS) at 1 GiB above its use before reading.
"""

from __future__ import annotations

import gzip
import os
import re
import struct
import sys
import tracemalloc

import numpy as np
import pytest
from child_process import run_limited as limited_child

from neuronlab.data import mnist, read_idx
from neuronlab.data.mnist import MAX_IDX_BYTES, IdxHeader, read_idx_header


def idx_bytes(array: np.ndarray, code: int = 0x08) -> bytes:
    """An IDX file's bytes for ``array``, written the way the format describes."""
    dtype = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}[code]
    header = struct.pack(">BBBB", 0, 0, code, array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + np.asarray(array, dtype=dtype).tobytes()


def tiny_mnist(n: int = 5, rows: int = 4, cols: int = 3, seed: int = 0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, rows, cols), dtype=np.uint8)
    labels = rng.integers(0, 10, n, dtype=np.uint8)
    return images, labels


def write_mnist(folder, kind="train", gz=False, images=None, labels=None, dotted=False):
    if images is None:
        images, labels = tiny_mnist()
    prefix = "train" if kind == "train" else "t10k"
    sep = "." if dotted else "-"
    for stem, data in (
        (f"{prefix}-images{sep}idx3-ubyte", images),
        (f"{prefix}-labels{sep}idx1-ubyte", labels),
    ):
        content = idx_bytes(data)
        if gz:
            (folder / f"{stem}.gz").write_bytes(gzip.compress(content))
        else:
            (folder / stem).write_bytes(content)
    return images, labels


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("kind", ["train", "test"])
def test_mnist_reads_plain_and_gzipped(tmp_path, gz, kind):
    images, labels = write_mnist(tmp_path, kind, gz=gz)
    X, y = mnist(tmp_path, kind)
    assert X.dtype == np.float32
    assert X.shape == (5, 12)
    np.testing.assert_allclose(X, images.reshape(5, -1) / 255.0, rtol=1e-6)
    assert X.min() >= 0
    assert X.max() <= 1
    assert y.dtype == np.int64
    np.testing.assert_array_equal(y, labels)
    X_raw, _y_raw = mnist(str(tmp_path), kind, raw=True)
    assert X_raw.dtype == np.uint8
    assert X_raw.shape == (5, 4, 3)
    np.testing.assert_array_equal(X_raw, images)


def test_mnist_dotted_names_and_t10k_alias(tmp_path):
    images, _labels = write_mnist(tmp_path, "test", dotted=True)
    X, _y = mnist(tmp_path, "t10k", raw=True)
    np.testing.assert_array_equal(X, images)


def test_mnist_gzip_detected_by_content_not_name(tmp_path):
    images, _ = tiny_mnist()
    path = tmp_path / "images.idx"
    path.write_bytes(gzip.compress(idx_bytes(images)))
    np.testing.assert_array_equal(read_idx(path), images)


@pytest.mark.parametrize(
    ("code", "dtype"),
    [(0x09, np.int8), (0x0B, np.int16), (0x0C, np.int32), (0x0D, np.float32), (0x0E, np.float64)],
)
def test_read_idx_every_type_big_endian(tmp_path, code, dtype):
    data = np.arange(-3, 9).reshape(2, 3, 2).astype(dtype)
    path = tmp_path / "x.idx"
    path.write_bytes(idx_bytes(data, code))
    out = read_idx(path)
    assert out.dtype == dtype
    assert out.dtype.isnative
    np.testing.assert_array_equal(out, data)


def test_mnist_missing_folder_and_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="folder not found"):
        mnist(tmp_path / "nope")
    with pytest.raises(FileNotFoundError, match="train-images-idx3-ubyte"):
        mnist(tmp_path)
    write_mnist(tmp_path)
    (tmp_path / "train-labels-idx1-ubyte").unlink()
    with pytest.raises(FileNotFoundError, match="train-labels-idx1-ubyte"):
        mnist(tmp_path)
    with pytest.raises(NotADirectoryError):
        mnist(tmp_path / "train-images-idx3-ubyte")
    with pytest.raises(FileNotFoundError):
        read_idx(tmp_path / "nothing-here")


def test_mnist_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="'train' or 'test'"):
        mnist(tmp_path, "validation")
    with pytest.raises(TypeError, match="folder path"):
        mnist(42)


def _corrupt(tmp_path, which: str, content: bytes, gz: bool = False):
    write_mnist(tmp_path, gz=gz)
    stem = {"images": "train-images-idx3-ubyte", "labels": "train-labels-idx1-ubyte"}[which]
    name = stem + (".gz" if gz else "")
    (tmp_path / name).write_bytes(content)
    return name


def _images_bytes():
    images, _ = tiny_mnist()
    return idx_bytes(images)


@pytest.mark.parametrize(
    ("which", "make", "match"),
    [
        ("images", lambda: b"", "too short"),
        ("images", lambda: b"\x00\x00", "too short"),
        ("images", lambda: b"\x01\x02\x08\x03" + bytes(100), "bad magic number 0x01020803"),
        ("images", lambda: b"\x00\x00\x07\x03" + bytes(100), "bad magic"),
        ("images", lambda: b"\x00\x00\x08\x00", "bad magic"),
        ("images", lambda: _images_bytes()[:10], "truncated header"),
        ("images", lambda: _images_bytes()[:-1], "truncated.*only 59 bytes"),
        ("images", lambda: _images_bytes() + b"\x00", "more bytes follow"),
        ("images", lambda: idx_bytes(np.zeros((5, 12), np.uint8)), "3 dimensions"),
        ("images", lambda: idx_bytes(np.zeros((5, 4, 3), np.int16), 0x0B), "unsigned-byte"),
        ("images", lambda: idx_bytes(np.zeros((0, 4, 3), np.uint8)), "no images"),
        ("images", lambda: idx_bytes(np.zeros((6, 4, 3), np.uint8)), "6 images but .* 5 labels"),
        (
            "labels",
            lambda: idx_bytes(np.array([1, 2, 3, 10, 4], np.uint8)),
            "label 10 at position 3",
        ),
        ("labels", lambda: idx_bytes(np.zeros((5, 1), np.uint8)), "1 dimension"),
        # a header announcing 4 billion images fails on its claim, before reading anything
        (
            "images",
            lambda: b"\x00\x00\x08\x03" + struct.pack(">3I", 2**32 - 1, 28, 28),
            r"announces shape \(4294967295, 28, 28\) \(3,367,254,359,280 bytes",
        ),
        # labels announcing more than the images (within max_bytes): the mismatch, found
        # from the headers
        (
            "labels",
            lambda: b"\x00\x00\x08\x01" + struct.pack(">I", 2**25) + bytes(100),
            # plain: the file's size tells first; gzip: the images' count
            "only 100 bytes follow|holds 5 images but .* holds 33554432 labels",
        ),
    ],
)
@pytest.mark.parametrize("gz", [False, True])
def test_mnist_malformed_files(tmp_path, which, make, match, gz):
    content = make()
    name = _corrupt(tmp_path, which, gzip.compress(content) if gz else content, gz=gz)
    with pytest.raises(ValueError, match=match) as info:
        mnist(tmp_path)
    assert str(tmp_path / name) in str(info.value)


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # cut in the middle of the compressed stream
        lambda b: b[:-4],  # trailer cut
        lambda b: b[:12] + bytes(len(b) - 12),  # compressed data zeroed
    ],
)
def test_mnist_corrupt_gzip(tmp_path, damage):
    packed = gzip.compress(_images_bytes())
    _corrupt(tmp_path, "images", damage(packed), gz=True)
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte\.gz"):
        mnist(tmp_path)


def test_mnist_reads_more_than_one_chunk(tmp_path):
    images, labels = tiny_mnist(n=2000, rows=28, cols=28, seed=3)  # 1.5 MB: read in chunks
    write_mnist(tmp_path, gz=True, images=images, labels=labels)
    X, y = mnist(tmp_path, raw=True)
    np.testing.assert_array_equal(X, images)
    np.testing.assert_array_equal(y, labels)


def test_read_idx_header():
    from io import BytesIO

    f = BytesIO(idx_bytes(np.zeros((7, 2, 3), np.int16), 0x0B))
    header = read_idx_header(f, "x.idx")
    assert header == IdxHeader((7, 2, 3), np.dtype(">i2"))
    assert header.nbytes == 84
    assert header.header_bytes == 16
    assert f.tell() == 16
    claim = BytesIO(b"\x00\x00\x0e\x01" + struct.pack(">I", MAX_IDX_BYTES // 8 + 1))
    with pytest.raises(
        ValueError, match=r"x.idx: the header announces .* more than max_bytes=67,108,864; "
    ):
        read_idx_header(claim, "x.idx")
    exact = BytesIO(b"\x00\x00\x0e\x01" + struct.pack(">I", MAX_IDX_BYTES // 8))
    assert read_idx_header(exact, "x.idx").nbytes == MAX_IDX_BYTES
    claim.seek(0)
    assert read_idx_header(claim, "x.idx", max_bytes=MAX_IDX_BYTES + 8).nbytes == MAX_IDX_BYTES + 8


def test_the_default_bound_holds_real_mnist_with_room_to_spare():
    """MNIST's largest file, the 60,000 training images, holds 47,040,000 bytes of data."""
    assert 60_000 * 28 * 28 == 47_040_000 < MAX_IDX_BYTES <= 2 * 47_040_000
    header = b"\x00\x00\x08\x03" + struct.pack(">3I", 60_000, 28, 28)
    from io import BytesIO

    assert read_idx_header(BytesIO(header), "train-images").nbytes == 47_040_000


def test_an_honest_claim_beyond_the_bound_is_refused_before_anything_is_allocated(tmp_path):
    """A 1 MB gzip whose header claims 2³⁰ labels, and holds them: reading it would once take
    2 GB.  The claim is refused on the header, naming it and how to raise the bound, with
    a few kilobytes allocated (measured by tracemalloc, which sees NumPy's buffers too)."""
    path = tmp_path / "labels-idx1-ubyte.gz"
    path.write_bytes(gzip_bomb(b"\x00\x00\x08\x01" + struct.pack(">I", 1 << 30), 1024))
    assert path.stat().st_size < 2 << 20
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="the header announces") as info:
            read_idx(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(info.value) == (
        f"{path}: the header announces shape (1073741824,) (1,073,741,824 bytes of data), "
        "more than max_bytes=67,108,864; if the file really holds that much, raise the bound: "
        "read_idx(path, max_bytes=...) or mnist(folder, max_bytes=...)"
    )
    assert peak < 1 << 20, peak


def test_max_bytes_raises_or_lowers_the_bound(tmp_path):
    labels = np.arange(100, dtype=np.uint8) % 10
    path = tmp_path / "labels.idx"
    path.write_bytes(idx_bytes(labels))
    with pytest.raises(
        ValueError, match=r"shape \(100,\) \(100 bytes of data\), more than max_bytes=99;"
    ):
        read_idx(path, max_bytes=99)
    np.testing.assert_array_equal(read_idx(path, max_bytes=100), labels)
    write_mnist(tmp_path, images=np.zeros((100, 2, 2), np.uint8), labels=labels)
    with pytest.raises(ValueError, match="train-images-idx3-ubyte: the header announces"):
        mnist(tmp_path, max_bytes=399)
    assert mnist(tmp_path, max_bytes=400, raw=True)[0].shape == (100, 2, 2)


@pytest.mark.parametrize(
    ("bound", "error", "match"),
    [
        (0, ValueError, "expected a whole number >= 1, got 0"),
        (1.5, TypeError, "got float"),
        (True, TypeError, "got bool"),
    ],
)
def test_max_bytes_must_be_a_positive_whole_number(tmp_path, bound, error, match):
    write_mnist(tmp_path)
    with pytest.raises(error, match=rf"read_idx\(max_bytes\): .*{match}"):
        read_idx(tmp_path / "train-labels-idx1-ubyte", max_bytes=bound)
    with pytest.raises(error, match=rf"mnist\(max_bytes\): .*{match}"):
        mnist(tmp_path, max_bytes=bound)


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_an_idx_path_that_is_not_a_regular_file(tmp_path, kind):
    write_mnist(tmp_path)
    path = tmp_path / "train-labels-idx1-ubyte"
    path.unlink()
    if kind == "folder":
        path.mkdir()
    elif hasattr(os, "mkfifo"):
        os.mkfifo(path)  # nobody writes to it: reading it would wait forever
    else:
        pytest.skip("no FIFOs here")
    with pytest.raises(ValueError, match=f"{re.escape(str(path))}: expected a regular file"):
        mnist(tmp_path)
    with pytest.raises(ValueError, match="expected a regular file"):
        read_idx(path)


def gzip_bomb(header: bytes, mib: int) -> bytes:
    """A gzip file of ``header`` and then ``mib`` MiB of zeros, about 1 KB per MiB: one
    gzip member per MiB (gzip readers read members one after another)."""
    return gzip.compress(header) + gzip.compress(bytes(1 << 20), 9) * mib


def run_limited(body: str, extra: int = 1 << 30) -> str:
    """``child_process.run_limited`` with this file's imports done before the cap."""
    return limited_child(body, extra, setup="from neuronlab.data import mnist")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_labels_announcing_a_billion_are_refused_before_reading(tmp_path):
    """A 1 MB gzip of 2³⁰ labels next to 5 images, with the bound raised to allow them: once
    read whole (gigabytes) before the mismatch was reported; now the headers disagree and
    nothing more is read."""
    images, _ = tiny_mnist()
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_bytes(images)))
    labels = tmp_path / "train-labels-idx1-ubyte.gz"
    labels.write_bytes(gzip_bomb(b"\x00\x00\x08\x01" + struct.pack(">I", 1 << 30), 1024))
    assert labels.stat().st_size < 2 << 20
    out = run_limited(
        f"""
        try:
            mnist({str(tmp_path)!r}, max_bytes=1 << 31)
        except ValueError as exc:
            print(exc)
        """
    )
    assert re.fullmatch(
        f"{re.escape(str(tmp_path))}/train-images-idx3-ubyte.gz holds 5 images but "
        f"{re.escape(str(labels))} holds 1073741824 labels; they must match one to one",
        out,
    ), out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_gzip_with_more_data_than_announced_is_read_no_further(tmp_path):
    """5 images announced, then a gigabyte of zeros: refused after the first extra byte."""
    images, _labels = write_mnist(tmp_path)
    bomb = gzip_bomb(idx_bytes(images), 1024)
    (tmp_path / "train-images-idx3-ubyte").unlink()
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(bomb)
    out = run_limited(
        f"""
        try:
            mnist({str(tmp_path)!r})
        except ValueError as exc:
            print(exc)
        """
    )
    assert out.startswith(f"{tmp_path}/train-images-idx3-ubyte.gz: more bytes follow"), out
