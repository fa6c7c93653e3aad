"""The guided tour: every step in order, with the design's exact numbers and every picture."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytest.importorskip("matplotlib", reason="the tour draws with matplotlib")

from neuronlab.tour import TANH_NEURON_BIAS, TOUR_STEPS, l_graph, run_tour, tanh_neuron  # noqa: E402


@pytest.fixture(scope="module")
def tour(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[Path], Path]:
    out = tmp_path_factory.mktemp("tour") / "pictures"
    lines: list[str] = []
    written = run_tour(out, print=lambda *args: lines.append(" ".join(map(str, args))))
    return "\n".join(lines), written, out


def test_steps_come_in_the_learners_order(tour: tuple[str, list[Path], Path]) -> None:
    text = tour[0]
    positions = [text.index(f"== {i}. ") for i in range(1, len(TOUR_STEPS) + 1)]
    assert positions == sorted(positions) and len(positions) == 7


@pytest.mark.parametrize(
    "expected",
    [
        # 1. the sweets perceptron and AND
        "weights (2, 6, 2), threshold 5",
        "The output equals the second factor in every row: True",
        "converged after",
        "1 AND 1 = 1   perceptron: 1",
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
        "02_sigmoid.png",
        "02_activations.png",
        "03_L_graph.svg",
        "04_nudge.png",
        "05_neuron_graph.svg",
        "06_moons_boundary.png",
        "06_moons_loss.png",
        "07_houses_regression.png",
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
    assert "-8.0000" in l_text and "6.0000" in l_text  # L's data, a's grad
    n_text = " ".join(ET.parse(out / "05_neuron_graph.svg").getroot().itertext())
    assert "0.7071" in n_text and "-1.5000" in n_text


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


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="folder"):
        run_tour(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="function"):
        run_tour("x", print="not callable")  # type: ignore[arg-type]
