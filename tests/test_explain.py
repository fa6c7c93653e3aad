"""explain: the chain rule in words, edge by edge, on the design's examples and real networks."""

from __future__ import annotations

import math
import re

import pytest
from viz_examples import TANH_NEURON_BIAS, l_graph, tanh_neuron

from neuronlab import MLP, Neuron, Value, dot
from neuronlab.losses import binary_cross_entropy, mse
from neuronlab.viz import explain, format_number, gradients
from neuronlab.viz.explain import Explanation, GradientSum, Step

# -- numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (-2.0, "-2"),
        (6.0, "6"),
        (0.5, "0.5"),
        (0.7071067811865476, "0.7071"),
        (-1.4999999999999998, "-1.5"),
        (0.0, "0"),
        (-0.0, "0"),
        (1e-7, "1e-07"),
        (244.69193226422038, "244.7"),
        (float("nan"), "nan"),
        (float("-inf"), "-inf"),
        (1e20, "1e+20"),
    ],
)
def test_format_number(x, text):
    assert format_number(x) == text


# -- explain: the design's examples, line by line ----------------------------------------


def test_explain_the_l_graph(capsys):
    _v, L = l_graph()
    ex = explain(L)
    printed = capsys.readouterr().out
    assert printed.strip() == ex.text.strip() == str(ex).strip()
    lines = ex.text.splitlines()
    for line in [
        "dL/dd = f = -2",
        "dL/df = d = 4",
        "dL/de = dL/dd * dd/de = -2 * 1 = -2",
        "dL/dc = dL/dd * dd/dc = -2 * 1 = -2",
        "dL/da = dL/de * de/da = -2 * -3 = 6",
        "dL/db = dL/de * de/db = -2 * 2 = -4",
        "  d(a*b)/da = b = -3",
        "  d(a*b)/db = a = 2",
        "  d(e + c)/dc = 1",
        "L = d*f = -8",
        "e = a*b = -6",
    ]:
        assert line in lines, line
    # in the order backward runs: L's inputs, then d's, then e's
    order = [
        lines.index(s)
        for s in (
            "dL/dd = f = -2",
            "dL/dc = dL/dd * dd/dc = -2 * 1 = -2",
            "dL/da = dL/de * de/da = -2 * -3 = 6",
        )
    ]
    assert order == sorted(order)
    assert ex.leaf_gradients == [("a", 6.0), ("b", -4.0), ("c", -2.0), ("f", 4.0)]


def test_explain_the_l_graph_structured():
    v, L = l_graph()
    ex = explain(L, show=False)
    assert isinstance(ex, Explanation)
    assert ex.root_name == "L"
    assert ex.root_data == -8.0
    assert [(s.out, s.input) for s in ex.steps] == [
        ("L", "d"),
        ("L", "f"),
        ("d", "e"),
        ("d", "c"),
        ("e", "a"),
        ("e", "b"),
    ]
    step = ex.steps[-2]
    assert isinstance(step, Step)
    assert (step.op, step.local_formula, step.local_value, step.upstream, step.contribution) == (
        "*",
        "b",
        -3.0,
        -2.0,
        6.0,
    )
    assert step.out_value is v["e"]
    assert step.input_value is v["a"]
    assert step.lines == ("  d(a*b)/da = b = -3", "dL/da = dL/de * de/da = -2 * -3 = 6")
    assert ex.sums == []
    assert ex.as_dicts()[0]["contribution"] == -2.0
    assert "6 edges" in repr(ex)


@pytest.mark.parametrize("fused", [False, True])
def test_explain_the_tanh_neuron(fused):
    _v, o = tanh_neuron(fused)
    ex = explain(o, show=False)
    lines = ex.text.splitlines()
    assert "o = tanh(n) = 0.7071" in lines
    assert "do/dn = 1 - o**2 = 0.5" in lines
    if fused:
        assert "n = w1*x1 + w2*x2 + b = 0.8814" in lines
        expected = [
            "do/dx1 = do/dn * dn/dx1 = 0.5 * -3 = -1.5",
            "do/dw1 = do/dn * dn/dw1 = 0.5 * 2 = 1",
            "do/dx2 = do/dn * dn/dx2 = 0.5 * 1 = 0.5",
            "do/dw2 = do/dn * dn/dw2 = 0.5 * 0 = 0",
            "do/db = do/dn * dn/db = 0.5 * 1 = 0.5",
            "  d(w1*x1 + w2*x2 + b)/dw1 = x1 = 2",
            "  d(w1*x1 + w2*x2 + b)/dx1 = w1 = -3",
        ]
    else:
        assert "n = x1*w1 + x2*w2 + b = 0.8814" in lines
        expected = [
            "do/dx1 = do/d(x1*w1) * d(x1*w1)/dx1 = 0.5 * -3 = -1.5",
            "do/dw1 = do/d(x1*w1) * d(x1*w1)/dw1 = 0.5 * 2 = 1",
            "do/dx2 = do/d(x2*w2) * d(x2*w2)/dx2 = 0.5 * 1 = 0.5",
            "do/dw2 = do/d(x2*w2) * d(x2*w2)/dw2 = 0.5 * 0 = 0",
            "do/db = do/dn * dn/db = 0.5 * 1 = 0.5",
            "  d(x1*w1)/dx1 = w1 = -3",
        ]
    for line in expected:
        assert line in lines, line
    grads = dict(ex.leaf_gradients)
    assert grads["x1"] == pytest.approx(-1.5)
    assert grads["w1"] == pytest.approx(1.0)
    assert grads["x2"] == pytest.approx(0.5)
    assert grads["w2"] == 0.0


def test_explain_sums_a_value_used_in_several_places():
    a, b = Value(3.0, label="a"), Value(2.0, label="b")
    c = a * b
    c.label = "c"
    L = c + a  # a feeds two places
    L.label = "L"
    ex = explain(L, show=False)
    lines = ex.text.splitlines()
    assert "dL/da += 1" in lines
    assert "dL/da += dL/dc * dc/da = 1 * 2 = 2" in lines
    assert "dL/da = 1 + 2 = 3  (a feeds 2 places: backward adds the contributions)" in lines
    (s,) = ex.sums
    assert isinstance(s, GradientSum)
    assert (s.name, s.contributions, s.total, s.value) == ("a", (1.0, 2.0), 3.0, a)
    assert ex.steps[s.after_step].input == "a"


def test_explain_reads_the_graph_and_never_changes_it():
    v, L = l_graph()
    explain(L, show=False)
    assert all(x.grad == 0.0 for x in v.values())  # no backward() was run
    L.backward()
    before = {k: x.grad for k, x in v.items()}
    ex = explain(L, show=False)
    assert {k: x.grad for k, x in v.items()} == before
    assert dict(ex.leaf_gradients) == {k: before[k] for k in "abcf"}


def test_explain_every_op_agrees_with_backward():
    a, b, c = Value(0.7, label="a"), Value(-1.3, label="b"), Value(2.0, label="c")
    x = (a * b + c) ** 2 - a.exp() / c.log() + b.tanh() * a.sigmoid() + (a - b).relu()
    x = x + b.relu() + a.step() + dot([a, b], [c, a], b) + dot([c], [b]) + 3 / a - (-c)
    ex = explain(x, show=False)
    x.backward()
    grads = dict(ex.leaf_gradients)
    for leaf in (a, b, c):
        assert grads[leaf.label] == leaf.grad  # the same sums in the same order: exactly equal
    assert ex.root_name == "L"  # an unlabelled output is called L
    text = ex.text
    for piece in [
        "2*(a*b + c)",
        "exp(a)",
        "1/c",
        "1 - tanh(b)**2",
        "sigmoid(a)*(1 - sigmoid(a))",
        "1 if b > 0 else 0",
        "d(step(a))/da = 0",
        "-3/a**2",
        "Names used below:",
    ]:
        assert piece in text, piece
    for s in ex.steps:
        assert s.contribution == s.upstream * s.local_value


def test_explain_a_custom_op_and_a_leaf():
    x = Value(2.0, label="x")
    y = Value(5.0, (x,), (7.0,), "custom")
    y.label = "y"
    assert "dy/dx = 7" in explain(y, show=False).text.splitlines()
    ex = explain(x, show=False)
    assert ex.steps == []
    assert "x is a leaf" in ex.text


def test_explain_names_unlabelled_parameters():
    model = MLP(2, [2, 1], seed=0)
    out = model([1.0, -1.0])
    ex = explain(out, names=dict(model.named_parameters()), show=False)
    assert "layers.0.neurons.0.w.0" in ex.text
    assert len(ex.steps) == sum(len(v.inputs) for v in out.topological_order())
    with pytest.raises(TypeError, match="expected a Value"):
        explain(out, names={"w": 1.0}, show=False)


def test_explain_wants_a_value():
    with pytest.raises(TypeError, match="expected a Value"):
        explain(3.0)


def test_gradients_helper():
    v, L = l_graph()
    g = gradients(L)
    assert g[v["a"]] == 6.0
    assert g[L] == 1.0
    assert v["a"].grad == 0.0


# -- explain on a learner's own neurons and networks ------------------------------------


def test_explain_a_long_unlabelled_number_names_it_and_defines_it():
    ex = explain(Value(0.123456789) * 2, show=False)  # raised KeyError before
    lines = ex.text.splitlines()
    assert lines[2:4] == ["Names used below:", "  v1 = 0.123456789"]
    assert "L = v1*2 = 0.2469" in lines
    assert "dL/dv1 = 2" in lines
    assert "dL/d(2) = v1 = 0.1235" in lines
    assert ex.leaf_gradients == [("v1", 2.0), ("2", 0.123456789)]
    short = explain(Value(0.125) * 2, show=False)  # short enough to write as it is
    assert "L = 0.125*2 = 0.25" in short.text.splitlines()
    assert "Names used" not in short.text


def test_explain_a_neuron_object_with_the_design_numbers():
    neuron = Neuron(2, activation="tanh", seed=0)
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = -3.0, 1.0, TANH_NEURON_BIAS
    o = neuron([2.0, 0.0])  # inputs from plain numbers are labelled x0, x1
    ex = explain(o, show=False)
    lines = ex.text.splitlines()
    assert "L = tanh(w0*x0 + w1*x1 + b) = 0.7071" in lines
    assert "dL/d(w0*x0 + w1*x1 + b) = 1 - L**2 = 0.5" in lines
    n = "d(w0*x0 + w1*x1 + b)"
    assert f"dL/dx0 = dL/{n} * {n}/dx0 = 0.5 * -3 = -1.5" in lines
    assert f"dL/dw0 = dL/{n} * {n}/dw0 = 0.5 * 2 = 1" in lines
    grads = dict(ex.leaf_gradients)
    assert grads == pytest.approx({"w0": 1.0, "w1": 0.0, "x0": -1.5, "x1": 0.5, "b": 0.5})


def test_explain_an_mlp_output_names_weights_biases_and_inputs():
    model = MLP(2, [1], seed=0)
    out = model([1.0, 2.0])
    ex = explain(out, show=False)
    out.backward()
    w0, w1 = model.layers[0].neurons[0].w
    assert "L = w0.0.0*x0 + w0.0.1*x1 + b0.0 = -0.6469" in ex.text.splitlines()
    assert ex.leaf_gradients == [
        ("w0.0.0", 1.0),
        ("w0.0.1", 2.0),
        ("x0", w0.data),
        ("x1", w1.data),
        ("b0.0", 1.0),
    ]
    assert "dL/dw0.0.1 = x1 = 2" in ex.text.splitlines()


def mlp_loss(samples: int) -> tuple[MLP, Value]:
    model = MLP(2, [16, 16, 1], seed=0)
    xs = [[0.5, -1.0], [1.0, 2.0], [-0.3, 0.2], [0.9, -0.1]][:samples]
    return model, mse([model(x) for x in xs], [1.0, -1.0, 1.0, -1.0][:samples])


def test_explain_a_network_loss_is_bounded_and_says_what_it_left_out():
    _model, loss = mlp_loss(samples=2)
    ex = explain(loss, show=False)
    edges = sum(len(v.inputs) for v in loss.topological_order())
    assert len(ex.steps) == edges > 1000  # every edge is in .steps ...
    assert ex.left_out == edges - 50  # ... the text writes the first 50
    lines = ex.text.splitlines()
    assert len(lines) < 250
    assert f"... {edges - 50:,} more edges left out, 50 shown " in ex.text
    leaves = len(ex.leaf_gradients)
    assert (
        f"  ... and {leaves - 50:,} more leaves (explain(..., limit=None) lists them all)" in lines
    )
    # every v1, v2, ... that a step mentions is defined at the top
    start = lines.index("Names used below:")
    end = lines.index("", start)
    defined = {line.split(" = ")[0].strip() for line in lines[start + 1 : end]}
    mentioned = set(re.findall(r"\bv\d+\b", "\n".join(lines[end:])))
    assert mentioned
    assert mentioned <= defined
    everything = explain(loss, show=False, limit=None)
    assert everything.left_out == 0
    assert "left out" not in everything.text
    assert len(everything.text.splitlines()) > 2 * edges


def test_explain_a_batch_gives_each_example_its_own_input_names():
    model, loss = mlp_loss(samples=2)
    loss.backward()
    ex = explain(loss, show=False, limit=None)
    grads = dict(ex.leaf_gradients)
    for name, p in model.named_parameters():
        assert grads[p.label] == p.grad, name  # the same sums in the same order: equal
    assert {"x0", "x1", "x0#2", "x1#2"} <= set(grads)  # the second example's inputs
    labelled = [name for name, _ in ex.leaf_gradients if name[0].isalpha()]
    assert len(set(labelled)) == len(labelled) == 337 + 4  # no two leaves share a name


def test_explain_limit_is_checked():
    _, L = l_graph()
    with pytest.raises(ValueError, match="explain\\(limit\\)"):
        explain(L, limit=0, show=False)
    with pytest.raises(TypeError, match="explain\\(limit\\)"):
        explain(L, limit="all", show=False)
    short = explain(L, limit=2, show=False)
    assert short.left_out == 4
    assert len(short.steps) == 6
    assert "dL/dd = f = -2" in short.text
    assert "dL/da" not in short.text.split("Gradients")[0]


def test_explain_value_to_a_value_power_and_a_number_to_a_value():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    L = a**b + 2**a
    ex = explain(L, show=False)
    lines = ex.text.splitlines()
    assert "  d(a**b)/da = b*a**(b - 1) = 12" in lines
    assert "  d(a**b)/db = a**b*log(a) = 5.545" in lines
    assert "  d(2**a)/da = 2**a*log(2) = 2.773" in lines
    assert "  d(2**a)/d(2) = a*2**(a - 1) = 4" in lines
    L.backward()
    assert dict(ex.leaf_gradients)["a"] == a.grad
    assert dict(ex.leaf_gradients)["b"] == b.grad
    k = explain(a ** Value(3.0), show=False)  # a constant exponent: the power rule
    assert "dL/da = 3*a**2 = 12" in k.text.splitlines()


def test_explain_binary_cross_entropy_nodes():
    p, q = Value(0.8, label="p"), Value(0.3, label="q")
    loss = binary_cross_entropy([p, q], [1.0, 0.0])
    ex = explain(loss, show=False)
    lines = ex.text.splitlines()
    assert "L = bce(p) + bce(q) = 0.2899" in lines
    assert "  d(bce(p))/dp = (p - t)/(p*(1 - p)*n) = -0.625" in lines
    assert "   its target t and the number of examples n are not stored in the graph)" in lines
    loss.backward()
    assert dict(ex.leaf_gradients) == {"p": p.grad, "q": q.grad}
    assert p.grad == pytest.approx((0.8 - 1.0) / (0.8 * 0.2) / 2)
    s = Value(0.5, label="s")
    inner = explain(binary_cross_entropy([s + s], [1.0]), show=False)  # a formula needs brackets
    assert "(s + s - t)/((s + s)*(1 - (s + s))*n)" in inner.text


@pytest.mark.parametrize(
    ("make", "formula"),
    [
        (lambda a, b: a + b, "1"),
        (lambda a, b: a * b, "b"),
        (lambda a, b: a / b, "1/b"),
        (lambda a, b: a**3, "3*a**2"),
        (lambda a, b: a**2, "2*a"),
        (lambda a, b: a**b, "b*a**(b - 1)"),
        (lambda a, b: a.exp(), "exp(a)"),
        (lambda a, b: a.log(), "1/a"),
        (lambda a, b: a.tanh(), "1 - L**2"),
        (lambda a, b: a.sigmoid(), "L*(1 - L)"),
        (lambda a, b: a.relu(), "1 if a > 0 else 0"),
        (lambda a, b: a.step(), "0"),
        (lambda a, b: dot([b], [a]), "b"),
        (lambda a, b: binary_cross_entropy([a.sigmoid()], [1.0]), "sigmoid(a)*(1 - sigmoid(a))"),
    ],
)
def test_every_op_writes_the_local_derivative_with_respect_to_a(make, formula):
    a, b = Value(0.7, label="a"), Value(1.3, label="b")
    out = make(a, b)
    ex = explain(out, show=False)
    (step,) = [s for s in ex.steps if s.input_value is a]
    assert step.local_formula == formula
    out.backward()
    assert dict(ex.leaf_gradients)["a"] == a.grad


def test_generated_names_never_clash_with_labels():
    L, v1 = Value(2.0, label="L"), Value(3.0, label="v1")
    big = (L * v1 + L * 0.123456789) * v1  # an unlabelled output, and long formulas
    ex = explain(big, show=False)
    assert ex.root_name == "out"  # L is taken by a leaf
    lines = ex.text.splitlines()
    assert "  v2 = 0.123456789" in lines  # v1 is taken too
    twins = Value(1.0, label="x") * Value(2.0, label="x")
    assert [s.input for s in explain(twins, show=False).steps] == ["x", "x#2"]


def test_explain_uses_backwards_chain_rule_even_for_inf_and_nan() -> None:
    from neuronlab.viz import gradients

    a = Value(-1.0, label="a")
    b = Value(0.0, label="b")
    L = a.relu() * float("inf") + b.log() * float("nan")
    L.backward()
    grads = gradients(L)
    assert grads[a] == a.grad == 0.0  # relu at a <= 0 passes exactly 0, even an inf
    assert math.isnan(grads[b])
    assert math.isnan(b.grad)
    steps = explain(L, show=False).steps
    assert [s.contribution for s in steps if s.input == "a"] == [0.0]
