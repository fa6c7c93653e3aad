"""Formulas of named inputs, read safely and turned into a graph of Values.

``evaluate("(a*b + c) * f", {"a": 2, "b": -3, "c": 10, "f": -2})`` builds the
same graph as writing the Python by hand, and returns its output Value and the
input Values.  This is what ``neuronlab graph "EXPR" --set a=2 ...`` runs.

A formula may name its intermediate values, one statement each, separated by
``;``: ``"e = a*b; d = e + c; L = d*f"`` is the design's worked example, with
``e``, ``d`` and ``L`` as the labels of the values they name.  The last
statement is the output; every name before it must lead to it.

The formula is read by a small parser of its own, not by ``eval``: it knows
numbers, the given input names, the names defined before, ``+ - * / **``,
unary minus, parentheses and the functions ``exp log tanh sigmoid relu`` --
and nothing else, so a formula cannot reach attributes, subscripts, other
functions or any Python object.  Grammar (``**`` takes a number: ``a**2``,
``a**-1``, ``a**(0.5)``)::

    formula   := statement (";" statement)* [";"]
    statement := [NAME "="] sum
    sum       := product (("+" | "-") product)*
    product   := unary (("*" | "/") unary)*
    unary     := ("-" | "+") unary | power
    power     := atom ["**" exponent]
    atom      := NUMBER | NAME | FUNCTION "(" sum ")" | "(" sum ")"

A bad formula raises ``FormulaError`` with the position of the problem.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..engine import Value
from ..nn.engines import SCALAR
from ..util.checks import real_number
from ..util.numbers import format_number
from .nodes import d_of

__all__ = [
    "FUNCTIONS",
    "Formula",
    "FormulaError",
    "Statement",
    "caret",
    "evaluate",
    "graph_command",
    "parse",
    "parse_assignments",
]

#: The functions a formula may call, each with one argument.
FUNCTIONS = ("exp", "log", "tanh", "sigmoid", "relu")

MAX_LENGTH = 2000  # characters
MAX_DEPTH = 100  # nested parentheses, calls and signs

_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_NAME = re.compile(r"[^\W\d]\w*")
_SYMBOLS = ("**", "+", "-", "*", "/", "(", ")", "=", ";")
_DEFINITION = re.compile(r"\s*([^\W\d]\w*)\s*=(?!=)")  # the "e =" that opens a statement
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
        """A ``FormulaError`` at ``pos`` of this formula."""
        return FormulaError(message, pos, self.expr)

    def peek(self) -> _Token:
        """The next token, without taking it."""
        if self._peeked is None:
            self._peeked = self._read()
        return self._peeked

    def next(self) -> _Token:
        """Take the next token."""
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


# -- the parsed formula: a small stack program per statement --------------------------


_Program = tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Statement:
    """One statement of a formula: ``name = body`` (``name`` is "" for an unnamed output).

    ``position`` is where the statement starts in the formula; ``program`` is
    the stack program that computes its value.
    """

    name: str
    body: str
    position: int
    program: _Program = field(repr=False)


@dataclass(frozen=True)
class Formula:
    """A formula that has been read and checked, ready to evaluate any number of times.

    ``inputs`` are the input names it uses, in order of first use;
    ``statements`` its statements in order, the last one the output;
    ``output_name`` labels the output (``L`` in ``"... ; L = d*f"``, else ``"out"``);
    ``body`` is the output's formula without its ``L =``; ``intermediates``
    the names given to values before the output (``e`` and ``d``).
    """

    expr: str
    output_name: str
    inputs: tuple[str, ...]
    statements: tuple[Statement, ...]
    _first_use: Mapping[str, int] = field(repr=False)

    @property
    def body(self) -> str:
        """The output's formula, without the ``L =`` that names it."""
        return self.statements[-1].body

    @property
    def intermediates(self) -> tuple[str, ...]:
        """The names the formula gives to values before its output, in order."""
        return tuple(s.name for s in self.statements[:-1])

    def evaluate(self, values: Mapping[str, float | Value]) -> tuple[Value, dict[str, Value]]:
        """Build the graph: ``(output Value, {name: input Value})``.

        ``values`` gives a number (or an existing Value) for every input name;
        numbers become leaves labelled with their names, and each named
        intermediate is labelled with its name.  Names that the formula does
        not use are ignored.
        """
        out, leaves, _ = self._build(values)
        return out, leaves

    def _build(
        self, values: Mapping[str, float | Value]
    ) -> tuple[Value, dict[str, Value], dict[str, Value]]:
        """The output, the input leaves by name, and the named intermediates by name."""
        leaves = self._leaves(values)
        named: dict[str, Value] = {}
        for statement in self.statements[:-1]:
            value = _run(statement.program, leaves, named)
            value.label = statement.name  # a node of its own: a statement is never just a name
            named[statement.name] = value
        out = _run(self.statements[-1].program, leaves, named)
        if out.inputs and not out.label:
            out.label = self.output_name
        return out, leaves, named

    def _leaves(self, values: Mapping[str, float | Value]) -> dict[str, Value]:
        """The input Values, made from ``values`` and checked."""
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
            if SCALAR.is_node(x):
                leaves[name] = x
            else:
                number = real_number(x, f"evaluate({name})", finite=False)
                leaves[name] = Value(number, label=name)
        return leaves


def _run(program: _Program, leaves: Mapping[str, Value], named: Mapping[str, Value]) -> Value:
    """Run one statement's stack program and return its value."""
    stack: list[Value] = []
    for ins in program:
        op = ins[0]
        if op == "num":
            stack.append(Value(ins[1]))
        elif op == "name":
            stack.append(leaves[ins[1]])
        elif op == "ref":
            stack.append(named[ins[1]])
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
    return out


def _definitions(expr: str) -> dict[str, int]:
    """Each name that some statement defines, with the position of its last definition."""
    found: dict[str, int] = {}
    start = 0
    for part in expr.split(";"):
        m = _DEFINITION.match(part)
        if m:
            found[m.group(1)] = start + m.start(1)
        start += len(part) + 1
    return found


class _Parser:
    """Recursive descent over the grammar in the module docstring, emitting stack programs."""

    def __init__(self, expr: str, names: frozenset[str] | None) -> None:
        self.lex = _Lexer(expr)
        self.expr = expr
        self.names = names
        self.program: list[tuple[Any, ...]] = []  # the statement being read
        self.statements: list[Statement] = []
        self.inputs: dict[str, int] = {}  # name -> position of first use
        self.defined: dict[str, int] = {}  # name -> position of its definition
        self.used: set[str] = set()  # defined names used by a later statement
        self.later = _definitions(expr)  # names some statement defines
        self.current = ""  # the name the statement being read defines
        self.depth = 0

    def fail(self, message: str, pos: int) -> FormulaError:
        """A ``FormulaError`` at ``pos`` of this formula."""
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

    # -- statements -----------------------------------------------------------------

    def formula(self) -> None:
        """Read every statement, then check that each named value leads to the output."""
        while True:
            self.statement()
            tok = self.lex.next()
            if tok.kind == "end" or (tok.kind == ";" and self.lex.peek().kind == "end"):
                self._check_statement()
                break
            if tok.kind != ";":
                raise self._after_statement(tok)
            self._check_statement()
            last = self.statements[-1]
            if not last.name:
                raise self.fail(
                    "only the last statement (the output) may go without a name: "
                    "write it as name = ..., like e = a*b; L = e*c",
                    last.position,
                )
        for statement in self.statements[:-1]:
            if statement.name not in self.used:
                raise self.fail(
                    f"{statement.name!r} is defined but never used: the last statement "
                    "is the output, and every value named before it must lead to it",
                    self.defined[statement.name],
                )

    def _after_statement(self, tok: _Token) -> FormulaError:
        """The error for a token where a statement should have ended."""
        if tok.kind == ")":
            return self.fail("unmatched ')'", tok.pos)
        if tok.kind == "=":
            return self.fail(
                "'=' is only allowed once per statement, after its name (like L = a*b)", tok.pos
            )
        return self.fail(
            f"missing operator before {tok.text!r} (use + - * / ** between terms, "
            "; between statements)",
            tok.pos,
        )

    def statement(self) -> None:
        """``[NAME =] sum``: read one statement into ``self.statements``."""
        first = self.lex.peek()
        name = self.current = self._definition() if first.kind == "name" else ""
        start = self.lex.peek()
        if start.kind in ("end", ";"):
            what = "the formula is empty" if not self.statements else "empty statement"
            raise self.fail(what if not name else f"nothing after '{name} ='", start.pos)
        self.program = []
        self.sum()
        body = self.expr[start.pos : self.lex.peek().pos].strip()
        self.statements.append(Statement(name, body, first.pos, tuple(self.program)))

    def _check_statement(self) -> None:
        """Once a statement has ended well: it must make a value of its own, and be named
        unless it is the last."""
        last = self.statements[-1]
        if last.name and len(last.program) == 1 and last.program[0][0] in ("name", "ref"):
            other = last.program[0][1]
            raise self.fail(
                f"{last.name} = {other} only gives {other!r} a second name: use {other} itself",
                last.position,
            )
        if last.name:
            self.defined[last.name] = last.position

    def _definition(self) -> str:
        """The ``NAME =`` that opens a statement, checked, or "" when there is none."""
        first = self.lex.peek()
        rest = self.expr[self.lex.i :].lstrip()
        if not rest.startswith("=") or rest.startswith("=="):
            return ""
        name = first.text
        if name in FUNCTIONS or keyword.iskeyword(name):
            raise self.fail(
                f"{name!r} cannot name a value (it is a function or a keyword)", first.pos
            )
        if name in self.defined:
            raise self.fail(
                f"{name!r} is defined twice (first at column {self.defined[name] + 1})", first.pos
            )
        if name in self.inputs or (self.names is not None and name in self.names):
            raise self.fail(
                f"{name!r} is an input (it has a value), so it cannot be defined", first.pos
            )
        self.lex.next()
        self.lex.next()  # the "="
        return name

    # -- expressions --------------------------------------------------------------------

    def sum(self) -> None:
        """``product (("+" | "-") product)*``"""
        self.product()
        while self.lex.peek().kind in ("+", "-"):
            op = self.lex.next().kind
            self.product()
            self.program.append((op,))

    def product(self) -> None:
        """``unary (("*" | "/") unary)*``"""
        self.unary()
        while self.lex.peek().kind in ("*", "/"):
            op = self.lex.next().kind
            self.unary()
            self.program.append((op,))

    def unary(self) -> None:
        """``("-" | "+") unary | power``"""
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
        """``atom ["**" exponent]``"""
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
        """``NUMBER | NAME | FUNCTION "(" sum ")" | "(" sum ")"``"""
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
        """A name in a formula: a function call, a defined value or an input."""
        name = tok.text
        if keyword.iskeyword(name):
            raise self.fail(f"{name!r} is not allowed (a Python keyword)", tok.pos)
        if name in FUNCTIONS:
            self.call(tok)
            return
        if self.lex.peek().kind == "(":
            raise self.fail(
                f"calling {name!r} is not allowed (functions: {', '.join(FUNCTIONS)})", tok.pos
            )
        self.variable(tok)

    def call(self, tok: _Token) -> None:
        """``FUNCTION "(" sum ")"``, with ``tok`` the function's name."""
        name = tok.text
        if self.lex.peek().kind != "(":
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

    def variable(self, tok: _Token) -> None:
        """A name: a value defined before, or an input."""
        name = tok.text
        if name in self.defined:
            self.used.add(name)
            self.program.append(("ref", name))
            return
        given = self.names is not None and name in self.names
        if name == self.current and not given:
            raise self.fail(f"{name!r} is used in its own definition", tok.pos)
        if name in self.later and not given:
            where = self.later[name]
            raise self.fail(
                f"{name!r} is used before it is defined (at column {where + 1})", tok.pos
            )
        if self.names is not None and not given:
            inputs = ", ".join(sorted(self.names or ())) or "none"
            defined = f"; defined so far: {', '.join(self.defined)}" if self.defined else ""
            raise self.fail(f"unknown name {name!r} (inputs: {inputs}{defined})", tok.pos)
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
    attribute access, subscripts, an exponent that is not a number, a name
    defined twice, used before its definition, defined but not leading to the
    output, or also given as an input, or any malformed input.

    >>> f = parse("e = a*b; d = e + c; L = d*f")
    >>> f.inputs, f.intermediates, f.output_name, f.body
    (('a', 'b', 'c', 'f'), ('e', 'd'), 'L', 'd*f')
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
    p.formula()
    output = p.statements[-1].name or "out"
    return Formula(expr, output, tuple(p.inputs), tuple(p.statements), dict(p.inputs))


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

    Evaluates the formula, runs ``backward()``, and reports each statement's
    value and the gradient of the output with respect to every input and
    every named intermediate; with ``out``, also saves the graph picture there
    (SVG, PNG or PDF by extension); with ``explain``, adds the chain-rule steps.
    Bad input raises ``FormulaError`` or ``ValueError`` with a one-line message.
    """
    values = parse_assignments(assignments)
    formula = parse(expr, values)  # a name without --set is an unknown name
    output, leaves, named = formula._build(values)
    output.backward()
    name = output.label or formula.output_name
    lines = [
        f"{s.name} = {' '.join(s.body.split())} = {format_number(named[s.name].data)}"
        for s in formula.statements[:-1]
    ]
    lines.append(f"{name} = {' '.join(formula.body.split())} = {format_number(output.data)}")
    wrt = [(n, leaves[n]) for n in values if n in leaves] + list(named.items())
    if wrt:
        lines.append("gradients:")
        lines += [f"  {d_of(name)}/{d_of(n)} = {format_number(v.grad)}" for n, v in wrt]
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
