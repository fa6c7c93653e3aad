"""Exercise 06: backward() -- every gradient of a graph, in one walk from the output.

Each Value below already knows how to hand its gradient back to its inputs:
its _backward() adds (d out / d input) * out.grad to each input's grad.  What
is left is the order.  A node may hand its gradient back only once it is
complete, that is after every Value that uses it has handed back its share.
So:

  1. List the nodes in a topological order: every node after all of its
     inputs (_prev).  Visit each node once, even where two paths reach it
     (keep a set of the nodes seen).
  2. Seed the start: self.grad = 1.0, since dL/dL = 1.
  3. Call node._backward() for each node, in the reverse of that order:
     from the output back to the leaves.

Do step 1 without recursion.  A recursive function goes one Python call deeper
for every node of a chain, and Python stops at a few thousand calls; a deep
network's graph is longer than that.  Keep a list of nodes still to do (a stack)
instead: pop one; if its inputs are all placed, place it; otherwise push it
back, then its inputs.

Gradients add up: b = a + a uses a twice, so a.grad = 1 + 1 = 2.  They add
up across calls too: backward() only ever adds to .grad (resetting it to 0 is
the job of zero_grad, before each step of training, in exercise 09).

Try the worked example first: for the L graph (a = 2, b = -3, c = 10,
e = a*b, d = e + c, f = -2, L = d*f = -8), L.backward() gives
a.grad = 6, b.grad = -4, c.grad = -2, f.grad = 4.

Fill in backward, then run:  neuronlab workbook check 06
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
        raise NotImplementedError("06: Value.backward is not written yet")


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
