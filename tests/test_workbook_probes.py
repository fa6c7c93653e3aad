"""What a check looks at beyond one call on the worked example (``checks.probes``), the warnings
and lines of the learner's code (``traces``), and a check's findings kept as they are made.

The exercises' broken solutions that these catch (a list changed in place, an
argument ignored, state kept between calls, a NumPy warning) are in the
broken-solution tables; here each probe is held to what it promises, and no
check of the first twelve exercises makes a warning of its own.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from workbook.broken_tensors import BROKEN as BROKEN_TENSORS
from workbook.reference import solution

import neuronlab
from neuronlab.workbook.catalog import NUMBERS, exercise
from neuronlab.workbook.checks.arrays import scaled
from neuronlab.workbook.checks.probes import (
    Watch,
    argument_names,
    constant_answer,
    ignored_argument,
    mutable_default,
    not_checked,
    same,
    uses,
)
from neuronlab.workbook.findings import collecting, failed, found_so_far, passed
from neuronlab.workbook.sandbox import CheckContext, run_check
from neuronlab.workbook.traces import is_learners, warnings_finding

OURS = str(Path(neuronlab.__file__).resolve().parent)


# -- Watch: an argument changed in place ----------------------------------------------------


def test_watch_names_the_argument_a_call_changed_and_how() -> None:
    def total(weights, inputs):
        weights.append(0.0)
        return sum(weights)

    watched = Watch(total, "total")
    assert watched([1.0, 2.0], [3.0]) == 3.0, "the function's answer comes back"
    found = watched.changed()
    assert found is not None
    assert not found.ok
    assert found.message == (
        "total changed its argument weights in place: weights was [1, 2] before the call "
        "and [1, 2, 0] after"
    )
    assert found.details == ("the call: total([1, 2], [3])",)
    assert "the caller's list is theirs" in found.likely


def test_watch_of_arrays_and_dicts_says_where_they_changed() -> None:
    def shift(logits):
        logits -= logits.max()
        return logits

    arrays = Watch(shift, "softmax")
    arrays(np.array([[1.0, 3.0]]))
    found = arrays.changed()
    assert found is not None
    assert found.message.endswith("logits held 1 at [0, 0] before the call and -2 after")
    assert "wrote into the caller's array" in found.likely

    def square(v):
        v["h"] **= 2

    dicts = Watch(square, "backward")
    dicts({"h": np.array([3.0]), "x": np.array([1.0])})
    found = dicts.changed()
    assert found is not None
    assert found.message.endswith("v['h'] held 3 at [0] before the call and 9 after")


def test_watch_lets_alone_what_is_meant_to_change_and_what_did_not() -> None:
    def train(model, xs):
        model.append(len(xs))

    watched = Watch(train, "train", exempt=(0,))
    watched([], [1.0, 2.0])
    assert watched.changed() is None
    kept = Watch(lambda xs: sorted(xs), "sorted_copy")
    kept([3.0, float("nan"), 1.0])
    assert kept.changed() is None, "a list with nan in it equals its copy"


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        ([1.0, [2.0, math.nan]], [1.0, [2.0, math.nan]], True),
        ([1.0, 2.0], (1.0, 2.0), False),
        (np.array([1.0, np.nan]), np.array([1.0, np.nan]), True),
        (np.array([1.0, 2.0]), np.array([[1.0, 2.0]]), False),
        ({"a": np.zeros(2)}, {"a": np.zeros(2)}, True),
        ({"a": 1}, {"b": 1}, False),
        (np.array([1, 2]), np.array([1.0, 2.0]), False),
    ],
)
def test_same_compares_numbers_entry_by_entry(a, b, equal: bool) -> None:
    assert same(a, b) is equal


# -- an argument ignored, a function used, a mutable default --------------------------------


def test_ignored_argument_names_the_one_that_changes_nothing() -> None:
    def slope(f, x, h=0.001):
        return (f(x + 0.001) - f(x)) / 0.001

    args = (math.sin, 1.0, 0.1)
    assert ignored_argument(slope, args, {0: math.exp, 1: 2.0, 2: 0.01}) == "h"
    assert ignored_argument(lambda f, x, h: f(x + h), args, {0: math.exp, 2: 0.01}) == ""

    def raises(f, x, h):
        raise ValueError("no")

    assert ignored_argument(raises, args, {2: 0.01}) == ""
    assert argument_names(Watch(slope, "slope"), 4) == ["f", "x", "h", "argument 4"]


def test_uses_reads_the_names_a_function_calls_even_inside_a_comprehension() -> None:
    def predict(w, b, x):
        return 1

    def train(X):
        return [predict([0.0], 0.0, x) for x in X]

    def alone(X):
        return X

    assert uses(train, "predict")
    assert uses(Watch(train, "train"), "predict")
    assert not uses(alone, "predict")
    assert not uses(len, "predict")
    line = not_checked("train_perceptron", "predict")
    assert not line.ok
    assert line.message == "not checked: train_perceptron uses predict, which failed above"


def test_mutable_default_names_a_default_made_once() -> None:
    def backward(self, visited=set(), order=None):  # noqa: B006 - the mistake being named
        pass

    def fine(self, order=None, k=2):
        pass

    assert mutable_default(backward) == "visited=set()"
    assert mutable_default(fine) == ""
    assert mutable_default(print) == ""


def test_constant_answer_names_an_answer_written_in_and_nothing_else() -> None:
    cases = [([2.0, 6.0, 2.0], [1.0, 0.0, 1.0], 0.0), ([1.0], [3.0], -1.0)]
    said = constant_answer(lambda w, x, b: 4, cases)
    assert "it gives 4 whatever its inputs" in said
    assert "hard-coded" in said
    assert constant_answer(lambda w, x, b: sum(a * c for a, c in zip(w, x)) + b, cases) == ""
    assert constant_answer(lambda w, x, b: "4", cases) == ""  # not a number: not this mistake

    def raises(w, x, b):
        raise ValueError("no")

    assert constant_answer(raises, cases) == ""


def test_scaled_names_a_factor_too_many_only_when_every_entry_has_it() -> None:
    expected = np.array([[1.0, -2.0, 0.0], [4.0, 0.5, -3.0]])
    said = scaled(expected / 4, expected)
    assert said.startswith("every entry is 1/4 times the right one")
    assert "mean" in said
    assert scaled(expected * 2, expected).startswith("every entry is 2 times")
    assert scaled(expected, expected) == ""
    off = expected / 4
    off[1, 2] = 0.0  # one entry breaks the pattern
    assert scaled(off, expected) == ""
    assert scaled(np.zeros(3), np.zeros(3)) == ""
    assert scaled(expected[0], expected) == ""


# -- the findings of a check stopped half-way -----------------------------------------------


def test_findings_made_while_collecting_are_kept_once_without_a_retold_one() -> None:
    with collecting() as journal:
        first = passed("a + b works")
        inner = failed("m's _backward ran 2 times")
        outer = failed("a diamond: m's _backward ran 2 times")
    after = passed("made outside")
    assert journal == [first, inner, outer]
    assert after not in journal
    assert found_so_far([first, first, inner, outer]) == [first, outer]


# -- warnings and lines of the learner's code -----------------------------------------------


def test_a_warning_of_the_learners_file_is_a_failed_finding_naming_its_line(
    tmp_path: Path,
) -> None:
    mine = tmp_path / "03_sigmoid.py"
    mine.write_text("import numpy as np\n\ndef f(z):\n    return 1 / (1 + np.exp(-z))\n")
    names: dict = {}
    exec(compile(mine.read_text(), str(mine), "exec"), names)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        assert names["f"](np.float64(-1000.0)) == 0.0
        np.log(np.zeros(1))  # this file's, not the learner's: left out
    found = warnings_finding(caught, str(mine))
    assert found is not None
    assert not found.ok
    assert found.message == (
        "your code raised a warning while it was checked: RuntimeWarning: overflow "
        "encountered in exp"
    )
    assert found.details == (
        "RuntimeWarning: overflow encountered in exp, at line 4: return 1 / (1 + np.exp(-z))",
    )
    assert "come out right, by rounding" in found.likely
    assert warnings_finding(caught, str(tmp_path / "other.py")) is None


def test_the_learners_code_is_their_file_or_else_neither_ours_nor_pythons(tmp_path: Path) -> None:
    mine = tmp_path / "mine.py"
    mine.write_text("")
    assert is_learners(str(mine), str(mine))
    assert not is_learners(neuronlab.__file__, str(mine))
    assert is_learners("<cell>", None)
    assert not is_learners("<frozen os>", None)
    assert not is_learners(neuronlab.__file__, None)
    assert not is_learners(np.__file__, None)
    assert not is_learners(warnings.__file__, None)


# -- no warning of the checker's own --------------------------------------------------------


def _checked_quietly(number: str, text: str) -> list[str]:
    """The warnings neuronlab's own code raised while exercise ``number``'s check ran."""
    names: dict = {"__name__": f"solution_{number}"}
    exec(compile(text, f"<solution {number}>", "exec"), names)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = run_check(exercise(number), names, CheckContext())
    assert report.status == "", report.text()
    return [f"{w.filename}:{w.lineno}: {w.message}" for w in caught if w.filename.startswith(OURS)]


@pytest.mark.parametrize("number", NUMBERS[:12])
def test_no_check_makes_a_warning_of_its_own_on_the_reference(number: str) -> None:
    assert _checked_quietly(number, solution(number)) == []


def test_no_check_of_11_makes_a_warning_of_its_own_on_a_broken_solution() -> None:
    for broken in (b for b in BROKEN_TENSORS if b.exercise == "11"):
        said = _checked_quietly("11", broken.text(solution("11")))
        assert said == [], broken.mistake
