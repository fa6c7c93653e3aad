"""Starting a lab: a socket bound first, uvicorn serving the app, in the foreground or a thread.

``LabServer`` binds its socket when it is made (so a port already taken is an
``OSError`` at once, and port 0 has its number before anything is printed),
then serves until stopped: ``run()`` in the foreground (the command line,
Ctrl-C stops it) or ``start()`` in a background thread (Jupyter, tests).
``LabView`` is what ``show()`` returns: a notebook displays it as the page
in an IFrame.
"""

from __future__ import annotations

import contextlib
import html
import ipaddress
import socket
import threading
import time
from typing import Any

import uvicorn

from .access import new_token
from .inputs import MAX_JSON_BYTES
from .server import create_app
from .session import LabSession

__all__ = ["LabServer", "LabView", "exposure_warning", "is_loopback", "url_host"]


def is_loopback(host: str) -> bool:
    """True for a name or address only this machine can reach (127.0.0.1, ::1, localhost).

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> str | None:
    """What to tell someone who serves the lab beyond this machine (None for loopback)."""
    if is_loopback(host):
        return None
    return (
        f"serving on {host}, not 127.0.0.1: anyone who can reach this machine and learns the "
        "URL's token can use the lab (it has no passwords and no HTTPS)"
    )


def url_host(host: str) -> str:
    """The host to write in the URL: a wildcard address means this machine (127.0.0.1)."""
    if host in ("0.0.0.0", "", "::"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(64)
    except OSError as e:
        sock.close()
        raise OSError(e.errno, f"cannot serve the lab on {host}:{port}: {e.strerror}") from None
    sock.setblocking(False)
    return sock


class LabServer:
    """A lab on ``host:port`` (port 0: a free one), behind a fresh token."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, session: LabSession | None = None
    ) -> None:
        self.host = host
        self.token = new_token()
        self.app = create_app(session, self.token)
        self.socket = _bind(host, port)
        self.port: int = self.socket.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,  # the access log would print every URL's token
            ws_max_size=MAX_JSON_BYTES,
            timeout_graceful_shutdown=2,
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The page's address, with the token."""
        return f"http://{url_host(self.host)}:{self.port}/?token={self.token}"

    @property
    def names_url(self) -> str:
        """The names lab's address (the second page), with the token."""
        return f"http://{url_host(self.host)}:{self.port}/names?token={self.token}"

    @property
    def runner(self) -> Any:
        """The app's ``LabRunner`` (its session is ``runner.session``)."""
        return self.app.state.runner

    def run(self) -> None:
        """Serve in the foreground until Ctrl-C (or ``stop()`` from another thread)."""
        self.server.run(sockets=[self.socket])

    def start(self, timeout: float = 10.0) -> LabServer:
        """Serve in a background thread; returns once the server answers."""
        self.thread = threading.Thread(target=self.run, name="neuronlab-lab", daemon=True)
        self.thread.start()
        for _ in range(int(timeout / 0.01)):
            if self.server.started or not self.thread.is_alive():
                break
            time.sleep(0.01)
        if not self.server.started:
            raise RuntimeError("the lab's server did not start")
        return self

    def stop(self) -> None:
        """Stop serving (and wait for the background thread, if any)."""
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout=10)
        with contextlib.suppress(OSError):
            self.socket.close()


class LabView:
    """A running lab as a notebook shows it: the page in an IFrame (``url`` opens it elsewhere)."""

    def __init__(self, server: LabServer, width: str = "100%", height: int = 820) -> None:
        self.server = server
        self.url = server.url
        self.width = width
        self.height = height

    def _repr_html_(self) -> str:
        src = html.escape(self.url, quote=True)
        return (
            f'<iframe src="{src}" width="{html.escape(str(self.width))}" '
            f'height="{int(self.height)}" style="border:0" title="neuronlab lab"></iframe>'
        )

    def __repr__(self) -> str:
        return f"<neuronlab lab at {self.url}>"

    def stop(self) -> None:
        """Stop the lab's server."""
        self.server.stop()
