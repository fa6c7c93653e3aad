"""``neuronlab lab``: serve the browser lab on this machine and print its URL."""

from __future__ import annotations

import argparse
import contextlib

from .errors import UsageError
from .output import say

__all__ = ["run_lab"]


def run_lab(args: argparse.Namespace) -> None:
    """Serve the lab until Ctrl-C; the URL (with its token) is printed first."""
    try:
        from ..lab import serve
        from ..lab.launch import LabServer  # noqa: F401  (Starlette and uvicorn are importable)
    except ImportError as e:
        raise UsageError(
            f"neuronlab lab: the lab needs Starlette and uvicorn ({e}); "
            'install them with: pip install "neuronlab[lab]"'
        ) from None
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how the lab is stopped: not an error
        serve(port=args.port, host=args.host, open_browser=not args.no_browser, say=say)
    say("neuronlab lab: stopped")
