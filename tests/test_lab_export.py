"""What a lab run exports: the model file, a script that rebuilds the run, and the PyTorch script.

The rebuilt run is checked the strict way: the exported ``run.py`` runs in a
subprocess and must print the session's own losses, digit for digit.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import neuronlab
from neuronlab.lab.export import (
    EXPORTS,
    TORCH_SCRIPT,
    export,
    model_bytes,
    run_script,
    torch_script,
)
from neuronlab.lab.presets import preset_session
from neuronlab.lab.problem import custom_problem
from neuronlab.lab.session import LabSession
from neuronlab.lab.settings import LabInputError, LabSettings
from neuronlab.tensor import Tensor, no_grad

TIMEOUT = 120


def run(folder: Path, name: str, text: str) -> subprocess.CompletedProcess[str]:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(path)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def printed(stdout: str) -> dict[str, str]:
    """The ``name: value`` lines a script printed."""
    return dict(re.findall(r"^([a-z ]+): (.*)$", stdout, flags=re.M))


def edited_run() -> LabSession:
    """Momentum and L2, a weight set by hand mid-run, then a new learning rate."""
    changes = {"optimizer": "momentum", "regularization": "l2", "reg_rate": 0.001}
    session = LabSession(LabSettings().with_changes(changes))
    session.step(30)
    session.set_weight(1, 2, -1, 0.5)
    session.set_weight(2, 0, 3, -1.25)
    session.step(7)
    session.change({"lr": 0.1})
    session.step(13)
    return session


def own_points_run() -> LabSession:
    """Three classes of the user's own points, mse on one-hot rows, Adam, relu."""
    rng = np.random.default_rng(5)
    X = rng.uniform(-6, 6, (40, 2))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 2)
    settings = LabSettings(
        dataset="custom", loss="mse", optimizer="adam", lr=0.01, hidden=(3,), activations=("relu",)
    )
    session = LabSession(settings, custom_problem(X, y, settings.test_ratio, settings.seed))
    session.step(23)
    return session


def regression_run() -> LabSession:
    changes = {"dataset": "bumps", "features": ["x1", "x2", "sin(x1)"], "hidden": [5]}
    session = LabSession(LabSettings().with_changes({**changes, "regularization": "l1"}))
    session.step(40)
    return session


def preset_run(name: str, steps: int) -> LabSession:
    session = preset_session(name)
    session.step(steps)
    return session


RUNS = {
    "edited mid-run": edited_run,
    "your own points": own_points_run,
    "regression with L1": regression_run,
    "a preset with hand-set weights": lambda: preset_run("tanh-neuron", 17),
    "a run that diverged": lambda: preset_run("lr-too-large", 400),
    "not trained at all": LabSession,
}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_the_exported_script_rebuilds_the_run_to_the_last_digit(name, tmp_path):
    session = RUNS[name]()
    done = run(tmp_path, "run.py", run_script(session))
    assert done.returncode == 0, done.stderr
    figures = printed(done.stdout)
    assert int(figures["steps"]) == session.steps
    assert figures["last batch loss"] == repr(session.trainer.last_loss)
    assert figures["training loss"] == repr(session.figures()["train"]["loss"])
    assert figures["training accuracy"] == repr(session.figures()["train"]["accuracy"])


def test_the_script_writes_out_the_run_and_your_own_points():
    text = run_script(edited_run())
    assert "problem = make_problem(data)" in text
    assert 'dataset="circles"' in text
    assert "SGD(model.parameters(), lr=0.03, momentum=0.9)" in text
    assert "l2=0.001" in text
    assert 'loss="bce"' in text
    assert "linears[0].bias.data[2] = 0.5  # b1.2, set by hand after 30 steps" in text
    assert "optimizer.lr = 0.1  # changed after 37 steps" in text
    session = own_points_run()
    text = run_script(session)
    X, y = session.problem.X, session.problem.y
    assert f"    [{float(X[0, 0])!r}, {float(X[0, 1])!r}, {int(y[0])}]," in text
    assert "y = datasets.one_hot(y, 3)" in text
    assert "Adam(model.parameters(), lr=0.01)" in text
    compile(text, "run.py", "exec")


def test_the_model_file_loads_and_predicts_what_the_session_predicts(tmp_path):
    for session in (edited_run(), preset_run("step-neuron", 20)):
        path = tmp_path / "model.npz"
        path.write_bytes(model_bytes(session))
        model = neuronlab.load(path)
        X = session.inputs(session.problem.X)
        with no_grad():
            expected = session.model(Tensor(X, dtype="float64")).data
        assert np.array_equal(neuronlab.predict(model, X).reshape(expected.shape), expected)


def test_the_torch_script_runs_and_both_give_the_same_outputs(tmp_path):
    pytest.importorskip("torch")
    session = own_points_run()
    (tmp_path / "lab-model.npz").write_bytes(model_bytes(session))  # as the server names it
    done = run(tmp_path, TORCH_SCRIPT, torch_script(session))  # named as the page offers it
    assert done.returncode == 0, done.stderr
    assert "Linear(in_features=2, out_features=3, bias=True)" in done.stdout
    gap = float(printed(done.stdout)["largest difference"])
    assert gap <= 1e-12
    first = session.inputs(session.problem.X[:1])
    assert f"{first[0].tolist()}: neuronlab " in done.stdout


def test_a_step_network_has_no_pytorch_script():
    with pytest.raises(LabInputError, match="PyTorch has no step layer") as info:
        torch_script(preset_session("step-neuron"))
    assert info.value.field == "export"


def test_export_gives_each_file_by_name_and_refuses_others():
    session = LabSession()
    for name, media in EXPORTS.items():
        content, kind = export(session, name)
        assert kind == media
        assert isinstance(content, bytes)
        assert content
    assert export(session, "model.npz")[0].startswith(b"PK")
    with pytest.raises(
        LabInputError, match=r"expected one of model\.npz, run\.py, pytorch_model\.py"
    ):
        export(session, "../secrets.txt")
    with pytest.raises(LabInputError, match="expected one of"):
        export(session, "torch.py")  # the old name, which shadowed PyTorch


def test_the_pytorch_script_is_not_named_after_a_module_it_imports():
    """Saved under its own name, the script must not be what its imports find: no module it
    imports has that name, and it needs no sys.path workaround to import PyTorch."""
    text = torch_script(own_points_run())
    imported = set(re.findall(r"^(?:import|from) (\w+)", text, flags=re.M))
    assert {"torch", "numpy", "neuronlab"} <= imported
    assert TORCH_SCRIPT.removesuffix(".py") not in imported
    assert "sys.path" not in text
    assert "noqa" not in text
    assert f"python {TORCH_SCRIPT} [path/to/model.npz]" in text


def test_the_scripts_are_the_templates_with_every_field_filled():
    """No ``$field`` is left in a generated script, and its fixed lines are the template's."""
    from neuronlab.lab.templating import read_template

    for make in RUNS.values():
        session = make()
        scripts = {"run.py.txt": run_script(session)}
        if "Step" not in {type(m).__name__ for m in session.model}:
            scripts["pytorch_model.py.txt"] = torch_script(session)
        for template, text in scripts.items():
            assert "$" not in text
            fixed = [line for line in read_template(template).splitlines() if "$" not in line]
            lines = text.splitlines()
            assert all(line in lines for line in fixed), template


def test_the_optimiser_class_is_a_field_of_the_run_template():
    from neuronlab.lab.templating import template_fields

    assert {"optimizer_class", "optimizer_arguments"} <= template_fields("run.py.txt")
    text = run_script(own_points_run())
    assert "optimizer = Adam(model.parameters(), lr=0.01)" in text
    imports = "from neuronlab import Adam, Linear, ReLU, Sequential, Sigmoid, Trainer, datasets,"
    assert f"{imports} evaluate\n" in text
