"""Exercises 01-04, 08 and 09 of the workbook: each check, run as the learner runs it.

For each exercise the reference solution (``workbook/reference``) passes, the
template as written is "not implemented yet", and every usual mistake of
``workbook/broken_basics.py`` fails with its own message: the numbers where
it differs and the likely mix-up.  Every check runs in the child process of
``sandbox.check_file``, with its limits.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from workbook.broken_basics import BROKEN, Broken
from workbook.reference import solution

from neuronlab.workbook.catalog import exercise, template_text
from neuronlab.workbook.checks.mistakes import likely, number, numbers_of, show
from neuronlab.workbook.findings import NOT_IMPLEMENTED, Report
from neuronlab.workbook.sandbox import check_file

# each check runs in a child forked from a server that imported it once (warm_child.py)
pytestmark = pytest.mark.usefixtures("warm_checks")

NUMBERS = ("01", "02", "03", "04", "08", "09")


def checked(number: str, text: str, folder: Path) -> Report:
    """Exercise ``number``'s check on a file holding ``text``, in the child process."""
    e = exercise(number)
    path = folder / e.file
    path.write_text(text, encoding="utf-8")
    return check_file(e, path)


@pytest.mark.parametrize("number", NUMBERS)
def test_the_reference_solution_passes(number: str, tmp_path: Path) -> None:
    report = checked(number, solution(number), tmp_path)
    assert report.passed, report.text()
    assert len(report.findings) >= 2


@pytest.mark.parametrize("number", NUMBERS)
def test_the_template_as_written_is_not_implemented_yet(number: str, tmp_path: Path) -> None:
    report = checked(number, template_text(exercise(number)), tmp_path)
    assert report.status == NOT_IMPLEMENTED, report.text()
    assert f"{number}: " in report.problem
    assert "is not written yet" in report.problem
    assert "line " in report.problem  # the learner's line that raised


@pytest.mark.parametrize("broken", BROKEN, ids=lambda b: f"{b.exercise}: {b.mistake}")
def test_each_usual_mistake_gets_its_own_message(broken: Broken, tmp_path: Path) -> None:
    report = checked(broken.exercise, broken.text(solution(broken.exercise)), tmp_path)
    assert not report.status, report.text()
    assert not report.passed, report.text()
    first = next(f for f in report.findings if not f.ok)
    said = "\n".join([first.message, *first.details, first.likely])
    for piece in broken.says:
        assert piece in said, report.text()
    assert first.likely, report.text()  # every usual mistake is named


def test_every_exercise_has_at_least_two_usual_mistakes() -> None:
    counts = {n: sum(b.exercise == n for b in BROKEN) for n in NUMBERS}
    assert min(counts.values()) >= 2, counts
    assert len({(b.exercise, b.mistake) for b in BROKEN}) == len(BROKEN)


def test_a_wrong_answer_is_matched_to_the_first_mistake_that_gives_it() -> None:
    mistakes = {"sum": 5.25, "half": 0.875, "also 5.25": 5.25}
    assert likely(5.25, mistakes) == "sum"
    assert likely(5.2500000001, mistakes) == "sum"  # to rounding
    assert likely(1.0, mistakes) == ""
    assert likely([1.0, 2.0], {"pair": [1.0, 2.0], "number": 1.0}) == "pair"
    assert likely([1.0, 2.0], {"longer": [1.0, 2.0, 3.0]}) == ""


def test_a_learners_answer_is_read_as_numbers_when_it_is_numbers() -> None:
    assert number(True) == 1.0
    assert number(np.float32(0.5)) == 0.5
    assert number(np.array([2.0])) == 2.0
    assert number("2") is None
    assert number(None) is None
    assert numbers_of(np.array([1, 2])) == [1.0, 2.0]
    assert numbers_of([1, "x"]) is None
    assert show(-8.0) == "-8"
    assert show([0.5, 2]) == "[0.5, 2]"
    assert show(0.8807970779778823) == ("0.880797")


def _broken(mistake: str) -> Broken:
    return next(b for b in BROKEN if b.mistake == mistake)


def test_a_function_that_uses_one_which_failed_is_not_checked_and_says_why(
    tmp_path: Path,
) -> None:
    wrong_predict = _broken("predict ignores the weights").text(solution("02"))
    report = checked("02", wrong_predict, tmp_path)
    assert [f.ok for f in report.findings] == [False, False], report.text()
    assert report.findings[1].message == (
        "not checked: train_perceptron uses predict, which failed above"
    )
    on_its_own = wrong_predict.replace(
        "error = target - predict(weights, bias, x)",
        "error = target - (1 if sum(w * xi for w, xi in zip(weights, x)) + bias > 0 else 0)",
    )
    report = checked("02", on_its_own, tmp_path)
    assert not report.findings[0].ok
    assert len(report.findings) > 2, report.text()
    assert all(f.ok for f in report.findings[1:]), report.text()


def test_new_kinds_of_mistake_have_their_entries() -> None:
    """Issue 14: a list changed in place, an argument ignored, the epochs at the limit, a
    warning that rounds right, the starting weights and an output kept between calls."""
    kinds = {
        "changed its argument": ("01", "02", "03", "04"),
        "ignores its argument": ("02", "04", "09"),
        "epoch": ("02",),
        "by rounding": ("03",),
        "Neuron(50)": ("08",),
        "kept from an earlier call": ("08",),
    }
    for words, exercises in kinds.items():
        for which in exercises:
            assert any(
                b.exercise == which and any(words in piece for piece in b.says) for b in BROKEN
            ), (words, which)
