"""nn.engines: what differs between the two engines, behind one protocol, chosen once."""

from __future__ import annotations

import math

import numpy as np
import pytest

from neuronlab import MLP, Value, mlp
from neuronlab.nn import SCALAR, TENSOR
from neuronlab.nn.engines import engine_of_parameter, finite_array, one_engine
from neuronlab.tensor import Tensor


def test_a_parameter_belongs_to_one_engine():
    assert engine_of_parameter(Value(1.0)) is SCALAR
    assert engine_of_parameter(Tensor([1.0], requires_grad=True)) is TENSOR
    with pytest.raises(TypeError, match=r"expected a parameter .* got float"):
        engine_of_parameter(1.0)
    assert one_engine([SCALAR, SCALAR], "x") is SCALAR
    assert one_engine([], "x") is None
    with pytest.raises(TypeError, match="net mixes the scalar and tensor engines"):
        one_engine([SCALAR, TENSOR], "net")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_finite_array_finds_every_bad_entry(dtype):
    a = np.ones(10_000, dtype=dtype)
    assert finite_array(a)
    for bad in (np.nan, np.inf, -np.inf):
        for where in (0, 4_321, 9_999):
            b = a.copy()
            b[where] = bad
            assert not finite_array(b)
    big = np.full(10_000, np.finfo(dtype).max / 2, dtype=dtype)  # finite, but Σ x² overflows
    assert finite_array(big)
    assert finite_array(np.arange(5))  # integers are always finite


def test_finite_array_checks_in_blocks(monkeypatch):
    import neuronlab.nn.engines as engines

    monkeypatch.setattr(engines, "_BLOCK", 7)
    a = np.ones((9, 5))
    assert finite_array(a)
    a[8, 4] = np.nan  # in the last block
    assert not finite_array(a)


@pytest.mark.parametrize("engine", ["scalar", "tensor"])
def test_grad_norm_snapshot_restore_and_magnitude(engine):
    model = MLP(2, [2, 1], seed=0) if engine == "scalar" else mlp([2, 2, 1], seed=0)
    eng = model.engine
    params = model.parameters()
    X = np.array([[0.5, -1.0]])
    out = eng.forward(model, X)
    loss = out[0] * 3.0 if engine == "scalar" else (out * 3.0).sum()
    model.zero_grad()
    loss.backward()
    grads = [np.ravel(p.grad) for p in params]
    expected = sum(float(np.sum(g.astype(np.float64) ** 2)) for g in grads)
    assert eng.grad_norm_squared(params) == pytest.approx(expected, rel=1e-6)
    data = [np.ravel(np.asarray(p.data, dtype=np.float64)) for p in params]
    assert eng.largest_magnitude(params) == pytest.approx(max(float(np.abs(d).max()) for d in data))
    saved = eng.snapshot(params)
    for p in params:
        if engine == "scalar":
            p.data = 7.0
        else:
            p.data[...] = 7.0
    eng.restore(params, saved)
    after = [np.ravel(np.asarray(p.data, dtype=np.float64)) for p in params]
    for a, b in zip(after, data):
        np.testing.assert_array_equal(a, b)
    assert eng.data_finite(params)


def test_a_non_finite_gradient_makes_the_norm_non_finite():
    p = Tensor(np.ones(5000), requires_grad=True)
    (p * np.inf).sum().backward()
    assert not math.isfinite(TENSOR.grad_norm_squared([p]))
    v = Value(1.0)
    v.grad = float("nan")
    assert math.isnan(SCALAR.grad_norm_squared([v]))


def test_checked_data_names_the_parameter():
    with pytest.raises(TypeError, match=r"^load_state_dict\(w\): expected a number, got str 'x'$"):
        SCALAR.checked_data("w", Value(1.0), "x")
    assert SCALAR.checked_data("w", Value(1.0), np.array(2.5)) == 2.5
    t = Tensor(np.zeros((2, 3)), requires_grad=True)
    with pytest.raises(ValueError, match=r"W expects shape \(2, 3\), got \(3, 2\)"):
        TENSOR.checked_data("W", t, np.zeros((3, 2)))
    with pytest.raises(TypeError, match="W needs real numbers"):
        TENSOR.checked_data("W", t, np.zeros((2, 3), dtype=complex))
    assert TENSOR.checked_data("W", t, np.ones((2, 3))).dtype == np.float32
