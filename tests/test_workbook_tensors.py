"""Exercises 10-12 of the workbook: tensors, softmax cross-entropy and backprop by hand.

Every check runs as a learner's does, through ``sandbox.check_file`` in a child
process: the reference solution passes, the template as written is "not
implemented yet", and each usual mistake of ``workbook/broken_tensors.py``
fails with its own message.  The numbers each template promises in its
``__main__`` block are the reference solution's.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from helpers import said
from workbook.broken_tensors import BROKEN, Broken
from workbook.reference import solution

from neuronlab.workbook import check
from neuronlab.workbook.catalog import exercise, template_text
from neuronlab.workbook.checks.arrays import close, number_text, problem, worst_entry
from neuronlab.workbook.checks.backprop import GRADIENTS_12
from neuronlab.workbook.findings import NOT_IMPLEMENTED, Finding, Report
from neuronlab.workbook.sandbox import check_file

# each check runs in a child forked from a server that imported it once (warm_child.py)
pytestmark = pytest.mark.usefixtures("warm_checks")

NUMBERS = ("10", "11", "12")


Run = Callable[[str, str], Report]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """Check a text as exercise NUMBER's file, the way ``neuronlab workbook check`` does
    (each text once: the tests that look at the same report share it)."""
    reports: dict[tuple[str, str], Report] = {}

    def checked(number: str, text: str) -> Report:
        if (number, text) not in reports:
            e = exercise(number)
            path = tmp_path_factory.mktemp(f"exercise{number}") / e.file
            path.write_text(text, encoding="utf-8")
            reports[number, text] = check_file(e, path)
        return reports[number, text]

    return checked


def first_failure(report: Report) -> Finding:
    """The first finding that did not hold."""
    wrong = [f for f in report.findings if not f.ok]
    assert wrong, report.text()
    return wrong[0]


@pytest.mark.parametrize("number", NUMBERS)
def test_the_reference_solution_passes(number: str, run: Run) -> None:
    report = run(number, solution(number))
    assert report.passed, report.text()


@pytest.mark.parametrize("number", NUMBERS)
def test_the_template_as_written_is_not_implemented_yet(number: str, run: Run) -> None:
    report = run(number, template_text(exercise(number)))
    assert report.status == NOT_IMPLEMENTED, report.text()
    assert report.problem.startswith(f"{number}: "), report.problem
    assert "Traceback" not in report.text()


@pytest.mark.parametrize("broken", BROKEN, ids=lambda b: f"{b.exercise}: {b.mistake}")
def test_a_usual_mistake_gets_its_own_message(broken: Broken, run: Run) -> None:
    report = run(broken.exercise, broken.text(solution(broken.exercise)))
    assert report.status == "", report.text()
    assert not report.passed, report.text()
    text = said(first_failure(report))
    for words in broken.says:
        assert words in text, report.text()


def test_there_are_broken_solutions_for_every_exercise() -> None:
    for number in NUMBERS:
        assert sum(b.exercise == number for b in BROKEN) >= 3


# -- exercise 12's table -------------------------------------------------------------------


def rows_of(report: Report) -> list[Finding]:
    """The table's rows: one finding per gradient, in backward's order."""
    rows = [f for f in report.findings if re.match(r"d\w+ +\(", f.message)]
    assert [r.message.split()[0] for r in rows] == [f"d{g}" for g in GRADIENTS_12]
    return rows


def test_the_table_has_a_row_per_gradient_each_exact_or_close(run: Run) -> None:
    report = run("12", solution("12"))
    for row in rows_of(report):
        assert row.ok
        assert re.search(r"\) +(exact|close \(largest difference .+\))$", row.message)
    assert "second batch (n = 7" in report.findings[-2].message


def test_after_the_first_wrong_gradient_the_rows_point_back_to_it(run: Run) -> None:
    tanh = next(b for b in BROKEN if "tanh" in b.mistake)
    report = run("12", tanh.text(solution("12")))
    rows = {r.message.split()[0]: r for r in rows_of(report)}
    assert all(rows[f"d{g}"].ok for g in GRADIENTS_12[: GRADIENTS_12.index("h_pre")])
    assert re.search(r"expected -?[\d.e-]+, got -?[\d.e-]+ \(off by", said(rows["dh_pre"]))
    for later in ("dW1", "db1"):
        assert not rows[later].ok
        assert rows[later].details == ("after dh_pre, which is wrong: fix that one first",)


def test_gradients_left_as_none_are_not_written_yet_and_the_rest_are_checked(
    run: Run,
) -> None:
    text = solution("12")
    todo = GRADIENTS_12[GRADIENTS_12.index("h") :]
    for name in todo:
        text, count = re.subn(rf"(?m)^    d{name} = .*$", f"    d{name} = None", text)
        assert count == 1
    report = run("12", text)
    for row in rows_of(report):
        if row.message.split()[0][1:] in todo:
            assert not row.ok
            assert row.message.endswith("not written yet (None)")
        else:
            assert row.ok, row.message


def test_pytorch_agrees_with_the_reference_of_exercise_12(run: Run) -> None:
    pytest.importorskip("torch")
    report = run("12", solution("12"))
    assert report.findings[-1].message == "PyTorch's autograd gives the same gradients as yours"


def test_a_changed_forward_pass_is_named(run: Run) -> None:
    relu = solution("12").replace("h = np.tanh(h_pre)", "h = np.maximum(h_pre, 0)")
    report = run("12", relu)
    wrong = first_failure(report)
    assert wrong.message.startswith("h from forward(x, y, p) differs")
    assert "keep it as the template has it" in wrong.likely


# -- the templates' promises ---------------------------------------------------------------

_PRINT = re.compile(r"^(\s*)print\((.*)\)  # (.*)$")
_NUMBER = re.compile(r"-?\d+(?:\.\d*)?(?:e[-+]?\d+)?")


def promises(number: str) -> list[tuple[Any, str]]:
    """Each commented ``print`` of the template's main block: what the reference solution
    prints there, and the comment that says what it should be."""
    template = template_text(exercise(number))
    main = textwrap.dedent(template.split('if __name__ == "__main__":\n', 1)[1])
    lines = [_PRINT.sub(r"\1_seen.append(((\2), '''\3'''))", line) for line in main.splitlines()]
    names: dict[str, Any] = {"_seen": []}
    exec(compile(solution(number), "solution", "exec"), names)
    exec("\n".join(lines), names)
    return list(names["_seen"])


@pytest.mark.parametrize("number", NUMBERS)
def test_the_numbers_in_the_templates_are_the_reference_solutions(number: str) -> None:
    seen = promises(number)
    assert len(seen) >= 3
    for value, comment in seen:
        promised = re.split(r":| \(", comment, maxsplit=1)[0]
        numbers = [float(x) for x in _NUMBER.findall(promised)]
        got = np.asarray(value, dtype=float).ravel()
        assert got.size == len(numbers), (comment, value)
        assert np.allclose(got, numbers, rtol=1e-6, atol=1e-8), (comment, value)


def test_the_loss_the_template_prints_is_the_loss_the_check_names(run: Run) -> None:
    printed, said = promises("12")[0]
    assert said == "1.6076570739637486"
    assert float(printed) == pytest.approx(1.6076570739637486)
    forward = run("12", solution("12")).findings[0]
    assert forward.ok
    assert f"loss {number_text(float(printed), 10)} " in forward.message
    assert "the batch your file's main block makes (seed 0, n = 32)" in forward.message


# -- the comparison itself -----------------------------------------------------------------


def test_close_is_relative_to_the_largest_entry() -> None:
    expected = np.array([1.0, 1e-20])
    assert close(expected + 1e-10, expected)
    assert not close(expected + 1e-8, expected)
    assert not close(np.array([1.0, np.nan]), expected)
    assert not close(expected[None], expected)


def test_the_worst_entry_puts_nan_first() -> None:
    expected = np.zeros((2, 3))
    got = expected.copy()
    got[0, 1], got[1, 2] = 5.0, np.nan
    assert worst_entry(got, expected) == ((1, 2), 0.0, pytest.approx(np.nan, nan_ok=True))


@pytest.mark.parametrize(
    ("got", "says"),
    [
        (None, "is not an array of numbers but NoneType"),
        ("dW", "is not an array of numbers but str"),
        (np.zeros((3, 2)), "has shape (3, 2); expected (2, 3)"),
        (np.full((2, 3), np.inf), "has inf or nan where autograd's is finite"),
        (np.ones((2, 3)) * [[1, 1, 1], [1, 1, 2]], "differs from autograd's most at [1, 2]"),
    ],
)
def test_problem_says_what_is_wrong(got: Any, says: str) -> None:
    found = problem(got, np.ones((2, 3)), unstable="unstable")
    assert found is not None
    assert found[0].startswith(says)


def test_a_notebook_checks_functions_written_in_cells() -> None:
    names: dict[str, Any] = {}
    exec(compile(solution("10"), "cell", "exec"), names)
    report = check("10", names["matmul_backward"], names["broadcast_backward"], show=False)
    assert report.passed, report.text()
