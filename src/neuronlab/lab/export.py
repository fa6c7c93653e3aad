"""What a lab run takes home: the trained model, a script that rebuilds the run, and PyTorch.

- ``model_bytes``: the network as neuronlab's safe ``.npz`` (``neuronlab.load``
  reads it back; no pickle), written by ``io.serialize.save`` atomically into
  a private temporary folder and read back as bytes.
- ``run_script``: a Python script that rebuilds the run from scratch -- the
  same points (drawn by the lab's generator with the run's settings, or the
  user's own points written into the script), features, network,
  initialisation, optimiser, loss and seed, the same hand edits at the same
  steps -- trains it the same number of ``Trainer.step()``s and prints the
  final losses, which are the lab's to the last digit.
- ``torch_script``: a script that loads the exported model with
  ``neuronlab.load``, converts it with ``neuronlab.to_torch`` and shows that
  both give the same outputs for a few of the run's points.

``export(session, name)`` gives any of the three by its file name.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import TYPE_CHECKING

from ..io.serialize import save
from ..nn import Linear, Step
from ..optim import OPTIMIZERS, optimizer_recipe
from .problem import MAX_POINTS
from .settings import LabInputError

if TYPE_CHECKING:
    from .session import LabSession

__all__ = [
    "export",
    "model_bytes",
    "run_script",
    "torch_script",
    "EXPORTS",
    "SAMPLE_POINTS",
    "MODEL_NAMES",
]

#: The files a run exports, and the media type of each.
EXPORTS = {
    "model.npz": "application/octet-stream",
    "run.py": "text/x-python; charset=utf-8",
    "torch.py": "text/x-python; charset=utf-8",
}
#: The names the PyTorch script looks for the model under, beside itself (the server's first).
MODEL_NAMES = ("lab-model.npz", "model.npz")
#: How many of the run's points the PyTorch script compares.
SAMPLE_POINTS = 5


def model_bytes(session: LabSession) -> bytes:
    """The session's network as the bytes of a ``.npz`` model file (``neuronlab.load`` reads it)."""
    with tempfile.TemporaryDirectory(prefix="neuronlab-lab-") as folder:
        path = os.path.join(folder, "model.npz")
        save(session.model, path)
        with open(path, "rb") as f:
            return f.read()


# -- run.py ---------------------------------------------------------------------------------


def _call(head: str, arguments: str) -> list[str]:
    """``head(arguments)`` as ruff formats it: on one line, or its arguments on the next one."""
    if len(head) + len(arguments) + 2 <= 100:
        return [f"{head}({arguments})"]
    return [f"{head}(", f"    {arguments}", ")"]


def _data_lines(session: LabSession) -> list[str]:
    """The points: the lab's generator with the run's data settings, or the user's own."""
    s, p = session.start_settings, session.problem
    if s.dataset != "custom":
        settings = (
            f'dataset="{s.dataset}", classes={s.classes}, noise={s.noise!r}, points={s.points}, '
            f"test_ratio={s.test_ratio!r}, seed=SEED"
        )
        return [
            f'# The data: the lab\'s "{s.dataset}" set, {s.points} points, drawn on the plane '
            "[-6, 6]² and split",
            "# into training and test points with the seed, exactly as the lab drew them.",
            *_call("data = LabSettings", settings),
            "problem = make_problem(data)",
        ]
    assert p.size <= MAX_POINTS  # the problem itself is bounded: the script is too
    classes = p.task == "classification"
    rows = [
        f"    [{x1!r}, {x2!r}, {int(label) if classes else label!r}],"
        for (x1, x2), label in zip(p.X.tolist(), p.y.tolist())
    ]
    return [
        f"# The data: your own {p.size} points (x1, x2, label), split into training and test",
        "# points with the seed, as the lab split them.",
        "POINTS = [",
        *rows,
        "]",
        "points = np.array(POINTS, dtype=np.float64)",
        *_call(
            "problem = custom_problem",
            f"points[:, :2], points[:, 2], test_ratio={s.test_ratio!r}, seed=SEED",
        ),
    ]


def _network_lines(session: LabSession) -> list[str]:
    """The Sequential, layer by layer, with the run's initialisation and one seeded generator."""
    init = session.start_settings.init
    lines = [
        "# The network: one generator, seeded, gives every layer its starting weights in turn.",
        "rng = np.random.default_rng(SEED)",
        "model = Sequential(",
    ]
    for m in session.model:
        if isinstance(m, Linear):
            lines.append(
                f'    Linear({m.in_features}, {m.out_features}, init="{init}", seed=rng, '
                'dtype="float64"),'
            )
        else:
            lines.append(f"    {type(m).__name__}(),")
    return [*lines, ")"]


def _training_lines(session: LabSession) -> list[str]:
    """The optimiser and the Trainer, as the session made them."""
    s, head = session.start_settings, session.head
    kind, fixed = optimizer_recipe(s.optimizer)  # the registry's class and the settings it fixes
    settings = "".join(f", {key}={value!r}" for key, value in fixed.items())
    optimizer = f"{kind.__name__}(model.parameters(), lr={s.lr!r}{settings})"
    penalty = f", {s.regularization}={s.reg_rate!r}" if s.regularization != "none" else ""
    return [
        f"optimizer = {optimizer}",
        *_call(
            "trainer = Trainer",
            f'model, X, y, loss="{head.loss}", optimizer=optimizer, '
            f"batch_size={session.trainer.batch_size}, seed=SEED{penalty}",
        ),
    ]


def _steps_lines(session: LabSession) -> list[str]:
    """Train the run's steps, with its hand edits (weights, the lr) where they happened."""
    lines = ["linears = [m for m in model if isinstance(m, Linear)]  # the weighted layers"]
    done = 0
    for edit in session.edits:
        if edit.step > done:
            lines += [f"for _ in range({edit.step - done}):", "    trainer.step()"]
            done = edit.step
        if edit.kind == "lr":
            lines.append(f"optimizer.lr = {edit.value!r}  # changed after {done} steps")
            continue
        layer, neuron, i = edit.where
        name = f"b{layer}.{neuron}" if i == -1 else f"w{layer}.{neuron}.{i}"
        target = (
            f"linears[{layer - 1}].bias.data[{neuron}]"
            if i == -1
            else f"linears[{layer - 1}].weight.data[{neuron}, {i}]"
        )
        lines.append(f"{target} = {edit.value!r}  # {name}, set by hand after {done} steps")
    if session.steps > done:
        lines += [f"for _ in range({session.steps - done}):", "    trainer.step()"]
    if session.diverged is not None:
        lines.append("# (the lab stopped here: its next step diverged)")
    return lines


def _targets_line(session: LabSession) -> list[str]:
    head = session.head
    if head.loss == "mse" and head.outputs > 1:
        return [f"y = datasets.one_hot(y, {head.classes})  # mse compares each output with 0/1"]
    return []


def _isort(name: str) -> tuple[int, str]:
    """isort's order of imported names: CONSTANTS, then Classes, then functions and modules."""
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def run_script(session: LabSession) -> str:
    """A Python script that rebuilds this run with neuronlab and prints its final losses."""
    s, head = session.start_settings, session.head
    layers = {type(m).__name__ for m in session.model}  # Linear and the activations
    optimizer = optimizer_recipe(s.optimizer)[0].__name__
    if _targets_line(session):
        layers.add("datasets")
    names = ", ".join(sorted({*layers, optimizer, "Sequential", "Trainer", "evaluate"}, key=_isort))
    data = "custom_problem" if s.dataset == "custom" else "make_problem"
    lines = [
        '"""A neuronlab lab run, rebuilt from scratch: the same data, network and training.',
        "",
        f"{session.steps} steps of {head.loss} with {OPTIMIZERS[s.optimizer].label}, "
        f"seed {s.seed}.  Run it with:  python run.py",
        '"""',
        "",
        "import numpy as np",
        "",
        f"from neuronlab import {names}",
        "from neuronlab.lab.features import feature_matrix",
        f"from neuronlab.lab.problem import {data}",
        *(["from neuronlab.lab.settings import LabSettings"] if data == "make_problem" else []),
        "",
        f"SEED = {s.seed}",
        "",
        *_data_lines(session),
        "",
        f"FEATURES = {json.dumps(list(s.features))}  # what the network reads of each point",
        "X = feature_matrix(problem.X[problem.train], FEATURES)",
        "y = problem.y[problem.train]",
        *_targets_line(session),
        "",
        *_network_lines(session),
        "",
        *_training_lines(session),
        *_steps_lines(session),
        "",
        f'figures = evaluate(model, X, y, loss="{head.loss}")',
        'print(f"steps: {trainer.steps_done}")',
        'print(f"last batch loss: {trainer.last_loss!r}")',
        "print(f\"training loss: {figures['loss']!r}\")",
        "print(f\"training accuracy: {figures['accuracy']!r}\")",
    ]
    return "\n".join(lines) + "\n"


# -- torch.py -------------------------------------------------------------------------------


def torch_script(session: LabSession) -> str:
    """A script that loads ``model.npz`` with neuronlab, converts it to PyTorch, compares both."""
    if any(isinstance(m, Step) for m in session.model):
        raise LabInputError(
            "export",
            "PyTorch has no step layer (its slope is 0 everywhere, so it cannot be trained "
            "there either); choose sigmoid, a smooth step, to export this network to PyTorch",
        )
    p = session.problem
    sample = session.inputs(p.X[: min(SAMPLE_POINTS, p.size)])
    rows = [f"    {row!r}," for row in sample.tolist()]
    features = ", ".join(session.settings.features)
    return "\n".join(
        [
            '"""The lab\'s network in PyTorch: load model.npz with neuronlab, convert it with',
            "to_torch, and check that both give the same outputs for a few of the run's points.",
            "",
            "Run it beside the model file exported from the same run (lab-model.npz or model.npz),",
            "or give the model's path:  python torch.py [path/to/model.npz]",
            "It needs PyTorch:  pip install torch",
            '"""',
            "",
            "import os",
            "import sys",
            "",
            "# Saved as torch.py, this file would be imported in place of PyTorch:",
            "# leave its own folder out of the places Python imports from.",
            "HERE = os.path.dirname(os.path.abspath(__file__))",
            "sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != HERE]",
            "",
            "import numpy as np  # noqa: E402",
            "import torch  # noqa: E402",
            "",
            "import neuronlab  # noqa: E402",
            "",
            "if len(sys.argv) > 1:",
            "    path = sys.argv[1]",
            "else:  # the model exported from the same run, beside this script",
            f"    names = [n for n in {json.dumps(list(MODEL_NAMES))} "
            "if os.path.exists(os.path.join(HERE, n))]",
            '    path = os.path.join(HERE, names[0] if names else "model.npz")',
            "model = neuronlab.load(path)",
            "net = neuronlab.to_torch(model)  # a torch.nn.Sequential holding the same weights",
            "print(net)",
            "",
            f"# {len(rows)} of the run's points, as the network reads them ({features})",
            "SAMPLE = [",
            *rows,
            "]",
            "X = np.array(SAMPLE, dtype=np.float64)",
            "ours = neuronlab.predict(model, X).reshape(len(X), -1)",
            "with torch.no_grad():",
            "    theirs = net(torch.from_numpy(X)).numpy().reshape(len(X), -1)",
            "for row, a, b in zip(X.tolist(), ours.tolist(), theirs.tolist()):",
            '    print(f"{row}: neuronlab {a}, PyTorch {b}")',
            "gap = float(np.max(np.abs(ours - theirs)))",
            'print(f"largest difference: {gap:.3g}")',
            "sys.exit(0 if gap <= 1e-12 else 1)",
            "",
        ]
    )


def export(session: LabSession, name: str) -> tuple[bytes, str]:
    """The file ``name`` ("model.npz", "run.py" or "torch.py") of the run, and its media type."""
    if name == "model.npz":
        content = model_bytes(session)
    elif name == "run.py":
        content = run_script(session).encode("utf-8")
    elif name == "torch.py":
        content = torch_script(session).encode("utf-8")
    else:
        raise LabInputError("export", f"expected one of {', '.join(EXPORTS)}, got {name!r:.40}")
    return content, EXPORTS[name]
