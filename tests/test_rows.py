"""read_rows: the inputs of ``neuronlab predict`` -- exact numbers in, every hostile file refused.

The hostile files are small; what they claim is huge.  The ones that once
cost memory (a header claiming 10¹² rows, /dev/zero, a large CSV) are read in
a child process whose address space is capped (RLIMIT_AS) a little above what
it uses after importing neuronlab, so a regression fails the test instead of
exhausting the machine.
"""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from child_process import run_limited as limited_child
from helpers import npy_header
from hypothesis import given
from hypothesis import strategies as st

from neuronlab.io.rows import MAX_LINE_BYTES, csv_text, parse_rows, read_rows

# -- what is read, exactly ----------------------------------------------------------------


def write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    "text",
    [
        "1,2.5,-3\n4,5e-1,6\n",
        "1, 2.5 , -3\r\n 4 ,5e-1,6\r\n",  # spaces around commas, Windows line ends
        "1 2.5 -3\n4\t5e-1   6\n",  # spaces and tabs
        "# x1,x2,x3\n\n1,2.5,-3\n\n# a comment\n4,0.5,6\n",  # comments and blank lines
        "\ufeff1,2.5,-3\n4,0.5,6",  # a spreadsheet's byte-order mark; no final newline
        '"1","2.5",-3\n4,"0.5", "6"\n',  # quoted numbers, as spreadsheets write them
        "1,2.5,-3,\n4,0.5,6,\n",  # a comma ending every row: an empty last column, not read
        '"1","2.5","-3",\r\n"4","0.5","6",\r\n',  # both, with Windows line ends
    ],
)
def test_text_rows_are_read_exactly(tmp_path, text):
    rows = read_rows(write(tmp_path, "x.csv", text))
    assert rows.dtype == np.float64
    assert rows.shape == (2, 3)
    assert rows.tolist() == [[1.0, 2.5, -3.0], [4.0, 0.5, 6.0]]


def test_one_text_row_and_one_column(tmp_path):
    assert read_rows(write(tmp_path, "a.csv", "7,8\n")).tolist() == [[7.0, 8.0]]
    assert read_rows(write(tmp_path, "b.txt", "1\n2\n3\n")).tolist() == [[1.0], [2.0], [3.0]]


def test_many_text_rows_span_blocks(tmp_path):
    """More rows than one float64 block holds: every row lands in place, in order."""
    X = np.arange(70_000 * 3, dtype=np.float64).reshape(70_000, 3) / 8
    path = tmp_path / "big.csv"
    np.savetxt(path, X, delimiter=",", fmt="%.17g", header="a,b,c")
    rows = read_rows(path)
    assert rows.shape == X.shape
    assert np.array_equal(rows, X)


@pytest.mark.parametrize(
    "array",
    [
        np.array([[1.5, -2.0], [3.0, 4.25]], dtype=np.float32),
        np.array([[1, 2], [3, 4]], dtype=np.int64),
        np.array([[1, 0], [0, 1]], dtype=np.uint8),
        np.array([[True, False]]),
        np.array([[1.5, -2.0], [3.0, 4.25]], dtype=">f8"),  # big-endian
        np.asfortranarray(np.array([[1.5, -2.0, 7.0], [3.0, 4.25, 8.0]])),
    ],
    ids=["float32", "int64", "uint8", "bool", "big-endian", "fortran"],
)
def test_npy_rows_are_read_exactly(tmp_path, array):
    path = tmp_path / "x.npy"
    np.save(path, array)
    rows = read_rows(path)
    assert rows.dtype == np.float64
    assert rows.flags.writeable
    assert rows.tolist() == array.astype(np.float64).tolist()


def test_a_1d_npy_is_one_row(tmp_path):
    np.save(tmp_path / "x.npy", np.array([0.25, 0.5, 1.0]))
    assert read_rows(tmp_path / "x.npy").tolist() == [[0.25, 0.5, 1.0]]


def test_the_format_is_read_from_the_bytes_not_the_name(tmp_path):
    np.save(tmp_path / "x.npy", np.ones((2, 2)))
    os.rename(tmp_path / "x.npy", tmp_path / "rows.csv")
    assert read_rows(tmp_path / "rows.csv").tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_columns_are_checked_when_asked(tmp_path):
    path = write(tmp_path, "x.csv", "1,2\n3,4\n")
    assert read_rows(path, columns=2).shape == (2, 2)
    with pytest.raises(ValueError, match=r"x.csv, line 1: 2 numbers; expected 3 per row"):
        read_rows(path, columns=3)
    np.save(tmp_path / "x.npy", np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"x.npy: 2 numbers; expected 64 per row"):
        read_rows(tmp_path / "x.npy", columns=64)


# -- hostile text -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,,2,3\n", r"line 1: an empty cell in '1,,2,3'"),
        ("1,2,\n3,4\n", r"line 2: does not end with a comma, but line 1 does; every row must"),
        ("1,2\n3,4,\n", r"line 2: ends with a comma, but line 1 does not; every row must end"),
        ("1,\n2\n", r"line 2: does not end with a comma, but line 1 does"),
        ("1,2,,\n", r"line 1: an empty cell in '1,2,'"),
        ('"",2\n', r"line 1: an empty cell"),
        ('1,"2\n', r"line 1: a badly quoted cell \(unexpected end of data\): a quoted cell closes"),
        ('"1",2\n"3" ,4\n', r"line 2: a badly quoted cell .* with a comma right after its closing"),
        ('1,"2\n3",4\n', r"line 1: a quote left open: a quoted cell closes on its line"),
        ('1,2\n3,"4\n', r"line 2: a badly quoted cell \(unexpected end of data\)"),
        ('"1,5",2\n', r"line 1: '1,5' is not a number \(expected numbers separated by commas"),
        ('"1.5" 2\n', r"line 1: '\"1.5\"' is not a number \(expected numbers separated by spaces"),
        ("1 2,3\n", r"line 1: '1 2' is not a number \(expected numbers separated by commas"),
        ("1 2\n3,4\n", r"line 2: '3,4' is not a number \(expected numbers separated by spaces"),
        ("1,2\n3,4,5\n", r"line 2: 3 numbers, but line 1 has 2; every row needs the same"),
        ("1,2,3\n4\n", r"line 2: 1 numbers, but line 1 has 3"),
        ("1,nan\n", r"line 1: NaN or an infinite number"),
        ("1,2\n3,inf\n", r"line 2: NaN or an infinite number"),
        ("1,-Infinity\n", r"line 1: NaN or an infinite number"),
        ("1,1e999\n", r"line 1: NaN or an infinite number"),
        ("size,location\n100,0.5\n", r"line 1: 'size' is not a number"),
        ("1;2;3\n", r"line 1: '1;2;3' is not a number"),
        ("0x10,2\n", r"line 1: '0x10' is not a number"),
        ("", r"x.csv: no rows of numbers \(the file is empty or only comments\)"),
        ("# only a comment\n\n   \n", r"no rows of numbers"),
    ],
)
def test_bad_text_is_refused_with_its_line(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        read_rows(write(tmp_path, "x.csv", text))


def test_a_header_row_is_skipped_only_when_asked_and_only_when_it_holds_no_number(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "x.csv", "x1,x2,label\n1,2,0\n3,4,1\n")
    assert read_rows(path, header=True).tolist() == [[1, 2, 0], [3, 4, 1]]
    with pytest.raises(ValueError, match=r"x.csv, line 1: 'x1' is not a number"):
        read_rows(path)
    spaced = write(tmp_path, "y.txt", "# made by hand\nx1 x2\n1 2\n")
    assert read_rows(spaced, header=True).tolist() == [[1, 2]]
    with pytest.raises(ValueError, match=r"x.csv: no rows of numbers \(the file holds only its"):
        read_rows(write(tmp_path, "x.csv", "x1,x2\n"), header=True)
    for text, line, bad in [("1,2,one\n", 1, "one"), ("x1,x2\nx1,x2\n", 2, "x1")]:
        with pytest.raises(ValueError, match=rf"x.csv, line {line}: '{bad}' is not a number"):
            read_rows(write(tmp_path, "x.csv", text), header=True)
    with pytest.raises(TypeError, match=r"read_rows\(header\): expected True or False, got int"):
        read_rows(path, header=1)  # type: ignore[arg-type]


def test_bytes_in_memory_are_read_as_a_file_is(tmp_path: Path) -> None:
    text = b"# a,b\n1,2\n3, 4\n"
    assert (
        parse_rows(text, "up.csv").tolist() == read_rows(write(tmp_path, "up.csv", text)).tolist()
    )
    np.save(tmp_path / "x.npy", np.eye(3))
    assert parse_rows((tmp_path / "x.npy").read_bytes(), "x.npy").tolist() == np.eye(3).tolist()
    assert len(text) == 15
    with pytest.raises(ValueError, match=r"^up.csv: 15 bytes; at most 14 are read$"):
        parse_rows(text, "up.csv", max_bytes=14)
    with pytest.raises(ValueError, match=r"^up.csv, line 3: more than 1 rows; split the file$"):
        parse_rows(text, "up.csv", max_rows=1)
    with pytest.raises(ValueError, match=r"^up.csv, line 2: 2 numbers; expected 3 per row$"):
        parse_rows(text, "up.csv", columns=3)
    with pytest.raises(TypeError, match=r"parse_rows\(content\): expected bytes, got str"):
        parse_rows("1,2", "up.csv")  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"parse_rows\(max_rows\): expected a whole number >= 1, got 0"
    ):
        parse_rows(text, "up.csv", max_rows=0)


finite = st.floats(allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(finite, st.integers(-(2**53), 2**53), finite), min_size=1, max_size=20))
def test_csv_text_is_read_back_exactly(rows):
    text = csv_text(rows, names=["x1", "label", "x2"])
    assert text.startswith("x1,label,x2\n")
    assert text.count("\n") == len(rows) + 1
    back = parse_rows(text.encode(), "rows.csv", header=True)
    assert back.tolist() == [[float(v) for v in row] for row in rows]


def test_csv_text_writes_ints_as_ints_and_refuses_what_is_not_a_finite_number():
    assert csv_text([[np.int64(2), 0.1, -0.0]]) == "2,0.1,-0.0\n"
    for bad, error in [(float("nan"), ValueError), (np.inf, ValueError), (True, TypeError)]:
        with pytest.raises(error, match="csv_text: expected"):
            csv_text([[1.0, bad]])


def test_binary_junk_is_not_text(tmp_path):
    path = write(tmp_path, "x.csv", b"1,2\n\xff\xfe\x00\x01\n")
    with pytest.raises(ValueError, match=r"x.csv, line 2: not UTF-8 text"):
        read_rows(path)


def test_a_huge_line_is_refused_before_it_is_split(tmp_path):
    path = write(tmp_path, "x.csv", "1," * (MAX_LINE_BYTES // 2 + 10) + "1\n")
    with pytest.raises(ValueError, match=r"line 1: a line longer than 1,048,576 bytes"):
        read_rows(path)


# -- hostile .npy files -------------------------------------------------------------------


def saved(tmp_path, array, name="x.npy", **kw):
    path = tmp_path / name
    np.save(path, array, **kw)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: saved(p, np.zeros((0,))), r"x.npy: an empty array \(shape \(0,\)\)"),
        (lambda p: saved(p, np.zeros((0, 3))), r"an empty array \(shape \(0, 3\)\)"),
        (lambda p: saved(p, np.zeros((3, 0))), r"an empty array \(shape \(3, 0\)\)"),
        (
            lambda p: saved(p, np.float64(2.0)),
            r"an array of shape \(\); expected \(rows, features\)",
        ),
        (lambda p: saved(p, np.zeros((2, 8, 8))), r"flatten each example"),
        (lambda p: saved(p, np.ones((2, 2), complex)), r"complex numbers \(complex128\)"),
        (lambda p: saved(p, np.array(["2020-01-01"], "M8[D]")), r"holds values of type '<M8\[D\]'"),
        (lambda p: saved(p, np.array([1], "m8[s]")), r"holds values of type '<m8\[s\]'"),
        (lambda p: saved(p, np.zeros(2, [("a", "f8"), ("b", "i4")])), r"holds values of type"),
        (lambda p: saved(p, np.array(["ab", "cd"])), r"holds values of type '<U2'"),
        (
            lambda p: saved(p, np.array([{"a": 1}, None], dtype=object), allow_pickle=True),
            r"pickled Python objects",
        ),
        (lambda p: saved(p, np.array([[1.0, np.nan]])), r"x.npy: row 0 holds NaN"),
        (lambda p: saved(p, np.array([[1.0], [2.0], [-np.inf]])), r"row 2 holds NaN or an inf"),
        # a header that claims 10¹² rows (16 TB) over 16 bytes of data
        (
            lambda p: write(p, "x.npy", npy_header((10**12, 2)) + bytes(16)),
            r"announces shape \(1000000000000, 2\) of float64 \(16,000,000,000,000 bytes\)",
        ),
        # a header that claims a little more than the file holds
        (lambda p: write(p, "x.npy", npy_header((100, 2)) + bytes(16)), r"x.npy: truncated"),
        (lambda p: write(p, "x.npy", npy_header((1, 2)) + bytes(24)), r"more bytes follow"),
        (lambda p: write(p, "x.npy", b"\x93NUMPY\x01\x00\xff\xff" + b"{" * 100), r"header"),
        (lambda p: write(p, "x.npy", b"1,2\n3,4\n"), r"x.npy: not a NumPy .npy file"),
    ],
)
def test_bad_npy_is_refused(tmp_path, make, message):
    with pytest.raises(ValueError, match=message):
        read_rows(make(tmp_path))


@pytest.mark.parametrize("name", ["x.npy", "x.npz", "x.csv"])
def test_an_npz_archive_is_refused_whatever_its_name(tmp_path, name):
    path = tmp_path / name
    with open(path, "wb") as f:
        np.savez(f, X=np.ones((2, 2)))
    assert zipfile.is_zipfile(path)
    with pytest.raises(ValueError, match=rf"{name}: a zip archive \(an .npz\?\), not rows"):
        read_rows(path)


# -- limits and paths ---------------------------------------------------------------------


def test_limits_on_bytes_rows_and_numbers(tmp_path):
    path = write(tmp_path, "x.csv", "1,2\n3,4\n5,6\n")
    assert read_rows(path, max_rows=3, max_numbers=6, max_bytes=12).shape == (3, 2)
    with pytest.raises(ValueError, match=r"x.csv: 12 bytes; at most 11 are read"):
        read_rows(path, max_bytes=11)
    with pytest.raises(ValueError, match=r"x.csv, line 3: more than 2 rows"):
        read_rows(path, max_rows=2)
    with pytest.raises(ValueError, match=r"x.csv, line 3: more than 5 numbers in all"):
        read_rows(path, max_numbers=5)
    npy = saved(tmp_path, np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"x.npy: more than 2 rows"):
        read_rows(npy, max_rows=2)
    with pytest.raises(ValueError, match=r"x.npy: more than 5 numbers"):
        read_rows(npy, max_numbers=5)


def test_arguments_are_checked(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", "1\n")
    with pytest.raises(TypeError, match=r"read_rows\(path\): expected a file path, got int"):
        read_rows(3)  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"read_rows\(max_rows\): expected a whole number >= 1, got 0"
    ):
        read_rows(path, max_rows=0)
    with pytest.raises(TypeError, match=r"read_rows\(columns\)"):
        read_rows(path, columns=2.0)  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError):
        read_rows(tmp_path / "missing.csv")


def test_only_regular_files_are_read(tmp_path):
    with pytest.raises(ValueError, match=r"expected a regular file, got a folder"):
        read_rows(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer: it is never read
    with pytest.raises(ValueError, match=r"pipe: expected a regular file, got a FIFO"):
        read_rows(fifo)


# -- memory, capped -------------------------------------------------------------------------

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the address space from /proc"
)


def run_limited(body: str, extra: int) -> str:
    """``child_process.run_limited`` with this file's imports done before the cap."""
    return limited_child(body, extra, setup="from neuronlab.io.rows import read_rows")


def refused_limited(path, extra: int = 64 << 20) -> str:
    return run_limited(
        f"""
        try:
            read_rows({str(path)!r})
        except ValueError as exc:
            print("ValueError:", exc)
        else:
            print("read")
        """,
        extra,
    )


@linux_only
def test_dev_zero_is_refused_without_reading():
    assert refused_limited("/dev/zero") == (
        "ValueError: read_rows: /dev/zero: expected a regular file, got a character device"
    )


@linux_only
def test_a_header_claiming_a_trillion_rows_costs_nothing(tmp_path):
    path = write(tmp_path, "x.npy", npy_header((10**12, 784)) + bytes(64))
    assert refused_limited(path).startswith("ValueError: x.npy: the .npy header announces")
    # within the byte limit, but far more than the file holds: read up to what is there
    path = write(tmp_path, "y.npy", npy_header((900_000, 16)) + bytes(64))
    assert refused_limited(path).startswith("ValueError: y.npy: truncated")


@linux_only
def test_a_large_csv_takes_about_its_result_in_memory(tmp_path):
    """2,000,000 numbers (7.6 MB of text, 16 MB as float64) read within 64 MB more.

    Python lists of floats and split strings would take ~200 MB: more than 10×
    the result.
    """
    rng = np.random.default_rng(0)
    X = rng.integers(0, 100, (40_000, 50)) / 10
    path = tmp_path / "big.csv"
    np.savetxt(path, X, delimiter=",", fmt="%g")
    assert path.stat().st_size > 7_000_000
    out = run_limited(
        f"""
        rows = read_rows({str(path)!r})
        print(rows.shape, float(rows.sum()))
        """,
        extra=64 << 20,
    )
    assert out == f"(40000, 50) {float(X.sum())}"
