"""Exercise 02, answered: the perceptron learning rule (the tests' reference)."""


def predict(weights, bias, x):
    """1 if w·x + b > 0, else 0."""
    total = bias
    for w, xi in zip(weights, x):
        total += w * xi
    return 1 if total > 0 else 0


def train_perceptron(X, y, lr=1.0, max_epochs=100):
    """The perceptron rule from zero weights; returns (weights, bias, converged, epochs)."""
    weights = [0.0] * len(X[0])
    bias = 0.0
    for epoch in range(1, max_epochs + 1):
        mistakes = 0
        for x, target in zip(X, y):
            error = target - predict(weights, bias, x)
            if error != 0:
                weights = [w + lr * error * xi for w, xi in zip(weights, x)]
                bias += lr * error
                mistakes += 1
        if mistakes == 0:
            return weights, bias, True, epoch
    return weights, bias, False, max_epochs
