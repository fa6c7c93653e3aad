"""nudge and gradcheck: the derivative measured by a nudge of h, and gradients checked."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from viz_examples import l_graph, tanh_neuron

from neuronlab import Value, dot
from neuronlab.viz import gradcheck, nudge

# -- nudge -------------------------------------------------------------------------------


def test_nudge_the_design_example():
    v, _L = l_graph()

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
    v, _o = tanh_neuron(fused=True)

    def rebuild():
        return dot([v["w1"], v["w2"]], [v["x1"], v["x2"]], v["b"]).tanh()

    r = nudge(rebuild, v["x1"])  # default h = 1e-3
    assert r.h == 1e-3
    assert r.grad == pytest.approx(-1.5)
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
    assert x.data == 1.0
    assert calls == [1.0, 1.5]


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
    "Value ** Value": (lambda x: x[0] ** x[1], [positive, moderate]),
    "number ** Value": (lambda x: 2.0 ** x[0] * 0.5 ** x[1], [moderate, moderate]),
}


@pytest.mark.parametrize("name", OPS)
@settings(max_examples=15)
@given(data=st.data())
def test_gradcheck_passes_on_every_op(name, data):
    fn, strategies = OPS[name]
    xs = [Value(data.draw(s), label=f"x{i}") for i, s in enumerate(strategies)]
    result = gradcheck(fn, xs)
    assert result.ok, result.text
    assert bool(result)
    assert len(result.rows) == len(xs)


def test_gradcheck_table():
    v, _L = l_graph()
    leaves = [v[n] for n in "abcf"]

    def fn(xs):
        a, b, c, f = xs
        return (a * b + c) * f

    result = gradcheck(fn, leaves)
    assert result.ok
    assert result.output == -8.0
    assert [(r.input, r.analytic) for r in result.rows] == [
        ("a", 6.0),
        ("b", -4.0),
        ("c", -2.0),
        ("f", 4.0),
    ]
    for r in result.rows:
        assert r.numeric == pytest.approx(r.analytic, rel=1e-6)
        assert r.rel_error < 1e-6
    text = result.text.splitlines()
    assert "all ok" in text[0]
    assert text[1].split() == [
        "input",
        "analytic",
        "numeric",
        "rel.",
        "error",
        "ok",
    ]
    assert text[2].split()[:2] == ["a", "6"]
    assert text[2].endswith("ok")


def test_gradcheck_catches_a_wrong_local_gradient():
    def wrong_square(xs):
        (x,) = xs
        return Value(x.data**2, (x,), (3.0 * x.data,), "custom")  # d(x²)/dx is 2x, not 3x

    result = gradcheck(wrong_square, [Value(1.5, label="x")])
    assert not result.ok
    assert not bool(result)
    (row,) = result.rows
    assert (row.input, row.analytic, row.ok) == ("x", 4.5, False)
    assert row.numeric == pytest.approx(3.0)
    assert row.rel_error == pytest.approx(1.5 / 4.5)
    assert "1 FAILED" in result.text
    assert "FAIL" in result.text.splitlines()[-1]


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
    assert result.ok
    assert result.rows[0].analytic == 6.0
    assert {k: (x.data, x.grad) for k, x in v.items()} == before


def test_gradcheck_at_a_kink_fails_as_it_should():
    result = gradcheck(lambda xs: xs[0].relu(), [0.0])
    assert not result.ok
    assert result.rows[0].numeric == pytest.approx(0.5)


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
