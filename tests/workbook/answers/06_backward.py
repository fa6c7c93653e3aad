"""Exercise 06, the project's answers: backward() with an explicit stack."""


class Value:
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
