"""What to call each value of a graph, and how to write each local derivative.

``explain`` and ``draw_graph`` call a value the same way, decided here once
per graph:

- by its label, or by a name the caller gives (``names=`` of ``explain``); when
  several values share a label (each example's input ``x0`` in a batch), the
  second is called ``x0#2``, the third ``x0#3``, ...;
- an unlabelled constant by its number, when that is short (``2``, ``-1``, ``0.01``);
- an unlabelled computed value by its formula, when that is short (``a*b``);
- the unlabelled output ``L``;
- anything else ``v1``, ``v2``, ...: ``Namer.definition`` says what it stands for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from itertools import count

from ..engine import Value
from ..util.numbers import format_number
from .nodes import dot_parts, wrapped

__all__ = ["PICTURE_FORMULA", "SHORT_FORMULA", "Namer", "constant_text", "local_formula"]

#: Unlabelled intermediates whose formula is longer than this are called v1, v2, ...
SHORT_FORMULA = 20
#: A picture labels an unlabelled value's box with its formula up to this long.
PICTURE_FORMULA = 30
_CONSTANT_CHARS = 8  # an unlabelled constant written longer than this is called v1, v2, ...
_DOT_TERMS = 4  # a dot product of more terms is written w0*x0 + w1*x1 + ... + wn*xn + b

# How tightly a written formula binds, to know when it needs parentheses as an operand.
_NEG, _SUM, _PRODUCT, _POWER, _ATOM = 0, 1, 2, 4, 5
_ATOMIC = re.compile(r"[^\W\d][\w.\[\]'#]*")  # names that need no parentheses: w, w1.0.2, x0#2


def constant_text(x: float) -> str | None:
    """An unlabelled constant as a formula writes it, exactly (``2``, ``0.01``), or None if long.

    >>> constant_text(2.0), constant_text(-0.5), constant_text(1 / 3)
    ('2', '-0.5', None)
    """
    text = format_number(x)
    if text not in ("nan", "inf", "-inf") and float(text) != x:
        text = repr(float(x))  # format_number rounds; a name must be the exact number
    return text if len(text) <= _CONSTANT_CHARS else None


class Namer:
    """The names of the Values of one graph, for explanations and pictures.

    ``namer[v]`` is what the text calls ``v`` (``a``, ``(a*b)``, ``2``, ``v3``,
    ``L``); ``namer.formula(v)`` how a computed ``v`` was made from its
    inputs' names (``a*b``); ``namer.numbered`` the values called v1, v2, ...
    in graph order, each defined by ``namer.definition(v)``.  ``given`` names
    values that have no label (a label wins over nothing, a given name over a label).
    ``drawn_as`` maps values a picture leaves out (its ``0 + x``) to the value
    drawn in their place, whose name they take.
    """

    def __init__(
        self,
        root: Value,
        order: list[Value],
        given: Mapping[Value, str] | None = None,
        drawn_as: Mapping[Value, Value] | None = None,
    ) -> None:
        given = given or {}
        self.root = root
        self.names: dict[Value, str] = {}
        self.numbered: list[Value] = []
        self._rank: dict[Value, int] = {}  # place of each numbered value in ``numbered``
        self._formulas: dict[Value, tuple[str, int]] = {}
        self._embed: dict[Value, tuple[str, int]] = {}  # v as an operand, and how it binds
        self._kind: dict[Value, str] = {}  # given, constant, formula, root or numbered
        labels = {v: given.get(v) or v.label for v in order}
        self._taken = set(labels.values()) - {""}
        self._fresh = (f"v{i}" for i in count(1) if f"v{i}" not in self._taken)
        uses: dict[str, int] = {}  # how many values so far had each label
        for v in order:  # inputs before outputs: a formula uses its inputs' names
            if drawn_as and v in drawn_as:
                self._copy(v, drawn_as[v])
                continue
            if v.inputs:
                self._formulas[v] = self._formula_of(v)
            label = labels[v]
            if label:
                uses[label] = uses.get(label, 0) + 1
                if uses[label] > 1:
                    label = self._another(label, uses)
            self._place(v, label)

    def _another(self, label: str, uses: dict[str, int]) -> str:
        """A name for the next value labelled like an earlier one: ``x0#2``, ``x0#3``, ..."""
        name = f"{label}#{uses[label]}"
        while name in self._taken:
            uses[label] += 1
            name = f"{label}#{uses[label]}"
        self._taken.add(name)
        return name

    def _place(self, v: Value, label: str) -> None:
        """Decide what ``v`` is called (see the module docstring for the rules)."""
        if label:
            embed = label if _ATOMIC.fullmatch(label) else f"({label})"
            self._set(v, "given", label, embed, _ATOM)
        elif not v.inputs:
            text = constant_text(v.data)
            if text is None:
                self._number(v)
            else:
                self._set(v, "constant", text, text, _NEG if text[0] == "-" else _ATOM)
        elif v is self.root:
            free = [n for n in ("L", "out", "output") if n not in self._taken]
            name = free[0] if free else next(self._fresh)
            self._set(v, "root", name, name, _ATOM)
        else:
            text, prec = self._formulas[v]
            if len(text) > SHORT_FORMULA:
                self._number(v)
            else:
                self._set(v, "formula", text if wrapped(text) else f"({text})", text, prec)

    def _copy(self, v: Value, other: Value) -> None:
        """Call ``v`` whatever ``other`` is called."""
        self._set(v, self._kind[other], self.names[other], *self._embed[other])
        if other in self._formulas:
            self._formulas[v] = self._formulas[other]

    def _number(self, v: Value) -> None:
        name = next(self._fresh)
        self._set(v, "numbered", name, name, _ATOM)
        self._rank[v] = len(self.numbered)
        self.numbered.append(v)

    def _set(self, v: Value, kind: str, name: str, embed: str, prec: int) -> None:
        self.names[v] = name
        self._embed[v] = (embed, prec)
        self._kind[v] = kind

    # -- reading the names ---------------------------------------------------------

    def __getitem__(self, v: Value) -> str:
        return self.names[v]

    def is_short(self, v: Value) -> bool:
        """True when ``v`` is called by a name (a label, ``v3``, ``L``) rather than a formula."""
        return self._kind[v] in ("given", "numbered", "root")

    def formula(self, v: Value) -> str:
        """How the computed value ``v`` was made from its inputs: ``a*b``, ``tanh(n)``."""
        return self._formulas[v][0]

    def bare(self, v: Value) -> str:
        """``v`` written as a formula on its own: ``b``, ``a*b``, ``-1``."""
        return self._embed[v][0]

    def operand(self, v: Value, prec: int, right: bool = False) -> str:
        """``v`` written as an operand of an operator that binds with ``prec``."""
        text, own = self._embed[v]
        if own < prec or (right and own == prec and prec != _ATOM):
            return f"({text})"
        return text

    def title(self, v: Value) -> str:
        """``e = a*b`` for a named value, ``a*b`` for one called by its formula."""
        name = self.names[v]
        if v not in self._formulas:
            return name
        text = self._formulas[v][0]
        return text if name in (text, f"({text})") else f"{name} = {text}"

    def definition(self, v: Value) -> str:
        """What a numbered name stands for: its formula, or a constant's exact number."""
        return self._formulas[v][0] if v.inputs else repr(v.data)

    def picture_label(self, v: Value) -> str:
        """The name a picture shows on ``v``'s box: its label, or its formula, or "".

        A box has room for a longer formula than a line of text (up to
        ``PICTURE_FORMULA`` characters), but a picture shows no ``v1``, ``v2``,
        ..., so a formula that mentions one (``relu(v1)``) is not shown either.
        """
        kind = self._kind[v]
        if kind == "given":
            return self.names[v]
        if v not in self._formulas or len(self._formulas[v][0]) > PICTURE_FORMULA:
            return ""
        return "" if self.numbered_in(v.inputs) else self._formulas[v][0]

    def numbered_in(self, values: Iterable[Value]) -> list[Value]:
        """The numbered values that the names of ``values`` mention, in graph order.

        ``v3`` mentions itself; a value called by its formula (``relu(v3)``)
        mentions what its inputs' names mention.
        """
        seen: set[Value] = set()
        stack = list(values)
        while stack:
            v = stack.pop()
            if v not in seen:
                seen.add(v)
                if self._kind[v] in ("formula", "root"):
                    stack.extend(v.inputs)
        return sorted((v for v in seen if v in self._rank), key=self._rank.__getitem__)

    # -- formulas ------------------------------------------------------------------

    def _formula_of(self, v: Value) -> tuple[str, int]:
        """``v``'s formula from its inputs' names, and how tightly it binds."""
        op, ins = v.op, v.inputs
        if len(ins) == 2 and op in ("+", "*", "/", "**"):
            prec = {"+": _SUM, "*": _PRODUCT, "/": _PRODUCT, "**": _POWER}[op]
            left = self.operand(ins[0], prec + 1 if op == "**" else prec)
            right = self.operand(ins[1], prec + 1 if op == "**" else prec, right=True)
            return (f"{left} + {right}" if op == "+" else f"{left}{op}{right}"), prec
        if op.startswith("**") and len(ins) == 1:
            return f"{self.operand(ins[0], _POWER + 1)}{op}", _POWER
        if op == "dot":
            return self._dot_formula(ins)
        return f"{op or '?'}({', '.join(self.bare(x) for x in ins)})", _ATOM

    def _dot_formula(self, ins: tuple[Value, ...]) -> tuple[str, int]:
        weights, xs, bias = dot_parts(ins)
        terms = [
            f"{self.operand(w, _PRODUCT)}*{self.operand(x, _PRODUCT, True)}"
            for w, x in zip(weights, xs)
        ]
        if len(terms) > _DOT_TERMS:
            terms = [*terms[:2], "...", terms[-1]]
        if bias is not None:
            terms.append(self.operand(bias, _SUM, True))
        return (" + ".join(terms), _SUM) if terms else ("0", _ATOM)


# -- local derivatives --------------------------------------------------------------------


def _power_rule(k: float, base: str) -> str:
    """d(x**k)/dx for a number k, with ``base`` the operand text of x."""
    if k == 0:
        return "0"
    if k == 1:
        return "1"
    if k == 2:
        return f"2*{base}"
    return f"{format_number(k)}*{base}**{format_number(k - 1)}"


def _pow_formula(out: Value, i: int, nm: Namer) -> str:
    """d(a**b)/da = b*a**(b - 1) and d(a**b)/db = a**b*log(a)."""
    a, b = out.inputs
    base = nm.operand(a, _POWER + 1)
    if i == 1:
        return f"{base}**{nm.operand(b, _POWER + 1)}*log({nm.bare(a)})"
    if not b.inputs and not b.label:  # a number: the power rule with its value
        return _power_rule(b.data, base)
    return f"{nm.operand(b, _PRODUCT)}*{base}**({nm.bare(b)} - 1)"


def _activation_formula(out: Value, nm: Namer) -> str:
    """The local derivative of tanh and sigmoid, written with the output's own name."""
    x = out.inputs[0]
    o = nm.operand(out, _POWER + 1) if nm.is_short(out) else f"{out.op}({nm.bare(x)})"
    return f"1 - {o}**2" if out.op == "tanh" else f"{o}*(1 - {o})"


def _dot_local(out: Value, i: int, nm: Namer) -> str:
    weights, xs, _ = dot_parts(out.inputs)
    k = len(weights)
    if i < k:
        return nm.bare(xs[i])
    return nm.bare(weights[i - k]) if i < 2 * k else "1"


def local_formula(out: Value, i: int, nm: Namer) -> str:
    """The formula of d(out)/d(input i), written with the graph's names ("" if unknown)."""
    op, ins = out.op, out.inputs
    x = ins[i]
    binary = len(ins) == 2
    if op == "+":
        return "1"
    if op == "*" and binary:
        return nm.bare(ins[1 - i])
    if op == "/" and binary:
        b = nm.operand(ins[1], _POWER + 1)
        return f"1/{b}" if i == 0 else f"-{nm.operand(ins[0], _PRODUCT)}/{b}**2"
    if op == "**" and binary:
        return _pow_formula(out, i, nm)
    if op.startswith("**") and len(ins) == 1:
        try:
            return _power_rule(float(op[2:]), nm.operand(x, _POWER + 1))
        except ValueError:
            return ""
    simple = {
        "exp": lambda: f"exp({nm.bare(x)})",
        "log": lambda: f"1/{nm.operand(x, _ATOM)}",
        "relu": lambda: f"1 if {nm.operand(x, _SUM + 1)} > 0 else 0",
        "step": lambda: "0",
        "abs": lambda: f"sign({nm.bare(x)})",
        "bce": lambda: (
            f"({nm.bare(x)} - t)/({nm.operand(x, _PRODUCT)}*(1 - {nm.operand(x, _SUM, True)})*n)"
        ),
    }
    if op in simple and len(ins) == 1:
        return simple[op]()
    if op in ("tanh", "sigmoid") and len(ins) == 1:
        return _activation_formula(out, nm)
    if op == "dot":
        return _dot_local(out, i, nm)
    return ""
