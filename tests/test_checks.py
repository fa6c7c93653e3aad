"""util.checks: the one argument checker, its messages, and that nobody re-types it.

``whole_number`` decides once what a whole number is (ints and NumPy's
integers; never a bool, never a float, not even 3.0); every message is
``<where>: expected <this>, got <that>`` with what came written by
``describe``; the lab's field errors are the same messages with the field as
``where``.  The last tests read the source: no module but ``util/checks.py``
writes a whole-number check of its own.
"""

from __future__ import annotations

import ast
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from neuronlab.lab.inputs import whole_field
from neuronlab.lab.names_settings import NamesSettings
from neuronlab.lab.settings import LabInputError, LabSettings, field_value
from neuronlab.util.checks import describe, one_of, real_number, whole_number

SRC = Path(__file__).resolve().parent.parent / "src" / "neuronlab"
CHECKS = SRC / "util" / "checks.py"


# -- exact messages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "bounds", "error", "message"),
    [
        (True, {}, TypeError, "n: expected a whole number (int), got bool True"),
        (np.bool_(False), {}, TypeError, "n: expected a whole number (int), got bool np.False_"),
        (3.0, {}, TypeError, "n: expected a whole number (int), got float 3.0"),
        (
            np.float32(3),
            {},
            TypeError,
            "n: expected a whole number (int), got float32 np.float32(3.0)",
        ),
        (math.nan, {}, TypeError, "n: expected a whole number (int), got float nan"),
        ("3", {}, TypeError, "n: expected a whole number (int), got str '3'"),
        (None, {}, TypeError, "n: expected a whole number (int), got NoneType None"),
        (
            Fraction(3),
            {},
            TypeError,
            "n: expected a whole number (int), got Fraction Fraction(3, 1)",
        ),
        (0, {"minimum": 1}, ValueError, "n: expected a whole number >= 1, got 0"),
        (7, {"maximum": 5}, ValueError, "n: expected a whole number <= 5, got 7"),
        (
            10_001,
            {"minimum": 10, "maximum": 10_000},
            ValueError,
            "n: expected a whole number from 10 to 10,000, got 10001",
        ),
        (
            10**5000,
            {"maximum": 3},
            ValueError,
            "n: expected a whole number <= 3, got an int of about 10**5000",
        ),
    ],
    ids=lambda v: "huge" if isinstance(v, int) and v.bit_length() > 1024 else None,
)
def test_whole_number_messages(x, bounds, error, message):
    with pytest.raises(error) as info:
        whole_number(x, "n", **bounds)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("x", "bounds", "error", "message"),
    [
        (True, {}, TypeError, "lr: expected a number, got bool True"),
        (1j, {}, TypeError, "lr: expected a number, got complex 1j"),
        (np.complex64(1), {}, TypeError,
         "lr: expected a real number, got complex64 np.complex64(1+0j)"),
        (math.inf, {}, ValueError, "lr: expected a finite number, got inf"),
        (10**400, {}, ValueError, "lr: expected a finite number, got an int of about 10**400"),
        (math.nan, {"minimum": 0.0, "maximum": 10.0}, ValueError,
         "lr: expected a number from 0 to 10, got nan"),
        (0, {"minimum": 0.0, "maximum": 10.0, "strict": True}, ValueError,
         "lr: expected a number above 0 and at most 10, got 0"),
        (-0.5, {"minimum": 0.0}, ValueError, "lr: expected a number >= 0, got -0.5"),
        (0.0, {"minimum": 0.0, "strict": True}, ValueError, "lr: expected a number > 0, got 0.0"),
        (11, {"maximum": 10.0}, ValueError, "lr: expected a number <= 10, got 11"),
    ],
)  # fmt: skip
def test_real_number_messages(x, bounds, error, message):
    with pytest.raises(error) as info:
        real_number(x, "lr", **bounds)
    assert str(info.value) == message


def test_describe_says_the_kind_and_a_short_repr():
    assert describe("abc") == "str 'abc'"
    assert describe(np.zeros((2, 3), np.float32)) == "an array of dtype float32 and shape (2, 3)"
    assert describe(-(10**5000)) == "an int of about 10**5000"
    assert describe("x" * 100) == "str '" + "x" * 56 + "..."
    assert len(describe([1] * 1000)) == len("list ") + 60


def test_what_is_taken_comes_back_as_a_plain_int():
    for x in (3, np.int64(3), np.uint8(3), np.int8(3)):
        out = whole_number(x, "n", minimum=0, maximum=3)
        assert out == 3
        assert type(out) is int
    assert whole_number(10**5000, "n") == 10**5000  # a bound, not the type, limits the size


# -- every odd input, one rule ------------------------------------------------------------------

ODD = st.one_of(
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1).map(np.int64),
    st.integers(min_value=0, max_value=255).map(np.uint8),
    st.integers(min_value=-(2**24), max_value=2**24).map(np.float32),  # integral float32
    st.integers(min_value=-(10**6), max_value=10**6).map(float),  # 3.0 and its kind
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.none(),
    st.just(10**400),
    st.just(-(10**5000)),
)


@given(ODD, st.integers(-5, 5), st.integers(0, 10))
def test_one_rule_for_every_odd_input(x, low, span):
    high = low + span
    is_whole = isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))
    if not is_whole:
        with pytest.raises(TypeError) as info:
            whole_number(x, "k", minimum=low, maximum=high)
        assert str(info.value) == f"k: expected a whole number (int), got {describe(x)}"
        return
    if low <= int(x) <= high:
        assert whole_number(x, "k", minimum=low, maximum=high) == int(x)
        return
    came = int(x)
    shown = (
        str(came)
        if came.bit_length() <= 1024
        else f"an int of about 10**{math.floor(math.log10(abs(came)))}"
    )
    with pytest.raises(ValueError, match=r"^k: expected a whole number from ") as info:
        whole_number(x, "k", minimum=low, maximum=high)
    assert str(info.value) == f"k: expected a whole number from {low} to {high}, got {shown}"


def _finite(x: object) -> bool:
    try:
        return math.isfinite(float(x))  # type: ignore[arg-type]
    except OverflowError:  # an int beyond any float
        return False


@given(ODD)
def test_real_number_takes_finite_reals_and_nothing_else(x):
    if isinstance(x, (bool, np.bool_, str)) or x is None:
        with pytest.raises(TypeError, match=r"^r: expected a number, got "):
            real_number(x, "r")
    elif not _finite(x):
        with pytest.raises(ValueError, match=r"^r: expected a finite number, got "):
            real_number(x, "r")
    else:
        out = real_number(x, "r")
        assert type(out) is float
        assert out == float(x)


# -- the lab says the same ----------------------------------------------------------------------


def _message(check, *args, **kwargs) -> str:
    with pytest.raises((TypeError, ValueError)) as info:
        check(*args, **kwargs)
    return str(info.value)


@pytest.mark.parametrize("value", [9, 10_001, 3.0, True, "12", None, np.float32(12)])
def test_a_lab_setting_fails_with_the_library_message(value):
    expected = _message(whole_number, value, "points", minimum=10, maximum=10_000)
    with pytest.raises(LabInputError) as info:
        LabSettings().with_changes({"points": value})
    assert (info.value.field, str(info.value)) == ("points", expected)
    assert info.value.message == expected.removeprefix("points: ")


def test_the_lab_takes_numpy_integers_and_refuses_a_json_whole_float():
    assert LabSettings().with_changes({"points": np.int64(50)}).points == 50
    with pytest.raises(
        LabInputError, match=r"^context: expected a whole number \(int\), got float 4.0$"
    ):
        NamesSettings().with_changes({"context": 4.0})
    with pytest.raises(
        LabInputError, match=r"^count: expected a whole number \(int\), got float 3.0$"
    ):
        whole_field({"count": 3.0}, "count", 1, 1000)
    assert whole_field({"count": 3}, "count", 1, 1000) == 3


def test_names_lab_ranges_come_from_the_same_check():
    expected = _message(real_number, 100, "lr", minimum=1e-5, maximum=10.0)
    with pytest.raises(LabInputError) as info:
        NamesSettings().with_changes({"lr": 100})
    assert str(info.value) == expected == "lr: expected a number from 1e-05 to 10, got 100"


def test_field_value_turns_any_check_into_a_lab_error():
    with pytest.raises(LabInputError) as info:
        field_value(lambda v, f: one_of(v, ("a", "b"), f), "c", "mode")
    assert (info.value.field, info.value.message) == ("mode", "expected one of a, b, got 'c'")


# -- nobody re-types the whole-number check -----------------------------------------------------

BOOLS = {"bool", "bool_"}
INTEGERS = {"int", "integer", "Integral", "int64", "int32", "signedinteger", "unsignedinteger"}
REALS = {"float", "floating", "Real", "number", "Number", "complex", "Complex"}


def _type_names(node: ast.expr) -> set[str]:
    """The type names a class argument mentions: ``(bool, np.bool_)`` -> {"bool", "bool_"}."""
    if isinstance(node, ast.Tuple):
        return set().union(set(), *(_type_names(e) for e in node.elts))
    if isinstance(node, ast.Name):
        return {node.id}
    return {node.attr} if isinstance(node, ast.Attribute) else set()


def _type_tests(condition: ast.AST) -> list[set[str]]:
    """Each ``isinstance(x, T)`` and ``type(x) is T`` in a condition, as T's names."""
    tests = []
    for node in ast.walk(condition):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "isinstance":
            tests.append(_type_names(node.args[1]) if len(node.args) == 2 else set())
        elif (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Call)
            and getattr(node.left.func, "id", "") == "type"
        ):
            tests += [_type_names(right) for right in node.comparators]
    return tests


def _checks_whole_numbers(condition: ast.AST) -> bool:
    """A bool singled out beside an integer (not number) test, or a float taken if whole."""
    tests = _type_tests(condition)
    singles_out_bool = any(t & BOOLS and not t & INTEGERS for t in tests)
    asks_integer = any(t & INTEGERS and not t & (BOOLS | REALS) for t in tests)
    takes_whole_floats = any(
        isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "is_integer"
        for n in ast.walk(condition)
    ) and any("float" in t for t in tests)
    return (singles_out_bool and asks_integer) or takes_whole_floats


def hand_written_whole_number_checks(source: str) -> list[int]:
    """The lines where a condition (an if, an assert, an and/or, a filter) checks by hand."""
    lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.If, ast.IfExp, ast.While, ast.Assert)):
            conditions = [node.test]
        elif isinstance(node, ast.comprehension):
            conditions = list(node.ifs)
        elif isinstance(node, ast.BoolOp):
            conditions = [node]
        else:
            continue
        lines.update(c.lineno for c in conditions if _checks_whole_numbers(c))
    return sorted(lines)


def test_no_module_but_util_checks_writes_a_whole_number_check():
    found = {
        str(path.relative_to(SRC)): lines
        for path in sorted(SRC.rglob("*.py"))
        if path != CHECKS
        and (lines := hand_written_whole_number_checks(path.read_text(encoding="utf-8")))
    }
    assert found == {}, f"use neuronlab.util.checks.whole_number instead: {found}"


RETYPED = {
    "the classic": "if isinstance(n, bool) or not isinstance(n, int):\n    raise TypeError(n)",
    "NumPy too": "if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)): pass",
    "the other way round": "ok = isinstance(n, (int, np.integer)) and not isinstance(n, bool)",
    "type() is": "if type(n) is bool or not isinstance(n, numbers.Integral): pass",
    "in a filter": "sizes = [s for s in xs if isinstance(s, int) and not isinstance(s, bool)]",
    "in all()": "assert all(isinstance(s, int) and not isinstance(s, bool) for s in shape)",
    "whole floats": "if isinstance(v, float) and v.is_integer():\n    v = int(v)",
    "in a method": (
        "class A:\n    def f(self, k):\n"
        "        while not isinstance(k, int) or isinstance(k, bool):\n            k = int(k)"
    ),
}

NOT_CHECKERS = {
    "a number check": "if isinstance(x, bool) or not isinstance(x, (int, float)): pass",
    "a flag check": "if not isinstance(x, bool): pass",
    "a dispatch": "if isinstance(w, (bool, np.bool_, int, np.integer)): w = whole_number(w, 'w')",
    "a formatter": "text = 'yes' if isinstance(v, bool) else str(v)",
    "an odd power": "odd = y.is_integer() and int(y) % 2 == 1",
}


@pytest.mark.parametrize("source", RETYPED.values(), ids=RETYPED.keys())
def test_the_scan_catches_a_re_typed_checker(source):
    assert hand_written_whole_number_checks(source)


@pytest.mark.parametrize("source", NOT_CHECKERS.values(), ids=NOT_CHECKERS.keys())
def test_the_scan_leaves_other_type_tests_alone(source):
    assert hand_written_whole_number_checks(source) == []


# -- nobody re-types the real-number check ------------------------------------------------------

REAL_TYPES = {"float", "floating", "Real", "number", "Number"}
FINITENESS = {"isfinite", "isnan", "isinf"}


def _asks_a_real_number(condition: ast.AST) -> bool:
    """A bool singled out beside a test for a real type: ``isinstance(x, (int, float))``."""
    tests = _type_tests(condition)
    singles_out_bool = any(t & BOOLS and not t & (INTEGERS | REAL_TYPES) for t in tests)
    return singles_out_bool and any(t & REAL_TYPES and not t & BOOLS for t in tests)


def _argument_named(node: ast.expr, arguments: set[str]) -> bool:
    """``x`` or ``float(x)`` where x is one of the function's arguments."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "float" and node.args:
        node = node.args[0]
    return isinstance(node, ast.Name) and node.id in arguments


def _tests_finiteness(condition: ast.AST, arguments: set[str]) -> bool:
    """``math.isfinite(x)`` (or isnan, isinf, NumPy's) on an argument itself, not on an array.

    An array's test is read through ``.all()`` or ``.any()``: a call that is the
    receiver of an attribute is left alone.
    """
    receivers = {id(n.value) for n in ast.walk(condition) if isinstance(n, ast.Attribute)}
    return any(
        isinstance(n, ast.Call)
        and id(n) not in receivers
        and (getattr(n.func, "id", "") in FINITENESS or getattr(n.func, "attr", "") in FINITENESS)
        and len(n.args) == 1
        and _argument_named(n.args[0], arguments)
        for n in ast.walk(condition)
    )


def _refusals(function: ast.AST) -> list[ast.expr]:
    """The conditions in ``function`` that refuse: an if whose branch raises, an assert."""
    return [
        node.test
        for node in ast.walk(function)
        if isinstance(node, ast.Assert)
        or (
            isinstance(node, ast.If)
            and any(isinstance(n, ast.Raise) for stmt in node.body for n in ast.walk(stmt))
        )
    ]


def hand_written_real_number_checks(source: str) -> list[int]:
    """Lines where a function refuses an argument by a real-number test of its own.

    Two shapes of the one check: a bool singled out beside a real type, and a
    finiteness test on the argument itself, either in a condition that raises.
    Numeric code (a finiteness test on an array, or on a value computed inside)
    and formatters (a type test that chooses, not refuses) are left alone.
    """
    lines: set[int] = set()
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        arguments = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
        for condition in _refusals(function):
            if _asks_a_real_number(condition) or _tests_finiteness(condition, arguments):
                lines.add(condition.lineno)
    return sorted(lines)


def test_no_module_but_util_checks_writes_a_real_number_check():
    found = {
        str(path.relative_to(SRC)): lines
        for path in sorted(SRC.rglob("*.py"))
        if path != CHECKS
        and (lines := hand_written_real_number_checks(path.read_text(encoding="utf-8")))
    }
    assert found == {}, f"use neuronlab.util.checks.real_number instead: {found}"


RETYPED_REALS = {
    "the classic": (
        "def f(x):\n    if isinstance(x, bool) or not isinstance(x, (int, float)):\n"
        "        raise TypeError(x)"
    ),
    "numbers.Real": (
        "def f(x):\n    if isinstance(x, bool) or not isinstance(x, numbers.Real):\n"
        "        raise TypeError(x)"
    ),
    "NumPy too": (
        "def f(x):\n    if isinstance(x, (bool, np.bool_))"
        " or not isinstance(x, (float, np.number)):\n        raise TypeError(x)"
    ),
    "finiteness": (
        "def f(lr):\n    if not math.isfinite(lr) or lr <= 0:\n        raise ValueError(lr)"
    ),
    "finiteness of float(x)": (
        "def f(x):\n    if not np.isfinite(float(x)):\n        raise ValueError(x)"
    ),
    "in a method": (
        "class A:\n    def f(self, t):\n        if math.isnan(t):\n            raise ValueError(t)"
    ),
    "an assert": "def f(h):\n    assert math.isfinite(h)",
}

NOT_REAL_CHECKERS = {
    "a formatter": (
        "def f(v):\n    if isinstance(v, bool) or not isinstance(v, (int, float)):\n"
        "        return str(v)"
    ),
    "an array": "def f(a):\n    if not np.isfinite(a).all():\n        raise ValueError(a)",
    "a value computed inside": (
        "def f(xs):\n    total = sum(xs)\n"
        "    if not math.isfinite(total):\n        raise ValueError"
    ),
    "a finiteness test that chooses": "def f(v):\n    return v if math.isfinite(v) else None",
    "a whole-number dispatch": (
        "def f(t):\n    if isinstance(t, (bool, int, np.integer)):\n        raise TypeError(t)"
    ),
}


@pytest.mark.parametrize("source", RETYPED_REALS.values(), ids=RETYPED_REALS.keys())
def test_the_real_scan_catches_a_re_typed_checker(source):
    assert hand_written_real_number_checks(source)


@pytest.mark.parametrize("source", NOT_REAL_CHECKERS.values(), ids=NOT_REAL_CHECKERS.keys())
def test_the_real_scan_leaves_numeric_code_alone(source):
    assert hand_written_real_number_checks(source) == []


# -- one spelling of the caller's name ----------------------------------------------------------

#: Other spellings the caller's name once had.  ``field`` is not among them: a
#: lab field's name is also the JSON key ``field`` the page reads, and stays so.
OLD_SPELLINGS = {"who", "what", "context"}


def _message_prefixes(function: ast.AST) -> set[str]:
    """Names that start a raised f-string message: ``raise E(f"{x}: ...")`` or ``f"{x}(...)"``."""
    names = set()
    for node in ast.walk(function):
        if not (isinstance(node, ast.Raise) and node.exc is not None):
            continue
        for text in ast.walk(node.exc):
            if not (isinstance(text, ast.JoinedStr) and len(text.values) >= 2):
                continue
            first, after = text.values[0], text.values[1]
            if (
                isinstance(first, ast.FormattedValue)
                and isinstance(first.value, ast.Name)
                and isinstance(after, ast.Constant)
                and str(after.value).startswith((":", "("))
            ):
                names.add(first.value.id)
    return names


def callers_named_otherwise(source: str) -> list[tuple[str, str]]:
    """(function, parameter) pairs naming the caller otherwise than ``where``.

    A parameter named ``who`` anywhere, or one named ``what`` or ``context``
    that starts a raised message (the caller's name, as ``where`` is).
    """
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        parameters = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
        prefixes = _message_prefixes(function)
        found += [
            (function.name, p)
            for p in sorted(parameters & OLD_SPELLINGS)
            if p == "who" or p in prefixes
        ]
    return found


def test_the_caller_is_named_where_everywhere():
    found = {
        str(path.relative_to(SRC)): named
        for path in sorted(SRC.rglob("*.py"))
        if (named := callers_named_otherwise(path.read_text(encoding="utf-8")))
    }
    assert found == {}, f"name the caller's parameter `where`: {found}"


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("def f(x, who):\n    return x", [("f", "who")]),
        ("def f(x, what):\n    raise TypeError(f'{what}: expected a number')", [("f", "what")]),
        ("def f(x, context):\n    raise ValueError(f'{context}(x): bad')", [("f", "context")]),
        ("def f(x, what):\n    raise ValueError(f'expected {what}, got {x}')", []),
        ("def f(x, field):\n    raise ValueError(f'{field}: bad')", []),
        ("def f(x, where):\n    raise ValueError(f'{where}: bad')", []),
    ],
)  # fmt: skip
def test_the_spelling_scan_reads_what_it_should(source, found):
    assert callers_named_otherwise(source) == found
