"""Every operation of both engines, forward and backward, from one table (``op_table.py``).

For each row and each engine -- ``Value`` in float64, ``Tensor`` in float64
and in float32 -- on Hypothesis-drawn numbers and shapes (broadcasting
included): the forward value and every input's gradient vs PyTorch, the
gradient vs central finite differences (float64), PyTorch's results on the
whole float line, and the exact inf/nan edges with upstream gradients 1, 0,
-2.5, ±inf and nan.  What is specific to one engine (accumulation, deep
chains, freeing, shapes, dtypes, errors) is in ``test_engine.py`` and
``test_tensor.py``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from helpers import (
    ENGINES,
    TENSOR32,
    TENSOR64,
    VALUE,
    Engine,
    Upstream,
    assert_matches_torch,
    close,
    filled,
    normal,
    numeric_slope,
    ones,
    tensor_run,
    torch_run,
    value_run,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_table import (
    EDGES,
    GRID_EXPONENTS,
    NUMBER_EXPONENTS,
    OPS,
    POWER_GRID,
    UPSTREAMS,
    Const,
    Domain,
    Edge,
    Op,
    bind,
)

from neuronlab import Value
from neuronlab.tensor import Tensor

torch = pytest.importorskip("torch")

SEEDS = st.integers(0, 2**32 - 1)
TENSOR_EXAMPLES = settings(max_examples=25)


def kind(engine: Engine) -> str:
    return "value" if engine.scalar else "tensor"


def cases(engines: tuple[Engine, ...], wide: bool = False) -> list[Any]:
    """(engine, op) for every row an engine has (with a whole-float-line domain if ``wide``)."""
    return [
        pytest.param(engine, op, id=f"{engine}-{op}")
        for op in OPS
        for engine in engines
        if kind(engine) in op.engines and (op.wide is not None or not wide)
    ]


def draw_shapes(data: st.DataObject, n: int, min_dims: int) -> list[tuple[int, ...]]:
    """One shape, or n shapes that broadcast together."""
    if n == 1:
        shape = hnp.array_shapes(min_dims=min_dims, max_dims=3, min_side=1, max_side=4)
        return [data.draw(shape, label="shape")]
    shapes = hnp.mutually_broadcastable_shapes(
        num_shapes=n, min_dims=min_dims, max_dims=3, max_side=4
    )
    return list(data.draw(shapes, label="shapes").input_shapes)


def draw_inputs(
    data: st.DataObject, engine: Engine, op: Op, domains: tuple[Domain | Const, ...]
) -> tuple[list[Any], list[Any]]:
    """The differentiable inputs (numbers for Value, arrays for Tensor) and the constants."""
    consts = [data.draw(d.values, label="constant") for d in domains if isinstance(d, Const)]
    leaf_domains = [d for d in domains if isinstance(d, Domain)]
    leaves: list[Any]  # numbers for Value, arrays for Tensor
    if engine.scalar:
        leaves = [data.draw(d.floats(), label=f"x{i}") for i, d in enumerate(leaf_domains)]
        return leaves, consts
    if op.shapes is not None:  # one input of a shape the op needs (a table, a batch)
        shapes = [data.draw(op.shapes, label="shape")]
    else:
        shapes = draw_shapes(data, len(leaf_domains), op.min_dims)
    leaves = [
        data.draw(hnp.arrays(np.float64, s, elements=d.floats(), unique=op.unique), label=f"x{i}")
        for i, (s, d) in enumerate(zip(shapes, leaf_domains))
    ]
    return leaves, consts


def upstream_for(data: st.DataObject, engine: Engine) -> Upstream:
    """1 for a Value (a plain ``backward()``), a random array for a Tensor."""
    return ones if engine.scalar else normal(data.draw(SEEDS, label="upstream seed"))


def check_against_torch(engine: Engine, op: Op, data: st.DataObject, wide: bool) -> None:
    domains = op.wide if wide and op.wide is not None else op.domains
    leaves, consts = draw_inputs(data, engine, op, domains)
    assert_matches_torch(
        engine,
        bind(op.for_engine(engine.scalar), domains, consts),
        leaves,
        bind(op.for_torch(), domains, consts),
        rel=op.rel,
        atol=op.wide_atol if wide else max(op.atol, op.atol32 if engine is TENSOR32 else 0.0),
        upstream=upstream_for(data, engine),
        what=f"{op}{tuple(consts)} at {leaves}",
    )


# -- forward and gradient vs PyTorch ---------------------------------------------------


@pytest.mark.parametrize(("engine", "op"), cases((VALUE,)))
@given(data=st.data())
def test_value_op_matches_torch(engine: Engine, op: Op, data: st.DataObject) -> None:
    check_against_torch(engine, op, data, wide=False)


@pytest.mark.parametrize(("engine", "op"), cases((TENSOR64, TENSOR32)))
@TENSOR_EXAMPLES
@given(data=st.data())
def test_tensor_op_matches_torch(engine: Engine, op: Op, data: st.DataObject) -> None:
    check_against_torch(engine, op, data, wide=False)


# -- the whole float line: PyTorch's results, never an exception or a warning ---------


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize(("engine", "op"), cases((VALUE,), wide=True))
@given(data=st.data())
def test_value_op_on_any_finite_input_matches_torch(
    engine: Engine, op: Op, data: st.DataObject
) -> None:
    check_against_torch(engine, op, data, wide=True)


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize(("engine", "op"), cases((TENSOR64, TENSOR32), wide=True))
@TENSOR_EXAMPLES
@given(data=st.data())
def test_tensor_op_on_any_finite_input_matches_torch(
    engine: Engine, op: Op, data: st.DataObject
) -> None:
    check_against_torch(engine, op, data, wide=True)


# -- the gradient vs central finite differences (float64, no PyTorch) ---------------------


def check_finite_differences(engine: Engine, op: Op, data: st.DataObject) -> None:
    """Each input's gradient, projected on a direction, vs the slope measured along it."""
    leaves, consts = draw_inputs(data, engine, op, op.domains)
    fn = bind(op.for_engine(engine.scalar), op.domains, consts)
    out: float | np.ndarray  # a number for Value, an array for Tensor; likewise each gradient
    grads: list[float] | list[np.ndarray]
    if engine.scalar:
        out, grads = value_run(fn, leaves)
        size = abs(out)
        directions: list[Any] = [1.0] * len(leaves)  # the partial derivatives themselves

        def evaluate(xs: list[Any]) -> float:
            return fn(*map(Value, xs)).data

    else:
        seed = data.draw(SEEDS, label="seed")
        out, grads = tensor_run(fn, leaves, "float64", normal(seed))
        u = normal(seed)(out.shape)
        size = float(np.sum(np.abs(out * u)))
        rng = np.random.default_rng(seed + 1)
        directions = [rng.standard_normal(np.shape(x)) for x in leaves]

        def evaluate(xs: list[Any]) -> float:
            return float(np.sum(fn(*[Tensor(x, dtype="float64") for x in xs]).data * u))

    for i, (g, v) in enumerate(zip(grads, directions)):
        slope, along = numeric_slope(evaluate, leaves, i, v)
        backward = float(np.sum(g * along))
        assert math.isclose(backward, slope, rel_tol=1e-5, abs_tol=1e-6 + 1e-8 * size), (
            f"{op}{tuple(consts)} on {engine}, input {i} at {leaves}: "
            f"backward {backward!r}, finite difference {slope!r}"
        )


@pytest.mark.parametrize(("engine", "op"), cases((VALUE,)))
@given(data=st.data())
def test_value_gradient_matches_finite_differences(
    engine: Engine, op: Op, data: st.DataObject
) -> None:
    check_finite_differences(engine, op, data)


@pytest.mark.parametrize(("engine", "op"), cases((TENSOR64,)))
@TENSOR_EXAMPLES
@given(data=st.data())
def test_tensor_gradient_matches_finite_differences(
    engine: Engine, op: Op, data: st.DataObject
) -> None:
    check_finite_differences(engine, op, data)


def test_the_checks_can_fail() -> None:
    """A wrong derivative is caught, by PyTorch and by finite differences, on both engines."""
    wrong = Value(0.7).tanh()  # tanh' claimed as 1 - t instead of 1 - t²
    slope, _ = numeric_slope(lambda x: math.tanh(x[0]), [0.7], 0)
    assert math.isclose(1 - wrong.data**2, slope, rel_tol=1e-8)
    assert not math.isclose(1 - wrong.data, slope, rel_tol=1e-2)

    def same_forward_no_gradient(a: Any) -> Any:
        return a.tanh().detach() + 0 * a

    for engine, x in [(VALUE, 0.7), (TENSOR64, np.array([0.7, -0.2])), (TENSOR32, 0.7)]:
        with pytest.raises(AssertionError, match="forward"):
            assert_matches_torch(engine, lambda a: a.tanh(), [x], lambda a: a.sigmoid())
        with pytest.raises(AssertionError, match="gradient of input 0"):
            assert_matches_torch(engine, lambda a: a.tanh(), [x], same_forward_no_gradient)


def test_the_table_covers_every_op_of_both_engines() -> None:
    """Running every row once records every kind of node each engine can make."""
    seen: dict[str, set[str]] = {"value": set(), "tensor": set()}
    for op in OPS:
        consts = [2.0 for d in op.domains if isinstance(d, Const)]
        n = sum(isinstance(d, Domain) for d in op.domains)
        if "value" in op.engines:
            out = bind(op.for_engine(True), op.domains, consts)(*[Value(0.5) for _ in range(n)])
            seen["value"] |= {node.op for node in out.topological_order()}
        if "tensor" in op.engines:
            shape = op.example_shape
            leaves = [Tensor(np.full(shape, 0.5), requires_grad=True) for _ in range(n)]
            out = bind(op.for_engine(False), op.domains, consts)(*leaves)
            seen["tensor"] |= {node.op for node in out.topological_order()}
    basic = {"+", "*", "/", "**", "**2", "**0.5", "exp", "log", "tanh", "sigmoid", "relu", "step"}
    assert basic <= seen["value"]
    tensor_only = {"-", "neg", "sum", "mean", "max", "reshape", "transpose", "softmax"}
    language = {"var", "std", "embedding", "batch_norm", "layer_norm", "dropout"}
    assert basic | tensor_only | language | {"log_softmax"} <= seen["tensor"]


# -- the edges: exact inputs where inf and nan appear -----------------------------------


def edge_cases() -> list[Any]:
    return [
        pytest.param(
            engine,
            edge,
            id=f"{engine}-{edge}",
            marks=[pytest.mark.xfail(strict=True, raises=edge.bug_raises, reason=edge.bug)]
            if edge.bug
            else [],
        )
        for edge in EDGES
        for engine in ENGINES
        if edge.on(kind(engine))
    ]


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize(("engine", "edge"), edge_cases())
def test_edge_matches_torch(engine: Engine, edge: Edge) -> None:
    """PyTorch's output and gradients, for every upstream gradient in ``UPSTREAMS``."""
    rel = max(1e-15, engine.rel)
    failures = []
    for up in UPSTREAMS:
        out, grads = engine.run(edge.fn, edge.inputs, filled(up))
        t_out, t_grads = torch_run(edge.torch or edge.fn, edge.inputs, engine.dtype, filled(up))
        if not close(out, t_out, rel, engine.atol):
            failures.append(f"upstream {up}: output {out!r}, PyTorch {t_out!r}")
        for i, (g, tg) in enumerate(zip(grads, t_grads)):
            if not close(g, tg, rel, engine.atol):
                failures.append(f"upstream {up}: gradient {i} {g!r}, PyTorch {tg!r}")
    assert not failures, f"{edge} on {engine}:\n" + "\n".join(failures)


def _grid_failures(engine: Engine, fn: Any, torch_fn: Any, columns: list[list[float]]) -> list[str]:
    """fn on every row of ``columns`` (one input per column) vs PyTorch, all upstreams."""
    failures = []
    outs: list[float] | np.ndarray
    grads: list[list[float]] | list[np.ndarray]
    for up in UPSTREAMS:
        if engine.scalar:
            rows = list(zip(*columns))
            results = [value_run(fn, row, filled(up)) for row in rows]
            outs = [r[0] for r in results]
            grads = [[r[1][i] for r in results] for i in range(len(columns))]
        else:
            outs, grads = tensor_run(fn, columns, engine.dtype, filled(up))
        t_outs, t_grads = torch_run(torch_fn, columns, engine.dtype, filled(up))
        for what, our_values, their_values in [("output", outs, t_outs)] + [
            (f"gradient {i}", g, tg) for i, (g, tg) in enumerate(zip(grads, t_grads))
        ]:
            ours = np.asarray(our_values, np.float64)
            theirs = np.asarray(their_values, np.float64)
            bad = ~np.isclose(
                ours, theirs, rtol=max(1e-15, engine.rel), atol=engine.atol, equal_nan=True
            )
            for j in np.flatnonzero(bad):
                at = tuple(c[j] for c in columns)
                failures.append(
                    f"upstream {up}, at {at}: {what} {ours[j]!r}, PyTorch {theirs[j]!r}"
                )
    return failures


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("engine", ENGINES, ids=str)
def test_power_with_a_differentiable_exponent_matches_torch_everywhere(engine: Engine) -> None:
    """a ** b for every pair of special bases and exponents: both gradients as PyTorch's."""
    pairs = [(a, b) for a in POWER_GRID for b in GRID_EXPONENTS]
    columns = [[a for a, _ in pairs], [b for _, b in pairs]]
    failures = _grid_failures(engine, lambda a, b: a**b, lambda a, b: a**b, columns)
    assert not failures, "\n".join(failures[:20])


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("engine", ENGINES, ids=str)
def test_number_to_a_differentiable_power_matches_torch_everywhere(engine: Engine) -> None:
    """number ** b (``2 ** v``): the exponent's gradient a**b · ln a, as PyTorch's."""
    failures = []
    for base in POWER_GRID:
        if engine is TENSOR32 and abs(base) == 1e300:
            continue  # PyTorch casts such a base to float32 (inf) but takes ln of the float64 one
        fn = lambda b, base=base: base**b
        failures += _grid_failures(engine, fn, fn, [GRID_EXPONENTS])
    assert not failures, "\n".join(failures[:20])


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("engine", ENGINES, ids=str)
def test_power_with_a_number_exponent_matches_torch_everywhere(engine: Engine) -> None:
    """a ** k for a number k, PyTorch's √ and 1/√ for k = ±1/2 included."""
    failures = []
    for k in NUMBER_EXPONENTS:
        fn = lambda a, k=k: a**k
        failures += _grid_failures(engine, fn, fn, [POWER_GRID])
    assert not failures, "\n".join(failures[:20])
