"""Optimisers and schedules: several steps against torch.optim, on Tensor and Value parameters."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import torch_leaf
from hypothesis import given, settings
from hypothesis import strategies as st

from neuronlab import Value
from neuronlab.losses import mse
from neuronlab.optim import SGD, Adam, CosineAnnealingLR, LinearLR, StepLR
from neuronlab.tensor import Tensor

torch = pytest.importorskip("torch")
F = torch.nn.functional

RNG = np.random.default_rng(1234)


def leaf(a: np.ndarray, dtype: str = "float64") -> Tensor:
    return Tensor(a, dtype=dtype, requires_grad=True)


# -- optimisers: several steps against torch.optim, on Tensor and on Value parameters ---------

OPTIMISERS = {
    "sgd": (SGD, torch.optim.SGD, {"lr": 0.1}),
    "sgd-weight-decay": (SGD, torch.optim.SGD, {"lr": 0.1, "weight_decay": 0.1}),
    "momentum": (SGD, torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}),
    "nesterov": (SGD, torch.optim.SGD, {"lr": 0.05, "momentum": 0.8, "nesterov": True}),
    "momentum-weight-decay": (
        SGD,
        torch.optim.SGD,
        {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01, "nesterov": True},
    ),
    "adam": (Adam, torch.optim.Adam, {"lr": 0.01}),
    "adam-options": (
        Adam,
        torch.optim.Adam,
        {"lr": 0.03, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.05},
    ),
}

X_OPT = RNG.normal(size=(8, 3))
Y_OPT = RNG.normal(size=(8, 2))
W0 = RNG.normal(size=(2, 3))
B0 = RNG.normal(size=2)


def _tensor_loss(w, b):
    out = (Tensor(X_OPT, dtype="float64") @ w.T + b).tanh()
    return mse(out, Y_OPT)


def _torch_loss(w, b):
    return F.mse_loss(torch.tanh(torch.tensor(X_OPT) @ w.T + b), torch.tensor(Y_OPT))


@pytest.mark.parametrize("name", list(OPTIMISERS))
def test_optimiser_steps_match_torch_on_tensors(name):
    ours_cls, theirs_cls, options = OPTIMISERS[name]
    w, b = leaf(W0), leaf(B0)
    wt, bt = torch_leaf(W0), torch_leaf(B0)
    opt = ours_cls([w, b], **options)
    opt_t = theirs_cls([wt, bt], **options)
    for _ in range(6):
        opt.zero_grad()
        _tensor_loss(w, b).backward()
        opt.step()
        opt_t.zero_grad()
        _torch_loss(wt, bt).backward()
        opt_t.step()
        np.testing.assert_allclose(w.data, wt.detach().numpy(), rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(b.data, bt.detach().numpy(), rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("name", list(OPTIMISERS))
def test_optimiser_steps_match_torch_on_values(name):
    ours_cls, theirs_cls, options = OPTIMISERS[name]
    start = [0.7, -1.3, 0.2]
    vs = [Value(v) for v in start]
    ts = torch_leaf(np.array(start))
    opt = ours_cls(vs, **options)
    opt_t = theirs_cls([ts], **options)
    for _ in range(6):
        opt.zero_grad()
        a, b, c = vs
        ((a * b - 0.5) ** 2 + (b + c).tanh() * a + c * c * c).backward()
        opt.step()
        opt_t.zero_grad()
        a, b, c = ts[0], ts[1], ts[2]
        ((a * b - 0.5) ** 2 + torch.tanh(b + c) * a + c * c * c).backward()
        opt_t.step()
        np.testing.assert_allclose([v.data for v in vs], ts.detach().numpy(), rtol=1e-10)


def test_float32_parameters_stay_float32_in_place():
    w = leaf(W0, "float32")
    b = leaf(B0, "float32")
    before = w.data
    for opt in (SGD([w, b], lr=0.1, momentum=0.9, weight_decay=0.01), Adam([w, b], lr=0.01)):
        opt.zero_grad()
        out = (Tensor(X_OPT, dtype="float32") @ w.T + b).tanh()
        mse(out, Y_OPT).backward()
        opt.step()
        assert w.data is before
        assert w.data.dtype == np.float32
        assert b.data.dtype == np.float32


# -- learning-rate schedules against torch.optim.lr_scheduler ---------------------------------

SCHEDULES = {
    "linear": (
        LinearLR,
        torch.optim.lr_scheduler.LinearLR,
        {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 10},
    ),
    "linear-warmup": (
        LinearLR,
        torch.optim.lr_scheduler.LinearLR,
        {"start_factor": 0.25, "end_factor": 1.0, "total_iters": 4},
    ),
    "step": (StepLR, torch.optim.lr_scheduler.StepLR, {"step_size": 3, "gamma": 0.5}),
    "cosine": (
        CosineAnnealingLR,
        torch.optim.lr_scheduler.CosineAnnealingLR,
        {"T_max": 12, "eta_min": 0.01},
    ),
}


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_schedules_match_torch(name):
    ours_cls, theirs_cls, options = SCHEDULES[name]
    p = leaf(np.zeros(2))
    pt = torch_leaf(np.zeros(2))
    opt = SGD([p], lr=0.3)
    opt_t = torch.optim.SGD([pt], lr=0.3)
    sched = ours_cls(opt, **options)
    sched_t = theirs_cls(opt_t, **options)
    steps = options.get("T_max", 15)  # torch's cosine turns back up after T_max; ours holds eta_min
    for k in range(steps + 1):
        assert opt.lr == pytest.approx(opt_t.param_groups[0]["lr"], rel=1e-12), f"step {k}"
        assert sched.lr_at(k) == pytest.approx(opt.lr, rel=1e-12)
        opt.step()
        sched.step()
        opt_t.step()
        sched_t.step()


# -- the bound training uses to skip snapshots holds for every gradient sequence ------------------


def _steps_within_bound(opt, params, grads_per_step) -> None:
    for grads in grads_per_step:
        for p, g in zip(params, grads):
            p.grad = np.array(g, dtype=np.float64)
        norm = math.hypot(*(float(v) for g in grads for v in g))  # no underflow for tiny g
        bound = opt.max_change(norm)
        before = [p.data.copy() for p in params]
        opt.step()
        moved = max(float(np.max(np.abs(p.data - b))) for p, b in zip(params, before))
        assert moved <= bound * (1 + 1e-9) + 1e-300, (moved, bound)


GRADS = st.lists(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=6, max_size=6),
    min_size=1,
    max_size=30,
)


@settings(max_examples=80, deadline=None)
@given(
    steps=GRADS,
    beta1=st.floats(0.0, 0.99),
    beta2=st.floats(0.5, 0.9999),
    lr=st.floats(1e-4, 10.0),
)
def test_adam_never_moves_a_parameter_further_than_its_bound(steps, beta1, beta2, lr):
    params = [Tensor(np.zeros(4), dtype="float64", requires_grad=True) for _ in range(2)]
    opt = Adam(params, lr=lr, betas=(beta1, beta2))
    _steps_within_bound(opt, params, [[s[:4], s[2:]] for s in steps])


@settings(max_examples=80, deadline=None)
@given(
    steps=GRADS,
    momentum=st.floats(0.0, 0.99),
    nesterov=st.booleans(),
    lr=st.floats(1e-4, 10.0),
)
def test_sgd_never_moves_a_parameter_further_than_its_bound(steps, momentum, nesterov, lr):
    params = [Tensor(np.zeros(4), dtype="float64", requires_grad=True) for _ in range(2)]
    opt = SGD(params, lr=lr, momentum=momentum, nesterov=nesterov and momentum > 0)
    _steps_within_bound(opt, params, [[s[:4], s[2:]] for s in steps])


def test_weight_decay_has_no_bound():
    p = Tensor(np.ones(3), requires_grad=True)
    assert SGD([p], lr=0.1, weight_decay=0.01).max_change(1.0) is None
    assert SGD([p], lr=0.1).max_change(2.0) == pytest.approx(0.2)


def test_optimisers_and_schedules_have_short_reprs():
    p = [Value(1.0)]
    assert repr(SGD(p, lr=0.1)) == "SGD(lr=0.1)"
    assert repr(SGD(p, lr=0.1, momentum=0.9, nesterov=True)) == (
        "SGD(lr=0.1, momentum=0.9, nesterov=True)"
    )
    assert repr(Adam(p, lr=0.001)) == "Adam(lr=0.001, betas=(0.9, 0.999))"
    opt = SGD(p, lr=1.0)
    assert repr(LinearLR(opt, 1.0, 0.1, 100)) == (
        "LinearLR(start_factor=1, end_factor=0.1, total_iters=100; lr now 1)"
    )


def test_optimisers_refuse_what_is_not_a_parameter():
    with pytest.raises(TypeError, match="must be a Value or a Tensor, got float"):
        SGD([1.0], lr=0.1)
    with pytest.raises(TypeError, match="mixes the scalar and tensor engines"):
        SGD([Value(1.0), Tensor([1.0], requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="lr: expected a number > 0, got 0"):
        SGD([Value(1.0)], lr=0)
