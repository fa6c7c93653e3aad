"""Exercise 09: the MSE cost, a step of gradient descent, and a loop that fits the moons.

A network is only as good as its weights.  To find good ones, measure how
wrong it is with a cost -- the mean squared error over the examples:

    MSE = (1/n) · Σ (prediction - target)²

-- then step every parameter a little way downhill, against its gradient:

    p.data -= lr · p.grad

One step, in order: set every gradient to 0 (backward adds to .grad, so the
last step's gradients would still be there), predict every example, compute
the MSE, call backward() on it, move every parameter.  Repeat.

Try mse by hand first: predictions 2, 0.5, -1 against targets 1, 1, 1 give
differences 1, -0.5, -2, squares 1, 0.25, 4, and a mean of 1.75.

The network here is neuronlab's own MLP (model(x) gives a Value,
model.parameters() the list of its weights and biases), so this exercise is
only the cost and the loop.  The data are the two moons: points (x, y) with
targets +1 for one moon and -1 for the other; a point is on the right side
when the network's output has its target's sign.

train_step(model, X, y, lr) does one step on all of X and returns the loss's
number before the step; train(model, X, y, lr, steps) calls it steps times and
returns the list of those losses.

Fill in the three functions, then run:  neuronlab workbook check 09
"""

from neuronlab import MLP, Value, datasets


def mse(predictions, targets):
    """The mean over the examples of (prediction - target)²: a Value, so backward() works."""
    raise NotImplementedError("09: mse is not written yet")


def train_step(model, X, y, lr):
    """Zero the gradients, mse of model(x) for every x against y, backward, step; the loss."""
    raise NotImplementedError("09: train_step is not written yet")


def train(model, X, y, lr, steps):
    """steps calls of train_step; returns the list of their losses."""
    raise NotImplementedError("09: train is not written yet")


if __name__ == "__main__":
    print(mse([Value(2.0), Value(0.5), Value(-1.0)], [1.0, 1.0, 1.0]))  # data=1.75
    X, labels = datasets.moons(60, noise=0.1, seed=0)
    targets = (2.0 * labels - 1.0).tolist()  # +1 for one moon, -1 for the other
    model = MLP(2, [8, 8, 1], seed=1)
    losses = train(model, X.tolist(), targets, lr=0.1, steps=100)
    print(losses[0], losses[-1])  # 1.6844385400761808 0.12830017697341828 (or very near)
    right = sum((model(x).data > 0) == (t > 0) for x, t in zip(X.tolist(), targets))
    print(f"{right} of {len(targets)} points on the right side")  # 58 of 60
