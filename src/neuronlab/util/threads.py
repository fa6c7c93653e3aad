"""One BLAS thread for work made of many small matrix products.

A step of a small network multiplies matrices of a few hundred rows. On busy
cores OpenBLAS's helper threads wait for each other longer than the product
takes, so such a step can run ten times slower on two threads than on one.
The lab's play loop and the workbook's training check run inside
``one_blas_thread()``; everything else keeps NumPy's own thread count.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from threadpoolctl import ThreadpoolController

__all__ = ["one_blas_thread"]

_controller: ThreadpoolController | None = None


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Limit the BLAS libraries NumPy loaded to one thread inside the ``with`` block, and give
    each its own count back after it (about 25 µs each way)."""
    global _controller
    if _controller is None:  # found once: it lists the loaded libraries, a few milliseconds
        _controller = ThreadpoolController()
    with _controller.limit(limits=1, user_api="blas"):
        yield
