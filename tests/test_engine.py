"""The scalar autograd engine: every op, forward and backward, vs PyTorch and finite differences.

One table of ops (minitorch / tinygrad style) drives the value, gradient and
finite-difference checks.  Each op is a function that works unchanged on
``Value`` and on float64 ``torch`` tensors, with the input ranges Hypothesis
draws from.  The rest: the design's worked examples with their exact numbers,
gradient accumulation, the million-node chain, acyclic graphs, extreme inputs
(PyTorch's inf/nan results) and the errors for bad input.
"""

from __future__ import annotations

import gc
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pytest
from helpers import assert_close, close, torch_run, value_run
from hypothesis import given
from hypothesis import strategies as st

from neuronlab import Value, dot

torch = pytest.importorskip("torch")

INF, NAN = math.inf, math.nan
EXP_LIMIT = 709.782712893384  # the largest x with a finite e**x (Hypothesis finds it)


def reals(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Normal floats in [lo, hi]; subnormals only in the whole-float-line tests below."""
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)


ANY = reals(-10, 10)
SMALL = reals(-2, 2)
POS = reals(0.1, 10)
NONZERO = st.one_of(reals(-10, -0.1), reals(0.1, 10))
SMALL_NONZERO = st.one_of(reals(-2, -0.1), reals(0.1, 2))
OFF_KINK = st.one_of(reals(-10, -1e-3), reals(1e-3, 10))  # relu: stay off its corner at 0
UNIT = reals(0, 1)


@dataclass(frozen=True)
class Op:
    """An operation written once for Value and torch, with its inputs' ranges."""

    name: str
    fn: Callable
    args: tuple[st.SearchStrategy[float], ...]
    rel: float = 1e-12  # relative slack vs PyTorch (different rounding order)
    atol: float = 0.0  # absolute slack vs PyTorch (1 - s cancellation in tanh/sigmoid grads)


SAT = 1e-15  # tanh' = 1 - t*t and sigmoid' = s*(1 - s): a 1-ulp difference in t or s
COMPOUND = {"rel": 1e-9, "atol": 1e-12}

OPS = [
    # the binary ops between Values
    Op("add", lambda a, b: a + b, (ANY, ANY)),
    Op("sub", lambda a, b: a - b, (ANY, ANY)),
    Op("mul", lambda a, b: a * b, (ANY, ANY)),
    Op("div", lambda a, b: a / b, (ANY, NONZERO)),
    Op("neg", lambda a: -a, (ANY,)),
    # with plain numbers, on either side
    Op("add_number", lambda a: a + 2.5, (ANY,)),
    Op("sub_number", lambda a: a - 2.5, (ANY,)),
    Op("mul_number", lambda a: a * -1.5, (ANY,)),
    Op("div_number", lambda a: a / 4.0, (ANY,)),
    Op("radd", lambda a: 3 + a, (ANY,)),
    Op("rsub", lambda a: 1 - a, (ANY,)),
    Op("rmul", lambda a: 2 * a, (ANY,)),
    Op("rdiv", lambda a: 1 / a, (NONZERO,)),
    Op("rdiv_float", lambda a: -2.5 / a, (NONZERO,)),
    # powers with number exponents
    Op("pow_2", lambda a: a**2, (ANY,)),
    Op("pow_3", lambda a: a**3, (ANY,)),
    Op("pow_1", lambda a: a**1, (ANY,)),
    Op("pow_0", lambda a: a**0, (NONZERO,)),  # at 0 see test_known_bug_cases
    Op("pow_minus_1", lambda a: a**-1, (NONZERO,)),
    Op("pow_minus_2", lambda a: a**-2, (NONZERO,)),
    Op("pow_half", lambda a: a**0.5, (POS,)),
    Op("pow_third", lambda a: a ** (1 / 3), (POS,)),
    Op("pow_2_5", lambda a: a**2.5, (POS,)),
    Op("pow_minus_1_5", lambda a: a**-1.5, (POS,)),
    # the unary functions
    Op("exp", lambda a: a.exp(), (reals(-20, 20),)),
    Op("log", lambda a: a.log(), (reals(1e-3, 1e3),)),
    Op("tanh", lambda a: a.tanh(), (ANY,), atol=SAT),
    Op("sigmoid", lambda a: a.sigmoid(), (reals(-30, 30),), atol=SAT),
    Op("relu", lambda a: a.relu(), (OFF_KINK,)),
    # compound expressions: the chain rule through several ops, values used twice
    Op(
        "tanh_neuron",
        lambda x1, w1, x2, w2, b: (x1 * w1 + x2 * w2 + b).tanh(),
        (SMALL, SMALL, SMALL, SMALL, SMALL),
        **COMPOUND,
    ),
    Op(
        "tanh_from_exp",
        lambda a: ((2 * a).exp() - 1) / ((2 * a).exp() + 1),
        (SMALL,),
        **COMPOUND,
    ),
    Op("quotient", lambda a: (a.exp() - 1) / (a**2 + 1), (SMALL,), **COMPOUND),
    Op("softplus", lambda a: (1 + a.exp()).log(), (ANY,), **COMPOUND),
    Op("swish", lambda a: a * a.sigmoid(), (ANY,), **COMPOUND),
    Op("reuse", lambda a: a * a + a / (a**2 + 1) - 3 * a, (ANY,), **COMPOUND),
    Op("squared_error", lambda a, b: ((a - b) ** 2 + (a + b) ** 2) / 2, (ANY, ANY), **COMPOUND),
    Op("log_sum_exp", lambda a, b: (a.exp() + b.exp()).log(), (ANY, ANY), **COMPOUND),
    Op(
        "cross_entropy",
        lambda z, y: -(y * z.sigmoid().log() + (1 - y) * (1 - z.sigmoid()).log()),
        (reals(-5, 5), UNIT),
        **COMPOUND,
    ),
    Op(
        "mixed",
        lambda a, b, c: (
            (a * b - c / (b**2 + 1)).sigmoid() * a.tanh()
            + (1 - c).exp() / 4
            - (b * c).relu()
            + (a**2 + 0.5) ** 0.5
        ),
        (SMALL, SMALL_NONZERO, SMALL_NONZERO),
        **COMPOUND,
    ),
]
OP_IDS = [op.name for op in OPS]


def draw_args(data: st.DataObject, op: Op) -> list[float]:
    return [data.draw(s, label=f"x{i}") for i, s in enumerate(op.args)]


def central_difference(fn: Callable, xs: list[float], i: int) -> float:
    """d fn / d xs[i] by (f(x + h) - f(x - h)) / 2h, computed on Value data only."""
    h = 1e-6 * max(1.0, abs(xs[i]))
    up, down = list(xs), list(xs)
    up[i] += h
    down[i] -= h
    f = lambda args: fn(*map(Value, args)).data
    return (f(up) - f(down)) / (up[i] - down[i])


@pytest.mark.parametrize("op", OPS, ids=OP_IDS)
@given(data=st.data())
def test_op_matches_torch(op: Op, data: st.DataObject) -> None:
    xs = draw_args(data, op)
    out, grads = value_run(op.fn, xs)
    t_out, t_grads = torch_run(op.fn, xs)
    assert_close(out, t_out, op.rel, op.atol, what=f"{op.name}{tuple(xs)}")
    for i, (g, tg) in enumerate(zip(grads, t_grads)):
        assert_close(g, tg, op.rel, op.atol, what=f"d {op.name} / d x{i} at {tuple(xs)}")


@pytest.mark.parametrize("op", OPS, ids=OP_IDS)
@given(data=st.data())
def test_op_gradient_matches_finite_differences(op: Op, data: st.DataObject) -> None:
    xs = draw_args(data, op)
    _, grads = value_run(op.fn, xs)
    for i, g in enumerate(grads):
        fd = central_difference(op.fn, xs, i)
        assert math.isclose(g, fd, rel_tol=1e-5, abs_tol=1e-6), (
            f"d {op.name} / d x{i} at {tuple(xs)}: backward {g!r}, finite difference {fd!r}"
        )


def test_finite_difference_check_can_fail() -> None:
    """The checker itself catches a wrong derivative (here tanh' claimed as 1 - t)."""
    wrong = Value(0.7).tanh()
    assert not math.isclose(1 - wrong.data, central_difference(lambda a: a.tanh(), [0.7], 0))


@given(base=NONZERO, k=st.integers(-4, 4))
def test_integer_powers_match_torch_and_finite_differences(base: float, k: int) -> None:
    fn = lambda a: a**k
    out, (g,) = value_run(fn, [base])
    t_out, (tg,) = torch_run(fn, [base])
    assert_close(out, t_out, what=f"{base}**{k}")
    assert_close(g, tg, what=f"d {base}**{k}")
    assert math.isclose(g, central_difference(fn, [base], 0), rel_tol=1e-5, abs_tol=1e-6)


@given(base=POS, k=reals(-3, 3))
def test_fractional_powers_of_positive_bases(base: float, k: float) -> None:
    fn = lambda a: a**k
    out, (g,) = value_run(fn, [base])
    t_out, (tg,) = torch_run(fn, [base])
    assert_close(out, t_out, what=f"{base}**{k}")
    assert_close(g, tg, rel=1e-12, abs_=1e-300, what=f"d {base}**{k}")
    assert math.isclose(g, central_difference(fn, [base], 0), rel_tol=1e-5, abs_tol=1e-6)


# -- the whole float line: PyTorch's results, never an exception ---------------

FINITE = st.floats(allow_nan=False, allow_infinity=False)
TINY = 1e-300  # absorbs subnormal last-place differences; nothing a real bug would hide in

WIDE_UNARY = [
    ("exp", lambda a: a.exp(), TINY),
    ("log", lambda a: a.log(), TINY),
    ("tanh", lambda a: a.tanh(), SAT),
    ("sigmoid", lambda a: a.sigmoid(), SAT),
    ("relu", lambda a: a.relu(), TINY),
    ("neg", lambda a: -a, TINY),
    ("rsub", lambda a: 1 - a, TINY),
    ("rdiv", lambda a: 1 / a, TINY),
]


@pytest.mark.parametrize("name, fn, atol", WIDE_UNARY, ids=[w[0] for w in WIDE_UNARY])
@given(x=FINITE)
def test_unary_ops_on_any_finite_input_match_torch(name, fn, atol, x: float) -> None:
    out, (g,) = value_run(fn, [x])  # no OverflowError / ValueError for any finite x
    t_out, (tg,) = torch_run(fn, [x])
    assert_close(out, t_out, 1e-12, atol, what=f"{name}({x!r})")
    assert_close(g, tg, 1e-12, atol, what=f"d {name}({x!r})")


@given(x=FINITE, k=st.sampled_from([1, 2, 3, -1, -2, 0.5, 1 / 3, 2.5, -1.5, 7, 400, 401]))
def test_powers_of_any_finite_base_match_torch(x: float, k: float) -> None:
    x = x + 0.0  # -0.0 -> 0.0: torch's (-0.0)**-0.5 is rsqrt(-0.0) = -inf, IEEE pow says +inf
    fn = lambda a: a**k
    out, (g,) = value_run(fn, [x])
    t_out, (tg,) = torch_run(fn, [x])
    assert_close(out, t_out, 1e-12, TINY, what=f"{x!r}**{k}")
    assert_close(g, tg, 1e-12, TINY, what=f"d {x!r}**{k}")


@pytest.mark.parametrize(
    "name, fn",
    [("add", lambda a, b: a + b), ("sub", lambda a, b: a - b), ("mul", lambda a, b: a * b)],
    ids=["add", "sub", "mul"],
)
@given(a=FINITE, b=FINITE)
def test_binary_ops_on_any_finite_inputs_match_torch(name, fn, a: float, b: float) -> None:
    out, grads = value_run(fn, [a, b])
    t_out, t_grads = torch_run(fn, [a, b])
    assert_close(out, t_out, 1e-12, TINY, what=f"{a!r} {name} {b!r}")
    for g, tg in zip(grads, t_grads):
        assert_close(g, tg, 1e-12, TINY, what=f"grad of {a!r} {name} {b!r}")


# a / b is built as a * b**-1; with 1e-150 <= |b| <= 1e150 neither b**-1 nor b**-2 can
# overflow or underflow.  Outside that range see DIVISION_EDGES below.
DENOMINATOR = st.one_of(reals(1e-150, 1e150), reals(-1e150, -1e-150))


@given(a=FINITE, b=DENOMINATOR)
def test_division_on_wide_inputs_matches_torch(a: float, b: float) -> None:
    fn = lambda x, y: x / y
    out, grads = value_run(fn, [a, b])
    t_out, t_grads = torch_run(fn, [a, b])
    assert_close(out, t_out, 1e-12, TINY, what=f"{a!r} / {b!r}")
    for g, tg in zip(grads, t_grads):
        assert_close(g, tg, 1e-12, TINY, what=f"grad of {a!r} / {b!r}")


# -- extreme inputs: the exact cases, with PyTorch's inf / nan results ------------

EXTREME = [
    ("exp(1000)", lambda a: a.exp(), (1000.0,)),
    ("exp(-1000)", lambda a: a.exp(), (-1000.0,)),
    ("exp(709)", lambda a: a.exp(), (709.0,)),
    ("exp(710)", lambda a: a.exp(), (710.0,)),
    ("exp(inf)", lambda a: a.exp(), (INF,)),
    ("exp(-inf)", lambda a: a.exp(), (-INF,)),
    ("exp(nan)", lambda a: a.exp(), (NAN,)),
    ("sigmoid(1000)", lambda a: a.sigmoid(), (1000.0,)),
    ("sigmoid(-1000)", lambda a: a.sigmoid(), (-1000.0,)),
    ("sigmoid(inf)", lambda a: a.sigmoid(), (INF,)),
    ("sigmoid(-inf)", lambda a: a.sigmoid(), (-INF,)),
    ("sigmoid(nan)", lambda a: a.sigmoid(), (NAN,)),
    ("tanh(1000)", lambda a: a.tanh(), (1000.0,)),
    ("tanh(-1000)", lambda a: a.tanh(), (-1000.0,)),
    ("tanh(inf)", lambda a: a.tanh(), (INF,)),
    ("tanh(nan)", lambda a: a.tanh(), (NAN,)),
    ("log(0)", lambda a: a.log(), (0.0,)),
    ("log(-0.0)", lambda a: a.log(), (-0.0,)),
    ("log(-1)", lambda a: a.log(), (-1.0,)),
    ("log(inf)", lambda a: a.log(), (INF,)),
    ("log(-inf)", lambda a: a.log(), (-INF,)),
    ("log(nan)", lambda a: a.log(), (NAN,)),
    ("log(5e-324)", lambda a: a.log(), (5e-324,)),
    ("relu(inf)", lambda a: a.relu(), (INF,)),
    ("relu(-inf)", lambda a: a.relu(), (-INF,)),
    ("relu(0)", lambda a: a.relu(), (0.0,)),
    ("1e200**2", lambda a: a**2, (1e200,)),
    ("(-1e200)**3", lambda a: a**3, (-1e200,)),
    ("(-10)**401", lambda a: a**401, (-10.0,)),
    ("2**1e10", lambda a: a**1e10, (2.0,)),
    ("0**-1", lambda a: a**-1, (0.0,)),
    ("(-0.0)**-1", lambda a: a**-1, (-0.0,)),
    ("0**-2", lambda a: a**-2, (0.0,)),
    ("0**0.5", lambda a: a**0.5, (0.0,)),
    ("0**2", lambda a: a**2, (0.0,)),
    ("0**1", lambda a: a**1, (0.0,)),
    ("(-8)**(1/3)", lambda a: a ** (1 / 3), (-8.0,)),
    ("(-2)**0.5", lambda a: a**0.5, (-2.0,)),
    ("inf**2", lambda a: a**2, (INF,)),
    ("inf**-1", lambda a: a**-1, (INF,)),
    ("inf**0", lambda a: a**0, (INF,)),
    ("1e-200**-2", lambda a: a**-2, (1e-200,)),
    ("1/0", lambda a, b: a / b, (1.0, 0.0)),
    ("-1/0", lambda a, b: a / b, (-1.0, 0.0)),
    ("1/-0.0", lambda a, b: a / b, (1.0, -0.0)),
    ("0/0", lambda a, b: a / b, (0.0, 0.0)),
    ("inf/inf", lambda a, b: a / b, (INF, INF)),
    ("1/inf", lambda a, b: a / b, (1.0, INF)),
    ("number/0", lambda a: 1 / a, (0.0,)),
    ("inf-inf", lambda a, b: a - b, (INF, INF)),
    ("inf*0", lambda a, b: a * b, (INF, 0.0)),
    ("1e200*1e200", lambda a, b: a * b, (1e200, 1e200)),
    ("1e308+1e308", lambda a, b: a + b, (1e308, 1e308)),
    ("-inf", lambda a: -a, (INF,)),
    ("nan+1", lambda a: a + 1, (NAN,)),
]


@pytest.mark.parametrize("name, fn, xs", EXTREME, ids=[e[0] for e in EXTREME])
def test_extreme_inputs_give_torch_results(name, fn, xs) -> None:
    out, grads = value_run(fn, xs)
    t_out, t_grads = torch_run(fn, xs)
    assert close(out, t_out, rel=1e-15), f"{name}: {out!r}, torch {t_out!r}"
    for i, (g, tg) in enumerate(zip(grads, t_grads)):
        assert close(g, tg, rel=1e-15), f"{name} d/dx{i}: {g!r}, torch {tg!r}"


def test_extreme_values_spelled_out() -> None:
    """The cases of the issue with their numbers written down, not only compared."""
    a = Value(1000.0)
    e = a.exp()
    e.backward()
    assert e.data == INF and a.grad == INF
    assert Value(-1000.0).exp().data == 0.0
    for x, limit in [(1000.0, 1.0), (-1000.0, 0.0)]:
        v = Value(x)
        s = v.sigmoid()
        s.backward()
        assert s.data == limit and v.grad == 0.0
        assert Value(x).tanh().data == math.copysign(1.0, x)
    z = Value(0.0)
    lz = z.log()
    lz.backward()
    assert lz.data == -INF and z.grad == INF
    assert math.isnan(Value(-1.0).log().data)
    assert (Value(1e200) ** 2).data == INF
    assert (Value(0.0) ** -1).data == INF
    assert math.isnan((Value(-8.0) ** (1 / 3)).data)
    assert (1 / Value(0.0)).data == INF
    assert (Value(1.0) / Value(0.0)).data == INF
    assert math.isnan((Value(0.0) / Value(0.0)).data)


# Each of these once gave a result that differed from PyTorch's; now they agree.
FORMER_BUGS = [
    pytest.param(
        "exp at _EXP_LIMIT",
        lambda a: a.exp(),
        (EXP_LIMIT,),
        id="exp_at_limit",
    ),
    pytest.param(
        "0**0",
        lambda a: a**0,
        (0.0,),
        id="zero_pow_zero_grad",
    ),
    pytest.param(
        "nan**0",
        lambda a: a**0,
        (NAN,),
        id="nan_pow_zero_grad",
    ),
    pytest.param(
        "relu(nan)",
        lambda a: a.relu(),
        (NAN,),
        id="relu_nan",
    ),
]

DIVISION_EDGES = [
    pytest.param("1e-320/1e-320", (1e-320, 1e-320), id="subnormal_over_sub"),
    pytest.param("1e-300/1e-310", (1e-300, 1e-310), id="normal_over_subnormal"),
    pytest.param("1e-200/1e-160", (1e-200, 1e-160), id="grad_b_overflow"),
    pytest.param("1e-10/1e-155", (1e-10, 1e-155), id="grad_b_overflow_2"),
    pytest.param("0/1e-160", (0.0, 1e-160), id="grad_b_nan"),
    pytest.param("1e300/1e200", (1e300, 1e200), id="grad_b_underflow"),
]


@pytest.mark.parametrize("name, fn, xs", FORMER_BUGS)
def test_known_bug_cases(name, fn, xs) -> None:
    test_extreme_inputs_give_torch_results(name, fn, xs)


@pytest.mark.parametrize("name, xs", DIVISION_EDGES)
def test_division_with_far_from_one_denominators(name, xs) -> None:
    test_extreme_inputs_give_torch_results(name, lambda a, b: a / b, xs)


# -- each op records its graph (what pictures and explanations read) --------------


def test_nodes_record_inputs_local_derivatives_and_op() -> None:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    assert (a.inputs, a.local_grads, a.op, a.label) == ((), (), "", "a")
    s = a + b
    assert s.inputs == (a, b) and s.local_grads == (1.0, 1.0) and s.op == "+"
    p = a * b
    assert p.inputs == (a, b) and p.local_grads == (-3.0, 2.0) and p.op == "*"
    q = a**3
    assert q.inputs == (a,) and q.local_grads == (12.0,) and q.op == "**3"
    for node, op in [(a.exp(), "exp"), (a.log(), "log"), (a.tanh(), "tanh")]:
        assert node.inputs == (a,) and node.op == op
    sig = Value(0.0).sigmoid()
    assert sig.op == "sigmoid" and sig.local_grads == (0.25,)
    assert b.relu().op == "relu" and b.relu().local_grads == (0.0,)
    assert a.step().op == "step" and a.step().local_grads == (0.0,)
    # every local derivative is a plain number: no closures in the graph
    loss = ((a * b + 1).tanh() / (a.exp() + b.sigmoid())) ** 2
    for node in loss.topological_order():
        assert all(type(g) is float for g in node.local_grads)
        assert all(type(x) is Value for x in node.inputs)


def test_step_is_forward_only() -> None:
    for x, expected in [(2.0, 1.0), (1e-300, 1.0), (0.0, 0.0), (-0.5, 0.0)]:
        v = Value(x)
        out = v.step()
        out.backward()
        assert out.data == expected and v.grad == 0.0


def test_data_is_a_plain_float() -> None:
    for x in [3, 2.5, np.float64(1.5), np.float32(0.25), np.int64(7), Fraction(1, 4)]:
        v = Value(x)
        assert type(v.data) is float and v.data == float(x)
    assert type((Value(2) + 3).data) is float and type((Value(2) * 3).grad) is float


def test_topological_order_puts_inputs_first_and_leaves_out_leaves() -> None:
    a, b = Value(2.0), Value(3.0)
    c = a * b
    d = c + a
    e = d * c
    order = e.topological_order()
    assert order == [c, d, e]
    assert a not in order and b not in order


# -- the design's worked examples, with their exact numbers -----------------------


def test_the_L_graph() -> None:
    a, b, c, f = (
        Value(2.0, label="a"),
        Value(-3.0, label="b"),
        Value(10.0, label="c"),
        Value(-2.0, label="f"),
    )
    e = a * b
    d = e + c
    L = d * f
    assert (e.data, d.data, L.data) == (-6.0, 4.0, -8.0)
    L.backward()
    assert L.grad == 1.0
    assert f.grad == 4.0  # dL/df = d
    assert d.grad == -2.0  # dL/dd = f
    assert c.grad == -2.0 and e.grad == -2.0
    assert a.grad == 6.0 and b.grad == -4.0
    # raising f by 1 raises L from -8 to -4
    assert ((a * b + c) * (f.data + 1)).data == -4.0


def test_the_L_graph_slopes_by_nudging() -> None:
    """Chapter 6: the slope measured by nudging an input by a small h."""

    def L(a=2.0, b=-3.0, c=10.0, f=-2.0):
        return ((Value(a) * b + c) * f).data

    h = 1e-6
    for name, expected in [("a", 6.0), ("b", -4.0), ("c", -2.0), ("f", 4.0)]:
        base = {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0}[name]
        slope = (L(**{name: base + h}) - L(**{name: base - h})) / (2 * h)
        assert slope == pytest.approx(expected, rel=1e-6)


NEURON_B = 6.8813735870195432


def _check_tanh_neuron(x1, x2, w1, w2, n, o) -> None:
    assert o.data == pytest.approx(0.7071067811865476, abs=1e-12)
    assert abs(o.data - math.sqrt(0.5)) < 1e-12
    assert n.grad == pytest.approx(0.5, abs=1e-12)  # do/dn = 1 - o**2
    assert x1.grad == pytest.approx(-1.5, abs=1e-12)  # w1 * 0.5
    assert w1.grad == pytest.approx(1.0, abs=1e-12)  # x1 * 0.5
    assert x2.grad == pytest.approx(0.5, abs=1e-12)  # w2 * 0.5
    assert w2.grad == 0.0  # x2 * 0.5, x2 = 0


def test_the_tanh_neuron_built_from_ops() -> None:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(NEURON_B, label="b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    n = x1w1 + x2w2 + b
    o = n.tanh()
    o.backward()
    _check_tanh_neuron(x1, x2, w1, w2, n, o)
    assert b.grad == pytest.approx(0.5, abs=1e-12)
    assert x1w1.grad == pytest.approx(0.5, abs=1e-12) and x2w2.grad == pytest.approx(0.5, abs=1e-12)


def test_the_tanh_neuron_fused() -> None:
    x1, x2, w1, w2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
    n = dot([w1, w2], [x1, x2], Value(NEURON_B))
    o = n.tanh()
    o.backward()
    _check_tanh_neuron(x1, x2, w1, w2, n, o)


def test_the_tanh_neuron_with_tanh_written_through_exp() -> None:
    """Karpathy's variant: o = (e**2n - 1) / (e**2n + 1) gives the same gradients."""
    x1, x2, w1, w2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
    n = x1 * w1 + x2 * w2 + NEURON_B
    e = (2 * n).exp()
    o = (e - 1) / (e + 1)
    o.backward()
    _check_tanh_neuron(x1, x2, w1, w2, n, o)


def test_sigmoid_of_zero_is_one_half_and_saturates() -> None:
    z = Value(0.0)
    s = z.sigmoid()
    s.backward()
    assert s.data == 0.5 and z.grad == 0.25
    assert Value(40.0).sigmoid().data > 1 - 1e-15
    assert Value(-40.0).sigmoid().data < 1e-17
    assert Value(10.0).sigmoid().data == pytest.approx(1.0, abs=1e-4)
    assert Value(-10.0).sigmoid().data == pytest.approx(0.0, abs=1e-4)
    for x in [0.3, 2.0, 17.0]:
        assert Value(-x).sigmoid().data == pytest.approx(1 - Value(x).sigmoid().data, abs=1e-15)


# -- accumulation: a value used more than once ------------------------------------


def test_a_plus_a_gets_both_contributions() -> None:
    a = Value(3.0)
    b = a + a
    b.backward()
    assert b.data == 6.0 and a.grad == 2.0


def test_a_times_a() -> None:
    a = Value(-3.0)
    b = a * a
    b.backward()
    assert b.data == 9.0 and a.grad == -6.0


def test_value_used_in_several_branches_matches_torch() -> None:
    def fn(a, b):
        d = a * b
        e = a + b
        f = d * e
        return f + d.tanh() - a**2 + (e * a).sigmoid()

    out, grads = value_run(fn, [-2.0, 3.0])
    t_out, t_grads = torch_run(fn, [-2.0, 3.0])
    assert_close(out, t_out, rel=1e-14)
    for g, tg in zip(grads, t_grads):
        assert_close(g, tg, rel=1e-14, abs_=1e-15)


def test_dot_with_a_value_on_both_sides() -> None:
    a, b = Value(3.0), Value(-2.0)
    n = dot([a, b], [a, 4.0], a)  # a*a + b*4 + a
    n.backward()
    assert n.data == 9.0 - 8.0 + 3.0
    assert a.grad == 2 * 3.0 + 1 and b.grad == 4.0


def test_second_backward_accumulates_in_leaves_not_in_intermediates() -> None:
    a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
    e = a * b
    d = e + c
    L = d * f
    L.backward()
    L.backward()
    assert (a.grad, b.grad, c.grad, f.grad) == (12.0, -8.0, -4.0, 8.0)
    assert (L.grad, d.grad, e.grad) == (1.0, -2.0, -2.0)


def test_intermediate_grad_is_of_the_latest_backward_only() -> None:
    a, b = Value(2.0), Value(5.0)
    y = a * b
    (y + 1).backward()
    assert y.grad == 1.0 and a.grad == 5.0
    w = y * 3
    w.backward()
    assert y.grad == 3.0  # not 1 + 3
    assert a.grad == 5.0 + 15.0 and b.grad == 2.0 + 6.0  # leaves add up


def test_zero_grad_then_backward_starts_over() -> None:
    a, b = Value(2.0), Value(5.0)
    out = a * b + a
    out.backward()
    a.zero_grad()
    b.zero_grad()
    assert a.grad == 0.0 and b.grad == 0.0
    out.backward()
    assert a.grad == 6.0 and b.grad == 2.0


def test_backward_with_a_seed_gradient() -> None:
    a = Value(3.0)
    out = a * a
    out.backward(2.0)
    assert out.grad == 2.0 and a.grad == 12.0
    with pytest.raises(TypeError, match="str"):
        out.backward("x")


def test_backward_on_a_leaf_accumulates() -> None:
    a = Value(3.0)
    a.backward()
    assert a.grad == 1.0
    a.backward()
    assert a.grad == 2.0  # as torch: a leaf's grad accumulates until zeroed


# -- the million-node chain, and graphs that free themselves -----------------------


@pytest.fixture
def gc_off():
    """Cyclic garbage collection off for the test: an acyclic graph must not need it."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def test_million_node_chain_backpropagates(gc_off) -> None:
    start, one = Value(0.0), Value(1.0)
    x = start
    for _ in range(1_000_000):
        x = x + one
    x.backward()  # no RecursionError
    assert x.data == 1_000_000.0
    assert start.grad == 1.0
    assert one.grad == 1_000_000.0
    del x  # freeing a million-deep chain must not crash either
    assert sys.getrefcount(start) == 2


def _live_values() -> int:
    return sum(1 for o in gc.get_objects() if type(o) is Value)


def test_graph_is_freed_by_reference_counting(gc_off) -> None:
    from neuronlab import MLP

    model = MLP(3, [8, 8, 1], activation="tanh", seed=0)
    gc.collect()
    baseline = _live_values()
    leaf = Value(0.5)
    refs = sys.getrefcount(leaf)
    loss = sum(((model([leaf, -1.0, 2.0]) - 1.0) ** 2 for _ in range(3)), Value(0.0))
    loss = loss / 3 + (leaf.exp().log() * leaf).sigmoid()
    loss.backward()
    assert _live_values() > baseline + 100 and sys.getrefcount(leaf) > refs
    del loss
    assert sys.getrefcount(leaf) == refs
    assert _live_values() == baseline + 1  # only `leaf` itself: no cycle keeps a node alive
    assert gc.collect() == 0


# -- dot: the fused weighted sum ------------------------------------------------------

VECTORS = st.integers(1, 6).flatmap(
    lambda n: st.tuples(*[st.lists(ANY, min_size=n, max_size=n)] * 2)
)


@given(wx=VECTORS, bias=ANY)
def test_dot_equals_the_unfused_sum(wx, bias: float) -> None:
    w_data, x_data = wx
    n = len(w_data)

    def fused(*vs):
        return dot(vs[:n], vs[n : 2 * n], vs[2 * n])

    def unfused(*vs):
        return sum((w * x for w, x in zip(vs[:n], vs[n : 2 * n])), vs[2 * n])

    def torch_fn(*ts):
        return torch.dot(torch.stack(ts[:n]), torch.stack(ts[n : 2 * n])) + ts[2 * n]

    xs = [*w_data, *x_data, bias]
    out, grads = value_run(fused, xs)
    u_out, u_grads = value_run(unfused, xs)
    t_out, t_grads = torch_run(torch_fn, xs)
    assert_close(out, u_out, rel=1e-12, abs_=1e-12)
    assert_close(out, t_out, rel=1e-12, abs_=1e-12)
    assert grads == u_grads  # both are exactly the other side's values (and 1 for the bias)
    assert grads == [*x_data, *w_data, 1.0]
    for g, tg in zip(grads, t_grads):
        assert g == tg


@pytest.mark.skipif(
    sys.version_info >= (3, 12),
    reason="Python 3.12+ sum() rounds more accurately (Neumaier), as dot's docstring says",
)
def test_dot_is_exactly_the_left_to_right_sum() -> None:
    w, x = [1e16, 1.0, -1e16], [1.0, 1.0, 1.0]
    unfused = sum((Value(wi) * xi for wi, xi in zip(w, x)), Value(0.0))
    assert dot(w, x, 0.0).data == unfused.data == 0.0


def test_dot_without_bias_and_with_numbers() -> None:
    x1, x2 = Value(3.0), Value(-1.0)
    n = dot([2.0, 5.0], [x1, x2])
    assert n.op == "dot" and n.data == 1.0
    n.backward()
    assert x1.grad == 2.0 and x2.grad == 5.0
    assert dot([], [], 4.0).data == 4.0
    assert dot([], []).data == 0.0
    w, b = [Value(1.0), Value(2.0)], Value(0.5)
    m = dot(w, [x1, x2], b)
    assert m.inputs == (*w, x1, x2, b)


def test_dot_errors() -> None:
    with pytest.raises(ValueError, match="2 weights and 3 inputs"):
        dot([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="str"):
        dot(["a"], [1.0])
    with pytest.raises(TypeError, match="str"):
        dot([1.0], ["a"])
    with pytest.raises(TypeError, match="str"):
        dot([1.0], [1.0], "b")


# -- bad input: a TypeError that says what came ------------------------------------


@pytest.mark.parametrize(
    "make, came",
    [
        (lambda: Value("a"), "str"),
        (lambda: Value(None), "NoneType"),
        (lambda: Value([1.0]), "list"),
        (lambda: Value(2) + "x", "str"),
        (lambda: "x" + Value(2), "str"),
        (lambda: Value(2) - "x", "str"),
        (lambda: "x" - Value(2), "str"),
        (lambda: Value(2) * "x", "str"),
        (lambda: "x" * Value(2), "str"),
        (lambda: [1] * Value(2), "list"),
        (lambda: Value(2) / "x", "str"),
        (lambda: "x" / Value(2), "str"),
        (lambda: Value(2) + None, "NoneType"),
        (lambda: Value(2) ** Value(3), "Value"),
        (lambda: Value(2) ** "x", "str"),
        (lambda: 2 ** Value(3), "Value"),
        (lambda: Value(1, label=3), "int"),
    ],
    ids=[
        "Value(str)",
        "Value(None)",
        "Value(list)",
        "add_str",
        "radd_str",
        "sub_str",
        "rsub_str",
        "mul_str",
        "rmul_str",
        "rmul_list",
        "div_str",
        "rdiv_str",
        "add_None",
        "pow_Value",
        "pow_str",
        "rpow",
        "label_int",
    ],
)
def test_bad_operands_raise_type_error_naming_what_came(make, came: str) -> None:
    with pytest.raises(TypeError, match=came):
        make()


def test_error_messages_say_what_was_expected() -> None:
    with pytest.raises(TypeError, match=r"Value\(\): .*number.* got str 'a'"):
        Value("a")
    with pytest.raises(TypeError, match=r"Value \+ \?: .*number.* got str 'x'"):
        Value(2) + "x"
    with pytest.raises(TypeError, match=r"exponent must be a plain number.* got Value"):
        Value(2) ** Value(3)
    with pytest.raises(TypeError, match=r"label must be a str, got int"):
        Value(1, label=3)


def test_value_of_a_value_error_does_not_contradict_itself() -> None:
    with pytest.raises(TypeError) as err:
        Value(Value(2.0))
    assert "or a Value" not in str(err.value)
