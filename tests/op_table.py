"""The one table of operations that tests both engines (as minitorch and tinygrad do).

Each ``Op`` is an expression written once -- it runs unchanged on ``Value``,
on ``Tensor`` and on ``torch.Tensor`` unless a column says otherwise -- with
the ranges its inputs are drawn from.  ``tests/test_ops.py`` turns every row
into: the forward value vs PyTorch, the gradient vs PyTorch (Value in float64,
Tensor in float64 and float32, on Hypothesis-drawn numbers and shapes), the
gradient vs central finite differences, and, for rows with a ``wide`` domain,
PyTorch's results anywhere on the float line.

``EDGES`` are the exact inputs where inf and nan appear (overflow, poles, 0/0,
ln 0, √ of -inf, ...); each is checked on every engine with upstream gradients
1, 0, -2.5, ±inf and nan.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypedDict

import numpy as np
import pytest
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from neuronlab.losses import cross_entropy
from neuronlab.tensor import (
    batch_norm,
    batch_statistics,
    dropout,
    embedding,
    exp,
    layer_norm,
    log,
    relu,
    sigmoid,
    tanh,
)

torch = pytest.importorskip("torch")

INF, NAN = math.inf, math.nan


@dataclass(frozen=True)
class Domain:
    """Where an input is drawn from: [lo, hi], keeping |x| >= gap (off a kink or a pole)."""

    lo: float | None
    hi: float | None
    gap: float = 0.0
    subnormal: bool = False  # only the whole-float-line domain draws subnormals
    spacing: float = 0.0  # numbers on a grid this far apart (entries that never nearly tie)

    def floats(self) -> st.SearchStrategy[float]:
        """The Hypothesis strategy for one number of this domain."""
        if self.spacing:
            lo, hi, step = self.lo or 0.0, self.hi or 0.0, self.spacing
            return st.integers(math.ceil(lo / step), math.floor(hi / step)).map(lambda i: i * step)

        def between(lo: float | None, hi: float | None) -> st.SearchStrategy[float]:
            return st.floats(
                lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=self.subnormal
            )

        if not self.gap:
            return between(self.lo, self.hi)
        return st.one_of(between(self.lo, -self.gap), between(self.gap, self.hi))


@dataclass(frozen=True)
class Const:
    """An input that stays a plain number (an exponent, a base): drawn, never differentiated."""

    values: st.SearchStrategy[float]


ANY = Domain(-10, 10)
SMALL = Domain(-2, 2)
POS = Domain(0.1, 10)
NONZERO = Domain(-10, 10, gap=0.1)
SMALL_NONZERO = Domain(-2, 2, gap=0.1)
OFF_KINK = Domain(-10, 10, gap=1e-3)  # relu and step: stay off the corner at 0
UNIT = Domain(0, 1)
FINITE = Domain(None, None, subnormal=True)  # the whole float line
GRID = Domain(-10, 10, spacing=0.01)  # distinct entries stay 0.01 apart: max has no near-ties

BOTH = ("value", "tensor")
TENSOR = ("tensor",)
VALUE = ("value",)

SAT = 1e-15  # tanh' = 1 - t*t and sigmoid' = s*(1 - s): a 1-ulp difference in t or s
TINY = 1e-300  # subnormal last places; nothing a real bug would hide in


class Slack(TypedDict, total=False):
    """Tolerances shared by several rows (``Op``'s fields of the same names)."""

    rel: float
    atol: float
    atol32: float


class NormSlack(Slack, total=False):
    """A normalisation's tolerances, and its entries all different."""

    unique: bool


COMPOUND: Slack = {"rel": 1e-9, "atol": 1e-12}  # several ops: PyTorch rounds in another order


@dataclass(frozen=True)
class Op:
    """One row: the expression for neuronlab (both engines) and PyTorch, and its inputs' ranges.

    ``value``, ``tensor`` and ``torch`` replace ``fn`` for one library where it
    is spelled differently; ``engines`` says which engines have the op.
    """

    name: str
    fn: Callable[..., Any]
    domains: tuple[Domain | Const, ...]
    engines: tuple[str, ...] = BOTH
    value: Callable[..., Any] | None = None
    tensor: Callable[..., Any] | None = None
    torch: Callable[..., Any] | None = None
    wide: tuple[Domain | Const, ...] | None = None  # the same op on the whole float line
    rel: float = 1e-12  # float64 slack vs PyTorch (different rounding order)
    atol: float = 0.0
    wide_atol: float = TINY
    atol32: float = 0.0  # more absolute slack in float32 only (a normalisation amplifies rounding)
    unique: bool = False  # a Tensor's entries all different (max: no ties, no kinks)
    min_dims: int = 0
    #: The shape of the one input, drawn from this instead (a table, a batch of examples...).
    shapes: st.SearchStrategy[tuple[int, ...]] | None = None
    #: The shape ``test_the_table_covers_every_op_of_both_engines`` runs the row on.
    example_shape: tuple[int, ...] = (2, 2)

    def __str__(self) -> str:
        return self.name

    def for_engine(self, scalar: bool) -> Callable[..., Any]:
        """The neuronlab function for Value (``scalar``) or for Tensor."""
        return (self.value if scalar else self.tensor) or self.fn

    def for_torch(self) -> Callable[..., Any]:
        """The PyTorch function."""
        return self.torch or self.fn


def bind(fn: Callable[..., Any], domains: tuple[Domain | Const, ...], consts: list[Any]):
    """fn as a function of its differentiable inputs only, the drawn constants put in place."""

    def bound(*leaves: Any) -> Any:
        leaf, const = iter(leaves), iter(consts)
        return fn(*[next(const) if isinstance(d, Const) else next(leaf) for d in domains])

    return bound


def _step_in_torch(a: Any) -> Any:  # PyTorch has no differentiable step: a constant 0/1
    return (a > 0).to(a.dtype)


def _mixed(a: Any, b: Any, c: Any) -> Any:
    return (
        (a * b - c / (b**2 + 1)).sigmoid() * a.tanh()
        + (1 - c).exp() / 4
        - (b * c).relu()
        + (a**2 + 0.5) ** 0.5
    )


EXPONENTS = [1, 2, 3, -1, -2, 0, 0.5, -0.5, 1 / 3, 2.5, -1.5, 7, 400, 401]

OPS = [
    # the binary ops
    Op("add", lambda a, b: a + b, (ANY, ANY), wide=(FINITE, FINITE)),
    Op("sub", lambda a, b: a - b, (ANY, ANY), wide=(FINITE, FINITE)),
    Op("mul", lambda a, b: a * b, (ANY, ANY), wide=(FINITE, FINITE)),
    Op("div", lambda a, b: a / b, (ANY, NONZERO), wide=(FINITE, FINITE)),
    Op("pow", lambda a, b: a**b, (POS, SMALL), wide=(FINITE, FINITE)),
    Op("pow_any_base", lambda a, b: a**b, (POS, ANY), **COMPOUND),
    Op("neg", lambda a: -a, (ANY,), wide=(FINITE,)),
    # with plain numbers, on either side
    Op("add_number", lambda a: a + 2.5, (ANY,)),
    Op("sub_number", lambda a: a - 2.5, (ANY,)),
    Op("mul_number", lambda a: a * -1.5, (ANY,)),
    Op("div_number", lambda a: a / 4.0, (ANY,)),
    Op("radd", lambda a: 3 + a, (ANY,)),
    Op("radd_float", lambda a: 2.5 + a, (ANY,)),
    Op("rsub", lambda a: 1 - a, (ANY,), wide=(FINITE,)),
    Op("rmul", lambda a: 2 * a, (ANY,)),
    Op("rdiv", lambda a: 1 / a, (NONZERO,), wide=(FINITE,)),
    Op("rdiv_float", lambda a: -2.5 / a, (NONZERO,)),
    Op("rpow", lambda a: 2.0**a, (ANY,), wide=(FINITE,)),
    Op("rpow_number", lambda base, a: base**a, (Const(POS.floats()), ANY), **COMPOUND),
    # powers with number exponents
    Op("pow_2", lambda a: a**2, (ANY,)),
    Op("pow_3", lambda a: a**3, (ANY,)),
    Op("pow_1", lambda a: a**1, (ANY,)),
    Op("pow_0", lambda a: a**0, (ANY,)),
    Op("pow_minus_1", lambda a: a**-1, (NONZERO,)),
    Op("pow_minus_2", lambda a: a**-2, (NONZERO,)),
    Op("pow_half", lambda a: a**0.5, (POS,)),
    Op("pow_minus_half", lambda a: a**-0.5, (POS,)),
    Op("pow_third", lambda a: a ** (1 / 3), (POS,)),
    Op("pow_2_5", lambda a: a**2.5, (POS,)),
    Op("pow_minus_1_5", lambda a: a**-1.5, (POS,)),
    Op(
        "pow_integer",
        lambda a, k: a**k,
        (NONZERO, Const(st.integers(-4, 4))),
        wide=(FINITE, Const(st.sampled_from(EXPONENTS))),
    ),
    Op("pow_real", lambda a, k: a**k, (POS, Const(Domain(-3, 3).floats())), atol=1e-300),
    # the unary functions
    Op("exp", lambda a: a.exp(), (Domain(-20, 20),), wide=(FINITE,)),
    Op("log", lambda a: a.log(), (Domain(1e-3, 1e3),), wide=(FINITE,)),
    Op("tanh", lambda a: a.tanh(), (ANY,), atol=SAT, wide=(FINITE,), wide_atol=SAT),
    Op(
        "sigmoid",
        lambda a: a.sigmoid(),
        (Domain(-30, 30),),
        atol=SAT,
        wide=(FINITE,),
        wide_atol=SAT,
    ),
    Op("relu", lambda a: a.relu(), (OFF_KINK,), wide=(FINITE,)),
    Op("abs", lambda a: a.abs(), (OFF_KINK,), wide=(FINITE,)),
    Op("step", lambda a: a.step(), (OFF_KINK,), torch=_step_in_torch, wide=(FINITE,)),
    Op(
        "functions",
        lambda a: exp(a) + log(a) + tanh(a) + sigmoid(a) + relu(a),
        (POS,),
        engines=TENSOR,
        torch=lambda a: a.exp() + a.log() + a.tanh() + a.sigmoid() + a.relu(),
        **COMPOUND,
    ),
    # whole-array operations (Tensor only)
    Op("sum", lambda a: a.sum(), (ANY,), engines=TENSOR, **COMPOUND),
    Op("mean", lambda a: a.mean(), (ANY,), engines=TENSOR, **COMPOUND),
    Op("max", lambda a: a.max(), (GRID,), engines=TENSOR, torch=lambda a: a.amax(), unique=True),
    Op("reshape_flat", lambda a: a.reshape(-1) * 2, (ANY,), engines=TENSOR),
    Op(
        "T",
        lambda a: a.T * 1.5,
        (ANY,),
        engines=TENSOR,
        torch=lambda a: a.permute(tuple(reversed(range(a.ndim)))) * 1.5,
    ),
    Op(
        "softmax",
        lambda a: a.softmax() * a,
        (ANY,),
        engines=TENSOR,
        torch=lambda a: torch.softmax(a, -1) * a,
        min_dims=1,
        **COMPOUND,
    ),
    Op(
        "log_softmax",
        lambda a: a.log_softmax() ** 2,
        (ANY,),
        engines=TENSOR,
        torch=lambda a: torch.log_softmax(a, -1) ** 2,
        min_dims=1,
        **COMPOUND,
    ),
    # compound expressions: the chain rule through several ops, values used twice
    Op(
        "tanh_neuron",
        lambda x1, w1, x2, w2, b: (x1 * w1 + x2 * w2 + b).tanh(),
        (SMALL, SMALL, SMALL, SMALL, SMALL),
        **COMPOUND,
    ),
    Op("tanh_from_exp", lambda a: ((2 * a).exp() - 1) / ((2 * a).exp() + 1), (SMALL,), **COMPOUND),
    Op("quotient", lambda a: (a.exp() - 1) / (a**2 + 1), (SMALL,), **COMPOUND),
    Op("softplus", lambda a: (1 + a.exp()).log(), (ANY,), **COMPOUND),
    Op("swish", lambda a: a * a.sigmoid(), (ANY,), **COMPOUND),
    Op("reuse", lambda a: a * a + a / (a**2 + 1) - 3 * a, (ANY,), **COMPOUND),
    Op("reuse_tanh", lambda a: a * a + a.tanh() * a, (ANY,), **COMPOUND),
    Op("squared_error", lambda a, b: ((a - b) ** 2 + (a + b) ** 2) / 2, (ANY, ANY), **COMPOUND),
    Op("log_sum_exp", lambda a, b: (a.exp() + b.exp()).log(), (ANY, ANY), **COMPOUND),
    Op(
        "bce_composed",
        lambda z, y: -(y * z.sigmoid().log() + (1 - y) * (1 - z.sigmoid()).log()),
        (Domain(-5, 5), UNIT),
        **COMPOUND,
    ),
    Op(
        "compound",
        lambda a, b: ((a * b + a) / (b * b + 1)).tanh() * b - a,
        (ANY, ANY),
        **COMPOUND,
    ),
    Op("mixed", _mixed, (SMALL, SMALL_NONZERO, SMALL_NONZERO), **COMPOUND),
    Op("power_tower", lambda a, b: (a**b + 1) ** (b * 0.5), (POS, SMALL), **COMPOUND),
]


# -- the language models' operations (Tensor only): how each is spelled on both sides ----------

F = torch.nn.functional
EPS = 1e-5  # batch_norm's and layer_norm's default, on both sides

#: At least 3 entries along every axis: n - correction > 0 for every correction drawn here.
WIDE_ENOUGH = hnp.array_shapes(min_dims=1, max_dims=3, min_side=3, max_side=4)


def _spread(method: str, correction: float, axis: int | None, keepdims: bool) -> tuple[Any, Any]:
    """``var`` or ``std`` in neuronlab's spelling and in PyTorch's (dim, keepdim)."""

    def ours(a: Any) -> Any:
        return getattr(a, method)(axis=axis, correction=correction, keepdims=keepdims)

    def theirs(a: Any) -> Any:
        return getattr(a, method)(dim=axis, correction=correction, keepdim=keepdims)

    return ours, theirs


def _spread_op(method: str, correction: float, axis: int | None, keepdims: bool = False) -> Op:
    ours, theirs = _spread(method, correction, axis, keepdims)
    where = "all" if axis is None else f"axis{axis}"
    name = f"{method}_{where}_c{correction:g}" + ("_keepdims" if keepdims else "")
    domain = ANY if method == "var" else GRID  # std: entries apart, so never a 0 spread (a kink)
    return Op(
        name,
        ours,
        (domain,),
        engines=TENSOR,
        torch=theirs,
        unique=method == "std",
        shapes=WIDE_ENOUGH,
        example_shape=(3, 3),
        **COMPOUND,
    )


#: The looked-up rows: every row of a table of 2 or more, some more than once (the gradient adds).
LOOKUPS = np.array([[1, 0, 1], [1, 1, 0]])
LOOKUPS_1D = [0, 1, 1, 1, 0, 1]
TABLES = st.tuples(st.integers(2, 5), st.integers(1, 4))


def _torch_lookup(indices: Any) -> Callable[[Any], Any]:
    return lambda table: F.embedding(torch.tensor(np.asarray(indices)), table)


#: Normalisation divides by each feature's spread: entries 1/8 apart keep it >= 1/16 (a spread
#: near 0 would turn a last-place difference of the mean into a large one of the output).
APART = Domain(-4, 4, spacing=0.125)
NORM: NormSlack = {"unique": True, "atol32": 1e-4, **COMPOUND}
#: PyTorch's float32 layer_norm loses digits where a row's spread is small next to its mean
#: (measured on 3,000 draws of these inputs: up to 4e-4 off the exact gradient; ours is closer).
LAYER_NORM: NormSlack = {**NORM, "atol32": 2e-3}

# batch_norm and layer_norm take x, a weight and a bias of one number per feature: the one
# input drawn holds all three, so every gradient is checked (2-D: rows 0 and 1 are the weight
# and the bias, the rest the examples; 3-D: a[0, 0] and a[0, 1], then a[1:]).
BATCH_2D = st.tuples(st.integers(4, 7), st.integers(1, 4))  # 2 to 5 examples
BATCH_3D = st.tuples(st.integers(2, 3), st.integers(2, 3), st.integers(1, 3))  # 1-2 x 2-3
ROWS_2D = st.tuples(st.integers(3, 6), st.integers(1, 4))  # 1 to 4 examples (evaluation)
# layer_norm: 2 features or more (one feature has no spread: PyTorch's float32 then gives
# rounding noise times 1/√eps where the exact x̂ is 0)
FEATURES_2D = st.tuples(st.integers(3, 6), st.integers(2, 4))
FEATURES_3D = st.tuples(st.integers(2, 3), st.integers(2, 3), st.integers(2, 3))
FEATURES = hnp.array_shapes(min_dims=1, max_dims=3, min_side=2, max_side=3)


def _unpack(a: Any) -> tuple[Any, Any, Any]:
    """(x, weight, bias) from the one input, as the comment above says."""
    if a.ndim == 2:
        return a[2:], a[0], a[1]
    return a[1:], a[0, 0], a[0, 1]


def _running(width: int) -> tuple[np.ndarray, np.ndarray]:
    """Running statistics of ``width`` features: a mean and a variance away from 0 and 1."""
    return 0.3 * np.arange(width) - 0.5, 0.5 + 0.25 * np.arange(width)


def _batch_norm_ours(from_batch: bool) -> Callable[[Any], Any]:
    def fn(a: Any) -> Any:
        x, w, b = _unpack(a)
        stats = batch_statistics(x.data) if from_batch else _running(x.shape[-1])
        return batch_norm(x, w, b, *stats, EPS, from_batch=from_batch)

    return fn


def _batch_norm_torch(from_batch: bool) -> Callable[[Any], Any]:
    """F.batch_norm takes (N, C) or (N, C, L): a (N, T, C) input goes through a transpose."""

    def fn(a: Any) -> Any:
        x, w, b = _unpack(a)
        mean, var = (None, None)
        if not from_batch:
            mean, var = (torch.tensor(s, dtype=a.dtype) for s in _running(x.shape[-1]))
        x = x.transpose(1, 2) if x.ndim == 3 else x
        out = F.batch_norm(x, mean, var, w, b, training=from_batch, eps=EPS)
        return out.transpose(1, 2) if out.ndim == 3 else out

    return fn


def _layer_norm_ours(a: Any) -> Any:
    x, w, b = _unpack(a)
    return layer_norm(x, w, b, EPS)


def _layer_norm_torch(a: Any) -> Any:
    x, w, b = _unpack(a)
    return F.layer_norm(x, (x.shape[-1],), w, b, eps=EPS)


DROPOUT_P, DROPOUT_SEED = 0.3, 2024


def _dropout_mask(shape: tuple[int, ...], p: float = DROPOUT_P) -> np.ndarray:
    """The mask ``dropout(x, p, generator=DROPOUT_SEED)`` draws: kept / (1 - p), dropped 0."""
    if p == 1.0:
        return np.zeros(shape)
    return (np.random.default_rng(DROPOUT_SEED).random(shape) >= p) / (1.0 - p)


def _torch_dropout(p: float) -> Callable[[Any], Any]:
    """PyTorch's side: x times the same mask (PyTorch draws its own masks from its own state)."""
    return lambda a: a * torch.tensor(_dropout_mask(tuple(a.shape), p), dtype=a.dtype)


LANGUAGE_OPS = [
    *[
        _spread_op(method, c, axis, keepdims)
        for method in ("var", "std")
        for c, axis, keepdims in [
            (0, None, False),
            (1, None, False),
            (2.5, None, True),
            (0, -1, False),
            (1, 0, True),
            (2.5, -1, False),
        ]
    ],
    Op(
        "var_keepdims_reused",
        lambda a: a.var(axis=0, correction=2.5, keepdims=True) * a,
        (ANY,),
        engines=TENSOR,
        torch=lambda a: a.var(dim=0, correction=2.5, keepdim=True) * a,
        shapes=WIDE_ENOUGH,
        example_shape=(3, 3),
        **COMPOUND,
    ),
    Op(
        "embedding",
        lambda table: embedding(table, LOOKUPS),
        (ANY,),
        engines=TENSOR,
        torch=_torch_lookup(LOOKUPS),
        shapes=TABLES,
    ),
    Op(
        "embedding_list",
        lambda table: embedding(table, LOOKUPS_1D) * 3.0,
        (ANY,),
        engines=TENSOR,
        torch=lambda table: _torch_lookup(LOOKUPS_1D)(table) * 3.0,
        shapes=TABLES,
    ),
    Op(
        "batch_norm_batch_2d",
        _batch_norm_ours(True),
        (APART,),
        engines=TENSOR,
        torch=_batch_norm_torch(True),
        shapes=BATCH_2D,
        example_shape=(4, 3),
        **NORM,
    ),
    Op(
        "batch_norm_batch_3d",
        _batch_norm_ours(True),
        (APART,),
        engines=TENSOR,
        torch=_batch_norm_torch(True),
        shapes=BATCH_3D,
        example_shape=(3, 2, 3),
        **NORM,
    ),
    Op(
        "batch_norm_running_2d",
        _batch_norm_ours(False),
        (APART,),
        engines=TENSOR,
        torch=_batch_norm_torch(False),
        shapes=ROWS_2D,
        example_shape=(4, 3),
        **NORM,
    ),
    Op(
        "batch_norm_running_3d",
        _batch_norm_ours(False),
        (APART,),
        engines=TENSOR,
        torch=_batch_norm_torch(False),
        shapes=BATCH_3D,
        example_shape=(3, 2, 3),
        **NORM,
    ),
    Op(
        "batch_norm_no_affine",
        lambda a: batch_norm(a, None, None, *batch_statistics(a.data), EPS, from_batch=True),
        (APART,),
        engines=TENSOR,
        torch=lambda a: F.batch_norm(a, None, None, training=True, eps=EPS),
        shapes=st.tuples(st.integers(2, 5), st.integers(1, 4)),
        **NORM,
    ),
    Op(
        "layer_norm_2d",
        _layer_norm_ours,
        (APART,),
        engines=TENSOR,
        torch=_layer_norm_torch,
        shapes=FEATURES_2D,
        example_shape=(4, 3),
        **LAYER_NORM,
    ),
    Op(
        "layer_norm_3d",
        _layer_norm_ours,
        (APART,),
        engines=TENSOR,
        torch=_layer_norm_torch,
        shapes=FEATURES_3D,
        example_shape=(3, 2, 3),
        **LAYER_NORM,
    ),
    Op(
        "layer_norm_no_affine",
        lambda a: layer_norm(a),
        (APART,),
        engines=TENSOR,
        torch=lambda a: F.layer_norm(a, (a.shape[-1],), eps=EPS),
        shapes=FEATURES,
        example_shape=(2, 3),
        **LAYER_NORM,
    ),
    Op(
        "dropout",
        lambda a: dropout(a, DROPOUT_P, generator=DROPOUT_SEED),
        (ANY,),
        engines=TENSOR,
        torch=_torch_dropout(DROPOUT_P),
    ),
]
OPS += LANGUAGE_OPS


# -- the edges: exact inputs with PyTorch's inf / nan results --------------------------


@dataclass(frozen=True)
class Edge:
    """An expression at exact inputs: numbers (every engine) or nested lists (Tensor only)."""

    name: str
    fn: Callable[..., Any]
    inputs: tuple[Any, ...]
    torch: Callable[..., Any] | None = None
    engines: tuple[str, ...] = field(default=())
    bug: str = ""  # a known bug of neuronlab's at this edge: the test is a strict xfail
    bug_raises: type[Exception] = AssertionError  # what the bug raises in the test

    def __str__(self) -> str:
        return self.name

    def on(self, engine_kind: str) -> bool:
        """Whether the edge runs on "value" or "tensor"."""
        kinds = self.engines or (BOTH if all(isinstance(x, float) for x in self.inputs) else TENSOR)
        return engine_kind in kinds


def _unary(name: str, fn: Callable[..., Any], *xs: float, **kw: Any) -> list[Edge]:
    return [Edge(f"{name}({x!r})", fn, (x,), **kw) for x in xs]


def _power(k: float, *xs: float) -> list[Edge]:
    return [Edge(f"({x!r})**{k!r}", lambda a, k=k: a**k, (x,)) for x in xs]


def _binary(name: str, fn: Callable[..., Any], *pairs: tuple[float, float]) -> list[Edge]:
    return [Edge(f"{a!r} {name} {b!r}", fn, (a, b)) for a, b in pairs]


EXP_LIMIT = 709.782712893384  # the largest x with a finite e**x in float64
SPECIAL = [-INF, -1000.0, -1.0, -0.0, 0.0, 1e-300, 5e-324, 1.0, 1000.0, INF, NAN]
EXTREMES = [-INF, -1000.0, -1.0, 0.0, 1e-300, 1.0, 1000.0, INF]  # one array: no nan
_div = lambda a, b: a / b

EDGES = [
    *_unary("exp", lambda a: a.exp(), 709.0, 710.0, EXP_LIMIT, *SPECIAL),
    *_unary("log", lambda a: a.log(), *SPECIAL, 1e-310),
    *_unary("tanh", lambda a: a.tanh(), *SPECIAL),
    *_unary("sigmoid", lambda a: a.sigmoid(), *SPECIAL, -50.0, 50.0, -1e38, 1e38),
    *_unary("relu", lambda a: a.relu(), *SPECIAL),
    *_unary("abs", lambda a: a.abs(), *SPECIAL),
    *_unary("step", lambda a: a.step(), *SPECIAL, torch=_step_in_torch),
    *_unary("neg", lambda a: -a, INF, -INF, NAN, -0.0),
    *_unary("rsub", lambda a: 1 - a, INF, NAN),
    *_unary("rdiv", lambda a: 1 / a, 0.0, -0.0, 1e-310, 1e300, INF, NAN),
    *_unary("add1", lambda a: a + 1, NAN, INF),
    *_unary("self_times_self", lambda a: a * a, *SPECIAL),
    *_unary("self_minus_self", lambda a: a - a, *SPECIAL),
    *_power(0, *SPECIAL),
    *_power(0.5, *SPECIAL, -2.0),
    *_power(-0.5, *SPECIAL, -2.0),
    *_power(1.5, -INF, -0.0, 0.0, INF),
    *_power(-1.5, -INF, -0.0, 0.0, INF),
    *_power(1 / 3, -8.0, 0.0, INF),
    *_power(1, 0.0, NAN, INF),
    *_power(2, 1e200, 0.0, -0.0, INF, -INF, NAN),
    *_power(3, -1e200, -0.0, INF, -INF),
    *_power(-1, 0.0, -0.0, INF, -INF, 1e-310),
    *_power(-2, 0.0, -0.0, 1e-200, 1e160, INF),
    *_power(401, -10.0),
    *_power(1e10, 2.0),
    *_binary("/", _div, (1.0, 0.0), (-1.0, 0.0), (1.0, -0.0), (0.0, 0.0), (INF, INF), (1.0, INF)),
    *_binary("/", _div, (1e-320, 1e-320), (1e-300, 1e-310), (1e-200, 1e-160), (1e-10, 1e-155)),
    *_binary("/", _div, (0.0, 1e-160), (1e300, 1e200), (1.0, 1e20), (1e20, 1e20), (2.0, 1e-310)),
    *_binary("-", lambda a, b: a - b, (INF, INF)),
    *_binary("*", lambda a, b: a * b, (INF, 0.0), (1e200, 1e200)),
    *_binary("+", lambda a, b: a + b, (1e308, 1e308)),
    *_binary("**", lambda a, b: a**b, (0.0, 0.0), (0.0, 2.0), (-2.0, 3.0), (-2.0, 0.5)),
    # whole arrays (Tensor only): reductions and softmax with infinities and nan
    Edge("max[1, nan, 3]", lambda a: a.max(), ([1.0, NAN, 3.0],), torch=lambda a: a.amax()),
    Edge("max[inf, 1, inf]", lambda a: a.max(), ([INF, 1.0, INF],), torch=lambda a: a.amax()),
    Edge("max[-inf, -inf]", lambda a: a.max(), ([-INF, -INF],), torch=lambda a: a.amax()),
    Edge("max(extremes)", lambda a: a.max(), (EXTREMES,), torch=lambda a: a.amax()),
    Edge("sum[inf, -inf]", lambda a: a.sum(), ([INF, -INF, 1.0],)),
    Edge("mean[1e38, 1e38]", lambda a: a.mean(), ([1e38, 1e38, 1e38],)),
]
ROWS = ([1.0, INF, 2.0], [-INF, 1.0], [-INF, -INF], [INF, INF], [NAN, 1.0], [1e30, -1e30], EXTREMES)
for _row in ROWS:
    EDGES += [
        Edge(f"softmax{_row}", lambda a: a.softmax(), (_row,), torch=lambda a: a.softmax(-1)),
        Edge(
            f"log_softmax{_row}",
            lambda a: a.log_softmax(),
            (_row,),
            torch=lambda a: a.log_softmax(-1),
        ),
    ]
for _row in (
    [1.0, 2.0, 3.0],
    [INF, 1.0, 0.0],
    [-INF, 1.0, 0.0],
    [NAN, 1.0, 0.0],
    [1e30, 0.0, -1e30],
):
    EDGES.append(
        Edge(
            f"cross_entropy{_row}",
            lambda z: cross_entropy(z, [1]),
            ([_row],),
            torch=lambda z: torch.nn.functional.cross_entropy(z, torch.tensor([1])),
        )
    )

# var and std where nothing is left to divide by, and at inf / nan (PyTorch warns about
# n <= correction; the edge compares its numbers, not its warning)


def _quietly(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def run(a: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return fn(a)

    return run


SPREAD_INPUTS = {
    "one": [3.0],
    "constant": [2.0, 2.0, 2.0],
    "1,inf": [1.0, INF],
    "1,nan": [1.0, NAN],
    "-inf,inf": [-INF, INF],
    "huge": [1e300, -1e300, 1.0],
}
for _method in ("var", "std"):
    for _label, _row in SPREAD_INPUTS.items():
        for _c in (0, 1, 2.5):
            _ours, _theirs = _spread(_method, _c, None, False)
            EDGES.append(Edge(f"{_method}[{_label}] c={_c}", _ours, (_row,), _quietly(_theirs)))
    for _c in (3, 5.5):  # correction above n: the divisor is max(0, n - correction) = 0
        _ours, _theirs = _spread(_method, _c, None, False)
        EDGES.append(Edge(f"{_method}[1,2] c={_c}", _ours, ([1.0, 2.0],), _quietly(_theirs)))
    for _c, _keep in ((0, False), (1, True), (3, False)):  # over one axis: rows of each kind
        _ours, _theirs = _spread(_method, _c, 1, _keep)
        _rows = [[2.0, 2.0], [1.0, 3.0], [1.0, INF], [NAN, 0.0]]
        EDGES.append(Edge(f"{_method}(axis=1) c={_c}", _ours, (_rows,), _quietly(_theirs)))

# the lookup's backward with inf and nan upstream: rows never looked up stay 0
EDGES.append(
    Edge(
        "embedding[inf rows]",
        lambda t: embedding(t, LOOKUPS),
        ([[1.0, INF], [NAN, 2.0], [0.0, 1.0]],),
        _torch_lookup(LOOKUPS),
    )
)
# dropout multiplies by its mask, as PyTorch does: a dropped inf or nan becomes nan (0 · inf),
# p = 1 drops everything
for _p, _row in ((1.0, [1.0, INF, NAN, -2.0]), (DROPOUT_P, [1.0, INF, NAN, -2.0, -INF, 0.5])):
    EDGES.append(
        Edge(
            f"dropout(p={_p:g})[inf, nan]",
            lambda a, p=_p: dropout(a, p, generator=DROPOUT_SEED),
            (_row,),
            _torch_dropout(_p),
        )
    )

UPSTREAMS = [1.0, 0.0, -2.5, INF, -INF, NAN]

#: The bases and exponents of the power grid: every pair, as PyTorch computes a ** b.
POWER_GRID = [-INF, -1e300, -3.0, -2.0, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 2.0, 1e300, INF, NAN]
GRID_EXPONENTS = [*POWER_GRID, -1.0, 1.0, 3.0, -2.0, 0.5, -0.5, 2.5, -1.5, 1001.0]
NUMBER_EXPONENTS = [0.0, 1.0, 2.0, 3.0, -1.0, -2.0, 0.5, -0.5, 1.5, -1.5, 1 / 3, 2.5, 1001.0]
