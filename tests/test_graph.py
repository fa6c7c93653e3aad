"""draw_graph: DOT text, SVG/PNG/PDF with and without Graphviz's dot, collapsing, size limits."""

from __future__ import annotations

import os
import shutil
import stat
import xml.etree.ElementTree as ET

import pytest

from neuronlab import MLP, Value
from neuronlab.viz import Graph, draw_graph, value_repr_svg
from neuronlab.viz import graph as graph_module

PNG = b"\x89PNG\r\n\x1a\n"
PDF = b"%PDF-"
HAVE_DOT = shutil.which("dot") is not None


def l_graph(backward: bool = True) -> Value:
    """The design's graph: a=2, b=-3, c=10, e=a*b, d=e+c, f=-2, L=d*f = -8."""
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    if backward:
        L.backward()
    return L


# label, data, grad of every value of the L graph after L.backward()
L_CELLS = [
    ("a", "data 2.0000", "grad 6.0000"),
    ("b", "data -3.0000", "grad -4.0000"),
    ("c", "data 10.0000", "grad -2.0000"),
    ("e", "data -6.0000", "grad -2.0000"),
    ("d", "data 4.0000", "grad -2.0000"),
    ("f", "data -2.0000", "grad 4.0000"),
    ("L", "data -8.0000", "grad 1.0000"),
]


@pytest.fixture
def no_dot(tmp_path, monkeypatch):
    """A PATH on which there is no Graphviz ``dot``."""
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("dot") is None


def svg_texts(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    return [" ".join("".join(t.itertext()).split()) for t in root.iter() if t.tag.endswith("text")]


def check_l_svg(data: bytes) -> None:
    texts = svg_texts(data)
    for label, data_cell, grad_cell in L_CELLS:
        assert label in texts
        assert data_cell in texts
        assert grad_cell in texts
    assert texts.count("*") == 2 and texts.count("+") == 1  # one node per operation


# -- DOT text ---------------------------------------------------------------------


def test_dot_source_of_the_l_graph():
    g = draw_graph(l_graph())
    src = g.source
    assert src.startswith("digraph") and "rankdir=LR" in src
    for label, data_cell, grad_cell in L_CELLS:
        assert f'label="{{ {label} | {data_cell} | {grad_cell} }}"' in src
    # each op is its own node, fed by the inputs and feeding the value it makes
    assert src.count("shape=ellipse") == 3
    assert 'v2op [label="*"' in src and "v0 -> v2op;" in src and "v2op -> v2;" in src
    assert g.num_nodes == 10  # 7 values + 3 operations; leaves have no op node
    assert len(g.edges) == 9


def test_records_lie_across_the_flow_for_top_to_bottom():
    src = draw_graph(l_graph(), "TB").source
    assert 'label="a | data 2.0000 | grad 6.0000"' in src


def test_numbers_in_nodes():
    fmt = graph_module.node_number
    assert fmt(-8.0) == "-8.0000"
    assert fmt(0.0) == fmt(-0.0) == "0.0000"
    assert fmt(0.70710678) == "0.7071"
    assert fmt(1.5e-7) == "1.500e-07"
    assert fmt(123456789.0) == "1.235e+08"
    assert (fmt(float("nan")), fmt(float("inf")), fmt(float("-inf"))) == ("nan", "inf", "-inf")


def test_labels_are_escaped_in_dot():
    x = Value(1.0, label='x|{y} <z> "q" \\')
    out = x * 2.0
    src = draw_graph(out).source
    assert r"x\|\{y\} \<z\> \"q\" \\" in src
    if HAVE_DOT:
        check = draw_graph(out, engine="dot").pipe("svg")
        assert 'x|{y} <z> "q" \\' in svg_texts(check)
    texts = svg_texts(draw_graph(out, engine="python").pipe("svg"))
    assert 'x|{y} <z> "q" \\' in texts


def test_drawing_does_not_change_the_graph():
    L = l_graph()
    nodes = [L, *L.inputs, *L.inputs[0].inputs, *L.inputs[0].inputs[0].inputs]
    before = [(v.data, v.grad, v.label) for v in nodes]
    g = draw_graph(L, engine="python")
    g.pipe("svg")
    assert [(v.data, v.grad, v.label) for v in nodes] == before


def test_a_picture_keeps_the_numbers_of_its_moment():
    L = l_graph()
    g = draw_graph(L)
    L.data = 99.0
    assert "data -8.0000" in g.source and "99" not in g.source


def test_a_leaf_alone_and_a_value_used_twice(tmp_path):
    a = Value(3.0, label="a")
    g = draw_graph(a, engine="python")
    assert g.num_nodes == 1 and "a" in svg_texts(g.pipe("svg"))
    sq = a * a  # two edges from a into the same operation
    g = draw_graph(sq, engine="python")
    assert len(g.edges) == 3
    svg_texts(g.pipe("svg"))
    g.save(tmp_path / "sq.png")


def test_bad_arguments():
    with pytest.raises(TypeError, match="expected a Value"):
        draw_graph(3.0)
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(l_graph(), "XY")
    with pytest.raises(ValueError, match="engine"):
        draw_graph(l_graph(), engine="neato")
    with pytest.raises(ValueError, match="max_nodes"):
        draw_graph(l_graph(), max_nodes=0)


# -- files: SVG, PNG, PDF, with and without dot ---------------------------------------


def check_file(path, fmt: str) -> None:
    data = path.read_bytes()
    assert len(data) > 100
    if fmt == "png":
        assert data.startswith(PNG)
    elif fmt == "pdf":
        assert data.startswith(PDF)
    else:
        check_l_svg(data)
    leftovers = [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    mode = stat.S_IMODE(os.stat(path).st_mode)
    assert mode & stat.S_IRGRP, "pictures are readable by others, like any file"


@pytest.mark.skipif(not HAVE_DOT, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_save_with_dot(tmp_path, fmt):
    g = draw_graph(l_graph())
    assert g._engine_now() == "dot"
    path = g.save(tmp_path / f"L.{fmt}")
    check_file(path, fmt)


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_save_without_dot(tmp_path, no_dot, fmt):
    g = draw_graph(l_graph())  # engine="auto", and no dot on the PATH
    assert g._engine_now() == "python"
    path = g.save(tmp_path / f"L.{fmt.upper()}")  # the extension's case does not matter
    check_file(path, fmt)


@pytest.mark.parametrize("rankdir", ["LR", "TB", "RL", "BT"])
def test_python_layout_in_every_direction(rankdir):
    g = draw_graph(l_graph(), rankdir, engine="python")
    data = g.pipe("svg")
    check_l_svg(data)
    root = ET.fromstring(data)
    assert float(root.get("width").rstrip("pt")) > 0


def test_python_layout_puts_inputs_before_outputs():
    from neuronlab.viz.layout import layout

    g = draw_graph(l_graph(), "LR", engine="python")
    scene = layout(list(g.nodes), list(g.edges), "LR")
    x = {b.node.id: b.x for b in scene.boxes}
    for a, b in g.edges:
        assert x[a] < x[b]
    assert all(0 <= b.x - b.w / 2 and b.x + b.w / 2 <= scene.width for b in scene.boxes)


def test_engine_dot_without_dot_is_a_clear_error(no_dot):
    g = draw_graph(l_graph(), engine="dot")
    assert "digraph" in g.source  # the text needs no program
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        g.pipe("svg")


def test_a_broken_dot_falls_back_to_python(tmp_path, monkeypatch):
    fake = tmp_path / "bin"
    fake.mkdir()
    dot = fake / "dot"
    dot.write_text("#!/bin/sh\necho 'Error: something broke' >&2\nexit 3\n")
    dot.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake))
    g = draw_graph(l_graph())
    with pytest.warns(RuntimeWarning, match="exited with code 3"):
        data = g.pipe("svg")
    check_l_svg(data)
    with pytest.raises(RuntimeError, match="something broke"):
        draw_graph(l_graph(), engine="dot").pipe("svg")


def test_save_refuses_unknown_extensions_and_missing_folders(tmp_path):
    g = draw_graph(l_graph())
    with pytest.raises(ValueError, match=r"unknown extension '\.jpg'.*\.svg, \.png, \.pdf"):
        g.save(tmp_path / "L.jpg")
    with pytest.raises(ValueError, match="unknown extension '\\(none\\)'"):
        g.save(tmp_path / "L")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        g.save(tmp_path / "no" / "such" / "L.svg")
    with pytest.raises(ValueError, match="unknown graph format"):
        g.pipe("gif")
    assert list(tmp_path.iterdir()) == []


def test_save_dot_text(tmp_path):
    g = draw_graph(l_graph())
    assert g.save(tmp_path / "L.dot").read_text() == g.source


def test_save_replaces_an_existing_file(tmp_path, no_dot):
    path = tmp_path / "L.svg"
    path.write_text("old")
    draw_graph(l_graph()).save(path)
    check_l_svg(path.read_bytes())


# -- Jupyter ---------------------------------------------------------------------------


def test_jupyter_display(no_dot):
    g = draw_graph(l_graph())
    svg = g._repr_svg_()
    assert "<svg" in svg
    bundle = g._repr_mimebundle_()
    assert bundle["image/svg+xml"] == svg and "Graph" in bundle["text/plain"]
    assert "10 nodes" in repr(g)


def test_value_repr_svg(no_dot):
    L = l_graph()
    check_l_svg(value_repr_svg(L).encode())
    big = Value(0.0)
    for i in range(300):
        big = big + i
    assert value_repr_svg(big) is None  # too big: Jupyter falls back to the text repr


def test_value_methods_if_the_engine_has_them(no_dot):
    L = l_graph()
    if hasattr(Value, "graph"):
        assert isinstance(L.graph(), Graph)
    if hasattr(Value, "_repr_svg_"):
        assert "<svg" in L._repr_svg_()


# -- big graphs: collapse and refusal ----------------------------------------------------


def mlp_loss(fused: bool = True, samples: int = 2) -> tuple[MLP, Value]:
    model = MLP(2, [3, 3, 1], activation="tanh", seed=0, fused=fused)
    xs = [[0.5, -1.0], [1.0, 2.0], [-0.3, 0.2], [0.9, -0.1]][:samples]
    loss = sum(((model(x) - 1.0) ** 2 for x in xs), Value(0.0))
    loss.backward()
    return model, loss


def test_collapse_neurons():
    model, loss = mlp_loss()
    full = draw_graph(loss)
    small = draw_graph(loss, collapse_neurons=True)
    neurons = [n for n in small.nodes if n.kind == "neuron"]
    assert len(neurons) == 2 * 7  # 7 neurons, drawn once per sample
    assert small.num_nodes < full.num_nodes
    # hidden layers' activation joins its neuron; the output neuron is linear
    assert sum("neuron tanh(w·x + b), 2 in" in n.cells for n in neurons) == 2 * 3
    assert sum("neuron tanh(w·x + b), 3 in" in n.cells for n in neurons) == 2 * 3
    assert sum("neuron w·x + b, 3 in" in n.cells for n in neurons) == 2
    assert all(any(c.startswith("n ") for c in n.cells) for n in neurons if "tanh" in n.cells[0])
    # weight and bias leaves are inside their neurons: no leaf box shows a weight
    weights = {p.data for p in model.parameters()}
    leaf_data = {n.cells[-2] for n in small.nodes if n.kind == "leaf"}
    assert not any(f"data {graph_module.node_number(w)}" in leaf_data for w in weights - {0.0, 1.0})
    assert "neuron tanh(w·x + b)" in small.source
    svg_texts(draw_graph(loss, collapse_neurons=True, engine="python").pipe("svg"))


def test_collapse_keeps_weights_used_elsewhere():
    w = [Value(0.5, label="w0"), Value(-1.0, label="w1")]
    x = [Value(1.0, label="x0"), Value(2.0, label="x1")]
    from neuronlab import dot

    n = dot(w, x).tanh()
    reg = w[0] ** 2  # weight decay uses w0 outside the neuron
    g = draw_graph(n + reg, collapse_neurons=True)
    labels = {n.cells[0] for n in g.nodes if n.kind == "leaf"}
    assert labels == {"w0", "x0", "x1"}  # w1 is hidden in the neuron, w0 is still needed


def test_too_many_nodes_is_refused_with_the_count_and_a_way_out():
    _, loss = mlp_loss(samples=4)
    n = draw_graph(loss, max_nodes=10_000).num_nodes
    collapsed = draw_graph(loss, collapse_neurons=True).num_nodes
    with pytest.raises(ValueError) as err:
        draw_graph(loss, max_nodes=50)
    msg = str(err.value)
    assert f"{n} nodes" in msg and "max_nodes=50" in msg
    assert f"collapse_neurons=True to draw each neuron as one node ({collapsed} nodes)" in msg
    with pytest.raises(ValueError, match="larger max_nodes"):
        draw_graph(loss, collapse_neurons=True, max_nodes=20)


def test_unfused_graphs_say_that_collapsing_does_not_help():
    _, loss = mlp_loss(fused=False)
    with pytest.raises(ValueError, match="no fused neurons"):
        draw_graph(loss, max_nodes=50)


def test_a_huge_graph_is_refused_quickly():
    x = Value(1.0, label="x")
    y = x
    for _ in range(50_000):  # deeper than any recursion limit
        y = y * 1.0001
    with pytest.raises(ValueError, match="150,001 nodes"):  # x, 50,000 constants, products, ops
        draw_graph(y)


# -- the pure-Python path on many shapes, and without its libraries -------------------------


def random_graph(rng) -> Value:
    from neuronlab import dot

    pool = [Value(rng.uniform(-2, 2), label=f"x{i}") for i in range(rng.randint(1, 5))]
    for _ in range(rng.randint(0, 25)):
        a, b = rng.choice(pool), rng.choice(pool)
        k = rng.random()
        if k < 0.3:
            v = a + b
        elif k < 0.6:
            v = a * b
        elif k < 0.7:
            v = a.tanh()
        elif k < 0.8:
            v = a**2
        elif k < 0.9:
            v = dot([a, b], [b, a], rng.choice([None, a]))
        else:
            v = a - b
        pool.append(v)
    return pool[-1]


def test_python_layout_on_random_graphs():
    import random

    rng = random.Random(7)
    for i in range(25):
        root = random_graph(rng)
        g = draw_graph(root, "TB" if i % 2 else "LR", engine="python", collapse_neurons=i % 3 == 0)
        texts = svg_texts(g.pipe("svg"))
        for node in g.nodes:
            for cell in node.cells:
                assert " ".join(cell.split()) in texts


def test_import_stays_light():
    import subprocess
    import sys

    code = (
        "import sys, neuronlab, neuronlab.viz, neuronlab.viz.formula\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "('matplotlib', 'grandalf', 'graphviz')]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def hide_modules(monkeypatch, prefix: str) -> None:
    """Make ``import prefix`` (and its submodules) fail, as if it were not installed."""
    import sys

    for name in [*list(sys.modules), prefix]:
        if name.split(".")[0] == prefix:
            monkeypatch.setitem(sys.modules, name, None)


def test_without_grandalf_the_error_says_what_to_install(no_dot, monkeypatch):
    hide_modules(monkeypatch, "grandalf")
    g = draw_graph(l_graph())
    assert "digraph" in g.source
    with pytest.raises(ImportError, match=r"pip install neuronlab\[viz\]"):
        g.pipe("svg")
    assert value_repr_svg(l_graph()) is None  # Jupyter shows the text repr instead


def test_without_matplotlib_svg_still_works(no_dot, monkeypatch, tmp_path):
    hide_modules(monkeypatch, "matplotlib")
    g = draw_graph(l_graph())
    check_l_svg(g.pipe("svg"))
    with pytest.raises(ImportError, match=r"needs matplotlib: pip install neuronlab\[viz\]"):
        g.save(tmp_path / "L.png")
    assert not (tmp_path / "L.png").exists()
