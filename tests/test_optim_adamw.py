"""AdamW and MultiStepLR against torch.optim, step for step.

AdamW in float64 stays within 1e-12 (relative) of ``torch.optim.AdamW`` over
100 steps of random gradients, for several weight decays and with the
learning rate changed mid-run; it is not Adam with weight_decay (decoupled
decay vs an L2 penalty), shown where the two differ.  MultiStepLR gives
``torch.optim.lr_scheduler.MultiStepLR``'s rate at every step.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neuronlab import Value
from neuronlab.optim import SGD, Adam, AdamW, MultiStepLR, Optimizer
from neuronlab.tensor import Tensor

if TYPE_CHECKING:
    import torch
else:
    torch = pytest.importorskip("torch")

SHAPES = [(4, 3), (3,), (2, 2, 2)]


def pairs(seed: int, dtype: str = "float64") -> tuple[list[Tensor], list[torch.Tensor]]:
    """The same starting parameters as neuronlab Tensors and as torch leaves."""
    rng = np.random.default_rng(seed)
    starts = [rng.standard_normal(s) for s in SHAPES]
    ours = [Tensor(a, dtype=dtype, requires_grad=True) for a in starts]
    theirs = [torch.tensor(a, dtype=getattr(torch, dtype), requires_grad=True) for a in starts]
    return ours, theirs


def gradients(rng: np.random.Generator) -> list[np.ndarray]:
    """A random gradient for each parameter, each on its own scale (0.1, 1, 10)."""
    return [rng.standard_normal(s) * 10.0 ** (i - 1) for i, s in enumerate(SHAPES)]


def give_gradients(ours, theirs, rng: np.random.Generator) -> None:
    """The same random gradients to both sides."""
    for p, q, g in zip(ours, theirs, gradients(rng)):
        p.grad = g.astype(p.dtype)
        q.grad = torch.tensor(g, dtype=q.dtype)


def assert_same(ours, theirs, rtol: float, step: int) -> None:
    for i, (p, q) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(
            p.data, q.detach().numpy(), rtol=rtol, atol=0, err_msg=f"parameter {i}, step {step}"
        )


@pytest.mark.parametrize("weight_decay", [0.0, 0.01, 0.1, 1.0])
@pytest.mark.parametrize(
    "options", [{}, {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6}], ids=["defaults", "options"]
)
def test_adamw_follows_torch_step_for_step(weight_decay, options) -> None:
    ours, theirs = pairs(0)
    opt = AdamW(ours, weight_decay=weight_decay, **options)
    ref = torch.optim.AdamW(theirs, weight_decay=weight_decay, foreach=False, **options)
    rng = np.random.default_rng(1)
    for step in range(1, 101):
        give_gradients(ours, theirs, rng)
        opt.step()
        ref.step()
        assert_same(ours, theirs, 1e-12, step)
    assert opt.steps == 100
    moved = [np.abs(p.data - s.data).max() for p, s in zip(ours, pairs(0)[0])]
    assert min(moved) > 10 * opt.lr  # the parameters did travel


def test_adamw_with_a_learning_rate_changed_mid_run_follows_torch() -> None:
    ours, theirs = pairs(2)
    opt, ref = AdamW(ours, lr=0.05), torch.optim.AdamW(theirs, lr=0.05, foreach=False)
    rng = np.random.default_rng(3)
    for step in range(1, 101):
        if step in (30, 60, 80):  # the decay uses the lr of its own step, as Adam's move does
            lr = {30: 0.2, 60: 0.001, 80: 0.03}[step]
            opt.lr = lr
            ref.param_groups[0]["lr"] = lr
        give_gradients(ours, theirs, rng)
        opt.step()
        ref.step()
        assert_same(ours, theirs, 1e-12, step)


def test_adamw_defaults_are_torchs() -> None:
    p = [Tensor(np.zeros(2), requires_grad=True)]
    ours, theirs = AdamW(p), torch.optim.AdamW([torch.zeros(2, requires_grad=True)])
    group = theirs.param_groups[0]
    assert (ours.lr, ours.betas, ours.eps, ours.weight_decay) == (
        group["lr"],
        group["betas"],
        group["eps"],
        group["weight_decay"],
    )
    assert ours.weight_decay == 0.01
    assert Adam(p).weight_decay == 0.0
    assert AdamW.decoupled
    assert not Adam.decoupled
    assert repr(ours) == "AdamW(lr=0.001, betas=(0.9, 0.999), weight_decay=0.01)"


def test_adamw_float32_follows_torch_and_stays_in_place() -> None:
    ours, theirs = pairs(4, "float32")
    arrays = [p.data for p in ours]
    opt, ref = AdamW(ours, lr=0.01), torch.optim.AdamW(theirs, lr=0.01, foreach=False)
    rng = np.random.default_rng(5)
    for step in range(1, 31):
        give_gradients(ours, theirs, rng)
        opt.step()
        ref.step()
        assert_same(ours, theirs, 1e-5, step)
    assert all(p.data is a and a.dtype == np.float32 for p, a in zip(ours, arrays))


def test_adamw_on_values_follows_torch() -> None:
    start = [0.7, -1.3, 0.2]
    vs = [Value(v) for v in start]
    ts = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt, ref = (
        AdamW(vs, lr=0.05, weight_decay=0.3),
        torch.optim.AdamW([ts], lr=0.05, weight_decay=0.3),
    )
    for _ in range(20):
        opt.zero_grad()
        a, b, c = vs
        ((a * b - 0.5) ** 2 + (b + c).tanh() * a + c * c * c).backward()
        opt.step()
        ref.zero_grad()
        ta, tb, tc = ts[0], ts[1], ts[2]
        ((ta * tb - 0.5) ** 2 + torch.tanh(tb + tc) * ta + tc * tc * tc).backward()
        ref.step()
        np.testing.assert_allclose([v.data for v in vs], ts.detach().numpy(), rtol=1e-12)


def test_adamw_without_decay_is_adam_exactly() -> None:
    a, _ = pairs(6)
    b, _ = pairs(6)
    opt_a, opt_b = AdamW(a, lr=0.02, weight_decay=0.0), Adam(b, lr=0.02)
    rng = np.random.default_rng(7)
    for _ in range(20):
        for p, q, g in zip(a, b, gradients(rng)):
            p.grad, q.grad = g, g.copy()
        opt_a.step()
        opt_b.step()
    for p, q in zip(a, b):
        np.testing.assert_array_equal(p.data, q.data)


# -- decoupled decay vs an L2 penalty -------------------------------------------------------------


def test_adamw_decays_weights_directly_while_adam_scales_the_penalty() -> None:
    """With no gradient at all: AdamW shrinks each weight by (1 - lr·wd) per step, exactly;
    Adam's penalty gradient wd·p is normalised by √v̂ like any gradient, so each weight moves
    by about lr towards 0, whatever its size."""
    lr, wd, steps = 0.01, 0.1, 10
    start = np.array([3.0, -0.5, 1.0])
    w_adamw = Tensor(start, dtype="float64", requires_grad=True)
    w_adam = Tensor(start, dtype="float64", requires_grad=True)
    t_adamw = torch.tensor(start, requires_grad=True)
    t_adam = torch.tensor(start, requires_grad=True)
    opts: list[Optimizer | torch.optim.Optimizer] = [
        AdamW([w_adamw], lr=lr, weight_decay=wd),
        Adam([w_adam], lr=lr, weight_decay=wd),
        torch.optim.AdamW([t_adamw], lr=lr, weight_decay=wd),
        torch.optim.Adam([t_adam], lr=lr, weight_decay=wd),
    ]
    for _ in range(steps):
        for p in (w_adamw, w_adam):
            p.grad = np.zeros(3)
        for t in (t_adamw, t_adam):
            t.grad = torch.zeros(3, dtype=torch.float64)
        for opt in opts:
            opt.step()
    np.testing.assert_allclose(w_adamw.data, start * (1 - lr * wd) ** steps, rtol=1e-14)
    np.testing.assert_allclose(w_adam.data, start - np.sign(start) * lr * steps, rtol=5e-3)
    np.testing.assert_allclose(w_adamw.data, t_adamw.detach().numpy(), rtol=1e-13)
    np.testing.assert_allclose(w_adam.data, t_adam.detach().numpy(), rtol=1e-13)
    assert np.abs(w_adamw.data - w_adam.data).min() > 0.05  # not the same optimiser


def test_adam_l2_hardly_decays_weights_with_large_gradients_adamw_does() -> None:
    """The same large constant gradient on two equal weights, one of them 100 times larger: the
    extra shrinkage AdamW gives the large weight is lr·wd·p per step; Adam's L2 term, divided by
    √v̂ ≈ |g|, gives it almost none."""
    lr, wd, steps, g = 0.01, 0.5, 50, 1000.0
    start = np.array([100.0, 1.0])
    runs = {}
    for name, cls in (("adamw", AdamW), ("adam", Adam)):
        w = Tensor(start, dtype="float64", requires_grad=True)
        opt = cls([w], lr=lr, weight_decay=wd)
        for _ in range(steps):
            w.grad = np.full(2, g)
            opt.step()
        runs[name] = start - w.data  # how far each weight moved
    # the gradient moves both weights by about lr per step; only AdamW's decay is ∝ the weight
    assert runs["adam"][0] == pytest.approx(runs["adam"][1], rel=0.01)
    assert runs["adamw"][0] - runs["adamw"][1] == pytest.approx(
        100 * (1 - (1 - lr * wd) ** steps) - 1 * (1 - (1 - lr * wd) ** steps), rel=0.05
    )
    assert runs["adamw"][0] > 2 * runs["adam"][0]


@settings(max_examples=40, deadline=None)
@given(
    grads=st.lists(
        st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=4, max_size=4),
        min_size=1,
        max_size=20,
    ),
    lr=st.floats(1e-4, 1.0),
    weight_decay=st.floats(0.0, 2.0),
)
def test_adamw_max_change_bounds_how_large_a_weight_can_grow(grads, lr, weight_decay) -> None:
    """What training relies on: after a step, max |p| <= max |p| before + max_change."""
    p = Tensor(np.array([1.0, -2.0, 0.5, 0.0]), dtype="float64", requires_grad=True)
    opt = AdamW([p], lr=lr, weight_decay=weight_decay)
    for g in grads:
        p.grad = np.array(g)
        bound = opt.max_change(math.hypot(*g))
        largest = np.abs(p.data).max()
        opt.step()
        if bound is not None:
            assert np.abs(p.data).max() <= largest + bound * (1 + 1e-9) + 1e-300
    assert AdamW([p], lr=1.0, weight_decay=3.0).max_change(1.0) is None  # the decay could flip p


# -- MultiStepLR ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("milestones", "gamma"), [([5, 12], 0.1), ([5, 12], 0.5), ([1, 2, 29], 0.3)]
)
def test_multisteplr_matches_torch_over_30_steps(milestones, gamma) -> None:
    p = Tensor(np.zeros(2), dtype="float64", requires_grad=True)
    q = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    opt, ref = SGD([p], lr=0.1), torch.optim.SGD([q], lr=0.1)
    sched = MultiStepLR(opt, milestones=milestones, gamma=gamma)
    ref_sched = torch.optim.lr_scheduler.MultiStepLR(ref, milestones=milestones, gamma=gamma)
    seen = []
    for k in range(31):
        expected = ref.param_groups[0]["lr"]
        assert opt.lr == pytest.approx(expected, rel=1e-14), f"after {k} steps"
        assert sched.lr_at(k) == pytest.approx(expected, rel=1e-14), f"lr_at({k})"
        assert sched.lr == opt.lr
        seen.append(opt.lr)
        p.grad, q.grad = np.ones(2), torch.ones(2, dtype=torch.float64)
        opt.step()
        ref.step()
        sched.step()
        ref_sched.step()
    assert len(set(seen)) == len(milestones) + 1  # one rate per stretch between milestones
    if milestones == [5, 12] and gamma == 0.1:
        assert seen[4] == 0.1
        assert seen[5] == pytest.approx(0.01)
        assert seen[12] == pytest.approx(1e-3)


def test_multisteplr_is_the_lectures_drop() -> None:
    """``lr = 0.1 if i < 100000 else 0.01``: step i uses the rate after i scheduler steps."""
    sched = MultiStepLR(SGD([Value(0.0)], lr=0.1), milestones=[100_000])
    for i in (0, 1, 99_999, 100_000, 100_001, 199_999):
        assert sched.lr_at(i) == pytest.approx(0.1 if i < 100_000 else 0.01, rel=1e-15)
    assert repr(sched) == "MultiStepLR(milestones=[100000], gamma=0.1; lr now 0.1)"
    assert sched.milestones == [100_000]
    assert sched.gamma == 0.1


@pytest.mark.parametrize(
    ("milestones", "gamma", "error", "match"),
    [
        ([12, 5], 0.1, ValueError, r"expected increasing steps, got \[12, 5\]"),
        ([5, 5], 0.1, ValueError, "expected increasing steps"),
        ("5", 0.1, TypeError, "expected a list of steps, got '5'"),
        (5, 0.1, TypeError, "expected a list of steps, got 5"),
        (
            [0, 5],
            0.1,
            ValueError,
            r"MultiStepLR\(milestones\): expected a whole number >= 1, got 0",
        ),
        ([-3], 0.1, ValueError, r"MultiStepLR\(milestones\)"),
        ([2.5], 0.1, TypeError, r"MultiStepLR\(milestones\)"),
        ([5], 0.0, ValueError, r"MultiStepLR\(gamma\)"),
        ([5], -0.5, ValueError, r"MultiStepLR\(gamma\)"),
    ],
)
def test_multisteplr_refuses_bad_milestones(milestones, gamma, error, match) -> None:
    with pytest.raises(error, match=match):
        MultiStepLR(SGD([Value(0.0)], lr=0.1), milestones=milestones, gamma=gamma)


def test_multisteplr_accepts_any_iterable_of_steps() -> None:
    sched = MultiStepLR(SGD([Value(0.0)], lr=1.0), milestones=range(2, 5), gamma=0.5)
    assert sched.milestones == [2, 3, 4]
    assert [sched.lr_at(k) for k in range(6)] == [1.0, 1.0, 0.5, 0.25, 0.125, 0.125]
    assert MultiStepLR(SGD([Value(0.0)], lr=1.0), milestones=[]).lr_at(10**6) == 1.0
