"""draw_graph: DOT text, SVG/PNG/PDF with and without Graphviz's dot, collapsing, size limits."""

from __future__ import annotations

import os
import re
import shutil
import stat
import xml.etree.ElementTree as ET

import pytest
from viz_examples import l_graph as design_l_graph

from neuronlab import MLP, Value, dot
from neuronlab.losses import binary_cross_entropy, mse
from neuronlab.viz import draw_graph, value_repr_svg
from neuronlab.viz.nodes import node_number

PNG = b"\x89PNG\r\n\x1a\n"
PDF = b"%PDF-"
HAVE_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAVE_DOT, reason="Graphviz's dot is not installed")


def l_graph(backward: bool = True) -> Value:
    """The design's graph: a=2, b=-3, c=10, e=a*b, d=e+c, f=-2, L=d*f = -8 (backward run)."""
    return design_l_graph(backward)[1]


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
    assert texts.count("*") == 2
    assert texts.count("+") == 1


# -- DOT text ---------------------------------------------------------------------


def test_dot_source_of_the_l_graph():
    g = draw_graph(l_graph())
    src = g.source
    assert src.startswith("digraph")
    assert "rankdir=LR" in src
    for label, data_cell, grad_cell in L_CELLS:
        assert f'label="{{ {label} | {data_cell} | {grad_cell} }}"' in src
    # each op is its own node, fed by the inputs and feeding the value it makes
    assert src.count("shape=ellipse") == 3
    assert 'v2op [label="*"' in src
    assert "v0 -> v2op;" in src
    assert "v2op -> v2;" in src
    assert g.num_nodes == 10  # 7 values + 3 operations; leaves have no op node
    assert len(g.edges) == 9


def test_records_lie_across_the_flow_for_top_to_bottom():
    src = draw_graph(l_graph(), "TB").source
    assert 'label="a | data 2.0000 | grad 6.0000"' in src


def escaped_label_graph() -> Value:
    x = Value(1.0, label='x|{y} <z> "q" \\')
    return x * 2.0


def test_labels_are_escaped_in_dot_text_and_in_the_python_picture():
    out = escaped_label_graph()
    src = draw_graph(out).source
    assert r"x\|\{y\} \<z\> \"q\" \\" in src
    texts = svg_texts(draw_graph(out, engine="python").pipe("svg"))
    assert 'x|{y} <z> "q" \\' in texts


@needs_dot
def test_labels_come_through_graphviz_unharmed():
    check = draw_graph(escaped_label_graph(), engine="dot").pipe("svg")
    assert 'x|{y} <z> "q" \\' in svg_texts(check)


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
    assert "data -8.0000" in g.source
    assert "99" not in g.source


def test_a_leaf_alone_and_a_value_used_twice(tmp_path):
    a = Value(3.0, label="a")
    g = draw_graph(a, engine="python")
    assert g.num_nodes == 1
    assert "a" in svg_texts(g.pipe("svg"))
    sq = a * a  # two edges from a into the same operation
    sq.backward()
    g = draw_graph(sq, engine="python")
    assert g.edges == (("v0", "v1op"), ("v0", "v1op"), ("v1op", "v1"))
    texts = svg_texts(g.pipe("svg"))
    assert texts == ["a", "data 3.0000", "grad 6.0000", "a*a", "data 9.0000", "grad 1.0000", "*"]
    assert len(ET.fromstring(g.pipe("svg")).findall(".//{*}path")) == 3  # both edges drawn
    assert g.save(tmp_path / "sq.png").read_bytes().startswith(PNG)


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


def drawn_by_graphviz(svg: bytes) -> bool:
    return b"<!-- Generated by graphviz" in svg


@needs_dot
@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_save_with_dot(tmp_path, fmt):
    g = draw_graph(l_graph())
    assert drawn_by_graphviz(g.pipe("svg"))  # auto: dot is on the PATH, so dot draws
    path = g.save(tmp_path / f"L.{fmt}")
    check_file(path, fmt)


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_save_without_dot(tmp_path, no_dot, fmt):
    g = draw_graph(l_graph())  # engine="auto", and no dot on the PATH
    assert not drawn_by_graphviz(g.pipe("svg"))
    path = g.save(tmp_path / f"L.{fmt.upper()}")  # the extension's case does not matter
    check_file(path, fmt)


@needs_dot
def test_engine_python_is_used_even_with_dot():
    data = draw_graph(l_graph(), engine="python").pipe("svg")
    assert not drawn_by_graphviz(data)
    check_l_svg(data)


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
    assert all(b.x - b.w / 2 >= 0 and b.x + b.w / 2 <= scene.width for b in scene.boxes)


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
    assert bundle["image/svg+xml"] == svg
    assert "Graph" in bundle["text/plain"]
    assert "10 nodes" in repr(g)


def test_value_repr_svg(no_dot):
    L = l_graph()
    check_l_svg(value_repr_svg(L).encode())
    big = Value(0.0, label="x")
    for i in range(300):
        big = big + i
    assert value_repr_svg(big) is None  # too big: Jupyter falls back to the text repr


def test_jupyter_shows_a_value_as_its_graph(no_dot):
    L = l_graph()
    svg = L._repr_svg_()  # the engine's display hook, drawn by viz.graph.value_repr_svg
    check_l_svg(svg.encode())
    assert svg == value_repr_svg(L)


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
    assert not any(f"data {node_number(w)}" in leaf_data for w in weights - {0.0, 1.0})
    assert {n.cells[0] for n in small.nodes if n.kind == "leaf"} == {"x0", "x1", "x0#2", "x1#2"}
    assert "neuron tanh(w·x + b)" in small.source
    svg_texts(draw_graph(loss, collapse_neurons=True, engine="python").pipe("svg"))


def test_collapse_keeps_weights_used_elsewhere():
    w = [Value(0.5, label="w0"), Value(-1.0, label="w1")]
    x = [Value(1.0, label="x0"), Value(2.0, label="x1")]
    n = dot(w, x).tanh()
    reg = w[0] ** 2  # weight decay uses w0 outside the neuron
    g = draw_graph(n + reg, collapse_neurons=True)
    labels = {n.cells[0] for n in g.nodes if n.kind == "leaf"}
    assert labels == {"w0", "x0", "x1"}  # w1 is hidden in the neuron, w0 is still needed


def test_too_many_nodes_is_refused_with_the_count_and_a_way_out():
    _, loss = mlp_loss(samples=4)
    n = draw_graph(loss, max_nodes=10_000).num_nodes
    collapsed = draw_graph(loss, collapse_neurons=True).num_nodes
    with pytest.raises(ValueError, match="max_nodes=50") as err:
        draw_graph(loss, max_nodes=50)
    msg = str(err.value)
    assert f"{n} nodes" in msg
    assert "max_nodes=50" in msg
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
    with pytest.raises(ValueError, match="100,001 nodes"):  # x, 50,000 products and their ops
        draw_graph(y)


# -- the pure-Python path on many shapes, and without its libraries -------------------------


def random_graph(rng) -> Value:
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


# -- what the boxes say: network labels, formulas, folded constants ------------------------


def ops(g) -> list[str]:
    return [n.cells[0] for n in g.nodes if n.kind == "op"]


def labels(g, kind: str) -> list[str]:
    """The first cell of every box of ``kind`` that has a label (more than data and grad)."""
    return [n.cells[0] for n in g.nodes if n.kind == kind and len(n.cells) > 2]


def test_a_network_graph_labels_weights_biases_and_inputs():
    model = MLP(2, [1], seed=0)
    out = model([1.0, 2.0])
    out.backward()
    g = draw_graph(out)
    assert labels(g, "leaf") == ["w0.0.0", "w0.0.1", "x0", "x1", "b0.0"]
    w = model.layers[0].neurons[0].w
    assert ("w0.0.1", f"data {node_number(w[1].data)}", "grad 2.0000") in [n.cells for n in g.nodes]
    texts = svg_texts(draw_graph(out, engine="python").pipe("svg"))
    assert {"w0.0.0", "w0.0.1", "b0.0", "x0", "x1"} <= set(texts)


def test_unfused_networks_label_products_and_sums_by_their_formulas():
    model = MLP(2, [2, 1], seed=0, fused=False)
    g = draw_graph(model([1.0, 2.0]))
    first = ["w0.0.0*x0", "b0.0 + w0.0.0*x0", "w0.0.1*x1", "b0.0 + w0.0.0*x0 + w0.0.1*x1"]
    assert labels(g, "value")[:4] == first
    assert len(labels(g, "value")) == 8  # both hidden neurons; past them formulas grow too long
    assert labels(g, "root") == []
    assert ops(g).count("relu") == 2
    assert "+ 0" not in ops(g)


def test_an_unlabelled_constant_is_drawn_inside_its_operation():
    a, c = Value(1.5, label="a"), Value(0.5, label="c")
    y = (a * 0.01 + 1) / 2 - c
    g = draw_graph(y)
    assert ops(g) == ["* 0.01", "+ 1", "/ 2", "* -1", "+"]
    assert labels(g, "leaf") == ["a", "c"]
    assert len([n for n in g.nodes if n.kind == "leaf"]) == 2
    assert labels(g, "value") == ["a*0.01", "a*0.01 + 1", "(a*0.01 + 1)/2", "c*(-1)"]
    assert len(g.edges) == 4 * 2 + 3  # in and out of each op; two ins into the last +
    assert ops(draw_graph(2 / a)) == ["2 /"]  # a constant on the left stays on the left
    both = draw_graph(Value(2.0) * Value(3.0))  # nothing but constants: one op and the result
    assert ops(both) == ["2 * 3"]
    assert both.edges == (("v2op", "v2"),)


def test_a_constant_computed_from_constants_is_folded_too():
    a = Value(1.5, label="a")
    g = draw_graph(a - 1.0)  # the engine writes a + (1 * -1): the -1 is a constant
    assert ops(g) == ["+ -1"]
    assert g.num_nodes == 3
    keep = Value(2.0, label="k")
    assert ops(draw_graph(a * (keep * -1.0))) == ["* -1", "*"]  # a labelled value is kept


def test_sum_leaves_out_its_plus_zero():
    a, b, c = Value(1.5, label="a"), Value(-2.0, label="b"), Value(0.5, label="c")
    total = sum([a, b, c])  # Python's sum starts with 0 + a
    total.backward()
    g = draw_graph(total)
    assert ops(g) == ["+", "+"]
    assert labels(g, "value") == ["a + b"]
    assert labels(g, "root") == ["a + b + c"]
    ids = {n.cells[0]: n.id for n in g.nodes if n.kind != "op"}
    assert (ids["a"], g.edges[0][1]) == g.edges[0]  # a's edge goes straight into a + b
    assert ("grad 1.0000") in g.nodes[0].cells
    started = sum([a, b], Value(0.0))  # a user's sum with a Value(0) start: the same picture
    assert ops(draw_graph(started)) == ["+"]
    assert ops(draw_graph(a + 0)) == ["+ 0"]  # the drawn value itself is kept
    zero = Value(0.0, label="z")
    assert ops(draw_graph((zero + a) * 2)) == ["+", "* 2"]  # a labelled 0 is a value to show


def test_loss_of_a_small_network_collapsed():
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    loss = mse([model([0.5, -1.0]), model([1.0, 2.0])], [1.0, -1.0])
    g = draw_graph(loss, collapse_neurons=True)
    assert ops(g) == ["+ -1", "**2", "+ 1", "**2", "+", "* 0.5"]
    assert labels(g, "leaf") == ["x0", "x1", "x0#2", "x1#2"]


def test_powers_of_values_and_of_numbers():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    L = a**b + 2**a + a ** Value(0.5)
    L.backward()
    g = draw_graph(L)
    assert ops(g) == ["**", "2 **", "+", "** 0.5", "+"]
    assert labels(g, "value") == ["a**b", "2**a", "a**b + 2**a", "a**0.5"]
    power = next(n for n in g.nodes if n.cells == ("**",))
    assert sorted(src for src, dst in g.edges if dst == power.id) == ["v0", "v1"]
    texts = svg_texts(draw_graph(L, engine="python").pipe("svg"))
    assert {"**", "2 **", "** 0.5", "a**b"} <= set(texts)


def test_binary_cross_entropy_nodes():
    p, q = Value(0.8, label="p"), Value(0.3, label="q")
    loss = binary_cross_entropy([p, q], [1.0, 0.0])
    loss.backward()
    g = draw_graph(loss)
    assert ops(g) == ["bce", "bce", "+"]
    assert labels(g, "value") == ["bce(p)", "bce(q)"]
    assert ("p", "data 0.8000", "grad -0.6250") in [n.cells for n in g.nodes]


def overlapping_boxes(g, rankdir: str) -> list[tuple[str, str]]:
    from neuronlab.viz.layout import layout

    boxes = layout(list(g.nodes), list(g.edges), rankdir).boxes
    return [
        (a.node.id, b.node.id)
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if abs(a.x - b.x) * 2 < a.w + b.w and abs(a.y - b.y) * 2 < a.h + b.h
    ]


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_python_layout_never_overlaps_boxes(rankdir):
    model = MLP(2, [4, 4, 1], seed=0)  # grandalf alone overlaps two boxes of this one
    loss = mse([model([0.5, -1.0])], [1.0])
    assert overlapping_boxes(draw_graph(loss, rankdir, engine="python"), rankdir) == []


# -- marked boxes: the values a picture points at (the workbook's wrong gradients) ----------


def marked_ids(data: bytes) -> list[str]:
    """The ids of the boxes the pure-Python SVG draws marked."""
    root = ET.fromstring(data)
    return [
        g.get("id", "")
        for g in root.iter()
        if g.tag.endswith("g") and "marked" in g.get("class", "").split()
    ]


def test_marked_values_get_a_red_border_in_dot_text():
    v, L = design_l_graph(True)
    g = draw_graph(L, marked=[v["b"], v["d"]])
    red = [line for line in g.source.splitlines() if "#d93025" in line]
    assert len(red) == 2
    assert any("data -3.0000" in line for line in red)  # b
    assert any("data 4.0000" in line for line in red)  # d
    assert all("penwidth=3.5" in line for line in red)
    assert draw_graph(L).source == draw_graph(L, marked=()).source  # nothing marked: as before
    assert "#d93025" not in draw_graph(L).source


def test_marked_values_in_the_python_picture(tmp_path):
    v, L = design_l_graph(True)
    g = draw_graph(L, engine="python", marked=[v["f"]])
    data = g.pipe("svg")
    (box,) = marked_ids(data)
    assert next(n for n in g.nodes if n.id == box).cells == ("f", "data -2.0000", "grad 4.0000")
    assert data.count(b'stroke="#d93025"') == 1
    assert marked_ids(draw_graph(L, engine="python").pipe("svg")) == []
    assert g.save(tmp_path / "marked.png").read_bytes().startswith(PNG)  # matplotlib draws it too


@needs_dot
def test_marked_values_come_through_graphviz():
    v, L = design_l_graph(True)
    data = draw_graph(L, engine="dot", marked=[v["a"]]).pipe("svg")
    assert len(re.findall(rb'<polygon[^>]*stroke="#d93025"', data)) == 1  # one box outlined


def test_a_marked_constant_marks_the_operation_that_reads_it():
    a = Value(2.0, label="a")
    two = Value(3.0)  # unlabelled: drawn inside the * node
    y = a * two
    y.label = "y"
    g = draw_graph(y, engine="python", marked=[two])
    (box,) = marked_ids(g.pipe("svg"))
    assert next(n for n in g.nodes if n.id == box).cells == ("* 3",)


def test_marked_must_be_values_of_the_graph() -> None:
    v, L = design_l_graph(True)
    with pytest.raises(ValueError, match="not in this graph"):
        draw_graph(v["e"], marked=[v["f"]])
    with pytest.raises(TypeError, match="expected Values of the graph, got float"):
        draw_graph(L, marked=[2.0])  # type: ignore[arg-type]
    assert len([n for n in draw_graph(L, marked=v["a"]).nodes if n.marked]) == 1  # one Value
