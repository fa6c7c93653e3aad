"""Exercise 04, answered: the derivative by nudging (the tests' reference)."""


def forward_difference(f, x, h=0.001):
    """(f(x + h) - f(x)) / h: the slope of f at x, measured by nudging x up by h."""
    return (f(x + h) - f(x)) / h


def central_difference(f, x, h=0.001):
    """(f(x + h) - f(x - h)) / (2h): the slope of f at x, from a nudge each way."""
    return (f(x + h) - f(x - h)) / (2 * h)


def nudge_errors(f, x, exact, steps=STEPS):
    """For each h in steps: abs(forward_difference(f, x, h) - exact), in a list."""
    return [abs(forward_difference(f, x, h) - exact) for h in steps]
