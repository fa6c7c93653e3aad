"""Headless Chromium for the browser tests: Debian's ``/usr/bin/chromium`` driven by Playwright.

Playwright's own browser download (``playwright install``) does not work on
these machines, so the tests launch the system Chromium with flags that keep it
from reaching the network.  Without Chromium or the ``playwright`` package the
tests skip and say why (``make test`` installs Chromium with apt-get).

With pytest-playwright installed, its ``browser``/``page`` fixtures are pointed
at the same Chromium (``browser_type_launch_args`` below) and ``chromium``
reuses them; without it, ``chromium`` starts Playwright itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from helpers import chromium_path

#: Flags for a quiet, offline, sandbox-free headless Chromium (containers, CI).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _require_chromium() -> str:
    path = chromium_path()
    if path is None:
        pytest.skip(
            "Chromium is not installed (/usr/bin/chromium): `make test` installs it with "
            "apt-get, or run `apt-get install chromium`"
        )
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(pytestconfig: pytest.Config) -> dict[str, Any]:
    """pytest-playwright's launch options, pointed at the system Chromium (overrides its own)."""
    return {"executable_path": _require_chromium(), "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def chromium(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A running headless Chromium (a Playwright ``Browser``), or a skip saying what is missing."""
    path = _require_chromium()
    pytest.importorskip(
        "playwright.sync_api",
        reason="the playwright package is not installed (pip install playwright)",
    )
    if request.config.pluginmanager.hasplugin("playwright"):
        # pytest-playwright runs one Playwright per session: share it rather than start a second.
        yield request.getfixturevalue("browser")
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
