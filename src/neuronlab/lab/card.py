"""The neuron card: one neuron on one point, forward and backward, with every number written out.

For a neuron (layer, neuron) and a point, the card shows what the neuron
reads (the previous layer's outputs at that point, or the input features),
its weights and bias, each product w_i·a_i, the weighted sum z and the
activation's output; then, after backward of that point's loss, its δ =
dL/dz, the gradients dL/dw_i = δ·a_i and dL/db = δ, and the step plain
gradient descent would take: w ← w − lr·dL/dw.

Every number comes from the scalar twin of the point (``lab.twin``): the
products are the engine's ``*``, the gradients its ``backward()``, the update
``optim.SGD``'s ``step()`` on copies of the weights.  The card is JSON, the
``Card`` of docs/lab.md, with ``lines`` written as a learner reads them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..engine import Value
from ..optim import OPTIMIZERS, SGD
from ..util.numbers import format_number
from .twin import Twin, TwinLayer, build_twin, check_neuron

if TYPE_CHECKING:
    from .session import LabSession

__all__ = ["card"]

_f = format_number


def _factor(x: float) -> str:
    """A number as the second factor of a product: negative ones in parentheses."""
    text = format_number(x)
    return f"({text})" if text.startswith("-") else text


def _sum(terms: list[str]) -> str:
    """Terms written as a sum a learner reads: ``1.5 − 0.25·2 + 2``, not ``1.5 + -0.25·2 + 2``."""
    text = terms[0] if terms else "0"
    for term in terms[1:]:
        text += f" − {term[1:]}" if term.startswith("-") else f" + {term}"
    return text


def _sgd_step(params: list[Value], lr: float) -> list[list[float]]:
    """[before, after] of one plain SGD step, by ``optim.SGD`` on copies (the twin is kept)."""
    copies = [Value(p.data) for p in params]
    for c, p in zip(copies, params):
        c.grad = p.grad
    SGD(copies, lr=lr).step()
    return [[p.data, c.data] for p, c in zip(params, copies)]


def _forward_lines(layer: TwinLayer, j: int, terms: list[float]) -> list[str]:
    """z = Σ w·a + b with its numbers, and the activation's output."""
    w, a, b = layer.weights[j], layer.inputs, layer.biases[j]
    z, out = layer.sums[j], layer.outputs[j]
    symbols = " + ".join(f"{wi.label}·{ai.label}" for wi, ai in zip(w, a))
    products = [f"{_f(wi.data)}·{_factor(ai.data)}" for wi, ai in zip(w, a)]
    lines = [
        f"{z.label} = {symbols} + {b.label}",
        f"     = {_sum([*products, _f(b.data)])}",
        f"     = {_sum([_f(t) for t in [*terms, b.data]])} = {_f(z.data)}",
    ]
    if out is z:
        lines.append(f"no activation (linear): the output is {z.label} = {_f(z.data)}")
    else:
        lines.append(f"{out.label} = {out.op}({z.label}) = {out.op}({_f(z.data)}) = {_f(out.data)}")
    return lines


def _delta_lines(layer: TwinLayer, j: int, loss: Value) -> list[str]:
    """δ = dL/dz, read through the activation when there is one."""
    z, out = layer.sums[j], layer.outputs[j]
    head = f"δ = dL/d{z.label}"
    if out is z:
        return [f"{head} = {_f(z.grad)}  (backward of this point's loss L = {_f(loss.data)})"]
    slope = out.local_grads[0]
    lines = [
        f"{head} = dL/d{out.label} · d{out.label}/d{z.label} = "
        f"{_f(out.grad)}·{_factor(slope)} = {_f(z.grad)}"
    ]
    if out.op == "step":
        lines.append("  (step's slope is 0: no gradient reaches this neuron's weights)")
    return lines


def _backward_lines(layer: TwinLayer, j: int) -> list[str]:
    """dL/dw_i = δ·a_i and dL/db = δ, with numbers."""
    z, b = layer.sums[j], layer.biases[j]
    lines = [
        f"dL/d{wi.label} = δ·{ai.label} = {_f(z.grad)}·{_factor(ai.data)} = {_f(wi.grad)}"
        for wi, ai in zip(layer.weights[j], layer.inputs)
    ]
    return [*lines, f"dL/d{b.label} = δ = {_f(b.grad)}"]


def _update_lines(
    layer: TwinLayer, j: int, lr: float, steps: list[list[float]], session: LabSession
) -> list[str]:
    params = [*layer.weights[j], layer.biases[j]]
    lines = [
        f"{p.label} ← {p.label} − lr·dL/d{p.label} = {_f(before)} − {_f(lr)}·{_factor(p.grad)} = "
        f"{_f(after)}"
        for p, (before, after) in zip(params, steps)
    ]
    s = session.settings
    batch = session.trainer.batch_size
    lines.append(
        f"(the textbook step of plain gradient descent on this one point's loss, lr {_f(lr)}; "
        f"training steps the mean loss of a batch of {batch} point{'s' * (batch != 1)} "
        f"with {OPTIMIZERS[s.optimizer].label}"
        + (f" and an {s.regularization.upper()} penalty" if s.regularization != "none" else "")
        + ")"
    )
    return lines


def _label(twin: Twin, session: LabSession) -> float | int:
    return int(twin.label) if session.problem.task == "classification" else twin.label


def card(session: LabSession, layer: Any, neuron: Any, point: Any) -> dict[str, Any]:
    """The ``Card`` of neuron ``neuron`` of layer ``layer`` (from 1) on point ``point``."""
    layer, neuron = check_neuron(session, layer, neuron)
    twin = build_twin(session, point)
    twin.backward()
    tl = twin.layer(layer)
    w, a, b = tl.weights[neuron], tl.inputs, tl.biases[neuron]
    terms = [(wi * ai).data for wi, ai in zip(w, a)]  # the engine's products
    lr = session.settings.lr
    steps = _sgd_step([*w, b], lr)
    x1, x2 = twin.x
    lines = [
        f"point {twin.point}: (x1, x2) = ({_f(x1)}, {_f(x2)}), label {_f(twin.label)}",
        *_forward_lines(tl, neuron, terms),
        f"L = {_f(twin.loss.data)}  (this point's {session.head.loss} loss, target "
        f"{', '.join(_f(t) for t in twin.target.ravel().tolist())})",
        *_delta_lines(tl, neuron, twin.loss),
        *_backward_lines(tl, neuron),
        *_update_lines(tl, neuron, lr, steps, session),
    ]
    return {
        "layer": layer,
        "neuron": neuron,
        "point": twin.point,
        "x": [x1, x2],
        "label": _label(twin, session),
        "activation": tl.activation,
        "inputs": [{"name": ai.label, "value": ai.data} for ai in a],
        "weights": [wi.data for wi in w],
        "bias": b.data,
        "terms": terms,
        "z": tl.sums[neuron].data,
        "output": tl.outputs[neuron].data,
        "loss": twin.loss.data,
        "delta": tl.sums[neuron].grad,
        "grads": {"weights": [wi.grad for wi in w], "bias": b.grad},
        "lr": lr,
        "update": {"weights": steps[:-1], "bias": steps[-1]},
        "lines": lines,
    }
