"""Exercise 05: a Value that remembers how it was made -- + and *, and their derivatives.

A Value holds one number, ``data``, and after going backward from an output L
it holds ``grad`` = dL/d(this value).  Value(data, _children=(), _op="", label="")
makes one; every operation makes a new Value that remembers how it was made:

    _prev       the Values it was computed from (its inputs), a tuple
    _op         the operation that made it: "+" or "*"  ("" for a leaf you typed in)
    _backward   a function of no arguments that hands the new Value's grad back
                to its inputs, by the chain rule:
                    input.grad += (d out / d input) * out.grad

For out = a + b:   d out/da = 1,  d out/db = 1   so  a.grad += 1 * out.grad
For out = a * b:   d out/da = b,  d out/db = a   so  a.grad += b.data * out.grad
                   (each side gets the *other* side's number)

Three things to get right:
  * use += in _backward, never =: a value used twice (a * a, or a feeding two
    nodes) gets one contribution from each use, and they add up;
  * multiply by out.grad (the gradient of the new Value), not by self.grad;
  * a plain number must work too: a + 2 wraps the 2 as Value(2) first.

Try the worked example by hand first (the L graph):
    a = 2, b = -3, c = 10, e = a*b = -6, d = e + c = 4, f = -2, L = d*f = -8
    dL/dd = f = -2 and dL/df = d = 4;  dL/de = dL/dc = -2 * 1 = -2;
    dL/da = -2 * b = 6 and dL/db = -2 * a = -4.

backward() is written for you (exercise 06 is about writing it): it calls every
node's _backward, from L back to the leaves.

Fill in __add__ and __mul__, then run:  neuronlab workbook check 05
"""


class Value:
    """A number that remembers how it was computed, so it can be differentiated."""

    def __init__(self, data, _children=(), _op="", label=""):
        self.data = data
        self.grad = 0.0  # dL/d(this value): 0 until backward() fills it
        self._backward = lambda: None  # a leaf has nothing to hand back
        self._prev = tuple(_children)
        self._op = _op
        self.label = label

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"

    def __add__(self, other):
        """self + other, for another Value or a plain number.

        Make out = Value(self.data + other.data, (self, other), "+"), give it a
        _backward that adds 1 * out.grad to both inputs' grads, and return out.
        """
        raise NotImplementedError("05: Value.__add__ is not written yet")

    def __mul__(self, other):
        """self * other, for another Value or a plain number: d/dself = other, d/dother = self."""
        raise NotImplementedError("05: Value.__mul__ is not written yet")

    def __radd__(self, other):  # 2 + a: Python asks a.__radd__(2)
        return self + other

    def __rmul__(self, other):  # 2 * a
        return self * other

    def backward(self):
        """Fill .grad of every Value this one depends on (given here; exercise 06 writes it).

        micrograd's way: a recursive walk puts every node after its inputs, then
        each node's _backward runs from the output back.  (Recursion is fine for
        a small graph; exercise 06 explains why not for a deep one.)
        """
        order, seen = [], set()

        def place(node):
            if node not in seen:
                seen.add(node)
                for child in node._prev:
                    place(child)
                order.append(node)

        place(self)
        self.grad = 1.0  # dL/dL = 1
        for node in reversed(order):
            node._backward()


if __name__ == "__main__":
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    e = a * b
    d = e + c
    f = Value(-2.0, label="f")
    L = d * f
    print(L.data)  # -8.0
    L.backward()
    print(a.grad, b.grad, c.grad, f.grad)  # 6.0 -4.0 -2.0 4.0
