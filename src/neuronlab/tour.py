"""The guided tour: the learner's path of the design, one worked example per step.

``run_tour(out_dir)`` prints each example with its exact numbers and saves its
picture into ``out_dir``:

1. the sweets perceptron (weights 2, 6, 2, threshold 5), and AND learned by the
   perceptron rule;
2. the sigmoid neuron: σ(0) = 0.5, σ(±10) close to 1 and 0;
3. the computation graph L = (a·b + c)·f = -8 and its chain rule;
4. the slope measured by a nudge: raising f by 1 moves L from -8 to -4;
5. backpropagation through a tanh neuron, by hand and by ``backward()``;
6. an MLP trained on the moons, its decision boundary and loss curve;
7. gradient descent with mean squared error on house prices.

The same tour is a notebook: ``examples/tour.ipynb``.  The building blocks
here (``l_graph``, ``tanh_neuron``) are the ones the notebook uses.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from . import data as datasets
from .engine import Value
from .nn import MLP, Neuron, Perceptron
from .optim import SGD, LinearLR
from .training import TrainingDiverged, fit, predict
from .util.numbers import format_number

__all__ = ["run_tour", "l_graph", "tanh_neuron", "TOUR_STEPS", "TANH_NEURON_BIAS"]

Printer = Callable[..., Any]

#: The bias that makes the tanh neuron's output exactly 1/√2 ≈ 0.7071 (n = 0.8813...).
TANH_NEURON_BIAS = 6.8813735870195432


def _num(x: float) -> str:
    """A number as the design writes it: ``-8``, ``0.5``, ``0.7071``."""
    return format_number(x)


def l_graph() -> dict[str, Value]:
    """The design's first computation graph, forward and backward done.

    a = 2, b = -3, c = 10, e = a·b, d = e + c, f = -2, L = d·f = -8; returns
    every Value by name (``"a"``, ..., ``"L"``) with its ``.grad`` filled.
    """
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    L.backward()
    return {"a": a, "b": b, "c": c, "e": e, "d": d, "f": f, "L": L}


def tanh_neuron() -> dict[str, Value]:
    """The design's neuron: o = tanh(x1·w1 + x2·w2 + b), forward and backward done.

    x1 = 2, x2 = 0, w1 = -3, w2 = 1, b = 6.8813735870195432, so o ≈ 0.7071;
    returns every Value by name (``"x1"``, ``"x1*w1"``, ``"n"``, ``"o"``, ...).
    """
    x1 = Value(2.0, label="x1")
    x2 = Value(0.0, label="x2")
    w1 = Value(-3.0, label="w1")
    w2 = Value(1.0, label="w2")
    b = Value(TANH_NEURON_BIAS, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1*w1 + x2*w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return {
        "x1": x1,
        "x2": x2,
        "w1": w1,
        "w2": w2,
        "b": b,
        "x1*w1": x1w1,
        "x2*w2": x2w2,
        "x1*w1 + x2*w2": s,
        "n": n,
        "o": o,
    }


# -- the steps ------------------------------------------------------------------


def _heading(say: Printer, number: int, title: str) -> None:
    say("")
    say(f"== {number}. {title} " + "=" * max(3, 66 - len(title)))


def _step_perceptron(out: Path, say: Printer) -> list[Path]:
    from .viz.plots import plot_perceptron

    _heading(say, 1, "The perceptron: weighted inputs and a threshold")
    p = Perceptron(datasets.SWEETS_WEIGHTS, threshold=datasets.SWEETS_THRESHOLD)
    X, _ = datasets.sweets()
    w = ", ".join(_num(v) for v in p.weights)
    say(f"Eat sweets? Three yes/no factors, weights ({w}), threshold {_num(p.threshold)}:")
    for i, factor in enumerate(datasets.SWEETS_FACTORS):
        say(f"  x{i + 1} = {factor}")
    say("  x1 x2 x3   w·x   output (1 if w·x > 5)")
    for x in X:
        bits = "  ".join(f"{int(v)}" for v in x)
        say(f"   {bits}   {_num(float(x @ p.weights)):>3}   {p(x)}")
    same = all(p(x) == int(x[1]) for x in X)
    say(f"The output equals the second factor in every row: {same}")
    say("(6 alone clears the threshold 5; the other two together give only 2 + 2 = 4.)")

    Xg, yg = datasets.gate("and")
    learner = Perceptron(2)
    result = learner.fit(Xg, yg, lr=1.0, max_epochs=20)
    say("")
    say("The perceptron rule, w += (target - output)·x and b += (target - output), on AND:")
    say(f"  {result}; errors per epoch {result.errors}")
    lw = ", ".join(_num(v) for v in learner.weights)
    say(f"  learned weights ({lw}), threshold {_num(learner.threshold)}")
    for x, t in zip(Xg, yg):
        say(f"  {int(x[0])} AND {int(x[1])} = {int(t)}   perceptron: {learner(x)}")
    path = out / "01_perceptron_and.png"
    plot_perceptron(learner, Xg, yg, path, title="AND learned by the perceptron rule")
    say(f"  picture: {path}")
    return [path]


def _step_sigmoid(out: Path, say: Printer) -> list[Path]:
    from .viz.plots import plot_activations, plot_sigmoid

    _heading(say, 2, "The sigmoid neuron: a smooth perceptron")
    say("σ(z) = 1 / (1 + e^-z) with z = w·x + b:")
    for z in (0.0, 1.0, -1.0, 10.0, -10.0):
        s = Value(z).sigmoid().data
        say(f"  σ({_num(z)}) = {s:.10g}")
    say("σ(0) = 0.5 exactly; large positive z gives ≈1 and large negative z ≈0, like the")
    say("perceptron, but in between a small change of a weight makes a small change of the output.")
    paths = [out / "02_sigmoid.png", out / "02_activations.png"]
    plot_sigmoid(paths[0])
    plot_activations(paths[1])
    say(f"  pictures: {paths[0]}, {paths[1]}")
    return paths


def _step_l_graph(out: Path, say: Printer) -> list[Path]:
    from .viz.explain import explain
    from .viz.graph import draw_graph

    _heading(say, 3, "A computation graph and the chain rule")
    v = l_graph()
    say("a = 2, b = -3, c = 10, e = a*b, d = e + c, f = -2, L = d*f")
    say(f"forward: e = {_num(v['e'].data)}, d = {_num(v['d'].data)}, L = {_num(v['L'].data)}")
    say("backward (L.backward()):")
    for name in ("L", "d", "f", "e", "c", "a", "b"):
        say(f"  dL/d{name} = {_num(v[name].grad)}")
    say("")
    say("The chain rule, edge by edge (neuronlab.viz.explain):")
    for line in explain(v["L"], show=False).text.splitlines():
        say("  " + line)
    path = out / "03_L_graph.svg"
    draw_graph(v["L"]).save(path)
    say(f"  picture: {path}")
    return [path]


def _step_nudge(out: Path, say: Printer) -> list[Path]:
    from .viz import gradcheck, nudge
    from .viz.plots import plot_nudge

    _heading(say, 4, "A derivative is a slope: nudge an input by h")
    v = l_graph()
    a, b, c, f = v["a"], v["b"], v["c"], v["f"]

    def rebuild() -> Value:
        L = (a * b + c) * f
        L.label = "L"
        return L

    big = nudge(rebuild, f, h=1.0)
    say(f"L = d*f = {_num(big.before)} and dL/df = d = {_num(big.grad)}.")
    say(f"Raise f by h = 1 (f: -2 -> -1): L moves from {_num(big.before)} to {_num(big.after)},")
    say(f"a change of {_num(big.change)} = dL/df * h = {_num(big.grad)} * 1.")
    small = nudge(rebuild, a, h=0.001)
    say(
        f"Raise a by h = 0.001: L moves from {_num(small.before)} to {small.after:.6g}; "
        f"(change)/h = {small.slope:.6g} ≈ dL/da = {_num(small.grad)}."
    )
    say("gradcheck does it for every input, with central differences (f(x+h) - f(x-h)) / 2h:")
    check = gradcheck(lambda xs: (xs[0] * xs[1] + xs[2]) * xs[3], [a, b, c, f])
    for line in check.text.splitlines():
        say("  " + line)
    path = out / "04_nudge.png"
    plot_nudge(
        lambda t: (a.data * b.data + c.data) * t,
        f.data,
        1.0,
        path,
        slope=f.grad,
        xlabel="f",
        ylabel="L",
    )
    say(f"  picture: {path}")
    return [path]


def _step_tanh_neuron(out: Path, say: Printer) -> list[Path]:
    from .viz.explain import explain
    from .viz.graph import draw_graph

    _heading(say, 5, "Backpropagation through a neuron")
    v = tanh_neuron()
    o = v["o"]
    say("x1 = 2, x2 = 0, w1 = -3, w2 = 1, b = 6.8813735870195432")
    say(f"n = x1*w1 + x2*w2 + b = {v['n'].data:.10g}")
    say(f"o = tanh(n) = {o.data:.10g} ≈ {o.data:.4f}")
    say("")
    say("By hand, backwards from do/do = 1:")
    say(f"  do/dn = 1 - o**2 = 1 - {o.data:.4f}**2 = {_num(1 - o.data**2)}")
    say("  a + passes the gradient on unchanged: do/d(x1*w1) = do/d(x2*w2) = do/db = 0.5")
    say("  a * sends each input the other input times the gradient:")
    g = {name: _num(v[name].grad) for name in ("x1", "w1", "x2", "w2")}
    say(f"    x1.grad = w1 * 0.5 = {g['x1']}    w1.grad = x1 * 0.5 = {g['w1']}")
    say(f"    x2.grad = w2 * 0.5 = {g['x2']}     w2.grad = x2 * 0.5 = {g['w2']}")
    say("  (w2.grad = 0: with x2 = 0, changing w2 changes nothing.)")
    say("")
    say("The same, as o.backward() computed it and explain(o) tells it:")
    for line in explain(o, show=False).text.splitlines():
        say("  " + line)
    path = out / "05_neuron_graph.svg"
    draw_graph(o).save(path)
    say(f"  picture: {path}")
    return [path]


def _step_moons(out: Path, say: Printer) -> list[Path]:
    from .viz.plots import plot_decision_boundary, plot_loss

    _heading(say, 6, "A multi-layer perceptron learns the moons")
    X, y = datasets.moons(100, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)
    epochs = 40
    optimizer = SGD(model.parameters(), lr=1.0)
    schedule = LinearLR(optimizer, start_factor=1.0, end_factor=0.1, total_iters=epochs)
    say(f"MLP(2, [16, 16, 1]): {model.num_parameters()} parameters, 100 points,")
    say("hinge loss + 1e-4 L2 penalty,")
    say(f"SGD with lr 1.0 falling to 0.1 over {epochs} epochs (micrograd's demo, shortened):")

    def report(epoch: int, history: Any) -> None:
        if epoch == 1 or epoch % 10 == 0:
            say(
                f"  epoch {epoch:3d}  loss {history.loss[-1]:.4f}  "
                f"accuracy {history.accuracy[-1]:.0%}"
            )

    history = fit(
        model,
        X,
        y,
        loss="hinge",
        l2=1e-4,
        optimizer=optimizer,
        scheduler=schedule,
        epochs=epochs,
        seed=0,
        verbose=False,
        callback=report,
    )
    final = history.final()
    say(f"final loss {final['loss']:.4f}, accuracy {final['accuracy']:.0%}")
    paths = [out / "06_moons_boundary.png", out / "06_moons_loss.png"]
    plot_decision_boundary(model, X, y, paths[0], threshold=0.0, resolution=50)
    plot_loss(history, paths[1], title="MLP on the moons")
    say(f"  pictures: {paths[0]}, {paths[1]}")
    return paths


def _step_houses(out: Path, say: Printer) -> list[Path]:
    from .viz.plots import plot_regression

    _heading(say, 7, "Gradient descent on house prices with mean squared error")
    X, y = datasets.houses(100, seed=0)
    mean, std = X.mean(axis=0), X.std(axis=0)
    Z = (X - mean) / std  # standardised: each feature has mean 0 and spread 1
    say("100 houses: price (k€) from size (m², 40-200) and location (0-1), with noise.")
    say("Model: one linear neuron, price = w1*size' + w2*location' + b, on standardised")
    say("features (size' = (size - mean) / std); cost: MSE = mean of (prediction - price)**2.")
    say("The learning rate decides: too small crawls, too large overshoots.")
    for lr, verdict in ((0.001, "crawls"), (0.1, "converges"), (1.1, "overshoots, and grows")):
        trial = Neuron(2, "linear", seed=0)
        try:
            h = fit(trial, Z, y, loss="mse", lr=lr, epochs=20, verbose=False)
            mse_text = f"{h.loss[0]:.4g} -> {h.loss[-1]:.4g}"
        except TrainingDiverged:
            mse_text = "inf (diverged)"
        say(f"  lr {lr:<5g}: MSE over 20 steps {mse_text}: {verdict}")
    model = Neuron(2, "linear", seed=0)
    history = fit(model, Z, y, loss="mse", lr=0.1, epochs=60, verbose=False)
    say(f"lr 0.1, 60 steps: MSE {history.loss[0]:.6g} -> {history.loss[-1]:.6g} k€²")
    rmse = float(np.sqrt(history.loss[-1]))
    say(f"root mean squared error {rmse:.2f} k€ (the noise in the data is 10 k€)")
    per_m2 = model.w[0].data / std[0]
    per_location = model.w[1].data / std[1]
    say(
        f"back in original units: {per_m2:.3f} k€ per m², {per_location:.1f} k€ per unit of "
        "location (the data was made with 2.5 and 120)"
    )
    path = out / "07_houses_regression.png"
    plot_regression(
        lambda data: predict(model, (np.asarray(data) - mean) / std),
        X,
        y,
        path,
        feature_label="size (m²)",
        target_label="price (k€)",
        title="One linear neuron trained by gradient descent on MSE",
    )
    say(f"  picture: {path}")
    return [path]


#: The steps in order: (title, function(out_dir, print) -> pictures written).
TOUR_STEPS: tuple[tuple[str, Callable[[Path, Printer], list[Path]]], ...] = (
    ("The perceptron", _step_perceptron),
    ("The sigmoid neuron", _step_sigmoid),
    ("A computation graph and the chain rule", _step_l_graph),
    ("A derivative is a slope", _step_nudge),
    ("Backpropagation through a neuron", _step_tanh_neuron),
    ("An MLP on the moons", _step_moons),
    ("Gradient descent on house prices", _step_houses),
)


def run_tour(out_dir: str | os.PathLike[str], *, print: Printer = builtins.print) -> list[Path]:
    """Walk the learner's path: print each step's worked example, save its pictures.

    Creates ``out_dir`` if needed and returns the pictures written, in order.
    ``print`` receives every line (pass your own to capture or redirect them).
    Takes a few seconds; needs matplotlib (``pip install neuronlab[viz]``).
    """
    if not isinstance(out_dir, (str, os.PathLike)):
        raise TypeError(f"run_tour(out_dir): expected a folder name, got {type(out_dir).__name__}")
    if not callable(print):
        raise TypeError(f"run_tour(print=): expected a function, got {type(print).__name__}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    print("neuronlab tour: neural networks from first principles, one worked example per step.")
    print(f"Pictures go to {out}/")
    written: list[Path] = []
    for _, step in TOUR_STEPS:
        written += step(out, print)
    print("")
    print(f"Done: {len(written)} pictures in {out}/")
    return written
