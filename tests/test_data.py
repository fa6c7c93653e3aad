"""Real data: scikit-learn's digits with a stratified split, MNIST IDX files, the prep helpers."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from neuronlab import datasets
from neuronlab.data import digits, mnist, normalize, one_hot, read_idx, train_test_split

pytest.importorskip("sklearn")


# -- digits ---------------------------------------------------------------------


def test_digits_split_shapes_dtypes_and_range():
    X_train, X_test, y_train, y_test = digits()
    assert X_train.shape == (1347, 64) and X_test.shape == (450, 64)
    assert y_train.shape == (1347,) and y_test.shape == (450,)
    assert X_train.dtype == np.float64 and y_train.dtype == np.int64
    assert X_train.min() >= 0.0 and X_train.max() <= 1.0
    assert X_train.max() == 1.0  # 16/16: full ink is present
    assert set(np.unique(y_train)) == set(range(10)) == set(np.unique(y_test))


def test_digits_unsplit_is_the_whole_set_and_in_load():
    X, y = digits(split=False)
    assert X.shape == (1797, 64) and y.shape == (1797,)
    X2, y2 = datasets.load("digits")
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert "digits" in datasets.names()
    X[0, 0] = 99.0  # callers get copies: the cached set is untouched
    assert digits(split=False)[0][0, 0] == 0.0


def test_digits_split_is_a_partition_of_the_whole_set():
    X, y = digits(split=False)
    X_train, X_test, y_train, y_test = digits(seed=3)
    rows = {tuple(r) + (int(t),) for r, t in zip(X, y)}
    both = np.vstack([X_train, X_test])
    labels = np.concatenate([y_train, y_test])
    assert {tuple(r) + (int(t),) for r, t in zip(both, labels)} == rows
    assert len(both) == len(X)


def test_digits_split_is_stratified():
    _, _, y_train, y_test = digits(test_size=0.25, seed=1)
    _, y_all = digits(split=False)
    counts = np.bincount(y_all)
    test_counts = np.bincount(y_test, minlength=10)
    # every class gets its share of the test set, give or take the rounding
    assert np.all(np.abs(test_counts - counts * 450 / 1797) < 1)
    np.testing.assert_array_equal(test_counts + np.bincount(y_train, minlength=10), counts)


def test_digits_seeded():
    a = digits(seed=7)
    b = digits(seed=7)
    c = digits(seed=8)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[3], c[3])


def test_digits_test_size_as_count_and_fraction():
    _, X_test, _, _ = digits(test_size=100)
    assert len(X_test) == 100
    _, X_test, _, _ = digits(test_size=0.1)
    assert len(X_test) == 180  # ceil(179.7)


@pytest.mark.parametrize("test_size", [0, 1.0, 0.0, -0.1, 1797, 5000, 0.9999])
def test_digits_bad_test_size(test_size):
    with pytest.raises(ValueError, match="test_size"):
        digits(test_size=test_size)


def test_digits_without_sklearn_names_the_extra(monkeypatch):
    import importlib.util
    import sys

    module = sys.modules["neuronlab.data.digits"]  # the package's name `digits` is the function
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(module, "_cache", None)
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "sklearn" else real_find_spec(name, *a),
    )
    with pytest.raises(ImportError, match=r"pip install neuronlab\[data\]"):
        digits()


def test_digits_fallback_to_load_digits(monkeypatch):
    import sys

    module = sys.modules["neuronlab.data.digits"]
    monkeypatch.setattr(module, "_cache", None)
    monkeypatch.setattr(module, "_bundled_csv", lambda: None)
    X, y = digits(split=False)
    monkeypatch.setattr(module, "_cache", None)
    monkeypatch.undo()
    X2, y2 = digits(split=False)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)


# -- prep -----------------------------------------------------------------------


def test_train_test_split_stratified_keeps_shares_and_pairs():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], [50, 30, 20])
    X = np.column_stack([np.arange(100), y])  # column 1 repeats the label: pairs stay together
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=rng)
    np.testing.assert_array_equal(np.bincount(y_test), [10, 6, 4])
    np.testing.assert_array_equal(X_train[:, 1], y_train)
    np.testing.assert_array_equal(X_test[:, 1], y_test)
    assert sorted(np.concatenate([X_train[:, 0], X_test[:, 0]]).tolist()) == list(range(100))
    assert not np.all(np.diff(y_train) >= 0)  # shuffled, not sorted by class


def test_train_test_split_rounding_gives_exact_test_count():
    y = np.repeat([0, 1, 2], [7, 7, 7])
    X = np.arange(21.0)
    _, X_test, _, y_test = train_test_split(X, y, test_size=0.5, seed=0)
    assert len(X_test) == 11  # ceil(10.5)
    assert sorted(np.bincount(y_test).tolist()) == [3, 4, 4]


def test_train_test_split_unstratified_for_regression():
    X = np.arange(20.0)[:, None]
    y = X[:, 0] * 0.5 + 0.1
    with pytest.raises(ValueError, match="stratify=False"):
        train_test_split(X, y, test_size=0.25, seed=0)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, seed=0, stratify=False
    )
    assert len(X_test) == 5 and len(X_train) == 15
    np.testing.assert_array_equal(X_test[:, 0] * 0.5 + 0.1, y_test)


@pytest.mark.parametrize(
    ("X", "y", "kwargs", "exc", "match"),
    [
        (np.zeros((4, 2)), np.zeros(3), {}, ValueError, "4 examples but y has 3"),
        (np.zeros((4, 2)), [0, 0, 0, 1], {}, ValueError, "class 1 has only 1 example"),
        (np.zeros((6, 2)), [0, 1, 2, 0, 1, 2], {"test_size": 2}, ValueError, "3 classes"),
        (np.zeros((4, 2)), [0, 1, 0, 1], {"test_size": "half"}, TypeError, "test_size"),
        (np.zeros((1, 2)), [0], {}, ValueError, "at least 2"),
        (None, [0, 1], {}, TypeError, "expected an array"),
    ],
)
def test_train_test_split_errors(X, y, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        train_test_split(X, y, **kwargs)


def test_normalize_range_and_reference():
    X = np.array([[0.0, 5.0], [10.0, 2.5]])
    np.testing.assert_allclose(normalize(X), [[0.0, 0.5], [1.0, 0.25]])
    test = np.array([[20.0, -10.0]])
    np.testing.assert_allclose(normalize(test, reference=X), [[2.0, -1.0]])
    assert normalize(X, dtype=np.float32).dtype == np.float32
    np.testing.assert_array_equal(normalize(np.full((3, 2), 7.0)), np.zeros((3, 2)))


def test_normalize_standard_per_column():
    rng = np.random.default_rng(0)
    X = rng.normal(3.0, 2.0, (200, 3))
    X[:, 2] = 4.0  # a constant column is centred, not divided by zero
    Z = normalize(X, "standard")
    np.testing.assert_allclose(Z[:, :2].mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z[:, :2].std(axis=0), 1.0)
    np.testing.assert_array_equal(Z[:, 2], 0.0)
    Z_test = normalize(X[:5] + 1.0, "standard", reference=X)
    np.testing.assert_allclose(Z_test[:, :2], Z[:5, :2] + 1.0 / X[:, :2].std(axis=0))
    with pytest.raises(ValueError, match="must match"):
        normalize(X[:, :2], "standard", reference=X)


@pytest.mark.parametrize(
    ("X", "kwargs", "exc", "match"),
    [
        ([[1.0, np.nan]], {}, ValueError, "NaN"),
        ([], {}, ValueError, "non-empty"),
        ("abc", {}, TypeError, "array of numbers"),
        ([[1.0]], {"method": "minmax"}, ValueError, "range, standard"),
        ([[1.0]], {"dtype": np.int32}, TypeError, "float dtype"),
    ],
)
def test_normalize_errors(X, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        normalize(X, **kwargs)


def test_one_hot():
    Y = one_hot([2, 0, 1, 2])
    np.testing.assert_array_equal(Y, [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    assert Y.dtype == np.float64
    assert one_hot(np.array([[1], [0]]), 4).shape == (2, 4)
    assert one_hot([1.0, 0.0], dtype=np.float32).dtype == np.float32


@pytest.mark.parametrize(
    ("y", "n", "exc", "match"),
    [
        ([0, 3], 3, ValueError, "n_classes=3 but the labels go up to 3"),
        ([0, -1], None, ValueError, "whole numbers >= 0"),
        ([0.5, 1], None, ValueError, "whole numbers"),
        ([[0, 1], [1, 0]], None, ValueError, "shape"),
        ([], None, ValueError, "non-empty"),
        (["a", "b"], None, TypeError, "integer class labels"),
        ([0, 1], 2.0, TypeError, "n_classes"),
    ],
)
def test_one_hot_errors(y, n, exc, match):
    with pytest.raises(exc, match=match):
        one_hot(y, n)


# -- MNIST's IDX files ----------------------------------------------------------


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
    assert X.dtype == np.float32 and X.shape == (5, 12)
    np.testing.assert_allclose(X, images.reshape(5, -1) / 255.0, rtol=1e-6)
    assert X.min() >= 0 and X.max() <= 1
    assert y.dtype == np.int64
    np.testing.assert_array_equal(y, labels)
    X_raw, y_raw = mnist(str(tmp_path), kind, raw=True)
    assert X_raw.dtype == np.uint8 and X_raw.shape == (5, 4, 3)
    np.testing.assert_array_equal(X_raw, images)


def test_mnist_dotted_names_and_t10k_alias(tmp_path):
    images, labels = write_mnist(tmp_path, "test", dotted=True)
    X, y = mnist(tmp_path, "t10k", raw=True)
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
    assert out.dtype == dtype and out.dtype.isnative
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
        # a header announcing 4 billion images must fail on the size, not allocate them
        (
            "images",
            lambda: b"\x00\x00\x08\x03" + struct.pack(">3I", 2**32 - 1, 28, 28),
            "truncated",
        ),
    ],
)
@pytest.mark.parametrize("gz", [False, True])
def test_mnist_malformed_files(tmp_path, which, make, match, gz):
    content = make()
    name = _corrupt(tmp_path, which, gzip.compress(content) if gz else content, gz=gz)
    with pytest.raises(ValueError, match=match) as info:
        mnist(tmp_path)
    assert name in str(info.value) or "images" in str(info.value)


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
    with pytest.raises(ValueError, match="train-images-idx3-ubyte.gz"):
        mnist(tmp_path)
