"""Exercise 01, answered: the weighted sum and the sweets perceptron (the tests' reference)."""


def weighted_sum(weights, inputs, bias=0.0):
    """w·x + b for a list of weights and a list of inputs of the same length."""
    total = 0.0
    for w, x in zip(weights, inputs):
        total += w * x
    return total + bias


def perceptron(weights, inputs, threshold):
    """1 if the weighted sum of the inputs is greater than the threshold, else 0."""
    return 1 if weighted_sum(weights, inputs) > threshold else 0
