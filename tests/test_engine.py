"""The scalar engine: what is particular to ``Value``.

Every op's forward value and gradient vs PyTorch and finite differences, and
the inf/nan edges, are in ``test_ops.py`` (one table for both engines).  Here:
the design's worked examples with their exact numbers, the node each op
records, the exponent's gradient of ``a ** b`` and PyTorch's hard zeros
spelled out, the number protocol (``float``, ``item``, comparisons, identity),
gradient accumulation, the million-node chain, acyclic graphs, ``dot`` and the
errors for bad input.
"""

from __future__ import annotations

import gc
import math
import sys
from fractions import Fraction

import numpy as np
import pytest
from helpers import VALUE, assert_close, assert_matches_torch, torch_run, value_run
from hypothesis import given
from hypothesis import strategies as st

from neuronlab import Value, dot, worked
from neuronlab.engine import cycle_collector_paused

torch = pytest.importorskip("torch")

INF, NAN = math.inf, math.nan
ANY = st.floats(-10, 10, allow_nan=False, allow_infinity=False, allow_subnormal=False)


# -- extreme inputs, their numbers written down (the comparisons are in test_ops.py) -----


def test_extreme_values_spelled_out() -> None:
    """The cases of the issue with their numbers written down, not only compared."""
    a = Value(1000.0)
    e = a.exp()
    e.backward()
    assert e.data == INF
    assert a.grad == INF
    assert Value(-1000.0).exp().data == 0.0
    for x, limit in [(1000.0, 1.0), (-1000.0, 0.0)]:
        v = Value(x)
        s = v.sigmoid()
        s.backward()
        assert s.data == limit
        assert v.grad == 0.0
        assert Value(x).tanh().data == math.copysign(1.0, x)
    z = Value(0.0)
    lz = z.log()
    lz.backward()
    assert lz.data == -INF
    assert z.grad == INF
    assert math.isnan(Value(-1.0).log().data)
    assert (Value(1e200) ** 2).data == INF
    assert (Value(0.0) ** -1).data == INF
    assert math.isnan((Value(-8.0) ** (1 / 3)).data)
    assert (1 / Value(0.0)).data == INF
    assert (Value(1.0) / Value(0.0)).data == INF
    assert math.isnan((Value(0.0) / Value(0.0)).data)


# -- a ** b with the exponent's gradient ----------------------------------------------


def test_power_of_two_values_records_both_local_derivatives() -> None:
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    p = a**b
    assert p.op == "**"
    assert p.inputs == (a, b)
    assert p.data == 8.0
    assert p.local_grads == (12.0, 8.0 * math.log(2.0))  # b·a**(b-1), a**b·ln a
    p.backward()
    assert a.grad == 12.0
    assert b.grad == 8.0 * math.log(2.0)
    k = a**3  # a number exponent stays the one-input op
    assert k.op == "**3"
    assert k.inputs == (a,)


def test_number_to_a_value_power() -> None:
    x = Value(3.0)
    y = 2**x
    assert y.op == "**"
    assert y.data == 8.0
    assert y.inputs[1] is x
    assert y.inputs[0].data == 2.0
    assert not y.inputs[0].inputs
    y.backward()
    assert x.grad == 8.0 * math.log(2.0)
    z = Value(-1.5)
    (np.float64(0.5) ** z).backward()
    assert z.grad == pytest.approx(0.5**-1.5 * math.log(0.5), rel=1e-15)


@pytest.mark.parametrize(
    ("a", "b", "out", "da", "db"),
    [
        (0.0, 2.0, 0.0, 0.0, 0.0),  # d/db = 0 at a = 0, b > 0: not 0 · ln 0 = nan
        (0.0, 0.0, 1.0, 0.0, 0.0),  # d/da = 0 at b = 0, d/db = 0 at a = 0, b >= 0
        (0.0, 0.5, 0.0, INF, 0.0),
        (0.0, -1.0, INF, -INF, -INF),
        (-8.0, 1 / 3, NAN, NAN, NAN),  # a negative base to a fraction
        (-2.0, 3.0, -8.0, 12.0, NAN),  # an integer power of a negative base: ln a = nan
        (10.0, 400.0, INF, INF, INF),  # overflow is inf, never OverflowError
        (-10.0, 401.0, -INF, INF, NAN),
        (2.0, -INF, 0.0, NAN, 0.0),
    ],
)
def test_power_of_two_values_at_its_edges(a, b, out, da, db) -> None:
    x, k = Value(a), Value(b)
    p = x**k
    p.backward()
    for got, want in [(p.data, out), (x.grad, da), (k.grad, db)]:
        assert got == want or (math.isnan(got) and math.isnan(want)), (a, b, got, want)
    assert_matches_torch(VALUE, lambda x, k: x**k, [a, b], rel=1e-15)


# -- hard zeros: where PyTorch passes back exactly 0, even for an inf or nan gradient ---


def _zero_exponent(a):
    zero = Value(0.0) if isinstance(a, Value) else torch.zeros((), dtype=torch.float64)
    return a**zero


@pytest.mark.parametrize("upstream", [INF, -INF, NAN])
@pytest.mark.parametrize(
    ("name", "fn", "x"),
    [
        ("relu(-1)", lambda a: a.relu(), -1.0),
        ("relu(0)", lambda a: a.relu(), 0.0),
        ("step(2)", lambda a: a.step(), 2.0),
        ("a**0", lambda a: a**0, 3.0),
        ("a**b at b = 0", _zero_exponent, 3.0),
    ],
)
def test_a_branch_passes_exactly_zero_back(name, fn, x, upstream) -> None:
    a = Value(x)
    fn(a).backward(upstream)
    assert a.grad == 0.0, name
    torch_fn = (lambda t: (t > 0).to(t.dtype)) if name.startswith("step") else fn
    assert_matches_torch(VALUE, fn, [x], torch_fn, upstream=lambda shape: np.full(shape, upstream))


@pytest.mark.parametrize("upstream", [INF, NAN])
def test_a_product_by_zero_gives_nan_for_an_inf_gradient(upstream) -> None:
    a, b = Value(0.0), Value(-1.0)
    (a * b).backward(upstream)
    assert math.isnan(b.grad)  # d/db = a = 0, and 0 · inf is nan, as in PyTorch
    c = Value(0.0)
    (c**2).backward(upstream)  # d/dc = 2c = 0: a product, not a branch
    assert math.isnan(c.grad)


def test_a_gradient_that_overflows_on_the_way_meets_a_branch() -> None:
    a, b = Value(-2.0), Value(3.0)
    L = (a.relu() + b) * 1e200 * 1e200  # the gradient reaching relu is 1e400 = inf
    L.backward()
    assert a.grad == 0.0
    assert b.grad == INF
    assert_matches_torch(VALUE, lambda a, b: (a.relu() + b) * 1e200 * 1e200, [-2.0, 3.0])


def test_log_of_a_subnormal_with_a_zero_gradient() -> None:
    """ln a at a = 5e-324: 1/a overflows to inf, yet a zero gradient passes 0 (g / a)."""
    x = Value(5e-324)
    L = x.log().relu()  # ln x = -744: relu passes 0 back
    L.backward()
    assert x.grad == 0.0
    y = Value(1e-310)
    (Value(2.0) / y * 0.0).backward()
    assert y.grad != y.grad  # d/dy = -(a/y)/y = -inf, times 0: nan, as PyTorch
    assert_matches_torch(VALUE, lambda x: x.log().relu(), [5e-324])
    assert_matches_torch(VALUE, lambda a, y: a / y * 0.0, [2.0, 1e-310])


# -- the number itself: float(), item(), comparisons; == is identity ---------------------


def test_float_and_item_give_the_number() -> None:
    v = Value(2.5) * 2
    assert float(v) == 5.0
    assert type(float(v)) is float
    assert v.item() == 5.0
    assert type(v.item()) is float
    assert math.isnan(float(Value(NAN)))
    assert float(Value(-INF)) == -INF
    assert math.exp(Value(1.0)) == math.e  # anything that takes a float takes a Value


def test_comparisons_give_plain_bools_from_data() -> None:
    a, b = Value(2.0), Value(3.0)
    # 1 < a and 2 >= a are written this way round on purpose: the reflected comparisons
    results = [a < b, a <= b, a > b, a >= b, a < 2, a <= 2, 1 < a, 2 >= a, a > 1.5]  # noqa: SIM300
    assert results == [True, True, False, False, False, True, True, True, True]
    assert all(type(r) is bool for r in results)
    assert (a < np.float64(3.0)) is True
    assert (a > Fraction(5, 2)) is False
    assert Value(1.0) < 10**400  # compared exactly, no float conversion
    nan = Value(NAN)
    assert not (nan < 1)
    assert not (nan <= 1)
    assert not (nan > 1)
    assert not (nan >= 1)
    assert max([a, b, Value(-1.0)]) is b
    assert sorted([b, a]) == [a, b]


def test_equality_is_identity_so_values_can_be_dict_keys() -> None:
    a, b = Value(2.0), Value(2.0)
    assert a == a
    assert a != b
    assert a.data == b.data
    assert len({a: 1, b: 2}) == 2
    assert hash(a) != hash(b)
    assert (a == 2.0) is False  # compare a.data for numbers


@pytest.mark.parametrize(
    "compare",
    # [1] > v is written this way round on purpose: the reflected comparison
    [lambda v: v < "1", lambda v: v >= None, lambda v: [1] > v, lambda v: v <= 1j],  # noqa: SIM300
)
def test_comparing_with_a_non_number_is_a_type_error(compare) -> None:
    with pytest.raises(TypeError):
        compare(Value(1.0))
    with pytest.raises(TypeError, match=r"Value < \?: expected a number or a Value, got str"):
        assert Value(1.0) < "1"  # type: ignore[operator]


# -- ints beyond a float --------------------------------------------------------------


def test_an_int_beyond_a_float_is_a_clear_value_error() -> None:
    """PyTorch refuses torch.tensor(10**400) too; a float-sized int is converted."""
    with pytest.raises(ValueError, match=r"Value\(\): expected a number within ±1.8e308 .* "):
        Value(10**400)
    with pytest.raises(ValueError, match=r"got an int of about 10\*\*400"):
        Value(-(10**400))
    with pytest.raises(ValueError, match=r"Value \+ \?: .* 10\*\*500"):
        Value(1.0) + 10**500
    with pytest.raises(ValueError, match=r"Value \*\* \?"):
        Value(2.0) ** 10**400
    with pytest.raises(ValueError, match=r"\? \*\* Value"):
        (10**400) ** Value(0.5)
    with pytest.raises(ValueError, match=r"backward"):
        (Value(1.0) * 2).backward(10**400)
    with pytest.raises(ValueError, match="Fraction"):
        Value(Fraction(10**400, 3))  # type: ignore[arg-type]
    assert Value(10**300).data == 1e300
    assert Value(2**1023).data == 2.0**1023


# -- each op records its graph (what pictures and explanations read) --------------


def test_nodes_record_inputs_local_derivatives_and_op() -> None:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    assert (a.inputs, a.local_grads, a.op, a.label) == ((), (), "", "a")
    s = a + b
    assert s.inputs == (a, b)
    assert s.local_grads == (1.0, 1.0)
    assert s.op == "+"
    p = a * b
    assert p.inputs == (a, b)
    assert p.local_grads == (-3.0, 2.0)
    assert p.op == "*"
    q = a**3
    assert q.inputs == (a,)
    assert q.local_grads == (12.0,)
    assert q.op == "**3"
    for node, op in [(a.exp(), "exp"), (a.log(), "log"), (a.tanh(), "tanh")]:
        assert node.inputs == (a,)
        assert node.op == op
    sig = Value(0.0).sigmoid()
    assert sig.op == "sigmoid"
    assert sig.local_grads == (0.25,)
    assert b.relu().op == "relu"
    assert b.relu().local_grads == (0.0,)
    assert a.step().op == "step"
    assert a.step().local_grads == (0.0,)
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
        assert out.data == expected
        assert v.grad == 0.0


def test_data_is_a_plain_float() -> None:
    for x in [3, 2.5, np.float64(1.5), np.float32(0.25), np.int64(7), Fraction(1, 4)]:
        v = Value(x)
        assert type(v.data) is float
        assert v.data == float(x)
    assert type((Value(2) + 3).data) is float
    assert type((Value(2) * 3).grad) is float


def test_topological_order_puts_inputs_first_and_leaves_out_leaves() -> None:
    a, b = Value(2.0), Value(3.0)
    c = a * b
    d = c + a
    e = d * c
    order = e.topological_order()
    assert order == [c, d, e]
    assert a not in order
    assert b not in order


# -- the design's worked examples, with their exact numbers -----------------------


def test_the_L_graph() -> None:
    v = worked.l_graph()
    a, b, c, f, e, d, L = (v[name] for name in ("a", "b", "c", "f", "e", "d", "L"))
    assert (a.data, b.data, c.data, f.data) == (2.0, -3.0, 10.0, -2.0)
    assert (e.data, d.data, L.data) == (-6.0, 4.0, -8.0)
    L.backward()
    assert L.grad == 1.0
    assert f.grad == 4.0  # dL/df = d
    assert d.grad == -2.0  # dL/dd = f
    assert c.grad == -2.0
    assert e.grad == -2.0
    assert a.grad == 6.0
    assert b.grad == -4.0
    # raising f by 1 raises L from -8 to -4
    assert ((a * b + c) * (f.data + 1)).data == -4.0


def test_the_L_graph_slopes_by_nudging() -> None:
    """Chapter 6: the slope measured by nudging an input by a small h."""

    def L(a, b, c, f):
        return ((Value(a) * b + c) * f).data

    h = 1e-6
    leaves = worked.L_GRAPH_LEAVES
    for name, expected in [("a", 6.0), ("b", -4.0), ("c", -2.0), ("f", 4.0)]:
        base = leaves[name]
        slope = (L(**{**leaves, name: base + h}) - L(**{**leaves, name: base - h})) / (2 * h)
        assert slope == pytest.approx(expected, rel=1e-6)


def _check_tanh_neuron(x1, x2, w1, w2, n, o) -> None:
    assert o.data == pytest.approx(0.7071067811865476, abs=1e-12)
    assert abs(o.data - math.sqrt(0.5)) < 1e-12
    assert n.grad == pytest.approx(0.5, abs=1e-12)  # do/dn = 1 - o**2
    assert x1.grad == pytest.approx(-1.5, abs=1e-12)  # w1 * 0.5
    assert w1.grad == pytest.approx(1.0, abs=1e-12)  # x1 * 0.5
    assert x2.grad == pytest.approx(0.5, abs=1e-12)  # w2 * 0.5
    assert w2.grad == 0.0  # x2 * 0.5, x2 = 0


def test_the_tanh_neuron_built_from_ops() -> None:
    v = worked.tanh_neuron()
    x1, x2, w1, w2, b, n, o = (v[name] for name in ("x1", "x2", "w1", "w2", "b", "n", "o"))
    assert (x1.data, x2.data, w1.data, w2.data) == (2.0, 0.0, -3.0, 1.0)
    x1w1, x2w2 = v["x1*w1"], v["x2*w2"]
    o.backward()
    _check_tanh_neuron(x1, x2, w1, w2, n, o)
    assert b.grad == pytest.approx(0.5, abs=1e-12)
    assert x1w1.grad == pytest.approx(0.5, abs=1e-12)
    assert x2w2.grad == pytest.approx(0.5, abs=1e-12)


def test_the_tanh_neuron_fused() -> None:
    v = worked.tanh_neuron(fused=True)
    x1, x2, w1, w2, n, o = (v[name] for name in ("x1", "x2", "w1", "w2", "n", "o"))
    o.backward()
    _check_tanh_neuron(x1, x2, w1, w2, n, o)


def test_the_tanh_neuron_with_tanh_written_through_exp() -> None:
    """Karpathy's variant: o = (e**2n - 1) / (e**2n + 1) gives the same gradients."""
    x1, x2, w1, w2 = (Value(worked.TANH_NEURON_LEAVES[k]) for k in ("x1", "x2", "w1", "w2"))
    n = x1 * w1 + x2 * w2 + worked.TANH_NEURON_BIAS
    e = (2 * n).exp()
    o = (e - 1) / (e + 1)
    o.backward()
    _check_tanh_neuron(x1, x2, w1, w2, n, o)


def test_sigmoid_of_zero_is_one_half_and_saturates() -> None:
    z = Value(0.0)
    s = z.sigmoid()
    s.backward()
    assert s.data == 0.5
    assert z.grad == 0.25
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
    assert b.data == 6.0
    assert a.grad == 2.0


def test_a_times_a() -> None:
    a = Value(-3.0)
    b = a * a
    b.backward()
    assert b.data == 9.0
    assert a.grad == -6.0


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
    assert a.grad == 2 * 3.0 + 1
    assert b.grad == 4.0


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
    assert y.grad == 1.0
    assert a.grad == 5.0
    w = y * 3
    w.backward()
    assert y.grad == 3.0  # not 1 + 3
    assert a.grad == 5.0 + 15.0
    assert b.grad == 2.0 + 6.0


def test_zero_grad_then_backward_starts_over() -> None:
    a, b = Value(2.0), Value(5.0)
    out = a * b + a
    out.backward()
    a.zero_grad()
    b.zero_grad()
    assert a.grad == 0.0
    assert b.grad == 0.0
    out.backward()
    assert a.grad == 6.0
    assert b.grad == 2.0


def test_backward_with_a_seed_gradient() -> None:
    a = Value(3.0)
    out = a * a
    out.backward(2.0)
    assert out.grad == 2.0
    assert a.grad == 12.0
    with pytest.raises(TypeError, match="str"):
        out.backward("x")  # type: ignore[arg-type]


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
    with cycle_collector_paused():
        yield


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
    assert _live_values() > baseline + 100
    assert sys.getrefcount(leaf) > refs
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
    assert n.op == "dot"
    assert n.data == 1.0
    n.backward()
    assert x1.grad == 2.0
    assert x2.grad == 5.0
    assert dot([], [], 4.0).data == 4.0
    assert dot([], []).data == 0.0
    w, b = [Value(1.0), Value(2.0)], Value(0.5)
    m = dot(w, [x1, x2], b)
    assert m.inputs == (*w, x1, x2, b)


def test_dot_errors() -> None:
    with pytest.raises(ValueError, match="2 weights and 3 inputs"):
        dot([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="str"):
        dot(["a"], [1.0])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="str"):
        dot([1.0], ["a"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="str"):
        dot([1.0], [1.0], "b")  # type: ignore[arg-type]


# -- bad input: a TypeError that says what came ------------------------------------


@pytest.mark.parametrize(
    ("make", "came"),
    [
        (lambda: Value("a"), "str"),  # type: ignore[arg-type]
        (lambda: Value(None), "NoneType"),  # type: ignore[arg-type]
        (lambda: Value([1.0]), "list"),  # type: ignore[arg-type]
        (lambda: Value(2) + "x", "str"),  # type: ignore[operator]
        (lambda: "x" + Value(2), "str"),  # type: ignore[operator]
        (lambda: Value(2) - "x", "str"),  # type: ignore[operator]
        (lambda: "x" - Value(2), "str"),  # type: ignore[operator]
        (lambda: Value(2) * "x", "str"),  # type: ignore[operator]
        (lambda: "x" * Value(2), "str"),  # type: ignore[operator]
        (lambda: [1] * Value(2), "list"),  # type: ignore[operator]
        (lambda: Value(2) / "x", "str"),  # type: ignore[operator]
        (lambda: "x" / Value(2), "str"),  # type: ignore[operator]
        (lambda: Value(2) + None, "NoneType"),  # type: ignore[operator]
        (lambda: Value(2) ** "x", "str"),  # type: ignore[operator]
        (lambda: "x" ** Value(2), "str"),  # type: ignore[operator]
        (lambda: Value(2) ** [2], "list"),  # type: ignore[operator]
        (lambda: Value(2) ** 1j, "complex"),  # type: ignore[operator]
        (lambda: Value(1, label=3), "int"),  # type: ignore[arg-type]
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
        "pow_str",
        "rpow_str",
        "pow_list",
        "pow_complex",
        "label_int",
    ],
)
def test_bad_operands_raise_type_error_naming_what_came(make, came: str) -> None:
    with pytest.raises(TypeError, match=came):
        make()


def test_error_messages_say_what_was_expected() -> None:
    with pytest.raises(TypeError, match=r"Value\(\): .*number.* got str 'a'"):
        Value("a")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Value \+ \?: .*number.* got str 'x'"):
        Value(2) + "x"  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"Value \*\* \?: .*number.* or a Value, got str 'x'"):
        Value(2) ** "x"  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"label must be a str, got int"):
        Value(1, label=3)  # type: ignore[arg-type]


def test_value_of_a_value_error_does_not_contradict_itself() -> None:
    with pytest.raises(TypeError) as err:
        Value(Value(2.0))  # type: ignore[arg-type]
    assert "or a Value" not in str(err.value)


# -- the gradient rule is a field of the node, not a match on its name ----------------------


def test_each_op_records_its_rule_at_inf_and_nan() -> None:
    from neuronlab.engine import ZERO

    a, b = Value(-2.0), Value(0.0)
    assert a.relu().rule == (ZERO,)
    assert Value(2.0).relu().rule == ()
    assert a.step().rule == (ZERO,)
    assert (a**0).rule == (ZERO,)
    assert (a**2).rule == ()
    assert (a**b).rule == (ZERO, None)
    assert (a ** Value(2.0)).rule == ()
    assert Value(3.0).log().rule == (3.0,)
    assert (a / Value(4.0)).rule == (4.0, None)
    assert (a + b).rule == ()
    assert (a * b).rule == ()
    assert a.tanh().rule == ()


def test_chain_rule_reads_the_rule_not_the_name() -> None:
    from neuronlab.engine import ZERO, chain_rule

    x = Value(1.0)
    named_relu = Value(0.0, (x,), (0.0,), "relu")  # a node called relu, without relu's rule
    assert math.isnan(next(chain_rule(named_relu, INF)))  # the product 0 * inf
    ruled = Value(0.0, (x,), (0.0,), "my op", _rule=(ZERO,))
    assert [*chain_rule(ruled, INF)] == [0.0]
    divided = Value(0.0, (x, x), (0.5, 3.0), "mine", _rule=(2.0, None))
    assert [*chain_rule(divided, INF)] == [INF, INF]
    assert [*chain_rule(divided, -6.0)] == [-3.0, -18.0]  # finite g: the products
    ln = Value(0.0).log()  # local 1/0 = inf, gradient 0: 0 / 0 -> PyTorch's nan
    assert math.isnan(next(chain_rule(ln, 0.0)))


def test_backward_and_explain_share_one_rule_at_the_edges() -> None:
    from neuronlab.viz.explain import gradients

    a, b = Value(0.0), Value(1e-320)
    out = (a.relu() + (b / Value(0.0)).log()) * Value(INF)
    out.backward()
    grads = gradients(out)
    for v in (a, b):
        assert v.grad == grads[v] or (math.isnan(v.grad) and math.isnan(grads[v]))
    assert a.grad == 0.0  # relu at 0: exactly 0 through the branch, though g is inf


# -- the cycle collector waits for a graph's worth of allocations -------------------------


def test_backward_lets_the_collector_wait_for_its_graph_and_only_raises_it() -> None:
    from neuronlab.util.collector import MOST_ALLOCATIONS_BETWEEN_COLLECTIONS, collector_waits_for

    saved = gc.get_threshold()
    try:
        gc.set_threshold(700, saved[1], saved[2])
        x = Value(1.0)
        out = x
        for _ in range(1000):
            out = out * 1.0001
        out.backward()
        assert gc.get_threshold() == (6000, saved[1], saved[2])  # 1000 nodes, 6 objects each
        collector_waits_for(10)
        assert gc.get_threshold()[0] == 6000  # never lowered
        collector_waits_for(10**9)
        assert gc.get_threshold()[0] == MOST_ALLOCATIONS_BETWEEN_COLLECTIONS
        gc.set_threshold(0, saved[1], saved[2])  # switched off by threshold: left so
        collector_waits_for(10**6)
        assert gc.get_threshold()[0] == 0
        with pytest.raises(TypeError, match="expected a whole number of nodes, got str"):
            collector_waits_for("many")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="expected a whole number of nodes >= 0, got -1"):
            collector_waits_for(-1)
    finally:
        gc.set_threshold(*saved)
