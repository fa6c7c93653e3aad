"""Steps 1-5 of the tour: the perceptron, the sigmoid neuron, the chain rule, slopes, backprop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import data as datasets
from ..engine import Value
from ..nn import Perceptron
from ..worked import (
    L_GRAPH_NUDGES,
    L_GRAPH_TEXT,
    NUDGE_STEPS,
    TANH_NEURON_BIAS,
    TANH_NEURON_LEAVES,
    TANH_NEURON_TEXT,
)
from .common import Printer, heading, num
from .examples import l_graph, tanh_neuron, tanh_neuron_output

__all__ = ["backprop", "chain_rule", "perceptron", "sigmoid", "slopes"]


def _sweets(say: Printer) -> None:
    p = Perceptron(datasets.SWEETS_WEIGHTS, threshold=datasets.SWEETS_THRESHOLD)
    X, _ = datasets.sweets()
    w = ", ".join(num(v) for v in p.weights)
    say(f"Eat sweets? Three yes/no factors, weights ({w}), threshold {num(p.threshold)}:")
    for i, factor in enumerate(datasets.SWEETS_FACTORS):
        say(f"  x{i + 1} = {factor}")
    say("  x1 x2 x3   w·x   output (1 if w·x > 5)")
    for x in X:
        bits = "  ".join(f"{int(v)}" for v in x)
        say(f"   {bits}   {num(float(x @ p.weights)):>3}   {p(x)}")
    same = all(p(x) == int(x[1]) for x in X)
    say(f"The output equals the second factor in every row: {same}")
    say("(6 alone clears the threshold 5; the other two together give only 2 + 2 = 4.)")


def _errors(errors: list[int]) -> str:
    """Errors per epoch, a long list shortened in its middle: ``2, 3, 4, ..., 4``."""
    shown = [str(e) for e in errors]
    if len(shown) > 8:
        shown = [*shown[:4], "...", shown[-1]]
    return ", ".join(shown)


def perceptron(out: Path, say: Printer, made: dict[str, Any]) -> list[Path]:
    """Step 1: the sweets perceptron; the learning rule learns AND and cannot learn XOR."""
    from ..viz.plots import plot_perceptron

    heading(say, 1, "The perceptron: weighted inputs and a threshold")
    _sweets(say)
    say("")
    say("The perceptron rule, w += (target - output)·x and b += (target - output), starting")
    say("from weights 0 and threshold 0.5. The inputs are 0 or 1 and every step is whole, so")
    say("w·x stays a whole number and never lands on the threshold: every example ends up")
    say("clearly on one side of the line w·x = threshold.")
    paths = []
    for gate in ("and", "xor"):
        Xg, yg = datasets.gate(gate)
        learner = Perceptron([0.0, 0.0], threshold=0.5)
        result = learner.fit(Xg, yg, lr=1.0, max_epochs=20)
        lw = ", ".join(num(v) for v in learner.weights)
        say(f"{gate.upper()}: {result}")
        say(
            f"  weights ({lw}), threshold {num(learner.threshold)}; "
            f"errors per epoch {_errors(result.errors)}"
        )
        for x, t in zip(Xg, yg):
            say(f"  {int(x[0])} {gate.upper()} {int(x[1])} = {int(t)}   perceptron: {learner(x)}")
        if not result.converged:
            right = int(sum(learner(x) == t for x, t in zip(Xg, yg)))
            say(
                f"  (errors counted while the rule moved the line; its last line gets {right} of 4)"
            )
        path = out / f"01_perceptron_{gate}.png"
        verdict = "learned by" if result.converged else "cannot be learned by"
        plot_perceptron(
            learner, Xg, yg, path, title=f"{gate.upper()} {verdict} the perceptron rule"
        )
        paths.append(path)
    say("No line puts (0,1) and (1,0) on one side and (0,0) and (1,1) on the other: XOR needs")
    say("a second layer.")
    say(f"  pictures: {paths[0]}, {paths[1]}")
    return paths


def sigmoid(out: Path, say: Printer, made: dict[str, Any]) -> list[Path]:
    """Step 2: σ(0) = 0.5, and σ(±10) close to the perceptron's 1 and 0."""
    from ..viz.plots import plot_activations, plot_sigmoid

    heading(say, 2, "The sigmoid neuron: a smooth perceptron")
    say("σ(z) = 1 / (1 + e^-z) with z = w·x + b:")
    for z in (0.0, 1.0, -1.0, 10.0, -10.0):
        say(f"  σ({num(z)}) = {Value(z).sigmoid().data:.10g}")
    say("σ(0) = 0.5 exactly; large positive z gives ≈1 and large negative z ≈0, like the")
    say("perceptron, but in between a small change of a weight makes a small change of the output.")
    paths = [out / "02_sigmoid.png", out / "02_activations.png"]
    plot_sigmoid(paths[0])
    plot_activations(paths[1])
    say(f"  pictures: {paths[0]}, {paths[1]}")
    return paths


def chain_rule(out: Path, say: Printer, made: dict[str, Any]) -> list[Path]:
    """Step 3: L = (a·b + c)·f = -8, backward, and the chain rule edge by edge."""
    from ..viz.explain import explain
    from ..viz.graph import draw_graph

    heading(say, 3, "A computation graph and the chain rule")
    v = l_graph()
    say(L_GRAPH_TEXT)
    say(f"forward: e = {num(v['e'].data)}, d = {num(v['d'].data)}, L = {num(v['L'].data)}")
    say("backward (L.backward()):")
    for name in ("L", "d", "f", "e", "c", "a", "b"):
        say(f"  dL/d{name} = {num(v[name].grad)}")
    say("")
    say("The chain rule, edge by edge (neuronlab.viz.explain):")
    for line in explain(v["L"], show=False).text.splitlines():
        say("  " + line)
    path = out / "03_L_graph.svg"
    draw_graph(v["L"]).save(path)
    say(f"  picture: {path}")
    return [path]


def _nudge_l(say: Printer) -> None:
    from ..viz import gradcheck, nudge

    v = l_graph()
    a, b, c, f = v["a"], v["b"], v["c"], v["f"]

    def rebuild() -> Value:
        return (a * b + c) * f

    h_f, h_a = L_GRAPH_NUDGES["f"], L_GRAPH_NUDGES["a"]
    big = nudge(rebuild, f, h=h_f)
    say(f"L = d*f = {num(big.before)} and dL/df = d = {num(big.grad)}.")
    say(
        f"Raise f by h = {num(h_f)} (f: {num(f.data)} -> {num(f.data + h_f)}): L moves from "
        f"{num(big.before)} to {num(big.after)},"
    )
    say(f"a change of {num(big.change)} = dL/df * h = {num(big.grad)} * {num(h_f)}.")
    small = nudge(rebuild, a, h=h_a)
    say(
        f"Raise a by h = {num(h_a)}: L moves from {num(small.before)} to {small.after:.6g}; "
        f"(change)/h = {small.slope:.6g} ≈ dL/da = {num(small.grad)}."
    )
    say("gradcheck does it for every input, with central differences (f(x+h) - f(x-h)) / 2h:")
    check = gradcheck(lambda xs: (xs[0] * xs[1] + xs[2]) * xs[3], [a, b, c, f])
    for line in check.text.splitlines():
        say("  " + line)


def slopes(out: Path, say: Printer, made: dict[str, Any]) -> list[Path]:
    """Step 4: a derivative measured by a nudge, on a straight line and on a curve."""
    from ..viz.plots import plot_nudge

    heading(say, 4, "A derivative is a slope: nudge an input by h")
    _nudge_l(say)
    say("")
    say("L is a straight line in each input, so any h gives the exact slope. Most functions")
    say("curve. Take the tanh neuron of step 5 as a function of its weight w1 alone:")
    w1 = TANH_NEURON_LEAVES["w1"]
    curve = f"tanh({num(TANH_NEURON_LEAVES['x1'])}*w1 + {TANH_NEURON_BIAS:.4f})"
    say(f"o(w1) = {curve}, at w1 = {num(w1)}, where backprop finds do/dw1 = 1.")
    slope = tanh_neuron()["w1"].grad
    before = tanh_neuron_output(w1)
    for h in NUDGE_STEPS:
        rise = tanh_neuron_output(w1 + h) - before
        say(f"  h = {h:<6g} rise = {rise:.6f}   rise / h = {rise / h:.6f}")
    say(f"The smaller the nudge, the closer rise / h comes to the slope {num(slope)}: that limit")
    say(
        f"is the derivative. The picture shows h = {num(NUDGE_STEPS[0])}: the secant through the "
        "two points is"
    )
    say("much flatter than the tangent, because the curve bends away between them.")
    path = out / "04_nudge.png"
    plot_nudge(
        tanh_neuron_output,
        w1,
        NUDGE_STEPS[0],
        path,
        slope=slope,
        xlabel="w1",
        ylabel=f"o = {curve}".replace("*", "·"),
    )
    say(f"  picture: {path}")
    return [path]


def backprop(out: Path, say: Printer, made: dict[str, Any]) -> list[Path]:
    """Step 5: the tanh neuron's gradients, by hand and by ``o.backward()``."""
    from ..viz.explain import explain
    from ..viz.graph import draw_graph

    heading(say, 5, "Backpropagation through a neuron")
    v = tanh_neuron()
    o = v["o"]
    say(TANH_NEURON_TEXT)
    say(f"n = x1*w1 + x2*w2 + b = {v['n'].data:.10g}")
    say(f"o = tanh(n) = {o.data:.10g} ≈ {o.data:.4f}")
    say("")
    say("By hand, backwards from do/do = 1:")
    say(f"  do/dn = 1 - o**2 = 1 - {o.data:.4f}**2 = {num(1 - o.data**2)}")
    say("  a + passes the gradient on unchanged: do/d(x1*w1) = do/d(x2*w2) = do/db = 0.5")
    say("  a * sends each input the other input times the gradient:")
    g = {name: num(v[name].grad) for name in ("x1", "w1", "x2", "w2")}
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
