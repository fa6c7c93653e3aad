"""explain, nudge and gradcheck: the chain rule in words, the nudge by h, and gradient checks."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neuronlab import MLP, Value, dot
from neuronlab.viz import explain, format_number, gradcheck, gradients, nudge
from neuronlab.viz.explain import Explanation, GradientSum, Step


def l_graph() -> tuple[dict[str, Value], Value]:
    """The design's graph, without backward(): a=2, b=-3, c=10, e=a*b, d=e+c, f=-2, L=d*f."""
    v = {n: Value(x, label=n) for n, x in [("a", 2.0), ("b", -3.0), ("c", 10.0), ("f", -2.0)]}
    e = v["a"] * v["b"]
    e.label = "e"
    d = e + v["c"]
    d.label = "d"
    L = d * v["f"]
    L.label = "L"
    v.update(e=e, d=d, L=L)
    return v, L


def neuron(fused: bool) -> tuple[dict[str, Value], Value]:
    """The design's tanh neuron: x1=2, x2=0, w1=-3, w2=1, b=6.88..., o = tanh(n) ≈ 0.7071."""
    v = {
        n: Value(x, label=n)
        for n, x in [("x1", 2.0), ("x2", 0.0), ("w1", -3.0), ("w2", 1.0), ("b", 6.8813735870195432)]
    }
    if fused:
        n = dot([v["w1"], v["w2"]], [v["x1"], v["x2"]], v["b"])
    else:
        n = v["x1"] * v["w1"] + v["x2"] * v["w2"] + v["b"]
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    v.update(n=n, o=o)
    return v, o


# -- numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "x, text",
    [
        (-2.0, "-2"),
        (6.0, "6"),
        (0.5, "0.5"),
        (0.7071067811865476, "0.7071"),
        (-1.4999999999999998, "-1.5"),
        (0.0, "0"),
        (-0.0, "0"),
        (1e-7, "1e-07"),
        (244.69193226422038, "244.7"),
        (float("nan"), "nan"),
        (float("-inf"), "-inf"),
        (1e20, "1e+20"),
    ],
)
def test_format_number(x, text):
    assert format_number(x) == text


# -- explain: the design's examples, line by line ----------------------------------------


def test_explain_the_l_graph(capsys):
    v, L = l_graph()
    ex = explain(L)
    printed = capsys.readouterr().out
    assert printed.strip() == ex.text.strip() == str(ex).strip()
    lines = ex.text.splitlines()
    for line in [
        "dL/dd = f = -2",
        "dL/df = d = 4",
        "dL/de = dL/dd * dd/de = -2 * 1 = -2",
        "dL/dc = dL/dd * dd/dc = -2 * 1 = -2",
        "dL/da = dL/de * de/da = -2 * -3 = 6",
        "dL/db = dL/de * de/db = -2 * 2 = -4",
        "  d(a*b)/da = b = -3",
        "  d(a*b)/db = a = 2",
        "  d(e + c)/dc = 1",
        "L = d*f = -8",
        "e = a*b = -6",
    ]:
        assert line in lines, line
    # in the order backward runs: L's inputs, then d's, then e's
    order = [
        lines.index(s)
        for s in (
            "dL/dd = f = -2",
            "dL/dc = dL/dd * dd/dc = -2 * 1 = -2",
            "dL/da = dL/de * de/da = -2 * -3 = 6",
        )
    ]
    assert order == sorted(order)
    assert ex.leaf_gradients == [("a", 6.0), ("b", -4.0), ("c", -2.0), ("f", 4.0)]


def test_explain_the_l_graph_structured():
    v, L = l_graph()
    ex = explain(L, show=False)
    assert isinstance(ex, Explanation) and ex.root_name == "L" and ex.root_data == -8.0
    assert [(s.out, s.input) for s in ex.steps] == [
        ("L", "d"),
        ("L", "f"),
        ("d", "e"),
        ("d", "c"),
        ("e", "a"),
        ("e", "b"),
    ]
    step = ex.steps[-2]
    assert isinstance(step, Step)
    assert (step.op, step.local_formula, step.local_value, step.upstream, step.contribution) == (
        "*",
        "b",
        -3.0,
        -2.0,
        6.0,
    )
    assert step.out_value is v["e"] and step.input_value is v["a"]
    assert step.lines == ("  d(a*b)/da = b = -3", "dL/da = dL/de * de/da = -2 * -3 = 6")
    assert ex.sums == []
    assert ex.as_dicts()[0]["contribution"] == -2.0
    assert "6 edges" in repr(ex)


@pytest.mark.parametrize("fused", [False, True])
def test_explain_the_tanh_neuron(fused):
    v, o = neuron(fused)
    ex = explain(o, show=False)
    lines = ex.text.splitlines()
    assert "o = tanh(n) = 0.7071" in lines
    assert "do/dn = 1 - o**2 = 0.5" in lines
    if fused:
        assert "n = w1*x1 + w2*x2 + b = 0.8814" in lines
        expected = [
            "do/dx1 = do/dn * dn/dx1 = 0.5 * -3 = -1.5",
            "do/dw1 = do/dn * dn/dw1 = 0.5 * 2 = 1",
            "do/dx2 = do/dn * dn/dx2 = 0.5 * 1 = 0.5",
            "do/dw2 = do/dn * dn/dw2 = 0.5 * 0 = 0",
            "do/db = do/dn * dn/db = 0.5 * 1 = 0.5",
            "  d(w1*x1 + w2*x2 + b)/dw1 = x1 = 2",
            "  d(w1*x1 + w2*x2 + b)/dx1 = w1 = -3",
        ]
    else:
        assert "n = x1*w1 + x2*w2 + b = 0.8814" in lines
        expected = [
            "do/dx1 = do/d(x1*w1) * d(x1*w1)/dx1 = 0.5 * -3 = -1.5",
            "do/dw1 = do/d(x1*w1) * d(x1*w1)/dw1 = 0.5 * 2 = 1",
            "do/dx2 = do/d(x2*w2) * d(x2*w2)/dx2 = 0.5 * 1 = 0.5",
            "do/dw2 = do/d(x2*w2) * d(x2*w2)/dw2 = 0.5 * 0 = 0",
            "do/db = do/dn * dn/db = 0.5 * 1 = 0.5",
            "  d(x1*w1)/dx1 = w1 = -3",
        ]
    for line in expected:
        assert line in lines, line
    grads = dict(ex.leaf_gradients)
    assert grads["x1"] == pytest.approx(-1.5) and grads["w1"] == pytest.approx(1.0)
    assert grads["x2"] == pytest.approx(0.5) and grads["w2"] == 0.0


def test_explain_sums_a_value_used_in_several_places():
    a, b = Value(3.0, label="a"), Value(2.0, label="b")
    c = a * b
    c.label = "c"
    L = c + a  # a feeds two places
    L.label = "L"
    ex = explain(L, show=False)
    lines = ex.text.splitlines()
    assert "dL/da += 1" in lines
    assert "dL/da += dL/dc * dc/da = 1 * 2 = 2" in lines
    assert "dL/da = 1 + 2 = 3  (a feeds 2 places: backward adds the contributions)" in lines
    (s,) = ex.sums
    assert isinstance(s, GradientSum)
    assert (s.name, s.contributions, s.total, s.value) == ("a", (1.0, 2.0), 3.0, a)
    assert ex.steps[s.after_step].input == "a"


def test_explain_reads_the_graph_and_never_changes_it():
    v, L = l_graph()
    explain(L, show=False)
    assert all(x.grad == 0.0 for x in v.values())  # no backward() was run
    L.backward()
    before = {k: x.grad for k, x in v.items()}
    ex = explain(L, show=False)
    assert {k: x.grad for k, x in v.items()} == before
    assert dict(ex.leaf_gradients) == {k: before[k] for k in "abcf"}


def test_explain_every_op_agrees_with_backward():
    a, b, c = Value(0.7, label="a"), Value(-1.3, label="b"), Value(2.0, label="c")
    x = (a * b + c) ** 2 - a.exp() / c.log() + b.tanh() * a.sigmoid() + (a - b).relu()
    x = x + b.relu() + a.step() + dot([a, b], [c, a], b) + dot([c], [b]) + 3 / a - (-c)
    ex = explain(x, show=False)
    x.backward()
    grads = dict(ex.leaf_gradients)
    for leaf in (a, b, c):
        assert grads[leaf.label] == leaf.grad  # the same sums in the same order: exactly equal
    assert ex.root_name == "L"  # an unlabelled output is called L
    text = ex.text
    for piece in [
        "2*(a*b + c)",
        "exp(a)",
        "1/c",
        "1 - tanh(b)**2",
        "sigmoid(a)*(1 - sigmoid(a))",
        "1 if b > 0 else 0",
        "d(step(a))/da = 0",
        "-3/a**2",
        "Names used below:",
    ]:
        assert piece in text, piece
    for s in ex.steps:
        assert s.contribution == s.upstream * s.local_value


def test_explain_a_custom_op_and_a_leaf():
    x = Value(2.0, label="x")
    y = Value(5.0, (x,), (7.0,), "custom")
    y.label = "y"
    assert "dy/dx = 7" in explain(y, show=False).text.splitlines()
    ex = explain(x, show=False)
    assert ex.steps == [] and "x is a leaf" in ex.text


def test_explain_names_unlabelled_parameters():
    model = MLP(2, [2, 1], seed=0)
    out = model([1.0, -1.0])
    ex = explain(out, names=dict(model.named_parameters()), show=False)
    assert "layers.0.neurons.0.w.0" in ex.text
    assert len(ex.steps) == sum(len(v.inputs) for v in out.topological_order())
    with pytest.raises(TypeError, match="expected a Value"):
        explain(out, names={"w": 1.0}, show=False)


def test_explain_wants_a_value():
    with pytest.raises(TypeError, match="expected a Value"):
        explain(3.0)


def test_gradients_helper():
    v, L = l_graph()
    g = gradients(L)
    assert g[v["a"]] == 6.0 and g[L] == 1.0
    assert v["a"].grad == 0.0


# -- nudge -------------------------------------------------------------------------------


def test_nudge_the_design_example():
    v, L = l_graph()

    def rebuild():
        return (v["a"] * v["b"] + v["c"]) * v["f"]

    r = nudge(rebuild, v["f"], h=1.0)
    assert (r.before, r.after, r.change, r.grad, r.predicted, r.slope) == (
        -8.0,
        -4.0,
        4.0,
        4.0,
        4.0,
        4.0,
    )
    assert "raise f by h = 1: L goes from -8 to -4 (change 4, slope change/h = 4)" in r.text
    assert "dL/df * h = 4 * 1 = 4" in str(r)
    assert v["f"].data == -2.0  # restored
    assert all(x.grad == 0.0 for x in v.values())  # no .grad touched


def test_nudge_small_h_measures_the_slope():
    v, o = neuron(fused=True)

    def rebuild():
        return dot([v["w1"], v["w2"]], [v["x1"], v["x2"]], v["b"]).tanh()

    r = nudge(rebuild, v["x1"])  # default h = 1e-3
    assert r.h == 1e-3 and r.grad == pytest.approx(-1.5)
    assert r.slope == pytest.approx(-1.5, rel=1e-2)
    assert r.predicted == pytest.approx(r.change, rel=1e-2)


def test_nudge_restores_even_when_the_function_fails():
    x = Value(1.0, label="x")
    calls = []

    def fn():
        calls.append(x.data)
        if len(calls) > 1:
            raise RuntimeError("boom")
        return x * 2

    with pytest.raises(RuntimeError, match="boom"):
        nudge(fn, x, h=0.5)
    assert x.data == 1.0 and calls == [1.0, 1.5]


def test_nudge_errors():
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    with pytest.raises(ValueError, match="does not depend on this value"):
        nudge(lambda: x * 2, y)
    with pytest.raises(TypeError, match="must return a Value"):
        nudge(lambda: 3.0, x)
    with pytest.raises(ValueError, match="h must not be 0"):
        nudge(lambda: x * 2, x, h=0)
    with pytest.raises(TypeError, match="value must be a Value"):
        nudge(lambda: x * 2, 1.0)


# -- gradcheck -----------------------------------------------------------------------------

away_from_zero = st.floats(0.05, 3.0) | st.floats(-3.0, -0.05)
moderate = st.floats(-3.0, 3.0)
positive = st.floats(0.1, 5.0)

OPS = {
    "+": (lambda x: x[0] + x[1], [moderate, moderate]),
    "-": (lambda x: x[0] - x[1], [moderate, moderate]),
    "*": (lambda x: x[0] * x[1], [moderate, moderate]),
    "/": (lambda x: x[0] / x[1], [moderate, away_from_zero]),
    "neg": (lambda x: -x[0], [moderate]),
    "**2": (lambda x: x[0] ** 2, [moderate]),
    "**3": (lambda x: x[0] ** 3, [moderate]),
    "**-1": (lambda x: x[0] ** -1, [away_from_zero]),
    "**0.5": (lambda x: x[0] ** 0.5, [positive]),
    "exp": (lambda x: x[0].exp(), [moderate]),
    "log": (lambda x: x[0].log(), [positive]),
    "tanh": (lambda x: x[0].tanh(), [moderate]),
    "sigmoid": (lambda x: x[0].sigmoid(), [moderate]),
    "relu": (lambda x: x[0].relu(), [away_from_zero]),
    "step": (lambda x: x[0].step() * x[1], [away_from_zero, moderate]),
    "dot": (lambda x: dot(x[:2], x[2:4]), [moderate] * 4),
    "dot+b": (lambda x: dot(x[:2], x[2:4], x[4]), [moderate] * 5),
    "radd rsub rmul rdiv": (
        lambda x: (2 - x[0]) * (1 + x[1]) / (3 * x[0] ** 2 + 1),
        [moderate] * 2,
    ),
    "reuse": (lambda x: (x[0] * x[0] + x[0]).tanh() * x[1], [moderate, moderate]),
}


@pytest.mark.parametrize("name", OPS)
@settings(max_examples=15)
@given(data=st.data())
def test_gradcheck_passes_on_every_op(name, data):
    fn, strategies = OPS[name]
    xs = [Value(data.draw(s), label=f"x{i}") for i, s in enumerate(strategies)]
    result = gradcheck(fn, xs)
    assert result.ok, result.text
    assert bool(result) and len(result.rows) == len(xs)


def test_gradcheck_table():
    v, L = l_graph()
    leaves = [v[n] for n in "abcf"]

    def fn(xs):
        a, b, c, f = xs
        return (a * b + c) * f

    result = gradcheck(fn, leaves)
    assert result.ok and result.output == -8.0
    assert [(r.input, r.analytic) for r in result.rows] == [
        ("a", 6.0),
        ("b", -4.0),
        ("c", -2.0),
        ("f", 4.0),
    ]
    for r in result.rows:
        assert r.numeric == pytest.approx(r.analytic, rel=1e-6) and r.rel_error < 1e-6
    text = result.text.splitlines()
    assert "all ok" in text[0] and text[1].split() == [
        "input",
        "analytic",
        "numeric",
        "rel.",
        "error",
        "ok",
    ]
    assert text[2].split()[:2] == ["a", "6"] and text[2].endswith("ok")


def test_gradcheck_catches_a_wrong_local_gradient():
    def wrong_square(xs):
        (x,) = xs
        return Value(x.data**2, (x,), (3.0 * x.data,), "custom")  # d(x²)/dx is 2x, not 3x

    result = gradcheck(wrong_square, [Value(1.5, label="x")])
    assert not result.ok and not bool(result)
    (row,) = result.rows
    assert (row.input, row.analytic, row.ok) == ("x", 4.5, False)
    assert row.numeric == pytest.approx(3.0)
    assert row.rel_error == pytest.approx(1.5 / 4.5)
    assert "1 FAILED" in result.text and "FAIL" in result.text.splitlines()[-1]


def test_gradcheck_catches_a_broken_op(monkeypatch):
    def bad_tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t,), "tanh")  # forgot to square

    monkeypatch.setattr(Value, "tanh", bad_tanh)
    result = gradcheck(lambda xs: xs[0].tanh() * xs[1], [0.8, 2.0])
    assert not result.ok
    assert [r.ok for r in result.rows] == [False, True]  # only the tanh input is wrong
    assert [r.input for r in result.rows] == ["x0", "x1"]  # plain numbers get names


def test_gradcheck_leaves_the_graph_as_it_found_it():
    v, L = l_graph()
    L.backward()
    L.backward()  # leaves accumulate: a.grad is 12 now
    before = {k: (x.data, x.grad) for k, x in v.items()}
    result = gradcheck(lambda xs: (xs[0] * xs[1] + v["c"]) * v["f"], [v["a"], v["b"]])
    assert result.ok and result.rows[0].analytic == 6.0  # not the accumulated 12
    assert {k: (x.data, x.grad) for k, x in v.items()} == before


def test_gradcheck_at_a_kink_fails_as_it_should():
    result = gradcheck(lambda xs: xs[0].relu(), [0.0])
    assert not result.ok and result.rows[0].numeric == pytest.approx(0.5)


def test_gradcheck_errors():
    with pytest.raises(ValueError, match="empty"):
        gradcheck(lambda xs: xs[0], [])
    with pytest.raises(TypeError, match="list of Values"):
        gradcheck(lambda xs: xs[0], Value(1.0))
    with pytest.raises(TypeError, match="must return a Value"):
        gradcheck(lambda xs: 1.0, [1.0])
    with pytest.raises(ValueError, match="h must be positive"):
        gradcheck(lambda xs: xs[0], [1.0], h=0)
    with pytest.raises(ValueError, match="finite"):
        gradcheck(lambda xs: xs[0], [float("nan")])
