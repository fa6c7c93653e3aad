"""draw_graph and explain on Tensor graphs: shapes, names, every op's rule, the lecture's step."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from helpers import numeric_grad
from hypothesis import given
from hypothesis import strategies as st
from notebooks import load_builder

from neuronlab import Value
from neuronlab.losses import binary_cross_entropy, cross_entropy
from neuronlab.tensor import (
    Tensor,
    batch_norm,
    batch_statistics,
    concatenate,
    dropout,
    embedding,
    layer_norm,
    linear,
    stack,
)
from neuronlab.viz import draw_graph, explain
from neuronlab.viz.tensor_explain import TensorExplanation
from neuronlab.viz.tensor_ops import OPS, op_text
from neuronlab.viz.tensor_text import broadcast_axes, reduction_of

SRC = Path(__file__).resolve().parent.parent / "src" / "neuronlab"
HAVE_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAVE_DOT, reason="Graphviz's dot is not installed")


def small_graph(dtype=np.float32):
    """x (2, 3) @ W (3, 2) + b (2,), tanh, mean: x is data, W and b parameters."""
    x = Tensor([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]], dtype=dtype, label="x")
    W = Tensor([[0.5, -1.0], [0.25, 0.0], [-0.5, 2.0]], dtype=dtype, requires_grad=True, label="W")
    b = Tensor([0.1, -0.2], dtype=dtype, requires_grad=True, label="b")
    return x, W, b, ((x @ W) + b).tanh().mean()


@pytest.fixture(scope="module")
def lecture():
    return load_builder("tensor_graph").lecture_step


def body(text: str) -> list[str]:
    """The lines after the introduction (from the dL/dL line on)."""
    lines = text.splitlines()
    start = next(
        i for i, line in enumerate(lines) if line.startswith("dL/dL") or "/dloss (" in line
    )
    return lines[start:]


# -- explain: the exact lines of a small graph -------------------------------------------


def test_explain_a_small_graph_line_by_line(capsys):
    _x, _W, _b, L = small_graph()
    L.backward()
    ex = explain(L)
    assert capsys.readouterr().out.strip() == ex.text.strip() == str(ex).strip()
    assert isinstance(ex, TensorExplanation)
    assert ex.has_gradients
    assert (
        ex.text.splitlines()[0] == "Backward pass from L () = -0.112, in the order backward() runs."
    )
    assert body(ex.text) == [
        "dL/dL () = 1",
        "",
        "L () = tanh1.mean() = -0.112",
        "  dL/dtanh1 (2, 2) = dL/dL () / 4 copied back over every entry to (2, 2)",
        "      = [[0.25, 0.25], [0.25, 0.25]]",
        "",
        "tanh1 (2, 2) = tanh(add1) = [[-0.1489, -0.1974], [0.8741, -0.9757]]",
        "  dL/dadd1 (2, 2) = (1 - tanh1²) * dL/dtanh1 (2, 2)",
        "      = [[0.2445, 0.2403], [0.05901, 0.01198]]",
        "",
        "add1 (2, 2) = matmul1 + b = [[-0.15, -0.2], [1.35, -2.2]]",
        "  dL/dmatmul1 (2, 2) = dL/dadd1 (2, 2)",
        "      = [[0.2445, 0.2403], [0.05901, 0.01198]]",
        "  dL/db (2,) = dL/dadd1 (2, 2) summed over axis 0",
        "      = [0.3035, 0.2522]",
        "",
        "matmul1 (2, 2) = x @ W = [[-0.25, 0], [1.25, -2]]",
        "  dL/dW (3, 2) = xᵀ (3, 2) @ dL/dmatmul1 (2, 2)",
        "      = [[0.2445, 0.2403], [-0.3119, -0.4446], [0.06322, 0.1081]]",
        "",
        "Gradients of the leaves (their .grad, which adds up over backward() calls until "
        "zero_grad()):",
        "  dL/dW (3, 2) = [[0.2445, 0.2403], [-0.3119, -0.4446], [0.06322, 0.1081]]",
        "  dL/db (2,) = [0.3035, 0.2522]",
    ]
    assert [(s.out, s.input, s.op) for s in ex.steps] == [
        ("L", "tanh1", "mean"),
        ("tanh1", "add1", "tanh"),
        ("add1", "matmul1", "+"),
        ("add1", "b", "+"),
        ("matmul1", "W", "@"),
    ]  # x needs no gradient: no line for it
    assert ex.as_dicts()[4]["rule"] == "xᵀ (3, 2) @ dL/dmatmul1 (2, 2)"
    assert ex.leaf_gradients[1] == ("b", (2,), "[0.3035, 0.2522]")


def numbers_in(text: str) -> np.ndarray:
    return np.array([float(s) for s in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]\d+)?", text)])


def test_the_numbers_explain_states_are_the_gradients_finite_differences_give():
    x, W, b, L = small_graph(np.float64)
    L.backward()
    ex = explain(L, show=False)
    stated = {name: numbers_in(text) for name, _, text in ex.leaf_gradients}

    def loss_at(w, bias):
        return float(np.tanh(x.data @ w + bias).mean())

    for name, p in (("W", W.data), ("b", b.data)):
        if name == "W":
            numeric = numeric_grad(lambda w: loss_at(w, b.data), p)
        else:
            numeric = numeric_grad(lambda bias: loss_at(W.data, bias), p)
        np.testing.assert_allclose(stated[name], numeric.ravel(), rtol=1e-3, atol=1e-6)


def test_explain_before_backward_shows_the_rules_and_says_there_are_no_numbers():
    _, _, _, L = small_graph()
    ex = explain(L, show=False)
    assert not ex.has_gradients
    assert (
        "No numbers yet: L.backward() has not run (L.grad is None), so only the rules are "
        "shown; call L.backward(), then explain again." in ex.text
    )
    assert "  dL/dW (3, 2) = xᵀ (3, 2) @ dL/dmatmul1 (2, 2)" in ex.text
    assert not any(line.startswith("      = ") for line in ex.text.splitlines())
    assert "Gradients of the leaves" not in ex.text
    assert all(s.gradient == "" for s in ex.steps)


def test_gradients_left_by_another_backward_are_not_passed_off_as_this_ones():
    _, _W, _, L = small_graph()
    (L * 3.0).backward()  # dL/dW is now 3 times what L.backward() gives
    ex = explain(L, show=False)
    assert not ex.has_gradients
    assert all(s.gradient == "" for s in ex.steps)
    assert "No numbers: the gradients in .grad are not those of L.backward() (L.grad is 3, " in (
        ex.text
    )


def test_drawing_and_explaining_change_no_gradient():
    _, W, b, L = small_graph()
    L.backward()
    before = [W.grad.copy(), b.grad.copy()]
    explain(L, show=False)
    assert draw_graph(L).source.startswith("digraph")
    np.testing.assert_array_equal(W.grad, before[0])
    np.testing.assert_array_equal(b.grad, before[1])


# -- names -------------------------------------------------------------------------------


def test_unnamed_tensors_are_called_by_their_operation_and_leaves_t1():
    a = Tensor(np.ones((2, 2)), requires_grad=True)
    c = Tensor(np.full((2, 2), 3.0), requires_grad=True)
    y = ((a * c) * 2.0 + a).relu().sum()
    ex = explain(y, show=False)
    lines = ex.text.splitlines()
    assert "mul1 (2, 2) = t1 * t2 = [[3, 3], [3, 3]]" in lines
    assert "mul2 (2, 2) = mul1 * 2 = [[6, 6], [6, 6]]" in lines  # the number 2 is written in
    assert "add1 (2, 2) = mul2 + t1 = [[7, 7], [7, 7]]" in lines
    assert "L () = relu1.sum() = 28" in lines
    assert "  dL/dt1 (2, 2) += dL/dadd1 (2, 2)" in lines  # t1 is used twice: +=


def test_labels_given_after_creation_and_names_given_to_explain():
    W = Tensor(np.eye(2), requires_grad=True, label="W")
    h = (W @ W).tanh()
    h.label = "h"  # an operation's result can be labelled at any time
    loss = h.mean()
    text = explain(loss, show=False).text
    assert "h (2, 2) = tanh(matmul1)" in text
    assert "  dL/dW (2, 2) += dL/dmatmul1 (2, 2) @ Wᵀ (2, 2)" in text
    named = explain(loss, names={"hpre": h.inputs[0], "loss": loss}, show=False).text
    assert "hpre (2, 2) = W @ W" in named
    assert "h (2, 2) = tanh(hpre)" in named
    assert "dloss/dloss () = 1" in named
    # a given name wins over a label, and draw_graph takes the same names
    boxes = draw_graph(loss, names={"weights": W}).nodes
    assert [n.cells[0] for n in boxes] == [
        "weights",
        "matmul1 = weights @ weights",
        "h = tanh(matmul1)",
        "L = h.mean()",
    ]


def test_tensors_labelled_alike_are_told_apart():
    a = Tensor([1.0], requires_grad=True, label="x")
    b = Tensor([2.0], requires_grad=True, label="x")
    text = explain((a * b).sum(), show=False).text
    assert "mul1 (1,) = x * x#2 = [2]" in text


def test_a_label_that_is_not_a_string_is_refused_naming_it():
    t = Tensor([1.0], requires_grad=True)
    t.label = 5
    with pytest.raises(TypeError, match="label must be a str, got int 5"):
        explain(t.sum(), show=False)


# -- pictures ---------------------------------------------------------------------------


def test_boxes_show_the_operation_shape_and_numbers():
    _x, _W, _b, L = small_graph()
    before = {n.cells[0]: n.cells for n in draw_graph(L).nodes}
    assert before["matmul1 = x @ W"] == (
        "matmul1 = x @ W",
        "(2, 2)",
        "data [[-0.2500, 0.0000], [1.2500, -2.0000]]",
        "grad None",  # no backward yet
    )
    assert before["x"] == (
        "x",
        "(2, 3)",
        "data [[1.0000, -2.0000, 0.5000], [0.0000, 3.0000, -1.0000]]",
    )
    assert before["W"][3] == "grad [[0.0000, 0.0000], [0.0000, 0.0000], [0.0000, 0.0000]]"
    L.backward()
    graph = draw_graph(L)
    after = {n.cells[0]: n for n in graph.nodes}
    assert after["b"].cells[2:] == ("data [0.1000, -0.2000]", "grad [0.3035, 0.2522]")
    assert after["L = tanh1.mean()"].cells[2:] == ("data -0.1120", "grad 1.0000")
    assert after["L = tanh1.mean()"].kind == "root"
    assert after["W"].kind == "leaf"
    assert graph.rankdir == "TB"
    assert graph.num_nodes == 7
    assert len(graph.edges) == 6


def test_a_large_tensor_is_summarised():
    big = Tensor(np.arange(12.0).reshape(3, 4), requires_grad=True, label="big")
    loss = (big * big).sum()
    loss.backward()
    cells = {n.cells[0]: n.cells for n in draw_graph(loss).nodes}
    assert cells["big"] == ("big", "(3, 4)", "data mean 5.5, std 3.452", "grad norm 44.99")
    text = explain(loss, show=False).text
    assert "  dL/dbig (3, 4) = norm 44.99, largest |entry| 22" in text


def test_nan_and_inf_are_counted_never_averaged():
    t = Tensor([1.0, np.nan, np.inf, 2.0, np.nan, 0.0, 1.0], requires_grad=True, label="t")
    loss = (t * 2.0).sum()
    loss.backward()
    cells = {n.cells[0]: n.cells for n in draw_graph(loss).nodes}
    assert cells["t"][2:] == ("data 2 nan and 1 inf of 7", "grad norm 5.292")
    assert cells["mul1 = t * 2"][2] == "data 2 nan and 1 inf of 7"
    assert cells["L = mul1.sum()"][2] == "data nan"


def test_marked_tensors_and_folded_numbers():
    _, _W, b, L = small_graph()
    g = draw_graph(L, marked=[b])
    assert [n.cells[0] for n in g.nodes if n.marked] == ["b"]
    half = L * 0.5
    g2 = draw_graph(half, marked=[half.inputs[1]])  # the 0.5 is drawn inside its reader
    assert [n.cells[0] for n in g2.nodes if n.marked] == ["L = mean1 * 0.5"]
    with pytest.raises(ValueError, match=r"a tensor of shape \(\) is not in this graph"):
        draw_graph(L, marked=[Tensor(1.0)])


def test_lecture_graph_has_one_box_per_tensor(lecture):
    loss, tensors, _, _ = lecture()
    loss.backward()
    graph = draw_graph(loss, names=tensors)
    assert graph.num_nodes == 35  # 28 operations and 7 parameters; 1/n, 1/(n-1), 1e-5 written in
    assert len(graph.edges) == 38
    titles = [n.cells[0] for n in graph.nodes]
    for title in [
        "emb = C[…]",
        "embcat = emb.reshape(32, 30)",
        "matmul1 = embcat @ W1",
        "hprebn = matmul1 + b1",
        "bnmeani = 0.03125 * sum1",
        "bnvar = 0.03226 * sum2",
        "add1 = bnvar + 1e-05",
        "bnvar_inv = add1**-0.5",
        "logit_maxes = logits.max(1, keepdims=True)",
        "counts_sum_inv = counts_sum**-1",
        "loss = -mean1",
    ]:
        assert title in titles
    assert "ordering=in" in graph.source
    assert "weight=8" in graph.source


@needs_dot
def test_lecture_graph_renders_with_dot_on_one_page(lecture, tmp_path):
    loss, tensors, _, _ = lecture()
    loss.backward()
    graph = draw_graph(loss, names=tensors, engine="dot")
    png, svg = graph.save(tmp_path / "g.png"), graph.save(tmp_path / "g.svg")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width < 2000, (width, height)
    assert height < 2000, (width, height)  # one page at 96 dpi: ≤ 21 in
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml")
    assert "hprebn = matmul1 + b1" in text


def test_the_python_layout_draws_a_tensor_graph_too():
    _, _, _, L = small_graph()
    svg = draw_graph(L, engine="python").svg()
    assert "matmul1 = x @ W" in svg
    assert "<svg" in svg


def test_a_large_graph_is_refused_with_its_count(lecture):
    t = Tensor(np.ones(3), requires_grad=True)
    for _ in range(600):
        t = t * 1.5
    with pytest.raises(ValueError, match=r"has 601 tensors to draw, more than max_nodes=500"):
        draw_graph(t)
    loss = lecture().loss
    with pytest.raises(ValueError, match=r"has 35 tensors to draw, more than max_nodes=20"):
        draw_graph(loss, max_nodes=20)
    assert draw_graph(t, max_nodes=601).num_nodes == 601


def test_a_long_explanation_is_cut_with_a_count(lecture):
    loss, tensors, _, _ = lecture()
    loss.backward()
    ex = explain(loss, names=tensors, limit=5, show=False)
    assert len(ex.steps) == 38
    assert ex.left_out == 33
    assert (
        "... 33 more edges left out, 5 shown (explain(..., limit=None) writes them all" in ex.text
    )


# -- the lecture's step, against PyTorch ---------------------------------------------------


def torch_lecture(tensors, Xb, Yb):
    """The same forward pass in PyTorch, every intermediate keeping its gradient."""
    torch = pytest.importorskip("torch")
    p = {
        k: torch.tensor(tensors[k].data, requires_grad=True)
        for k in ("C", "W1", "b1", "W2", "b2", "bngain", "bnbias")
    }
    n = len(Yb)
    t = {}
    t["emb"] = p["C"][torch.tensor(Xb)]
    t["embcat"] = t["emb"].view(n, -1)
    t["matmul1"] = t["embcat"] @ p["W1"]
    t["hprebn"] = t["matmul1"] + p["b1"]
    t["bnmeani"] = 1 / n * t["hprebn"].sum(0, keepdim=True)
    t["bndiff"] = t["hprebn"] - t["bnmeani"]
    t["bndiff2"] = t["bndiff"] ** 2
    t["bnvar"] = 1 / (n - 1) * t["bndiff2"].sum(0, keepdim=True)
    t["bnvar_inv"] = (t["bnvar"] + 1e-5) ** -0.5
    t["bnraw"] = t["bndiff"] * t["bnvar_inv"]
    t["hpreact"] = p["bngain"] * t["bnraw"] + p["bnbias"]
    t["h"] = torch.tanh(t["hpreact"])
    t["logits"] = t["h"] @ p["W2"] + p["b2"]
    t["logit_maxes"] = t["logits"].max(1, keepdim=True).values
    t["norm_logits"] = t["logits"] - t["logit_maxes"]
    t["counts"] = t["norm_logits"].exp()
    t["counts_sum"] = t["counts"].sum(1, keepdim=True)
    t["counts_sum_inv"] = t["counts_sum"] ** -1
    t["probs"] = t["counts"] * t["counts_sum_inv"]
    t["logprobs"] = t["probs"].log()
    loss = -t["logprobs"][range(n), torch.tensor(Yb)].mean()
    for v in t.values():
        v.retain_grad()
    loss.backward()
    return loss.item(), {**p, **t}


def test_the_lecture_explanation_states_pytorchs_gradients(lecture):
    loss, tensors, Xb, Yb = lecture()
    loss.backward()
    ex = explain(loss, names=tensors, limit=None, show=False)
    torch_loss, ref = torch_lecture(tensors, Xb, Yb)
    assert loss.item() == pytest.approx(torch_loss, rel=1e-5)
    checked = 0
    for step in ex.steps:
        if step.gradient and step.input in ref:
            g = ref[step.input].grad.numpy().astype(np.float64)
            norm, largest = numbers_in(step.gradient)
            big = np.abs(g).max()
            # b1 and logit_maxes get (almost) nothing: both engines leave rounding noise of 1e-8
            assert norm == pytest.approx(np.linalg.norm(g), rel=2e-3, abs=1e-6)
            assert largest == pytest.approx(big, rel=2e-3, abs=1e-6)
            checked += 1
    assert checked >= 24  # every named tensor that gets a gradient, parameters included


# -- every operation has a rule ------------------------------------------------------------


def engine_op_names() -> set[str]:
    """Every op name the engine records, read from the source (a new op without a rule fails)."""
    found = set()
    for path in SRC.rglob("*.py"):
        found |= set(re.findall(r'from_op\(.*?,\s*f?"([^"]+)",\s*\w+_backward', path.read_text()))
    found |= {"batch_norm", "layer_norm"}  # normalization passes its op name as a variable
    return found


def test_every_op_the_engine_records_has_a_rule_in_the_table():
    ops = engine_op_names()
    assert {"@", "+", "getitem", "cross_entropy", "batch_norm", "**{k:g}"} <= ops
    missing = [op for op in ops if op not in OPS and not op.startswith("**{")]
    assert not missing


def p(shape, seed=0, low=-1.0, high=1.0):
    return Tensor(
        np.random.default_rng(seed).uniform(low, high, shape), requires_grad=True, label="a"
    )


def q(shape, seed=1, low=-1.0, high=1.0):
    return Tensor(
        np.random.default_rng(seed).uniform(low, high, shape), requires_grad=True, label="b"
    )


RULES = [
    (
        "-",
        lambda: (p((2, 3)) - q((3,))).sum(),
        ["dL/da (2, 3) = dL/dsub1 (2, 3)", "dL/db (3,) = (-dL/dsub1 (2, 3)) summed over axis 0"],
    ),
    (
        "/",
        lambda: (p((2,)) / q((2,), low=1, high=2)).sum(),
        ["dL/da (2,) = dL/ddiv1 (2,) / b (2,)", "dL/db (2,) = -a / b² * dL/ddiv1 (2,)"],
    ),
    (
        "**",
        lambda: (q((2,), low=1, high=2) ** p((2,))).sum(),
        [
            "dL/db (2,) = a * b**(a - 1) * dL/dpow1 (2,)",
            "dL/da (2,) = pow1 * log(b) * dL/dpow1 (2,)",
        ],
    ),
    ("**k", lambda: (p((2,)) ** 3).sum(), ["dL/da (2,) = 3 * a**2 * dL/dpow1 (2,)"]),
    ("neg", lambda: (-p((2,))).sum(), ["dL/da (2,) = -dL/dneg1 (2,)"]),
    ("@ 1-D", lambda: p((3,)) @ q((3,)), ["dL/da (3,) = dL/dL () * b (3,)"]),
    (
        "linear",
        lambda: linear(
            p((4, 3)), q((2, 3)), Tensor(np.zeros(2), requires_grad=True, label="c")
        ).sum(),
        [
            "dL/da (4, 3) = dL/dlinear1 (4, 2) @ b (2, 3)",
            "dL/db (2, 3) = dL/dlinear1 (4, 2)ᵀ @ a (4, 3)",
            "dL/dc (2,) = dL/dlinear1 (4, 2) summed over every axis but the last",
        ],
    ),
    (
        "exp",
        lambda: p((2,)).exp().sum(),
        ["dL/da (2,) = exp1 (2,) * dL/dexp1 (2,)  (exp is its own slope)"],
    ),
    ("log", lambda: q((2,), low=1, high=2).log().sum(), ["dL/db (2,) = dL/dlog1 (2,) / b (2,)"]),
    (
        "sigmoid",
        lambda: p((2,)).sigmoid().sum(),
        ["dL/da (2,) = sigmoid1 * (1 - sigmoid1) * dL/dsigmoid1 (2,)"],
    ),
    ("relu", lambda: p((2,)).relu().sum(), ["dL/da (2,) = dL/drelu1 (2,) where a > 0, else 0"]),
    ("step", lambda: p((2,)).step().sum(), ["dL/da (2,) = 0 (step is flat: nothing passes back)"]),
    ("abs", lambda: p((2,)).abs().sum(), ["dL/da (2,) = sign(a) * dL/dabs1 (2,)"]),
    (
        "dropout",
        lambda: dropout(p((2,)), 0.5, generator=0).sum(),
        ["dL/da (2,) = dL/ddropout1 (2,) * the dropout mask"],
    ),
    (
        "sum axis",
        lambda: p((2, 3)).sum(1).sum(),
        [
            "L () = sum1.sum() =",
            "sum1 (2,) = a.sum(1)",
            "dL/da (2, 3) = dL/dsum1 (2,) copied back over axis 1 to (2, 3)",
        ],
    ),
    (
        "mean",
        lambda: p((2, 3)).mean(0, keepdims=True).sum(),
        [
            "mean1 (1, 3) = a.mean(0, keepdims=True)",
            "dL/da (2, 3) = dL/dmean1 (1, 3) / 2 copied back over axis 0 to (2, 3)",
        ],
    ),
    (
        "max",
        lambda: p((2, 3)).max(1).sum(),
        [
            "dL/da (2, 3) = dL/dmax1 (2,) put where the max over axis 1 was, 0 elsewhere (2, 3) "
            "(ties share it)"
        ],
    ),
    (
        "var",
        lambda: p((4, 3)).var(0).sum(),
        [
            "dL/da (4, 3) = 2 * (a - mean) / (4 - correction) * dL/dvar1 (3,) copied back over "
            "axis 0"
        ],
    ),
    (
        "std",
        lambda: p((4, 3)).std(1).sum(),
        [
            "dL/da (4, 3) = (a - mean) / ((3 - correction) * std1) * dL/dstd1 (4,) copied back "
            "over axis 1"
        ],
    ),
    (
        "transpose",
        lambda: p((2, 3)).T.sum(),
        [
            "transpose1 (3, 2) = a.T",
            "dL/da (2, 3) = dL/dtranspose1 (3, 2) with its axes put back in their order",
        ],
    ),
    (
        "getitem rows",
        lambda: p((5, 2))[np.array([0, 0, 3])].sum(),
        [
            "dL/da (5, 2) = dL/dindex1 (3, 2) added into the rows it picked, 0 elsewhere (5, 2) "
            "(a row picked twice gets both)"
        ],
    ),
    (
        "embedding",
        lambda: embedding(p((5, 2)), np.array([[1, 1], [4, 0]])).sum(),
        [
            "embedding1 (2, 2, 2) = embedding(a, …)",
            "dL/da (5, 2) = dL/dembedding1 (2, 2, 2) added into the rows it picked",
        ],
    ),
    (
        "concatenate",
        lambda: concatenate([p((2,)), q((3,))]).sum(),
        ["concat1 (5,) = concatenate(a, b)", "dL/da (2,) = its own slice of dL/dconcat1 (5,)"],
    ),
    (
        "stack",
        lambda: stack([p((2,)), q((2,))]).sum(),
        ["dL/db (2,) = its own slice of dL/dstack1 (2, 2)"],
    ),
    (
        "softmax",
        lambda: (p((2, 3)).softmax() * q((2, 3))).sum(),
        [
            "dL/da (2, 3) = softmax1 * (dL/dsoftmax1 (2, 3) - Σ(dL/dsoftmax1 (2, 3) * softmax1) "
            "along the axis)"
        ],
    ),
    (
        "log_softmax",
        lambda: (p((2, 3)).log_softmax() * q((2, 3))).sum(),
        [
            "dL/da (2, 3) = dL/dlog_softmax1 (2, 3) - softmax(a) * Σ dL/dlog_softmax1 (2, 3) "
            "along the axis"
        ],
    ),
    (
        "cross_entropy",
        lambda: cross_entropy(p((4, 3)), np.array([0, 2, 1, 1])),
        [
            "L () = cross_entropy(a, targets)",
            "dL/da (4, 3) = (softmax(a) - onehot(targets)) / 4 * dL/dL ()  (log_softmax, picking "
            "each row's target and the mean, fused in one node)",
        ],
    ),
    (
        "bce",
        lambda: binary_cross_entropy(p((4,), low=0.1, high=0.9), np.array([0.0, 1.0, 1.0, 0.0])),
        ["dL/da (4,) = (a - t) / (a * (1 - a)) / 4 * dL/dL ()  (t the targets)"],
    ),
    (
        "batch_norm",
        lambda: (
            batch_norm(
                p((4, 3)),
                q((3,)),
                Tensor(np.zeros(3), requires_grad=True, label="c"),
                *batch_statistics(p((4, 3)).data),
            )
            * q((4, 3), seed=5)
        ).sum(),
        [
            "batch_norm1 (4, 3) = batch_norm(a, b, c)",
            "dL/da (4, 3) = (ĝ - mean(ĝ) - x̂ * mean(ĝ * x̂)) / σ, means over the batch, ĝ = "
            "dL/dbatch_norm1 (4, 3) * b (3,)",
            "dL/db (3,) = (dL/dbatch_norm1 (4, 3) * x̂) summed over the batch",
            "dL/dc (3,) = dL/dbatch_norm1 (4, 3) summed over the batch",
        ],
    ),
    (
        "layer_norm",
        lambda: (layer_norm(p((4, 3))) * q((4, 3))).sum(),
        [
            "dL/da (4, 3) = (ĝ - mean(ĝ) - x̂ * mean(ĝ * x̂)) / σ, means over each example's "
            "features, ĝ = dL/dlayer_norm1 (4, 3), x̂ = (a - mean) / σ"
        ],
    ),
    (
        "batched @",
        lambda: (p((2, 3, 4)) @ q((4, 5))).sum(),
        [
            "dL/da (2, 3, 4) = dL/dmatmul1 (2, 3, 5) @ bᵀ (5, 4) (ᵀ swaps the last two axes)",
            "dL/db (4, 5) = (aᵀ (2, 4, 3) @ dL/dmatmul1 (2, 3, 5)) summed over axis 0 (ᵀ swaps "
            "the last two axes)",
        ],
    ),
]


@pytest.mark.parametrize(("name", "build", "expected"), RULES, ids=[r[0] for r in RULES])
def test_each_op_explains_its_rule(name, build, expected):
    loss = build()
    loss.backward()
    text = explain(loss, show=False, limit=None).text
    for line in expected:
        assert line in text, f"{line!r} not in:\n{text}"
    assert "has no rule" not in text


def test_an_op_without_a_rule_gets_an_honest_line():
    a = Tensor([1.0, 2.0], requires_grad=True, label="a")
    odd = a.from_op(a.data * 2, (a,), "twice", lambda g, ins, saved: (2 * g,))
    loss = odd.sum()
    loss.backward()
    text = explain(loss, show=False).text
    assert "twice1 (2,) = twice(a) = [2, 4]" in text
    assert (
        "  dL/da (2,) = what twice's own backward makes of dL/dtwice1 (2,) "
        "(explain has no rule written for 'twice')" in text
    )
    assert "      = [2, 2]" in text
    unknown_power = op_text("**x")  # a malformed power name is an unknown op, not a crash
    assert unknown_power.word == "x"
    assert unknown_power.formula(None, ()) == "**x()"


# -- the shapes a node shows -----------------------------------------------------------------


@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.data())
def test_broadcast_axes_sum_a_gradient_back_to_its_shape(shape, data):
    x_shape = tuple(data.draw(st.sampled_from([n, 1])) for n in shape)[
        data.draw(st.integers(0, len(shape))) :
    ]
    gone, kept = broadcast_axes(x_shape, tuple(shape))
    g = np.ones(shape)
    back = g.sum(axis=kept, keepdims=True).sum(axis=gone)
    assert back.shape == x_shape


@given(st.lists(st.integers(2, 5), min_size=1, max_size=4, unique=True), st.data(), st.booleans())
def test_the_axes_of_a_reduction_are_read_back_from_its_shapes(shape, data, keepdims):
    axes = tuple(sorted(data.draw(st.sets(st.integers(0, len(shape) - 1), min_size=1))))
    out = np.zeros(shape).sum(axis=axes, keepdims=keepdims).shape
    r = reduction_of(tuple(shape), out)
    assert r.keepdims == keepdims
    assert r.axes == axes  # unique sizes: never ambiguous
    assert r.whole == (len(axes) == len(shape))


def test_an_ambiguous_reduction_names_no_axis():
    r = reduction_of((3, 3), (3,))
    assert r.axes is None
    t = Tensor(np.ones((3, 3)), requires_grad=True, label="a")
    loss = t.sum(0).sum()
    loss.backward()
    text = explain(loss, show=False).text
    assert "sum1 (3,) = a.sum(…)" in text
    assert "dL/da (3, 3) = dL/dsum1 (3,) copied back over its axes to (3, 3)" in text


# -- bad input -------------------------------------------------------------------------------


def test_bad_input_is_refused_naming_what_came():
    _, W, _, L = small_graph()
    with pytest.raises(TypeError, match="draw_graph: expected a Value or a Tensor, got ndarray"):
        draw_graph(np.ones(3))
    with pytest.raises(TypeError, match="explain: expected a Value or a Tensor, got float"):
        explain(3.0)
    with pytest.raises(TypeError, match=r"explain\(names='W'\): expected a Tensor, got Value"):
        explain(L, names={"W": Value(1.0)})
    with pytest.raises(TypeError, match="expected a dict of name -> Tensor"):
        explain(L, names=[W])
    with pytest.raises(ValueError, match="a name must be a non-empty str"):
        draw_graph(L, names={"": W})
    with pytest.raises(ValueError, match="collapse_neurons is for Value graphs"):
        draw_graph(L, collapse_neurons=True)
    with pytest.raises(ValueError, match="names= is for Tensor graphs"):
        draw_graph(Value(1.0), names={"a": W})
    with pytest.raises(ValueError, match=r"explain\(limit\)"):
        explain(L, limit=0)
    with pytest.raises(TypeError, match="expected Tensors of the graph, got Value"):
        draw_graph(L, marked=[Value(1.0)])


def test_a_leaf_alone():
    t = Tensor([1.0, 2.0], requires_grad=True, label="w")
    ex = explain(t, show=False)
    assert ex.text.splitlines()[-1] == "w is a leaf: no operation that needs a gradient made it."
    assert not ex.has_gradients
    assert ex.steps == []
    assert [n.cells for n in draw_graph(t).nodes] == [
        ("w", "(2,)", "data [1.0000, 2.0000]", "grad [0.0000, 0.0000]")
    ]
