"""Exercise 02: the perceptron learning rule, which learns AND, OR and NAND but never XOR.

A perceptron with a bias b answers 1 when w·x + b > 0 (the bias is minus the
threshold of exercise 01).  It can learn its weights from examples: start
with every weight and the bias at 0, then go through the examples in order:

    output = predict(weights, bias, x)
    error  = target - output            # 0 when right, +1 or -1 when wrong
    w_i   += lr · error · x_i           # for every weight
    b     += lr · error

A right answer changes nothing (error = 0); a wrong one moves the line toward
the example.  One pass over all the examples is an epoch.  When an epoch goes
by without a single mistake, the perceptron has converged: stop there.  If it
has not converged after max_epochs, give up.

Try it by hand first on AND (inputs (0,0), (0,1), (1,0), (1,1); targets
0, 0, 0, 1) with lr = 1: the first mistake is (1, 1), which gives w = [1, 1]
and b = 1.  The rule ends after 6 epochs with w = [2, 1] and b = -2.
XOR (targets 0, 1, 1, 0) has no line that separates its 1s from its 0s, so
some example is wrong in every epoch, whatever you do.

train_perceptron returns four things, in this order:
    weights    the list of learned weights
    bias       the learned bias
    converged  True if the last epoch had no mistake, False if max_epochs ran out
    epochs     how many epochs ran (the last one included)

Fill in the two functions, then run:  neuronlab workbook check 02
"""

from neuronlab import datasets


def predict(weights, bias, x):
    """1 if w·x + b > 0, else 0."""
    raise NotImplementedError("02: predict is not written yet")


def train_perceptron(X, y, lr=1.0, max_epochs=100):
    """The perceptron rule from zero weights and bias; returns (weights, bias, converged, epochs).

    X is a list of examples (each a list of inputs), y their targets (0 or 1).
    """
    raise NotImplementedError("02: train_perceptron is not written yet")


if __name__ == "__main__":
    for name in ("and", "or", "nand", "xor"):
        X, y = datasets.gate(name)
        print(name, train_perceptron(X.tolist(), y.tolist(), max_epochs=50))
    # and  ([2.0, 1.0], -2.0, True, 6)
    # or   ([1.0, 1.0], 0.0, True, 4)
    # nand ([-2.0, -1.0], 3.0, True, 6)
    # xor  ([-1.0, 0.0], 1.0, False, 50)
