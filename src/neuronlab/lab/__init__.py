"""The lab: a live browser playground on neuronlab's own engine.

``serve()`` starts it and opens the page (``neuronlab lab`` on the command
line); ``show()`` shows it inside a Jupyter notebook.  The parts:
``settings`` (what a run is made of, and its URL), ``problem`` (the points on
the plane), ``features``, ``network`` (the network and how its outputs read),
``session`` (one run, trained through ``Trainer.step()``), ``frames`` (what
the page draws after a step), ``card`` and ``stepthrough`` (one neuron, one
point), ``export``, ``presets``; the web side: ``access`` (the token),
``inputs`` (what a request may carry), ``messages``, ``runner`` (the play
loop), ``web`` (what every page's routes share), ``server`` (the routes),
``launch`` (uvicorn) and ``static/`` (the page).  The names lab, a second page
at ``/names`` for the makemore language models: ``names_settings`` (its
settings and every bound), ``names_session``, ``names_frames``,
``names_explain``, ``names_runner`` and ``names_routes``.
The web side needs Starlette and uvicorn (``pip install "neuronlab[lab]"``).
"""

from __future__ import annotations

import sys
import threading
import webbrowser
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .launch import LabView
    from .session import LabSession

__all__ = ["serve", "show"]


def serve(
    port: int = 0,
    host: str = "127.0.0.1",
    open_browser: bool = True,
    session: LabSession | None = None,
    say: Any = print,
) -> None:
    """Serve the lab until Ctrl-C: print its URL (with the token) and open it in the browser.

    ``port`` 0 takes a free port; a ``host`` other than the loopback address
    lets other machines connect, and prints a warning.
    """
    from .launch import LabServer, exposure_warning

    server = LabServer(host, port, session)  # bound now: a taken port fails here
    warning = exposure_warning(host)
    if warning:
        sys.stderr.write(f"neuronlab lab: warning: {warning}\n")
    say(f"neuronlab lab: {server.url}")
    say("(open it in a browser; Ctrl-C stops the lab)")
    sys.stdout.flush()
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(server.url,)).start()
    server.run()


_shown: dict[str, Any] = {}


def show(width: str = "100%", height: int = 820, session: LabSession | None = None) -> LabView:
    """The lab inside a notebook: a server on 127.0.0.1 in a background thread, shown in an IFrame.

    The first call starts the server; later calls show the same lab again
    (pass ``session`` to start a new one).  ``.url`` opens it in a browser
    tab too, and ``.stop()`` stops the server.
    """
    from .launch import LabServer, LabView

    server: LabServer | None = _shown.get("server")
    alive = server is not None and server.thread is not None and server.thread.is_alive()
    if server is None or session is not None or not alive:
        server = LabServer("127.0.0.1", 0, session).start()
        _shown["server"] = server
    return LabView(server, width, height)
