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
  both give the same outputs for a few of the run's points.  It is offered as
  ``pytorch_model.py``: a script named ``torch.py`` would be imported in
  place of PyTorch by its own ``import torch``.

Both scripts are template files in ``lab/templates/`` (``run.py.txt``,
``pytorch_model.py.txt``) filled with named fields by ``lab.templating``;
this module computes the fields.  ``export(session, name)`` gives any of the
three files by its name.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import TYPE_CHECKING

from ..io.serialize import save
from ..losses import wants_one_hot
from ..nn import Linear, Step
from ..optim import OPTIMIZERS, optimizer_recipe
from .problem import DOMAIN, MAX_POINTS
from .settings import LabInputError
from .templating import fill_template

if TYPE_CHECKING:
    from .session import LabSession

__all__ = [
    "EXPORTS",
    "MODEL_NAMES",
    "SAMPLE_POINTS",
    "TORCH_SCRIPT",
    "export",
    "model_bytes",
    "run_script",
    "torch_script",
]

#: The name the PyTorch script is offered under (not ``torch.py``: that would shadow PyTorch).
TORCH_SCRIPT = "pytorch_model.py"

#: The files a run exports, and the media type of each.
EXPORTS = {
    "model.npz": "application/octet-stream",
    "run.py": "text/x-python; charset=utf-8",
    TORCH_SCRIPT: "text/x-python; charset=utf-8",
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


def _call(head: str, arguments: str) -> str:
    """``head(arguments)`` as ruff formats it: on one line, or its arguments on the next one."""
    if len(head) + len(arguments) + 2 <= 100:
        return f"{head}({arguments})"
    return f"{head}(\n    {arguments}\n)"


def _data(session: LabSession) -> str:
    """The points: the lab's generator with the run's data settings, or the user's own."""
    s, p = session.start_settings, session.problem
    if s.dataset != "custom":
        settings = (
            f'dataset="{s.dataset}", classes={s.classes}, noise={s.noise!r}, points={s.points}, '
            f"test_ratio={s.test_ratio!r}, seed=SEED"
        )
        return _block(
            "run_data_generated.txt",
            dataset=s.dataset,
            points=str(s.points),
            domain=f"{DOMAIN:g}",
            settings=_call("data = LabSettings", settings),
        )
    assert p.size <= MAX_POINTS  # the problem itself is bounded: the script is too
    classes = p.task == "classification"
    rows = [
        f"    [{x1!r}, {x2!r}, {int(label) if classes else label!r}],"
        for (x1, x2), label in zip(p.X.tolist(), p.y.tolist())
    ]
    split = f"points[:, :2], points[:, 2], test_ratio={s.test_ratio!r}, seed=SEED"
    return _block(
        "run_data_points.txt",
        size=str(p.size),
        rows="\n".join(rows),
        split=_call("problem = custom_problem", split),
    )


def _block(template: str, **fields: str) -> str:
    """A template filled in, without its last line's end: lines to put in another template."""
    return fill_template(template, fields).removesuffix("\n")


def _layers(session: LabSession) -> str:
    """The Sequential's layers, one a line, with the run's initialisation and one generator."""
    init = session.start_settings.init
    return "\n".join(
        f'    Linear({m.in_features}, {m.out_features}, init="{init}", seed=rng, dtype="float64"),'
        if isinstance(m, Linear)
        else f"    {type(m).__name__}(),"
        for m in session.model
    )


def _optimizer(session: LabSession) -> tuple[str, str]:
    """The optimiser the session made: its class name and the arguments after the parameters."""
    s = session.start_settings
    kind, fixed = optimizer_recipe(s.optimizer)  # the registry's class and the settings it fixes
    settings = "".join(f", {key}={value!r}" for key, value in fixed.items())
    return kind.__name__, f"lr={s.lr!r}{settings}"


def _trainer(session: LabSession) -> str:
    """The Trainer, as the session made it."""
    s, head = session.start_settings, session.head
    penalty = f", {s.regularization}={s.reg_rate!r}" if s.regularization != "none" else ""
    return _call(
        "trainer = Trainer",
        f'model, X, y, loss="{head.loss}", optimizer=optimizer, '
        f"batch_size={session.trainer.batch_size}, seed=SEED{penalty}",
    )


def _training(session: LabSession) -> str:
    """Train the run's steps, with its hand edits (weights, the lr) where they happened."""
    lines = []
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
    return "\n".join(lines)


def _one_hot(session: LabSession) -> str:
    """The line that turns labels into one-hot rows, for mse on several outputs; else ""."""
    head = session.head
    if wants_one_hot(head.loss, head.outputs):
        return f"y = datasets.one_hot(y, {head.classes})  # mse compares each output with 0/1"
    return ""


def _isort(name: str) -> tuple[int, str]:
    """isort's order of imported names: CONSTANTS, then Classes, then functions and modules."""
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def run_script(session: LabSession) -> str:
    """A Python script that rebuilds this run with neuronlab and prints its final losses."""
    s, head = session.start_settings, session.head
    optimizer_class, optimizer_arguments = _optimizer(session)
    one_hot = _one_hot(session)
    names = {type(m).__name__ for m in session.model}  # Linear and the activations
    names |= {optimizer_class, "Sequential", "Trainer", "evaluate", *(["datasets"] * bool(one_hot))}
    generated = s.dataset != "custom"
    return fill_template(
        "run.py.txt",
        {
            "steps": str(session.steps),
            "loss": head.loss,
            "optimizer_title": OPTIMIZERS[s.optimizer].label,
            "seed": str(s.seed),
            "names": ", ".join(sorted(names, key=_isort)),
            "problem_maker": "make_problem" if generated else "custom_problem",
            "settings_import": "from neuronlab.lab.settings import LabSettings"
            if generated
            else "",
            "data": _data(session),
            "features": json.dumps(list(s.features)),
            "one_hot": one_hot,
            "layers": _layers(session),
            "optimizer_class": optimizer_class,
            "optimizer_arguments": f"model.parameters(), {optimizer_arguments}",
            "trainer": _trainer(session),
            "training": _training(session),
        },
    )


# -- pytorch_model.py -----------------------------------------------------------------------


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
    return fill_template(
        "pytorch_model.py.txt",
        {
            "script": TORCH_SCRIPT,
            "model_choices": " or ".join(MODEL_NAMES),
            "model_names": json.dumps(list(MODEL_NAMES)),
            "sample_size": str(len(sample)),
            "features": ", ".join(session.settings.features),
            "rows": "\n".join(f"    {row!r}," for row in sample.tolist()),
        },
    )


def export(session: LabSession, name: str) -> tuple[bytes, str]:
    """The run's file ``name`` (one of ``EXPORTS``), and its media type."""
    if name == "model.npz":
        content = model_bytes(session)
    elif name == "run.py":
        content = run_script(session).encode("utf-8")
    elif name == TORCH_SCRIPT:
        content = torch_script(session).encode("utf-8")
    else:
        raise LabInputError("export", f"expected one of {', '.join(EXPORTS)}, got {name!r:.40}")
    return content, EXPORTS[name]
