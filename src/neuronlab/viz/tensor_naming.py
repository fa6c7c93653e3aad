"""What each tensor of a graph is called, in pictures and explanations.

A name given to ``explain``/``draw_graph`` (``names={"W1": W1}``) comes
first, then the tensor's ``label`` (``Tensor(..., label="W1")``, or
``t.label = "hpreact"`` at any time, on an operation's result too).  A
tensor with neither is called by what made it: ``matmul1``, ``add2``,
``tanh1`` (numbered in graph order), ``t1``, ``t2`` for a leaf, ``L`` for
the root.  A one-number constant with no name (the ``1e-05`` of
``bnvar + 1e-5``) is written as its number inside the formula that reads it.
Two tensors labelled alike are told apart as ``x``, ``x#2``.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import count

from ..nn.engines import TENSOR
from ..tensor import Tensor
from ..util.checks import describe
from ..util.numbers import format_number
from .tensor_ops import Operand, op_text

__all__ = ["TensorNamer", "given_tensor_names", "is_constant"]

_ROOT_NAMES = ("L", "out", "output")


def is_constant(t: Tensor, root: Tensor, label: str) -> bool:
    """A one-number tensor with no name, no inputs and no gradient: a number in a formula."""
    return t is not root and not label and not t.inputs and not t.requires_grad and t.size == 1


def _label_of(t: Tensor) -> str:
    label = t.label
    if type(label) is not str:
        raise TypeError(
            f"a tensor's label must be a str, got {describe(label)} "
            f"(on a tensor of shape {t.shape})"
        )
    return label


def given_tensor_names(names: Mapping[str, Tensor] | None, where: str) -> dict[Tensor, str]:
    """``names`` (name -> Tensor) turned round, every entry checked."""
    if names is None:
        return {}
    if not isinstance(names, Mapping):
        raise TypeError(f"{where}(names=): expected a dict of name -> Tensor, got {names!r:.60}")
    given: dict[Tensor, str] = {}
    for key, t in names.items():
        if not TENSOR.is_node(t):
            raise TypeError(f"{where}(names={key!r}): expected a Tensor, got {type(t).__name__}")
        if not isinstance(key, str) or not key.strip():
            raise ValueError(f"{where}(names=): a name must be a non-empty str, got {key!r}")
        given[t] = key
    return given


class TensorNamer:
    """The names of the tensors of one graph (``order``, inputs first, as ``graph_nodes`` gives).

    ``namer[t]`` is what text calls ``t``; ``namer.operand(t)`` is ``t`` as a
    formula writes it (with its shape); ``namer.formula(t)`` how an
    operation's result was made (``embcat @ W1``); ``namer.constants`` the
    one-number constants written inside formulas.
    """

    def __init__(
        self, root: Tensor, order: list[Tensor], given: Mapping[Tensor, str] | None = None
    ) -> None:
        given = given or {}
        labels = {t: given.get(t) or _label_of(t) for t in order}
        self.root = root
        self.names: dict[Tensor, str] = {}
        self.constants: set[Tensor] = set()
        taken = set(labels.values()) - {""}
        words: dict[str, count] = {}
        uses: dict[str, int] = {}
        for t in order:
            label = labels[t]
            if label:
                uses[label] = uses.get(label, 0) + 1
                name = label if uses[label] == 1 else _another(label, uses, taken)
            elif is_constant(t, root, label):
                self.constants.add(t)
                name = format_number(float(t.data.reshape(-1)[0]))
            elif t is root:
                name = next((n for n in _ROOT_NAMES if n not in taken), "")
                name = name or _fresh("output", words, taken)
            else:
                name = _fresh(op_text(t.op).word if t.inputs else "t", words, taken)
            self.names[t] = name

    def __getitem__(self, t: Tensor) -> str:
        return self.names[t]

    def operand(self, t: Tensor) -> Operand:
        """``t`` as a formula or rule writes it: its name, its shape, whether it is a number."""
        return Operand(self.names[t], tuple(t.shape), t in self.constants)

    def formula(self, t: Tensor) -> str:
        """How the result ``t`` was made from its inputs' names: ``embcat @ W1``."""
        ins = tuple(self.operand(x) for x in t.inputs)
        return op_text(t.op).formula(self.operand(t), ins)

    def title(self, t: Tensor) -> str:
        """``hprebn = matmul1 + b1`` for a result, the name alone for a leaf."""
        return f"{self.names[t]} = {self.formula(t)}" if t.inputs else self.names[t]


def _fresh(word: str, words: dict[str, count], taken: set[str]) -> str:
    """The next free name ``word1``, ``word2``, ... (never one a label already took)."""
    numbers = words.setdefault(word, count(1))
    name = f"{word}{next(numbers)}"
    while name in taken:
        name = f"{word}{next(numbers)}"
    taken.add(name)
    return name


def _another(label: str, uses: dict[str, int], taken: set[str]) -> str:
    """A name for the next tensor labelled like an earlier one: ``x#2``, ``x#3``, ..."""
    name = f"{label}#{uses[label]}"
    while name in taken:
        uses[label] += 1
        name = f"{label}#{uses[label]}"
    taken.add(name)
    return name
