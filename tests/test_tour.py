"""The guided tour: every step in order, with the design's exact numbers, and pictures that
show their lesson."""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("matplotlib", reason="the tour draws with matplotlib")

from neuronlab import mlp
from neuronlab.tour import (
    TANH_NEURON_BIAS,
    TOUR_STEPS,
    DigitsRun,
    l_graph,
    run_tour,
    tanh_neuron,
    tanh_neuron_output,
    training_steps,
)
from neuronlab.training import History


@pytest.fixture(scope="module")
def tour(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[Path], Path]:
    out = tmp_path_factory.mktemp("tour") / "pictures"
    lines: list[str] = []
    written = run_tour(out, print=lambda *args: lines.append(" ".join(map(str, args))))
    return "\n".join(lines), written, out


def step_text(text: str, number: int) -> str:
    """The lines of one step, from its heading to the next."""
    start = text.index(f"== {number}. ")
    end = text.find(f"== {number + 1}. ", start)
    return text[start : end if end > 0 else len(text)]


def test_steps_come_in_the_learners_order(tour: tuple[str, list[Path], Path]) -> None:
    text = tour[0]
    positions = [text.index(f"== {i}. ") for i in range(1, len(TOUR_STEPS) + 1)]
    assert positions == sorted(positions)
    assert len(positions) == 9


@pytest.mark.parametrize(
    "expected",
    [
        # 1. the sweets perceptron, AND and XOR
        "weights (2, 6, 2), threshold 5",
        "The output equals the second factor in every row: True",
        "AND: converged after",
        "1 AND 1 = 1   perceptron: 1",
        "XOR: did not converge in 20 epochs",
        # 2. sigmoid
        "σ(0) = 0.5",
        "σ(10) = 0.9999546021",
        "σ(-10) = 4.53978687e-05",
        # 3. the L graph and its chain rule
        "forward: e = -6, d = 4, L = -8",
        "dL/da = 6",
        "dL/db = -4",
        "dL/dc = -2",
        "dL/df = 4",
        "dL/dc = dL/dd * dd/dc = -2 * 1 = -2",
        "dL/da = dL/de * de/da = -2 * -3 = 6",
        # 4. the nudge
        "L moves from -8 to -4",
        "a change of 4 = dL/df * h = 4 * 1",
        "all ok",
        # 5. the tanh neuron
        "o = tanh(n) = 0.7071067812 ≈ 0.7071",
        "do/dn = 1 - o**2 = 1 - 0.7071**2 = 0.5",
        "x1.grad = w1 * 0.5 = -1.5",
        "w1.grad = x1 * 0.5 = 1",
        "x2.grad = w2 * 0.5 = 0.5",
        "w2.grad = x2 * 0.5 = 0",
        # 6. moons, 7. houses
        "final loss",
        "accuracy 100%",
        "k€ per m²",
    ],
)
def test_output_has_the_worked_numbers(tour: tuple[str, list[Path], Path], expected: str) -> None:
    assert expected in tour[0]


def test_every_picture_is_written_and_valid(tour: tuple[str, list[Path], Path]) -> None:
    text, written, out = tour
    assert [p.name for p in written] == [
        "01_perceptron_and.png",
        "01_perceptron_xor.png",
        "02_sigmoid.png",
        "02_activations.png",
        "03_L_graph.svg",
        "04_nudge.png",
        "05_neuron_graph.svg",
        "06_moons_boundary.png",
        "06_moons_loss.png",
        "07_houses_regression.png",
        "08_digits_curves.png",
        "08_digits_confusion.png",
        "08_digits_mistakes.png",
    ]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)
    for path in written:
        assert path.parent == out
        assert str(path) in text  # the tour says where each picture went
        if path.suffix == ".png":
            assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        else:
            svg_text = " ".join(ET.parse(path).getroot().itertext())
            assert "grad" in svg_text


def test_graph_pictures_show_the_numbers(tour: tuple[str, list[Path], Path]) -> None:
    out = tour[2]
    l_text = " ".join(ET.parse(out / "03_L_graph.svg").getroot().itertext())
    assert "-8.0000" in l_text
    assert "6.0000" in l_text
    n_text = " ".join(ET.parse(out / "05_neuron_graph.svg").getroot().itertext())
    assert "0.7071" in n_text
    assert "-1.5000" in n_text


def test_the_learned_perceptron_leaves_every_point_off_its_line(
    tour: tuple[str, list[Path], Path],
) -> None:
    text = step_text(tour[0], 1)
    for gate, table in (("AND", (0, 0, 0, 1)), ("XOR", (0, 1, 1, 0))):
        found = re.search(
            gate + r":.*\n  weights \((-?[\d.]+), (-?[\d.]+)\), threshold (-?[\d.]+)", text
        )
        assert found, f"the tour does not print the {gate} perceptron it drew"
        w1, w2, threshold = map(float, found.groups())
        points = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
        gap = np.abs(points @ [w1, w2] - threshold)
        assert gap.min() >= 0.5, f"{gate}: a point lies on (or at) the line w·x = {threshold}"
        if gate == "AND":
            assert ((points @ [w1, w2] > threshold).astype(int) == table).all()


def test_the_nudge_is_shown_on_a_curve_where_secant_and_tangent_differ(
    tour: tuple[str, list[Path], Path],
) -> None:
    text = step_text(tour[0], 4)
    ratios = {
        float(h): float(r) for h, r in re.findall(r"h = ([\d.]+)\s+rise = .*/ h = ([\d.]+)", text)
    }
    assert sorted(ratios) == [0.001, 0.01, 0.1, 0.5]
    slope = tanh_neuron()["w1"].grad
    assert slope == pytest.approx(1.0)
    assert abs(ratios[0.5] - slope) > 0.3  # the pictured nudge: visibly not the tangent
    errors = [abs(ratios[h] - slope) for h in (0.5, 0.1, 0.01, 0.001)]
    assert errors == sorted(errors, reverse=True)
    assert errors[-1] < 0.01
    rise = tanh_neuron_output(-2.5) - tanh_neuron_output(-3.0)
    assert ratios[0.5] == pytest.approx(rise / 0.5, abs=1e-6)


def test_the_digits_step_reaches_97_percent_on_the_test_images(
    tour: tuple[str, list[Path], Path],
) -> None:
    text = step_text(tour[0], 8)
    found = re.search(r"test accuracy ([\d.]+)% \((\d+) of 450 test images right\)", text)
    assert found, text
    assert float(found.group(1)) >= 97.0
    assert int(found.group(2)) == round(float(found.group(1)) / 100 * 450)
    assert re.search(r"The most frequent mistake: an? \d read as a \d \(\d+ times\)", text)


def test_the_pytorch_copy_gives_the_same_outputs(tour: tuple[str, list[Path], Path]) -> None:
    pytest.importorskip("torch", reason="the PyTorch step needs torch")
    text = step_text(tour[0], 9)
    gap = re.search(r"outputs is ([\d.e+-]+) \(float32 rounding\)", text)
    assert gap, text
    assert float(gap.group(1)) < 1e-4
    assert "same digit for 450 of 450 images" in text


def test_the_pytorch_step_says_why_it_is_skipped_without_torch(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` fail
    X = np.zeros((3, 64))
    run = DigitsRun(mlp([64, 4, 10], seed=0), History(), X, np.zeros(3), X, np.zeros(3), 0.0)
    lines: list[str] = []
    pictures = training_steps.pytorch(tmp_path, lines.append, {"digits": run})
    assert pictures == []
    assert any("Skipped: PyTorch is not installed (pip install torch)" in line for line in lines)


def test_building_blocks_match_the_design() -> None:
    v = l_graph()
    assert v["L"].data == -8.0
    assert [v[k].grad for k in "abcdef"] == [6.0, -4.0, -2.0, -2.0, -2.0, 4.0]
    n = tanh_neuron()
    assert n["b"].data == TANH_NEURON_BIAS
    assert n["o"].data == pytest.approx(2**-0.5)
    assert n["n"].grad == pytest.approx(0.5)
    assert (n["x1"].grad, n["w1"].grad, n["x2"].grad, n["w2"].grad) == pytest.approx(
        (-1.5, 1.0, 0.5, 0.0)
    )
    assert tanh_neuron_output(-3.0) == pytest.approx(n["o"].data)


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="folder"):
        run_tour(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="function"):
        run_tour("x", print="not callable")  # type: ignore[arg-type]
