"""The tensor engine: what is particular to ``Tensor``.

Every elementwise op and reduction, forward and backward, vs PyTorch in float64
and float32 and vs finite differences, and the inf/nan edges, are in
``test_ops.py`` (one table for both engines).  Here: reductions over chosen
axes, softmax, matrix products, cross-entropy, reshaping, indexing and joining,
broadcasting against ndarrays, gradient accumulation and reuse, acyclic graphs,
the 100,000-op chain, no_grad, dtypes, overflow to float32, the Tensor object
and the error for each kind of bad input.
"""

from __future__ import annotations

import gc
import threading
import warnings
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from helpers import TENSOR32, TENSOR64, Engine, assert_matches_torch, grad_of, normal, numeric_grad
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from neuronlab.losses import cross_entropy
from neuronlab.tensor import (
    Tensor,
    concatenate,
    exp,
    is_grad_enabled,
    linear,
    log,
    log_softmax,
    matmul,
    no_grad,
    relu,
    sigmoid,
    softmax,
    stack,
)

torch = pytest.importorskip("torch")
F = torch.nn.functional

FAST = settings(deadline=None, max_examples=25)
INF, NAN = np.inf, np.nan
SEEDS = st.integers(0, 2**32 - 1)
SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)
PAIRS = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4)
ANY = (-3.0, 3.0)


def sample(
    rng: np.random.Generator, shape: tuple[int, ...], domain: tuple[float, float] | str = ANY
) -> np.ndarray:
    """Uniform numbers in ``domain``, or "nonzero": |x| in [0.5, 3]."""
    if isinstance(domain, str):
        assert domain == "nonzero", domain
        return rng.uniform(0.5, 3.0, shape) * rng.choice([-1.0, 1.0], shape)
    return rng.uniform(*domain, shape)


def check(
    fn: Callable,
    arrays: list[Any],
    torch_fn: Callable | None = None,
    seed: int = 0,
    engine: Engine = TENSOR64,
) -> np.ndarray:
    """fn vs torch_fn (float64 by default), pulled back by a random gradient: every entry counts.

    Returns neuronlab's output.
    """
    out, _ = assert_matches_torch(engine, fn, arrays, torch_fn, upstream=normal(seed))
    return out


# -- broadcasting against ndarrays ---------------------------------------------------------


@FAST
@given(shapes=PAIRS, seed=SEEDS)
def test_reflected_ops_with_ndarrays_match_torch(shapes, seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = sample(rng, shapes.input_shapes[0], ANY)
    c = sample(rng, shapes.input_shapes[1], "nonzero")  # a constant array, no gradient
    tc = torch.tensor(c)
    check(
        lambda t: (c + t) * (c - t) / c + c * t - t / c + (t - c) + c / (t * t + 1),
        [a],
        lambda t: (tc + t) * (tc - t) / tc + tc * t - t / tc + (t - tc) + tc / (t * t + 1),
        seed=seed,
    )


# -- reductions, softmax ------------------------------------------------------------------


@st.composite
def shape_and_axis(draw, min_dims: int = 0):
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=3, min_side=1, max_side=4))
    nd = len(shape)
    if nd == 0:
        return shape, None
    kind = draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none":
        return shape, None
    if kind == "int":
        return shape, draw(st.integers(-nd, nd - 1))
    axes = draw(st.lists(st.integers(0, nd - 1), min_size=1, max_size=nd, unique=True))
    return shape, tuple(axes)


def _dim(axis):
    return () if axis is None else axis


@FAST
@given(sa=shape_and_axis(), keepdims=st.booleans(), seed=SEEDS)
def test_sum_mean_max_over_axes_match_torch(sa, keepdims: bool, seed: int) -> None:
    shape, axis = sa
    rng = np.random.default_rng(seed)
    a = sample(rng, shape, ANY)  # continuous values: no ties
    dim = _dim(axis)
    check(lambda t: t.sum(axis, keepdims), [a], lambda t: t.sum(dim=dim, keepdim=keepdims))
    if axis is None:
        ref_mean = lambda t: t.mean().reshape((1,) * t.ndim if keepdims else ())
    else:
        ref_mean = lambda t: t.mean(dim=dim, keepdim=keepdims)
    check(lambda t: t.mean(axis, keepdims), [a], ref_mean)
    check(lambda t: t.max(axis, keepdims), [a], lambda t: t.amax(dim=dim, keepdim=keepdims))


def test_max_splits_the_gradient_between_ties_like_amax() -> None:
    check(lambda t: t.max(), [np.array([1.0, 3.0, 3.0, 2.0])], lambda t: t.amax())
    x = Tensor([1.0, 3.0, 3.0, 2.0], requires_grad=True)
    x.max().backward()
    assert grad_of(x).tolist() == [0.0, 0.5, 0.5, 0.0]
    rows = np.array([[5.0, 5.0, 5.0], [1.0, 2.0, 2.0]])
    check(lambda t: t.max(axis=1), [rows], lambda t: t.amax(dim=1))


@FAST
@given(sa=shape_and_axis(min_dims=1), seed=SEEDS)
def test_softmax_and_log_softmax_match_torch(sa, seed: int) -> None:
    shape, _ = sa
    axis = np.random.default_rng(seed).integers(-len(shape), len(shape))
    a = sample(np.random.default_rng(seed), shape, (-20, 20))
    check(lambda t: softmax(t, axis), [a], lambda t: torch.softmax(t, int(axis)))  # type: ignore[arg-type]
    check(lambda t: t.log_softmax(axis), [a], lambda t: torch.log_softmax(t, int(axis)))


def test_softmax_and_log_softmax_are_stable_for_huge_logits() -> None:
    big = np.array([[1000.0, 0.0, -1000.0], [-1e4, -1e4 + 1, -1e4 + 2]])
    check(lambda t: t.softmax(), [big], lambda t: torch.softmax(t, -1))
    check(lambda t: log_softmax(t), [big], lambda t: torch.log_softmax(t, -1))


# -- matrix products ---------------------------------------------------------------------


@st.composite
def matmul_shapes(draw):
    n, k, m = (draw(st.integers(1, 4)) for _ in range(3))
    batch = draw(
        hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, max_side=3)
    )
    left = draw(st.sampled_from(["vector", "matrix"]))
    right = draw(st.sampled_from(["vector", "matrix"]))
    a = (k,) if left == "vector" else batch.input_shapes[0] + (n, k)
    b = (k,) if right == "vector" else batch.input_shapes[1] + (k, m)
    return a, b


@FAST
@given(shapes=matmul_shapes(), seed=SEEDS)
def test_matmul_1d_2d_and_batched_matches_torch(shapes, seed: int) -> None:
    rng = np.random.default_rng(seed)
    a, b = (sample(rng, s, ANY) for s in shapes)
    assert np.matmul(a, b).shape == check(lambda x, y: x @ y, [a, b]).shape


def test_matmul_with_ndarrays_on_either_side() -> None:
    m = np.arange(6.0).reshape(2, 3)
    tm = torch.tensor(m)
    check(lambda t: m @ t, [np.ones((3, 2))], lambda t: tm @ t)
    check(lambda t: matmul(t, m.T), [np.ones((4, 3))], lambda t: t @ tm.T)


@pytest.mark.parametrize("engine", [TENSOR64, TENSOR32], ids=str)
@FAST
@given(
    batch=hnp.array_shapes(min_dims=0, max_dims=2, max_side=3),
    n_in=st.integers(1, 5),
    n_out=st.integers(1, 5),
    bias=st.booleans(),
    seed=SEEDS,
)
def test_linear_matches_torch(
    engine: Engine, batch, n_in: int, n_out: int, bias: bool, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    arrays = [sample(rng, (*batch, n_in), ANY), sample(rng, (n_out, n_in), ANY)]
    if bias:
        arrays.append(sample(rng, (n_out,), ANY))
    check(linear, arrays, F.linear, seed=seed, engine=engine)


@pytest.mark.parametrize("engine", [TENSOR64, TENSOR32], ids=str)
@FAST
@given(n=st.integers(1, 6), c=st.integers(1, 5), seed=SEEDS)
def test_softmax_cross_entropy_matches_torch(engine: Engine, n: int, c: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    z = sample(rng, (n, c), (-10, 10))
    y = rng.integers(0, c, n)
    loss = lambda t: cross_entropy(t, y)
    out = check(loss, [z], lambda t: F.cross_entropy(t, torch.tensor(y)), seed, engine)
    assert out.shape == ()
    assert loss(Tensor(z, requires_grad=True)).op == "cross_entropy"
    # the same as the composed form, one node instead of several
    composed = check(
        lambda t: -log_softmax(t)[np.arange(n), y].mean(),
        [z],
        lambda t: F.cross_entropy(t, torch.tensor(y)),
        seed,
        engine,
    )
    assert composed.item() == pytest.approx(out.item(), rel=max(1e-12, engine.rel))


def test_softmax_cross_entropy_is_stable_and_float32() -> None:
    z = Tensor([[1000.0, 0.0], [0.0, -1000.0]], requires_grad=True)
    loss = cross_entropy(z, np.array([1, 0]))
    loss.backward()
    assert loss.dtype == np.float32
    assert grad_of(z).dtype == np.float32
    assert loss.item() == pytest.approx(500.0)
    np.testing.assert_allclose(grad_of(z), [[0.5, -0.5], [0.0, 0.0]], atol=1e-7)


# -- shapes: reshape, transpose, indexing, joining -------------------------------------------


@FAST
@given(shape=SHAPES, data=st.data(), seed=SEEDS)
def test_reshape_and_transpose_match_torch(shape, data, seed: int) -> None:
    a = sample(np.random.default_rng(seed), shape, ANY)
    perm = data.draw(st.permutations(range(len(shape))))
    check(lambda t: t.transpose(*perm) * 2, [a], lambda t: t.permute(tuple(perm)) * 2)
    new = (a.size,) if not shape else shape[::-1]
    check(lambda t: t.reshape(new).exp(), [a], lambda t: t.reshape(new).exp())
    check(lambda t: t.reshape(*new, 1).sum(), [a], lambda t: t.reshape(*new, 1).sum())


def _torch_index(index):
    conv = lambda i: torch.tensor(i) if isinstance(i, np.ndarray) else i
    return tuple(map(conv, index)) if isinstance(index, tuple) else conv(index)


INDICES = [
    1,
    -1,
    slice(1, 3),
    slice(None, None, 2),
    (slice(None), 0),
    (Ellipsis, 1),
    (None, 2),
    (1, slice(0, 2)),
    np.array([0, 2, 2, 0]),  # duplicates: each pick gets its share of the gradient
    (np.array([0, 1, 1]), np.array([2, 2, 0])),
    (slice(None), np.array([1, 1, 3])),
    np.array([True, False, True]),
    "mask",  # a boolean mask of the whole array
]


@pytest.mark.parametrize("index", INDICES, ids=repr)
def test_indexing_matches_torch(index) -> None:
    a = np.random.default_rng(1).standard_normal((3, 4))
    if isinstance(index, str):
        index = a > 0
    check(lambda t: t[index] * 3, [a], lambda t: t[_torch_index(index)] * 3)


def test_indexing_tensors_and_iteration() -> None:
    t = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    rows = list(t)
    assert len(rows) == len(t) == 2
    (rows[0] * 2 + rows[1] * 3 + t[Tensor([1, 1])].sum(axis=0)).sum().backward()
    np.testing.assert_array_equal(t.grad, [[2, 2], [5, 5]])


@FAST
@given(
    shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=3),
    sizes=st.lists(st.integers(1, 3), min_size=1, max_size=3),
    data=st.data(),
    seed=SEEDS,
)
def test_concatenate_and_stack_match_torch(shape, sizes, data, seed: int) -> None:
    rng = np.random.default_rng(seed)
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    parts = []
    for n in sizes:
        s = list(shape)
        s[axis] = n
        parts.append(sample(rng, tuple(s), ANY))
    check(lambda *ts: concatenate(ts, axis) ** 2, parts, lambda *ts: torch.cat(ts, axis) ** 2)
    same = [sample(rng, shape, ANY) for _ in sizes]
    new_axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    check(
        lambda *ts: stack(list(ts), new_axis).tanh(),
        same,
        lambda *ts: torch.stack(ts, new_axis).tanh(),
    )


# -- finite differences --------------------------------------------------------------------


FD_CASES = [
    ("mlp", lambda x: (x @ np.ones((3, 2)) * 0.3).tanh().sigmoid().sum()),
    ("softmax", lambda x: (softmax(x * 1.0) * np.arange(3.0)).sum()),
    ("log_softmax", lambda x: (log_softmax(x, axis=0) ** 2).mean()),
    ("max_pow_div", lambda x: (x.max(axis=1) ** 3 / (x * x + 1).sum(axis=1)).sum()),
    ("getitem_concat", lambda x: concatenate([x[0], x[:, 1] * 2, x.reshape(-1)[::2]]).exp().sum()),
]


@pytest.mark.parametrize(("name", "f"), FD_CASES, ids=[c[0] for c in FD_CASES])
def test_gradients_match_finite_differences(name: str, f: Callable) -> None:
    x0 = np.random.default_rng(7).uniform(-1.5, 1.5, (2, 3))
    x = Tensor(x0, dtype="float64", requires_grad=True)
    f(x).backward()
    fd = numeric_grad(lambda v: f(Tensor(v, dtype="float64")).item(), x0)
    np.testing.assert_allclose(grad_of(x), fd, rtol=1e-6, atol=1e-8)


# -- backward semantics: accumulation, reuse, intermediates ---------------------------------


def test_leaves_accumulate_across_backward_calls_until_zero_grad() -> None:
    a = Tensor([1.0, 2.0], requires_grad=True)
    np.testing.assert_array_equal(a.grad, [0.0, 0.0])  # a leaf starts at zeros
    (a * 3).sum().backward()
    (a * 3).sum().backward()
    np.testing.assert_array_equal(a.grad, [6.0, 6.0])
    held = a.grad
    a.zero_grad()
    assert held is not None
    assert held is a.grad
    assert not held.any()
    (a * a).sum().backward()
    np.testing.assert_array_equal(a.grad, [2.0, 4.0])
    assert held is a.grad  # someone held the array: it is added into, not replaced


def test_zero_grad_then_backward_matches_fresh_gradients_every_time() -> None:
    w = Tensor(np.ones((3, 2)), requires_grad=True)
    x = np.arange(6.0).reshape(2, 3)
    for _ in range(3):
        w.zero_grad()
        (Tensor(x) @ w).sum().backward()
        np.testing.assert_array_equal(w.grad, np.repeat(x.sum(0)[:, None], 2, axis=1))


def test_a_tensor_used_twice_gets_both_contributions() -> None:
    a = Tensor([3.0], requires_grad=True)
    b = a + a  # d/da = 2
    c = b * a  # 2a², d/da = 4a
    c.backward()
    assert grad_of(a).tolist() == [12.0]
    check(lambda t: (t + t) * t + t @ t, [np.array([1.0, -2.0])])


def test_intermediates_show_this_calls_gradient_only() -> None:
    a = Tensor([2.0], requires_grad=True)
    h = a * 3
    out = (h * h).sum()
    out.backward()
    out.backward()
    assert grad_of(h).tolist() == [12.0]  # 2h, not accumulated
    assert grad_of(a).tolist() == [72.0]  # the leaf accumulated: 2 * 36
    assert grad_of(out).tolist() == 1.0
    assert h.inputs[0] is a
    assert h.op == "*"


def test_backward_from_a_leaf_and_with_an_explicit_gradient() -> None:
    a = Tensor([1.0, 2.0], requires_grad=True)
    a.backward(np.array([0.5, 1.5]))
    assert grad_of(a).tolist() == [0.5, 1.5]
    b = Tensor([[1.0, 2.0]], requires_grad=True)
    (b * 2).backward(np.array([[1.0, -1.0]]))
    assert grad_of(b).tolist() == [[2.0, -2.0]]
    c = Tensor([[4.0]], requires_grad=True)
    (c * c).backward()  # one element, any shape: seeded with 1
    assert grad_of(c).tolist() == [[8.0]]


def test_constants_and_data_get_no_gradient() -> None:
    x = Tensor([1.0, 2.0])
    w = Tensor([3.0, 4.0], requires_grad=True)
    (x * w).sum().backward()
    assert x.grad is None
    assert x.requires_grad is False
    assert grad_of(w).tolist() == [1.0, 2.0]


def test_chain_of_100000_ops_needs_no_recursion() -> None:
    x = Tensor(0.0, dtype=np.float64, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    y.backward()
    assert y.item() == 100_000.0
    assert grad_of(x).item() == 1.0
    assert len(y.topological_order()) == 100_000
    del y  # freeing it must not recurse either


def test_graph_holds_no_reference_cycles() -> None:
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        w = Tensor(np.ones((3, 2)), requires_grad=True)
        x = Tensor(np.ones((4, 3)))
        h = relu(x @ w)
        probe = weakref.ref(h)
        loss = cross_entropy(h, np.array([0, 1, 0, 1]))
        loss.backward()
        del h, loss
        assert probe() is None  # freed by reference counting alone
        assert grad_of(w).shape == (3, 2)
    finally:
        if was_enabled:
            gc.enable()


def test_no_new_garbage_cycles_from_a_training_step() -> None:
    w = Tensor(np.ones((3, 2)), requires_grad=True)
    gc.collect()
    gc.disable()
    try:
        for _ in range(5):
            loss = (sigmoid(Tensor(np.ones((4, 3))) @ w) ** 2).mean()
            loss.backward()
        del loss
        assert gc.collect() == 0
    finally:
        gc.enable()


# -- inf and nan, as PyTorch gives them, silently (the comparisons are in test_ops.py) ------


@pytest.mark.filterwarnings("error")
def test_specific_extremes() -> None:
    assert log(Tensor([0.0])).item() == -INF
    assert np.isnan(log(Tensor([-1.0])).item())
    assert exp(Tensor([1000.0])).item() == INF
    s = sigmoid(Tensor([-1e38, -50.0, 0.0, 50.0, 1e38]))
    np.testing.assert_allclose(s.data, [0.0, 1.9287499e-22, 0.5, 1.0, 1.0], rtol=1e-6)
    s64 = sigmoid(Tensor([-800.0, 800.0], dtype=np.float64))
    assert s64.data.tolist() == [0.0, 1.0]
    big = Tensor(np.full((2, 2), 3e38))
    assert (big @ big).data[0, 0] == INF
    assert big.sum().item() == INF
    assert np.isnan(Tensor(np.zeros((0,))).mean().item())


@pytest.mark.filterwarnings("error")
def test_float32_division_gradient_does_not_overflow() -> None:
    """d(a/b)/db = -g·((a/b)/b), grouped as PyTorch: never b·b or g·a, which overflow float32."""
    a = Tensor([1e20, 1.0, 3.0], requires_grad=True)
    b = Tensor([1e20, 1e20, -2e19], requires_grad=True)
    g = np.array([1e20, 1.0, 2.0], np.float32)
    (a / b).backward(g)
    # -(g·a)/(b·b) would be -inf/inf = nan, 0 and 0; -(g·a/b)/b would be -inf, ...
    np.testing.assert_allclose(grad_of(b), [-1.0, -1e-40, -1.5e-38], rtol=1e-5)
    assert np.all(np.isfinite(grad_of(b)))
    assert np.all(grad_of(b) != 0)
    check(lambda x, y: x / y, [a.data, b.data], engine=TENSOR32)
    ta, tb = (torch.tensor(t.data, requires_grad=True) for t in (a, b))
    (ta / tb).backward(torch.tensor(g))
    np.testing.assert_array_equal(b.grad, tb.grad.numpy())
    np.testing.assert_array_equal(a.grad, ta.grad.numpy())


@pytest.mark.filterwarnings("error")
def test_numbers_beyond_float32_become_inf_silently_and_beyond_float64_are_errors() -> None:
    """As in PyTorch: float32 overflows to ±inf; an int beyond any float is refused."""
    t = Tensor([1.0, -2.0])
    assert (t + 1e300).data.tolist() == [INF, INF]
    assert (t * 1e39).data.tolist() == [INF, -INF]
    assert Tensor(1e300).item() == INF
    assert Tensor([-1e40, 1e-50]).data.tolist() == [-INF, 0.0]
    assert Tensor(10**30).item() == pytest.approx(1e30)
    assert Tensor([2**70, 1]).dtype == np.float32
    assert Tensor(10**300, dtype="float64").item() == 1e300
    beyond = r"expected numbers within ±1.8e308"
    with pytest.raises(ValueError, match=rf"Tensor\(\): {beyond}, got an int of about 10\*\*400"):
        Tensor(10**400)
    with pytest.raises(ValueError, match=r"expected numbers within ±1.8e308, got list"):
        Tensor([1, 10**400])
    with pytest.raises(ValueError, match=r"add: expected a number within ±1.8e308, got an int of"):
        t + 10**400
    with pytest.raises(ValueError, match=r"pow: expected a number within ±1.8e308"):
        t ** (10**5000)
    with pytest.raises(ValueError, match=r"mul: .* got an int of about 10\*\*5000"):
        10**5000 * t
    with pytest.raises(ValueError, match=r"Tensor < \?: expected a number within ±1.8e308"):
        assert t < 10**400
    assert (t < 10**300).all()
    assert not (t > 10**30).any()
    assert (t > -1e300).all()


# -- no_grad ----------------------------------------------------------------------------------


def test_no_grad_context_records_nothing_and_restores() -> None:
    w = Tensor([1.0, 2.0], requires_grad=True)
    with no_grad():
        assert not is_grad_enabled()
        y = w * 2
        with no_grad():
            pass
        assert not is_grad_enabled()  # nested blocks restore the outer state
    assert is_grad_enabled()
    assert y.requires_grad is False
    assert y.inputs == ()
    assert y.op == ""
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.sum().backward()
    with pytest.raises(ValueError, match="boom"), no_grad():
        raise ValueError("boom")
    assert is_grad_enabled()  # restored after an exception


def test_no_grad_as_a_decorator_and_per_thread() -> None:
    w = Tensor([1.0], requires_grad=True)

    @no_grad()
    def evaluate(t: Tensor) -> Tensor:
        return t * 3

    assert evaluate(w).requires_grad is False
    assert evaluate.__name__ == "evaluate"
    assert (w * 3).requires_grad is True
    seen = []
    with no_grad():
        thread = threading.Thread(target=lambda: seen.append((w * 2).requires_grad))
        thread.start()
        thread.join()
    assert seen == [True]  # another thread keeps recording


# -- dtypes ---------------------------------------------------------------------------------


def test_float32_is_the_default_and_is_preserved() -> None:
    a = Tensor([[1.0, 2.0]], requires_grad=True)
    assert a.dtype == np.float32
    assert Tensor(3).dtype == np.float32
    assert Tensor(np.arange(3)).dtype == np.float32  # ints converted
    assert Tensor(np.ones(2, np.float64)).dtype == np.float32
    out = (a * 2.5 + np.float64(1.5)) / 3 - np.ones((1, 2)) + 0.1**a
    out = (out @ np.ones((2, 3))).tanh().sigmoid().relu().exp().log().softmax().mean()
    assert out.dtype == np.float32
    out.backward()
    assert grad_of(a).dtype == np.float32


def test_float64_on_request_and_mixed_dtypes_promote() -> None:
    for spec in (np.float64, "float64", np.dtype("float64")):
        assert Tensor([1.0], dtype=spec).dtype == np.float64
    a32 = Tensor([1.0, 2.0], requires_grad=True)
    b64 = Tensor([3.0, 4.0], dtype="float64", requires_grad=True)
    (a32 * b64).sum().backward()
    assert grad_of(a32).dtype == np.float32
    assert grad_of(b64).dtype == np.float64
    assert grad_of(a32).tolist() == [3.0, 4.0]


# -- the Tensor object ---------------------------------------------------------------------------


def test_tensor_basics() -> None:
    t = Tensor([[1, 2, 3], [4, 5, 6]], requires_grad=True, label="w")
    assert t.shape == (2, 3)
    assert t.ndim == 2
    assert t.size == 6
    assert t.label == "w"
    assert t.numpy() is t.data
    assert Tensor(7.5).item() == 7.5
    assert float(Tensor([2.0])) == 2.0
    assert "label='w'" in repr(t)
    assert "requires_grad=True" in repr(t)
    assert "op='+'" in repr(t + 1)
    assert "dtype=float64" in repr(Tensor(1, dtype="float64"))
    assert (t > 2).tolist() == [[False, False, True], [True, True, True]]
    assert (t <= Tensor(2.0)).sum() == 2
    assert (t >= 6).sum() == 1
    assert (t < 2).sum() == 1
    d = t.detach()
    assert d.data is t.data
    assert not d.requires_grad
    assert np.asarray(t) is t.data
    assert t.T.shape == (3, 2)
    assert t.transpose(1, 0).shape == (3, 2)


def test_a_parameter_owns_its_data_and_a_constant_shares_it() -> None:
    arr = np.ones(3, np.float32)
    assert Tensor(arr, requires_grad=True).data is not arr
    assert Tensor(arr).data is arr


def test_requires_grad_can_be_switched_on_a_leaf_only() -> None:
    t = Tensor([1.0, 2.0])
    t.requires_grad = True
    assert grad_of(t).tolist() == [0.0, 0.0]
    (t * t).sum().backward()
    assert grad_of(t).tolist() == [2.0, 4.0]
    with pytest.raises(ValueError, match="leaf"):
        (t * 2).requires_grad = False
    t.requires_grad = False
    assert t.grad is None


# -- errors at the boundary, saying what was expected and what came ------------------------------


@pytest.mark.parametrize(
    ("op", "fn"),
    [
        ("add", lambda a, b: a + b),
        ("sub", lambda a, b: a - b),
        ("mul", lambda a, b: a * b),
        ("div", lambda a, b: a / b),
        ("pow", lambda a, b: a**b),
    ],
)
def test_broadcast_errors_name_the_op_and_both_shapes(op: str, fn: Callable) -> None:
    with pytest.raises(ValueError, match="cannot be broadcast together") as info:
        fn(Tensor(np.ones((3, 4))), Tensor(np.ones((5,))))
    assert str(info.value) == f"{op}: shapes (3, 4) and (5,) cannot be broadcast together"
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__


def test_matmul_errors() -> None:
    with pytest.raises(ValueError, match="do not line up") as info:
        Tensor(np.ones((3, 4))) @ Tensor(np.ones((5, 2)))
    assert str(info.value) == "matmul: shapes (3, 4) and (5, 2) do not line up (4 != 5)"
    with pytest.raises(ValueError, match=r"matmul: both operands .* \(\) and \(3,\)"):
        matmul(Tensor(2.0), Tensor(np.ones(3)))
    with pytest.raises(ValueError, match=r"batch dimensions of shapes \(2, 3, 4\) and \(5, 4, 1\)"):
        Tensor(np.ones((2, 3, 4))) @ Tensor(np.ones((5, 4, 1)))
    with pytest.raises(ValueError, match=r"linear: input shape \(2, 3\) does not fit weight"):
        linear(Tensor(np.ones((2, 3))), Tensor(np.ones((4, 5))))


def test_shape_op_errors() -> None:
    t = Tensor(np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"reshape: cannot reshape shape \(3, 4\) .* into \(5,\)"):
        t.reshape(5)
    with pytest.raises(ValueError, match=r"transpose: axes \(0, 0\) are not a permutation"):
        t.transpose(0, 0)
    with pytest.raises(ValueError, match=r"concatenate: shapes \(3, 4\) and \(2, 3\) differ"):
        concatenate([t, Tensor(np.ones((2, 3)))])
    with pytest.raises(ValueError, match=r"stack: shapes \(3, 4\) and \(4, 3\) differ"):
        stack([t, t.T])
    with pytest.raises(ValueError, match="at least one tensor"):
        concatenate([])
    with pytest.raises(TypeError, match="list or tuple of tensors"):
        stack(t)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="sum: axis 2 is out of range for a tensor with 2 dims"):
        t.sum(axis=2)
    with pytest.raises(ValueError, match="repeats an axis"):
        t.mean(axis=(0, -2))
    with pytest.raises(TypeError, match=r"max\(axis\): expected a whole number \(int\), got float"):
        t.max(axis=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"max: cannot take the max over an empty axis"):
        Tensor(np.ones((0, 2))).max(axis=0)
    with pytest.raises(IndexError, match=r"getitem: index 7 does not fit shape \(3, 4\)"):
        t[7]


def test_construction_errors() -> None:
    with pytest.raises(TypeError, match=r"expected numbers .* got str 'abc'"):
        Tensor("abc")
    with pytest.raises(TypeError, match="got list \\[1, 'a'\\]"):
        Tensor([1, "a"])
    with pytest.raises(TypeError, match="got NoneType"):
        Tensor(None)
    with pytest.raises(TypeError, match="got dict"):
        Tensor({"a": 1})
    with pytest.raises(TypeError, match="complex numbers are not supported"):
        Tensor(np.array([1 + 2j]))
    with pytest.raises(TypeError, match="complex numbers are not supported"):
        Tensor(1j)
    with pytest.raises(ValueError, match="rectangular"):
        Tensor([[1, 2], [3]])
    for bad in (np.float16, "int32", int, "float", torch.float64):
        with pytest.raises(ValueError, match=r"dtype: expected float32 or float64 .* got"):
            Tensor([1.0], dtype=bad)
    with pytest.raises(TypeError, match="label must be a str"):
        Tensor(1.0, label=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="requires_grad must be a bool"):
        Tensor(1.0, requires_grad="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "fn",
    [
        lambda t: t + "x",
        lambda t: "x" - t,
        lambda t: t * [1, 2],
        lambda t: t / None,
        lambda t: t ** "2",
        lambda t: t @ "m",
        lambda t: t < "a",
        lambda t: t + 1j,
    ],
)
def test_operating_with_a_non_number_is_a_type_error(fn: Callable) -> None:
    with pytest.raises(TypeError, match=r"expected a Tensor, a number or a numpy array, got"):
        fn(Tensor([1.0, 2.0]))


def test_backward_errors() -> None:
    w = Tensor(np.ones((2, 2)), requires_grad=True)
    with pytest.raises(ValueError, match=r"the output has shape \(2, 2\).*pass gradient="):
        (w * 2).backward()
    with pytest.raises(ValueError, match=r"gradient has shape \(3,\), expected .* \(2, 2\)"):
        (w * 2).backward(np.ones(3))
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor([1.0]).backward()
    with pytest.raises(ValueError, match=r"item\(\): only a tensor with one element"):
        w.item()
    with pytest.raises(ValueError, match="ambiguous"):
        bool(w)


def test_cross_entropy_errors() -> None:
    z = Tensor(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"label 3 is not a class index in 0..2"):
        cross_entropy(z, np.array([0, 3]))
    with pytest.raises(ValueError, match=r"label -1 is not a class index in 0..2"):
        cross_entropy(z, [-1, 0])
    with pytest.raises(ValueError, match=r"expected 2 class labels"):
        cross_entropy(z, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"0\.5 is not a class index"):
        cross_entropy(z, np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match=r"logits of shape \(n, classes\), got shape \(3,\)"):
        cross_entropy(Tensor(np.zeros(3)), [0])
    assert cross_entropy(z, np.array([0.0, 2.0])).item() == pytest.approx(np.log(3))


def test_no_runtime_warnings_leak_from_ordinary_training_ops() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        w = Tensor(np.full((3, 3), 1e20), requires_grad=True)
        loss = cross_entropy((Tensor(np.full((2, 3), 1e20)) @ w).relu(), [0, 1])
        loss.backward()
        assert np.isnan(loss.item()) or np.isinf(loss.item())


def test_view_is_reshape_under_pytorchs_name_with_the_same_gradient() -> None:
    torch = pytest.importorskip("torch")
    data = np.arange(24.0).reshape(2, 3, 4)
    ours = Tensor(data, requires_grad=True)
    theirs = torch.tensor(data, requires_grad=True)
    weights = (np.arange(24.0) / 8 - 1.5).reshape(2, 12)  # exact in float32 too
    (ours.view(2, -1) * Tensor(weights)).sum().backward()
    (theirs.view(2, -1) * torch.tensor(weights)).sum().backward()
    assert ours.view(6, 4).shape == (6, 4)
    np.testing.assert_array_equal(ours.grad, theirs.grad.numpy())


# -- reading .grad changes nothing; zero_grad's storage trick stays invisible ----------------


def _state(t: Tensor) -> tuple:
    grad = t.grad
    return (id(grad), None if grad is None else grad.copy(), t._zeroed, t.requires_grad)


@given(
    st.lists(st.sampled_from(["read", "zero", "backward", "hold", "drop"]), max_size=12),
    st.sampled_from([(3,), (2, 3)]),
)
def test_reading_grad_never_changes_state_and_holders_see_the_gradient(ops, shape) -> None:
    w = Tensor(np.arange(1.0, 1.0 + np.prod(shape)).reshape(shape), requires_grad=True)
    expected = np.zeros(shape, np.float32)
    held = None
    for op in ops:
        if op == "read":
            before = _state(w)
            for _ in range(3):
                w.grad  # noqa: B018  (the read is the point)
            after = _state(w)
            assert before[0] == after[0]
            assert before[2:] == after[2:]
            np.testing.assert_array_equal(before[1], after[1])
        elif op == "zero":
            w.zero_grad()
            expected[...] = 0
        elif op == "backward":
            (w * w).sum().backward()
            expected += 2 * w.data
        elif op == "hold":
            held = w.grad
        else:
            held = None
        np.testing.assert_array_equal(w.grad, expected)
        if held is not None and held.flags.writeable:  # a real gradient array someone keeps
            assert held is w.grad  # zeroed and added into in place, never replaced
            np.testing.assert_array_equal(held, expected)


def test_after_zero_grad_nobody_held_the_grad_is_read_only_zeros_then_taken_over() -> None:
    w = Tensor([1.0, 2.0], requires_grad=True)
    (w * 3).sum().backward()
    w.zero_grad()
    zeros = grad_of(w)
    assert not zeros.any()
    assert not zeros.flags.writeable
    assert w.grad is zeros  # reading twice: the same array, nothing changed
    (w * w).sum().backward()
    np.testing.assert_array_equal(w.grad, [2.0, 4.0])
    assert grad_of(w).flags.writeable
    assert w.grad is not zeros
    view = grad_of(w)[:1]  # a view holds the array too: zeroed in place
    w.zero_grad()
    assert view.base is w.grad
    assert not view.any()


def test_peek_grad_is_gone_grad_is_the_one_way_to_read() -> None:
    assert not hasattr(Tensor, "peek_grad")
