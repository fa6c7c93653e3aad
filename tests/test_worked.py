"""The worked examples are defined once, in ``neuronlab.worked``, and nowhere typed again.

``neuronlab.worked`` is their home: the L graph, its nudges and the tanh
neuron with its bias 6.88....  A source scan of src/, examples/, tests/ and
benchmarks/ fails when the bias is typed outside that home, or when a file
builds every leaf of the L graph or of the tanh neuron from typed numbers
(``Value(2.0, label="a")`` ...) instead of asking the home.  The exceptions
are the learner's templates, whose numbers are text the learner reads:
they are checked here to agree with the home, number by number.
"""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import pytest

from neuronlab import worked
from neuronlab.workbook.catalog import EXERCISES, template_text

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("src", "examples", "tests", "benchmarks")
HOME = Path("src/neuronlab/worked.py")
#: The learner's files: their numbers are text to read, checked below to agree with the home.
TEMPLATES = Path("src/neuronlab/workbook/templates")
#: The tour notebook is written from the home by examples/make_tour_notebook.py
#: (tests/test_notebook.py checks it is up to date); the workbook notebook from the templates.
GENERATED = (Path("examples/tour.ipynb"), Path("examples/workbook.ipynb"))

#: The bias's first digits, split so this file does not hold them itself.
BIAS_DIGITS = "6.88" + "137"
LEAF = re.compile(r"""Value\(\s*(-?\d+(?:\.\d*)?)\s*,\s*label\s*=\s*["'](\w+)["']\s*\)""")
#: Each example's leaves typed as numbers (the neuron's bias has a scan of its own, above).
EXAMPLES = {
    "the L graph": worked.L_GRAPH_LEAVES,
    "the tanh neuron": {k: x for k, x in worked.TANH_NEURON_LEAVES.items() if k != "b"},
}


def sources() -> list[Path]:
    """Every Python file and notebook scanned, relative to the repository."""
    found: list[Path] = []
    for top in SCANNED:
        for pattern in ("*.py", "*.ipynb"):
            found += (p.relative_to(ROOT) for p in (ROOT / top).rglob(pattern))
    return sorted(p for p in found if ".venv" not in p.parts and "__pycache__" not in p.parts)


#: This file, which types a copied example to show that the scan catches it.
ITSELF = Path("tests/test_worked.py")


def allowed(path: Path) -> bool:
    """The home, the learner's templates, the generated notebooks and this test hold the numbers."""
    return path in (HOME, ITSELF, *GENERATED) or TEMPLATES in path.parents


def typed_leaves(text: str) -> dict[str, set[float]]:
    """``label -> the numbers`` of every ``Value(number, label="name")`` typed in ``text``."""
    typed: dict[str, set[float]] = {}
    for number, name in LEAF.findall(text):
        typed.setdefault(name, set()).add(float(number))
    return typed


def retyped_examples(text: str) -> list[str]:
    """The worked examples every leaf of which ``text`` types with the home's numbers."""
    typed = typed_leaves(text)
    return [
        name
        for name, leaves in EXAMPLES.items()
        if all(x in typed.get(leaf, ()) for leaf, x in leaves.items())
    ]


def test_the_scan_sees_the_files_it_must_guard() -> None:
    scanned = set(sources())
    for path in (HOME, Path("src/neuronlab/tour/examples.py"), Path("tests/viz_examples.py")):
        assert path in scanned
    assert Path("examples/make_tour_notebook.py") in scanned


def test_the_bias_is_typed_only_in_its_home() -> None:
    typed = [str(p) for p in sources() if BIAS_DIGITS in (ROOT / p).read_text(encoding="utf-8")]
    assert [p for p in typed if not allowed(Path(p))] == []
    assert str(HOME) in typed  # the scan can find it: the home has it


def test_no_file_builds_a_worked_example_from_typed_numbers() -> None:
    found = {
        str(p): retyped_examples((ROOT / p).read_text(encoding="utf-8"))
        for p in sources()
        if not allowed(p)
    }
    assert {p: names for p, names in found.items() if names} == {}


def test_the_scan_would_catch_a_retyped_example() -> None:
    copied = 'a, b = Value(2.0, label="a"), Value(-3.0, label="b")\nc = Value(10.0, label="c")\n'
    assert retyped_examples(copied) == []  # a, b and c alone: a common small graph
    assert retyped_examples(copied + 'f = Value(-2.0, label="f")') == ["the L graph"]
    neuron = 'x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")\n'
    neuron += 'w1, w2 = Value(-3.0, label="w1"), Value(1, label="w2")\n'
    assert retyped_examples(neuron) == ["the tanh neuron"]
    assert retyped_examples(neuron.replace("-3.0", "-2.5")) == []


def test_the_home_holds_the_designs_numbers() -> None:
    """design.md §6 and §7, computed by the engine from the home's leaves."""
    assert float(worked.TANH_NEURON_BIAS_TEXT) == worked.TANH_NEURON_BIAS
    v = worked.l_graph()
    v["L"].backward()
    assert (v["e"].data, v["d"].data, v["L"].data) == (-6.0, 4.0, -8.0)
    grads = {name: v[name].grad for name in ("a", "b", "c", "d", "e", "f")}
    assert grads == {"a": 6.0, "b": -4.0, "c": -2.0, "d": -2.0, "e": -2.0, "f": 4.0}
    for fused in (False, True):
        n = worked.tanh_neuron(fused=fused)
        n["o"].backward()
        assert n["o"].data == pytest.approx(math.sqrt(0.5), abs=1e-15)
        assert n["n"].grad == pytest.approx(0.5, abs=1e-15)
        assert (n["x1"].grad, n["w1"].grad) == pytest.approx((-1.5, 1.0), abs=1e-15)
        assert (n["x2"].grad, n["w2"].grad) == pytest.approx((0.5, 0.0), abs=1e-15)
    assert worked.tanh_neuron_output(worked.TANH_NEURON_LEAVES["w1"]) == n["o"].data
    assert sorted(worked.NUDGE_STEPS, reverse=True) == list(worked.NUDGE_STEPS)


def test_the_nudges_move_L_as_the_design_says() -> None:
    from neuronlab.viz import nudge

    v = worked.l_graph()
    a, b, c, f = v["a"], v["b"], v["c"], v["f"]
    big = nudge(lambda: (a * b + c) * f, f, h=worked.L_GRAPH_NUDGES["f"])
    assert (big.before, big.after) == (-8.0, -4.0)
    small = nudge(lambda: (a * b + c) * f, a, h=worked.L_GRAPH_NUDGES["a"])
    assert small.slope == pytest.approx(6.0, rel=1e-9)


def test_the_builders_take_any_value_class() -> None:
    class Mine:
        """A learner's Value, as small as the worked examples need."""

        def __init__(self, data: float, label: str = "") -> None:
            self.data, self.label = data, label

        def __add__(self, other: Mine) -> Mine:
            return Mine(self.data + other.data)

        def __mul__(self, other: Mine) -> Mine:
            return Mine(self.data * other.data)

        def tanh(self) -> Mine:
            return Mine(math.tanh(self.data))

    v = worked.l_graph(Mine)
    assert all(type(x) is Mine for x in v.values())
    assert [(v[name].label, v[name].data) for name in ("e", "d", "L")] == [
        ("e", -6.0),
        ("d", 4.0),
        ("L", -8.0),
    ]
    n = worked.tanh_neuron(Mine)
    assert n["b"].data == worked.TANH_NEURON_BIAS
    assert n["o"].data == pytest.approx(math.sqrt(0.5), abs=1e-15)


@pytest.mark.parametrize(
    ("number", "example"),
    [("05", "the L graph"), ("06", "the L graph"), ("07", "the tanh neuron")],
)
def test_the_learners_templates_agree_with_the_home(number: str, example: str) -> None:
    (exercise,) = (e for e in EXERCISES if e.number == number)
    text = template_text(exercise)
    typed = typed_leaves(text)
    assert retyped_examples(text) == [example]  # every leaf there, each the home's number
    if example == "the tanh neuron":
        assert typed["b"] == {worked.TANH_NEURON_BIAS}
        doc = ast.get_docstring(ast.parse(text)) or ""
        assert worked.TANH_NEURON_TEXT in doc
