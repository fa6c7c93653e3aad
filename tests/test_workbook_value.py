"""Workbook exercises 05-07, the learner's own Value: checked as the learner's file is checked.

The reference solutions pass; the templates as written are "not implemented
yet"; each usual mistake (``workbook/broken_value.py``) fails with its own
message; a wrong gradient comes with the two graphs drawn, the wrong node
marked, and explain()'s chain-rule line for it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import re
import runpy
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from workbook.broken_value import BROKEN, FILES, Broken
from workbook.reference import solution

from neuronlab import Value as Reference
from neuronlab.workbook import check
from neuronlab.workbook.catalog import exercise, template_text
from neuronlab.workbook.checks.graphs import (
    Pictures,
    Twin,
    as_reference,
    chain_rule_lines,
    learner_nodes,
    wrong_gradients,
)
from neuronlab.workbook.findings import NOT_IMPLEMENTED, Report
from neuronlab.workbook.sandbox import CheckContext, check_file, run_check

# each check runs in a child forked from a server that imported it once (warm_child.py)
pytestmark = pytest.mark.usefixtures("warm_checks")

NUMBERS = sorted(FILES)
RED = 'stroke="#d93025"'


def run(number: str, text: str, folder: Path) -> Report:
    """Check ``text`` as the learner's exercise file, in the child process, pictures beside it."""
    path = folder / FILES[number]
    path.write_text(text, encoding="utf-8")
    return check_file(exercise(number), path.resolve(), folder / "pictures")


def said(report: Report, text: str) -> bool:
    """A failed finding says ``text`` in its message, a detail or its likely mistake."""
    return any(
        not f.ok and (text in f.message or text in f.likely or any(text in d for d in f.details))
        for f in report.findings
    )


def learner_class(number: str) -> type:
    """The reference solution's Value class, loaded as a notebook would have it."""
    names: dict = {"__name__": f"solution_{number}"}
    exec(compile(solution(number), FILES[number], "exec"), names)
    return names["Value"]


@pytest.mark.parametrize("number", NUMBERS)
def test_the_reference_solution_passes(number, tmp_path):
    report = run(number, solution(number), tmp_path)
    assert report.passed, report.text()
    assert len(report.findings) >= 5
    assert not (tmp_path / "pictures").exists()  # nothing wrong, nothing drawn


@pytest.mark.parametrize("number", NUMBERS)
def test_the_template_is_not_implemented_yet(number, tmp_path):
    report = run(number, template_text(exercise(number)), tmp_path)
    assert report.status == NOT_IMPLEMENTED, report.text()
    assert re.match(rf"{number}: Value\.\w+ is not written yet \(line \d+\)$", report.problem)


@pytest.mark.parametrize("broken", BROKEN, ids=[f"{b.exercise} {b.name}" for b in BROKEN])
def test_a_usual_mistake_fails_with_its_own_message(broken: Broken, tmp_path):
    report = run(broken.exercise, broken.text(), tmp_path)
    assert report.status == "", report.text()  # checked, not crashed
    assert not report.passed
    assert said(report, broken.expect), report.text()


def test_there_is_a_broken_solution_for_every_mistake_the_exercises_name():
    assert len(BROKEN) >= 12
    assert {b.exercise for b in BROKEN} == set(NUMBERS)
    assert len({(b.exercise, b.name) for b in BROKEN}) == len(BROKEN)


def test_a_wrong_gradient_is_drawn_beside_the_reference(tmp_path):
    swapped = next(b for b in BROKEN if b.name == "swapped factors")
    report = run("05", swapped.text(), tmp_path)
    wrong = next(f for f in report.findings if f.message.startswith("the L graph"))
    assert (
        wrong.message
        == "the L graph: dL/dd should be -2; yours is 4, and dL/df should be 4; yours is -2"
    )
    assert "dL/dd = f = -2" in wrong.details  # explain()'s chain-rule line for d
    (page,) = (Path(p) for p in wrong.pictures)
    assert page.name == "05_graphs.html"
    html = page.read_text(encoding="utf-8")
    assert "<li>dL/dd should be -2; yours is 4</li>" in html
    assert "<li>dL/df should be -2; yours is -2</li>" not in html  # f's reference grad is 4
    assert "<li>dL/df should be 4; yours is -2</li>" in html
    assert "dL/dd = f = -2" in html
    assert "http" not in html.replace("http://www.w3.org", "")
    yours_at, reference_at = html.index("<h2>Your graph</h2>"), html.index("<h2>The reference")
    assert yours_at < reference_at
    for picture, d_grad, f_grad in (
        (page.with_name("05_yours.svg"), "4", "-2"),
        (page.with_name("05_reference.svg"), "-2", "4"),
    ):
        data = picture.read_text(encoding="utf-8")
        texts = [
            " ".join(t.itertext()) for t in ET.fromstring(data).iter() if t.tag.endswith("text")
        ]
        assert f"grad {d_grad}.0000" in texts
        assert f"grad {f_grad}.0000" in texts
        assert data.count(RED) >= 2  # d and f are marked
        assert data[data.index("<svg") :] in html  # the page shows this very picture


def test_the_first_picture_is_kept_and_no_other_overwrites_it(tmp_path):
    twice = next(b for b in BROKEN if b.name == "self.grad instead of out.grad")
    report = run("05", twice.text(), tmp_path)
    drawn = [f for f in report.findings if f.pictures]
    assert len(drawn) == 1
    assert drawn[0].message.startswith("a is used twice in y = a * a")
    assert sorted(p.name for p in (tmp_path / "pictures").iterdir()) == [
        "05_graphs.html",
        "05_reference.svg",
        "05_yours.svg",
    ]


def test_a_fixed_mistake_leaves_no_old_picture_and_the_learners_files_stay(tmp_path):
    swapped = next(b for b in BROKEN if b.name == "swapped factors")
    run("05", swapped.text(), tmp_path)
    folder = tmp_path / "pictures"
    run(
        "06",
        next(b for b in BROKEN if b.exercise == "06" and b.name.startswith("=")).text(),
        tmp_path,
    )
    assert (folder / "05_graphs.html").is_file()
    assert run("05", solution("05"), tmp_path).passed
    assert not (folder / "05_graphs.html").exists()
    assert not (folder / "05_yours.svg").exists()
    kept = sorted(p.name for p in folder.iterdir())
    assert "06_graphs.html" in kept, "another exercise's pictures stay"
    (folder / "my notes.txt").write_text("mine")
    for name in kept:
        (folder / name).unlink()
    assert run("05", solution("05"), tmp_path).passed
    assert (folder / "my notes.txt").read_text() == "mine", "a file of the learner's stays"


def test_in_a_notebook_the_check_runs_here_without_pictures():
    V = learner_class("05")
    assert check("05", V, show=False).passed
    original = V.__mul__

    def swapped_mul(self, other):
        out = original(self, other)
        a, b = self, other if isinstance(other, V) else None

        def _backward():
            a.grad += a.data * out.grad
            if b is not None:
                b.grad += b.data * out.grad

        out._backward = _backward
        return out

    V.__mul__ = swapped_mul
    report = check("05", V, show=False)
    assert not report.passed
    assert said(report, "the factors are swapped")
    assert all(f.pictures == () for f in report.findings)


def test_in_a_notebook_a_recursive_backward_is_caught_too():
    V = learner_class("06")

    def backward(self):
        order, seen = [], set()

        def place(node):
            if node not in seen:
                seen.add(node)
                for child in node._prev:
                    place(child)
                order.append(node)

        place(self)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()

    V.backward = backward
    report = check("06", V, show=False)
    assert said(report, "use an explicit stack"), report.text()


@pytest.mark.parametrize("number", NUMBERS)
def test_the_worked_example_prints_what_its_comments_say(number):
    """Each file's __main__ block, run on the reference solution, prints the commented numbers."""
    source = solution(number)
    expected = [
        line.split("#", 1)[1].split(":")[0]
        for line in source.split('if __name__ == "__main__":')[1].splitlines()
        if "print(" in line and "#" in line
    ]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, FILES[number], "exec"), {"__name__": "__main__"})
    printed = out.getvalue().splitlines()
    assert len(printed) == len(expected)
    number_re = r"-?\d+\.?\d*(?:e-?\d+)?"
    for want, got in zip(expected, printed):
        wanted = [float(x) for x in re.findall(number_re, want)]
        assert [float(x) for x in re.findall(number_re, got)][: len(wanted)] == pytest.approx(
            wanted, abs=1e-3
        )


# -- the helpers behind the pictures ---------------------------------------------------------


def test_the_learner_graph_is_copied_into_neuronlab_values():
    V = learner_class("05")
    t = Twin(V)
    a, b = t.leaf("a", 2.0), t.leaf("b", -3.0)
    y = t.step("y", "a * b + 1", lambda p, q: p * q + 1, a, b)
    y.mine.backward()
    copy, copies = as_reference(y.mine)
    assert isinstance(copy, Reference)
    assert copy.label == "y"
    assert copy.op == "+"
    assert copies[id(a.mine)].label == "a"
    assert copies[id(a.mine)].grad == -3.0
    assert {x.data for x in copy.inputs} == {-6.0, 1.0}
    assert as_reference(y.mine, limit=2) is None  # too big to draw


def test_the_walk_of_the_learner_graph_takes_a_deep_chain_and_a_set_of_inputs():
    class Node:
        def __init__(self, *prev):
            self._prev = set(prev)  # micrograd keeps a set

    x = Node()
    y = x
    for _ in range(50_000):
        y = Node(y, x)
    nodes = learner_nodes(y)
    assert nodes is not None
    assert len(nodes) == 50_001
    assert nodes[0] is x
    assert nodes[-1] is y


def test_the_wrong_gradients_nearest_the_output_are_the_ones_marked():
    V = learner_class("05")
    t = Twin(V)
    a, b, c = t.leaf("a", 2.0), t.leaf("b", -3.0), t.leaf("c", 10.0)
    e = t.step("e", "a * b", lambda p, q: p * q, a, b)
    d = t.step("d", "e + c", lambda p, q: p + q, e, c)
    t.root.mine.backward()
    t.root.ref.backward()
    assert wrong_gradients(t.pairs) == []
    e.mine.grad = 5.0  # as if + had handed e a wrong gradient; a and b follow from it
    a.mine.grad, b.mine.grad = -15.0, 10.0
    assert [p.name for p in wrong_gradients(t.pairs)] == ["e"]
    assert chain_rule_lines(d.ref, e.ref) == ["dd/de = 1"]
    assert chain_rule_lines(d.ref, a.ref) == [
        "d(a*b)/da = b = -3",
        "dd/da = dd/de * de/da = 1 * -3 = -3",
    ]


def test_no_pictures_without_a_folder(tmp_path):
    V = learner_class("05")
    t = Twin(V)
    t.step("y", "a + a", lambda p: p + p, t.leaf("a", 1.0))
    assert Pictures("05", None).draw(t.root.mine, t.root.ref, t.pairs) == ()
    pictures = Pictures("05", tmp_path)
    assert len(pictures.draw(t.root.mine, t.root.ref, t.pairs)) == 1  # the page
    assert pictures.draw(t.root.mine, t.root.ref, t.pairs) == ()  # drawn once per check


# -- PyTorch, a second reference for the learner's Value ------------------------------------


def test_the_reference_solutions_are_held_against_pytorch_too(tmp_path):
    from neuronlab.workbook.checks.pytorch import torch_value_class

    for number in NUMBERS:
        report = run(number, solution(number), tmp_path)
        last = report.findings[-1]
        if torch_value_class() is None:
            assert (
                last.message == "PyTorch is not installed: checked against neuronlab's Value only"
            )
        else:
            assert last.ok, number
            assert last.message.startswith("PyTorch's autograd gives the same"), number


def test_the_pytorch_scalar_computes_what_neuronlab_does():
    pytest.importorskip("torch")
    from neuronlab.workbook.checks.pytorch import torch_value_class

    T = torch_value_class()
    assert T is not None
    for make in (
        lambda a, b: (a * b + 2 - a / b) ** 2,
        lambda a, b: (2 / a - b).tanh() * (3 - a).exp() + (-b),
        lambda a, b: a * a + b,  # a used twice
    ):
        ta, tb, ra, rb = T(0.7), T(-1.3), Reference(0.7), Reference(-1.3)
        tout, rout = make(ta, tb), make(ra, rb)
        tout.backward()
        rout.backward()
        assert tout.data == pytest.approx(rout.data, rel=1e-12)
        assert (ta.grad, tb.grad) == pytest.approx((ra.grad, rb.grad), rel=1e-12)


def test_when_pytorch_disagrees_the_message_says_whose_bug_it_is():
    pytest.importorskip("torch")
    from neuronlab.workbook.checks.expressions import pytorch_agrees

    V = learner_class("07")

    class Off(V):  # a Value whose tanh hands back twice its gradient: PyTorch will differ
        def tanh(self):
            out = super().tanh()
            original = out._backward

            def twice():
                original()
                original()

            out._backward = twice
            return out

    found = pytorch_agrees(Off)
    assert not found.ok
    assert found.message.startswith("PyTorch's autograd disagrees on the grad of ")
    assert found.likely == "a bug in neuronlab, not in your code: please report it"
    assert pytorch_agrees(V).ok


def test_a_loop_in_one_operation_stops_the_whole_check_at_its_limit(tmp_path):
    text = solution("07")
    looping = text.replace(
        "    def tanh(self):\n", "    def tanh(self):\n        while True:\n            pass\n", 1
    )
    assert looping != text
    path = tmp_path / FILES["07"]
    path.write_text(looping, encoding="utf-8")
    quick = dataclasses.replace(exercise("07"), seconds=2.0)
    report = check_file(quick, path)
    assert report.status == "stopped", report.text()
    assert report.problem.startswith("stopped after 2 s")
    names = runpy.run_path(str(path), run_name="workbook_07")
    here = run_check(dataclasses.replace(exercise("07"), seconds=1.0), names, CheckContext())
    assert here.status == "stopped", here.text()  # in a notebook too: no step carries on
