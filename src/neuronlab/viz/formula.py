"""Formulas of named inputs, read safely and turned into a graph of Values.

``evaluate("(a*b + c) * f", {"a": 2, "b": -3, "c": 10, "f": -2})`` builds the
same graph as writing the Python by hand, and returns its output Value and the
input Values.  This is what ``neuronlab graph "EXPR" --set a=2 ...`` runs.

The formula is read by a small parser of its own, not by ``eval``: it knows
numbers, the given input names, ``+ - * / **``, unary minus, parentheses and
the functions ``exp log tanh sigmoid relu`` -- and nothing else, so a formula
cannot reach attributes, subscripts, other functions or any Python object.
Grammar (``**`` takes a number: ``a**2``, ``a**-1``, ``a**(0.5)``)::

    formula := [NAME "="] sum
    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := ("-" | "+") unary | power
    power   := atom ["**" exponent]
    atom    := NUMBER | NAME | FUNCTION "(" sum ")" | "(" sum ")"

A bad formula raises ``FormulaError`` with the position of the problem.
"""

from __future__ import annotations

import keyword
import numbers
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..engine import Value
from ..util.numbers import format_number
from .nodes import d_of

__all__ = [
    "FUNCTIONS",
    "Formula",
    "FormulaError",
    "parse",
    "evaluate",
    "parse_assignments",
    "graph_command",
    "caret",
]

#: The functions a formula may call, each with one argument.
FUNCTIONS = ("exp", "log", "tanh", "sigmoid", "relu")

MAX_LENGTH = 2000  # characters
MAX_DEPTH = 100  # nested parentheses, calls and signs

_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_NAME = re.compile(r"[^\W\d]\w*")
_SYMBOLS = ("**", "+", "-", "*", "/", "(", ")", "=")
_NOT_ALLOWED = {
    "//": "integer division '//' is not allowed (use /)",
    "%": "the operator '%' is not allowed (use + - * / **)",
    "^": "'^' is not allowed: for powers write ** (like a**2)",
    "@": "the operator '@' is not allowed (use + - * / **)",
    "&": "the operator '&' is not allowed (use + - * / **)",
    "|": "the operator '|' is not allowed (use + - * / **)",
    "~": "the operator '~' is not allowed (use + - * / **)",
    "<": "comparisons are not allowed",
    ">": "comparisons are not allowed",
    "!": "'!' is not allowed",
    "==": "comparisons are not allowed",
    ".": "attribute access ('.') is not allowed",
    "[": "subscripts ('[') are not allowed",
    "]": "subscripts (']') are not allowed",
    "{": "'{' is not allowed",
    "}": "'}' is not allowed",
    ",": "',' is not allowed here: each function takes one argument",
    ";": "';' is not allowed: a formula is one expression",
    ":": "':' is not allowed",
    "'": "strings are not allowed",
    '"': "strings are not allowed",
    "\\": "'\\' is not allowed",
    "#": "comments are not allowed",
    "$": "'$' is not allowed",
    "?": "'?' is not allowed",
    "`": "'`' is not allowed",
}


def caret(expr: str, position: int, indent: str = "  ") -> str:
    """Two lines: ``expr`` and a ``^`` under the character at ``position`` (0-based)."""
    shown = expr.replace("\t", " ").replace("\n", " ")
    position = max(0, min(position, len(shown)))
    return f"{indent}{shown}\n{indent}{' ' * position}^"


class FormulaError(ValueError):
    """A formula that cannot be read or evaluated, with where the problem is.

    ``position`` is the 0-based index of the offending character in ``expr``;
    ``column`` (1-based) is what the message shows:
    ``formula error at column 5: unknown name 'x' (inputs: a, b, c, f)``.
    ``caret()`` gives the formula with a ``^`` under that column.
    """

    def __init__(self, message: str, position: int, expr: str = "") -> None:
        self.message = message
        self.position = max(0, int(position))
        self.expr = expr
        super().__init__(f"formula error at column {self.column}: {message}")

    @property
    def column(self) -> int:
        """The 1-based column of the problem."""
        return self.position + 1

    def caret(self) -> str:
        """The formula, and a ``^`` under the offending position (two lines)."""
        return caret(self.expr, self.position)


# -- tokens ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "name", a symbol from _SYMBOLS, or "end"
    text: str
    pos: int


class _Lexer:
    """Hands out one token at a time, so errors come in reading order."""

    def __init__(self, expr: str) -> None:
        self.expr = expr
        self.i = 0
        self._peeked: _Token | None = None

    def fail(self, message: str, pos: int) -> FormulaError:
        return FormulaError(message, pos, self.expr)

    def peek(self) -> _Token:
        if self._peeked is None:
            self._peeked = self._read()
        return self._peeked

    def next(self) -> _Token:
        tok = self.peek()
        self._peeked = None
        return tok

    def _read(self) -> _Token:
        s, i = self.expr, self.i
        while i < len(s) and s[i].isspace():
            i += 1
        if i == len(s):
            self.i = i
            return _Token("end", "", i)
        m = _NUMBER.match(s, i)
        if m:
            end = m.end()
            if end < len(s) and (s[end].isalnum() or s[end] == "_"):
                tail = _NAME.match(s, end)
                word = tail.group() if tail else s[end]
                raise self.fail(
                    f"missing operator between {m.group()!r} and {word!r} "
                    f"(write {m.group()}*{word})",
                    end,
                )
            self.i = end
            return _Token("number", m.group(), i)
        m = _NAME.match(s, i)
        if m:
            self.i = m.end()
            return _Token("name", m.group(), i)
        for sym in ("//", "==", "**", *_SYMBOLS):
            if s.startswith(sym, i):
                if sym in _NOT_ALLOWED:
                    raise self.fail(_NOT_ALLOWED[sym], i)
                self.i = i + len(sym)
                return _Token(sym, sym, i)
        ch = s[i]
        raise self.fail(_NOT_ALLOWED.get(ch, f"unexpected character {ch!r}"), i)


# -- the parsed formula: a small stack program ------------------------------------


@dataclass(frozen=True)
class Formula:
    """A formula that has been read and checked, ready to evaluate any number of times.

    ``inputs`` are the input names it uses, in order of first use;
    ``output_name`` labels its output (``L`` in ``"L = d*f"``, else ``"out"``);
    ``body`` is the formula without that ``L =``.
    """

    expr: str
    output_name: str
    inputs: tuple[str, ...]
    body: str
    _program: tuple[tuple, ...]
    _first_use: Mapping[str, int]

    def evaluate(self, values: Mapping[str, float | Value]) -> tuple[Value, dict[str, Value]]:
        """Build the graph: ``(output Value, {name: input Value})``.

        ``values`` gives a number (or an existing Value) for every input name;
        numbers become leaves labelled with their names.  Names that the
        formula does not use are ignored.
        """
        if not isinstance(values, Mapping):
            raise TypeError(
                f"evaluate: values must be a dict of name -> number, got {values!r:.60}"
            )
        leaves: dict[str, Value] = {}
        for name in self.inputs:
            if name not in values:
                given = ", ".join(values) or "none"
                raise FormulaError(
                    f"no value for {name!r} (values given: {given})",
                    self._first_use[name],
                    self.expr,
                )
            x = values[name]
            if type(x) is Value:
                leaves[name] = x
            elif isinstance(x, numbers.Real) and not isinstance(x, bool):
                leaves[name] = Value(float(x), label=name)
            else:
                raise TypeError(f"evaluate: the value of {name!r} must be a number, got {x!r:.60}")
        stack: list[Value] = []
        for ins in self._program:
            op = ins[0]
            if op == "num":
                stack.append(Value(ins[1]))
            elif op == "name":
                stack.append(leaves[ins[1]])
            elif op == "neg":
                stack.append(-stack.pop())
            elif op == "pow":
                stack.append(stack.pop() ** ins[1])
            elif op == "call":
                stack.append(getattr(stack.pop(), ins[1])())
            else:
                right, left = stack.pop(), stack.pop()
                if op == "+":
                    stack.append(left + right)
                elif op == "-":
                    stack.append(left - right)
                elif op == "*":
                    stack.append(left * right)
                else:
                    stack.append(left / right)
        (out,) = stack
        if out.inputs and not out.label:
            out.label = self.output_name
        return out, leaves


class _Parser:
    """Recursive descent over the grammar in the module docstring, emitting a stack program."""

    def __init__(self, expr: str, names: frozenset[str] | None) -> None:
        self.lex = _Lexer(expr)
        self.expr = expr
        self.names = names
        self.program: list[tuple] = []
        self.inputs: dict[str, int] = {}  # name -> position of first use
        self.depth = 0
        self.body_start = 0

    def fail(self, message: str, pos: int) -> FormulaError:
        return FormulaError(message, pos, self.expr)

    def _deeper(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"the formula is nested too deeply (more than {MAX_DEPTH} levels)", pos)

    def _expected(self, tok: _Token, what: str) -> FormulaError:
        if tok.kind == "end":
            return self.fail(f"unexpected end of formula: expected {what}", tok.pos)
        if tok.kind == ")":
            return self.fail(f"unexpected ')': expected {what}", tok.pos)
        return self.fail(f"unexpected {tok.text!r}: expected {what}", tok.pos)

    def formula(self) -> str:
        output = "out"
        first = self.lex.peek()
        if first.kind == "name":
            rest = self.expr[self.lex.i :].lstrip()
            if rest.startswith("=") and not rest.startswith("=="):
                if first.text in FUNCTIONS or keyword.iskeyword(first.text):
                    raise self.fail(f"{first.text!r} cannot name the output", first.pos)
                output = first.text
                self.lex.next()
                self.body_start = self.lex.next().pos + 1  # after the "="
        if self.lex.peek().kind == "end":
            raise self.fail("the formula is empty", self.lex.peek().pos)
        self.sum()
        tok = self.lex.peek()
        if tok.kind != "end":
            if tok.kind == ")":
                raise self.fail("unmatched ')'", tok.pos)
            if tok.kind == "=":
                raise self.fail(
                    "'=' is only allowed once, after the output's name (like L = a*b)", tok.pos
                )
            raise self.fail(
                f"missing operator before {tok.text!r} (use + - * / ** between terms)", tok.pos
            )
        if output in self.inputs or (self.names is not None and output in self.names):
            raise self.fail(f"the output's name {output!r} is also an input", first.pos)
        return output

    def sum(self) -> None:
        self.product()
        while self.lex.peek().kind in ("+", "-"):
            op = self.lex.next().kind
            self.product()
            self.program.append((op,))

    def product(self) -> None:
        self.unary()
        while self.lex.peek().kind in ("*", "/"):
            op = self.lex.next().kind
            self.unary()
            self.program.append((op,))

    def unary(self) -> None:
        tok = self.lex.peek()
        if tok.kind in ("-", "+"):
            self.lex.next()
            self._deeper(tok.pos)
            self.unary()
            self.depth -= 1
            if tok.kind == "-":
                self.program.append(("neg",))
            return
        self.power()

    def power(self) -> None:
        self.atom()
        if self.lex.peek().kind != "**":
            return
        self.lex.next()
        k = self.exponent()
        self.program.append(("pow", k))
        tok = self.lex.peek()
        if tok.kind == "**":
            raise self.fail("chained ** is ambiguous: add parentheses, like (a**2)**3", tok.pos)

    def exponent(self) -> float:
        """A number, optionally signed or in parentheses: ``2``, ``-1``, ``(-0.5)``."""
        tok = self.lex.peek()
        closing = tok.kind == "("
        if closing:
            self.lex.next()
        sign = 1.0
        tok = self.lex.next()
        start = tok.pos
        if tok.kind in ("-", "+"):
            sign = -1.0 if tok.kind == "-" else 1.0
            tok = self.lex.next()
        if tok.kind != "number":
            got = "the end of the formula" if tok.kind == "end" else repr(tok.text)
            raise self.fail(
                f"the exponent of ** must be a number (like a**2 or a**-1), got {got}",
                tok.pos if tok.kind != "end" else start,
            )
        if closing:
            end = self.lex.next()
            if end.kind != ")":
                raise self.fail(
                    "the exponent of ** must be a number (like a**2 or a**(-1))", end.pos
                )
        return sign * float(tok.text)

    def atom(self) -> None:
        tok = self.lex.next()
        if tok.kind == "number":
            self.program.append(("num", float(tok.text)))
        elif tok.kind == "(":
            self._deeper(tok.pos)
            self.sum()
            self.depth -= 1
            end = self.lex.next()
            if end.kind != ")":
                if end.kind == "end":
                    raise self.fail(
                        f"missing ')' to close the '(' at column {tok.pos + 1}", end.pos
                    )
                raise self._expected(end, "')'")
        elif tok.kind == "name":
            self.name(tok)
        else:
            raise self._expected(tok, "a number, a name or '('")

    def name(self, tok: _Token) -> None:
        name = tok.text
        if keyword.iskeyword(name):
            raise self.fail(f"{name!r} is not allowed (a Python keyword)", tok.pos)
        is_call = self.lex.peek().kind == "("
        if name in FUNCTIONS:
            if not is_call:
                raise self.fail(f"{name!r} is a function: write {name}(...)", tok.pos)
            self.lex.next()
            self._deeper(tok.pos)
            if self.lex.peek().kind == ")":
                raise self.fail(f"{name}() needs one argument", self.lex.peek().pos)
            self.sum()
            self.depth -= 1
            end = self.lex.peek()
            if end.kind != ")":
                if end.kind == "end":
                    raise self.fail(f"missing ')' to close {name}(", end.pos)
                raise self._expected(end, "')'")
            self.lex.next()
            self.program.append(("call", name))
            return
        if is_call:
            raise self.fail(
                f"calling {name!r} is not allowed (functions: {', '.join(FUNCTIONS)})", tok.pos
            )
        if self.names is not None and name not in self.names:
            given = ", ".join(sorted(self.names)) or "none"
            raise self.fail(f"unknown name {name!r} (inputs: {given})", tok.pos)
        self.inputs.setdefault(name, tok.pos)
        self.program.append(("name", name))


def _check_names(names: Iterable[str]) -> frozenset[str]:
    if isinstance(names, str):
        raise TypeError("parse(names=): expected a list of input names, not one string")
    out = set()
    for n in names:
        if not isinstance(n, str) or not n.isidentifier() or keyword.iskeyword(n):
            raise ValueError(f"input name {n!r} is not a valid name (letters, digits, _)")
        if n in FUNCTIONS:
            raise ValueError(f"input name {n!r} is taken by the function {n}()")
        out.add(n)
    return frozenset(out)


def parse(expr: str, names: Iterable[str] | None = None) -> Formula:
    """Read and check a formula; ``names`` (if given) are the only input names allowed.

    Raises ``FormulaError`` (a ``ValueError``) with the position of the first
    problem: an unknown name, a call to anything but the allowed functions,
    attribute access, subscripts, an exponent that is not a number, or any
    malformed input.
    """
    if not isinstance(expr, str):
        raise TypeError(f"parse: expected the formula as a str, got {type(expr).__name__}")
    allowed = None if names is None else _check_names(names)
    if len(expr) > MAX_LENGTH:
        raise FormulaError(
            f"the formula is too long ({len(expr)} characters; at most {MAX_LENGTH})",
            MAX_LENGTH,
            expr,
        )
    p = _Parser(expr, allowed)
    output = p.formula()
    body = expr[p.body_start :].strip()
    return Formula(expr, output, tuple(p.inputs), body, tuple(p.program), dict(p.inputs))


def evaluate(expr: str, values: Mapping[str, float]) -> tuple[Value, dict[str, Value]]:
    """Read ``expr`` and build its graph from ``values``: ``(output, {name: input Value})``.

    >>> out, inputs = evaluate("L = (a*b + c) * f", {"a": 2, "b": -3, "c": 10, "f": -2})
    >>> out.data, out.label
    (-8.0, 'L')
    """
    if not isinstance(values, Mapping):
        raise TypeError(f"evaluate: values must be a dict of name -> number, got {values!r:.60}")
    return parse(expr, list(values)).evaluate(values)


# -- the `neuronlab graph` command -------------------------------------------------


def parse_assignments(items: Sequence[str]) -> dict[str, float]:
    """``["a=2", "b=-3"]`` -> ``{"a": 2.0, "b": -3.0}``, with a one-line ``ValueError`` if bad."""
    if isinstance(items, str):
        items = [items]
    values: dict[str, float] = {}
    for item in items:
        if not isinstance(item, str) or "=" not in item:
            raise ValueError(f"--set {item!r}: expected NAME=NUMBER, like a=2")
        name, _, text = item.partition("=")
        name, text = name.strip(), text.strip()
        if not name.isidentifier() or keyword.iskeyword(name):
            raise ValueError(f"--set {item!r}: {name!r} is not a valid name (letters, digits, _)")
        if name in FUNCTIONS:
            raise ValueError(f"--set {item!r}: {name!r} is a function name; choose another name")
        if name in values:
            raise ValueError(f"--set: {name!r} is given twice")
        try:
            x = float(text)
        except ValueError:
            raise ValueError(f"--set {item!r}: {text!r} is not a number") from None
        values[name] = x
    return values


def graph_command(
    expr: str,
    assignments: Sequence[str],
    out: str | None = None,
    explain: bool = False,
) -> str:
    """What ``neuronlab graph "EXPR" --set a=2 ... [-o FILE] [--explain]`` does; returns its text.

    Evaluates the formula, runs ``backward()``, and reports the output and every
    input's gradient; with ``out``, also saves the graph picture there (SVG,
    PNG or PDF by extension); with ``explain``, adds the chain-rule steps.
    Bad input raises ``FormulaError`` or ``ValueError`` with a one-line message.
    """

    values = parse_assignments(assignments)
    formula = parse(expr, values)  # a name without --set is an unknown name
    output, leaves = formula.evaluate(values)
    output.backward()
    name = output.label or formula.output_name
    lines = [f"{name} = {' '.join(formula.body.split())} = {format_number(output.data)}"]
    if leaves:
        lines.append("gradients:")
        for n in values:
            if n in leaves:
                lines.append(f"  {d_of(name)}/{d_of(n)} = {format_number(leaves[n].grad)}")
    unused = [n for n in values if n not in leaves]
    if unused:
        lines.append(f"note: not used in the formula: {', '.join(unused)}")
    if out is not None:
        from .graph import draw_graph

        path = draw_graph(output).save(out)
        lines.append(f"graph written to {path}")
    if explain:
        from .explain import explain as explain_

        lines += ["", explain_(output, show=False).text]
    return "\n".join(lines)
