"""Broken solutions of exercises 05-07: the reference solution with one usual mistake each.

Each ``Broken`` replaces ``old`` (found exactly once in the reference
solution) with ``new``; the check must then fail and say ``expect`` in a
failed finding (its message, details or likely mistake).
"""

from __future__ import annotations

from dataclasses import dataclass

from workbook.reference import change, solution

FILES = {"05": "05_value.py", "06": "06_backward.py", "07": "07_more_ops.py"}


@dataclass(frozen=True)
class Broken:
    """One usual mistake: where it goes in the reference solution, and what the check says."""

    exercise: str
    name: str
    old: str
    new: str
    expect: str
    also: tuple[str, str] = ("", "")  # a second change (old, new), when the mistake takes two

    def text(self) -> str:
        """The reference solution with the mistake in it."""
        text = change(solution(self.exercise), self.old, self.new)
        return change(text, *self.also) if self.also[0] else text


ADD_BACKWARD = """            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad"""
MUL_BACKWARD = """            self.grad += other.data * out.grad
            other.grad += self.data * out.grad"""
MUL_ATTACH = """            other.grad += self.data * out.grad

        out._backward = _backward"""
ADD_WRAP = """        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")"""

# exercise 06's backward, and the usual ways to get it wrong
TOPOLOGICAL = """        order, placed, stack = [], set(), [self]
        while stack:
            node = stack[-1]
            waiting = [child for child in node._prev if child not in placed]
            if waiting:
                stack.extend(waiting)  # its inputs first; it stays on the stack below them
                continue
            stack.pop()
            if node not in placed:
                placed.add(node)
                order.append(node)"""
RECURSIVE = """        order, seen = [], set()

        def place(node):
            if node not in seen:
                seen.add(node)
                for child in node._prev:
                    place(child)
                order.append(node)

        place(self)"""
NO_SEEN_SET = """        order, stack = [], [(self, False)]
        while stack:
            node, inputs_placed = stack.pop()
            if inputs_placed:
                order.append(node)
            else:
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev)"""
PLACED_IN_A_LIST = TOPOLOGICAL.replace("set(), [self]", "[], [self]").replace(
    "placed.add(node)", "placed.append(node)"
)

BACKWARD_DEF = "    def backward(self):\n"
#: backward with the set of placed nodes as a default argument: made once, shared by every call
_START = "order, placed, stack = [], set(), [self]"
PLACED_DEFAULT = TOPOLOGICAL.replace(_START, "order, stack = [], [self]")
#: backward with the order as a default argument
ORDER_DEFAULT = TOPOLOGICAL.replace(_START, "placed, stack = set(), [self]")
#: backward with the set of placed nodes kept on the class, shared by every Value
PLACED_ON_THE_CLASS = TOPOLOGICAL.replace(
    _START,
    'Value.placed = getattr(Value, "placed", set())\n'
    "        order, placed, stack = [], Value.placed, [self]",
)
TANH_FORWARD = "        t = math.tanh(self.data)\n"
TANH_LOCAL = "self.grad += (1 - t**2) * out.grad"
POW_LOCAL = "self.grad += k * self.data ** (k - 1) * out.grad"
EXP_LOCAL = "self.grad += out.data * out.grad"
DIVISION = "        return self * other**-1\n"
DIVISION_NODE = """        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():
            self.grad += (1 / other.data) * out.grad
            other.grad += (-self.data / other.data) * out.grad

        out._backward = _backward
        return out
"""

BROKEN: tuple[Broken, ...] = (
    # 05: + and *
    Broken(
        "05",
        "swapped factors",
        MUL_BACKWARD,
        "            self.grad += self.data * out.grad\n"
        "            other.grad += other.data * out.grad",
        "the factors are swapped",
    ),
    Broken(
        "05",
        "+ adds to self.grad twice",
        ADD_BACKWARD,
        ADD_BACKWARD.replace("other.grad", "self.grad"),
        "both lines add to self.grad: the second should add to other.grad",
    ),
    Broken(
        "05",
        "+ hands back 2",
        ADD_BACKWARD,
        ADD_BACKWARD.replace("1.0 *", "2.0 *"),
        "d(a+b)/da is 1, not 2",
    ),
    Broken(
        "05",
        "= in the _backward of *",
        MUL_BACKWARD,
        MUL_BACKWARD.replace("+=", "="),
        "a * a (a = 3): dy/da = 3 + 3 = 6, one contribution from each use; yours is 3: only one "
        "of its two contributions",
    ),
    Broken(
        "05",
        "= in the _backward of +",
        ADD_BACKWARD,
        ADD_BACKWARD.replace("+=", "="),
        "= instead of += in _backward",
    ),
    Broken(
        "05",
        "a plain number not wrapped",
        ADD_WRAP,
        ADD_WRAP.splitlines()[1],
        "a plain number is not wrapped",
    ),
    Broken(
        "05",
        "self.grad instead of out.grad",
        MUL_BACKWARD,
        MUL_BACKWARD.replace("other.data * out.grad", "other.data * self.grad").replace(
            "self.data * out.grad", "self.data * other.grad"
        ),
        "it multiplies by a gradient, self.grad or other.grad",
    ),
    Broken(
        "05",
        "out.grad left out",
        MUL_BACKWARD,
        MUL_BACKWARD.replace(" * out.grad", ""),
        "out.grad is missing",
    ),
    Broken(
        "05",
        "_backward never given to out",
        MUL_ATTACH,
        MUL_ATTACH.replace("out._backward = _backward", "pass"),
        "nothing was handed back",
    ),
    Broken(
        "05",
        "inputs not kept",
        '(self.data * other.data, (self, other), "*")',
        "(self.data * other.data)",
        "its _prev should hold its two inputs",
    ),
    # 06: backward()
    Broken("06", "recursive", TOPOLOGICAL, RECURSIVE, "use an explicit stack"),
    Broken(
        "06",
        "recursive, with the recursion limit raised",
        TOPOLOGICAL,
        "        import sys\n\n        sys.setrecursionlimit(1_000_000)\n" + RECURSIVE,
        "went 2,0",
    ),
    Broken(
        "06",
        "not seeded",
        "        self.grad = 1.0\n        for node in reversed(order):",
        "        for node in reversed(order):",
        "the start is not seeded: set self.grad = 1.0",
    ),
    Broken(
        "06",
        "forward order",
        "for node in reversed(order):",
        "for node in order:",
        "visiting in forward order",
    ),
    Broken("06", "visited twice", TOPOLOGICAL, NO_SEEN_SET, "a node is visited twice"),
    Broken(
        "06",
        "= in the _backward of +",
        ADD_BACKWARD,
        ADD_BACKWARD.replace("+=", "="),
        "a + a (a = 3): dy/da = 1 + 1 = 2, one contribution from each use; yours is 1: only one "
        "of its two contributions",
    ),
    Broken(
        "06",
        "placed nodes in a list",
        TOPOLOGICAL,
        PLACED_IN_A_LIST,
        "keep the nodes seen in a set",
    ),
    # 07: more operations
    Broken(
        "07",
        "tanh instead of 1 - tanh²",
        TANH_LOCAL,
        "self.grad += t * out.grad",
        "did you use tanh(x) instead of 1 − tanh(x)²?",
    ),
    Broken(
        "07",
        "1 - x² for tanh",
        TANH_LOCAL,
        "self.grad += (1 - self.data**2) * out.grad",
        "1 − x² instead of 1 − tanh(x)²",
    ),
    Broken(
        "07",
        "k·a^k",
        POW_LOCAL,
        "self.grad += k * self.data**k * out.grad",
        "k·a^k instead of k·a^(k−1)",
    ),
    Broken(
        "07",
        "-a/b for division",
        DIVISION,
        DIVISION_NODE,
        "−a/b instead of −a/b² for d(a/b)/db",
    ),
    Broken("07", "e^a missing", EXP_LOCAL, "self.grad += out.grad", "e^a is missing"),
    Broken(
        "07",
        "__rsub__ as self - other",
        "        return (-self) + other\n",
        "        return self - other\n",
        "__rsub__(self, other) is other - self",
    ),
    Broken(
        "07",
        "__rtruediv__ as self / other",
        "        return other * self**-1\n",
        "        return self / other\n",
        "__rtruediv__(self, other) is other / self",
    ),
    Broken(
        "07",
        "a - b as a + b",
        "        return self + (-other)\n",
        "        return self + other\n",
        "the minus sign is lost",
    ),
    Broken(
        "07",
        "= in the _backward of tanh",
        TANH_LOCAL,
        TANH_LOCAL.replace("+=", "="),
        "= instead of += in the _backward of tanh(a)",
    ),
    Broken(
        "07",
        "out.grad left out of exp",
        EXP_LOCAL,
        "self.grad += out.data",
        "out.grad is missing",
    ),
    Broken(
        "05",
        "+ returns out.data, a number",
        "            other.grad += 1.0 * out.grad\n\n"
        "        out._backward = _backward\n        return out",
        "            other.grad += 1.0 * out.grad\n\n        out._backward = _backward\n"
        "        return out.data",
        "return out, the Value you made, not a number",
    ),
    Broken(
        "05",
        "no __radd__",
        "    def __radd__(self, other):  # 2 + a: Python asks a.__radd__(2)\n"
        "        return self + other\n",
        "",
        "define __radd__ and __rmul__",
    ),
    Broken(
        "05",
        "__eq__ without __hash__",
        "    def __repr__(self):",
        "    def __eq__(self, other):\n"
        "        return self.data == getattr(other, 'data', other)\n\n"
        "    def __repr__(self):",
        "add __hash__ = object.__hash__",
    ),
    Broken(
        "06",
        "backward() zeroes every gradient first",
        "        self.grad = 1.0\n",
        "        for node in order:\n            node.grad = 0.0\n        self.grad = 1.0\n",
        "backward() sets gradients to 0 first",
    ),
    Broken(
        "05",
        "__radd__ cut out of the graph",
        "    def __radd__(self, other):  # 2 + a: Python asks a.__radd__(2)\n"
        "        return self + other\n",
        "    def __radd__(self, other):  # 2 + a: Python asks a.__radd__(2)\n"
        "        return Value(other) + self.data\n",
        "2 + a calls a.__radd__(2): return self + other",
    ),
    Broken(
        "07",
        "__rmul__ cut out of the graph",
        "    def __rmul__(self, other):  # 2 * a\n        return self * other\n",
        "    def __rmul__(self, other):  # 2 * a\n        return Value(other) * self.data\n",
        "a is not in the graph of your 2 / a",
    ),
    Broken(
        "07",
        "tanh made from a number, outside the graph",
        '        out = Value(t, (self,), "tanh")\n',
        "        out = Value(t)\n",
        "a is not in the graph of your tanh(a)",
    ),
    Broken(
        "05",
        "data kept as a complex number",
        "        self.data = data\n",
        "        self.data = complex(data)\n",
        "yours holds data (2+0j) (complex)",
    ),
    Broken(
        "05",
        "d(a*b)/da as out.data / a",
        MUL_BACKWARD,
        "            self.grad += out.data / self.data * out.grad\n"
        "            other.grad += out.data / other.data * out.grad",
        "a division by an input that can be 0",
    ),
    Broken(
        "05",
        "= for self.grad in the _backward of *, += for other.grad",
        MUL_BACKWARD,
        MUL_BACKWARD.replace("self.grad +=", "self.grad ="),
        "= instead of += for self.grad in _backward",
    ),
    # -- what one call on the worked example does not show (issue 14) --------------------
    Broken(
        "06",
        "backward(self, placed=set()): a mutable default",
        TOPOLOGICAL,
        PLACED_DEFAULT,
        "backward's default placed=set() is made once, when def runs",
        also=(BACKWARD_DEF, "    def backward(self, placed=set()):\n"),
    ),
    Broken(
        "06",
        "backward(self, order=[]): a mutable default",
        TOPOLOGICAL,
        ORDER_DEFAULT,
        "backward's default order=[] is made once, when def runs",
        also=(BACKWARD_DEF, "    def backward(self, order=[]):\n"),
    ),
    Broken(
        "06",
        "the placed nodes kept on the class",
        TOPOLOGICAL,
        PLACED_ON_THE_CLASS,
        "backward() keeps something from one call to the next",
    ),
    Broken(
        "07",
        "tanh as (e^2x - 1) / (e^2x + 1) with math.exp: an overflow at 400",
        TANH_FORWARD,
        "        e = math.exp(2 * self.data)\n        t = (e - 1) / (e + 1)\n",
        "tanh(400) raised OverflowError",
    ),
    Broken(
        "07",
        "tanh as (e^2x - 1) / (e^2x + 1) with NumPy: nan at 400",
        TANH_FORWARD,
        '        e = __import__("numpy").exp(2 * self.data)\n'
        "        t = float((e - 1) / (e + 1))\n",
        "(e^(2x) - 1) / (e^(2x) + 1) overflows once 2x passes about 709",
    ),
    # added with the examiner's set: kinds that passed, or failed without a name
    Broken(
        "05",
        "* multiplies by the other input's grad, not its data",
        MUL_BACKWARD,
        "            self.grad += other.grad * out.grad\n"
        "            other.grad += self.grad * out.grad",
        "self.grad += other.data * out.grad",
    ),
    Broken(
        "06",
        "the seed added to, not set",
        "        self.grad = 1.0\n        for node",
        "        self.grad += 1.0\n        for node",
        "the seed is added, self.grad += 1.0",
    ),
    Broken(
        "06",
        "nodes placed by their data",
        TOPOLOGICAL,
        TOPOLOGICAL.replace("child not in placed", "child.data not in placed")
        .replace("if node not in placed:", "if node.data not in placed:")
        .replace("placed.add(node)", "placed.add(node.data)"),
        "two different nodes with equal data were taken as one",
    ),
    Broken(
        "06",
        "a breadth-first walk from the output",
        TOPOLOGICAL,
        """        order, queue, seen = [], [self], {self}
        self.grad = 1.0
        while queue:
            node = queue.pop(0)
            node._backward()
            for child in node._prev:
                if child not in seen:
                    seen.add(child)
                    queue.append(child)""",
        "handed on its gradient before it was complete",
    ),
    Broken(
        "07",
        "tanh's _backward multiplies by self.grad",
        TANH_LOCAL,
        "self.grad += (1 - t**2) * self.grad",
        "does _backward multiply by self.grad",
    ),
)
