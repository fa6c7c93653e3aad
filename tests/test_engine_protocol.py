"""The engine is chosen through the engine protocol: the type checks that choose it are counted.

No module of ``src/neuronlab`` outside the engines, the protocol and the
converters tests whether something is a ``Value``, a ``Tensor``, an ``MLP``
or a ``Sequential`` (``isinstance``, ``issubclass``, ``type(x) is ...``, a
``case Value():``).  Code above asks instead: ``engine_of_node(x)``,
``SCALAR.is_node(x)``, ``TENSOR.checked_node(x, where)`` and ``model.engine``
(``nn/engines.py``), or ``on_tensor_engine``, ``scalar_mlp`` and
``tensor_sequential`` (``nn/convert.py``); a model file reads its kind from
``io.architecture.MODEL_KINDS``.  docs/architecture.md states the rule.

The names are followed through the imports, so ``torch.Tensor``, the
learner's own ``Value`` in the workbook and a name imported under another
name are each told apart correctly.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from helpers import MODULES, imported_module

ROOT = Path(__file__).resolve().parent.parent

#: The classes whose type checks choose an engine or a network.
CHOSEN_BY_TYPE = frozenset({"Value", "Tensor", "MLP", "Sequential"})

#: The modules that may test those types, and why: the one list of them.
ALLOWED: dict[str, str] = {
    "neuronlab.engine": "the scalar engine: Value's own operations take Values and numbers",
    "neuronlab.tensor": "the tensor engine: Tensor's own operations take Tensors and arrays",
    "neuronlab.walk": "the graph walk both engines share",
    "neuronlab.nn.engines": "the engine protocol: the one place a node's engine is decided",
    "neuronlab.nn.convert": "the converters between the engines' networks (MLP <-> Sequential)",
    "neuronlab.io.torch_bridge": "the converter to and from PyTorch, one layer class at a time",
}


def is_allowed(name: str) -> bool:
    """True for a module of ``ALLOWED`` or inside an allowed package."""
    return any(name == a or name.startswith(a + ".") for a in ALLOWED)


def imported_names(tree: ast.Module, module: str, is_package: bool) -> dict[str, str]:
    """Each name a module binds by an import -> the dotted name it stands for."""
    package = module if is_package else module.rpartition(".")[0]
    origin: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            target = imported_module(node, package)
            for alias in node.names:
                origin[alias.asname or alias.name] = f"{target}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    origin[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    origin[top] = top
    return origin


def _names_our_class(expr: ast.expr, origin: dict[str, str]) -> bool:
    """True when ``expr`` is (or is a tuple holding) neuronlab's Value, Tensor, MLP, Sequential."""
    if isinstance(expr, ast.Tuple):
        return any(_names_our_class(e, origin) for e in expr.elts)
    if isinstance(expr, ast.Name):
        full = origin.get(expr.id, "")
        return full.split(".")[0] == "neuronlab" and full.rpartition(".")[2] in CHOSEN_BY_TYPE
    if isinstance(expr, ast.Attribute) and expr.attr in CHOSEN_BY_TYPE:
        base: ast.expr = expr.value
        while isinstance(base, ast.Attribute):
            base = base.value
        return isinstance(base, ast.Name) and origin.get(base.id, "").startswith("neuronlab")
    return False


def _is_type_of(expr: ast.expr) -> bool:
    """``type(x)`` or ``x.__class__``."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
        return expr.func.id == "type" and len(expr.args) == 1
    return isinstance(expr, ast.Attribute) and expr.attr == "__class__"


def type_checks(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, code) of every type check on Value, Tensor, MLP or Sequential in ``source``."""
    tree = ast.parse(source)
    origin = imported_names(tree, module, is_package)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            hit = (
                node.func.id in ("isinstance", "issubclass")
                and len(node.args) == 2
                and _names_our_class(node.args[1], origin)
            )
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            hit = any(map(_is_type_of, sides)) and any(_names_our_class(s, origin) for s in sides)
        elif isinstance(node, ast.MatchClass):
            hit = _names_our_class(node.cls, origin)
        else:
            hit = False
        if hit and isinstance(node, (ast.expr, ast.pattern)):
            found.append((node.lineno, ast.unparse(node)))
    return sorted(found)


@pytest.mark.parametrize("name", sorted(n for n in MODULES if not is_allowed(n)))
def test_no_module_outside_the_engines_chooses_an_engine_by_type(name: str) -> None:
    path = MODULES[name]
    found = type_checks(path.read_text(encoding="utf-8"), name, path.name == "__init__.py")
    where = [f"{path.relative_to(ROOT)}:{line}: {code}" for line, code in found]
    assert not where, (
        "ask the engine protocol (nn.engines: engine_of_node, SCALAR/TENSOR.is_node, "
        f"checked_node, model.engine) or the converters (nn.convert) instead: {where}"
    )


def test_the_allowed_modules_exist_and_the_rest_are_counted() -> None:
    for name in ALLOWED:
        assert name in MODULES, f"ALLOWED names {name}, which is not in src/neuronlab"
    counted = [n for n in MODULES if not is_allowed(n)]
    assert len(counted) > 150
    assert {"neuronlab.losses", "neuronlab.cli.predict", "neuronlab.io.architecture"} <= {*counted}


HERE = "neuronlab.viz.somewhere"  # a module of layer 5, to resolve relative imports from


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("from ..engine import Value\nok = isinstance(x, Value)", 2),
        ("from ..tensor import Tensor\nif type(t) is Tensor: pass", 2),
        ("from ..tensor import Tensor\nok = type(t) is not Tensor", 2),
        ("from ..tensor import Tensor as T\nok = type(t) == T", 2),
        ("from ..engine import Value\nok = type(v) in (Value, int)", 2),
        ("from ..nn import MLP\nok = issubclass(type(m), MLP)", 2),
        ("from ..nn import layers\nok = isinstance(m, (layers.Sequential, layers.Linear))", 2),
        ("import neuronlab.nn\nok = isinstance(m, neuronlab.nn.Sequential)", 2),
        ("from ..engine import Value\nok = v.__class__ is Value", 2),
        ("from ..nn import MLP\nmatch m:\n    case MLP():\n        pass", 3),
        ("def f(x):\n    from ..nn.scalar import MLP\n    return isinstance(x, MLP)", 3),
    ],
)
def test_a_type_check_brought_back_is_found(source: str, line: int) -> None:
    assert [at for at, _ in type_checks(source, HERE)] == [line]


@pytest.mark.parametrize(
    "source",
    [
        "import torch\nok = isinstance(t, torch.Tensor)",
        "import torch\nok = isinstance(m, torch.nn.Sequential)",
        "class Value:\n    pass\nok = isinstance(x, Value)",  # the learner's own Value
        "from ..nn import Linear\nok = isinstance(m, Linear)",
        "from ..nn.engines import SCALAR\nok = SCALAR.is_node(x)",
        "from ..engine import Value\nv = Value(1.0)",
    ],
)
def test_what_is_not_a_type_check_on_the_four_classes_is_not_counted(source: str) -> None:
    assert type_checks(source, HERE) == []


# -- what the protocol and the converters answer instead ------------------------------


def test_engine_of_node_names_the_engine_of_a_value_or_a_tensor_and_nothing_else() -> None:
    from neuronlab import Value
    from neuronlab.nn.engines import SCALAR, TENSOR, engine_of_node
    from neuronlab.tensor import Tensor

    assert engine_of_node(Value(1.0)) is SCALAR
    assert engine_of_node(Tensor([1.0, 2.0])) is TENSOR
    for other in (1.0, [Value(1.0)], np.zeros(2), None, "Value"):
        assert engine_of_node(other) is None
    assert SCALAR.is_node(Value(2.0))
    assert not SCALAR.is_node(Tensor([2.0]))
    assert TENSOR.is_node(Tensor(2.0))
    assert not TENSOR.is_node(np.float64(2.0))


def test_checked_node_passes_a_node_through_and_names_the_caller_otherwise() -> None:
    from neuronlab import Value
    from neuronlab.nn.engines import SCALAR, TENSOR
    from neuronlab.tensor import Tensor

    t, v = Tensor([1.0]), Value(1.0)
    assert TENSOR.checked_node(t, "Dropout") is t
    assert SCALAR.checked_node(v, "explain") is v
    with pytest.raises(TypeError, match=r"^Dropout: expected a Tensor, got list$"):
        TENSOR.checked_node([1.0], "Dropout")
    with pytest.raises(TypeError, match=r"^plan_graph: expected a Value, got Tensor$"):
        SCALAR.checked_node(t, "plan_graph")


def test_is_parameter_is_a_value_or_a_tensor_that_requires_grad() -> None:
    from neuronlab import Value
    from neuronlab.nn import is_parameter
    from neuronlab.tensor import Tensor

    assert is_parameter(Value(0.5))
    assert is_parameter(Tensor([0.5], requires_grad=True))
    assert not is_parameter(Tensor([0.5]))
    assert not is_parameter(0.5)


def test_the_converters_say_which_network_a_model_is() -> None:
    from neuronlab.language.model import LanguageModel
    from neuronlab.nn import MLP, Linear, Neuron, Sequential, Tanh
    from neuronlab.nn.convert import on_tensor_engine, scalar_mlp, tensor_sequential
    from neuronlab.tensor import Tensor

    scalar = MLP(2, [3, 1], seed=0, output_activation="sigmoid")
    net = Sequential(Linear(2, 1, seed=0), Tanh())
    assert scalar_mlp(scalar) is scalar
    assert tensor_sequential(scalar) is None
    assert tensor_sequential(net) is net
    assert scalar_mlp(net) is None
    assert scalar_mlp(Neuron(2, seed=0)) is None
    assert tensor_sequential([net]) is None
    assert issubclass(LanguageModel, Sequential)  # a LanguageModel is a tensor_sequential
    assert on_tensor_engine(net) is net
    twin = on_tensor_engine(scalar)
    X = np.array([[0.5, -1.0], [2.0, 0.25]])
    expected = [scalar(row).data for row in X.tolist()]
    np.testing.assert_array_equal(twin(Tensor(X, dtype="float64")).data[:, 0], expected)


def test_a_model_file_kind_is_the_exact_class() -> None:
    from neuronlab.io.architecture import MODEL_KINDS, model_kind
    from neuronlab.nn import MLP, Linear, Sequential

    class Mine(Sequential):
        pass

    assert model_kind(MLP(2, [1], seed=0)) == "MLP"
    assert model_kind(Sequential(Linear(2, 1, seed=0))) == "Sequential"
    assert model_kind(Mine()) is None
    assert model_kind(Linear(2, 1, seed=0)) is None
    assert set(MODEL_KINDS) == {"MLP", "Sequential", "LanguageModel"}
