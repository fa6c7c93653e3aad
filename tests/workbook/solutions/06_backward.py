"""Exercise 06, the project's reference solution: backward() with an explicit stack."""


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
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __radd__(self, other):  # 2 + a
        return self + other

    def __rmul__(self, other):  # 2 * a
        return self * other

    def backward(self):
        """Fill .grad of every Value this one depends on: d(self)/d(that value).

        A topological order with an explicit stack, self.grad = 1.0, then each
        node's _backward() from the output back to the leaves.
        """
        order, placed, stack = [], set(), [self]
        while stack:
            node = stack[-1]
            waiting = [child for child in node._prev if child not in placed]
            if waiting:
                stack.extend(waiting)  # its inputs first; it stays on the stack below them
                continue
            stack.pop()
            if node not in placed:
                placed.add(node)
                order.append(node)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


if __name__ == "__main__":
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    f = Value(-2.0, label="f")
    L = (a * b + c) * f
    L.backward()
    print(a.grad, b.grad, c.grad, f.grad)  # 6.0 -4.0 -2.0 4.0
    x = Value(3.0)
    y = x + x
    y.backward()
    print(x.grad)  # 2.0: x is used twice
    z = Value(0.0)
    for _ in range(100_000):
        z = z + 1
    z.backward()  # a chain of 100,000 nodes: no RecursionError
    print(z.data)  # 100000.0
