"""neuronlab.floats: Python's float arithmetic where it raises, as PyTorch (float64) answers.

Each function against torch on the edges (0, -0, ±inf, nan, subnormals, the overflow
thresholds) and on random floats (Hypothesis), bit for bit: the sign of a zero and nan
included.
"""

from __future__ import annotations

import itertools
import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from neuronlab import floats

EDGES = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    -0.5,
    2.0,
    -2.0,
    3.0,
    -3.0,
    709.0,
    710.0,
    -745.0,
    -746.0,
    1e160,
    -1e160,
    1e308,
    5e-324,
    -5e-324,
    math.inf,
    -math.inf,
    math.nan,
]
EXPONENTS = [0.0, -0.0, 2.0, 3.0, 0.5, -0.5, -1.0, -2.0, 1.5, -3.0, 401.0, 400.0, math.inf]
FLOATS = st.floats(allow_nan=True, allow_infinity=True)


def same(ours: float, theirs: float) -> bool:
    """Equal as floats, the sign of a zero counted, and nan equal to nan."""
    if math.isnan(theirs):
        return math.isnan(ours)
    return ours == theirs and math.copysign(1.0, ours) == math.copysign(1.0, theirs)


def agrees(ours: float, theirs: float) -> bool:
    """``same``, or both finite and nonzero and within a few ulps (libm's rounding)."""
    if same(ours, theirs):
        return True
    return ours != 0 and math.isfinite(theirs) and math.isclose(ours, theirs, rel_tol=1e-15)


def t(x: float) -> torch.Tensor:
    return torch.tensor(x, dtype=torch.float64)


def torch_unary(name: str, x: float) -> float:
    return float(getattr(torch, name)(t(x)))


@pytest.mark.parametrize("x", EDGES)
@pytest.mark.parametrize("name", ["exp", "log", "sigmoid"])
def test_unary_edges_are_pytorchs(name: str, x: float) -> None:
    ours, theirs = getattr(floats, name)(x), torch_unary(name, x)
    if name == "sigmoid" and x == -745.0:  # e**-745 is the subnormal 5e-324; PyTorch flushes it
        assert (ours, theirs) == (5e-324, 0.0)
        return
    assert agrees(ours, theirs), (name, x, ours)


@pytest.mark.parametrize(("x", "y"), list(itertools.product(EDGES, EDGES)))
def test_divide_is_ieee_division_as_pytorch(x: float, y: float) -> None:
    assert same(floats.divide(x, y), float(t(x) / t(y))), (x, y)


@pytest.mark.parametrize(("x", "k"), list(itertools.product(EDGES, EXPONENTS)))
def test_power_by_a_number_is_pytorchs_shortcuts_included(x: float, k: float) -> None:
    # a Python float exponent: PyTorch's tensor ** scalar, with its k = 2, 3, ±1/2, -1, -2 paths
    assert agrees(floats.power(x, k), float(t(x) ** k)), (x, k)


@pytest.mark.parametrize(("x", "y"), list(itertools.product(EDGES, EXPONENTS)))
def test_ieee_pow_is_pytorchs_tensor_to_a_tensor(x: float, y: float) -> None:
    assert agrees(floats.ieee_pow(x, y), float(torch.pow(t(x), t(y)))), (x, y)


@given(FLOATS)
def test_unary_random_floats_are_pytorchs(x: float) -> None:
    for name in ("exp", "log"):
        assert agrees(getattr(floats, name)(x), torch_unary(name, x)), (name, x)
    s, theirs = floats.sigmoid(x), torch_unary("sigmoid", x)
    assert agrees(s, theirs) or abs(s - theirs) < 1e-300, x  # subnormal tails


@given(FLOATS, FLOATS)
def test_divide_and_pow_random_floats_are_pytorchs(x: float, y: float) -> None:
    assert same(floats.divide(x, y), float(t(x) / t(y))), (x, y)
    assert agrees(floats.ieee_pow(x, y), float(torch.pow(t(x), t(y)))), (x, y)


@given(FLOATS, st.sampled_from(EXPONENTS) | st.floats(-8, 8))
def test_power_random_bases_are_pytorchs(x: float, k: float) -> None:
    assert agrees(floats.power(x, k), float(t(x) ** k)), (x, k)


def test_no_function_raises_where_python_would() -> None:
    with pytest.raises(OverflowError):
        math.exp(1000.0)
    assert floats.exp(1000.0) == math.inf
    with pytest.raises(ZeroDivisionError):
        _ = 1.0 / 0.0
    assert floats.divide(1.0, 0.0) == math.inf
    with pytest.raises(ValueError, match="math domain error"):
        math.log(0.0)
    assert floats.log(0.0) == -math.inf


def test_to_float_takes_real_numbers_and_refuses_ints_beyond_a_float() -> None:
    assert floats.to_float(3, "here") == 3.0
    assert type(floats.to_float(True, "here")) is float
    assert floats.to_float(2.5, "here") == 2.5
    with pytest.raises(ValueError, match=r"here: expected a number within ±1\.8e308 .* 10\*\*400"):
        floats.to_float(10**400, "here")
    with pytest.raises(ValueError, match=r"^here: .* got an int of about 10\*\*400$"):
        floats.to_float(-(10**400), "here")
