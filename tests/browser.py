"""Browser tests: Debian's Chromium driven by Playwright, against a live server.

- `LiveServer`: the project served on 127.0.0.1 by Django's LiveServerThread (a
  thread of this process, so data the test writes must be committed: use the
  `committing` fixture). Spa hosts are `<slug>.<ROOT_DOMAIN>` on its port.
- `Chromium`: one headless Chromium for the session, which resolves every host
  to 127.0.0.1 (so spa hosts reach the live server). Playwright's sync API runs
  an event loop in the thread that starts it, and Django refuses database calls
  in a thread with a running loop; so the browser lives in a thread of its own,
  and a test hands it the steps to run (`chromium.run(steps)`), keeping its own
  thread free for the database.

Chromium is /usr/bin/chromium (Debian's package `chromium`; bin/test installs it
when apt-get can), or the executable named by $CHROMIUM. Without it the browser
tests fail, saying so: they are never skipped.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from django.conf import settings
from django.test.testcases import LiveServerThread, _StaticFilesHandler

_T = TypeVar("_T")

# The flags this machine's Chromium needs headless with no network beyond the
# loopback (background networking and updates would try the internet).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Every host is this machine (the port is kept): spa hosts reach the live server.
    "--host-resolver-rules=MAP * 127.0.0.1",
]
# A step that waits longer than this has failed (the default 30 s only slows failures).
STEP_TIMEOUT_MS = 10_000


def chromium_path() -> str:
    """The Chromium executable, or a failed test that says how to get one."""
    named = os.environ.get("CHROMIUM")
    candidates = [named] if named else ["/usr/bin/chromium", "chromium", "chromium-browser"]
    for candidate in candidates:
        found = shutil.which(candidate)
        if found:
            return found
    pytest.fail(
        f"Chromium not found ({'$CHROMIUM=' + named if named else '/usr/bin/chromium'}). "
        "The browser tests need Debian's Chromium: `apt-get install -y chromium` as root "
        "(bin/test does it when apt-get is available), or set CHROMIUM to its path.",
        pytrace=False,
    )


class LiveServer:
    """The project on 127.0.0.1 and a free port, in a thread of this process."""

    def __init__(self) -> None:
        self.thread = LiveServerThread("127.0.0.1", _StaticFilesHandler, port=0)
        self.thread.daemon = True
        self.thread.start()
        self.thread.is_ready.wait()
        if self.thread.error:
            raise self.thread.error

    def url(self, slug: str, path: str) -> str:
        """An address on the spa's host (`<slug>.<ROOT_DOMAIN>:<port>`)."""
        return f"http://{slug}.{settings.ROOT_DOMAIN}:{self.thread.port}{path}"

    def root(self, path: str) -> str:
        """An address on the root domain (the console, the public API)."""
        return f"http://{settings.ROOT_DOMAIN}:{self.thread.port}{path}"

    def stop(self) -> None:
        self.thread.terminate()
        self.thread.join(timeout=10)


class Chromium:
    """One headless Chromium, driven by Playwright in a thread of its own."""

    def __init__(self, executable: str) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium")
        self._playwright: Any = None
        self._browser: Any = None
        self._thread.submit(self._launch, executable).result(timeout=60)

    def _launch(self, executable: str) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_FLAGS, headless=True
        )

    def run(self, steps: Callable[[Any], _T], *, timeout: float = 60) -> _T:
        """Run `steps(page)` in a fresh context (no cookies, storage or cache
        shared with other tests) and return what it returns; its exceptions
        (failed expectations) are raised here. Also fails when the page logged
        an error (a script error, or something the Content-Security-Policy refused)."""

        def in_browser() -> _T:
            context = self._browser.new_context(locale="en-US", timezone_id="Europe/London")
            context.set_default_timeout(STEP_TIMEOUT_MS)
            errors: list[str] = []
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
            page.on(
                "console",
                lambda message: (
                    errors.append(f"console {message.type}: {message.text}")
                    if message.type == "error" and not _expected_console_error(message.text)
                    else None
                ),
            )
            try:
                result = steps(page)
            finally:
                context.close()
            assert errors == [], errors
            return result

        return self._thread.submit(in_browser).result(timeout=timeout)

    def close(self) -> None:
        def stop() -> None:
            if self._browser is not None:
                self._browser.close()
            if self._playwright is not None:
                self._playwright.stop()

        try:
            self._thread.submit(stop).result(timeout=30)
        finally:
            self._thread.shutdown(wait=True)


def _expected_console_error(text: str) -> bool:
    return text.startswith(
        (
            # Chromium logs every non-2xx response (the favicon nobody serves;
            # the API's 4xx refusals, which the page shows).
            "Failed to load resource",
            # Django's Cross-Origin-Opener-Policy header needs https; the live server is http.
            "The Cross-Origin-Opener-Policy header has been ignored",
        )
    )
