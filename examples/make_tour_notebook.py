"""Build examples/tour.ipynb: the guided tour of neuronlab as a Jupyter notebook.

    python examples/make_tour_notebook.py            # writes examples/tour.ipynb
    python examples/make_tour_notebook.py --check    # exit 1 if tour.ipynb is out of date

The notebook follows the same nine steps as ``neuronlab tour`` (and
``neuronlab.tour.run_tour``), with the code in the cells so a learner can
change a number and run it again.  It is stored without outputs: open it in
Jupyter and run all cells.
"""

from __future__ import annotations

import sys
from pathlib import Path
from string import Template

import nbformat
from notebook_file import cells_of, command, file_text, notebook

from neuronlab import datasets, worked

HERE = Path(__file__).resolve().parent
NOTEBOOK = HERE / "tour.ipynb"

CELLS: list[tuple[str, str]] = [
    (
        "md",
        """# A guided tour of neuronlab

Neural networks from first principles, one worked example per step — the same
path as `neuronlab tour` on the command line:

1. the perceptron, 2. the sigmoid neuron, 3. a computation graph and the chain rule,
4. a derivative as a slope, 5. backpropagation through a neuron,
6. an MLP on the moons, 7. gradient descent on house prices,
8. real handwritten digits on the tensor engine, 9. the same network in PyTorch.

Every picture is also saved into `tour-pictures/`.""",
    ),
    (
        "code",
        """from pathlib import Path

import numpy as np
from IPython.display import Image, display

from neuronlab import (
    MLP,
    SGD,
    Adam,
    LinearLR,
    Neuron,
    Perceptron,
    Value,
    confusion_matrix,
    datasets,
    fit,
    mlp,
    predict,
)
from neuronlab.viz import draw_graph, explain, gradcheck, nudge, plots

out = Path("tour-pictures")
out.mkdir(exist_ok=True)


def show(path):
    \"\"\"Display a saved picture inline.\"\"\"
    display(Image(filename=str(path)))""",
    ),
    (
        "md",
        """## 1. The perceptron

Three yes/no factors decide whether to eat sweets, with weights $sweets_weights and
threshold $sweets_threshold. The output is 1 when `w·x > $sweets_threshold`.""",
    ),
    (
        "code",
        """p = Perceptron(datasets.SWEETS_WEIGHTS, threshold=datasets.SWEETS_THRESHOLD)
X, _ = datasets.sweets()
print("x1 x2 x3  w·x  output")
for x in X:
    print(f" {int(x[0])}  {int(x[1])}  {int(x[2])}  {x @ p.weights:4g}  {p(x)}")
print("output equals the second factor:", all(p(x) == int(x[1]) for x in X))""",
    ),
    (
        "md",
        """The weight 6 clears the threshold on its own; 2 + 2 = 4 does not. So only
the second factor matters. The perceptron *learning rule* finds weights for AND.
It starts from weights 0 and threshold 0.5: inputs are 0 or 1 and every step is
whole, so `w·x` never lands exactly on the threshold, and every point ends up
clearly on one side of the line.""",
    ),
    (
        "code",
        """Xg, yg = datasets.gate("and")
learner = Perceptron([0.0, 0.0], threshold=0.5)
print(learner.fit(Xg, yg))
print("weights", learner.weights.tolist(), "threshold", learner.threshold)
plots.plot_perceptron(learner, Xg, yg, out / "01_perceptron_and.png")
show(out / "01_perceptron_and.png")""",
    ),
    (
        "md",
        """XOR is another matter: no line puts (0, 1) and (1, 0) on one side and (0, 0)
and (1, 1) on the other, so the rule never settles. The ringed points are the
ones its last line gets wrong.""",
    ),
    (
        "code",
        """Xx, yx = datasets.gate("xor")
xor_learner = Perceptron([0.0, 0.0], threshold=0.5)
print(xor_learner.fit(Xx, yx, max_epochs=20))
plots.plot_perceptron(xor_learner, Xx, yx, out / "01_perceptron_xor.png")
show(out / "01_perceptron_xor.png")""",
    ),
    (
        "md",
        """## 2. The sigmoid neuron

σ(z) = 1 / (1 + e^-z): σ(0) = 0.5
large positive z gives ≈ 1, large negative ≈ 0
— the perceptron's outputs, reached smoothly.""",
    ),
    (
        "code",
        """for z in (0.0, 10.0, -10.0):
    print(f"sigmoid({z:g}) = {Value(z).sigmoid().data:.10g}")
plots.plot_sigmoid(out / "02_sigmoid.png")
show(out / "02_sigmoid.png")""",
    ),
    (
        "md",
        """## 3. A computation graph and the chain rule

a = $a, b = $b, c = $c, e = a·b, d = e + c, f = $f, L = d·f.""",
    ),
    (
        "code",
        """a = Value($a_py, label="a")
b = Value($b_py, label="b")
c = Value($c_py, label="c")
e = a * b
e.label = "e"
d = e + c
d.label = "d"
f = Value($f_py, label="f")
L = d * f
L.label = "L"
L.backward()
print("L =", L.data)
for v in (a, b, c, d, e, f):
    print(f"dL/d{v.label} = {v.grad}")""",
    ),
    (
        "md",
        """`explain` tells the backward pass edge by edge: each gradient is the upstream
gradient times the local derivative.""",
    ),
    ("code", """explain(L);"""),
    ("code", """draw_graph(L)"""),
    (
        "md",
        """## 4. A derivative is a slope

Raise f by h = $h_f and rebuild L: it moves from $L to $L_nudged, by dL/df · h = $L_change.""",
    ),
    (
        "code",
        """print(nudge(lambda: (a * b + c) * f, f, h=$h_f_py))
print()
print(gradcheck(lambda xs: (xs[0] * xs[1] + xs[2]) * xs[3], [a, b, c, f]))""",
    ),
    (
        "md",
        """L is a straight line in each input, so any h gives the exact slope. Most
functions curve: take the tanh neuron of step 5 as a function of its weight w1,
o(w1) = tanh($x1·w1 + $b4), at w1 = $w1, where backpropagation finds do/dw1 = 1.
The smaller the nudge, the closer rise / h comes to that slope.""",
    ),
    (
        "code",
        """def o_of(w1):
    \"\"\"The tanh neuron's output with x1 = $x1, x2 = $x2, w2 = $w2, b = $b4 fixed.\"\"\"
    return Value($x1 * w1 + $b_text).tanh().data


for h in $nudge_steps:
    print(f"h = {h:<6}  rise / h = {(o_of($w1g + h) - o_of($w1g)) / h:.6f}")
plots.plot_nudge(
    o_of, $w1_py, $h0, out / "04_nudge.png", slope=1.0, xlabel="w1", ylabel="o = tanh($x1·w1 + $b4)"
)
show(out / "04_nudge.png")""",
    ),
    (
        "md",
        """## 5. Backpropagation through a neuron

o = tanh(x1·w1 + x2·w2 + b) with x1 = $x1, x2 = $x2, w1 = $w1, w2 = $w2, b = $b_text.
By hand: do/dn = 1 − o² = 0.5;
x1.grad = w1 · 0.5 = −1.5, w1.grad = x1 · 0.5 = 1,
x2.grad = w2 · 0.5 = 0.5, w2.grad = x2 · 0.5 = 0.""",
    ),
    (
        "code",
        """x1 = Value($x1_py, label="x1")
x2 = Value($x2_py, label="x2")
w1 = Value($w1_py, label="w1")
w2 = Value($w2_py, label="w2")
b = Value($b_text, label="b")
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
print(f"o = {o.data:.4f}, do/dn = {n.grad:.4f}")
for v in (x1, w1, x2, w2, b):
    print(f"{v.label}.grad = {round(v.grad, 4)}")  # rounded: 1 - o**2 is 0.5 up to rounding""",
    ),
    ("code", """draw_graph(o)"""),
    (
        "md",
        """## 6. A multi-layer perceptron learns the moons

micrograd's demo, shortened: MLP(2, [16, 16, 1]), hinge loss, lr 1.0 falling to 0.1.""",
    ),
    (
        "code",
        """X, y = datasets.moons(100, noise=0.1, seed=0)
model = MLP(2, [16, 16, 1], seed=0)
optimizer = SGD(model.parameters(), lr=1.0)
schedule = LinearLR(optimizer, start_factor=1.0, end_factor=0.1, total_iters=40)
history = fit(
    model,
    X,
    y,
    loss="hinge",
    l2=1e-4,
    optimizer=optimizer,
    scheduler=schedule,
    epochs=40,
    verbose=False,
)
print(f"final loss {history.loss[-1]:.4f}, accuracy {history.accuracy[-1]:.0%}")
plots.plot_decision_boundary(
    model, X, y, out / "06_moons_boundary.png", threshold=0.0, resolution=50
)
plots.plot_loss(history, out / "06_moons_loss.png", title="MLP on the moons")
show(out / "06_moons_boundary.png")
show(out / "06_moons_loss.png")""",
    ),
    (
        "md",
        """## 7. Gradient descent on house prices

One linear neuron, mean squared error, standardised features. Try `lr=0.001`
(crawls) and `lr=1.1` (overshoots).""",
    ),
    (
        "code",
        """X, y = datasets.houses(100, seed=0)
mean, std = X.mean(axis=0), X.std(axis=0)
Z = (X - mean) / std
neuron = Neuron(2, "linear", seed=0)
history = fit(neuron, Z, y, loss="mse", lr=0.1, epochs=60, verbose=False)
print(f"MSE {history.loss[0]:.6g} -> {history.loss[-1]:.6g}")
print(f"{neuron.w[0].data / std[0]:.3f} k€ per m², {neuron.w[1].data / std[1]:.1f} k€ per location")
info = datasets.dataset_info("houses")
plots.plot_regression(
    lambda data: predict(neuron, (data - mean) / std),
    X,
    y,
    out / "07_houses_regression.png",
    feature_label=info.feature_label(0),
    target_label=info.target_label,
    units=info.target_units,
)
show(out / "07_houses_regression.png")""",
    ),
    (
        "md",
        """## 8. Real handwritten digits on the tensor engine

1,797 scanned digits of 8×8 pixels: 1,347 to train on, 450 to test with. The
tensor engine computes a whole batch as one matrix product, with the same
gradients as `Value`. `validation=` measures the test set after every epoch,
so the learning curves show how well the network does on digits it never saw.""",
    ),
    (
        "code",
        """X_train, X_test, y_train, y_test = datasets.digits()
net = mlp([64, 64, 10], seed=0)
history = fit(
    net,
    X_train,
    y_train,
    loss="cross_entropy",
    optimizer=Adam(net.parameters(), lr=0.01),
    epochs=30,
    batch_size=32,
    validation=(X_test, y_test),
    verbose=False,
)
said = predict(net, X_test).argmax(axis=1)
print(
    f"test accuracy {np.mean(said == y_test):.1%} "
    f"({np.sum(said == y_test)} of {len(y_test)} test images right)"
)
plots.plot_loss(
    history,
    out / "08_digits_curves.png",
    title="mlp([64, 64, 10]) on the digits",
    loss_label="cross-entropy",
    validation_label="test",
)
show(out / "08_digits_curves.png")""",
    ),
    (
        "md",
        """The confusion matrix counts which digit was taken for which (rows: the true
digit, columns: the network's answer); below it, the test digits it got wrong.""",
    ),
    (
        "code",
        """print(confusion_matrix(y_test, said))
digit = datasets.dataset_info("digits")
plots.plot_confusion_matrix(
    y_test, said, out / "08_digits_confusion.png", class_names=digit.class_names, what="digit"
)
show(out / "08_digits_confusion.png")
plots.plot_misclassified(
    X_test, y_test, said, out / "08_digits_mistakes.png", image_shape=digit.image_shape
)
show(out / "08_digits_mistakes.png")""",
    ),
    (
        "md",
        """## 9. The next step: the same network in PyTorch

`to_torch` builds a `torch.nn.Sequential` with the same layers and weights. It
needs PyTorch (`pip install torch`); without it this cell says so and moves on.""",
    ),
    (
        "code",
        """try:
    import torch

    from neuronlab import to_torch
except ImportError:
    print("PyTorch is not installed (pip install torch): skipping this step.")
else:
    copy = to_torch(net)
    print(copy)
    ours = predict(net, X_test)
    with torch.no_grad():
        theirs = copy(torch.from_numpy(X_test.astype(ours.dtype))).numpy()
    print(f"largest difference between the outputs: {np.abs(ours - theirs).max():.2g}")
    print(f"same digit chosen: {np.sum(ours.argmax(1) == theirs.argmax(1))} of {len(ours)}")""",
    ),
    (
        "md",
        """The whole tour also runs from the command line (`neuronlab tour`) or from
Python: `neuronlab.tour.run_tour("tour-pictures")`.""",
    ),
]


def said(x: float) -> str:
    """A number as the notebook's prose writes it: 2, −3 (a true minus sign), 0.5."""
    return f"{x:g}".replace("-", "−")


def worked_numbers() -> dict[str, str]:
    """The worked examples' numbers (``neuronlab.worked``, the sweets dataset) for the cells.

    ``$a`` is a number as the prose writes it, ``$a_py`` as Python code writes
    it; the cells take them from the library, so the notebook cannot drift from it.
    """
    leaves = {**worked.L_GRAPH_LEAVES, **worked.TANH_NEURON_LEAVES}
    del leaves["b"]  # the L graph's b and the neuron's b: the neuron's is $b_text
    numbers = {name: said(x) for name, x in leaves.items()}
    numbers.update({f"{name}_py": repr(x) for name, x in leaves.items()})
    numbers["b"] = said(worked.L_GRAPH_LEAVES["b"])
    numbers["b_py"] = repr(worked.L_GRAPH_LEAVES["b"])
    graph = worked.l_graph()
    h_f = worked.L_GRAPH_NUDGES["f"]
    change = graph["d"].data * h_f  # dL/df = d
    numbers.update(
        L=said(graph["L"].data),
        L_nudged=said(graph["L"].data + change),
        L_change=said(change),
        h_f=said(h_f),
        h_f_py=repr(h_f),
        h0=repr(worked.NUDGE_STEPS[0]),
        w1g=f"{worked.TANH_NEURON_LEAVES['w1']:g}",
        nudge_steps=repr(worked.NUDGE_STEPS),
        b_text=worked.TANH_NEURON_BIAS_TEXT,
        b4=f"{worked.TANH_NEURON_BIAS:.4f}",
        sweets_weights=f"({', '.join(f'{w:g}' for w in datasets.SWEETS_WEIGHTS)})",
        sweets_threshold=f"{datasets.SWEETS_THRESHOLD:g}",
    )
    return numbers


def build() -> nbformat.NotebookNode:
    """The tour notebook, without outputs, its worked examples' numbers from the library."""
    numbers = worked_numbers()
    cells = [(kind, Template(body).substitute(numbers)) for kind, body in CELLS]
    return notebook(cells_of(cells, "tour"))


def text() -> str:
    """The notebook file's text, as written."""
    return file_text(build())


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) examples/tour.ipynb."""
    return command(NOTEBOOK, text, (__doc__ or "").splitlines()[0], argv)


if __name__ == "__main__":
    sys.exit(main())
