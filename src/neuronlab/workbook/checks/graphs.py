"""The learner's graph beside neuronlab's: the same expression built twice, compared, drawn.

A ``Twin`` builds one expression step by step on the learner's ``Value`` and
on neuronlab's, keeping each step's two results side by side (a ``Pair``).
After both went backward, ``wrong_data`` and ``wrong_gradients`` find where
they part: the earliest wrong number, or the wrong gradients nearest the
output (where a mistake in backward shows first, before it spreads to the
inputs).  ``Pictures`` draws the learner's graph (walked through ``_prev``
and copied into neuronlab Values) and the reference, those nodes marked in
red, and ``chain_rule_lines`` gives ``explain()``'s lines for them.
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...engine import Value
from ...util.files import write_atomic
from ...util.numbers import format_number
from ...viz.explain import explain
from ...viz.graph import draw_graph
from ...viz.nodes import graph_nodes
from .mistakes import close, number
from .page import graphs_page

__all__ = [
    "MAX_DRAWN",
    "PICTURE_FILES",
    "Pair",
    "Pictures",
    "Twin",
    "as_reference",
    "chain_rule_lines",
    "clear_pictures",
    "inputs_of",
    "learner_nodes",
    "wrong_data",
    "wrong_gradients",
]

#: The largest learner graph that is copied and drawn (values, leaves included).
MAX_DRAWN = 80


@dataclass
class Pair:
    """One value of an expression: ``name``, the learner's Value ``mine``, neuronlab's ``ref``,
    and ``text``, how it was computed (``a * b``; "" for an input)."""

    name: str
    mine: Any
    ref: Value
    text: str = ""


@dataclass
class Twin:
    """One expression built on the learner's Value class and on neuronlab's, step by step.

    ``leaf("a", 2.0)`` makes an input; ``step("e", "a * b", fn, a, b)`` applies
    ``fn`` to the learner's operands and to the reference operands (a plain
    number stays a number) and labels both results.  ``definitions`` and
    ``leaves`` are what a message shows of it.
    """

    mine_class: Any
    pairs: list[Pair] = field(default_factory=list)

    def leaf(self, name: str, x: float) -> Pair:
        """An input named ``name`` holding ``x``."""
        pair = Pair(name, self.mine_class(x, label=name), Value(x, label=name))
        self.pairs.append(pair)
        return pair

    def step(self, name: str, text: str, fn: Callable[..., Any], *operands: Pair | float) -> Pair:
        """``name = text``, computed by ``fn`` on both sides; the learner's result is labelled."""
        mine = fn(*(x.mine if isinstance(x, Pair) else x for x in operands))
        ref = fn(*(x.ref if isinstance(x, Pair) else x for x in operands))
        ref.label = name
        # a result that takes no label is still compared by its numbers
        with contextlib.suppress(AttributeError):
            mine.label = name
        pair = Pair(name, mine, ref, text)
        self.pairs.append(pair)
        return pair

    @property
    def root(self) -> Pair:
        """The last value made: the output."""
        return self.pairs[-1]

    @property
    def steps(self) -> int:
        """How many values were computed (inputs not counted)."""
        return sum(1 for p in self.pairs if p.text)

    def _below(self, top: Pair | None) -> list[Pair]:
        """The values ``top`` (the root by default) was computed from, itself included."""
        used = {id(v) for v in graph_nodes((top or self.root).ref)}
        return [p for p in self.pairs if id(p.ref) in used]

    def definitions(self, top: Pair | None = None, most: int = 8) -> list[str]:
        """How ``top`` and the values it depends on were computed: ``e = a * b``, ..."""
        return [f"{p.name} = {p.text}" for p in self._below(top) if p.text][-most:]

    def leaves(self, top: Pair | None = None) -> str:
        """The inputs ``top`` depends on, and their numbers: ``a = 2, b = -3``."""
        shown = [p for p in self._below(top) if not p.text]
        return ", ".join(f"{p.name} = {format_number(p.ref.data, 6)}" for p in shown)


def inputs_of(node: Any) -> tuple[Any, ...]:
    """A learner node's inputs (``_prev``: a tuple, list or set), or () when it has none."""
    prev = getattr(node, "_prev", ())
    try:
        return tuple(prev)
    except TypeError:
        return ()


def learner_nodes(root: Any, limit: int | None = None) -> list[Any] | None:
    """Every node of the learner's graph, each after its inputs (walked through ``_prev``).

    An explicit stack, so a deep chain is fine; None when there are more than ``limit``.
    """
    order: list[Any] = []
    seen = {id(root)}
    stack = [(root, iter(inputs_of(root)))]
    while stack:
        node, pending = stack[-1]
        for child in pending:
            if id(child) not in seen:
                seen.add(id(child))
                if limit is not None and len(seen) > limit:
                    return None
                stack.append((child, iter(inputs_of(child))))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def _float(x: Any) -> float:
    value = number(x)
    return math.nan if value is None else value


def as_reference(root: Any, limit: int = MAX_DRAWN) -> tuple[Value, dict[int, Value]] | None:
    """The learner's graph copied into neuronlab Values, to be drawn; with the copy of each node.

    Same structure, data, grad, label and op; None when it is larger than ``limit``.
    """
    nodes = learner_nodes(root, limit)
    if nodes is None:
        return None
    copies: dict[int, Value] = {}
    for node in nodes:
        inputs = tuple(copies[id(x)] for x in inputs_of(node) if id(x) in copies)
        label = getattr(node, "label", "")
        op = str(getattr(node, "_op", "") or "")
        copy = Value(
            _float(getattr(node, "data", None)),
            inputs,
            (0.0,) * len(inputs),
            op if inputs else "",
            label=label if isinstance(label, str) else "",
        )
        copy.grad = _float(getattr(node, "grad", None))
        copies[id(node)] = copy
    return copies[id(root)], copies


def wrong_data(pairs: Sequence[Pair]) -> Pair | None:
    """The first value (in the order they were made) whose data differs from the reference."""
    for p in pairs:
        mine = number(getattr(p.mine, "data", None))
        if mine is None or not close(mine, p.ref.data):
            return p
    return None


def _grad_wrong(p: Pair) -> bool:
    mine = number(getattr(p.mine, "grad", None))
    return mine is None or not close(mine, p.ref.grad)


def wrong_gradients(pairs: Sequence[Pair]) -> list[Pair]:
    """The values whose gradient differs while nothing computed from them differs.

    They are where the gradients go wrong first on the way back from the
    output: a wrong ``_backward`` hands wrong gradients to its own inputs.
    """
    wrong = [p for p in pairs if _grad_wrong(p)]
    below = {id(v) for p in wrong for v in graph_nodes(p.ref) if v is not p.ref}
    return [p for p in wrong if id(p.ref) not in below]


def chain_rule_lines(root: Value, node: Value, most: int = 6) -> list[str]:
    """``explain(root)``'s chain-rule lines for the gradient of ``node`` (the reference graph)."""
    told = explain(root, show=False, limit=None)
    lines = [line.strip() for s in told.steps if s.input_value is node for line in s.lines]
    lines += [s.line for s in told.sums if s.value is node]
    return lines[:most]


def _can_draw() -> bool:
    """Graphviz's dot or grandalf (the pure-Python layout) is here to draw with."""
    return shutil.which("dot") is not None or importlib.util.find_spec("grandalf") is not None


@dataclass
class Pictures:
    """The pictures of one check, drawn once: ``NN_graphs.html``, the learner's graph above the
    reference, and the two graphs on their own as ``NN_yours.svg`` and ``NN_reference.svg``.

    Nothing is drawn without a folder (a notebook) or without anything to draw with.
    """

    number: str
    folder: Path | None
    drawn: bool = False

    def draw(
        self,
        mine_root: Any,
        ref_root: Value,
        marked: Sequence[Pair],
        wrong: Sequence[str] = (),
        chain_rule: Sequence[str] = (),
    ) -> tuple[str, ...]:
        """Both graphs, ``marked`` values in red, and the page that shows them with what is
        ``wrong`` and the ``chain_rule`` lines; the page's path (nothing after the first call)."""
        if self.drawn or self.folder is None or not _can_draw():
            return ()
        self.drawn = True
        copied = as_reference(mine_root)
        if copied is None:
            return ()
        mine, copies = copied
        mine_marked = [copies[id(p.mine)] for p in marked if id(p.mine) in copies]
        try:
            yours = draw_graph(mine, marked=mine_marked)
            theirs = draw_graph(ref_root, marked=[p.ref for p in marked])
            self.folder.mkdir(parents=True, exist_ok=True)
            page = graphs_page(self.number, wrong, chain_rule, yours.svg(), theirs.svg())
            yours.save(self.folder / f"{self.number}_yours.svg")
            theirs.save(self.folder / f"{self.number}_reference.svg")
            write_atomic(self.folder / f"{self.number}_graphs.html", page)
        except (ImportError, ValueError, RuntimeError, OSError):
            return ()
        return (str(self.folder / f"{self.number}_graphs.html"),)


#: The files a check may draw for an exercise, removed before the next check of it.
PICTURE_FILES = ("{}_graphs.html", "{}_yours.svg", "{}_reference.svg")


def clear_pictures(number: str, folder: Path) -> None:
    """Remove the pictures an earlier check of exercise ``number`` drew (only those files),
    and the folder when that leaves it empty, so no picture outlives the mistake it showed."""
    for name in PICTURE_FILES:
        path = folder / name.format(number)
        if path.is_file() and not path.is_symlink():
            path.unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()  # only when empty: anything of the learner's stays
